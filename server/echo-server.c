/*
 * echo-server - the reference select() echo server that tcpstat's tutorial
 * watches: one thread, one select() loop over the listening socket and its
 * clients. Every client's bytes are printed and echoed back.
 *
 * Beyond the textbook version it keeps going whatever one client does: a
 * client that resets, stops reading or arrives past FD_SETSIZE costs that
 * client only, an idle client is closed after --idle-timeout, and when
 * every select() slot is taken the longest-idle client makes room for a
 * new one. Logging never blocks (log.c), so select() is the only wait and
 * a signal always ends it. On SIGINT or SIGTERM the server closes every
 * connection itself, so the server side is the active closer and goes to
 * TIME_WAIT.
 */
#include "common.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG "echo-server"

/* The reference design reads at most this much per readiness event. */
#define READ_CHUNK 1024

/*
 * A client whose unsent echo reaches this many bytes is no longer read
 * from. Its own sends then block in its kernel buffers instead of growing
 * our memory, and reading resumes once it drains its side.
 */
#define PENDING_MAX (64 * 1024)

/* Accepts per wakeup, so a connection storm cannot starve the clients. */
#define ACCEPT_BATCH 64

/* How long accepting pauses when the process is out of fds or memory. */
#define ACCEPT_PAUSE_MS 100

#define MAX_CLOSE_DELAY_MS (86400UL * 1000)

#define DEFAULT_IDLE_TIMEOUT_MS (60UL * 1000)

/*
 * A full table evicts only a client idle this long, so a burst of new
 * connections cannot push out clients that are talking right now.
 */
#define EVICT_MIN_IDLE_MS 1000

/* How long the log lines still waiting get at exit, on each of stdout and stderr. */
#define EXIT_DRAIN_MS 250

struct echo_opts {
	unsigned int port;
	const char *bind_addr;
	bool reuseaddr;
	bool reuseport;
	bool quiet;
	int backlog;
	unsigned long close_delay_ms;
	unsigned long idle_timeout_ms;	/* 0: never */
};

struct client {
	int fd;			/* -1: slot free */
	bool eof;		/* the peer has sent its FIN */
	int64_t close_at_ms;	/* after eof: close no earlier than this */
	int64_t active_ms;	/* last accept, read or write that moved bytes */
	char *out;		/* echo bytes not yet accepted by the kernel */
	size_t out_off;		/* first unsent byte in out */
	size_t out_len;		/* unsent bytes from out_off */
	size_t out_cap;
	char name[ECHO_ADDRSTRLEN];
};

struct server {
	const struct echo_opts *opts;
	int listen_fd;
	/*
	 * Held open so that on EMFILE one fd can be freed to accept and close
	 * the waiting connection; otherwise the listener stays readable and
	 * select() spins.
	 */
	int spare_fd;
	int64_t accept_paused_until_ms;
	int max_fd;		/* highest client fd in use, or -1 */
	unsigned int nclients;
	struct echo_log out;	/* events, on stdout */
	struct echo_log err;	/* errors, on stderr */
	/* Indexed by fd: every fd we keep is below FD_SETSIZE by construction. */
	struct client clients[FD_SETSIZE];
};

/* Set by the handler; the only state a signal handler may touch. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " [OPTION]...\n"
		"Echo every byte each TCP client sends, printing it as it comes.\n"
		"\n"
		"  -p, --port PORT         listen on PORT (default 9999)\n"
		"  -b, --bind ADDR         listen on ADDR (default 127.0.0.1;\n"
		"                          0.0.0.0 or :: for all addresses)\n"
		"      --no-reuseaddr      do not set SO_REUSEADDR before bind()\n"
		"      --reuseport         set SO_REUSEPORT before bind()\n"
		"      --backlog N         listen() backlog (default %d)\n"
		"      --close-delay SECS  after a client's EOF keep the connection\n"
		"                          open SECS seconds before closing (default 0)\n"
		"      --idle-timeout SECS close a client that sends and reads nothing for\n"
		"                          SECS seconds (default 60; 0: never); when every\n"
		"                          select() slot is taken, the longest-idle client\n"
		"                          (idle 1 s at least) is closed for a new one\n"
		"  -q, --quiet             do not print what clients say\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\n"
		"Log lines never hold the server up: when stdout is not read, they are\n"
		"dropped and counted. SIGINT or SIGTERM closes every client and exits 0.\n",
		SOMAXCONN);
}

/*
 * Fill *o from the command line. Returns -1 to exit 0 (help, version),
 * 0 to run, 2 after printing one line about a bad argument.
 */
