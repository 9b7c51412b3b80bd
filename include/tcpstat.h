/*
 * tcpstat.h - the record type shared by the backends, the filter and the output.
 *
 * One record type, struct tcpstat_sock, flows from a backend (netlink/ or
 * procfs/) through one filter (filter/) to one output format (out/).
 * It holds no pointers, so it can be copied with = and compared in tests.
 */
#ifndef TCPSTAT_H
#define TCPSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

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
/*
 * A state bit that is only asked for, never reported (kernel >= 6.8,
 * TCP_BOUND_INACTIVE; older kernels ignore the bit): sockets bound to a
 * port but neither listening nor connected, which come back as CLOSE.
 * --bind-check asks for it; "all" does not include it.
 */
#define TCPSTAT_STATEF_BOUND_INACTIVE (1u << 13)

/* Timer kinds, as /proc's "tr" column and inet_diag's idiag_timer give them. */
enum tcpstat_timer {
	TCPSTAT_TIMER_OFF = 0,
	TCPSTAT_TIMER_ON = 1,        /* retransmit, loss probe, SYN-ACK */
	TCPSTAT_TIMER_KEEPALIVE = 2,
	TCPSTAT_TIMER_TIMEWAIT = 3,
	TCPSTAT_TIMER_PROBE = 4,     /* zero-window probe */
	TCPSTAT_TIMER_DELACK = 5,    /* inet_diag only, kernels from 2026 */
};

/* Which optional parts of a record were filled (struct tcpstat_sock.present). */
enum tcpstat_present {
	TCPSTAT_HAS_KERNEL_ID = 1u << 0,   /* cookie and ifindex (netlink only) */
	TCPSTAT_HAS_INFO = 1u << 1,        /* info: tcp_info and/or the congestion name (-i) */
	TCPSTAT_HAS_MEMORY = 1u << 2,      /* mem: the socket's memory (-m) */
	/* The next wave adds its bits here. */
};

/*
 * The 32-bit fields of tcp_info (INET_DIAG_INFO, -i) kept in a record, in
 * the kernel's units: times in microseconds (RTT .. ATO) or milliseconds
 * (LAST_*), sizes in bytes, counts in segments.
 */
enum tcpstat_info32 {
	TCPSTAT_I_RTT, TCPSTAT_I_RTTVAR, TCPSTAT_I_MIN_RTT, TCPSTAT_I_RTO, TCPSTAT_I_ATO,
	TCPSTAT_I_MSS, TCPSTAT_I_RCV_MSS, TCPSTAT_I_ADVMSS, TCPSTAT_I_PMTU,
	TCPSTAT_I_CWND, TCPSTAT_I_SSTHRESH, TCPSTAT_I_REORDERING,
	TCPSTAT_I_SEGS_IN, TCPSTAT_I_SEGS_OUT, TCPSTAT_I_DATA_SEGS_IN, TCPSTAT_I_DATA_SEGS_OUT,
	TCPSTAT_I_RETRANS, TCPSTAT_I_TOTAL_RETRANS, TCPSTAT_I_LOST, TCPSTAT_I_SACKED,
	TCPSTAT_I_UNACKED, TCPSTAT_I_NOTSENT,
	TCPSTAT_I_LAST_SEND, TCPSTAT_I_LAST_RECV, TCPSTAT_I_LAST_ACK,
	TCPSTAT_I_SND_WSCALE, TCPSTAT_I_RCV_WSCALE, TCPSTAT_I_OPTIONS, TCPSTAT_I_APP_LIMITED,
	TCPSTAT_I32_COUNT,
};

/* The 64-bit ones: bytes, rates in bytes per second, times in microseconds. */
enum tcpstat_info64 {
	TCPSTAT_I_BYTES_SENT, TCPSTAT_I_BYTES_ACKED, TCPSTAT_I_BYTES_RECEIVED,
	TCPSTAT_I_BYTES_RETRANS, TCPSTAT_I_DELIVERY_RATE, TCPSTAT_I_PACING_RATE,
	TCPSTAT_I_BUSY, TCPSTAT_I_RWND_LIMITED, TCPSTAT_I_SNDBUF_LIMITED,
	TCPSTAT_I64_COUNT,
};

/* struct tcpstat_info.have: bit i for u32[i], bit 32 + i for u64[i], and the name. */
#define TCPSTAT_HAVE_I32(i) (1ull << (i))
#define TCPSTAT_HAVE_I64(i) (1ull << (32 + (i)))
#define TCPSTAT_HAVE_CONG (1ull << 63)

