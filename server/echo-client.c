/*
 * echo-client - open N connections to an echo server, send a message on
 * each and check that exactly those bytes come back.
 *
 * Its options put connections in the states tcpstat's tutorial shows:
 * --half-close leaves this side in FIN_WAIT2 (and the server in
 * CLOSE_WAIT) until the server closes, --hold keeps them ESTABLISHED for a
 * while, --rst ends them with a reset instead of a FIN.
 *
 * All connections run at once from one poll() loop; every wait has a
 * deadline, so the client always ends.
 */
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG "echo-client"

#define MAX_CONNECTIONS 50000UL
#define MAX_SECS_MS (86400UL * 1000)

/* Failures printed one per line; past this only their number is given. */
#define MAX_REPORTED 10

/* fds besides the connections: stdio and whatever libc opens. */
#define FD_RESERVE 16

struct client_opts {
	unsigned long connections;
	const char *message;
	size_t message_len;
	bool half_close;
	unsigned long hold_ms;	/* 0: no hold */
	bool rst;
	unsigned long timeout_ms;
	const char *host;
	unsigned int port;
};

enum conn_state {
	CONN_CONNECTING,	/* non-blocking connect() under way */
	CONN_ECHOING,		/* sending the message, reading the echo */
	CONN_WAIT_EOF,		/* echo checked, half-closed, waiting for the server's FIN */
	CONN_HOLDING,		/* echo checked, kept open until the deadline */
	CONN_DONE,
};

struct conn {
	int fd;			/* -1 once closed */
	enum conn_state state;
	size_t sent;		/* message bytes handed to the kernel */
	size_t got;		/* echo bytes read and matched */
	bool shut_wr;		/* shutdown(SHUT_WR) done */
	bool ok;		/* the echo matched */
	int64_t deadline_ms;
	char local[ECHO_ADDRSTRLEN];
};

struct run {
	const struct client_opts *opts;
	struct conn *conns;
	unsigned long failed;
	unsigned long echoed;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [OPTION]... [HOST] [PORT]\n"
		"Open connections to an echo server at HOST:PORT (default 127.0.0.1 9999),\n"
		"send MESSAGE on each and check that it comes back byte for byte.\n"
		"HOST is a numeric IPv4 or IPv6 address.\n"
		"\n"
		"  -n, --connections N  open N connections at once (default 1)\n"
		"  -m, --message TEXT   send TEXT (default \"hello\")\n"
		"      --half-close     after sending, shutdown(SHUT_WR) and read until the\n"
		"                       server closes (FIN_WAIT2 here, CLOSE_WAIT there)\n"
		"      --hold SECS      keep each connection open SECS seconds after its echo;\n"
		"                       with --half-close, wait at most SECS for the server\n"
		"      --rst            close with a reset (SO_LINGER 0): no TIME_WAIT\n"
		"  -t, --timeout SECS   give up on a connect or an echo after SECS (default 10)\n"
		"  -h, --help           show this help and exit\n"
		"  -V, --version        show the version and exit\n"
		"\n"
		"Exit status: 0 when every echo matched, 1 otherwise, 2 on bad arguments.\n");
}

/*
 * Fill *o from the command line. Returns -1 to exit 0 (help, version),
 * 0 to run, 2 after printing one line about a bad argument.
 */
