/*
 * tcpstat.h - the record and query types shared by the backends and the CLI.
 *
 * One record type, struct tcpstat_sock, flows from a backend (netlink/ or
 * procfs/) through one filter (cmd/filter.c) to one printer (cmd/print.c).
 * It holds no pointers, so it can be copied with = and compared in tests.
 */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP states as the kernel numbers them (include/net/tcp_states.h). */
enum tcpstat_state {
	TCPSTAT_ESTABLISHED = 1,
	TCPSTAT_SYN_SENT = 2,
	TCPSTAT_SYN_RECV = 3,
	TCPSTAT_FIN_WAIT1 = 4,
	TCPSTAT_FIN_WAIT2 = 5,
	TCPSTAT_TIME_WAIT = 6,
	TCPSTAT_CLOSE = 7,
	TCPSTAT_CLOSE_WAIT = 8,
	TCPSTAT_LAST_ACK = 9,
	TCPSTAT_LISTEN = 10,
	TCPSTAT_CLOSING = 11,
};
#define TCPSTAT_STATE_MAX 11
/* Bit (1 << state) for every state above: what "all" means. */
#define TCPSTAT_STATES_ALL 0xffeu

/* Timer kinds, as /proc's "tr" column and inet_diag's idiag_timer give them. */
enum tcpstat_timer {
	TCPSTAT_TIMER_OFF = 0,
	TCPSTAT_TIMER_ON = 1,        /* retransmit, loss probe, SYN-ACK */
	TCPSTAT_TIMER_KEEPALIVE = 2,
	TCPSTAT_TIMER_TIMEWAIT = 3,
	TCPSTAT_TIMER_PROBE = 4,     /* zero-window probe */
	TCPSTAT_TIMER_DELACK = 5,    /* inet_diag only, kernels from 2026 */
};

struct tcpstat_sock {
	uint64_t inode;          /* 0 for TIME_WAIT, request and orphan sockets */
	uint8_t local_addr[16];  /* network byte order; IPv4 in the first 4 bytes */
	uint8_t peer_addr[16];
	uint32_t recv_q;         /* LISTEN: accept queue length */
	uint32_t send_q;         /* LISTEN: backlog (netlink), 0 (/proc) */
	uint32_t uid;
	uint32_t timer_ms;       /* time left on the timer, milliseconds */
	uint32_t retrans;        /* netstat -o's second timer field */
	uint32_t probes;         /* netstat -o's third timer field */
	uint16_t local_port;     /* host byte order; 0 means unbound ("*") */
	uint16_t peer_port;
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t state;           /* enum tcpstat_state; other values print "?" */
	uint8_t timer;           /* enum tcpstat_timer */
	uint8_t reserved;        /* keeps the struct free of padding */
};

/* Filter limits: each list is repeatable on the command line up to this. */
#define TCPSTAT_MAX_FILTERS 32

struct tcpstat_port_range {
	uint16_t lo, hi;         /* inclusive, 1 <= lo <= hi */
};

struct tcpstat_prefix {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t len;             /* prefix length in bits */
	uint8_t addr[16];        /* network byte order, bits past len zero */
};

/*
 * What to list. Within one list any entry may match; the lists combine with
 * AND. The backends may use it to filter early (netlink asks the kernel to);
 * cmd/filter.c applies all of it to every record either way.
 */
struct tcpstat_query {
	uint32_t states;         /* (1 << state) bits; TCPSTAT_STATES_ALL: any */
	bool ipv4, ipv6;         /* families to list */
	unsigned n_port, n_sport, n_dport, n_src, n_dst;
	struct tcpstat_port_range port[TCPSTAT_MAX_FILTERS];  /* either side */
	struct tcpstat_port_range sport[TCPSTAT_MAX_FILTERS];
	struct tcpstat_port_range dport[TCPSTAT_MAX_FILTERS];
	struct tcpstat_prefix src[TCPSTAT_MAX_FILTERS];
	struct tcpstat_prefix dst[TCPSTAT_MAX_FILTERS];
};

/* An error as a value: errnum (an errno value, or 0) and what failed. */
struct tcpstat_error {
	int errnum;
	char msg[192];
};

/*
 * Called once per socket. The record is borrowed for the call only. A
 * non-zero return stops the dump, and the dump function returns it unchanged.
 */
typedef int tcpstat_emit_fn(const struct tcpstat_sock *sock, void *arg);

/*
 * Every backend's dump: list the sockets of q's families, calling emit for
 * each. Returns 0 when done, emit's non-zero value when it stopped the dump,
 * or a negative errno with err filled in.
 */
typedef int tcpstat_dump_fn(const struct tcpstat_query *q, tcpstat_emit_fn *emit,
			    void *arg, struct tcpstat_error *err);

#endif
