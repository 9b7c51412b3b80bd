/* filter.h - the one filter every record passes through, whatever its source. */
#ifndef TCPSTAT_FILTER_H
#define TCPSTAT_FILTER_H

#include "tcpstat.h"

/*
 * Returns whether s matches q: its family is asked for, its state is in
 * q->states (any state when that is TCPSTAT_STATES_ALL), and it matches
 * one entry of each non-empty port and address list. An IPv4 prefix also
 * matches an IPv4-mapped address of an IPv6 socket, as the kernel's
 * bytecode does.
 */
bool filter_match(const struct tcpstat_query *q, const struct tcpstat_sock *s);

/* Returns whether addr (of the given family) lies in prefix p. */
bool filter_prefix_match(const struct tcpstat_prefix *p, int family, const uint8_t addr[16]);

#endif
