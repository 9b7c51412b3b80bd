/*
 * bytecode.c - compile what the kernel can run of a filter tree to
 * inet_diag bytecode, so that sockets that do not match never leave the
 * kernel.
 *
 * Each op is a conditional jump: on match the kernel advances `yes` bytes,
 * otherwise `no` bytes; a socket passes when execution ends exactly at the
 * end of the program and fails when it jumps 4 bytes past it.
 * inet_diag_bc_audit() also wants every `no` to land on an op that the
 * chain of `yes` jumps from the start reaches. So every `yes` here is the
 * op's own length (a match falls through), and the layout does the logic:
 *
 *   AND(a, b):  a b                 (either failing jumps to the AND's "false")
 *   OR(a, b):   a JMP->end b end    (a failing jumps to b; a matching skips b)
 *   NOT(a):     a JMP->false t:     (a failing jumps to t, past the JMP)
 *
 * ORs and ANDs nested in their own kind are flattened, so a list of n
 * entries is n atoms and n-1 JMPs to its end.
 *
 * Leaves the kernel cannot judge (states, families: the request carries
 * those; owners; uid, queues, timers, inodes) are replaced by what can only widen the result: true, or
 * false under a NOT. tcpstat runs the whole tree on every record anyway.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "filter.h"
#include "netlink.h"

/* Jump targets: the program's end (pass), past it (reject), or a label. */
#define LABEL_REJECT 0
#define MAX_LABELS 1024
#define MAX_FIXUPS 2048

struct bc {
	uint8_t *buf;
	size_t cap, len;
	bool full;
	const struct filter *f;
	size_t label_at[MAX_LABELS];     /* where each label was placed */
	unsigned n_labels;
	struct { size_t op; unsigned label; } fixups[MAX_FIXUPS];
	unsigned n_fixups;
};

/* What a subtree is once leaves the kernel cannot judge are replaced. */
enum shape { SHAPE_FALSE, SHAPE_TRUE, SHAPE_CODE };

static enum shape shape_of(const struct filter *f, uint16_t i, bool widen)
{
	const struct filter_node *n = &f->nodes[i];
	enum shape a, b;

	switch ((enum filter_op)n->op) {
	case FILTER_TRUE:
		return SHAPE_TRUE;
	case FILTER_FALSE:
		return SHAPE_FALSE;
	case FILTER_PORT:
	case FILTER_PREFIX:
	case FILTER_AUTOBOUND:
		return SHAPE_CODE;
	case FILTER_AND:
		a = shape_of(f, n->a, widen);
		b = shape_of(f, n->b, widen);
		if (a == SHAPE_FALSE || b == SHAPE_FALSE)
			return SHAPE_FALSE;
		return a == SHAPE_TRUE && b == SHAPE_TRUE ? SHAPE_TRUE : SHAPE_CODE;
	case FILTER_OR:
		a = shape_of(f, n->a, widen);
		b = shape_of(f, n->b, widen);
		if (a == SHAPE_TRUE || b == SHAPE_TRUE)
			return SHAPE_TRUE;
		return a == SHAPE_FALSE && b == SHAPE_FALSE ? SHAPE_FALSE : SHAPE_CODE;
	case FILTER_NOT:
		a = shape_of(f, n->a, !widen);
		return a == SHAPE_CODE ? SHAPE_CODE : a == SHAPE_TRUE ? SHAPE_FALSE : SHAPE_TRUE;
	default:
		return widen ? SHAPE_TRUE : SHAPE_FALSE;
	}
}

static unsigned new_label(struct bc *b)
{
	if (b->n_labels == MAX_LABELS) {
		b->full = true;
		return LABEL_REJECT;
	}
	return b->n_labels++;
}

static void place(struct bc *b, unsigned label)
{
	b->label_at[label] = b->len;
}

