/*
 * server/common.c - number and address parsing shared by echo-server and
 * echo-client.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int echo_parse_ulong(const char *s, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	unsigned long v;
	char *end;

	/*
	 * strtoul() skips blanks and accepts a sign ("-1" becomes ULONG_MAX),
	 * so the first byte must already be a digit.
	 */
	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int echo_parse_secs(const char *s, unsigned long max_ms, unsigned long *out_ms)
{
	unsigned long whole, frac = 0, scale = 1000;
	char buf[32];
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s);
	int r;

	if (n == 0 || n >= sizeof(buf))
		return n == 0 ? -EINVAL : -ERANGE;
	memcpy(buf, s, n);
	buf[n] = '\0';
	r = echo_parse_ulong(buf, 0, max_ms / 1000, &whole);
	if (r < 0)
		return r;
	if (dot) {
		const char *p = dot + 1;

		/* "1." and more than millisecond precision are typos, not input. */
		if (*p == '\0' || strlen(p) > 3)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			scale /= 10;
			frac += (unsigned long)(*p - '0') * scale;
		}
	}
	if (whole * 1000 + frac > max_ms)
		return -ERANGE;
	*out_ms = whole * 1000 + frac;
	return 0;
}

int echo_parse_addr(const char *host, unsigned int port,
		    struct sockaddr_storage *out, socklen_t *out_len)
{
	struct addrinfo hints, *res;
	char service[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/*
	 * Numeric only: getaddrinfo() still does the work inet_pton() cannot,
	 * such as the "%lo" scope of a link-local IPv6 address.
	 */
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -EINVAL;
	if (res->ai_addrlen > sizeof(*out)) {
		freeaddrinfo(res);
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*out_len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

void echo_format_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    getnameinfo(sa, sa->sa_family == AF_INET ?
				sizeof(struct sockaddr_in) :
				sizeof(struct sockaddr_in6),
			host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, serv);
}

const char *echo_escape(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[5];
		size_t n = 0;

		if (ch == '\t' || ch == '\n' || ch == '\r' || ch == '\\') {
			esc[n++] = '\\';
			esc[n++] = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '\\';
		} else if (ch < 0x20 || ch == 0x7f) {
			esc[n++] = '\\';
			esc[n++] = 'x';
			esc[n++] = hex[ch >> 4];
			esc[n++] = hex[ch & 0xf];
		} else {
			esc[n++] = (char)ch;
		}
		/* Room is kept for "..." and the NUL whenever more may follow. */
		if (o + n + 4 > len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}

int echo_open_std_fds(void)
{
	int fd;

	/*
	 * open() returns the lowest free fd, so each hole from 0 up is filled
	 * in turn; the first fd above 2 means all three are open.
	 */
	for (;;) {
		fd = open("/dev/null", O_RDWR);
		if (fd < 0)
			return -errno;
		if (fd > 2) {
			close(fd);
			return 0;
		}
	}
}

void echo_bad_option(const char *prog, int c, int optopt_val, const char *arg)
{
	bool is_long = strncmp(arg, "--", 2) == 0;
	char opt[2] = { (char)optopt_val, '\0' };
	char name[ECHO_ESCAPED_MAX], letter[8];

	/* Only up to the '=' of "--rst=1": the value is not the option. */
	if (c != ':' && is_long && optopt_val != 0) {
		char cut[ECHO_ESCAPED_MAX];

		snprintf(cut, sizeof(cut), "%.*s", (int)strcspn(arg, "="), arg);
		echo_escape(cut, name, sizeof(name));
	} else {
		echo_escape(arg, name, sizeof(name));
	}
	echo_escape(opt, letter, sizeof(letter));
	/* For a long option getopt_long() leaves its val, not a letter, in optopt. */
	if (c == ':' && is_long)
		fprintf(stderr, "%s: option '%s' needs a value\n", prog, name);
	else if (c == ':')
		fprintf(stderr, "%s: option '-%s' needs a value\n", prog, letter);
	else if (is_long && optopt_val != 0)
		fprintf(stderr, "%s: option '%s' takes no value\n", prog, name);
	else if (is_long)
		fprintf(stderr, "%s: unknown option '%s' (see --help)\n", prog, name);
	else
		fprintf(stderr, "%s: unknown option '-%s' (see --help)\n", prog, letter);
}

int64_t echo_now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
