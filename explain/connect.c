/* connect.c - --connect-check: the ephemeral port budget towards one destination. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "explain.h"

/* One bit per port. */
struct portmap {
	uint8_t bits[65536 / 8];
};

static bool port_test(const struct portmap *m, uint16_t port)
{
	return m->bits[port / 8] & (1u << (port % 8));
}

/* Sets the port's bit; returns whether it was clear. */
static bool port_set(struct portmap *m, uint16_t port)
{
	bool was = port_test(m, port);

	m->bits[port / 8] |= (uint8_t)(1u << (port % 8));
	return !was;
}

const char *explain_tw_reuse_name(uint8_t tw_reuse)
{
	switch (tw_reuse) {
	case 0: return "off";
	case 1: return "on";
	case 2: return "loopback only";
	default: return "unknown";
	}
}

static bool towards(const struct tcpstat_sock *s, const struct explain_target *dest)
{
	return s->peer_port == dest->port &&
	       addr_same(s->family, s->peer_addr, dest->family, dest->addr);
}

/* Counts each socket on a budget port; marks the ports connect() cannot use. */
static void scan(struct explain_connect *r, const struct explain_sysctl *sc,
		 const struct tcpstat_sock *socks, size_t n, struct portmap *unusable)
{
	for (size_t i = 0; i < n; i++) {
		const struct tcpstat_sock *s = &socks[i];
		uint16_t p = s->local_port;

		if (s->netns != 0 || p < r->port_lo || p > r->port_hi || explain_port_reserved(sc, p))
			continue;
		if (s->state == TCPSTAT_LISTEN) {
			/* A listener's port is bound explicitly: connect() skips it for every peer. */
			if (port_set(unusable, p))
				r->held++;
			continue;
		}
		if (!towards(s, &r->dest))
			continue;
		r->towards++;
		if (s->state <= TCPSTAT_STATE_MAX)
			r->by_state[s->state]++;
		if (s->state == TCPSTAT_TIME_WAIT && r->tw_reuse_applies)
			r->tw_usable++;
		else
			port_set(unusable, p);
	}
}

void explain_connect_judge(const struct explain_target *dest, const struct explain_sysctl *sc,
			   const struct tcpstat_sock *socks, size_t n, struct explain_connect *r)
{
	static const struct portmap empty;
	struct portmap unusable = empty;

	memset(r, 0, sizeof(*r));
	r->dest = *dest;
	r->port_lo = sc->port_lo;
	r->port_hi = sc->port_hi;
	r->tw_reuse = sc->tw_reuse;
	r->tw_reuse_applies = sc->tw_reuse == 1 ||
			      (sc->tw_reuse == 2 && addr_is_loopback(dest->family, dest->addr));
	for (uint32_t p = sc->port_lo; p <= sc->port_hi; p++) {
		r->range++;
		if (explain_port_reserved(sc, (uint16_t)p))
			r->reserved++;
	}
	r->budget = r->range - r->reserved;
	scan(r, sc, socks, n, &unusable);
	for (uint32_t p = sc->port_lo; p <= sc->port_hi; p++)
		if (port_test(&unusable, (uint16_t)p))
			r->unusable++;
	r->remaining = r->budget - r->unusable;
}

/* What helps when ports run short, tw_reuse only where it would change something. */
static void hint(const struct explain_connect *r, char *buf, size_t size)
{
	const char *tw = "";

	if (r->by_state[TCPSTAT_TIME_WAIT] > r->tw_usable)
		tw = r->tw_reuse == 2 ? ", or net.ipv4.tcp_tw_reuse=1 (2 reuses TIME_WAIT ports "
					"towards loopback only)"
				      : ", or net.ipv4.tcp_tw_reuse=1 (TIME_WAIT ports are then "
					"reused for new connections)";
	snprintf(buf, size, " What helps: a wider net.ipv4.ip_local_port_range (now %u-%u), "
		 "more destination addresses or ports (each has a budget of its own)%s.",
		 r->port_lo, r->port_hi, tw);
}

void explain_connect_text(const struct explain_connect *r, char *buf, size_t size)
{
	char where[64], help[320] = "";
	uint32_t tw = r->by_state[TCPSTAT_TIME_WAIT];

	explain_format_target(&r->dest, where, sizeof(where));
	if (r->remaining == 0 || (uint64_t)r->remaining * 10 < r->budget)
		hint(r, help, sizeof(help));
	if (r->remaining == 0)
		snprintf(buf, size, "connect() to %s would fail with EADDRNOTAVAIL (Cannot assign "
			 "requested address): none of the %u local ports is free for it (%u in use "
			 "towards it, %u of them TIME_WAIT; %u held by listeners).%s",
			 where, r->budget, r->towards, tw, r->held, help);
	else
		snprintf(buf, size, "connect() to %s finds a local port now: %u of %u left (%u in "
			 "use towards it, %u of them TIME_WAIT, %u of those reusable).%s",
			 where, r->remaining, r->budget, r->towards, tw, r->tw_usable, help);
}
