/*
 * twtrack.h - the minisockets (TIME_WAIT, and FIN_WAIT2 after close())
 * the eBPF source follows from their kernel timer's events, by socket
 * cookie: armed when one replaces its socket (just before that socket's
 * OLD -> CLOSE) or is renewed, stopped when it is killed (a RST, reuse,
 * its namespace's end) and just before it expires, expiring at its end.
 * Turns those into what -E tells. Pure: no clock, no I/O, so it is
 * unit-tested on hand-made sequences.
 */
#ifndef TCPSTAT_EVENTS_TWTRACK_H
#define TCPSTAT_EVENTS_TWTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "tcpstat.h"
#include "vec.h"

/*
 * A stop not followed by a renewal or the expiry within this long is a
 * kill. The kernel makes both right after the stop, on the same CPU; the
 * margin is for a reader that drains the ring buffer in between.
 */
#define TWT_KILL_GRACE_US 10000

/* One minisocket followed: small, as a busy host follows 100k of them. */
struct twt_entry {
	uint64_t cookie;            /* the kernel's socket cookie; 0: a free slot */
	struct events_key key;      /* its namespace, family and endpoints */
	uint64_t since_us;          /* when it entered its state, if since_known */
	uint64_t stop_us;           /* its timer stopped then; 0: running */
	uint32_t owner_pid;         /* its socket's owner; 0: none known */
	char owner_comm[TCPSTAT_COMM_MAX];
	uint8_t state;              /* its substate */
	bool since_known;           /* its socket's CLOSE was seen here */
	bool older;                 /* there before tcpstat (twt_prefill): since_us from its timer */
};

/*
 * Kills told lately, remembered so that an expiry the kernel made more
 * than TWT_KILL_GRACE_US after its stop (the handler runs with interrupts
 * on, and a virtual CPU can be held up there) is not told a second time.
 */
#define TWT_SETTLED_KEEP 1024

/* The minisockets by cookie: open addressing, linear probing, grown by doubling. */
struct twt {
	struct twt_entry *slots;
	size_t mask, count;
	size_t max;                 /* at most this many followed */
	struct vec stopped;         /* uint64_t cookies whose timer stopped */
	uint64_t settled[TWT_SETTLED_KEEP]; /* the latest kills told, a ring */
	size_t settled_next;        /* where the next one goes */
};

/* What one event makes -E tell. */
enum twt_tell {
	TWT_NOTHING = 0,
	TWT_CHANGE,                 /* old_state -> new_state */
	TWT_GONE,                   /* gone, was new_state */
	TWT_LOST = -1,              /* could not be followed (table full) */
};

struct twt_told {
	struct tcpstat_sock s;      /* state: the new one */
	struct tcpstat_owner owner;
	uint8_t old_state;
	uint64_t at_us;
	uint64_t in_state_us;       /* in old_state (CHANGE) or its state (GONE) */
	bool in_state_known;
	bool older;                 /* GONE: it was there before tcpstat (its start not seen here) */
};

/* Returns 0 or -ENOMEM. */
int twt_init(struct twt *t, size_t max);
void twt_free(struct twt *t);
const struct twt_entry *twt_find(const struct twt *t, uint64_t cookie);

/*
 * A minisocket there before tcpstat, in s->state since since_us (for a
 * TIME_WAIT, its timer tells: see events_state_since), found by a dump at
 * start. One already followed is left as its events made it.
 */
enum twt_tell twt_prefill(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
			  uint64_t since_us);
/* Its timer armed at at_us; s->state is its substate. */
enum twt_tell twt_arm(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
		      const struct tcpstat_owner *owner, uint64_t at_us, struct twt_told *out);
/*
 * A socket's old_state -> CLOSE, after in_state_us in old_state: whether a
 * minisocket took its place. TWT_NOTHING: none did (a real CLOSE) or it is
 * held as FIN_WAIT2 (*held set); TWT_CHANGE: old_state -> TIME_WAIT.
 */
enum twt_tell twt_close(struct twt *t, uint64_t cookie, uint8_t old_state, uint64_t at_us,
			uint64_t in_state_us, const struct tcpstat_owner *owner, bool *held,
			struct twt_told *out);
/* A minisocket found in new_state (FIN_WAIT2's FIN came) at at_us. */
enum twt_tell twt_change(struct twt *t, uint64_t cookie, uint8_t new_state, uint64_t at_us,
			 struct twt_told *out);
/*
 * Its timer stopped: expiry or renewal follows, or it was killed.
 * TWT_CHANGE when s->state (its substate) is not the one followed.
 */
enum twt_tell twt_stop(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
		       uint64_t at_us, struct twt_told *out);
/*
 * Its timer expired: it is gone. s: its endpoints, if not followed.
 * TWT_NOTHING when it was told gone already, as a kill.
 */
enum twt_tell twt_expire(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
			 uint64_t at_us, struct twt_told *out);

/* Tells each kill settled by now_us (gone at its stop); fn's non-zero return stops. */
typedef int twt_gone_fn(const struct twt_told *told, void *arg);
int twt_settle(struct twt *t, uint64_t now_us, twt_gone_fn *fn, void *arg);
/* When the next stop settles, or UINT64_MAX. */
uint64_t twt_next_settle(const struct twt *t);

#endif
