/*
 * lists.h - the selection options as the command line gives them (within
 * one list any entry may match; the lists combine with AND), turned into
 * a filter tree.
 */
#ifndef TCPSTAT_FILTER_LISTS_H
#define TCPSTAT_FILTER_LISTS_H

#include "filter.h"

struct filter_lists {
	uint32_t states;         /* (1 << state) bits; TCPSTAT_STATES_ALL: any */
	bool ipv4, ipv6;         /* families to list */
	unsigned n_port, n_sport, n_dport, n_src, n_dst, n_pid, n_program;
	struct tcpstat_port_range port[TCPSTAT_MAX_FILTERS];  /* either side */
	struct tcpstat_port_range sport[TCPSTAT_MAX_FILTERS];
	struct tcpstat_port_range dport[TCPSTAT_MAX_FILTERS];
	struct tcpstat_prefix src[TCPSTAT_MAX_FILTERS];
	struct tcpstat_prefix dst[TCPSTAT_MAX_FILTERS];
	/* What came with each src and dst entry ("ADDR%IF:PORT"): lo 0, 0: any. */
	struct tcpstat_port_range src_port[TCPSTAT_MAX_FILTERS];
	struct tcpstat_port_range dst_port[TCPSTAT_MAX_FILTERS];
	uint32_t src_if[TCPSTAT_MAX_FILTERS];
	uint32_t dst_if[TCPSTAT_MAX_FILTERS];
	uint32_t pid[TCPSTAT_MAX_FILTERS];
	const char *program[TCPSTAT_MAX_FILTERS];   /* borrowed, e.g. from argv */
};

/* Lists that select everything: both families, every state. */
void filter_lists_init(struct filter_lists *l);

/*
 * Builds into f (initialised here) the tree of l: family, states, then
 * each non-empty list as an OR of its entries, all ANDed in that order.
 * Returns 0, or -ENOSPC when the tree would not fit.
 */
int filter_from_lists(struct filter *f, const struct filter_lists *l);

#endif
