/*
 * snapshot.h - the changes between two snapshots of the matching sockets,
 * keyed by identity (family and both endpoints) in hash tables, in time
 * linear in the number of sockets. Pure: no clock, no I/O, so the diff is
 * unit-tested on hand-made records.
 */
#ifndef TCPSTAT_EVENTS_SNAPSHOT_H
#define TCPSTAT_EVENTS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"
#include "tcpstat.h"

/* Called for each event; a non-zero return is passed back up. */
typedef int events_emit_fn(const struct out_event *e, void *arg);

/* Identity of a socket across snapshots: namespace, family and both endpoints. */
struct events_key {
	uint64_t netns;
	uint8_t family;
	uint8_t pad;
	uint16_t local_port, peer_port;
	uint8_t local_addr[16], peer_addr[16];
	uint8_t pad2[2];      /* to the next multiple of 8: no padding of the compiler's */
};

struct events_entry {
	struct events_key key;
	uint64_t first_ms;        /* when it was first seen */
	uint64_t cookie;          /* the kernel's socket id (netlink), 0: none */
	uint64_t state_ms;        /* when it entered its state, if state_known */
	uint8_t state;
	bool used;
	bool seen;                /* seen again in the current snapshot */
	bool state_known;         /* its timer told when it entered its state (TIME_WAIT) */
	bool older;               /* in the first snapshot: there before tcpstat */
};

/* Sockets by identity: open addressing with linear probing. */
struct events_table {
	struct events_entry *slots;
	size_t mask, count;
};

/* An empty table, sized for about expected entries. Returns 0 or -ENOMEM. */
int events_table_init(struct events_table *t, size_t expected);
void events_table_free(struct events_table *t);
/* The entry for key, or NULL. */
struct events_entry *events_table_find(const struct events_table *t,
				       const struct events_key *key);
/*
 * The entry for key, added (used, zeroed past the key) if it was not
 * there; *added tells which. NULL when memory runs out.
 */
struct events_entry *events_table_add(struct events_table *t, const struct events_key *key,
				      bool *added);
/* The identity of s. */
void events_key_of(const struct tcpstat_sock *s, struct events_key *key);
/* A record with key's family and endpoints (and state), zero elsewhere, for printing. */
void events_sock_of(const struct events_key *key, uint8_t state, struct tcpstat_sock *s);

/*
 * How long a TIME_WAIT lasts: the kernel's TCP_TIMEWAIT_LEN, fixed at 60 s
 * (no sysctl changes it; a FIN that comes again restarts it).
 */
#define EVENTS_TIME_WAIT_MS 60000u

/*
 * When s entered its state, as far as its own timer tells at now_ms: a
 * TIME_WAIT's timer was armed for EVENTS_TIME_WAIT_MS when it began, so it
 * began EVENTS_TIME_WAIT_MS minus the time left before now_ms (an overdue
 * timer reads 0). Other states' timers say nothing of their start. Returns
 * whether *since_ms was set.
 */
bool events_state_since(const struct tcpstat_sock *s, uint64_t now_ms, uint64_t *since_ms);

/* The last two snapshots' sockets by cookie (open addressing; NULL: empty). */
struct events_cookies {
	const struct events_entry **slots;
	size_t mask;
};

/* Two snapshots: the previous one, and the one being taken. */
struct snapshot {
	struct events_table prev, cur;
	/*
	 * The one before prev, kept one poll longer: a destroy report read
	 * just after a poll may be of a socket that poll already told gone.
	 */
	struct events_table before;
	struct events_cookies by_cookie;   /* prev's and before's, made by snapshot_next */
	uint64_t now_ms;
	const char *stamp;
	const char *timestamp;      /* the same time in RFC 3339, for -j (NULL: none) */
	bool first;               /* the first snapshot reports nothing */
};

/* An empty history. Returns 0 or -ENOMEM. */
int snapshot_init(struct snapshot *sn);
void snapshot_free(struct snapshot *sn);

/* Starts a snapshot taken at now_ms, printed as stamp. Returns 0 or -ENOMEM. */
int snapshot_begin(struct snapshot *sn, uint64_t now_ms, const char *stamp);

/*
 * Adds a socket to the snapshot being taken, emitting "new" or a change
 * against the previous one. Returns 0, -ENOMEM, or emit's non-zero value.
 */
int snapshot_add(struct snapshot *sn, const struct tcpstat_sock *s, events_emit_fn *emit,
		 void *arg);

/*
 * Once the snapshot is whole: emits "gone" for every socket of the
 * previous one it lacks. Returns 0 or emit's non-zero value.
 */
int snapshot_gone(const struct snapshot *sn, events_emit_fn *emit, void *arg);

/* Makes the snapshot just taken the previous one. */
void snapshot_next(struct snapshot *sn);

/*
 * Whether key is in the snapshot being taken, the last one, or the one
 * before (whose sockets gone were told by the last).
 */
bool snapshot_knows(const struct snapshot *sn, const struct events_key *key);

/*
 * The identity the last two snapshots knew the socket of cookie by, into *key:
 * a destroy report can come with its endpoints cleared (a reset by
 * SO_LINGER 0 disconnects the socket first). Returns whether it was found
 * (never for cookie 0, nor where no record had a cookie: /proc's).
 */
bool snapshot_key_of_cookie(const struct snapshot *sn, uint64_t cookie, struct events_key *key);

#endif
