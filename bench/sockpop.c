/*
 * sockpop - build a TCP socket population on loopback and hold it.
 *
 * Part of tcpstat's benchmark (bench/run); built by bench/meson.build.
 *
 * Run it inside a network namespace of your own (ip netns exec NS ./sockpop,
 * or unshare -n ./sockpop): it refuses the initial namespace. It creates
 * listening sockets, connected pairs, TIME_WAIT sockets and half-closed pairs
 * (FIN_WAIT2 / CLOSE_WAIT) over 127.0.0.0/8 and ::1 only, prints "ready N"
 * on stdout (N = TCP sockets it put in place), and holds them until SIGINT,
 * SIGTERM or --hold seconds. A summary goes to stderr.
 *
 * Address plan, chosen so that every 4-tuple is unique by construction and
 * the ephemeral port range never limits us:
 *   servers  127.0.0.1 and ::1 (more 127.0.0.x only past ~64k listeners).
 *            --listen ports count up from 1024; the connect targets
 *            ("service" ports) count down from 65535; the hot port P.
 *   clients  IPv4: 127.1.0.1, 127.1.0.2, ... each with every port 1024-65535
 *            except P, bound explicitly before connect().
 *            IPv6: ::1 is the only loopback address, so a client port is
 *            reused (SO_REUSEADDR) towards one service port per 64k block.
 * Connections to the hot port come from their own client sequence, so a
 * client port never equals P and "sport = :P or dport = :P" matches exactly
 * the hot listeners and the hot connections' sockets.
 *
 * TIME_WAIT sockets are kernel-owned and expire 60 s after creation (fixed
 * TCP_TIMEWAIT_LEN): measure within that window or start a fresh namespace.
 * They are made last, right before "ready".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PORT_LO 1024
#define PORT_HI 65535
#define NPORTS (PORT_HI - PORT_LO + 1)
#define MAX_COUNT 5000000UL      /* sanity bound on each count */
#define MAX_SVC6 64              /* IPv6 service ports: 64 x ~64k clients */
#define MAX_WORKERS 512          /* processes, when one cannot hold all fds */
#define MAX_SLICES (16 + MAX_WORKERS)
#define IO_TIMEOUT_MS 10000      /* bound on waiting for one batch */
#define WORKER_TIMEOUT_S 600     /* bound on one worker's build */
#define STOP_TIMEOUT_S 60        /* bound on a worker's exit after SIGTERM */
#define DEFAULT_HOLD_S 3600.0
#define DEFAULT_BATCH 1024U
#define FD_MARGIN 64

enum kind { LISTEN, EST, TW, CW };
static const char *const kind_name[] = { "listen", "established", "time-wait", "close-wait" };
static const unsigned fds_per_item[] = { 1, 2, 0, 2 };

struct options {
	unsigned long count[4];            /* indexed by enum kind */
	unsigned hot_port;
	double hot_fraction, ipv6_fraction, hold_s;
	unsigned batch;
	bool quiet, no_netns_check;
};

/* How many of something go to each family, and how many of those are hot. */
struct split {
	unsigned long n4, n6, hot4, hot6;
};

/* Ports and addresses, fixed before the first socket is made. */
struct plan {
	uint16_t hot;                      /* 0: no hot port */
	uint16_t svc4;                     /* IPv4 service port */
	uint16_t svc6[MAX_SVC6];
	unsigned nsvc6;
	uint16_t lport[NPORTS];            /* listener ports, both families */
	unsigned nlport;
	uint16_t cport4[NPORTS];           /* IPv4 client ports */
	unsigned ncport4;
	uint16_t cport6[NPORTS];           /* IPv6 client ports */
	unsigned ncport6;
};

/* The listening sockets that connections are made to. */
struct targets {
	int svc4, hot4, hot6, svc6[MAX_SVC6];
	unsigned long n;
};

/*
 * A run of `count` items of one kind, family and hotness, starting at index
 * `first` of its address sequence, built by process `worker`. Slices are cut
 * so that no process needs more file descriptors than RLIMIT_NOFILE allows.
 */
struct slice {
	enum kind kind;
	int family;
	bool hot;
	unsigned long first, count;
	unsigned worker;
};

