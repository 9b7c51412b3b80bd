/* netns.c - a socket made in another network namespace (see netns.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

/* setns applies to the calling thread: its own namespace is the one to return to. */
#define OWN_NETNS "/proc/thread-self/ns/net"

int netns_socket(int ns_fd, int domain, int type, int protocol, struct tcpstat_error *err)
{
	int home = open(OWN_NETNS, O_RDONLY | O_CLOEXEC);
	int fd, saved;

	if (home < 0)
		return err_set(err, errno, "cannot open %s", OWN_NETNS);
	if (setns(ns_fd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(home);
		return err_set(err, saved, "cannot enter the network namespace%s",
			       saved == EPERM ? " (setns needs CAP_SYS_ADMIN)" : "");
	}
	fd = socket(domain, type, protocol);
	saved = errno;
	if (setns(home, CLONE_NEWNET) < 0) {
		if (fd >= 0)
			close(fd);
		close(home);
		return err_set(err, ENOTRECOVERABLE,
			       "cannot return to tcpstat's own network namespace");
	}
	close(home);
	if (fd < 0)
		return err_set(err, saved, "socket() in the network namespace");
	return fd;
}

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
