/*
 * source.h - where -E's events come from, behind one small interface: the
 * polling source (poll.c: a snapshot every interval, plus the kernel's
 * destroy reports) today; an eBPF source on the kernel's own state-change
 * tracepoint is one more file implementing the same operations.
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
	const volatile sig_atomic_t *stop; /* set by SIGINT, SIGTERM */
};

/* What a source can tell afterwards, for -v and the lost-events warning. */
struct events_status {
	bool destroy_groups;             /* the kernel's destroy reports were heard */
	struct tcpstat_error why_not;    /* why not, when they were not */
	unsigned long lost;              /* times reports were dropped or unreadable */
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

#endif