static volatile sig_atomic_t stop_requested, child_exited;

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		child_exited = 1;
	else
		stop_requested = 1;
}

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("sockpop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct split split_of(unsigned long n, const struct options *o)
{
	struct split s;

	s.n6 = (unsigned long)llround(n * o->ipv6_fraction);
	s.n4 = n - s.n6;
	s.hot4 = (unsigned long)llround(s.n4 * o->hot_fraction);
	s.hot6 = (unsigned long)llround(s.n6 * o->hot_fraction);
	return s;
}

/* ---- addresses ---------------------------------------------------------- */

/* family AF_INET: 127.x.y.z given in host order; AF_INET6: always ::1. */
static socklen_t make_addr(struct sockaddr_storage *ss, int family,
			   uint32_t v4, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(v4);
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = in6addr_loopback;
	sin6->sin6_port = htons(port);
	return sizeof(*sin6);
}

static const char *addr_str(const struct sockaddr_storage *ss)
{
	static char out[INET6_ADDRSTRLEN + 16];
	char host[INET6_ADDRSTRLEN];
	unsigned port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		snprintf(out, sizeof(out), "%s:%u", host, port);
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		snprintf(out, sizeof(out), "[%s]:%u", host, port);
	}
	return out;
}

/* ---- plan --------------------------------------------------------------- */

static unsigned fill_ports(uint16_t *out, const unsigned char *taken)
{
	unsigned n = 0;

	for (unsigned p = PORT_LO; p <= PORT_HI; p++)
		if (!taken[p])
			out[n++] = (uint16_t)p;
	return n;
}

static int build_plan(struct plan *pl, const struct options *o)
{
	static unsigned char taken[PORT_HI + 1];
	struct split ls = split_of(o->count[LISTEN], o);
	unsigned long v6_plain = 0, v6_hot = 0;

	for (int k = EST; k <= CW; k++) {
		struct split s = split_of(o->count[k], o);

		v6_plain += s.n6 - s.hot6;
		v6_hot += s.hot6;
	}
	memset(taken, 0, sizeof(taken));
	pl->hot = o->hot_fraction > 0 ? (uint16_t)o->hot_port : 0;
	taken[pl->hot] = 1;

	/* Service ports from the top down; svc4 and svc6[0] share a number. */
	unsigned p = PORT_HI;

	while (taken[p])
		p--;
	pl->svc4 = (uint16_t)p;
	pl->nsvc6 = 0;
	for (unsigned k = 1; k <= MAX_SVC6; k++) {
		/* k service ports leave this many client ports on ::1 */
		long free6 = (long)NPORTS - (pl->hot >= PORT_LO) - (long)ls.n6 - (long)k;

		if (free6 <= 0)
			break;
		if ((unsigned long)free6 * k >= v6_plain) {
			pl->nsvc6 = v6_plain ? k : 0;
			break;
		}
	}
	if (v6_plain && !pl->nsvc6)
		return fail("too many IPv6 sockets: %lu connections and %lu "
			    "listeners do not fit on ::1", v6_plain, ls.n6);
	for (unsigned i = 0, q = PORT_HI; i < pl->nsvc6; i++, q--) {
		while (taken[q])
			q--;
		pl->svc6[i] = (uint16_t)q;
	}
	for (unsigned i = 0; i < pl->nsvc6; i++)
		taken[pl->svc6[i]] = 1;
	taken[pl->svc4] = 1;

	pl->nlport = fill_ports(pl->lport, taken);
	if (ls.n6 > pl->nlport)
		return fail("too many IPv6 listeners: %lu (at most %u on ::1)",
			    ls.n6, pl->nlport);

	/* IPv4 clients live on 127.1.x.y: only the hot port is off limits. */
	memset(taken, 0, sizeof(taken));
	taken[pl->hot] = 1;
	pl->ncport4 = fill_ports(pl->cport4, taken);

	/* IPv6 clients share ::1 with every IPv6 server port. */
	for (unsigned i = 0; i < pl->nsvc6; i++)
		taken[pl->svc6[i]] = 1;
	for (unsigned long i = 0; i < ls.n6; i++)
		taken[pl->lport[i]] = 1;
	pl->ncport6 = fill_ports(pl->cport6, taken);
	if (v6_hot > pl->ncport6)
		return fail("too many IPv6 connections to the hot port: %lu "
			    "(at most %u)", v6_hot, pl->ncport6);
	return 0;
}

