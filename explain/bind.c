/* bind.c - --bind-check: the trial binds, who is in the way, and why. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "explain.h"
#include "netns.h"

const char *explain_errno_name(int errnum)
{
	static const struct {
		int errnum;
		const char *name;
	} names[] = {
		{ 0, "ok" }, { EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { EINVAL, "EINVAL" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { ENOBUFS, "ENOBUFS" }, { ENOMEM, "ENOMEM" },
		{ EMFILE, "EMFILE" }, { ENFILE, "ENFILE" }, { ENODEV, "ENODEV" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].errnum == errnum)
			return names[i].name;
	return "E?";
}

const char *explain_trial_name(enum explain_trial trial)
{
	switch (trial) {
	case EXPLAIN_PLAIN: return "plain";
	case EXPLAIN_REUSEADDR: return "SO_REUSEADDR";
	case EXPLAIN_REUSEPORT: return "SO_REUSEPORT";
	case EXPLAIN_BOTH: return "SO_REUSEADDR+SO_REUSEPORT";
	}
	return "?";
}

const char *explain_case_name(enum explain_case c)
{
	static const char *const names[EXPLAIN_NCASES] = {
		[EXPLAIN_FREE] = "free",
		[EXPLAIN_PRIVILEGED_PORT] = "privileged-port",
		[EXPLAIN_NOT_LOCAL_ADDRESS] = "not-local-address",
		[EXPLAIN_LISTENER] = "listener",
		[EXPLAIN_LISTENER_OTHER_UID] = "listener-other-uid",
		[EXPLAIN_LISTENER_REUSEPORT] = "listener-reuseport",
		[EXPLAIN_TIMEWAIT_REUSABLE] = "timewait-reusable",
		[EXPLAIN_TIMEWAIT_NO_REUSEADDR] = "timewait-no-reuseaddr",
		[EXPLAIN_CONNECTED_REUSABLE] = "connected-reusable",
		[EXPLAIN_CONNECTED_NO_REUSEADDR] = "connected-no-reuseaddr",
		[EXPLAIN_KERNEL_REFUSED] = "kernel-refused-unknown",
	};

	return (unsigned)c < EXPLAIN_NCASES ? names[c] : "?";
}

static int set_flag(int fd, int name, const char *what, struct tcpstat_error *err)
{
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, name, &one, sizeof(one)) < 0)
		return err_set(err, errno, "bind check: setsockopt(%s)", what);
	return 0;
}

static socklen_t target_sockaddr(const struct explain_target *t, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (t->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(t->port);
		memcpy(&s6->sin6_addr, t->addr, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(t->port);
	memcpy(&s4->sin_addr, t->addr, 4);
	return sizeof(*s4);
}

/* The trial's socket: here, or made in ns_fd's namespace (a socket keeps its namespace). */
static int trial_socket(int ns_fd, int family, struct tcpstat_error *err)
{
	int fd;

	if (ns_fd >= 0)
		return netns_socket(ns_fd, family, SOCK_STREAM | SOCK_CLOEXEC, 0, err);
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return fd < 0 ? err_set(err, errno, "bind check: socket") : fd;
}

static int try_bind(int ns_fd, const struct explain_target *t, enum explain_trial trial,
		    struct tcpstat_error *err)
{
	struct sockaddr_storage ss;
	socklen_t len = target_sockaddr(t, &ss);
	int fd = trial_socket(ns_fd, t->family, err);
	int rc = 0;

	if (fd < 0)
		return fd;
	if (trial == EXPLAIN_REUSEADDR || trial == EXPLAIN_BOTH)
		rc = set_flag(fd, SO_REUSEADDR, "SO_REUSEADDR", err);
	if (rc == 0 && (trial == EXPLAIN_REUSEPORT || trial == EXPLAIN_BOTH))
		rc = set_flag(fd, SO_REUSEPORT, "SO_REUSEPORT", err);
	/* Never listen(): a bound socket that is closed leaves nothing behind. */
	if (rc == 0 && bind(fd, (struct sockaddr *)&ss, len) < 0)
		rc = errno;
	close(fd);
	return rc;
}

int explain_try_bind(const struct explain_target *t, enum explain_trial trial,
		     struct tcpstat_error *err)
{
	return try_bind(-1, t, trial, err);
}

int explain_try_binds(const struct explain_target *t, int errnums[EXPLAIN_NTRIALS],
		      struct tcpstat_error *err)
{
	return explain_try_binds_in(-1, t, errnums, err);
}

