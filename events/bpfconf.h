/*
 * bpfconf.h - the filter tree as the eBPF program runs it (tcpstates.h's
 * struct tcps_config). Pure, so it is unit-tested without a kernel.
 */
#ifndef TCPSTAT_EVENTS_BPFCONF_H
#define TCPSTAT_EVENTS_BPFCONF_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "filter.h"
#include "tcpstates.h"

/*
 * Fills cfg from f for the sockets of network namespace netns (an inode).
 * What the kernel cannot judge is widened: a PID or PROGRAM leaf becomes
 * true under an even number of NOTs and false under an odd one, and a tree
 * of more than TCPS_MAX_NODES nodes lets everything through (n_nodes 0);
 * userspace judges every event again. Returns whether the kernel filters.
 */
bool bpfconf_build(const struct filter *f, uint64_t netns, struct tcps_config *cfg);

/*
 * The kernel program's verdict on one node tree, for tests: whether a
 * socket of family with the given endpoints matches cfg in state.
 */
bool bpfconf_eval(const struct tcps_config *cfg, const struct tcpstat_sock *s);

#endif
