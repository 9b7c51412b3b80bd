/*
 * filter.h - the one filter every record passes through, whatever its
 * source: a small expression tree, held in an array (no pointers, so it can
 * be copied and compared). One evaluator runs it on records here; netlink/
 * compiles the part the kernel can run to inet_diag bytecode.
 */
#ifndef TCPSTAT_FILTER_H
#define TCPSTAT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstat.h"

enum filter_op {
	FILTER_TRUE,
	FILTER_FALSE,
	FILTER_AND,       /* a and b */
	FILTER_OR,        /* a or b */
	FILTER_NOT,       /* not a */
	FILTER_STATES,    /* state in u.states (1 << state bits) */
	FILTER_FAMILY,    /* family is u.family */
	FILTER_PORT,      /* port on side in u.ports */
	FILTER_PREFIX,    /* address on side in u.prefix */
	FILTER_PID,       /* held by process u.pid (needs the owners) */
	FILTER_PROGRAM,   /* held by a process named u.program (needs the owners) */
	FILTER_AUTOBOUND, /* local port in u.ports, the ephemeral range (ss's autobound) */
	FILTER_UID,       /* uid in u.num */
	FILTER_RQ,        /* Recv-Q in u.num */
	FILTER_SQ,        /* Send-Q in u.num */
	FILTER_TIMER,     /* a timer runs and its time left (ms) is in u.num */
	FILTER_INODE,     /* inode in u.num */
	FILTER_IFINDEX,   /* bound to interface u.ifindex (ADDR%IF; netlink only knows it) */
};

/* An inclusive range of a number (UID ... INODE leaves). */
struct filter_num {
	uint64_t lo, hi;
};

enum filter_side { FILTER_LOCAL, FILTER_PEER };

struct filter_node {
	uint8_t op;               /* enum filter_op */
	uint8_t side;             /* enum filter_side, for PORT and PREFIX */
	uint16_t a, b;            /* children: indices of earlier nodes */
	union {
		uint32_t states;
		uint8_t family;
		uint32_t pid;
		uint32_t ifindex;
		struct tcpstat_port_range ports;
		struct tcpstat_prefix prefix;
		char program[TCPSTAT_COMM_MAX];   /* compared on its first 15 bytes */
		struct filter_num num;
	} u;
};

/* Room for every option given TCPSTAT_MAX_FILTERS times, and then some. */
#define FILTER_MAX_NODES 1024

/* A tree: nodes[root] is the whole expression; children come before parents. */
struct filter {
	uint16_t n, root;
	struct filter_node nodes[FILTER_MAX_NODES];
};

/* An empty filter, which matches every record. */
void filter_init(struct filter *f);

/*
 * Adds a node and returns its index, or -ENOSPC when the tree is full.
 * The builders below do the same for each kind of node; children given to
 * them must be indices returned before.
 */
int filter_add(struct filter *f, const struct filter_node *node);
int filter_leaf_states(struct filter *f, uint32_t states);
int filter_leaf_family(struct filter *f, int family);
int filter_leaf_ports(struct filter *f, enum filter_side side, struct tcpstat_port_range r);
int filter_leaf_prefix(struct filter *f, enum filter_side side, const struct tcpstat_prefix *p);
int filter_leaf_pid(struct filter *f, uint32_t pid);
int filter_leaf_program(struct filter *f, const char *name);
/* op is FILTER_UID, _RQ, _SQ, _TIMER or _INODE: that number in [lo, hi]. */
int filter_leaf_num(struct filter *f, enum filter_op op, uint64_t lo, uint64_t hi);
/* The local port in the ephemeral range r (the kernel picked it). */
int filter_leaf_autobound(struct filter *f, struct tcpstat_port_range r);
int filter_leaf_ifindex(struct filter *f, uint32_t ifindex);
int filter_and(struct filter *f, int a, int b);
int filter_or(struct filter *f, int a, int b);
int filter_not(struct filter *f, int a);

/*
 * Makes node the root when the tree has none yet, else root AND node.
 * Returns 0, or -ENOSPC.
 */
int filter_require(struct filter *f, int node);

/* What is known of a record when it is judged. */
enum filter_unknown {
	FILTER_KNOW_ALL = 0,
	FILTER_NO_OWNERS = 1u << 0,   /* its owners were not looked up (yet) */
	FILTER_NO_STATE = 1u << 1,    /* its state is not the one to judge (destroy reports) */
};

/*
 * Returns whether s, held by owners (may be NULL when unknown has
 * FILTER_NO_OWNERS), matches f. Leaves that cannot be judged from what is
 * known count as matching where that can only widen the result (true
 * under an even number of NOTs, false under an odd one): the answer is
 * then "may match", and a later judgement with more known narrows it.
 * An IPv4 prefix also matches an IPv4-mapped address of an IPv6 socket,
 * as the kernel's bytecode does.
 */
bool filter_match(const struct filter *f, const struct tcpstat_sock *s,
		  const struct tcpstat_owners *owners, unsigned unknown);

/*
 * The states a matching record may be in ((1 << state) bits; for the
 * kernel's idiag_states) and whether it may be IPv4 and IPv6: a superset.
 * The states include TCPSTAT_STATEF_BOUND_INACTIVE only when a STATES
 * leaf asks for it and no branch of an OR leaves the states open.
 */
uint32_t filter_states(const struct filter *f);
bool filter_may_family(const struct filter *f, int family);

/* Whether the tree has a PID or PROGRAM leaf: the owners must be looked up. */
bool filter_needs_owners(const struct filter *f);

/* Whether the tree has an IFINDEX leaf (ADDR%IF), which /proc cannot judge. */
bool filter_needs_ifindex(const struct filter *f);

/*
 * When every match must be held by one of a few processes (the tree is
 * an AND with an OR of PID leaves in it), puts their pids in out (at most
 * max) and returns how many; else returns 0.
 */
size_t filter_required_pids(const struct filter *f, uint32_t *out, size_t max);

/* Returns whether addr (of the given family) lies in prefix p. */
bool filter_prefix_match(const struct tcpstat_prefix *p, int family, const uint8_t addr[16]);

#endif
