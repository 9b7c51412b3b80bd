/*
 * netns.h - make a socket inside another network namespace and come back
 * at once. A socket keeps the namespace it was made in, so only the
 * socket() call runs there; everything else tcpstat does stays in its own.
 */
#ifndef TCPSTAT_BASE_NETNS_H
#define TCPSTAT_BASE_NETNS_H

#include "error.h"

/*
 * Enters the network namespace ns_fd names (setns, which needs
 * CAP_SYS_ADMIN), makes socket(domain, type, protocol) there, and returns
 * to the thread's own namespace. Returns the socket, or a negative errno
 * with err filled: EPERM without the privilege, ENOTRECOVERABLE when the
 * way back failed (then the caller must stop: it is in the wrong place).
 * Opens and closes one descriptor of its own; leaks none.
 */
int netns_socket(int ns_fd, int domain, int type, int protocol, struct tcpstat_error *err);

/* Work done inside a namespace by netns_run: returns 0 or a negative errno with err filled. */
typedef int netns_work_fn(void *arg, struct tcpstat_error *err);

/*
 * Enters ns_fd's network namespace, runs fn(arg, err) there, and returns
 * to the thread's own namespace whatever fn returned: for what must be
 * opened inside (a /proc/sys/net file shows the namespace of the thread
 * that opens it). fn must not block. Returns fn's result, or a negative
 * errno with err filled as netns_socket's (EPERM, ENOTRECOVERABLE: stop).
 */
int netns_run(int ns_fd, netns_work_fn *fn, void *arg, struct tcpstat_error *err);

#endif
