/*
 * echo-misbehave - a client that does what echo-client never does, for the
 * robustness tests of echo-server. Test helper only; not installed.
 *
 *   echo-misbehave rst-mid HOST PORT
 *	Send a 3000-byte message (three server reads), wait for the first
 *	echo bytes, then reset the connection with most of the echo unread.
 *
 *   echo-misbehave flood HOST PORT BYTES PAUSE_SECS
 *	Send BYTES without reading anything for PAUSE_SECS, then read while
 *	sending the rest and check every echoed byte. Prints how much went
 *	out before the pause ended, which shows the server's backpressure.
 *
 *   echo-misbehave idle HOST PORT N SECS
 *	Slowloris: open N connections, send nothing, and hold them SECS
 *	seconds, counting those the server closes. Needs RLIMIT_NOFILE above
 *	N (the caller raises it).
 *
 * HOST is a numeric IPv4 address. Every wait is bounded (30 s overall).
 * Exit 0 when the step worked, 1 when it did not, 2 on bad arguments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROG "echo-misbehave"
#define OVERALL_MS 30000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The byte at offset i of the flood: not periodic in any buffer size. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 131u + i / 251u) & 0xff);
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Connect to HOST:PORT, non-blocking. Returns the fd or -1 after a message. */
static int connect_to(const char *host, const char *port_s)
{
	struct sockaddr_in sin;
	struct pollfd p;
	long port;
	int fd, err = 0;
	socklen_t len = sizeof(err);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1 ||
	    parse_num(port_s, 1, 65535, &port) < 0) {
		fprintf(stderr, PROG ": invalid address '%s' port '%s'\n", host, port_s);
		return -2;
	}
	sin.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror(PROG ": socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		perror(PROG ": connect");
		close(fd);
		return -1;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	if (poll(&p, 1, 10000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		fprintf(stderr, PROG ": connect: %s\n", err ? strerror(err) : "timed out");
		close(fd);
		return -1;
	}
	return fd;
}

static int rst_mid(int fd)
{
	char msg[3000], buf[100];
	size_t sent = 0;
	ssize_t n;
	struct pollfd p = { .fd = fd };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int64_t end = now_ms() + OVERALL_MS;

	memset(msg, 'x', sizeof(msg));
	while (sent < sizeof(msg)) {
		n = send(fd, msg + sent, sizeof(msg) - sent, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			perror(PROG ": send");
			return 1;
		}
		if (n > 0)
			sent += (size_t)n;
		else if (n < 0 && errno == EAGAIN) {
			p.events = POLLOUT;
			poll(&p, 1, 100);
		}
		if (now_ms() > end) {
			fprintf(stderr, PROG ": send timed out\n");
			return 1;
		}
	}
	/* Some echo back means the server is in the middle of this message. */
	p.events = POLLIN;
	if (poll(&p, 1, 10000) != 1 || (n = recv(fd, buf, sizeof(buf), 0)) <= 0) {
		fprintf(stderr, PROG ": no echo before the reset\n");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	printf("reset after %zu bytes sent, %zd echoed bytes read\n", sent, n);
	return 0;
}

static int flood(int fd, size_t total, long pause_ms)
{
	unsigned char out[16384], in[16384];
	size_t sent = 0, got = 0, sent_in_pause = 0;
	int64_t start = now_ms(), end = start + OVERALL_MS;
	int reading = 0;

	while (got < total) {
		struct pollfd p = { .fd = fd, .events = 0 };
		int64_t now = now_ms();
		ssize_t n;
		size_t i, chunk;

		if (now > end) {
			fprintf(stderr, PROG ": timed out: sent %zu, got back %zu of %zu\n",
				sent, got, total);
			return 1;
		}
		if (!reading && now - start >= pause_ms) {
			reading = 1;
			sent_in_pause = sent;
		}
		if (sent < total)
			p.events |= POLLOUT;
		if (reading)
			p.events |= POLLIN;
		/* Wake up at the end of the pause even if nothing is writable. */
		if (poll(&p, 1, reading ? 1000 : 50) < 0 && errno != EINTR) {
			perror(PROG ": poll");
			return 1;
		}
		if ((p.revents & POLLOUT) && sent < total) {
			chunk = total - sent < sizeof(out) ? total - sent : sizeof(out);
			for (i = 0; i < chunk; i++)
				out[i] = pattern(sent + i);
			n = send(fd, out, chunk, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				perror(PROG ": send");
				return 1;
			}
			if (n > 0)
				sent += (size_t)n;
		}
		if (reading && (p.revents & (POLLIN | POLLERR | POLLHUP))) {
			n = recv(fd, in, sizeof(in), 0);
			if (n == 0) {
				fprintf(stderr, PROG ": server closed after %zu of %zu bytes\n",
					got, total);
				return 1;
			}
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				perror(PROG ": recv");
				return 1;
			}
			for (i = 0; n > 0 && i < (size_t)n; i++) {
				if (in[i] != pattern(got + i)) {
					fprintf(stderr, PROG ": echo differs at byte %zu\n", got + i);
					return 1;
				}
			}
			if (n > 0)
				got += (size_t)n;
		}
	}
	if (!reading)
		sent_in_pause = sent;
	close(fd);
	printf("sent %zu bytes before reading, %zu bytes echoed intact\n", sent_in_pause, got);
	return 0;
}

/* Watch n idle fds for hold_ms; each one the server ends is closed and counted. */
static int idle_hold(struct pollfd *p, long n, long hold_ms)
{
	int64_t start = now_ms(), end = start + hold_ms;
	unsigned long closed = 0, early = 0;
	long i, open_n = n;
	char buf[64];

	for (int64_t now = start; now < end && open_n > 0; now = now_ms()) {
		int r = poll(p, (nfds_t)n, (int)(end - now));

		if (r < 0 && errno != EINTR) {
			perror(PROG ": poll");
			return 1;
		}
		for (i = 0; i < n && r > 0; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			r--;
			/* EOF or a reset: either way the server ended it. */
			if (recv(p[i].fd, buf, sizeof(buf), 0) > 0)
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			open_n--;
			closed++;
			early += now_ms() - start < 1000;
		}
	}
	for (i = 0; i < n; i++) {
		if (p[i].fd >= 0)
			close(p[i].fd);
	}
	printf("opened %ld, closed by the server %lu (%lu in the first second), "
	       "still open %ld\n", n, closed, early, open_n);
	return 0;
}

static int idle(const char *host, const char *port, long n, long hold_ms)
{
	struct pollfd *p = calloc((size_t)n, sizeof(*p));
	long i;
	int fd, rc;

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		fd = connect_to(host, port);
		if (fd < 0) {
			fprintf(stderr, PROG ": connection %ld of %ld failed\n", i + 1, n);
			while (i-- > 0)
				close(p[i].fd);
			free(p);
			return fd == -2 ? 2 : 1;
		}
		p[i] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	rc = idle_hold(p, n, hold_ms);
	free(p);
	return rc;
}

int main(int argc, char **argv)
{
	long bytes, pause_s, n;
	int fd;

	if (argc == 4 && strcmp(argv[1], "rst-mid") == 0) {
		fd = connect_to(argv[2], argv[3]);
		return fd < 0 ? (fd == -2 ? 2 : 1) : rst_mid(fd);
	}
	if (argc == 6 && strcmp(argv[1], "flood") == 0) {
		if (parse_num(argv[4], 1, 64L << 20, &bytes) < 0 ||
		    parse_num(argv[5], 0, 20, &pause_s) < 0) {
			fprintf(stderr, PROG ": invalid BYTES '%s' or PAUSE_SECS '%s'\n",
				argv[4], argv[5]);
			return 2;
		}
		fd = connect_to(argv[2], argv[3]);
		return fd < 0 ? (fd == -2 ? 2 : 1) : flood(fd, (size_t)bytes, pause_s * 1000);
	}
	if (argc == 6 && strcmp(argv[1], "idle") == 0) {
		if (parse_num(argv[4], 1, 20000, &n) < 0 ||
		    parse_num(argv[5], 1, 25, &pause_s) < 0) {
			fprintf(stderr, PROG ": invalid N '%s' or SECS '%s'\n", argv[4], argv[5]);
			return 2;
		}
		return idle(argv[2], argv[3], n, pause_s * 1000);
	}
	fprintf(stderr, "usage: " PROG " rst-mid HOST PORT | flood HOST PORT BYTES PAUSE_SECS"
		" | idle HOST PORT N SECS\n");
	return 2;
}
