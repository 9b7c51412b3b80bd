/* netns.c - a socket made in another network namespace (see netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

/* setns applies to the calling thread: its own namespace is the one to return to. */
#define OWN_NETNS "/proc/thread-self/ns/net"

int netns_run(int ns_fd, netns_work_fn *fn, void *arg, struct tcpstat_error *err)
{
	int home = open(OWN_NETNS, O_RDONLY | O_CLOEXEC);
	int rc, saved;

	if (home < 0)
		return err_set(err, errno, "cannot open %s", OWN_NETNS);
	if (setns(ns_fd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(home);
		return err_set(err, saved, "cannot enter the network namespace%s",
			       saved == EPERM ? " (setns needs CAP_SYS_ADMIN)" : "");
	}
	rc = fn(arg, err);
	if (setns(home, CLONE_NEWNET) < 0) {
		close(home);
		return err_set(err, ENOTRECOVERABLE,
			       "cannot return to tcpstat's own network namespace");
	}
	close(home);
	return rc;
}

struct socket_args {
	int domain, type, protocol;
};

static int make_socket(void *arg, struct tcpstat_error *err)
{
	const struct socket_args *a = arg;
	int fd = socket(a->domain, a->type, a->protocol);

	return fd >= 0 ? fd : err_set(err, errno, "socket() in the network namespace");
}

int netns_socket(int ns_fd, int domain, int type, int protocol, struct tcpstat_error *err)
{
	struct socket_args a = { domain, type, protocol };

	/* If the way home fails, the error is ENOTRECOVERABLE and tcpstat stops: a socket
	 * made there goes with the process. */
	return netns_run(ns_fd, make_socket, &a, err);
}
