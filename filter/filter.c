/*
 * filter.c - the tree, its builders and its evaluator. With netlink the
 * kernel has already applied what it can of the same tree; running all of
 * it again costs a few comparisons a record and keeps the two backends'
 * output identical by construction.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"

void filter_init(struct filter *f)
{
	f->n = 1;
	f->root = 0;
	memset(&f->nodes[0], 0, sizeof(f->nodes[0]));
	f->nodes[0].op = FILTER_TRUE;
}

int filter_add(struct filter *f, const struct filter_node *node)
{
	if (f->n >= FILTER_MAX_NODES)
		return -ENOSPC;
	f->nodes[f->n] = *node;
	return f->n++;
}

static int add_leaf(struct filter *f, struct filter_node *n, enum filter_op op)
{
	n->op = (uint8_t)op;
	return filter_add(f, n);
}

int filter_leaf_states(struct filter *f, uint32_t states)
{
	struct filter_node n = { .u.states = states };

	return add_leaf(f, &n, FILTER_STATES);
}

int filter_leaf_family(struct filter *f, int family)
{
	struct filter_node n = { .u.family = (uint8_t)family };

	return add_leaf(f, &n, FILTER_FAMILY);
}

int filter_leaf_ports(struct filter *f, enum filter_side side, struct tcpstat_port_range r)
{
	struct filter_node n = { .side = (uint8_t)side, .u.ports = r };

	return add_leaf(f, &n, FILTER_PORT);
}

int filter_leaf_prefix(struct filter *f, enum filter_side side, const struct tcpstat_prefix *p)
{
	struct filter_node n = { .side = (uint8_t)side, .u.prefix = *p };

	return add_leaf(f, &n, FILTER_PREFIX);
}

int filter_leaf_ifindex(struct filter *f, uint32_t ifindex)
{
	struct filter_node n = { .u.ifindex = ifindex };

	return add_leaf(f, &n, FILTER_IFINDEX);
}

int filter_leaf_pid(struct filter *f, uint32_t pid)
{
	struct filter_node n = { .u.pid = pid };

	return add_leaf(f, &n, FILTER_PID);
}

int filter_leaf_program(struct filter *f, const char *name)
{
	struct filter_node n = { 0 };

	/* comm keeps 15 bytes of a name: compare no more than that. */
	strncpy(n.u.program, name, sizeof(n.u.program) - 1);
	return add_leaf(f, &n, FILTER_PROGRAM);
}

int filter_leaf_num(struct filter *f, enum filter_op op, uint64_t lo, uint64_t hi)
{
	struct filter_node n = { .u.num = { lo, hi } };

	return add_leaf(f, &n, op);
}

int filter_leaf_autobound(struct filter *f, struct tcpstat_port_range r)
{
	struct filter_node n = { .side = FILTER_LOCAL, .u.ports = r };

	return add_leaf(f, &n, FILTER_AUTOBOUND);
}

static int add_inner(struct filter *f, enum filter_op op, int a, int b)
{
	struct filter_node n = { .op = (uint8_t)op };

	if (a < 0)
		return a;
	if (b < 0)
		return b;
	n.a = (uint16_t)a;
	n.b = (uint16_t)b;
	return filter_add(f, &n);
}

int filter_and(struct filter *f, int a, int b)
{
	return add_inner(f, FILTER_AND, a, b);
}

int filter_or(struct filter *f, int a, int b)
{
	return add_inner(f, FILTER_OR, a, b);
}

int filter_not(struct filter *f, int a)
{
	return add_inner(f, FILTER_NOT, a, a);
}

int filter_require(struct filter *f, int node)
{
	int root;

	if (node < 0)
		return node;
	root = f->nodes[f->root].op == FILTER_TRUE ? node : filter_and(f, f->root, node);
	if (root < 0)
		return root;
	f->root = (uint16_t)root;
	return 0;
}

static bool bits_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool filter_prefix_match(const struct tcpstat_prefix *p, int family, const uint8_t addr[16])
{
	if (p->family == family)
		return bits_match(addr, p->addr, p->len);
	if (p->family == AF_INET && family == AF_INET6 &&
	    memcmp(addr, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0)
		return bits_match(addr + 12, p->addr, p->len);
	return false;
}

static bool owned_by_pid(const struct tcpstat_owners *o, uint32_t pid)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->list[i].pid == pid)
			return true;
	return false;
}

static bool owned_by_program(const struct tcpstat_owners *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strncmp(o->list[i].comm, name, TCPSTAT_COMM_MAX - 1) == 0)
			return true;
	return false;
}

/* One evaluation: the record and what is known of it. */
struct judge {
	const struct filter *f;
	const struct tcpstat_sock *s;
	const struct tcpstat_owners *owners;
	unsigned unknown;
};

static bool in_range(const struct tcpstat_port_range *r, uint16_t port)
{
	return port >= r->lo && port <= r->hi;
}

static bool in_num(const struct filter_num *r, uint64_t v)
{
	return v >= r->lo && v <= r->hi;
}

