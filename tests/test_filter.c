/*
 * test_filter.c - filter_match, table-driven: families, states, ports on
 * either or one side, address prefixes (byte-aligned or not, IPv4 prefixes
 * on IPv4-mapped addresses), OR within a list and AND across lists; and
 * filter_prefix_match on its own.
 *
 * Queries are built here from small specs, not through opts_parse, so a
 * parser bug cannot hide a filter bug.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "lists.h"

#define BIT(st) (1u << TCPSTAT_##st)
#define MAX_SPEC 4

/* ---- specs ---------------------------------------------------------------- */

struct range_spec {
	uint16_t lo, hi;            /* lo == 0 ends the list */
};

struct query_spec {
	uint32_t states;            /* 0: TCPSTAT_STATES_ALL */
	int family;                 /* 0: both, 4 or 6: -4 or -6 */
	struct range_spec port[MAX_SPEC], sport[MAX_SPEC], dport[MAX_SPEC];
	const char *src[MAX_SPEC], *dst[MAX_SPEC];   /* "ADDR/LEN", NULL ends */
};

struct sock_spec {
	int family;
	const char *local;
	uint16_t local_port;
	const char *peer;
	uint16_t peer_port;
	uint8_t state;              /* 0: ESTABLISHED */
};

/* "ADDR/LEN" or "ADDR" into p, with inet_pton only. Bits past LEN are kept
 * as written: filter_prefix_match must not depend on them being clear. */
static void make_prefix(struct tcpstat_prefix *p, const char *text)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);

	assert_true(len < sizeof(addr));
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, addr, p->addr) == 1) {
		p->family = AF_INET;
		p->len = 32;
	} else {
		assert_int_equal(inet_pton(AF_INET6, addr, p->addr), 1);
		p->family = AF_INET6;
		p->len = 128;
	}
	if (slash)
		p->len = (uint8_t)atoi(slash + 1);
}

static unsigned copy_ranges(struct tcpstat_port_range *out, const struct range_spec *in)
{
	unsigned n = 0;

	while (n < MAX_SPEC && in[n].lo != 0) {
		out[n].lo = in[n].lo;
		out[n].hi = in[n].hi ? in[n].hi : in[n].lo;
		n++;
	}
	return n;
}

static unsigned copy_prefixes(struct tcpstat_prefix *out, const char *const *in)
{
	unsigned n = 0;

	while (n < MAX_SPEC && in[n]) {
		make_prefix(&out[n], in[n]);
		n++;
	}
	return n;
}

static void make_query(struct filter_lists *q, const struct query_spec *spec)
{
	filter_lists_init(q);
	q->states = spec->states ? spec->states : TCPSTAT_STATES_ALL;
	q->ipv4 = spec->family != 6;
	q->ipv6 = spec->family != 4;
	q->n_port = copy_ranges(q->port, spec->port);
	q->n_sport = copy_ranges(q->sport, spec->sport);
	q->n_dport = copy_ranges(q->dport, spec->dport);
	q->n_src = copy_prefixes(q->src, spec->src);
	q->n_dst = copy_prefixes(q->dst, spec->dst);
}

static void make_sock(struct tcpstat_sock *s, const struct sock_spec *spec)
{
	int family = spec->family ? spec->family : AF_INET;

	memset(s, 0, sizeof(*s));
	s->family = (uint8_t)spec->family;
	if (spec->local)
		assert_int_equal(inet_pton(family, spec->local, s->local_addr), 1);
	if (spec->peer)
		assert_int_equal(inet_pton(family, spec->peer, s->peer_addr), 1);
	s->local_port = spec->local_port;
	s->peer_port = spec->peer_port;
	s->state = spec->state ? spec->state : TCPSTAT_ESTABLISHED;
}

/* The lists as the command line gives them, built into a tree and judged. */
static bool match_lists(const struct filter_lists *q, const struct tcpstat_sock *s)
{
	static struct filter f;

	assert_int_equal(filter_from_lists(&f, q), 0);
	return filter_match(&f, s, NULL, FILTER_KNOW_ALL);
}

struct match_case {
	const char *name;
	struct query_spec q;
	struct sock_spec s;
	bool match;
};

static void run_cases(const struct match_case *cases, size_t n)
{
	unsigned failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct filter_lists q;
		struct tcpstat_sock s;
		bool got;

		make_query(&q, &cases[i].q);
		make_sock(&s, &cases[i].s);
		got = match_lists(&q, &s);
		if (got != cases[i].match) {
			print_error("case %zu \"%s\": filter_match %s, expected %s\n", i,
				    cases[i].name, got ? "true" : "false",
				    cases[i].match ? "true" : "false");
			failed++;
		}
	}
	if (failed)
		fail_msg("%u of %zu cases failed", failed, n);
}