static int parse_args(int argc, char **argv, struct client_opts *o)
{
	enum { OPT_HALF_CLOSE = 256, OPT_HOLD, OPT_RST };
	static const struct option longopts[] = {
		{ "connections", required_argument, NULL, 'n' },
		{ "message", required_argument, NULL, 'm' },
		{ "half-close", no_argument, NULL, OPT_HALF_CLOSE },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "rst", no_argument, NULL, OPT_RST },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char esc[ECHO_ESCAPED_MAX];
	unsigned long v;
	int c;

	*o = (struct client_opts){
		.connections = 1,
		.message = "hello",
		.half_close = false,
		.hold_ms = 0,
		.rst = false,
		.timeout_ms = 10000,
		.host = "127.0.0.1",
		.port = 9999,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:m:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (echo_parse_ulong(optarg, 1, MAX_CONNECTIONS, &o->connections) < 0) {
				fprintf(stderr, PROG ": invalid connection count '%s' "
					"(expected 1-%lu)\n", echo_escape(optarg, esc, sizeof(esc)),
					MAX_CONNECTIONS);
				return 2;
			}
			break;
		case 'm':
			if (optarg[0] == '\0') {
				fprintf(stderr, PROG ": invalid message '' (expected at least one byte)\n");
				return 2;
			}
			o->message = optarg;
			break;
		case OPT_HALF_CLOSE:
			o->half_close = true;
			break;
		case OPT_HOLD:
			if (echo_parse_secs(optarg, MAX_SECS_MS, &o->hold_ms) < 0) {
				fprintf(stderr, PROG ": invalid hold '%s' "
					"(expected seconds, 0-86400, up to 3 decimals)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			break;
		case OPT_RST:
			o->rst = true;
			break;
		case 't':
			if (echo_parse_secs(optarg, MAX_SECS_MS, &o->timeout_ms) < 0 ||
			    o->timeout_ms == 0) {
				fprintf(stderr, PROG ": invalid timeout '%s' "
					"(expected seconds, 0.001-86400, up to 3 decimals)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf(PROG " (tcpstat) %s\n", TCPSTAT_VERSION);
			return -1;
		default:
			echo_bad_option(PROG, c, optopt, argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc)
		o->host = argv[optind++];
	if (optind < argc) {
		if (echo_parse_ulong(argv[optind], 1, 65535, &v) < 0) {
			fprintf(stderr, PROG ": invalid port '%s' (expected 1-65535)\n",
				echo_escape(argv[optind], esc, sizeof(esc)));
			return 2;
		}
		o->port = (unsigned int)v;
		optind++;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n",
			echo_escape(argv[optind], esc, sizeof(esc)));
		return 2;
	}
	o->message_len = strlen(o->message);
	return 0;
}

/*
 * Make room for n connections in RLIMIT_NOFILE, raising the soft limit up
 * to the hard one. Returns 0, or -1 with the limits in *soft and *hard.
 */
static int raise_fd_limit(unsigned long n, rlim_t *soft, rlim_t *hard)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n + FD_RESERVE;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	*soft = rl.rlim_cur;
	*hard = rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
			return -1;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
	}
	return 0;
}

/* Close c's socket, with a reset when --rst asks for one. */
static void conn_close(const struct client_opts *o, struct conn *c)
{
	if (c->fd < 0)
		return;
	if (o->rst) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		/* Linger on with a zero timeout: close() sends RST, skips TIME_WAIT. */
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	c->fd = -1;
	c->state = CONN_DONE;
}

/* Record a failure of connection i, printing it unless too many came before. */
static void conn_fail(struct run *r, unsigned long i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conn_fail(struct run *r, unsigned long i, const char *fmt, ...)
{
	struct conn *c = &r->conns[i];

	if (r->failed < MAX_REPORTED) {
		va_list ap;

		fprintf(stderr, PROG ": connection %lu", i + 1);
		if (c->local[0])
			fprintf(stderr, " (%s)", c->local);
		fputs(": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	r->failed++;
	/* A failed connection is closed plainly, whatever --rst says. */
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = CONN_DONE;
}

/* The echo of connection i is complete and matched: move to what comes after. */
static void conn_echoed(struct run *r, unsigned long i, int64_t now)
{
	const struct client_opts *o = r->opts;
	struct conn *c = &r->conns[i];

	c->ok = true;
	r->echoed++;
	if (o->half_close) {
		c->state = CONN_WAIT_EOF;
		c->deadline_ms = now + (int64_t)(o->hold_ms ? o->hold_ms : o->timeout_ms);
	} else if (o->hold_ms > 0) {
		c->state = CONN_HOLDING;
		c->deadline_ms = now + (int64_t)o->hold_ms;
	} else {
		conn_close(o, c);
	}
}

static void conn_start(struct run *r, unsigned long i, const struct sockaddr_storage *ss,
		       socklen_t sslen, int64_t now)
{
	struct conn *c = &r->conns[i];

	c->deadline_ms = now + (int64_t)r->opts->timeout_ms;
	c->state = CONN_CONNECTING;
	c->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_fail(r, i, "socket: %s", strerror(errno));
		return;
	}
	if (connect(c->fd, (const struct sockaddr *)ss, sslen) < 0 && errno != EINPROGRESS)
		conn_fail(r, i, "connect: %s", strerror(errno));
}

/* Send what is left of the message; half-close once it is all out. */
static void conn_send(struct run *r, unsigned long i)
{
	const struct client_opts *o = r->opts;
	struct conn *c = &r->conns[i];

	while (c->sent < o->message_len) {
		ssize_t n = send(c->fd, o->message + c->sent, o->message_len - c->sent,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			conn_fail(r, i, "send: %s", strerror(errno));
			return;
		}
		c->sent += (size_t)n;
	}
	if (o->half_close && !c->shut_wr) {
		if (shutdown(c->fd, SHUT_WR) < 0) {
			conn_fail(r, i, "shutdown: %s", strerror(errno));
			return;
		}
		c->shut_wr = true;
	}
}

/* Read what is readable and check it against the message. */
static void conn_recv(struct run *r, unsigned long i, int64_t now)
{
	const struct client_opts *o = r->opts;
	struct conn *c = &r->conns[i];
	char buf[4096];
	ssize_t n;
	size_t k;

	do {
		n = recv(c->fd, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (c->state == CONN_ECHOING)
			conn_fail(r, i, "read: %s after %zu of %zu echo bytes", strerror(errno),
				  c->got, o->message_len);
		else
			conn_fail(r, i, "read after the echo: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		if (c->state == CONN_ECHOING) {
			conn_fail(r, i, "server closed the connection after %zu of %zu echo bytes",
				  c->got, o->message_len);
			return;
		}
		/* The server closed first: so do we, hold or no hold. */
		conn_close(o, c);
		return;
	}
	if (c->state != CONN_ECHOING) {
		conn_fail(r, i, "%zd unexpected bytes after the echo", n);
		return;
	}
	for (k = 0; k < (size_t)n; k++) {
		if (c->got + k >= o->message_len) {
			conn_fail(r, i, "%zu unexpected bytes after the echo", (size_t)n - k);
			return;
		}
		if (buf[k] != o->message[c->got + k]) {
			conn_fail(r, i, "echo differs at byte %zu: got 0x%02x, sent 0x%02x",
				  c->got + k, (unsigned char)buf[k],
				  (unsigned char)o->message[c->got + k]);
			return;
		}
	}
	c->got += (size_t)n;
	if (c->got == o->message_len)
		conn_echoed(r, i, now);
}

static void conn_connected(struct run *r, unsigned long i)
{
	struct conn *c = &r->conns[i];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int err = 0;
	socklen_t errlen = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
		err = errno;
	if (err != 0) {
		conn_fail(r, i, "connect: %s", strerror(err));
		return;
	}
	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0)
		echo_format_addr((struct sockaddr *)&ss, c->local, sizeof(c->local));
	c->state = CONN_ECHOING;
	conn_send(r, i);
}

/* Say why connection i ran out of time, and end it. */
static void conn_deadline(struct run *r, unsigned long i)
{
	const struct client_opts *o = r->opts;
	struct conn *c = &r->conns[i];
	unsigned long t = o->timeout_ms;

	switch (c->state) {
	case CONN_CONNECTING:
		conn_fail(r, i, "connect timed out after %lu.%03lu s", t / 1000, t % 1000);
		break;
	case CONN_ECHOING:
		conn_fail(r, i, "timed out after %lu.%03lu s with %zu of %zu echo bytes",
			  t / 1000, t % 1000, c->got, o->message_len);
		break;
	case CONN_WAIT_EOF:
		/* With --hold the hold bounds the wait; without, silence is a failure. */
		if (o->hold_ms > 0)
			conn_close(o, c);
		else
			conn_fail(r, i, "server did not close within %lu.%03lu s of the echo",
				  t / 1000, t % 1000);
		break;
	case CONN_HOLDING:
		conn_close(o, c);
		break;
	case CONN_DONE:
		break;
	}
}

/* Run every connection to its end. Returns 0 when all echoes matched. */
static int run_all(struct run *r, const struct sockaddr_storage *ss, socklen_t sslen)
{
	const struct client_opts *o = r->opts;
	unsigned long i, n = o->connections, live;
	struct pollfd *pfd;
	unsigned long *idx;
	int64_t now = echo_now_ms();

	pfd = calloc(n, sizeof(*pfd));
	idx = calloc(n, sizeof(*idx));
	if (!pfd || !idx) {
		free(pfd);
		free(idx);
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		conn_start(r, i, ss, sslen, now);

	for (;;) {
		int64_t next = -1;
		int timeout, ready;
		unsigned long k;

		now = echo_now_ms();
		live = 0;
		for (i = 0; i < n; i++) {
			struct conn *c = &r->conns[i];

			if (c->state == CONN_DONE)
				continue;
			if (now >= c->deadline_ms) {
				conn_deadline(r, i);
				continue;
			}
			if (next < 0 || c->deadline_ms < next)
				next = c->deadline_ms;
			pfd[live].fd = c->fd;
			pfd[live].revents = 0;
			if (c->state == CONN_CONNECTING)
				pfd[live].events = POLLOUT;
			else if (c->state == CONN_ECHOING && c->sent < o->message_len)
				pfd[live].events = POLLIN | POLLOUT;
			else
				pfd[live].events = POLLIN;
			idx[live++] = i;
		}
		if (live == 0)
			break;
		timeout = next - now > 1000000 ? 1000000 : (int)(next - now);
		ready = poll(pfd, live, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			break;
		}
		now = echo_now_ms();
		for (k = 0; k < live && ready > 0; k++) {
			struct conn *c = &r->conns[idx[k]];
			short ev = pfd[k].revents;

			if (ev == 0)
				continue;
			ready--;
			if (c->state == CONN_CONNECTING) {
				conn_connected(r, idx[k]);
				continue;
			}
			if ((ev & POLLOUT) && c->state == CONN_ECHOING)
				conn_send(r, idx[k]);
			/*
			 * POLLERR and POLLHUP go to recv() too: it reports the
			 * reset or the EOF behind them.
			 */
			if ((ev & (POLLIN | POLLERR | POLLHUP)) && c->state != CONN_DONE)
				conn_recv(r, idx[k], now);
		}
	}
	/* Only a poll() failure leaves connections open. */
	for (i = 0; i < n; i++) {
		if (r->conns[i].state != CONN_DONE)
			conn_fail(r, i, "abandoned");
	}
	free(pfd);
	free(idx);
	return r->failed == 0 && r->echoed == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct client_opts opts;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct run r;
	rlim_t soft = 0, hard = 0;
	char name[ECHO_ADDRSTRLEN], esc[ECHO_ESCAPED_MAX];
	unsigned long i;
	size_t echoed_bytes = 0;
	int rc;

	/*
	 * Before any socket: with stdout closed, the first connection would
	 * become fd 1 and the summary line would be sent to the server.
	 */
	if (echo_open_std_fds() < 0)
		return 1;
	rc = parse_args(argc, argv, &opts);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (echo_parse_addr(opts.host, opts.port, &ss, &sslen) < 0) {
		fprintf(stderr, PROG ": invalid host '%s' "
			"(expected a numeric IPv4 or IPv6 address such as 127.0.0.1 or ::1)\n",
			echo_escape(opts.host, esc, sizeof(esc)));
		return 2;
	}
	if (raise_fd_limit(opts.connections, &soft, &hard) < 0) {
		fprintf(stderr, PROG ": cannot open %lu connections: RLIMIT_NOFILE is %llu "
			"(hard limit %llu)\n", opts.connections,
			(unsigned long long)soft, (unsigned long long)hard);
		return 1;
	}
	r = (struct run){ .opts = &opts };
	r.conns = calloc(opts.connections, sizeof(*r.conns));
	if (!r.conns) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	for (i = 0; i < opts.connections; i++)
		r.conns[i].fd = -1;

	rc = run_all(&r, &ss, sslen);
	if (r.failed > MAX_REPORTED)
		fprintf(stderr, PROG ": ... and %lu more failures\n", r.failed - MAX_REPORTED);
	/* What came back, not what was sent: a refused connection echoed nothing. */
	for (i = 0; i < opts.connections; i++)
		echoed_bytes += r.conns[i].got;
	echo_format_addr((struct sockaddr *)&ss, name, sizeof(name));
	printf("%lu of %lu connections to %s echoed %zu bytes\n", r.echoed,
	       opts.connections, name, echoed_bytes);
	free(r.conns);
	return rc;
}
