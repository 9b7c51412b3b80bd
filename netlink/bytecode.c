/*
 * bytecode.c - compile a query's port and address filters to inet_diag
 * bytecode, so that sockets that do not match never leave the kernel.
 *
 * Each op is a conditional jump: on match the kernel advances `yes` bytes,
 * otherwise `no` bytes; a socket passes when execution ends exactly at the
 * end of the program and fails when it jumps 4 bytes past it.
 * inet_diag_bc_audit() also wants every `no` to land on an op that the
 * chain of `yes` jumps from the start reaches, which is why each
 * alternative below ends in a JMP rather than jumping over its neighbours.
 *
 * The program is an AND of groups (one per filter list), each an OR of
 * atoms (one port range on one side, or one address prefix on one side):
 *
 *   atom1 JMP atom2 JMP ... atomN | next group ...
 *
 * A failing op of atom i jumps to atom i+1 (past its JMP); a match falls
 * through to the JMP, which goes to the next group. A failing op of the
 * last atom rejects.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "netlink.h"

/* At most two failing ops per atom, two atoms per --port entry. */
#define MAX_FAIL_OPS 2
#define MAX_GROUP_ATOMS (2 * TCPSTAT_MAX_FILTERS)
#define MAX_GROUPS 5

struct bc {
	uint8_t *buf;
	size_t cap, len;
	bool full;
	/* Ops of last atoms: their `no` rejects, known once the program ends. */
	size_t reject_ops[MAX_GROUPS * MAX_FAIL_OPS];
	unsigned n_reject;
};

/* The failing ops of the atom just emitted. */
struct atom {
	size_t fail[MAX_FAIL_OPS];
	unsigned n_fail;
};

static size_t put_op(struct bc *b, uint8_t code, uint8_t yes, uint16_t no)
{
	size_t at = b->len;
	struct inet_diag_bc_op op = { .code = code, .yes = yes, .no = no };

	if (b->full || b->cap - b->len < sizeof(op)) {
		b->full = true;
		return at;
	}
	memcpy(b->buf + b->len, &op, sizeof(op));
	b->len += sizeof(op);
	return at;
}

static void set_no(struct bc *b, size_t at, size_t target)
{
	struct inet_diag_bc_op op;

	if (b->full)
		return;
	memcpy(&op, b->buf + at, sizeof(op));
	op.no = (uint16_t)(target - at);
	memcpy(b->buf + at, &op, sizeof(op));
}

/* side_src: local port (S_*) rather than peer port (D_*). */
static void put_port_range(struct bc *b, bool side_src,
			   const struct tcpstat_port_range *r, struct atom *a)
{
	a->n_fail = 2;
	a->fail[0] = put_op(b, side_src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE, 8, 0);
	put_op(b, INET_DIAG_BC_NOP, 0, r->lo);
	a->fail[1] = put_op(b, side_src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE, 8, 0);
	put_op(b, INET_DIAG_BC_NOP, 0, r->hi);
}

static void put_prefix(struct bc *b, bool side_src, const struct tcpstat_prefix *p,
		       struct atom *a)
{
	size_t addr_len = p->family == AF_INET ? 4 : 16;
	struct inet_diag_hostcond cond;
	size_t size = sizeof(struct inet_diag_bc_op) + sizeof(cond) + addr_len;

	/* Padding included: every byte sent to the kernel is set. */
	memset(&cond, 0, sizeof(cond));
	cond.family = p->family;
	cond.prefix_len = p->len;
	cond.port = -1;

	a->n_fail = 1;
	a->fail[0] = put_op(b, side_src ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND,
			    (uint8_t)size, 0);
	if (b->full || b->cap - b->len < sizeof(cond) + addr_len) {
		b->full = true;
		return;
	}
	memcpy(b->buf + b->len, &cond, sizeof(cond));
	memcpy(b->buf + b->len + sizeof(cond), p->addr, addr_len);
	b->len += sizeof(cond) + addr_len;
}

/* The atoms of one group, described so that one loop can emit any group. */
enum atom_kind { ATOM_PORT_EITHER, ATOM_PORT, ATOM_PREFIX };

struct group {
	enum atom_kind kind;
	bool side_src;
	unsigned n;
	const struct tcpstat_port_range *ports;
	const struct tcpstat_prefix *prefixes;
};

/* Atom i of group g; a port on either side is two atoms (local, peer). */
static void put_atom(struct bc *b, const struct group *g, unsigned i, struct atom *a)
{
	switch (g->kind) {
	case ATOM_PORT_EITHER:
		put_port_range(b, i % 2 == 0, &g->ports[i / 2], a);
		break;
	case ATOM_PORT:
		put_port_range(b, g->side_src, &g->ports[i], a);
		break;
	case ATOM_PREFIX:
		put_prefix(b, g->side_src, &g->prefixes[i], a);
		break;
	}
}

static void put_group(struct bc *b, const struct group *g)
{
	unsigned n_atoms = g->kind == ATOM_PORT_EITHER ? 2 * g->n : g->n;
	size_t jmps[MAX_GROUP_ATOMS];
	unsigned n_jmps = 0;

	for (unsigned i = 0; i < n_atoms; i++) {
		struct atom a = { .n_fail = 0 };

		put_atom(b, g, i, &a);
		if (i + 1 == n_atoms) {
			for (unsigned f = 0; f < a.n_fail; f++)
				b->reject_ops[b->n_reject++] = a.fail[f];
			break;
		}
		/* Failing here tries the next atom, just past this JMP. */
		for (unsigned f = 0; f < a.n_fail; f++)
			set_no(b, a.fail[f], b->len + sizeof(struct inet_diag_bc_op));
		jmps[n_jmps++] = put_op(b, INET_DIAG_BC_JMP, 4, 0);
	}
	for (unsigned j = 0; j < n_jmps; j++)
		set_no(b, jmps[j], b->len);
}

int nl_bytecode_build(uint8_t *buf, size_t len, const struct tcpstat_query *q)
{
	const struct group groups[MAX_GROUPS] = {
		{ .kind = ATOM_PORT_EITHER, .n = q->n_port, .ports = q->port },
		{ .kind = ATOM_PORT, .side_src = true, .n = q->n_sport, .ports = q->sport },
		{ .kind = ATOM_PORT, .side_src = false, .n = q->n_dport, .ports = q->dport },
		{ .kind = ATOM_PREFIX, .side_src = true, .n = q->n_src, .prefixes = q->src },
		{ .kind = ATOM_PREFIX, .side_src = false, .n = q->n_dst, .prefixes = q->dst },
	};
	/* Offsets are 16 bits: keep the whole program (and its reject) below that. */
	struct bc b = { .buf = buf, .cap = len < 0xfff0 ? len : 0xfff0 };

	for (unsigned g = 0; g < MAX_GROUPS; g++) {
		if (groups[g].n > TCPSTAT_MAX_FILTERS)
			return -1;
		if (groups[g].n > 0)
			put_group(&b, &groups[g]);
	}
	if (b.full)
		return -1;
	for (unsigned r = 0; r < b.n_reject; r++)
		set_no(&b, b.reject_ops[r], b.len + sizeof(struct inet_diag_bc_op));
	return (int)b.len;
}