#define V4(l, lp, p, pp) { AF_INET, l, lp, p, pp, 0 }
#define V6(l, lp, p, pp) { AF_INET6, l, lp, p, pp, 0 }
#define LOOP4 V4("127.0.0.1", 9999, "127.0.0.1", 41234)
#define LOOP6 V6("::1", 9999, "::1", 41234)
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- families ---------------------------------------------------------------- */

static const struct match_case family_cases[] = {
	{ "both, v4", { .family = 0 }, LOOP4, true },
	{ "both, v6", { .family = 0 }, LOOP6, true },
	{ "-4, v4", { .family = 4 }, LOOP4, true },
	{ "-4, v6", { .family = 4 }, LOOP6, false },
	{ "-4, v4-mapped v6", { .family = 4 },
	  V6("::ffff:127.0.0.1", 80, "::ffff:127.0.0.1", 5000), false },
	{ "-6, v4", { .family = 6 }, LOOP4, false },
	{ "-6, v6", { .family = 6 }, LOOP6, true },
	{ "-6, v4-mapped v6", { .family = 6 },
	  V6("::ffff:127.0.0.1", 80, "::ffff:127.0.0.1", 5000), true },
	{ "both, unknown family", { .family = 0 }, { 0, NULL, 80, NULL, 0, 0 }, false },
	{ "both, AF_UNIX", { .family = 0 }, { AF_UNIX, NULL, 80, NULL, 0, 0 }, false },
};

static void test_families(void **state)
{
	(void)state;
	run_cases(family_cases, N(family_cases));
}

/* Neither family asked for: nothing matches. */
static void test_no_family(void **state)
{
	struct filter_lists q;
	struct tcpstat_sock s4, s6;
	const struct sock_spec l4 = LOOP4, l6 = LOOP6;

	(void)state;
	make_query(&q, &(struct query_spec){ 0 });
	make_sock(&s4, &l4);
	make_sock(&s6, &l6);
	q.ipv4 = q.ipv6 = false;
	assert_false(match_lists(&q, &s4));
	assert_false(match_lists(&q, &s6));
}

/* ---- states ------------------------------------------------------------------- */

#define ST(st) { AF_INET, "10.0.0.1", 80, "10.0.0.2", 5000, st }

static const struct match_case state_cases[] = {
	{ "all, ESTABLISHED", { 0 }, ST(TCPSTAT_ESTABLISHED), true },
	{ "all, LISTEN", { 0 }, ST(TCPSTAT_LISTEN), true },
	{ "all, CLOSING", { 0 }, ST(TCPSTAT_CLOSING), true },
	{ "all, unknown state 12", { 0 }, ST(12), true },
	{ "all, unknown state 255", { 0 }, ST(255), true },
	{ "LISTEN, LISTEN", { .states = BIT(LISTEN) }, ST(TCPSTAT_LISTEN), true },
	{ "LISTEN, ESTABLISHED", { .states = BIT(LISTEN) }, ST(TCPSTAT_ESTABLISHED), false },
	{ "LISTEN, TIME_WAIT", { .states = BIT(LISTEN) }, ST(TCPSTAT_TIME_WAIT), false },
	{ "LISTEN|TIME_WAIT, TIME_WAIT", { .states = BIT(LISTEN) | BIT(TIME_WAIT) },
	  ST(TCPSTAT_TIME_WAIT), true },
	{ "ESTABLISHED, ESTABLISHED", { .states = BIT(ESTABLISHED) }, ST(TCPSTAT_ESTABLISHED),
	  true },
	{ "CLOSING, CLOSING", { .states = BIT(CLOSING) }, ST(TCPSTAT_CLOSING), true },
	{ "CLOSING, LISTEN", { .states = BIT(CLOSING) }, ST(TCPSTAT_LISTEN), false },
	/* an unknown state passes only when any state is asked for */
	{ "all but LISTEN, unknown 12", { .states = TCPSTAT_STATES_ALL & ~BIT(LISTEN) },
	  ST(12), false },
	{ "LISTEN, unknown 12", { .states = BIT(LISTEN) }, ST(12), false },
	{ "all but CLOSING, unknown 255", { .states = TCPSTAT_STATES_ALL & ~BIT(CLOSING) },
	  ST(255), false },
	{ "all bits incl. 12-31, unknown 12", { .states = 0xfffffffeu }, ST(12), false },
	{ "all bits incl. 12-31, unknown 31", { .states = 0xfffffffeu }, ST(31), false },
	{ "all bits incl. 12-31, unknown 32", { .states = 0xfffffffeu }, ST(32), false },
};

