/*
 * explain.h - answers to "Address already in use" and "Cannot assign
 * requested address": can this port be bound now, what is in the way and
 * for how long (--bind-check), and how many local ports are left to reach
 * a destination (--connect-check).
 *
 * Everything here works on values handed in: the dumped sockets, the
 * sysctls read from a root folder, the trial binds' errnos. Only
 * explain_try_binds touches the kernel, and only with socket, setsockopt,
 * bind and close.
 */
#ifndef TCPSTAT_EXPLAIN_H
#define TCPSTAT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstat.h"

/* An address and port asked about. */
struct explain_target {
	uint8_t addr[16];        /* network byte order; IPv4 in the first 4 bytes */
	uint16_t port;           /* host byte order, 1-65535 */
	uint8_t family;          /* AF_INET or AF_INET6 */
	bool wildcard;           /* 0.0.0.0 or :: */
};

/*
 * Parses "[ADDR:]PORT" for --bind-check: "9999" (the IPv4 wildcard),
 * "127.0.0.1:9999", "[::]:9999", "[::1]:8080". With need_addr (for
 * --connect-check) the address must be there and must not be a wildcard.
 * Returns 0 with *t set, or -EINVAL with err naming the value.
 */
int explain_parse_target(const char *arg, bool need_addr, struct explain_target *t,
			 struct tcpstat_error *err);

/* Formats t as "127.0.0.1:9999" or "[::1]:9999" into buf (at least 64 bytes). */
void explain_format_target(const struct explain_target *t, char *buf, size_t size);

/*
 * The errno's symbolic name for the errors a bind can give ("EADDRINUSE",
 * "EACCES" ...), "ok" for 0, or "E?" for one not in the list.
 */
const char *explain_errno_name(int errnum);

/* The sysctls both checks read, with the kernel's defaults where a file is missing. */
struct explain_sysctl {
	uint32_t unpriv_port_start;   /* net.ipv4.ip_unprivileged_port_start (1024) */
	uint32_t fin_timeout_s;       /* net.ipv4.tcp_fin_timeout (60) */
	uint16_t port_lo, port_hi;    /* net.ipv4.ip_local_port_range (32768 60999) */
	bool nonlocal_bind4;          /* net.ipv4.ip_nonlocal_bind */
	bool nonlocal_bind6;          /* net.ipv6.ip_nonlocal_bind */
	bool bindv6only;              /* net.ipv6.bindv6only */
	uint8_t tw_reuse;             /* net.ipv4.tcp_tw_reuse: 0 off, 1 on, 2 loopback (2) */
	uint8_t reserved[65536 / 8];  /* net.ipv4.ip_local_reserved_ports, one bit a port */
};

/*
 * Reads the sysctls under root (normally "/proc/sys"; tests pass a
 * fixture folder). A missing file keeps the kernel's default (older
 * kernels lack some); a missing root is an error. Returns 0 with *sc
 * filled, or a negative errno with err naming the file when one cannot
 * be read or does not parse.
 */
int explain_read_sysctl(const char *root, struct explain_sysctl *sc, struct tcpstat_error *err);

/* Whether port is in net.ipv4.ip_local_reserved_ports. */
static inline bool explain_port_reserved(const struct explain_sysctl *sc, uint16_t port)
{
	return sc->reserved[port / 8] & (1u << (port % 8));
}

/* --bind-check */

/* The four ways a server can bind, in the order they are tried and printed. */
enum explain_trial {
	EXPLAIN_PLAIN,
	EXPLAIN_REUSEADDR,
	EXPLAIN_REUSEPORT,
	EXPLAIN_BOTH,
};
#define EXPLAIN_NTRIALS 4

/* "plain", "SO_REUSEADDR", "SO_REUSEPORT", "SO_REUSEADDR+SO_REUSEPORT". */
const char *explain_trial_name(enum explain_trial trial);

/*
 * Tries one bind of t in this network namespace as the calling user:
 * socket, the options asked for, bind, close; never listen, so nothing is
 * left behind. An IPv6 socket keeps the system's IPV6_V6ONLY default, as
 * a server that does not set it would. Returns 0 when bind succeeded,
 * the errno of the bind when it failed, or the negative errno of socket()
 * or setsockopt() with err filled (nothing was tried then).
 */
int explain_try_bind(const struct explain_target *t, enum explain_trial trial,
		     struct tcpstat_error *err);

/*
 * The four trials: sets errnums[i] to 0 or the errno of trial i, then,
 * when a SO_REUSEPORT trial succeeded, one more plain bind so the port's
 * bind bucket keeps no SO_REUSEPORT fast-path mark from the trials.
 * Returns 0, or a negative errno with err filled when a socket could not
 * be made.
 */
int explain_try_binds(const struct explain_target *t, int errnums[EXPLAIN_NTRIALS],
		      struct tcpstat_error *err);

/*
 * As explain_try_binds, in the network namespace ns_fd names (-N,
 * --netns-pid): each trial's socket is made there (base/netns.c: setns in,
 * socket(), setns back), then bound and closed from tcpstat's own, as a
 * socket keeps its namespace. ns_fd -1: tcpstat's own. Entering needs
 * CAP_SYS_ADMIN: EPERM with err filled without it.
 */
int explain_try_binds_in(int ns_fd, const struct explain_target *t,
			 int errnums[EXPLAIN_NTRIALS], struct tcpstat_error *err);

/*
 * Whether s, a dumped socket, stands in the way of binding t by Linux's
 * rules as far as a dump shows them: the same local port, and addresses
 * that overlap (the same, or either a wildcard, of the same family; or
 * across families when an IPv6 wildcard or v4-mapped address covers the
 * IPv4 one). A dump does not show IPV6_V6ONLY, so an IPv6 wildcard counts
 * as covering IPv4 (the trial then corrects it); for t itself bindv6only
 * is the socket's default.
 */
