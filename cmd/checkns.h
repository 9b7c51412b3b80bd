/*
 * checkns.h - the network namespace --bind-check and --connect-check look
 * at (-N, --netns-pid): held open for the whole check, so that the
 * sysctls are that namespace's (opened from inside it) and the trial
 * binds' sockets are made there, while tcpstat itself never stays inside.
 */
#ifndef TCPSTAT_CMD_CHECKNS_H
#define TCPSTAT_CMD_CHECKNS_H

#include "dump.h"
#include "explain.h"
#include "netns.h"    /* base/netns.h: netns_run (dump.h brings dump/netns.h) */

struct check_netns {
	int fd;                           /* -1: tcpstat's own */
	char label[NETNS_LABEL_MAX];      /* for errors: the name, or "PID/comm" */
};

/*
 * Opens the namespace req names (DUMP_NETNS_ONE), or sets ns->fd to -1 for
 * tcpstat's own (DUMP_NETNS_OWN, or -N naming tcpstat's own). Returns 0,
 * or a negative errno with err naming the namespace.
 */
int check_netns_open(struct check_netns *ns, const struct dump_request *req,
		     struct tcpstat_error *err);

void check_netns_close(struct check_netns *ns);

/*
 * explain_read_sysctl of /proc/sys as ns sees it: opened from inside ns
 * (a /proc/sys/net file shows the namespace of the thread opening it).
 * Returns as explain_read_sysctl; without CAP_SYS_ADMIN, -EPERM with err
 * naming the namespace and the privilege.
 */
int check_netns_sysctl(const struct check_netns *ns, struct explain_sysctl *sc,
		       struct tcpstat_error *err);

/* explain_try_binds_in ns, with an error naming the namespace. */
int check_netns_try_binds(const struct check_netns *ns, const struct explain_target *t,
			  int errnums[EXPLAIN_NTRIALS], struct tcpstat_error *err);

#endif
