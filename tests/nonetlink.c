/*
 * nonetlink.c - an LD_PRELOAD shim for the integration tests: socket()
 * for AF_NETLINK fails with EPERM, as it does under a seccomp policy or an
 * LSM that forbids netlink, so tcpstat's fallback to /proc can be tested.
 * With NONETLINK_DENY_PROC=1, opening /proc/net/tcp or tcp6 fails with
 * EACCES too, so that no source is left. With NONETLINK_ONLY_LEGACY=1,
 * netlink works but the legacy request for both families (TCPDIAG_GETSOCK)
 * is sent with a type the kernel refuses (EINVAL), as an old or trimmed
 * kernel might, so the fallback to one dump per family can be tested.
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
#include <linux/inet_diag.h>
#include <linux/netlink.h>

static int env_is_1(const char *name)
{
	const char *v = getenv(name);

	return v && strcmp(v, "1") == 0;
}

int socket(int domain, int type, int protocol)
{
	int (*real_socket)(int, int, int);

	if (domain == AF_NETLINK && !env_is_1("NONETLINK_ONLY_LEGACY")) {
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
	mode_t mode = 0;

	if (env_is_1("NONETLINK_DENY_PROC") && strncmp(path, "/proc/net/tcp", 13) == 0) {
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

/* Below any type sock_diag knows (TCPDIAG_GETSOCK is its first): EINVAL. */
#define REFUSED_TYPE (TCPDIAG_GETSOCK - 1)

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	struct nlmsghdr copy[64];
	const struct nlmsghdr *nlh = buf;

	*(void **)&real_sendto = dlsym(RTLD_NEXT, "sendto");
	if (!real_sendto) {
		errno = ENOSYS;
		return -1;
	}
	if (env_is_1("NONETLINK_ONLY_LEGACY") && len >= sizeof(*nlh) && len <= sizeof(copy) &&
	    nlh->nlmsg_type == TCPDIAG_GETSOCK) {
		memcpy(copy, buf, len);
		copy[0].nlmsg_type = REFUSED_TYPE;
		buf = copy;
	}
	return real_sendto(fd, buf, len, flags, to, tolen);
}