/* ---- sockets ------------------------------------------------------------ */

static int open_listener(int family, uint32_t v4, uint16_t port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, v4, port);
	int one = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail("socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(fd, backlog) < 0) {
		int e = errno;

		close(fd);
		return fail("listen on %s: %s", addr_str(&ss), strerror(e));
	}
	return fd;
}

/* Bound, non-blocking connect from (src, sport) to (dst, dport). */
static int open_client(int family, uint32_t src4, uint16_t sport, uint16_t dport)
{
	struct sockaddr_storage src, dst;
	socklen_t slen = make_addr(&src, family, src4, sport);
	socklen_t dlen = make_addr(&dst, family, INADDR_LOOPBACK, dport);
	int one = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail("socket: %s (file limit? see RLIMIT_NOFILE)",
			    strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, slen) < 0) {
		int e = errno;

		close(fd);
		return fail("bind %s: %s", addr_str(&src), strerror(e));
	}
	if (connect(fd, (struct sockaddr *)&dst, dlen) < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		fail("connect from %s", addr_str(&src));
		return fail("  to %s: %s", addr_str(&dst), strerror(e));
	}
	return fd;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Accept exactly n connections from lfd, waiting at most IO_TIMEOUT_MS. */
static int accept_n(int lfd, int *out, size_t n)
{
	size_t got = 0;
	double deadline = now_s() + IO_TIMEOUT_MS / 1000.0;

	while (got < n) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			out[got++] = fd;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return fail("accept: %s", strerror(errno));
		if (stop_requested)
			return fail("interrupted");
		if (now_s() > deadline)
			return fail("accepted only %zu of %zu connections in %d ms",
				    got, n, IO_TIMEOUT_MS);
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		poll(&p, 1, 100);
	}
	return 0;
}

/* Wait until every fd has seen the peer's FIN (readable EOF). */
static int wait_eof(int *fds, struct pollfd *pfd, size_t n)
{
	size_t left = n;
	double deadline = now_s() + IO_TIMEOUT_MS / 1000.0;

	for (size_t i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN | POLLRDHUP };
	while (left > 0) {
		int ms = (int)((deadline - now_s()) * 1000);

		if (ms <= 0)
			return fail("%zu of %zu peers never sent FIN", left, n);
		if (poll(pfd, n, ms) < 0 && errno != EINTR)
			return fail("poll: %s", strerror(errno));
		if (stop_requested)
			return fail("interrupted");
		for (size_t i = 0; i < n; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents) {
				pfd[i].fd = -1;
				left--;
			}
	}
	return 0;
}

struct batch {
	int *cli, *srv;
	struct pollfd *pfd;
	size_t cap;
};

/*
 * Make the connections of one slice, batch by batch: connect a batch, accept
 * it, then leave it open (EST), half-close the client side (CW), or close
 * the client first and the server once the FIN has arrived (TW: the client
 * holds TIME_WAIT, the server side is freed).
 */
static int make_conns(const struct plan *pl, const struct targets *t,
		      struct batch *b, const struct slice *sl)
{
	unsigned long done = 0;

