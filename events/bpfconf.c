/*
 * bpfconf.c - the filter tree, translated for the eBPF program: the same
 * nodes in the same order (children before parents), with the leaves the
 * kernel cannot judge widened by the parity of the NOTs above them.
 */
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "bpfconf.h"

/* Parity marks: which parities of NOTs reach a node from the root. */
enum { EVEN = 1, ODD = 2 };

/* Marks every node below root with the parities it is reached under. */
static void mark(const struct filter *f, uint8_t *seen)
{
	/* Parents come after children: one walk down from the root's index. */
	seen[f->root] = EVEN;
	for (int i = f->root; i >= 0; i--) {
		const struct filter_node *n = &f->nodes[i];
		uint8_t p = seen[i];

		if (!p)
			continue;
		if (n->op == FILTER_NOT)
			seen[n->a] |= (uint8_t)(((p & EVEN) ? ODD : 0) | ((p & ODD) ? EVEN : 0));
		if (n->op == FILTER_AND || n->op == FILTER_OR) {
			seen[n->a] |= p;
			seen[n->b] |= p;
		}
	}
}

static void prefix_masks(const struct tcpstat_prefix *p, struct tcps_node *k)
{
	uint8_t mask[16] = { 0 };

	for (unsigned bit = 0; bit < p->len && bit < 128; bit++)
		mask[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	memcpy(k->mask, mask, sizeof(k->mask));
	memcpy(k->addr, p->addr, sizeof(k->addr));
	for (int w = 0; w < 4; w++)
		k->addr[w] &= k->mask[w];
}

/* One node; returns false when a leaf reached under both parities cannot be widened. */
static bool translate(const struct filter_node *n, uint8_t parity, struct tcps_node *k)
{
	memset(k, 0, sizeof(*k));
	k->op = n->op;
	k->side = n->side;
	k->a = n->a;
	k->b = n->b;
	switch (n->op) {
	case FILTER_STATES:
		k->states = n->u.states;
		break;
	case FILTER_FAMILY:
		k->family = n->u.family;
		break;
	case FILTER_PORT:
		k->lo = n->u.ports.lo;
		k->hi = n->u.ports.hi;
		break;
	case FILTER_AUTOBOUND:
		/* The local port in the ephemeral range: a PORT leaf, exactly. */
		k->op = TCPS_PORT;
		k->side = FILTER_LOCAL;
		k->lo = n->u.ports.lo;
		k->hi = n->u.ports.hi;
		break;
	case FILTER_PREFIX:
		k->family = n->u.prefix.family;
		prefix_masks(&n->u.prefix, k);
		break;
	case FILTER_PID:
	case FILTER_PROGRAM:
	case FILTER_UID:
	case FILTER_RQ:
	case FILTER_SQ:
	case FILTER_TIMER:
	case FILTER_INODE:
	case FILTER_IFINDEX:
		/* Not in the state-change event: widened, and judged again in tcpstat. */
		if (parity == (EVEN | ODD))
			return false;
		k->op = parity == ODD ? TCPS_FALSE : TCPS_TRUE;
		break;
	default:
		break;
	}
	return true;
}

bool bpfconf_build(const struct filter *f, uint64_t netns, struct tcps_config *cfg)
{
	uint8_t seen[FILTER_MAX_NODES] = { 0 };

	memset(cfg, 0, sizeof(*cfg));
	cfg->netns = netns;
	if (f->n == 0 || f->n > TCPS_MAX_NODES)
		return false;
	mark(f, seen);
	for (uint16_t i = 0; i < f->n; i++) {
		if (!translate(&f->nodes[i], seen[i], &cfg->nodes[i])) {
			memset(cfg->nodes, 0, sizeof(cfg->nodes));
			return false;
		}
	}
	cfg->root = f->root;
	cfg->n_nodes = f->n;
	return true;
}

static bool prefix_match(const struct tcps_node *n, const struct tcpstat_sock *s)
{
	uint32_t a[4];

	memcpy(a, n->side ? s->peer_addr : s->local_addr, sizeof(a));
	if (n->family == AF_INET) {
		if (s->family == AF_INET6) {
			if (a[0] || a[1] || a[2] != htonl(0xffff))
				return false;
			a[0] = a[3];
		}
		return (a[0] & n->mask[0]) == n->addr[0];
	}
	if (s->family != AF_INET6)
		return false;
	for (int w = 0; w < 4; w++)
		if ((a[w] & n->mask[w]) != n->addr[w])
			return false;
	return true;
}

/* As tcpstates.bpf.c's eval_node, on one state. */
bool bpfconf_eval(const struct tcps_config *cfg, const struct tcpstat_sock *s)
{
	uint64_t in = 0;

	if (cfg->n_nodes == 0)
		return true;
	for (uint32_t i = 0; i < cfg->n_nodes && i < TCPS_MAX_NODES; i++) {
		const struct tcps_node *n = &cfg->nodes[i];
		uint16_t port = n->side ? s->peer_port : s->local_port;
		bool v = false;

		switch (n->op) {
		case TCPS_TRUE: v = true; break;
		case TCPS_AND: v = (in >> (n->a & 63) & 1) && (in >> (n->b & 63) & 1); break;
		case TCPS_OR: v = (in >> (n->a & 63) & 1) || (in >> (n->b & 63) & 1); break;
		case TCPS_NOT: v = !(in >> (n->a & 63) & 1); break;
		case TCPS_STATES: v = (n->states >> (s->state & 31)) & 1; break;
		case TCPS_FAMILY: v = s->family == n->family; break;
		case TCPS_PORT: v = port >= n->lo && port <= n->hi; break;
		case TCPS_PREFIX: v = prefix_match(n, s); break;
		default: break;
		}
		in |= (uint64_t)v << i;
	}
	return (in >> (cfg->root & 63)) & 1;
}