static int parse_args(int argc, char **argv, struct echo_opts *o)
{
	enum {
		OPT_NO_REUSEADDR = 256, OPT_REUSEPORT, OPT_BACKLOG, OPT_CLOSE_DELAY,
		OPT_IDLE_TIMEOUT,
	};
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "no-reuseaddr", no_argument, NULL, OPT_NO_REUSEADDR },
		{ "reuseport", no_argument, NULL, OPT_REUSEPORT },
		{ "backlog", required_argument, NULL, OPT_BACKLOG },
		{ "close-delay", required_argument, NULL, OPT_CLOSE_DELAY },
		{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char esc[ECHO_ESCAPED_MAX];
	unsigned long v;
	int c;

	*o = (struct echo_opts){
		.port = 9999,
		.bind_addr = "127.0.0.1",
		.reuseaddr = true,
		.reuseport = false,
		.quiet = false,
		.backlog = SOMAXCONN,
		.close_delay_ms = 0,
		.idle_timeout_ms = DEFAULT_IDLE_TIMEOUT_MS,
	};
	/* Our own messages, one line each, instead of getopt's. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:b:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (echo_parse_ulong(optarg, 1, 65535, &v) < 0) {
				fprintf(stderr, PROG ": invalid port '%s' (expected 1-65535)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			o->port = (unsigned int)v;
			break;
		case 'b':
			o->bind_addr = optarg;
			break;
		case OPT_NO_REUSEADDR:
			o->reuseaddr = false;
			break;
		case OPT_REUSEPORT:
			o->reuseport = true;
			break;
		case OPT_BACKLOG:
			if (echo_parse_ulong(optarg, 1, 65535, &v) < 0) {
				fprintf(stderr, PROG ": invalid backlog '%s' (expected 1-65535)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			o->backlog = (int)v;
			break;
		case OPT_CLOSE_DELAY:
			if (echo_parse_secs(optarg, MAX_CLOSE_DELAY_MS, &o->close_delay_ms) < 0) {
				fprintf(stderr, PROG ": invalid close delay '%s' "
					"(expected seconds, 0-86400, up to 3 decimals)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			break;
		case OPT_IDLE_TIMEOUT:
			if (echo_parse_secs(optarg, MAX_CLOSE_DELAY_MS, &o->idle_timeout_ms) < 0) {
				fprintf(stderr, PROG ": invalid idle timeout '%s' "
					"(expected seconds, 0-86400, up to 3 decimals)\n",
					echo_escape(optarg, esc, sizeof(esc)));
				return 2;
			}
			break;
		case 'q':
			o->quiet = true;
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
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n",
			echo_escape(argv[optind], esc, sizeof(esc)));
		return 2;
	}
	return 0;
}

/*
 * Open, configure, bind and listen. Returns the fd, or -1 after printing
 * the failing step perror()-style ("bind error: Address already in use").
 */
static int open_listener(const struct echo_opts *o, const struct sockaddr_storage *ss,
			 socklen_t sslen)
{
	int one = 1, zero = 0;
	int fd;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("socket error");
		return -1;
	}
	/* Must come before bind(): bind() is where the kernel checks it. */
	if (o->reuseaddr &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		perror("setsockopt(SO_REUSEADDR) error");
		goto fail;
	}
	if (o->reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		perror("setsockopt(SO_REUSEPORT) error");
		goto fail;
	}
	/*
	 * "::" means every address, IPv4 included, whatever the
	 * net.ipv6.bindv6only default of this machine says.
	 */
	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr) &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0) {
		perror("setsockopt(IPV6_V6ONLY) error");
		goto fail;
	}
	if (bind(fd, (const struct sockaddr *)ss, sslen) < 0) {
		perror("bind error");
		goto fail;
	}
	if (listen(fd, o->backlog) < 0) {
		perror("listen error");
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static void client_close(struct server *s, struct client *c)
{
	close(c->fd);
	free(c->out);
	*c = (struct client){ .fd = -1 };
	s->nclients--;
	while (s->max_fd >= 0 && s->clients[s->max_fd].fd < 0)
		s->max_fd--;
}

/*
 * Print "client say: DATA" with control bytes shown as '.', so that a peer
 * cannot drive the terminal, and one trailing newline (or CRLF) dropped,
 * since netcat and telnet send one with every line.
 */
static void print_say(struct echo_log *out, const char *data, size_t n)
{
	char line[READ_CHUNK];
	size_t i;

	if (n > 0 && data[n - 1] == '\n')
		n--;
	if (n > 0 && data[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)data[i];

		line[i] = (ch < 0x20 && ch != '\t') || ch == 0x7f ? '.' : (char)ch;
	}
	log_line(out, "client say: %.*s", (int)n, line);
}

/*
 * Hand as much of the client's pending echo to the kernel as it takes.
 * Returns 0 (all sent or would block), or -1 after closing the client on
 * a write error such as a reset.
 */
static int client_flush(struct server *s, struct client *c)
{
	while (c->out_len > 0) {
		/* MSG_NOSIGNAL too, in case SIGPIPE was somehow restored. */
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			log_line(&s->err, PROG ": client %s: write: %s", c->name, strerror(errno));
			client_close(s, c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->out_len -= (size_t)n;
		c->active_ms = echo_now_ms();
	}
	c->out_off = 0;
	return 0;
}

/* Queue n bytes of echo for c and try to send them. Same returns as client_flush. */
static int client_echo(struct server *s, struct client *c, const char *data, size_t n)
{
	if (c->out_off + c->out_len + n > c->out_cap) {
		/* Compact first: the cap then only grows while the peer is slow. */
		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len);
			c->out_off = 0;
		}
		if (c->out_len + n > c->out_cap) {
			size_t cap = c->out_len + n;
			char *p;

			if (cap < 2 * READ_CHUNK)
				cap = 2 * READ_CHUNK;
			p = realloc(c->out, cap);
			if (!p) {
				log_line(&s->err, PROG ": client %s: out of memory for the echo",
					 c->name);
				client_close(s, c);
				return -1;
			}
			c->out = p;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_off + c->out_len, data, n);
	c->out_len += n;
	return client_flush(s, c);
}

static void client_read(struct server *s, struct client *c, int64_t now)
{
	char buf[READ_CHUNK];
	ssize_t n;

	do {
		n = recv(c->fd, buf, sizeof(buf), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		log_line(&s->err, PROG ": client %s: read: %s", c->name, strerror(errno));
		client_close(s, c);
		return;
	}
	c->active_ms = now;
	if (n == 0) {
		unsigned long d = s->opts->close_delay_ms;

		if (d > 0)
			log_line(&s->out, "client %s disconnected, closing in %lu.%03lu s",
				 c->name, d / 1000, d % 1000);
		else
			log_line(&s->out, "client %s disconnected", c->name);
		c->eof = true;
		c->close_at_ms = now + (int64_t)d;
		/* Anything still queued is sent first: the peer may only have half-closed. */
		if (c->out_len == 0 && d == 0)
			client_close(s, c);
		return;
	}
	if (!s->opts->quiet)
		print_say(&s->out, buf, (size_t)n);
	client_echo(s, c, buf, (size_t)n);
}

/*
 * Refuse one waiting connection when no fd is left to hold it. Returns 1
 * when one was refused, 0 when none was waiting: Linux reports EMFILE
 * before it looks at the queue, so EMFILE alone does not mean a peer waits.
 */
static int refuse_with_spare(struct server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char name[ECHO_ADDRSTRLEN];
	int fd;

	close(s->spare_fd);
	fd = accept(s->listen_fd, (struct sockaddr *)&ss, &len);
	if (fd >= 0) {
		echo_format_addr((struct sockaddr *)&ss, name, sizeof(name));
		log_line(&s->err, PROG ": client %s: out of file descriptors; closing it",
			 name);
		close(fd);
	}
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

/*
 * Close the client that has been idle longest, if it has been idle at
 * least EVICT_MIN_IDLE_MS, to make room for a new one. Returns 1 when one
 * was closed, 0 when every client is busy.
 */
static int evict_idlest(struct server *s, int64_t now)
{
	struct client *idlest = NULL;
	int fd;

	for (fd = 0; fd <= s->max_fd; fd++) {
		struct client *c = &s->clients[fd];

		if (c->fd >= 0 && (!idlest || c->active_ms < idlest->active_ms))
			idlest = c;
	}
	if (!idlest || now - idlest->active_ms < EVICT_MIN_IDLE_MS)
		return 0;
	log_line(&s->out, "client %s idle for %lld.%03lld s, closed to make room for a new client",
		 idlest->name, (long long)(now - idlest->active_ms) / 1000,
		 (long long)(now - idlest->active_ms) % 1000);
	client_close(s, idlest);
	return 1;
}

/*
 * Linux reports EMFILE before it looks at the accept queue, so only a
 * readable listener says that a peer is really waiting.
 */
static bool peer_waiting(const struct server *s)
{
	struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/*
 * fd was accepted past FD_SETSIZE. Returns it moved to a free slot below,
 * after evicting an idle client, or -1 after closing it with a line.
 */
static int fit_in_fd_set(struct server *s, int fd, const struct sockaddr_storage *ss,
			 int64_t now)
{
	char name[ECHO_ADDRSTRLEN];
	int low;

	if (evict_idlest(s, now)) {
		/* The lowest free fd: the evicted client's, or one below it. */
		low = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (low >= 0 && low < FD_SETSIZE) {
			close(fd);
			return low;
		}
		if (low >= 0)
			close(low);
	}
	/* FD_SET() on it would write past the end of the fd_set. */
	echo_format_addr((const struct sockaddr *)ss, name, sizeof(name));
	log_line(&s->err, PROG ": client %s: fd %d is not below FD_SETSIZE (%d); closing it",
		 name, fd, FD_SETSIZE);
	close(fd);
	return -1;
}

/* accept4() failed with errno: returns true to try again, false to stop for now. */
static bool accept_failed(struct server *s, int64_t now)
{
	int err = errno;

	switch (err) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
		return false;
	case EINTR:
	case ECONNABORTED:
	case EPROTO:
		/* That connection is gone; others may be waiting. */
		return true;
	case EMFILE:
	case ENFILE:
		if (peer_waiting(s) && evict_idlest(s, now))
			return true;
		if (s->spare_fd >= 0 && refuse_with_spare(s))
			return true;
		if (s->spare_fd < 0) {
			log_line(&s->err, PROG ": accept: %s", strerror(err));
			s->accept_paused_until_ms = now + ACCEPT_PAUSE_MS;
		}
		return false;
	default:
		/* ENOBUFS, ENOMEM and the like: back off, do not spin. */
		log_line(&s->err, PROG ": accept: %s", strerror(err));
		s->accept_paused_until_ms = now + ACCEPT_PAUSE_MS;
		return false;
	}
}

static void accept_clients(struct server *s, int64_t now)
{
	int i;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct client *c;
		int fd;

		fd = accept4(s->listen_fd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (accept_failed(s, now))
				continue;
			return;
		}
		if (fd >= FD_SETSIZE) {
			fd = fit_in_fd_set(s, fd, &ss, now);
			if (fd < 0)
				continue;
		}
		c = &s->clients[fd];
		*c = (struct client){ .fd = fd, .active_ms = now };
		echo_format_addr((struct sockaddr *)&ss, c->name, sizeof(c->name));
		s->nclients++;
		if (fd > s->max_fd)
			s->max_fd = fd;
		log_line(&s->out, "client %s connected", c->name);
	}
}

/* Lower *next to t, where -1 means no deadline yet. */
static void earliest(int64_t *next, int64_t t)
{
	if (*next < 0 || t < *next)
		*next = t;
}

/*
 * Close c if its close delay or, for a client not waiting one out, its
 * idle timeout has passed, else lower *next to when it will. Returns true
 * when c was closed.
 */
static bool client_expire(struct server *s, struct client *c, int64_t now, int64_t *next)
{
	unsigned long idle = s->opts->idle_timeout_ms;

	/* The close delay was asked for: it bounds that wait, not the idle timeout. */
	if (c->eof && c->out_len == 0) {
		if (now >= c->close_at_ms) {
			client_close(s, c);
			return true;
		}
		earliest(next, c->close_at_ms);
	} else if (idle > 0) {
		if (now - c->active_ms >= (int64_t)idle) {
			log_line(&s->out, "client %s idle for %lu.%03lu s, closing it",
				 c->name, idle / 1000, idle % 1000);
			client_close(s, c);
			return true;
		}
		earliest(next, c->active_ms + (int64_t)idle);
	}
	return false;
}

/* Watch the log's fd for room while it has lines waiting. */
static void watch_log(const struct echo_log *l, fd_set *wr, int *nfds)
{
	if (!log_pending(l) || l->fd < 0 || l->fd >= FD_SETSIZE)
		return;
	FD_SET(l->fd, wr);
	if (l->fd > *nfds)
		*nfds = l->fd;
}

/*
 * The select() loop. Returns when a stop signal arrives (0) or select()
 * itself fails (1).
 */
static int serve(struct server *s, const sigset_t *run_mask)
{
	while (!stop_signal) {
		fd_set rd, wr;
		int64_t now = echo_now_ms(), next = -1;
		struct timespec ts, *tsp = NULL;
		int nfds, fd, n;

		FD_ZERO(&rd);
		FD_ZERO(&wr);
		nfds = s->listen_fd;
		if (now >= s->accept_paused_until_ms)
			FD_SET(s->listen_fd, &rd);
		else
			next = s->accept_paused_until_ms;
		for (fd = 0; fd <= s->max_fd; fd++) {
			struct client *c = &s->clients[fd];

			if (c->fd < 0 || client_expire(s, c, now, &next))
				continue;
			/* After EOF the fd stays readable forever: stop asking. */
			if (!c->eof && c->out_len < PENDING_MAX)
				FD_SET(fd, &rd);
			if (c->out_len > 0)
				FD_SET(fd, &wr);
			if (fd > nfds)
				nfds = fd;
		}
		watch_log(&s->out, &wr, &nfds);
		watch_log(&s->err, &wr, &nfds);
		if (next >= 0) {
			int64_t wait = next > now ? next - now : 0;

			ts.tv_sec = (time_t)(wait / 1000);
			ts.tv_nsec = (long)(wait % 1000) * 1000000L;
			tsp = &ts;
		}
		/*
		 * pselect() unblocks SIGINT/SIGTERM only while it waits, so a
		 * signal arriving after the stop_signal test still ends the wait.
		 * Nothing else in the loop waits (sockets and logs are
		 * non-blocking), so a signal is never held up for long.
		 */
		n = pselect(nfds + 1, &rd, &wr, NULL, tsp, run_mask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_line(&s->err, PROG ": select: %s", strerror(errno));
			return 1;
		}
		/* Both logs first: their fds are never a client's. */
		if (log_pending(&s->out) && FD_ISSET(s->out.fd, &wr))
			log_flush(&s->out);
		if (log_pending(&s->err) && FD_ISSET(s->err.fd, &wr))
			log_flush(&s->err);
		now = echo_now_ms();
		for (fd = 0; fd <= s->max_fd; fd++) {
			struct client *c = &s->clients[fd];

			if (c->fd < 0)
				continue;
			if (FD_ISSET(fd, &wr) && client_flush(s, c) < 0)
				continue;
			if (FD_ISSET(fd, &rd))
				client_read(s, c, now);
		}
		/* After the clients, so a reused fd number never sees stale bits. */
		if (FD_ISSET(s->listen_fd, &rd))
			accept_clients(s, now);
	}
	return 0;
}

/* Block SIGINT and SIGTERM except inside pselect() (run_mask), and ignore SIGPIPE. */
static void setup_signals(sigset_t *run_mask)
{
	struct sigaction sa;
	sigset_t stop_mask;

	/* A write to a reset peer must fail with EPIPE, not kill the server. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop_mask);
	sigaddset(&stop_mask, SIGINT);
	sigaddset(&stop_mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_mask, run_mask);
	sigdelset(run_mask, SIGINT);
	sigdelset(run_mask, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/*
 * Closing every client ourselves makes this side the active closer: its
 * sockets go through FIN_WAIT into TIME_WAIT, which is what the tutorial
 * then shows. Unsent echo bytes are dropped. Returns how many were closed.
 */
static unsigned int close_all(struct server *s)
{
	unsigned int closed = 0;
	int fd;

	for (fd = 0; fd <= s->max_fd; fd++) {
		if (s->clients[fd].fd >= 0) {
			close(fd);
			free(s->clients[fd].out);
			closed++;
		}
	}
	close(s->listen_fd);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
	return closed;
}

/*
 * Give the waiting log lines a bounded time to go out, then say on stderr
 * how many standard output lost, if any.
 */
static void finish_logs(struct server *s)
{
	log_drain(&s->out, (long long)echo_now_ms() + EXIT_DRAIN_MS);
	if (s->out.err != 0)
		log_line(&s->err, PROG ": standard output: write error: %s; %lu log line%s dropped",
			 strerror(s->out.err), s->out.dropped, s->out.dropped == 1 ? "" : "s");
	else if (s->out.dropped > 0)
		log_line(&s->err, PROG ": %lu log line%s dropped: standard output was not read "
			 "fast enough", s->out.dropped, s->out.dropped == 1 ? "" : "s");
	log_drain(&s->err, (long long)echo_now_ms() + EXIT_DRAIN_MS);
	log_close(&s->out);
	log_close(&s->err);
}

/* Allocate the server with every slot free. Returns NULL when out of memory. */
static struct server *server_new(const struct echo_opts *opts)
{
	struct server *s = calloc(1, sizeof(*s));
	int fd;

	if (!s)
		return NULL;
	s->opts = opts;
	s->max_fd = -1;
	s->listen_fd = -1;
	s->spare_fd = -1;
	for (fd = 0; fd < FD_SETSIZE; fd++)
		s->clients[fd].fd = -1;
	return s;
}

int main(int argc, char **argv)
{
	struct echo_opts opts;
	struct sockaddr_storage ss;
	socklen_t sslen;
	sigset_t run_mask;
	struct server *s;
	char name[ECHO_ADDRSTRLEN], esc[ECHO_ESCAPED_MAX];
	unsigned int closed;
	int r;

	/*
	 * Before any socket: with stdout closed the listener or a client
	 * would become fd 1, and log lines would be sent to it.
	 */
	if (echo_open_std_fds() < 0)
		return 1;
	r = parse_args(argc, argv, &opts);
	if (r != 0)
		return r < 0 ? 0 : r;
	if (echo_parse_addr(opts.bind_addr, opts.port, &ss, &sslen) < 0) {
		fprintf(stderr, PROG ": invalid address '%s' "
			"(expected a numeric IPv4 or IPv6 address)\n",
			echo_escape(opts.bind_addr, esc, sizeof(esc)));
		return 2;
	}
	setup_signals(&run_mask);
	s = server_new(&opts);
	if (!s) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	s->listen_fd = open_listener(&opts, &ss, sslen);
	if (s->listen_fd < 0) {
		free(s);
		return 1;
	}
	if (s->listen_fd >= FD_SETSIZE) {
		fprintf(stderr, PROG ": listening fd %d is not below FD_SETSIZE (%d)\n",
			s->listen_fd, FD_SETSIZE);
		close(s->listen_fd);
		free(s);
		return 1;
	}
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* From here on every line goes through a log: none may block. */
	log_open(&s->out, STDOUT_FILENO);
	log_open(&s->err, STDERR_FILENO);

	echo_format_addr((struct sockaddr *)&ss, name, sizeof(name));
	log_line(&s->out, "listening on %s (SO_REUSEADDR %s%s)", name,
		 opts.reuseaddr ? "on" : "off", opts.reuseport ? ", SO_REUSEPORT on" : "");

	r = serve(s, &run_mask);
	closed = close_all(s);
	if (stop_signal)
		log_line(&s->out, "caught %s, closed %u client%s, exiting",
			 stop_signal == SIGINT ? "SIGINT" : "SIGTERM", closed,
			 closed == 1 ? "" : "s");
	finish_logs(s);
	free(s);
	return r;
}
