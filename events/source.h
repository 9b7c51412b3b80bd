/*
 * source.h - where -E's events come from, behind one small interface: the
 * polling source (poll.c: a snapshot every interval, plus the kernel's
 * destroy reports) and the eBPF source on the kernel's own state-change
 * tracepoint (bpf.c).
 */
#ifndef TCPSTAT_EVENTS_SOURCE_H
#define TCPSTAT_EVENTS_SOURCE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "dump.h"
#include "snapshot.h"

struct events_config {
	const struct dump_request *dump;   /* what to watch: the listing's request */
	uint32_t interval_ms;              /* the polling period */
	bool owners;                       /* carry owners forward (-P, --pid, --program) */
	const volatile sig_atomic_t *stop; /* set by SIGINT, SIGTERM */
};

/* What a source can tell afterwards, for -v and the lost-events warning. */
struct events_status {
	bool destroy_groups;             /* the kernel's destroy reports were heard */
	struct tcpstat_error why_not;    /* why not, when they were not */
	unsigned long lost;              /* times reports were dropped or unreadable */
	/* The eBPF source (bpf.c): */
	unsigned long sent;              /* entries the kernel put in the ring buffer */
	unsigned long filtered;          /* changes its filter turned away */
	bool kernel_filter;              /* the filter ran in the kernel (else all passed) */
	bool tw_timers;                  /* TIME_WAIT from its timer's events (else lookups) */
};

struct events_source {
	const char *name;
	/* Sets *state up. Returns 0, or a negative errno with err filled. */
	int (*open)(void **state, const struct events_config *cfg, struct events_status *st,
		    struct tcpstat_error *err);
	/*
	 * Produces the events due now, then waits for the next ones. Returns
	 * 0 to go on, 1 when stopped, emit's non-zero value, or a negative
	 * errno with err filled.
	 */
	int (*step)(void *state, events_emit_fn *emit, void *arg, struct tcpstat_error *err);
	void (*close)(void *state, struct events_status *st);
};

extern const struct events_source events_poll_source;   /* poll.c */
/*
 * bpf.c: the kernel's tracepoint sock:inet_sock_set_state; in a build
 * without eBPF (bpf-off.c) its open fails with EOPNOTSUPP.
 */
extern const struct events_source events_bpf_source;

#endif