	while (done < sl->count) {
		unsigned long first = sl->first + done;
		size_t n = sl->count - done < b->cap ? sl->count - done : b->cap;
		uint16_t dport;
		int lfd;

		if (stop_requested)
			return fail("interrupted");
		if (sl->family == AF_INET) {
			dport = sl->hot ? pl->hot : pl->svc4;
			lfd = sl->hot ? t->hot4 : t->svc4;
		} else if (sl->hot) {
			dport = pl->hot;
			lfd = t->hot6;
		} else {
			/* one batch never spans two service ports */
			unsigned blk = (unsigned)(first / pl->ncport6);

			if (blk >= pl->nsvc6)
				return fail("internal: IPv6 plan exhausted");
			if (n > pl->ncport6 - first % pl->ncport6)
				n = pl->ncport6 - first % pl->ncport6;
			dport = pl->svc6[blk];
			lfd = t->svc6[blk];
		}
		for (size_t i = 0; i < n; i++) {
			unsigned long idx = first + i;
			int fd;

			if (sl->family == AF_INET)
				fd = open_client(AF_INET,
						 0x7f010001u + (uint32_t)(idx / pl->ncport4),
						 pl->cport4[idx % pl->ncport4], dport);
			else
				fd = open_client(AF_INET6, 0,
						 pl->cport6[idx % pl->ncport6], dport);
			if (fd < 0) {
				close_all(b->cli, i);
				return -1;
			}
			b->cli[i] = fd;
		}
		if (accept_n(lfd, b->srv, n) < 0) {
			close_all(b->cli, n);
			return fail("while making %s connections", kind_name[sl->kind]);
		}
		if (sl->kind == CW) {
			for (size_t i = 0; i < n; i++)
				if (shutdown(b->cli[i], SHUT_WR) < 0)
					return fail("shutdown: %s", strerror(errno));
		} else if (sl->kind == TW) {
			close_all(b->cli, n);
			if (wait_eof(b->srv, b->pfd, n) < 0)
				return -1;
			close_all(b->srv, n);
		}
		done += n;
	}
	return 0;
}

static int make_listeners(const struct plan *pl, const struct slice *sl)
{
	for (unsigned long i = sl->first; i < sl->first + sl->count; i++) {
		uint32_t a = INADDR_LOOPBACK + (uint32_t)(i / pl->nlport);

		if (stop_requested)
			return fail("interrupted");
		if (open_listener(sl->family, a, pl->lport[i % pl->nlport], 16) < 0)
			return -1;
	}
	return 0;
}

static int run_slices(const struct plan *pl, const struct targets *t,
		      struct batch *b, const struct slice *sl, size_t n,
		      unsigned worker)
{
	for (size_t i = 0; i < n; i++) {
		if (sl[i].worker != worker || !sl[i].count)
			continue;
		if (sl[i].kind == LISTEN ? make_listeners(pl, &sl[i]) < 0
					 : make_conns(pl, t, b, &sl[i]) < 0)
			return -1;
	}
	return 0;
}

/*
 * Cut the work into slices, in creation order (listeners, half-closed and
 * established pairs, TIME_WAIT last because it starts expiring at once), and
 * give each process at most `budget` descriptors. Returns the slice count
 * and sets *nworkers; the last worker is the main process.
 */
static int plan_slices(const struct options *o, unsigned long budget, struct slice *out, unsigned *nworkers)
{
	static const enum kind order[] = { LISTEN, CW, EST, TW };
	/* address sequences: listeners per family, IPv4 clients, IPv6 clients */
	unsigned long lis4 = 0, lis6 = 0, cli4 = 0, cli6 = 0, cli6hot = 0;
	unsigned long used = 0;
	unsigned worker = 0;
	size_t ns = 0;

	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		enum kind kind = order[k];
		struct split s = split_of(o->count[kind], o);
		struct { int family; bool hot; unsigned long count, *seq; } jobs[4] = {
			{ AF_INET6, false, s.n6 - s.hot6, kind == LISTEN ? &lis6 : &cli6 },
			{ AF_INET6, true, s.hot6, &cli6hot },
			{ AF_INET, false, s.n4 - s.hot4, kind == LISTEN ? &lis4 : &cli4 },
			{ AF_INET, true, s.hot4, &cli4 },
		};

		if (kind == LISTEN) {   /* listeners are never "hot" */
			jobs[0].count = s.n6;
			jobs[1].count = 0;
			jobs[2].count = s.n4;
			jobs[3].count = 0;
		}
		for (size_t j = 0; j < 4; j++) {
			unsigned long left = jobs[j].count;

			while (left > 0) {
				unsigned per = fds_per_item[kind];
				unsigned long take = left;

				if (per) {
					unsigned long room = (budget - used) / per;

					if (room == 0) {
						if (++worker >= MAX_WORKERS)
							return fail("population needs more than %d "
								    "processes of %lu descriptors",
								    MAX_WORKERS, budget);
						used = 0;
						continue;
					}
					if (take > room)
						take = room;
				}
				if (ns >= MAX_SLICES)
					return fail("internal: too many slices");
				out[ns++] = (struct slice){ kind, jobs[j].family, jobs[j].hot,
							    *jobs[j].seq, take, worker };
				*jobs[j].seq += take;
				used += take * per;
				left -= take;
			}
		}
	}
	*nworkers = worker + 1;
	return (int)ns;
}