int explain_try_binds_in(int ns_fd, const struct explain_target *t,
			 int errnums[EXPLAIN_NTRIALS], struct tcpstat_error *err)
{
	for (int i = 0; i < EXPLAIN_NTRIALS; i++) {
		int rc = try_bind(ns_fd, t, (enum explain_trial)i, err);

		if (rc < 0)
			return rc;
		errnums[i] = rc;
	}
	/*
	 * A SO_REUSEPORT bind that succeeds next to other sockets on the port
	 * leaves the port's bind bucket marked for the SO_REUSEPORT fast path,
	 * which the kernel does not undo at close while those sockets stay.
	 * A later SO_REUSEPORT bind of [::] then passes an IPV6_V6ONLY [::]
	 * listener it should conflict with (seen on 6.18 after a trial of
	 * 0.0.0.0). A plain bind that succeeds clears the mark, so end with one.
	 */
	if (errnums[EXPLAIN_PLAIN] == 0 &&
	    (errnums[EXPLAIN_REUSEPORT] == 0 || errnums[EXPLAIN_BOTH] == 0)) {
		int rc = try_bind(ns_fd, t, EXPLAIN_PLAIN, err);

		if (rc < 0)
			return rc;
	}
	return 0;
}

bool explain_bind_conflicts(const struct explain_target *t, const struct tcpstat_sock *s,
			    bool bindv6only)
{
	const uint8_t *t4, *s4;

	/* Binds conflict only within one network namespace: tcpstat's own. */
	if (s->local_port != t->port || s->netns != 0)
		return false;
	t4 = addr_v4_part(t->family, t->addr);
	s4 = addr_v4_part(s->family, s->local_addr);
	if (t4 && s4)
		return addr_overlap(t4, s4, 4);
	/* An IPv6 wildcard covers IPv4 too, unless IPV6_V6ONLY: unseen in s, known for t. */
	if (t4)
		return addr_is_zero(s->local_addr, 16);
	if (s4)
		return t->wildcard && !bindv6only;
	return addr_overlap(t->addr, s->local_addr, 16);
}

/* TIME_WAIT, and FIN_WAIT2 with no process left (inode 0), go on a timer. */
static bool is_timed(const struct tcpstat_sock *s)
{
	return s->state == TCPSTAT_TIME_WAIT || (s->state == TCPSTAT_FIN_WAIT2 && s->inode == 0);
}

/* How long s holds on: its timer, or tcp_fin_timeout for an orphan without one. */
static uint32_t time_left_ms(const struct tcpstat_sock *s, const struct explain_sysctl *sc)
{
	if (s->timer != TCPSTAT_TIMER_OFF)
		return s->timer_ms;
	return sc->fin_timeout_s * 1000;
}

static void count_blockers(struct explain_bind *r, const struct explain_sysctl *sc,
			   const struct tcpstat_sock *socks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tcpstat_sock *s = &socks[i];

		if (!explain_bind_conflicts(&r->target, s, sc->bindv6only))
			continue;
		r->nblockers++;
		if (s->state == TCPSTAT_LISTEN) {
			r->nlisteners++;
			if (s->uid != r->caller_uid)
				r->other_uid = s->uid;
		} else if (is_timed(s)) {
			uint32_t left = time_left_ms(s, sc);

			r->ntimed++;
			if (left > r->wait_ms)
				r->wait_ms = left;
		} else {
			r->nlive++;
		}
	}
}

/* EADDRINUSE: which of the sockets in the way explains it, if any does. */
static enum explain_case judge_in_use(const struct explain_bind *r)
{
	bool reuseaddr_ok = r->errnums[EXPLAIN_REUSEADDR] == 0;
	bool reuseport_ok = r->errnums[EXPLAIN_REUSEPORT] == 0 || r->errnums[EXPLAIN_BOTH] == 0;

	/* Nothing gets past a listener with SO_REUSEADDR: if it did, the listener is not the cause. */
	if (r->nlisteners > 0 && !reuseaddr_ok) {
		if (reuseport_ok)
			return EXPLAIN_LISTENER_REUSEPORT;
		return r->other_uid != r->caller_uid ? EXPLAIN_LISTENER_OTHER_UID : EXPLAIN_LISTENER;
	}
	if (r->ntimed + r->nlive == 0)
		return EXPLAIN_KERNEL_REFUSED;
	if (r->nlive > 0)
		return reuseaddr_ok ? EXPLAIN_CONNECTED_REUSABLE : EXPLAIN_CONNECTED_NO_REUSEADDR;
	return reuseaddr_ok ? EXPLAIN_TIMEWAIT_REUSABLE : EXPLAIN_TIMEWAIT_NO_REUSEADDR;
}

static enum explain_case judge(const struct explain_bind *r, const struct explain_sysctl *sc)
{
	bool nonlocal = r->target.family == AF_INET6 ? sc->nonlocal_bind6 : sc->nonlocal_bind4;

	switch (r->errnums[EXPLAIN_PLAIN]) {
	case 0:
		return EXPLAIN_FREE;
	case EACCES:
		return r->target.port < sc->unpriv_port_start ? EXPLAIN_PRIVILEGED_PORT
							     : EXPLAIN_KERNEL_REFUSED;
	case EADDRNOTAVAIL:
		return !r->target.wildcard && !nonlocal ? EXPLAIN_NOT_LOCAL_ADDRESS
							: EXPLAIN_KERNEL_REFUSED;
	case EADDRINUSE:
		return judge_in_use(r);
	default:
		return EXPLAIN_KERNEL_REFUSED;
	}
}