bool explain_bind_conflicts(const struct explain_target *t, const struct tcpstat_sock *s,
			    bool bindv6only);

/* Why a plain bind fails, or that it does not. */
enum explain_case {
	EXPLAIN_FREE,                   /* a plain bind succeeds now */
	EXPLAIN_PRIVILEGED_PORT,        /* EACCES below ip_unprivileged_port_start */
	EXPLAIN_NOT_LOCAL_ADDRESS,      /* EADDRNOTAVAIL, ip_nonlocal_bind off */
	EXPLAIN_LISTENER,               /* a listener, and SO_REUSEPORT does not help */
	EXPLAIN_LISTENER_OTHER_UID,     /* likewise, and the listener is another uid's */
	EXPLAIN_LISTENER_REUSEPORT,     /* a listener, but SO_REUSEPORT joins it */
	EXPLAIN_TIMEWAIT_REUSABLE,      /* only TIME_WAIT/orphan FIN_WAIT2; SO_REUSEADDR ok */
	EXPLAIN_TIMEWAIT_NO_REUSEADDR,  /* likewise, but their creator lacked SO_REUSEADDR */
	EXPLAIN_CONNECTED_REUSABLE,     /* live non-listening sockets; SO_REUSEADDR ok */
	EXPLAIN_CONNECTED_NO_REUSEADDR, /* likewise, their creator lacked SO_REUSEADDR */
	EXPLAIN_KERNEL_REFUSED,         /* the trial failed for a reason the dump cannot show */
};
#define EXPLAIN_NCASES 11

/* The case's name for output and JSON: "free", "listener", "timewait-reusable" ... */
const char *explain_case_name(enum explain_case c);

/* What --bind-check found. */
struct explain_bind {
	struct explain_target target;
	int errnums[EXPLAIN_NTRIALS];  /* 0: ok; else the errno of that trial */
	enum explain_case kase;
	uint32_t caller_uid;
	uint32_t other_uid;      /* LISTENER_OTHER_UID: the listener's uid */
	size_t nblockers;        /* sockets explain_bind_conflicts accepts */
	size_t nlisteners;       /* of those, LISTEN */
	size_t ntimed;           /* TIME_WAIT, or orphaned FIN_WAIT2: they expire */
	size_t nlive;            /* other non-listening sockets: they do not */
	bool has_wait;           /* only timed sockets block a plain bind */
	uint32_t wait_ms;        /* then: until the last of them expires */
	uint32_t unpriv_port_start;
};

/*
 * Judges t from the trials' errnos, the sysctls and the n dumped sockets
 * (any states, any ports: those not in the way are skipped), as
 * caller_uid. The trial wins where it and the rules disagree. Fills *r.
 */
void explain_bind_judge(const struct explain_target *t, const int errnums[EXPLAIN_NTRIALS],
			const struct explain_sysctl *sc, const struct tcpstat_sock *socks,
			size_t n, uint32_t caller_uid, struct explain_bind *r);

/* Whether a plain bind would succeed now: the exit status is 0 then, else 1. */
static inline bool explain_bind_ok(const struct explain_bind *r)
{
	return r->errnums[EXPLAIN_PLAIN] == 0;
}

/*
 * The explanation, one or two sentences, into buf (512 bytes are always
 * enough; the text is cut, NUL-terminated, when size is smaller).
 */
void explain_bind_text(const struct explain_bind *r, char *buf, size_t size);

/* --connect-check */

/* What --connect-check found for one destination. */
struct explain_connect {
	struct explain_target dest;
	uint16_t port_lo, port_hi;   /* net.ipv4.ip_local_port_range */
	uint32_t range;              /* ports in it */
	uint32_t reserved;           /* of those, in ip_local_reserved_ports */
	uint32_t budget;             /* range - reserved */
	uint32_t towards;            /* sockets towards dest from a port in the budget */
	uint32_t by_state[TCPSTAT_STATE_MAX + 1];   /* those, by state */
	uint32_t tw_usable;          /* TIME_WAIT among them the kernel may reuse */
	uint32_t held;               /* budget ports held by a listener */
	uint32_t unusable;           /* budget ports connect() cannot pick for dest */
	uint32_t remaining;          /* budget - unusable */
	uint8_t tw_reuse;            /* net.ipv4.tcp_tw_reuse */
	bool tw_reuse_applies;       /* tw_reuse lets dest's TIME_WAIT be reused */
};

/*
 * Computes the ephemeral port budget towards dest from the sysctls and the
 * n dumped sockets; nothing is tried (a trial connect sends traffic). A
 * budget port is unusable when a socket on it already goes to dest (a
 * TIME_WAIT one only where tw_reuse does not let the kernel reuse it), or
 * when a listener holds it (the dump cannot tell other explicit binds
 * from connect()'s own). The local address is not compared: connect()
 * picks it by route, and this assumes one. Fills *r.
 */
void explain_connect_judge(const struct explain_target *dest, const struct explain_sysctl *sc,
			   const struct tcpstat_sock *socks, size_t n, struct explain_connect *r);

/* Whether connect() would find a local port now: exit status 0, else 1. */
static inline bool explain_connect_ok(const struct explain_connect *r)
{
	return r->remaining > 0;
}

/* What tcp_tw_reuse's value means: "off", "on", "loopback only", or "unknown". */
const char *explain_tw_reuse_name(uint8_t tw_reuse);

/*
 * The verdict and, when the budget is short (exhausted, or under a tenth
 * left), what helps, into buf (512 bytes are always enough).
 */
void explain_connect_text(const struct explain_connect *r, char *buf, size_t size);

#endif