/* ---- environment -------------------------------------------------------- */

/*
 * Refuse to touch the host's own namespace: where pid 1's namespace can be
 * read it must differ from ours, and no interface but lo may be up (a
 * namespace made by ip netns add or unshare -n has only lo).
 */
static int check_netns(void)
{
	struct stat self, init;
	struct if_nameindex *ifs;
	int fd, ret = 0;

	if (stat("/proc/self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
	    self.st_dev == init.st_dev && self.st_ino == init.st_ino)
		return fail("refusing to run in the initial network namespace: "
			    "use 'ip netns exec NS ./sockpop ...' or 'unshare -n ./sockpop ...'");
	ifs = if_nameindex();
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!ifs || fd < 0) {
		ret = fail("cannot list interfaces: %s", strerror(errno));
		goto out;
	}
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq ifr;

		if (!strcmp(i->if_name, "lo"))
			continue;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP)) {
			ret = fail("interface %s is up here, so this is not a private "
				   "namespace: use 'ip netns exec NS ./sockpop ...' or "
				   "'unshare -n ./sockpop ...' (or --no-netns-check)",
				   i->if_name);
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	if (ifs)
		if_freenameindex(ifs);
	return ret;
}

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (fd < 0)
		return fail("socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = fail("lo: %s", strerror(errno));
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = fail("cannot bring lo up: %s", strerror(errno));
	}
	close(fd);
	return ret;
}

/* Raise a per-namespace sysctl to at least `want`; never lowers it. */
static int sysctl_at_least(const char *path, unsigned long want)
{
	unsigned long cur = 0;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%lu", &cur) != 1) {
		if (f)
			fclose(f);
		return fail("cannot read %s", path);
	}
	fclose(f);
	if (cur >= want)
		return 0;
	f = fopen(path, "w");
	if (!f || fprintf(f, "%lu\n", want) < 0 || fclose(f) != 0)
		return fail("cannot raise %s from %lu to %lu (root in this netns?)",
			    path, cur, want);
	return 0;
}

static unsigned long read_ulong(const char *path, unsigned long dflt)
{
	unsigned long v;
	FILE *f = fopen(path, "r");

	if (!f)
		return dflt;
	if (fscanf(f, "%lu", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/*
 * Raise the soft RLIMIT_NOFILE to `want` or as far as the hard limit allows
 * (raising the hard limit needs CAP_SYS_RESOURCE, which containers often
 * drop); return the limit now in force, or 0 on error.
 */
static unsigned long raise_nofile(unsigned long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fail("getrlimit: %s", strerror(errno));
		return 0;
	}
	if (rl.rlim_cur >= want)
		return rl.rlim_cur;
	rl.rlim_cur = want;
	if (rl.rlim_max < want) {
		struct rlimit up = { want, want };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return want;
		rl.rlim_cur = rl.rlim_max;   /* fall back to several processes */
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		fail("setrlimit: %s", strerror(errno));
		return 0;
	}
	return rl.rlim_cur;
}

/*
 * TIME_WAIT sockets of this namespace per /proc/net/sockstat ("TCP: ... tw
 * N", which also counts FIN_WAIT2 orphans; we make none): how many short of
 * `want`, after giving late FINs a bounded moment to land.
 */
static unsigned long check_time_wait(unsigned long want)
{
	unsigned long tw = 0;

	for (int tries = 0; want && tries < 20; tries++) {
		char line[256];
		FILE *f = fopen("/proc/net/sockstat", "r");

		if (!f)
			return 0;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "TCP: inuse %*u orphan %*u tw %lu", &tw) == 1)
				break;
		fclose(f);
		if (tw >= want)
			return 0;
		usleep(50000);
	}
	return want - tw;
}