void explain_bind_judge(const struct explain_target *t, const int errnums[EXPLAIN_NTRIALS],
			const struct explain_sysctl *sc, const struct tcpstat_sock *socks,
			size_t n, uint32_t caller_uid, struct explain_bind *r)
{
	memset(r, 0, sizeof(*r));
	r->target = *t;
	memcpy(r->errnums, errnums, sizeof(r->errnums));
	r->caller_uid = caller_uid;
	r->other_uid = caller_uid;
	r->unpriv_port_start = sc->unpriv_port_start;
	count_blockers(r, sc, socks, n);
	r->kase = judge(r, sc);
	r->has_wait = r->kase == EXPLAIN_TIMEWAIT_REUSABLE || r->kase == EXPLAIN_TIMEWAIT_NO_REUSEADDR;
	if (!r->has_wait)
		r->wait_ms = 0;
}

static const char timed_holders[] = "Only TIME_WAIT (or orphaned FIN_WAIT2) sockets hold the port";
static const char live_holders[] = "Sockets that do not listen but are still open hold the port";

void explain_bind_text(const struct explain_bind *r, char *buf, size_t size)
{
	char where[64];
	int e = r->errnums[EXPLAIN_PLAIN];

	explain_format_target(&r->target, where, sizeof(where));
	switch (r->kase) {
	case EXPLAIN_FREE:
		snprintf(buf, size, r->nblockers == 0
			 ? "Nothing is in the way: a plain bind() of %s succeeds now."
			 : "A plain bind() of %s succeeds now: the sockets listed share the port but "
			   "the kernel does not count them (an IPv6 socket with IPV6_V6ONLY leaves "
			   "IPv4 free).", where);
		return;
	case EXPLAIN_PRIVILEGED_PORT:
		snprintf(buf, size, "Port %u is below net.ipv4.ip_unprivileged_port_start (%u): "
			 "binding it needs root or CAP_NET_BIND_SERVICE.",
			 r->target.port, r->unpriv_port_start);
		return;
	case EXPLAIN_NOT_LOCAL_ADDRESS:
		snprintf(buf, size, "The address of %s is not on this host (in this network "
			 "namespace) and %s.ip_nonlocal_bind is 0: bind an address the host has, "
			 "or set ip_nonlocal_bind (or IP_FREEBIND) to bind it anyway.", where,
			 r->target.family == AF_INET6 ? "net.ipv6" : "net.ipv4");
		return;
	case EXPLAIN_LISTENER:
		snprintf(buf, size, "A listening socket holds the port: it blocks every bind, even "
			 "with SO_REUSEADDR, except SO_REUSEPORT on both sides under the same uid, "
			 "and this listener did not set SO_REUSEPORT.");
		return;
	case EXPLAIN_LISTENER_OTHER_UID:
		snprintf(buf, size, "A listening socket of uid %u holds the port: it blocks every "
			 "bind, even with SO_REUSEADDR; SO_REUSEPORT on both sides shares a port only "
			 "under the same uid, and this is uid %u.", r->other_uid, r->caller_uid);
		return;
	case EXPLAIN_LISTENER_REUSEPORT:
		snprintf(buf, size, "A listening socket with SO_REUSEPORT holds the port: a plain "
			 "bind fails, but a socket with SO_REUSEPORT under the same uid joins it "
			 "(the kernel then spreads new connections over both).");
		return;
	case EXPLAIN_TIMEWAIT_REUSABLE:
	case EXPLAIN_CONNECTED_REUSABLE:
		snprintf(buf, size, "%s: they block a plain bind but not one with SO_REUSEADDR, "
			 "since the program that left them set it too.",
			 r->kase == EXPLAIN_TIMEWAIT_REUSABLE ? timed_holders : live_holders);
		return;
	case EXPLAIN_TIMEWAIT_NO_REUSEADDR:
	case EXPLAIN_CONNECTED_NO_REUSEADDR:
		snprintf(buf, size, "%s, and even SO_REUSEADDR fails: a lingering socket keeps "
			 "the setting of the program that created it, which did not set SO_REUSEADDR, "
			 "so no bind succeeds until %s.",
			 r->kase == EXPLAIN_TIMEWAIT_NO_REUSEADDR ? timed_holders : live_holders,
			 r->kase == EXPLAIN_TIMEWAIT_NO_REUSEADDR ? "they expire"
								  : "their connections close");
		return;
	case EXPLAIN_KERNEL_REFUSED:
		snprintf(buf, size, "The kernel refused a plain bind (%s %s) for a reason tcpstat "
			 "cannot see%s.", explain_errno_name(e), strerror(e),
			 e == EADDRINUSE ? ": no socket in the dump is in the way (a socket that is "
					   "bound but not listening is not in it)" : "");
		return;
	}
	snprintf(buf, size, "?");
}
