/*
 * churn - open and close TCP connections on one port at a steady rate.
 *
 * Part of tcpstat's benchmark (bench/run's -E job); built by
 * bench/meson.build. It listens on 127.0.0.1:PORT itself and, --rate times
 * a second for --seconds, connects to it, accepts, and closes both ends,
 * client first: every connection walks the tutorial's sequences (client
 * SYN_SENT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, TIME_WAIT; server SYN_RECV,
 * ESTABLISHED, CLOSE_WAIT, LAST_ACK, CLOSE), which is what `tcpstat -E`
 * has to keep up with.
 *
 * Clients bind 127.2.x.y and a port of their own explicitly (the next one
 * each time, the next address every ADDR_EVERY connections): the TIME_WAIT
 * sockets left behind never use up an address's ports, and no bind() has
 * to search for a free one (which at thousands of TIME_WAIT sockets costs
 * more than the connection itself). Run it in a network namespace of your own
 * (it refuses the initial one) with net.ipv4.tcp_max_tw_buckets above
 * rate x 60.
 *
 *   churn --port 9999 --rate 5000 --seconds 60
 *
 * Prints "churn: N connections in T s (R/s), F failed" on stdout at the end.
 * Exit 0, 1 when a connection failed or the rate was not reached within
 * 10 %, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_RATE 100000UL
#define MAX_SECONDS 3600UL
#define PORT_LO 1024
#define ADDR_EVERY 64000UL     /* connections per client address: ports 1024-65023 */
#define MAX_ADDRS 65000UL      /* 127.2.0.1 up */
#define IO_TIMEOUT_MS 1000     /* bound on one connect or accept */
#define MAX_REPORTED 5

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A decimal in [lo, hi], or false. */
static bool parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* The initial network namespace is the host's: churn must not fill it. */
static bool in_initial_netns(void)
{
	struct stat self, init;

	/* As sockpop: where pid 1's namespace cannot be seen, it is not ours. */
	return stat("/proc/self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
	       self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

static int listener(unsigned port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0) {
		fprintf(stderr, "churn: cannot listen on 127.0.0.1:%u: %s\n", port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Connection number n: from its own address and port, connect, accept, close
 * the client, then the server. Returns 0, or an errno.
 */
static int one_connection(int lfd, unsigned port, unsigned long n)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = IO_TIMEOUT_MS / 1000 };
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int c, s, e = 0;

	src.sin_addr.s_addr = htonl((127U << 24) | (2U << 16) | (unsigned)(n / ADDR_EVERY + 1));
	src.sin_port = htons((uint16_t)(PORT_LO + n % ADDR_EVERY));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons((uint16_t)port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return errno;
	/* connect() honours SO_SNDTIMEO: never blocks for ever. */
	if (setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    bind(c, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    connect(c, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		e = errno;
		close(c);
		return e;
	}
	if (poll(&p, 1, IO_TIMEOUT_MS) != 1) {
		close(c);
		return ETIMEDOUT;
	}
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		e = errno;
	close(c);   /* the client closes first: it is the side left in TIME_WAIT */
	if (s >= 0)
		close(s);
	return e;
}

static void usage(void)
{
	fprintf(stderr, "usage: churn [--port P] --rate N --seconds S\n"
		"  --port P     listen on 127.0.0.1:P and connect to it (default 9999)\n"
		"  --rate N     connections a second (1-%lu)\n"
		"  --seconds S  for that long (1-%lu)\n", MAX_RATE, MAX_SECONDS);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	unsigned long port = 9999, rate = 0, secs = 0, made = 0, failed = 0, want;
	double t0, t, elapsed;
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, lfd, e;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		int i = opt == 'p' ? 0 : opt == 'r' ? 1 : opt == 's' ? 2 : -1;
		unsigned long *dst[] = { &port, &rate, &secs };
		const unsigned long hi[] = { 65535, MAX_RATE, MAX_SECONDS };

		if (i < 0)
			usage();
		if (!parse_ulong(optarg, 1, hi[i], dst[i])) {
			fprintf(stderr, "churn: invalid --%s '%s'\n", longopts[i].name, optarg);
			return 2;
		}
	}
	if (optind != argc || rate == 0 || secs == 0)
		usage();
	if (rate * secs / ADDR_EVERY >= MAX_ADDRS) {
		fprintf(stderr, "churn: --rate x --seconds is too large\n");
		return 2;
	}
	if (in_initial_netns()) {
		fprintf(stderr, "churn: refusing to run in the initial network namespace\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	lfd = listener((unsigned)port);
	if (lfd < 0)
		return 1;
	t0 = now_s();
	/* Bounded: at most rate x secs connections, and never past secs. */
	while (!stop && made < rate * secs && (t = now_s() - t0) < (double)secs) {
		want = (unsigned long)(t * (double)rate) + 1;
		if (made >= want) {
			struct timespec nap = { .tv_nsec = 100000 };

			nanosleep(&nap, NULL);
			continue;
		}
		e = one_connection(lfd, (unsigned)port, made);
		made++;
		if (e && ++failed <= MAX_REPORTED)
			fprintf(stderr, "churn: connection %lu: %s\n", made, strerror(e));
	}
	elapsed = now_s() - t0;
	close(lfd);
	printf("churn: %lu connections in %.1f s (%.0f/s), %lu failed\n", made, elapsed,
	       (double)made / elapsed, failed);
	return failed || (double)made < 0.9 * (double)rate * (double)secs ? 1 : 0;
}
