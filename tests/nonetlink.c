/*
 * nonetlink.c - an LD_PRELOAD shim for the integration tests: socket()
 * for AF_NETLINK fails with EPERM, as it does under a seccomp policy or an
 * LSM that forbids netlink, so tcpstat's fallback to /proc can be tested.
 * With NONETLINK_DENY_PROC=1, opening /proc/net/tcp or tcp6 fails with
 * EACCES too, so that no source is left.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* RTLD_NEXT, O_TMPFILE */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

int socket(int domain, int type, int protocol)
{
	int (*real_socket)(int, int, int);

	if (domain == AF_NETLINK) {
		errno = EPERM;
		return -1;
	}
	*(void **)&real_socket = dlsym(RTLD_NEXT, "socket");
	if (!real_socket) {
		errno = ENOSYS;
		return -1;
	}
	return real_socket(domain, type, protocol);
}

int open(const char *path, int flags, ...)
{
	int (*real_open)(const char *, int, ...);
	const char *deny = getenv("NONETLINK_DENY_PROC");
	mode_t mode = 0;

	if (deny && strcmp(deny, "1") == 0 && strncmp(path, "/proc/net/tcp", 13) == 0) {
		errno = EACCES;
		return -1;
	}
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	*(void **)&real_open = dlsym(RTLD_NEXT, "open");
	if (!real_open) {
		errno = ENOSYS;
		return -1;
	}
	return real_open(path, flags, mode);
}