#define TCPSTAT_CONG_MAX 16   /* TCP_CA_NAME_MAX, with its NUL */

/*
 * What tcp_info said. A field is there only when the kernel's tcp_info
 * reached it (an older kernel sends a shorter one): its bit in have.
 */
struct tcpstat_info {
	uint64_t u64[TCPSTAT_I64_COUNT];
	uint64_t have;
	uint32_t u32[TCPSTAT_I32_COUNT];
	uint32_t len;                 /* bytes of tcp_info the kernel sent; 0: none */
	char cong[TCPSTAT_CONG_MAX];  /* congestion control (INET_DIAG_CONG), NUL-ended */
};

/* INET_DIAG_SKMEMINFO, in the kernel's order (SK_MEMINFO_*), bytes but drops. */
enum tcpstat_mem_field {
	TCPSTAT_M_RMEM_ALLOC, TCPSTAT_M_RCVBUF, TCPSTAT_M_WMEM_ALLOC, TCPSTAT_M_SNDBUF,
	TCPSTAT_M_FWD_ALLOC, TCPSTAT_M_WMEM_QUEUED, TCPSTAT_M_OPTMEM, TCPSTAT_M_BACKLOG,
	TCPSTAT_M_DROPS,
	TCPSTAT_M_COUNT,
};

struct tcpstat_mem {
	uint32_t v[TCPSTAT_M_COUNT];
	uint32_t n;                   /* how many of v the kernel sent */
};

/*
 * One socket. Fields are ordered by size so the struct has no padding and
 * every byte is set, which lets tests compare records with memcmp.
 */
struct tcpstat_sock {
	uint64_t inode;          /* 0 for TIME_WAIT, request and orphan sockets */
	uint64_t cookie;         /* the kernel's socket id (idiag_cookie), for SOCK_DESTROY */
	uint64_t netns;          /* the network namespace's inode; 0: tcpstat's own */
	uint8_t local_addr[16];  /* network byte order; IPv4 in the first 4 bytes */
	uint8_t peer_addr[16];
	uint32_t recv_q;         /* LISTEN: accept queue length */
	uint32_t send_q;         /* LISTEN: backlog (netlink), 0 (/proc) */
	uint32_t uid;
	uint32_t timer_ms;       /* time left on the timer, milliseconds */
	uint32_t retrans;        /* netstat -o's second timer field */
	uint32_t probes;         /* netstat -o's third timer field */
	uint32_t ifindex;        /* interface bound to (idiag_if); 0: none */
	uint32_t present;        /* enum tcpstat_present bits */
	uint16_t local_port;     /* host byte order; 0 means unbound ("*") */
	uint16_t peer_port;
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t state;           /* enum tcpstat_state; other values print "?" */
	uint8_t timer;           /* enum tcpstat_timer */
	uint8_t reserved;        /* keeps the struct free of padding */
	struct tcpstat_info info;    /* TCPSTAT_HAS_INFO; else all zero */
	struct tcpstat_mem mem;      /* TCPSTAT_HAS_MEMORY; else all zero */
};

/* comm as the kernel keeps it: 15 bytes and a NUL (TASK_COMM_LEN). */
#define TCPSTAT_COMM_MAX 16

/* A process holding a socket (-P), as the owner lookup finds it. */
struct tcpstat_owner {
	uint64_t inode;
	uint32_t pid;
	char comm[TCPSTAT_COMM_MAX];
};

/* The processes holding one socket, sorted by pid; n 0: none, or not visible. */
struct tcpstat_owners {
	const struct tcpstat_owner *list;
	size_t n;
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
 * Called once per socket. The record is borrowed for the call only. A
 * non-zero return stops the dump, and the dump function returns it unchanged.
 */
typedef int tcpstat_emit_fn(const struct tcpstat_sock *sock, void *arg);

struct filter;   /* filter/filter.h */

/*
 * Every backend's dump: list the sockets the filter may match (a backend
 * may filter early, as the kernel does for netlink, but need not: dump/
 * runs the whole filter on every record), calling emit for each. Returns 0
 * when done, emit's non-zero value when it stopped the dump, or a negative
 * errno with err filled in.
 */
typedef int tcpstat_dump_fn(const struct filter *f, tcpstat_emit_fn *emit, void *arg,
			    struct tcpstat_error *err);

#endif