/* widen: what an unknown leaf counts as, so the answer can only widen. */
static bool eval(const struct judge *j, uint16_t i, bool widen)
{
	const struct filter_node *n = &j->f->nodes[i];
	const struct tcpstat_sock *s = j->s;
	bool local = n->side == FILTER_LOCAL;

	switch ((enum filter_op)n->op) {
	case FILTER_TRUE:
		return true;
	case FILTER_FALSE:
		return false;
	case FILTER_AND:
		return eval(j, n->a, widen) && eval(j, n->b, widen);
	case FILTER_OR:
		return eval(j, n->a, widen) || eval(j, n->b, widen);
	case FILTER_NOT:
		return !eval(j, n->a, !widen);
	case FILTER_STATES:
		if (j->unknown & FILTER_NO_STATE)
			return widen;
		return s->state <= TCPSTAT_STATE_MAX && (n->u.states & (1u << s->state));
	case FILTER_FAMILY:
		return s->family == n->u.family;
	case FILTER_PORT:
		return in_range(&n->u.ports, local ? s->local_port : s->peer_port);
	case FILTER_PREFIX:
		return filter_prefix_match(&n->u.prefix, s->family,
					   local ? s->local_addr : s->peer_addr);
	case FILTER_IFINDEX:
		/* Only netlink reports the interface; /proc's records have none. */
		return s->ifindex == n->u.ifindex;
	case FILTER_PID:
		if (j->unknown & FILTER_NO_OWNERS)
			return widen;
		return owned_by_pid(j->owners, n->u.pid);
	case FILTER_PROGRAM:
		if (j->unknown & FILTER_NO_OWNERS)
			return widen;
		return owned_by_program(j->owners, n->u.program);
	case FILTER_AUTOBOUND:
		return in_range(&n->u.ports, s->local_port);
	case FILTER_UID:
		return in_num(&n->u.num, s->uid);
	case FILTER_RQ:
		return in_num(&n->u.num, s->recv_q);
	case FILTER_SQ:
		return in_num(&n->u.num, s->send_q);
	case FILTER_TIMER:
		/* No timer running: no time left to compare. */
		return s->timer != TCPSTAT_TIMER_OFF && in_num(&n->u.num, s->timer_ms);
	case FILTER_INODE:
		return in_num(&n->u.num, s->inode);
	}
	return false;
}

bool filter_match(const struct filter *f, const struct tcpstat_sock *s,
		  const struct tcpstat_owners *owners, unsigned unknown)
{
	static const struct tcpstat_owners none = { NULL, 0 };

	/* Families other than the two are never listed, whatever the tree says. */
	if (s->family != AF_INET && s->family != AF_INET6)
		return false;
	/* No filter at all, the common case: no walk (and no judge to set up). */
	if (f->nodes[f->root].op == FILTER_TRUE)
		return true;

	struct judge j = { f, s, owners ? owners : &none, unknown };

	return eval(&j, f->root, true);
}

/* The kernel's state bits a STATES leaf may ask for: the states, and bound-inactive. */
#define STATES_ASKABLE (TCPSTAT_STATES_ALL | TCPSTAT_STATEF_BOUND_INACTIVE)

/*
 * The states a match may be in, by node; widen as in eval. UINT32_MAX:
 * not narrowed at all, so that a bound-inactive bit a STATES leaf asks
 * for survives an AND with the other leaves.
 */
static uint32_t states_of(const struct filter *f, uint16_t i)
{
	const struct filter_node *n = &f->nodes[i];

	switch ((enum filter_op)n->op) {
	case FILTER_FALSE:
		return 0;
	case FILTER_AND:
		return states_of(f, n->a) & states_of(f, n->b);
	case FILTER_OR:
		return states_of(f, n->a) | states_of(f, n->b);
	case FILTER_STATES:
		return n->u.states & STATES_ASKABLE;
	default:
		/* NOT and the other leaves do not narrow the states (a superset). */
		return UINT32_MAX;
	}
}

uint32_t filter_states(const struct filter *f)
{
	uint32_t states = states_of(f, f->root);

	/* Bound-inactive only where a leaf asked for it: it costs a walk of the bind table. */
	return states == UINT32_MAX ? TCPSTAT_STATES_ALL : states;
}

static bool may_family(const struct filter *f, uint16_t i, int family)
{
	const struct filter_node *n = &f->nodes[i];

	switch ((enum filter_op)n->op) {
	case FILTER_FALSE:
		return false;
	case FILTER_AND:
		return may_family(f, n->a, family) && may_family(f, n->b, family);
	case FILTER_OR:
		return may_family(f, n->a, family) || may_family(f, n->b, family);
	case FILTER_FAMILY:
		return n->u.family == family;
	default:
		return true;
	}
}

bool filter_may_family(const struct filter *f, int family)
{
	return may_family(f, f->root, family);
}

bool filter_needs_owners(const struct filter *f)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->nodes[i].op == FILTER_PID || f->nodes[i].op == FILTER_PROGRAM)
			return true;
	return false;
}

bool filter_needs_ifindex(const struct filter *f)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->nodes[i].op == FILTER_IFINDEX)
			return true;
	return false;
}

/* The pids of an OR of PID leaves at i, or 0 if it is anything else. */
static size_t pid_group(const struct filter *f, uint16_t i, uint32_t *out, size_t n, size_t max)
{
	const struct filter_node *node = &f->nodes[i];
	size_t got;

	if (node->op == FILTER_PID) {
		if (n >= max)
			return 0;
		out[n] = node->u.pid;
		return n + 1;
	}
	if (node->op != FILTER_OR)
		return 0;
	got = pid_group(f, node->a, out, n, max);
	return got ? pid_group(f, node->b, out, got, max) : 0;
}

static size_t required_pids(const struct filter *f, uint16_t i, uint32_t *out, size_t max)
{
	const struct filter_node *node = &f->nodes[i];
	size_t n;

	if (node->op != FILTER_AND)
		return pid_group(f, i, out, 0, max);
	n = required_pids(f, node->a, out, max);
	return n ? n : required_pids(f, node->b, out, max);
}

size_t filter_required_pids(const struct filter *f, uint32_t *out, size_t max)
{
	return required_pids(f, f->root, out, max);
}
