/*
 * filter.c - user-space filtering, the same for both backends. With netlink
 * the kernel has already applied the same conditions; running them again
 * costs a few comparisons a record and keeps the two backends' output
 * identical by construction.
 */
#include <string.h>
#include <sys/socket.h>

#include "filter.h"

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

static bool in_ranges(const struct tcpstat_port_range *r, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++)
		if (port >= r[i].lo && port <= r[i].hi)
			return true;
	return false;
}

static bool in_prefixes(const struct tcpstat_prefix *p, unsigned n, int family,
			const uint8_t addr[16])
{
	for (unsigned i = 0; i < n; i++)
		if (filter_prefix_match(&p[i], family, addr))
			return true;
	return false;
}

bool filter_match(const struct tcpstat_query *q, const struct tcpstat_sock *s)
{
	if (s->family == AF_INET ? !q->ipv4 : s->family == AF_INET6 ? !q->ipv6 : true)
		return false;
	if (q->states != TCPSTAT_STATES_ALL &&
	    (s->state > TCPSTAT_STATE_MAX || !(q->states & (1u << s->state))))
		return false;
	if (q->n_port && !in_ranges(q->port, q->n_port, s->local_port) &&
	    !in_ranges(q->port, q->n_port, s->peer_port))
		return false;
	if (q->n_sport && !in_ranges(q->sport, q->n_sport, s->local_port))
		return false;
	if (q->n_dport && !in_ranges(q->dport, q->n_dport, s->peer_port))
		return false;
	if (q->n_src && !in_prefixes(q->src, q->n_src, s->family, s->local_addr))
		return false;
	if (q->n_dst && !in_prefixes(q->dst, q->n_dst, s->family, s->peer_addr))
		return false;
	return true;
}