static void test_states(void **state)
{
	(void)state;
	run_cases(state_cases, N(state_cases));
}

/* State 0 (no state at all) with a mask that is not "all": no match. */
static void test_state_zero(void **state)
{
	struct filter_lists q;
	struct tcpstat_sock s;
	const struct sock_spec spec = ST(TCPSTAT_ESTABLISHED);

	(void)state;
	make_query(&q, &(struct query_spec){ .states = TCPSTAT_STATES_ALL & ~BIT(LISTEN) });
	make_sock(&s, &spec);
	s.state = 0;
	assert_false(match_lists(&q, &s));
	q.states = TCPSTAT_STATES_ALL;
	assert_true(match_lists(&q, &s));
}

/* ---- ports -------------------------------------------------------------------- */

#define P(lp, pp) V4("10.0.0.1", lp, "10.0.0.2", pp)

static const struct match_case port_cases[] = {
	/* -p: either side */
	{ "-p 80, local 80", { .port = { { 80, 0 } } }, P(80, 5000), true },
	{ "-p 80, peer 80", { .port = { { 80, 0 } } }, P(5000, 80), true },
	{ "-p 80, neither", { .port = { { 80, 0 } } }, P(81, 79), false },
	{ "-p 80, unbound local", { .port = { { 80, 0 } } }, P(0, 0), false },
	/* range edges */
	{ "-p 9000-9999, lo", { .port = { { 9000, 9999 } } }, P(9000, 1), true },
	{ "-p 9000-9999, hi", { .port = { { 9000, 9999 } } }, P(9999, 1), true },
	{ "-p 9000-9999, lo-1", { .port = { { 9000, 9999 } } }, P(8999, 1), false },
	{ "-p 9000-9999, hi+1", { .port = { { 9000, 9999 } } }, P(10000, 1), false },
	{ "-p 9000-9999, peer lo", { .port = { { 9000, 9999 } } }, P(1, 9000), true },
	{ "-p 9000-9999, peer hi+1", { .port = { { 9000, 9999 } } }, P(1, 10000), false },
	{ "-p 1-65535, 65535", { .port = { { 1, 65535 } } }, P(65535, 0), true },
	{ "-p 1-65535, both 0", { .port = { { 1, 65535 } } }, P(0, 0), false },
	{ "-p 65535, 65535", { .port = { { 65535, 0 } } }, P(2, 65535), true },
	{ "-p 65535, 65534", { .port = { { 65535, 0 } } }, P(2, 65534), false },
	/* --sport: local only */
	{ "--sport 22, local 22", { .sport = { { 22, 0 } } }, P(22, 5000), true },
	{ "--sport 22, peer 22", { .sport = { { 22, 0 } } }, P(5000, 22), false },
	{ "--sport 20-22, lo-1", { .sport = { { 20, 22 } } }, P(19, 21), false },
	{ "--sport 20-22, hi+1", { .sport = { { 20, 22 } } }, P(23, 21), false },
	{ "--sport 20-22, lo", { .sport = { { 20, 22 } } }, P(20, 1), true },
	/* --dport: peer only */
	{ "--dport 443, peer 443", { .dport = { { 443, 0 } } }, P(5000, 443), true },
	{ "--dport 443, local 443", { .dport = { { 443, 0 } } }, P(443, 5000), false },
	{ "--dport 1024-65535, hi", { .dport = { { 1024, 65535 } } }, P(1, 65535), true },
	{ "--dport 1024-65535, lo-1", { .dport = { { 1024, 65535 } } }, P(1, 1023), false },
	/* entries of one list: OR */
	{ "-p 80 -p 443, 443", { .port = { { 80, 0 }, { 443, 0 } } }, P(443, 1), true },
	{ "-p 80 -p 443, 80", { .port = { { 80, 0 }, { 443, 0 } } }, P(1, 80), true },
	{ "-p 80 -p 443, 8080", { .port = { { 80, 0 }, { 443, 0 } } }, P(8080, 1), false },
	{ "--sport 22 --sport 2222, 2222", { .sport = { { 22, 0 }, { 2222, 0 } } },
	  P(2222, 1), true },
	{ "--dport 1-10 --dport 20-30 --dport 40, 25",
	  { .dport = { { 1, 10 }, { 20, 30 }, { 40, 0 } } }, P(1, 25), true },
	{ "--dport 1-10 --dport 20-30 --dport 40, 15",
	  { .dport = { { 1, 10 }, { 20, 30 }, { 40, 0 } } }, P(1, 15), false },
	/* lists: AND */
	{ "--sport 22 --dport 5000, both", { .sport = { { 22, 0 } }, .dport = { { 5000, 0 } } },
	  P(22, 5000), true },
	{ "--sport 22 --dport 5000, sport only",
	  { .sport = { { 22, 0 } }, .dport = { { 5000, 0 } } }, P(22, 5001), false },
	{ "--sport 22 --dport 5000, dport only",
	  { .sport = { { 22, 0 } }, .dport = { { 5000, 0 } } }, P(23, 5000), false },
	{ "--sport 22 --dport 5000, swapped",
	  { .sport = { { 22, 0 } }, .dport = { { 5000, 0 } } }, P(5000, 22), false },
	{ "-p 80 --sport 80, peer 80 only", { .port = { { 80, 0 } }, .sport = { { 80, 0 } } },
	  P(1, 80), false },
	{ "-p 80 --sport 80, local 80", { .port = { { 80, 0 } }, .sport = { { 80, 0 } } },
	  P(80, 1), true },
	{ "-p 80 -s LISTEN, ESTABLISHED on 80",
	  { .states = BIT(LISTEN), .port = { { 80, 0 } } }, P(80, 1), false },
	{ "-p 80 -6, v4 on 80", { .family = 6, .port = { { 80, 0 } } }, P(80, 1), false },
};