static void put_bytes(struct bc *b, const void *p, size_t n)
{
	if (b->full || b->cap - b->len < n) {
		b->full = true;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

/* An op whose `no` goes to label (filled in at the end). */
static void put_op(struct bc *b, uint8_t code, uint8_t yes, unsigned label)
{
	struct inet_diag_bc_op op = { .code = code, .yes = yes };

	if (b->n_fixups == MAX_FIXUPS) {
		b->full = true;
		return;
	}
	b->fixups[b->n_fixups].op = b->len;
	b->fixups[b->n_fixups++].label = label;
	put_bytes(b, &op, sizeof(op));
}

/* A NOP carrying a port in its `no`, the argument of the op before it. */
static void put_port_arg(struct bc *b, uint16_t port)
{
	struct inet_diag_bc_op op = { .code = INET_DIAG_BC_NOP, .yes = 0, .no = port };

	put_bytes(b, &op, sizeof(op));
}

static void put_ports(struct bc *b, const struct filter_node *n, unsigned fail)
{
	bool local = n->side == FILTER_LOCAL;

	put_op(b, local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, 8, fail);
	put_port_arg(b, n->u.ports.lo);
	put_op(b, local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, 8, fail);
	put_port_arg(b, n->u.ports.hi);
}

static void put_prefix(struct bc *b, const struct filter_node *n, unsigned fail)
{
	const struct tcpstat_prefix *p = &n->u.prefix;
	size_t addr_len = p->family == AF_INET ? 4 : 16;
	struct inet_diag_hostcond cond;
	size_t size = sizeof(struct inet_diag_bc_op) + sizeof(cond) + addr_len;

	/* Padding included: every byte sent to the kernel is set. */
	memset(&cond, 0, sizeof(cond));
	cond.family = p->family;
	cond.prefix_len = p->len;
	cond.port = -1;
	put_op(b, n->side == FILTER_LOCAL ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND,
	       (uint8_t)size, fail);
	put_bytes(b, &cond, sizeof(cond));
	put_bytes(b, p->addr, addr_len);
}

static void gen(struct bc *b, uint16_t i, unsigned fail, bool widen);

/* The children of a run of same-kind nodes, in order, into out. */
static unsigned flatten(const struct filter *f, uint16_t i, enum filter_op op, uint16_t *out,
			unsigned n, unsigned max)
{
	const struct filter_node *node = &f->nodes[i];

	if (node->op != op) {
		if (n < max)
			out[n] = i;
		return n + 1;
	}
	n = flatten(f, node->a, op, out, n, max);
	return flatten(f, node->b, op, out, n, max);
}

#define MAX_RUN 256

static void gen_or(struct bc *b, uint16_t i, unsigned fail, bool widen)
{
	uint16_t kids[MAX_RUN];
	unsigned n = flatten(b->f, i, FILTER_OR, kids, 0, MAX_RUN), last = 0;
	unsigned end = new_label(b);

	if (n > MAX_RUN) {
		b->full = true;
		return;
	}
	/* Children that are false here add nothing; none is true (else no code). */
	for (unsigned k = 0; k < n; k++)
		if (shape_of(b->f, kids[k], widen) == SHAPE_CODE)
			last = k;
	for (unsigned k = 0; k < n; k++) {
		unsigned next;

		if (shape_of(b->f, kids[k], widen) != SHAPE_CODE)
			continue;
		if (k == last) {
			gen(b, kids[k], fail, widen);
			break;
		}
		next = new_label(b);
		gen(b, kids[k], next, widen);
		put_op(b, INET_DIAG_BC_JMP, 4, end);
		place(b, next);
	}
	place(b, end);
}

static void gen(struct bc *b, uint16_t i, unsigned fail, bool widen)
{
	const struct filter_node *n = &b->f->nodes[i];
	enum shape s = shape_of(b->f, i, widen);
	unsigned past;

	if (s == SHAPE_TRUE)
		return;
	if (s == SHAPE_FALSE) {
		put_op(b, INET_DIAG_BC_JMP, 4, fail);
		return;
	}
	switch ((enum filter_op)n->op) {
	case FILTER_AND:
		gen(b, n->a, fail, widen);
		gen(b, n->b, fail, widen);
		break;
	case FILTER_OR:
		gen_or(b, i, fail, widen);
		break;
	case FILTER_NOT:
		past = new_label(b);
		gen(b, n->a, past, !widen);
		put_op(b, INET_DIAG_BC_JMP, 4, fail);
		place(b, past);
		break;
	case FILTER_PORT:
	case FILTER_AUTOBOUND:
		/*
		 * autobound is judged as ss judges it in user space: the local
		 * port in the ephemeral range, which /proc can tell too. The
		 * kernel's INET_DIAG_BC_AUTO (no SOCK_BINDPORT_LOCK) is another
		 * question that /proc cannot answer, so the backends would differ.
		 */
		put_ports(b, n, fail);
		break;
	case FILTER_PREFIX:
		put_prefix(b, n, fail);
		break;
	default:
		break;   /* shape_of made every other leaf TRUE or FALSE */
	}
}

/* Every `no` from its op to its label; the reject label is past the end. */
static void resolve(struct bc *b)
{
	for (unsigned k = 0; k < b->n_fixups && !b->full; k++) {
		size_t at = b->fixups[k].op;
		unsigned label = b->fixups[k].label;
		size_t target = label == LABEL_REJECT ? b->len + 4 : b->label_at[label];
		struct inet_diag_bc_op op;

		memcpy(&op, b->buf + at, sizeof(op));
		op.no = (uint16_t)(target - at);
		memcpy(b->buf + at, &op, sizeof(op));
	}
}

int nl_bytecode_build(uint8_t *buf, size_t len, const struct filter *f)
{
	/* Offsets are 16 bits: keep the whole program (and its reject) below that. */
	struct bc b = { .buf = buf, .cap = len < 0xfff0 ? len : 0xfff0, .f = f, .n_labels = 1 };

	gen(&b, f->root, LABEL_REJECT, true);
	resolve(&b);
	if (b.full)
		return -1;
	return (int)b.len;
}
