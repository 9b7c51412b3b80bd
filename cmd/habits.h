/*
 * habits.h - what fingers trained on netstat and ss type: letter clusters
 * such as "-tanp", port lists and service names ("22,ssh", ss's ":9999"),
 * and an address with its port in one ("127.0.0.1:9999", "[::1]:9999",
 * "fe80::1%veth0"). Parsers only: they fill values or return an error
 * naming the bad one, and never print.
 */
#ifndef TCPSTAT_CMD_HABITS_H
#define TCPSTAT_CMD_HABITS_H

#include <stdbool.h>

#include "tcpstat.h"

/*
 * Whether word is one cluster of short options in netstat's habit: '-',
 * letters only, ending in 'p', with at least one of netstat's letters t, n
 * or a before it ("-tanp", "-tlnp", "-np"), where netstat's -p means
 * processes.
 */
bool habits_netstat_cluster(const char *word);

/*
 * Parses a comma list of ports, ranges and service names ("22,9000-9999,
 * ssh"; each may start with ss's ':'), appending each to list (*n entries
 * so far, at most max). Returns 0, or -EINVAL with err->msg naming the bad
 * entry (option names the option in "too many" messages).
 */
int habits_port_list(const char *arg, const char *option, struct tcpstat_port_range *list,
		     unsigned *n, unsigned max, struct tcpstat_error *err);

/* Whether arg parses as habits_port_list would take it (nothing is kept). */
bool habits_is_port_list(const char *arg);

/* An address filter with what may come with it. */
struct habits_endpoint {
	struct tcpstat_prefix prefix;
	struct tcpstat_port_range port;   /* lo 0: any port */
	uint32_t ifindex;                 /* 0: any interface */
};

/*
 * Parses ADDR[/PREFIX][%IF][:PORT] for --src and --dst: IPv6 in brackets
 * when a port follows ("[::1]:9999", "[fe80::1%veth0]:7024"), IF an
 * interface name or number. Returns 0, or -EINVAL with err->msg naming
 * the bad part.
 */
int habits_endpoint(const char *arg, struct habits_endpoint *out, struct tcpstat_error *err);

#endif