/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: sockpop [options]   (inside a private network namespace)\n"
	      "  --listen N          N listening sockets on distinct ports\n"
	      "  --established N     N connected pairs (2N ESTABLISHED sockets)\n"
	      "  --time-wait N       N TIME_WAIT sockets (expire 60 s after creation)\n"
	      "  --close-wait N      N half-closed pairs (N FIN_WAIT2 + N CLOSE_WAIT)\n"
	      "  --hot-port P        the port a known fraction of connections use (default 9999)\n"
	      "  --port P            same as --hot-port\n"
	      "  --hot-fraction F    fraction of each kind's connections made to P (default 0)\n"
	      "  --ipv6 F            fraction of sockets over ::1 instead of 127/8 (default 0)\n"
	      "  --hold S            exit after S seconds (default 3600) unless signalled first\n"
	      "  --batch B           connections in flight per batch (default 1024)\n"
	      "  --no-netns-check    skip the initial-namespace check (e.g. under unshare -rn)\n"
	      "  -q, --quiet         no summary on stderr\n"
	      "Prints 'ready N' on stdout once the N sockets are in place.\n", f);
}

static int parse_count(const char *name, const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > MAX_COUNT)
		return fail("invalid %s '%s' (expected 0-%lu)", name, s, MAX_COUNT);
	*out = v;
	return 0;
}

static int parse_fraction(const char *name, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0))
		return fail("invalid %s '%s' (expected 0-1)", name, s);
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { O_LISTEN = 256, O_EST, O_TW, O_CW, O_HOTPORT, O_HOTFRAC, O_V6,
	       O_HOLD, O_BATCH, O_NONS };
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "established", required_argument, NULL, O_EST },
		{ "time-wait", required_argument, NULL, O_TW },
		{ "close-wait", required_argument, NULL, O_CW },
		{ "hot-port", required_argument, NULL, O_HOTPORT },
		{ "port", required_argument, NULL, O_HOTPORT },
		{ "hot-fraction", required_argument, NULL, O_HOTFRAC },
		{ "ipv6", required_argument, NULL, O_V6 },
		{ "hold", required_argument, NULL, O_HOLD },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "no-netns-check", no_argument, NULL, O_NONS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	*o = (struct options){ .hot_port = 9999, .hold_s = DEFAULT_HOLD_S,
			       .batch = DEFAULT_BATCH };
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		int r = 0;

		switch (c) {
		case O_LISTEN: r = parse_count("--listen", optarg, &o->count[LISTEN]); break;
		case O_EST: r = parse_count("--established", optarg, &o->count[EST]); break;
		case O_TW: r = parse_count("--time-wait", optarg, &o->count[TW]); break;
		case O_CW: r = parse_count("--close-wait", optarg, &o->count[CW]); break;
		case O_HOTFRAC: r = parse_fraction("--hot-fraction", optarg, &o->hot_fraction); break;
		case O_V6: r = parse_fraction("--ipv6", optarg, &o->ipv6_fraction); break;
		case O_HOTPORT:
			r = parse_count("--hot-port", optarg, &v);
			if (!r && (v < 1 || v > 65535))
				r = fail("invalid --hot-port '%s' (expected 1-65535)", optarg);
			o->hot_port = (unsigned)v;
			break;
		case O_HOLD: {
			char *end;

			o->hold_s = strtod(optarg, &end);
			if (end == optarg || *end || !(o->hold_s >= 0 && o->hold_s <= 1e7))
				r = fail("invalid --hold '%s' (expected seconds)", optarg);
			break;
		}
		case O_BATCH:
			r = parse_count("--batch", optarg, &v);
			if (!r && (v < 1 || v > 65535))
				r = fail("invalid --batch '%s' (expected 1-65535)", optarg);
			o->batch = (unsigned)v;
			break;
		case O_NONS: o->no_netns_check = true; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
		if (r < 0)
			return -1;
	}
	if (optind < argc)
		return fail("unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static int open_targets(const struct plan *pl, const struct options *o,
			struct targets *t)
{
	int backlog = (int)o->batch;

