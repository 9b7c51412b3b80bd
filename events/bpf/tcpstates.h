/*
 * tcpstates.h - what the eBPF program (tcpstates.bpf.c) and its loader
 * (../bpf.c) share: the filter the kernel runs, the event record, the
 * counters. Plain fixed-size types only, so both compilers lay them out
 * alike.
 */
#ifndef TCPSTAT_EVENTS_TCPSTATES_H
#define TCPSTAT_EVENTS_TCPSTATES_H

/* Filter nodes the kernel evaluates; a larger tree passes everything (n 0). */
#define TCPS_MAX_NODES 64   /* a power of two: the program masks indices with it */

/* The filter's ops the kernel knows; their numbers are enum filter_op's. */
enum tcps_op {
	TCPS_TRUE = 0, TCPS_FALSE = 1, TCPS_AND = 2, TCPS_OR = 3, TCPS_NOT = 4,
	TCPS_STATES = 5, TCPS_FAMILY = 6, TCPS_PORT = 7, TCPS_PREFIX = 8,
};

/* One node: children a and b come before it, as in struct filter. */
struct tcps_node {
	__u8 op;            /* enum tcps_op */
	__u8 side;          /* 0 local, 1 peer */
	__u8 family;        /* FAMILY, PREFIX */
	__u8 pad;
	__u16 a, b;
	__u16 lo, hi;       /* PORT, inclusive */
	__u32 states;       /* STATES: 1 << state bits */
	__u32 addr[4];      /* PREFIX: network order, masked */
	__u32 mask[4];      /* PREFIX: the prefix length as masks */
};

/* The program's one configuration, in an array map of one entry. */
struct tcps_config {
	__u64 netns;        /* the network namespace's inode: only its sockets; 0: all */
	__u32 n_nodes;      /* 0: no kernel filter, everything passes */
	__u32 root;
	__u32 owners;       /* keep each socket's owner (-P, --pid, --program) */
	__u32 pad;
	__u64 tw_timer_fn;  /* tw_timer_handler's address: TIME_WAIT timers' events; 0: none */
	struct tcps_node nodes[TCPS_MAX_NODES];
};

/*
 * A socket's owner, kept by its cookie: the task that connected it (at
 * CLOSE -> SYN_SENT, which runs in connect()) or made it listen, that
 * accepted it (at accept()'s return), or, for sockets older than tcpstat, the
 * first holder the loader found in /proc. Gone with the socket's CLOSE.
 */
struct tcps_owner {
	__u32 pid;          /* tgid */
	__u32 pad;
	char comm[16];
};

/*
 * What an entry tells: a change of state, or one of a minisocket's timer
 * (TIME_WAIT, or FIN_WAIT2 after close()), which is its whole life: armed
 * when it replaces its socket (before that socket's OLD -> CLOSE) and when
 * renewed, stopped when it is killed (by a RST, reuse, its namespace's
 * end) and just before it expires, expiring at its end.
 */
enum tcps_kind {
	TCPS_CHANGE = 0,
	TCPS_TW_ARM = 1,
	TCPS_TW_STOP = 2,
	TCPS_TW_EXPIRE = 3,
};

/* One state change or minisocket timer event, as the ring buffer carries it. */
struct tcps_event {
	__u64 time_ns;      /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 skaddr;       /* the socket, as an identity only */
	__u64 in_state_ns;  /* time in old_state; valid when known */
	__u32 pid;          /* the task running at the change (tgid) */
	__u16 sport, dport; /* host order */
	__u8 family, old_state, new_state, known;
	__u8 saddr[16], daddr[16];
	char comm[16];
	__u64 cookie;       /* the kernel's socket cookie (as sock_diag's) */
	__u32 netns;        /* the socket's network namespace's inode */
	__u32 has_owner;    /* owner is set (cfg.owners, and one is known) */
	struct tcps_owner owner;
	__u32 kind;         /* enum tcps_kind; a timer's: old_state = new_state = its substate */
	__u32 pad2;
};

/* The per-CPU counters (an array map): what -v reports. */
enum tcps_counter {
	TCPS_SENT = 0,        /* entries put in the ring buffer */
	TCPS_LOST = 1,        /* entries the full ring buffer refused */
	TCPS_FILTERED = 2,    /* changes the kernel filter turned away */
	TCPS_N_COUNTERS = 3,
};

#endif
