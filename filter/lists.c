/* lists.c - see lists.h. */
#include <sys/socket.h>

#include "lists.h"

void filter_lists_init(struct filter_lists *l)
{
	*l = (struct filter_lists){ .states = TCPSTAT_STATES_ALL, .ipv4 = true, .ipv6 = true };
}

/* a OR b, where a < 0 means "nothing yet". */
static int or_onto(struct filter *f, int a, int b)
{
	return a < 0 || b < 0 ? b : filter_or(f, a, b);
}

static int ports_group(struct filter *f, const struct tcpstat_port_range *r, unsigned n,
		       bool local, bool peer)
{
	int g = -1;

	for (unsigned i = 0; i < n; i++) {
		if (local)
			g = or_onto(f, g, filter_leaf_ports(f, FILTER_LOCAL, r[i]));
		if (peer)
			g = or_onto(f, g, filter_leaf_ports(f, FILTER_PEER, r[i]));
	}
	return g;
}

/* a AND b, where b < 0 means "nothing to add". */
static int and_onto(struct filter *f, int a, int b)
{
	return a < 0 || b < 0 ? a : filter_and(f, a, b);
}

/* Each address entry, with its port and interface when given: all must match. */
static int prefix_group(struct filter *f, const struct tcpstat_prefix *p,
			const struct tcpstat_port_range *ports, const uint32_t *ifs, unsigned n,
			enum filter_side side)
{
	int g = -1;

	for (unsigned i = 0; i < n; i++) {
		int e = filter_leaf_prefix(f, side, &p[i]);

		if (ports[i].lo != 0)
			e = and_onto(f, e, filter_leaf_ports(f, side, ports[i]));
		if (ifs[i] != 0)
			e = and_onto(f, e, filter_leaf_ifindex(f, ifs[i]));
		g = or_onto(f, g, e);
	}
	return g;
}

static int owner_group(struct filter *f, const struct filter_lists *l, bool pids)
{
	int g = -1;

	for (unsigned i = 0; i < (pids ? l->n_pid : l->n_program); i++)
		g = or_onto(f, g, pids ? filter_leaf_pid(f, l->pid[i])
				       : filter_leaf_program(f, l->program[i]));
	return g;
}

/* Requires group g when the list had entries (n > 0). */
static int require(struct filter *f, unsigned n, int g)
{
	return n == 0 ? 0 : filter_require(f, g);
}

int filter_from_lists(struct filter *f, const struct filter_lists *l)
{
	int rc = 0;

	filter_init(f);
	if (l->ipv4 != l->ipv6)
		rc = filter_require(f, filter_leaf_family(f, l->ipv4 ? AF_INET : AF_INET6));
	else if (!l->ipv4)
		rc = filter_require(f, filter_add(f, &(struct filter_node){ .op = FILTER_FALSE }));
	/* Exactly "all" (no -s) lets a state tcpstat has no name for through, as before. */
	if (rc == 0 && l->states != TCPSTAT_STATES_ALL)
		rc = filter_require(f, filter_leaf_states(f, l->states));
	if (rc == 0)
		rc = require(f, l->n_port, ports_group(f, l->port, l->n_port, true, true));
	if (rc == 0)
		rc = require(f, l->n_sport, ports_group(f, l->sport, l->n_sport, true, false));
	if (rc == 0)
		rc = require(f, l->n_dport, ports_group(f, l->dport, l->n_dport, false, true));
	if (rc == 0)
		rc = require(f, l->n_src, prefix_group(f, l->src, l->src_port, l->src_if, l->n_src,
						     FILTER_LOCAL));
	if (rc == 0)
		rc = require(f, l->n_dst, prefix_group(f, l->dst, l->dst_port, l->dst_if, l->n_dst,
						     FILTER_PEER));
	if (rc == 0)
		rc = require(f, l->n_pid, owner_group(f, l, true));
	if (rc == 0)
		rc = require(f, l->n_program, owner_group(f, l, false));
	return rc < 0 ? rc : 0;
}