static void test_ports(void **state)
{
	(void)state;
	run_cases(port_cases, N(port_cases));
}

/* ---- addresses ------------------------------------------------------------------ */

#define SRC(a) V4(a, 1000, "192.0.2.1", 2000)
#define SRC6(a) V6(a, 1000, "2001:db8::ffff", 2000)
#define MAPPED "::ffff:127.0.0.1"

static const struct match_case addr_cases[] = {
	/* IPv4 /0, /8, /32 */
	{ "v4 /0, any", { .src = { "0.0.0.0/0" } }, SRC("203.0.113.9"), true },
	{ "v4 /0, v6 record", { .src = { "0.0.0.0/0" } }, SRC6("2001:db8::1"), false },
	{ "v4 /8, in", { .src = { "10.0.0.0/8" } }, SRC("10.255.1.2"), true },
	{ "v4 /8, first", { .src = { "10.0.0.0/8" } }, SRC("10.0.0.0"), true },
	{ "v4 /8, just below", { .src = { "10.0.0.0/8" } }, SRC("9.255.255.255"), false },
	{ "v4 /8, just above", { .src = { "10.0.0.0/8" } }, SRC("11.0.0.0"), false },
	{ "v4 /32, same", { .src = { "127.0.0.1/32" } }, SRC("127.0.0.1"), true },
	{ "v4 /32, last bit", { .src = { "127.0.0.1/32" } }, SRC("127.0.0.0"), false },
	{ "v4 bare address = /32", { .src = { "127.0.0.1" } }, SRC("127.0.0.2"), false },
	/* not byte-aligned: /20 is 172.16.32.0 - 172.16.47.255 */
	{ "v4 /20, first", { .src = { "172.16.32.0/20" } }, SRC("172.16.32.0"), true },
	{ "v4 /20, last", { .src = { "172.16.32.0/20" } }, SRC("172.16.47.255"), true },
	{ "v4 /20, below", { .src = { "172.16.32.0/20" } }, SRC("172.16.31.255"), false },
	{ "v4 /20, above", { .src = { "172.16.32.0/20" } }, SRC("172.16.48.0"), false },
	{ "v4 /1, 127.x", { .src = { "0.0.0.0/1" } }, SRC("127.255.255.255"), true },
	{ "v4 /1, 128.x", { .src = { "0.0.0.0/1" } }, SRC("128.0.0.0"), false },
	{ "v4 /31, pair", { .src = { "192.168.1.254/31" } }, SRC("192.168.1.255"), true },
	{ "v4 /31, next", { .src = { "192.168.1.254/31" } }, SRC("192.168.1.253"), false },
	/* bits past the prefix in the query are ignored */
	{ "v4 /8 written 10.1.2.3/8", { .src = { "10.1.2.3/8" } }, SRC("10.9.9.9"), true },
	/* IPv6 /128, /64, /127, /0 */
	{ "v6 /128, same", { .src = { "::1/128" } }, SRC6("::1"), true },
	{ "v6 /128, other", { .src = { "::1/128" } }, SRC6("::2"), false },
	{ "v6 /64, in", { .src = { "2001:db8:0:1::/64" } }, SRC6("2001:db8:0:1:ffff::1"),
	  true },
	{ "v6 /64, next net", { .src = { "2001:db8:0:1::/64" } }, SRC6("2001:db8:0:2::1"),
	  false },
	{ "v6 /64, previous net", { .src = { "2001:db8:0:1::/64" } },
	  SRC6("2001:db8:0:0:ffff:ffff:ffff:ffff"), false },
	{ "v6 /127, ::0", { .src = { "2001:db8::/127" } }, SRC6("2001:db8::"), true },
	{ "v6 /127, ::1", { .src = { "2001:db8::/127" } }, SRC6("2001:db8::1"), true },
	{ "v6 /127, ::2", { .src = { "2001:db8::/127" } }, SRC6("2001:db8::2"), false },
	{ "v6 /10, fe80", { .src = { "fe80::/10" } }, SRC6("febf:ffff::1"), true },
	{ "v6 /10, fec0", { .src = { "fe80::/10" } }, SRC6("fec0::1"), false },
	{ "v6 /0, any v6", { .src = { "::/0" } }, SRC6("2001:db8::1"), true },
	{ "v6 /0, v4 record", { .src = { "::/0" } }, SRC("127.0.0.1"), false },
	/* IPv4 prefixes on IPv4-mapped addresses, never the reverse */
	{ "v4 /32 on mapped", { .src = { "127.0.0.1" } }, SRC6(MAPPED), true },
	{ "v4 /8 on mapped", { .src = { "127.0.0.0/8" } }, SRC6(MAPPED), true },
	{ "v4 /8 on other mapped", { .src = { "10.0.0.0/8" } }, SRC6(MAPPED), false },
	{ "v4 /0 on mapped", { .src = { "0.0.0.0/0" } }, SRC6(MAPPED), true },
	{ "v4 /32 on v4-compatible ::127.0.0.1", { .src = { "127.0.0.1" } },
	  SRC6("::127.0.0.1"), false },
	{ "v4 /32 on ::1", { .src = { "0.0.0.1" } }, SRC6("::1"), false },
	{ "v6 mapped /128 on v4", { .src = { MAPPED } }, SRC("127.0.0.1"), false },
	{ "v6 mapped /96 on v4", { .src = { "::ffff:0.0.0.0/96" } }, SRC("127.0.0.1"),
	  false },
	{ "v6 /0 on v4", { .src = { "::/0" } }, SRC("10.0.0.1"), false },
	{ "v6 mapped /128 on mapped", { .src = { MAPPED } }, SRC6(MAPPED), true },
	/* --dst looks at the peer only */
	{ "--dst 192.0.2.1, peer", { .dst = { "192.0.2.1" } }, SRC("10.0.0.1"), true },
	{ "--dst 10.0.0.1, local only", { .dst = { "10.0.0.1" } }, SRC("10.0.0.1"), false },
	{ "--src 192.0.2.1, peer only", { .src = { "192.0.2.1" } }, SRC("10.0.0.1"), false },
	{ "--dst v6 /64", { .dst = { "2001:db8::/64" } }, SRC6("::1"), true },
	/* OR within, AND across */
	{ "--src a --src b, b", { .src = { "10.0.0.0/8", "192.168.0.0/16" } },
	  SRC("192.168.7.7"), true },
	{ "--src a --src b, neither", { .src = { "10.0.0.0/8", "192.168.0.0/16" } },
	  SRC("172.16.0.1"), false },
	{ "--src v4 --src v6, v6", { .src = { "10.0.0.0/8", "::1" } }, SRC6("::1"), true },
	{ "--src v4 --src v6, v4", { .src = { "10.0.0.0/8", "::1" } }, SRC("10.0.0.1"), true },
	{ "--src and --dst, both", { .src = { "10.0.0.0/8" }, .dst = { "192.0.2.0/24" } },
	  SRC("10.0.0.1"), true },
	{ "--src and --dst, dst wrong", { .src = { "10.0.0.0/8" }, .dst = { "192.0.3.0/24" } },
	  SRC("10.0.0.1"), false },
	{ "--src and --dst, src wrong", { .src = { "11.0.0.0/8" }, .dst = { "192.0.2.0/24" } },
	  SRC("10.0.0.1"), false },
	{ "--src and -p, port wrong", { .src = { "10.0.0.0/8" }, .port = { { 80, 0 } } },
	  SRC("10.0.0.1"), false },
	{ "--src and -p, both", { .src = { "10.0.0.0/8" }, .port = { { 2000, 0 } } },
	  SRC("10.0.0.1"), true },
	{ "--src and -4 on mapped", { .family = 4, .src = { "127.0.0.0/8" } }, SRC6(MAPPED),
	  false },
};

