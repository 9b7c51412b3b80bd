/* run.h - pick a backend and stream its records through the filter to the printer. */
#ifndef TCPSTAT_RUN_H
#define TCPSTAT_RUN_H

#include <stdio.h>

#include "options.h"

struct tcpstat_backend {
	const char *name;
	tcpstat_dump_fn *dump;
};

struct run_result {
	unsigned long matched;          /* sockets that passed the filter */
	unsigned long by_state[TCPSTAT_STATE_MAX + 1];   /* of those, per state */
	uint32_t timewait_left_ms;      /* the longest TIME_WAIT timer among them */
	const char *backend;            /* the backend that answered */
	struct tcpstat_error fallback;  /* why auto left netlink (errnum 0: it did not) */
	bool fell_back;
};

/*
 * Lists (or counts) the sockets o asks for on out. Returns 0 with res
 * filled, or -1 with err filled; on error nothing has been written to out
 * unless the error came after the first row (a backend failing part way).
 */
int run_list(const struct tcpstat_opts *o, FILE *out, struct run_result *res,
	     struct tcpstat_error *err);

/*
 * Runs o's backend (auto: netlink, falling back to /proc while nothing has
 * come through) and calls emit for each record that passes o's filter.
 * Returns as tcpstat_dump_fn says; res gets the backend and any fallback.
 */
int run_dump(const struct tcpstat_opts *o, tcpstat_emit_fn *emit, void *arg,
	     struct run_result *res, struct tcpstat_error *err);

/*
 * Returns whether an error from the netlink backend means netlink is not
 * available here (so auto tries /proc) rather than a failure to report.
 */
bool run_netlink_unavailable(int errnum);

#endif