	*t = (struct targets){ .svc4 = -1, .hot4 = -1, .hot6 = -1 };
	for (int k = EST; k <= CW; k++) {
		struct split s = split_of(o->count[k], o);

		if (s.n4 > s.hot4 && t->svc4 < 0) {
			if ((t->svc4 = open_listener(AF_INET, INADDR_LOOPBACK, pl->svc4, backlog)) < 0)
				return -1;
			t->n++;
		}
		if (s.hot4 && t->hot4 < 0) {
			if ((t->hot4 = open_listener(AF_INET, INADDR_LOOPBACK, pl->hot, backlog)) < 0)
				return -1;
			t->n++;
		}
		if (s.hot6 && t->hot6 < 0) {
			if ((t->hot6 = open_listener(AF_INET6, 0, pl->hot, backlog)) < 0)
				return -1;
			t->n++;
		}
	}
	for (unsigned i = 0; i < pl->nsvc6; i++) {
		if ((t->svc6[i] = open_listener(AF_INET6, 0, pl->svc6[i], backlog)) < 0)
			return -1;
		t->n++;
	}
	return 0;
}

/*
 * Wait for a signal, the deadline, or (with wake_on_child) a child's exit.
 * Signals are blocked outside ppoll() so none is lost between the checks.
 */
static void wait_for_stop(double seconds, bool wake_on_child)
{
	sigset_t block, old;
	double deadline = now_s() + seconds;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!stop_requested && !(wake_on_child && child_exited)) {
		double left = deadline - now_s();
		struct timespec ts;

		if (left <= 0)
			break;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		ppoll(NULL, 0, &ts, &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* SIGTERM each started worker by pid and reap it; SIGKILL past a bound. */
static void stop_workers(const pid_t *pids, unsigned n)
{
	double deadline = now_s() + STOP_TIMEOUT_S;

	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (unsigned i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		while (waitpid(pids[i], NULL, WNOHANG) == 0) {
			if (now_s() > deadline) {
				kill(pids[i], SIGKILL);
				waitpid(pids[i], NULL, 0);
				break;
			}
			usleep(10000);
		}
	}
}

/*
 * Fork a worker that builds its slices, reports through a pipe, and holds
 * its sockets until SIGTERM or its parent's death. Returns its pid after it
 * reported success, or -1 (the worker, if any, reaped).
 */
static pid_t start_worker(const struct plan *pl, const struct targets *t,
			  struct batch *b, const struct slice *sl, size_t ns,
			  unsigned worker, double hold_s)
{
	int pfd[2];
	pid_t parent = getpid(), pid;
	char ok = 0;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return fail("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return fail("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pfd[0]);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		if (run_slices(pl, t, b, sl, ns, worker) < 0)
			_exit(1);
		if (write(pfd[1], "k", 1) != 1)
			_exit(1);
		close(pfd[1]);
		wait_for_stop(hold_s + STOP_TIMEOUT_S, false);
		_exit(0);
	}
	close(pfd[1]);
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };
	double deadline = now_s() + WORKER_TIMEOUT_S;

	while (!stop_requested && now_s() < deadline) {
		if (poll(&p, 1, 1000) > 0) {
			if (read(pfd[0], &ok, 1) != 1)
				ok = 0;
			break;
		}
	}
	close(pfd[0]);
	if (ok != 'k') {
		stop_workers(&pid, 1);
		return fail(stop_requested ? "interrupted" : "worker %u failed", worker);
	}
	return pid;
}