static void test_addresses(void **state)
{
	(void)state;
	run_cases(addr_cases, N(addr_cases));
}

/* ---- filter_prefix_match ---------------------------------------------------------- */

static void test_prefix_match(void **state)
{
	static const struct {
		const char *prefix;
		int family;
		const char *addr;
		bool match;
	} cases[] = {
		{ "10.0.0.0/8", AF_INET, "10.1.2.3", true },
		{ "10.0.0.0/8", AF_INET, "11.1.2.3", false },
		{ "10.0.0.0/7", AF_INET, "11.1.2.3", true },
		{ "10.0.0.0/7", AF_INET, "12.0.0.0", false },
		{ "1.2.3.4/32", AF_INET, "1.2.3.4", true },
		{ "1.2.3.4/32", AF_INET, "1.2.3.5", false },
		{ "1.2.3.4/31", AF_INET, "1.2.3.5", true },
		{ "1.2.3.4/30", AF_INET, "1.2.3.7", true },
		{ "1.2.3.4/30", AF_INET, "1.2.3.8", false },
		{ "0.0.0.0/0", AF_INET, "255.255.255.255", true },
		{ "172.16.32.0/20", AF_INET, "172.16.40.1", true },
		{ "172.16.32.0/20", AF_INET, "172.16.16.1", false },
		{ "127.0.0.1/32", AF_INET6, "::ffff:127.0.0.1", true },
		{ "127.0.0.0/8", AF_INET6, "::ffff:127.1.2.3", true },
		{ "127.0.0.0/8", AF_INET6, "::ffff:128.0.0.1", false },
		{ "127.0.0.0/8", AF_INET6, "::127.0.0.1", false },
		{ "127.0.0.0/8", AF_INET6, "ffff::ffff:127.0.0.1", false },
		{ "0.0.0.0/0", AF_INET6, "::1", false },
		{ "::ffff:127.0.0.1/128", AF_INET, "127.0.0.1", false },
		{ "::/0", AF_INET, "0.0.0.0", false },
		{ "::1/128", AF_INET6, "::1", true },
		{ "::1/128", AF_INET6, "::", false },
		{ "::/127", AF_INET6, "::1", true },
		{ "::/127", AF_INET6, "::2", false },
		{ "2001:db8::/32", AF_INET6, "2001:db8:ffff::", true },
		{ "2001:db8::/32", AF_INET6, "2001:db9::", false },
		{ "2001:db8::/33", AF_INET6, "2001:db8:7fff::", true },
		{ "2001:db8::/33", AF_INET6, "2001:db8:8000::", false },
		{ "fe80::/64", AF_INET6, "fe80::1:2:3:4", true },
		{ "fe80::/64", AF_INET6, "fe80:0:0:1::1", false },
		{ "::/0", AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true },
		/* query bits past the length do not count */
		{ "10.255.255.255/8", AF_INET, "10.0.0.0", true },
		{ "2001:db8::ffff/64", AF_INET6, "2001:db8::1", true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_prefix p;
		uint8_t addr[16];
		bool got;

		make_prefix(&p, cases[i].prefix);
		memset(addr, 0, sizeof(addr));
		assert_int_equal(inet_pton(cases[i].family, cases[i].addr, addr), 1);
		got = filter_prefix_match(&p, cases[i].family, addr);
		if (got != cases[i].match)
			fail_msg("%s vs %s: %d, expected %d", cases[i].prefix, cases[i].addr, got,
				 cases[i].match);
	}
}

/* An AF_INET address is read in its first 4 bytes only. */
static void test_prefix_match_v4_tail_ignored(void **state)
{
	struct tcpstat_prefix p;
	uint8_t addr[16];

	(void)state;
	make_prefix(&p, "192.0.2.1/32");
	memset(addr, 0xee, sizeof(addr));
	addr[0] = 192;
	addr[1] = 0;
	addr[2] = 2;
	addr[3] = 1;
	assert_true(filter_prefix_match(&p, AF_INET, addr));
}


/* ---- the tree: what the lists cannot say ------------------------------------------ */

static struct tcpstat_port_range range(uint16_t lo, uint16_t hi)
{
	return (struct tcpstat_port_range){ lo, hi };
}

/* not (local port 22) or (state LISTEN and peer port 0) */
static void test_tree_not_or(void **state)
{
	static struct filter f;
	const struct sock_spec ssh = V4("10.0.0.1", 22, "10.0.0.2", 5000);
	const struct sock_spec web = V4("10.0.0.1", 80, "10.0.0.2", 5000);
	const struct sock_spec ssh_listen = { AF_INET, "0.0.0.0", 22, "0.0.0.0", 0,
					      TCPSTAT_LISTEN };
	struct tcpstat_sock s;
	int not_ssh, listen;

	(void)state;
	filter_init(&f);
	not_ssh = filter_not(&f, filter_leaf_ports(&f, FILTER_LOCAL, range(22, 22)));
	listen = filter_and(&f, filter_leaf_states(&f, BIT(LISTEN)),
			    filter_leaf_ports(&f, FILTER_PEER, range(0, 0)));
	assert_int_equal(filter_require(&f, filter_or(&f, not_ssh, listen)), 0);
	make_sock(&s, &ssh);
	assert_false(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	make_sock(&s, &web);
	assert_true(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	make_sock(&s, &ssh_listen);
	assert_true(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	/* NOT does not narrow what the kernel is asked for. */
	assert_int_equal(filter_states(&f), TCPSTAT_STATES_ALL);
}

static void test_tree_empty_and_false(void **state)
{
	static struct filter f;
	const struct sock_spec l4 = LOOP4;
	struct tcpstat_sock s;

	(void)state;
	make_sock(&s, &l4);
	filter_init(&f);
	assert_true(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	assert_true(filter_may_family(&f, AF_INET6));
	assert_false(filter_needs_owners(&f));
	assert_int_equal(filter_require(&f, filter_add(&f, &(struct filter_node){
							      .op = FILTER_FALSE })), 0);
	assert_false(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	assert_int_equal(filter_states(&f), 0);
	assert_false(filter_may_family(&f, AF_INET));
}

static void test_tree_full(void **state)
{
	static struct filter f;
	int rc = 0;

	(void)state;
	filter_init(&f);
	for (unsigned i = 0; i < FILTER_MAX_NODES + 1 && rc >= 0; i++)
		rc = filter_leaf_pid(&f, i);
	assert_int_equal(rc, -ENOSPC);
	/* A builder given a failed child passes the error on. */
	assert_int_equal(filter_and(&f, -ENOSPC, 0), -ENOSPC);
	assert_int_equal(filter_require(&f, -ENOSPC), -ENOSPC);
}

static void test_states_and_families(void **state)
{
	static struct filter f;

	(void)state;
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_or(&f,
		filter_and(&f, filter_leaf_states(&f, BIT(LISTEN)), filter_leaf_family(&f, AF_INET)),
		filter_and(&f, filter_leaf_states(&f, BIT(TIME_WAIT)),
			   filter_leaf_family(&f, AF_INET)))), 0);
	assert_int_equal(filter_states(&f), BIT(LISTEN) | BIT(TIME_WAIT));
	assert_true(filter_may_family(&f, AF_INET));
	assert_false(filter_may_family(&f, AF_INET6));
}

/* Bound-inactive (--bind-check) reaches the kernel through an AND, never by default. */
static void test_states_bound_inactive(void **state)
{
	static struct filter f;
	struct filter_lists q;

	(void)state;
	filter_lists_init(&q);
	q.states = TCPSTAT_STATES_ALL | TCPSTAT_STATEF_BOUND_INACTIVE;
	q.sport[q.n_sport++] = range(9999, 9999);
	assert_int_equal(filter_from_lists(&f, &q), 0);
	assert_int_equal(filter_states(&f), TCPSTAT_STATES_ALL | TCPSTAT_STATEF_BOUND_INACTIVE);
	filter_lists_init(&q);
	q.sport[q.n_sport++] = range(9999, 9999);
	assert_int_equal(filter_from_lists(&f, &q), 0);
	assert_int_equal(filter_states(&f), TCPSTAT_STATES_ALL);
	filter_init(&f);
	assert_int_equal(filter_states(&f), TCPSTAT_STATES_ALL);
}

/* ---- owners ---------------------------------------------------------------------- */

static void test_owners(void **state)
{
	static struct filter f;
	static const struct tcpstat_owner list[] = {
		{ 1, 100, "nginx" }, { 1, 101, "a-very-long-nam" },
	};
	const struct tcpstat_owners two = { list, 2 }, none = { NULL, 0 };
	const struct sock_spec l4 = LOOP4;
	struct tcpstat_sock s;
	uint32_t pids[4];

	(void)state;
	make_sock(&s, &l4);
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_or(&f, filter_leaf_pid(&f, 100),
						       filter_leaf_pid(&f, 7))), 0);
	assert_true(filter_needs_owners(&f));
	assert_int_equal(filter_required_pids(&f, pids, 4), 2);
	assert_int_equal(pids[0], 100);
	assert_int_equal(pids[1], 7);
	assert_int_equal(filter_required_pids(&f, pids, 1), 0);   /* too many to say */
	assert_true(filter_match(&f, &s, &two, FILTER_KNOW_ALL));
	assert_false(filter_match(&f, &s, &none, FILTER_KNOW_ALL));
	assert_false(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	/* Not known yet: the answer widens (keep it until the owners are in). */
	assert_true(filter_match(&f, &s, NULL, FILTER_NO_OWNERS));

	/* Names: the first 15 bytes, as comm keeps them. */
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_leaf_program(&f, "a-very-long-name-indeed")), 0);
	assert_int_equal(filter_required_pids(&f, pids, 4), 0);
	assert_true(filter_match(&f, &s, &two, FILTER_KNOW_ALL));
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_leaf_program(&f, "nginx2")), 0);
	assert_false(filter_match(&f, &s, &two, FILTER_KNOW_ALL));
}

