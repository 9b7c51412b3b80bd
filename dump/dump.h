/*
 * dump.h - one filtered stream of records: picks a backend (auto: netlink,
 * falling back to /proc while nothing has come through), runs the filter
 * on every record, and, when the filter or the output needs them, looks up
 * the records' owners first; with -N, --netns-pid or --all-netns, does all
 * that in each network namespace asked for (netns.h finds them).
 */
#ifndef TCPSTAT_DUMP_H
#define TCPSTAT_DUMP_H

#include <stdbool.h>

#include "filter.h"
#include "netns.h"
#include "tcpstat.h"

enum dump_backend {
	DUMP_AUTO,
	DUMP_NETLINK,
	DUMP_PROC,
};

/* Where owners come from (--owners-source): owners/'s sources. */
enum dump_owners_source {
	DUMP_OWNERS_AUTO,    /* bpf when it runs, else proc */
	DUMP_OWNERS_BPF,     /* the kernel's task-file iterator */
	DUMP_OWNERS_PROC,    /* the /proc/PID/fd walk */
};

/* Which network namespaces are read. */
enum dump_netns {
	DUMP_NETNS_OWN,      /* tcpstat's own, as always (records' netns 0) */
	DUMP_NETNS_ONE,      /* -N, --netns-pid */
	DUMP_NETNS_ALL,      /* --all-netns */
};

/* What happened to one namespace, as told to dump_request.on_netns. */
enum dump_netns_step {
	DUMP_NETNS_BEGIN,    /* its records come next */
	DUMP_NETNS_NETLINK,  /* read through netlink, the socket made inside it */
	DUMP_NETNS_PROC,     /* read from /proc/net (its own) or /proc/PID/net */
	DUMP_NETNS_GONE,     /* it went away while being listed: skipped */
};

/*
 * Told of each namespace: BEGIN before its records, then how it was read
 * (why: the reason netlink was left, or NULL).
 */
typedef void dump_netns_fn(const struct netns_entry *ns, enum dump_netns_step step,
			   const struct tcpstat_error *why, void *arg);

struct dump_request {
	const struct filter *filter;
	enum dump_backend backend;
	bool owners;               /* look up each record's owners (-P, --pid ...) */
	bool all_owners;           /* every holder, not only the filter's --pid ones */
	bool owners_later;         /* the caller looks owners up (-E): none here, owner leaves unjudged */
	enum dump_owners_source owners_source;   /* --owners-source */
	enum dump_netns netns;
	const char *netns_spec;    /* DUMP_NETNS_ONE: -N's NAME|PATH, or NULL ... */
	uint32_t netns_pid;        /* ... and --netns-pid's pid */
	dump_netns_fn *on_netns;   /* or NULL */
	void *netns_arg;
	unsigned want;             /* enum nl_want: tcp_info, memory (netlink only) */
};

struct dump_result {
	const char *backend;            /* the backend that answered */
	bool fell_back;                 /* auto left netlink (so no tcp_info, memory) ... */
	struct tcpstat_error fallback;  /* ... for this reason */
	/*
	 * Owners were looked up and some processes could not be read: the
	 * matching sockets (before --pid and --program) that have an inode
	 * but no owner seen, so may be held by one of those.
	 */
	unsigned long owners_hidden;
	const char *owners_from;        /* the owner source that answered ("bpf", "proc") ... */
	bool owners_fell_back;          /* ... after auto left eBPF ... */
	struct tcpstat_error owners_why;   /* ... for this reason (NULL: no lookup) */
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
 * backend answered either way. With namespaces, each record's netns is
 * its namespace's inode (tcpstat's own too), the namespaces are read one
 * after the other in netns_list order, and one that goes away while listed
 * is skipped; one that cannot be read (no CAP_SYS_ADMIN to enter it and no
 * /proc/PID/net of a process in it readable instead) is an error naming it.
 */
int dump_run(const struct dump_request *req, dump_emit_fn *emit, void *arg,
	     struct dump_result *res, struct tcpstat_error *err);

/*
 * Whether an error from the netlink backend means netlink is not available
 * here (so auto tries /proc) rather than a failure to report.
 */
bool dump_netlink_unavailable(int errnum);

#endif