int main(int argc, char **argv)
{
	static struct plan pl;
	static struct slice slices[MAX_SLICES];
	static pid_t pids[MAX_WORKERS];
	struct options o;
	struct targets t;
	struct batch b;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long nofile, budget, total, hot_socks, tw_want, tw_short;
	unsigned nworkers = 1;
	int ns, rc = 1;
	double t0;

	if (parse_options(argc, argv, &o) < 0)
		return 2;
	if (!o.no_netns_check && check_netns() < 0)
		return 1;
	if (lo_up() < 0 || build_plan(&pl, &o) < 0)
		return 1;

	/* Kernel limits inside this namespace; listen() silently caps backlogs. */
	unsigned long somax = read_ulong("/proc/sys/net/core/somaxconn", 4096);

	if (o.batch > somax)
		o.batch = (unsigned)somax;
	tw_want = o.count[TW] + o.count[TW] / 10 + 2UL * o.batch + 1024;
	/*
	 * tcp_rfc1337: under load a delayed FIN can be retransmitted after the
	 * server side is gone; the RST that answers it would kill the client's
	 * TIME_WAIT socket ("TIME-WAIT assassination"). Ignore RSTs in TIME_WAIT.
	 */
	if (o.count[TW] &&
	    (sysctl_at_least("/proc/sys/net/ipv4/tcp_max_tw_buckets", tw_want) < 0 ||
	     sysctl_at_least("/proc/sys/net/ipv4/tcp_rfc1337", 1) < 0))
		return 1;

	/* Descriptors: one process if the limit allows, else several. */
	total = o.count[LISTEN] + 2 * o.count[EST] + 2 * o.count[CW];
	nofile = raise_nofile(total + MAX_SVC6 + 2UL * o.batch + FD_MARGIN + 8);
	if (!nofile)
		return 1;
	if (nofile < MAX_SVC6 + 2UL * o.batch + FD_MARGIN + 1000) {
		fail("RLIMIT_NOFILE %lu is too low (try a smaller --batch)", nofile);
		return 1;
	}
	budget = nofile - (MAX_SVC6 + 2UL * o.batch + FD_MARGIN + 8);
	ns = plan_slices(&o, budget, slices, &nworkers);
	if (ns < 0)
		return 1;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);

	b.cap = o.batch;
	b.cli = calloc(b.cap, sizeof(*b.cli));
	b.srv = calloc(b.cap, sizeof(*b.srv));
	b.pfd = calloc(b.cap, sizeof(*b.pfd));
	t0 = now_s();
	if (!b.cli || !b.srv || !b.pfd) {
		fail("out of memory");
		goto out;
	}
	if (open_targets(&pl, &o, &t) < 0)
		goto out;
	for (unsigned w = 0; w + 1 < nworkers; w++) {
		pids[w] = start_worker(&pl, &t, &b, slices, (size_t)ns, w, o.hold_s);
		if (pids[w] < 0)
			goto out;
	}
	if (run_slices(&pl, &t, &b, slices, (size_t)ns, nworkers - 1) < 0)
		goto out;

	tw_short = check_time_wait(o.count[TW]);
	total = t.n + o.count[LISTEN] + 2 * o.count[EST] + o.count[TW] + 2 * o.count[CW];
	hot_socks = (t.hot4 >= 0) + (t.hot6 >= 0);
	for (int k = EST; k <= CW; k++) {
		struct split s = split_of(o.count[k], &o);

		hot_socks += (k == TW ? 1 : 2) * (s.hot4 + s.hot6);
	}
	if (!o.quiet)
		fprintf(stderr,
			"sockpop: LISTEN %lu (+%lu connect targets), ESTAB %lu, "
			"TIME-WAIT %lu, FIN-WAIT-2 %lu, CLOSE-WAIT %lu; IPv6 share %.3g; "
			"on port %u: %lu; total %lu; %u process%s; built in %.2f s\n",
			o.count[LISTEN], t.n, 2 * o.count[EST], o.count[TW],
			o.count[CW], o.count[CW], o.ipv6_fraction, pl.hot, hot_socks,
			total, nworkers, nworkers > 1 ? "es" : "", now_s() - t0);
	if (tw_short)
		fail("warning: %lu TIME-WAIT sockets missing (see nstat TcpOutRsts)", tw_short);
	printf("ready %lu\n", total);
	fflush(stdout);

	wait_for_stop(o.hold_s, true);
	rc = 0;
	if (child_exited && !stop_requested) {
		for (unsigned w = 0; w + 1 < nworkers; w++)
			if (waitpid(pids[w], NULL, WNOHANG) == pids[w]) {
				fail("worker %u (pid %d) exited early: population incomplete",
				     w, (int)pids[w]);
				pids[w] = 0;
				rc = 1;
			}
	}
out:
	stop_workers(pids, nworkers ? nworkers - 1 : 0);
	free(b.cli);
	free(b.srv);
	free(b.pfd);
	return rc;
}