/* Under NOT an unknown leaf counts as false, so "not --pid 100" widens too. */
static void test_unknown_under_not(void **state)
{
	static struct filter f;
	static const struct tcpstat_owner list[] = { { 1, 100, "nginx" } };
	const struct tcpstat_owners held = { list, 1 };
	const struct sock_spec l4 = LOOP4;
	struct tcpstat_sock s;

	(void)state;
	make_sock(&s, &l4);
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_not(&f, filter_leaf_pid(&f, 100))), 0);
	assert_true(filter_match(&f, &s, NULL, FILTER_NO_OWNERS));
	assert_false(filter_match(&f, &s, &held, FILTER_KNOW_ALL));
	/* Destroy reports: the state is not the one to judge. */
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_leaf_states(&f, BIT(ESTABLISHED))), 0);
	s.state = TCPSTAT_CLOSE;
	assert_false(filter_match(&f, &s, NULL, FILTER_KNOW_ALL));
	assert_true(filter_match(&f, &s, NULL, FILTER_NO_STATE));
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_not(&f, filter_leaf_states(&f,
		BIT(ESTABLISHED)))), 0);
	s.state = TCPSTAT_ESTABLISHED;
	assert_true(filter_match(&f, &s, NULL, FILTER_NO_STATE));
}

/* The lists' pids and programs are ANDed with the rest, ORed within. */
static void test_lists_owners(void **state)
{
	static struct filter f;
	static const struct tcpstat_owner list[] = { { 1, 100, "nginx" } };
	const struct tcpstat_owners held = { list, 1 };
	const struct sock_spec l4 = LOOP4;
	struct filter_lists q;
	struct tcpstat_sock s;
	uint32_t pids[4];

	(void)state;
	make_sock(&s, &l4);
	make_query(&q, &(struct query_spec){ .port = { { 9999, 0 } } });
	q.pid[q.n_pid++] = 5;
	q.pid[q.n_pid++] = 100;
	q.program[q.n_program++] = "nginx";
	assert_int_equal(filter_from_lists(&f, &q), 0);
	assert_int_equal(filter_required_pids(&f, pids, 4), 2);
	assert_true(filter_match(&f, &s, &held, FILTER_KNOW_ALL));
	q.program[0] = "apache";
	assert_int_equal(filter_from_lists(&f, &q), 0);
	assert_false(filter_match(&f, &s, &held, FILTER_KNOW_ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_no_family),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_state_zero),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_prefix_match),
		cmocka_unit_test(test_prefix_match_v4_tail_ignored),
		cmocka_unit_test(test_tree_not_or),
		cmocka_unit_test(test_tree_empty_and_false),
		cmocka_unit_test(test_tree_full),
		cmocka_unit_test(test_states_and_families),
		cmocka_unit_test(test_states_bound_inactive),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_unknown_under_not),
		cmocka_unit_test(test_lists_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
