/*
 * dump.h - one filtered stream of records: picks a backend (auto: netlink,
 * falling back to /proc while nothing has come through), runs the filter
 * on every record, and, when the filter or the output needs them, looks up
 * the records' owners first. Later: the loop over network namespaces.
 */
#ifndef TCPSTAT_DUMP_H
#define TCPSTAT_DUMP_H

#include <stdbool.h>

#include "filter.h"
#include "tcpstat.h"

enum dump_backend {
	DUMP_AUTO,
	DUMP_NETLINK,
	DUMP_PROC,
};

struct dump_request {
	const struct filter *filter;
	enum dump_backend backend;
	bool owners;               /* look up each record's owners (-P, --pid ...) */
	bool all_owners;           /* every holder, not only the filter's --pid ones */
	unsigned want;             /* enum nl_want: tcp_info, memory (netlink only) */
};

struct dump_result {
	const char *backend;            /* the backend that answered */
	bool fell_back;                 /* auto left netlink (so no tcp_info, memory) ... */
	struct tcpstat_error fallback;  /* ... for this reason */
};

/*
 * Called once per record that passed the whole filter, with its owners
 * when they were looked up (else NULL). A non-zero return stops the dump.
 */
typedef int dump_emit_fn(const struct tcpstat_sock *s, const struct tcpstat_owners *owners,
			 void *arg);

/*
 * Streams the records req asks for to emit. Without owners, records go out
 * as the backend hands them over; with owners, the matching records are
 * kept (sizeof(struct tcpstat_sock) each) until the one walk of /proc that
 * finds their owners, then judged again and emitted. Returns 0, emit's
 * non-zero value, or a negative errno with err filled; res says which
 * backend answered either way.
 */
int dump_run(const struct dump_request *req, dump_emit_fn *emit, void *arg,
	     struct dump_result *res, struct tcpstat_error *err);

/*
 * Whether an error from the netlink backend means netlink is not available
 * here (so auto tries /proc) rather than a failure to report.
 */
bool dump_netlink_unavailable(int errnum);

#endif
