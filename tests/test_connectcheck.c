/*
 * test_connectcheck.c - explain/ for --connect-check: the ephemeral port
 * budget towards one destination from fixture sysctls (a 20-port range
 * with 3 reserved, tw_reuse 0; the default range, tw_reuse 2) and
 * hand-built records, and the text with its hints.
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
#include <string.h>
#include <sys/socket.h>

#include "explain.h"

#define MAX_SOCKS 64

static struct explain_sysctl sc_buf;

static const struct explain_sysctl *sysctls(const char *name)
{
	struct tcpstat_error err;
	char root[128];

	snprintf(root, sizeof(root), "fixtures/sysctl/%s", name);
	assert_int_equal(explain_read_sysctl(root, &sc_buf, &err), 0);
	return &sc_buf;
}

static struct explain_target dest(const char *arg)
{
	struct explain_target t;
	struct tcpstat_error err;

	assert_int_equal(explain_parse_target(arg, true, &t, &err), 0);
	return t;
}

/* A client socket from local port lport to PEER:pport, in state. */
static struct tcpstat_sock client(const char *peer, uint16_t pport, uint16_t lport, int state)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = strchr(peer, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(s.family, peer, s.peer_addr), 1);
	assert_int_equal(inet_pton(s.family, s.family == AF_INET ? "10.0.0.1" : "fd00::1",
				   s.local_addr), 1);
	s.peer_port = pport;
	s.local_port = lport;
	s.state = (uint8_t)state;
	if (state == TCPSTAT_TIME_WAIT) {
		s.timer = TCPSTAT_TIMER_TIMEWAIT;
		s.timer_ms = 30000;
	} else {
		s.inode = 100;
	}
	return s;
}

/* The narrow fixture: ports 40000-40019, 40005, 40010 and 40011 reserved: 17 usable. */
static void test_budget_empty(void **state)
{
	struct explain_target d = dest("192.0.2.10:443");
	struct explain_connect r;
	char text[512];
	(void)state;

	explain_connect_judge(&d, sysctls("narrow"), NULL, 0, &r);
	assert_int_equal(r.range, 20);
	assert_int_equal(r.reserved, 3);
	assert_int_equal(r.budget, 17);
	assert_int_equal(r.remaining, 17);
	assert_int_equal(r.towards, 0);
	assert_true(explain_connect_ok(&r));
	explain_connect_text(&r, text, sizeof(text));
	assert_string_equal(text, "connect() to 192.0.2.10:443 finds a local port now: 17 of 17 "
				  "left (0 in use towards it, 0 of them TIME_WAIT, 0 of those "
				  "reusable).");
}

/* Every usable port in TIME_WAIT towards dest, tw_reuse 0: exhausted. */
static void test_budget_exhausted(void **state)
{
	struct tcpstat_sock socks[MAX_SOCKS];
	struct explain_target d = dest("192.0.2.10:443");
	const struct explain_sysctl *sc = sysctls("narrow");
	struct explain_connect r;
	char text[512];
	size_t n = 0;
	(void)state;

	for (uint16_t p = 40000; p <= 40019; p++)
		socks[n++] = client("192.0.2.10", 443, p, p < 40015 ? TCPSTAT_TIME_WAIT
								  : TCPSTAT_ESTABLISHED);
	explain_connect_judge(&d, sc, socks, n, &r);
	/* Sockets on reserved ports were bound explicitly: not the budget's. */
	assert_int_equal(r.towards, 17);
	assert_int_equal(r.by_state[TCPSTAT_TIME_WAIT], 12);
	assert_int_equal(r.by_state[TCPSTAT_ESTABLISHED], 5);
	assert_int_equal(r.tw_usable, 0);
	assert_int_equal(r.unusable, 17);
	assert_int_equal(r.remaining, 0);
	assert_false(r.tw_reuse_applies);
	assert_false(explain_connect_ok(&r));
	explain_connect_text(&r, text, sizeof(text));
	assert_string_equal(text, "connect() to 192.0.2.10:443 would fail with EADDRNOTAVAIL "
				  "(Cannot assign requested address): none of the 17 local ports "
				  "is free for it (17 in use towards it, 12 of them TIME_WAIT; 0 "
				  "held by listeners). What helps: a wider "
				  "net.ipv4.ip_local_port_range (now 40000-40019), more destination "
				  "addresses or ports (each has a budget of its own), or "
				  "net.ipv4.tcp_tw_reuse=1 (TIME_WAIT ports are then reused for new "
				  "connections).");
}

/* Another destination, or another port of it, has the whole budget. */
static void test_budget_other_destination(void **state)
{
	struct tcpstat_sock socks[MAX_SOCKS];
	const struct explain_sysctl *sc = sysctls("narrow");
	struct explain_connect r;
	size_t n = 0;
	(void)state;

	for (uint16_t p = 40000; p <= 40019; p++)
		socks[n++] = client("192.0.2.10", 443, p, TCPSTAT_TIME_WAIT);
	struct explain_target other = dest("192.0.2.11:443");
	explain_connect_judge(&other, sc, socks, n, &r);
	assert_int_equal(r.remaining, 17);
	assert_int_equal(r.towards, 0);
	other = dest("192.0.2.10:80");
	explain_connect_judge(&other, sc, socks, n, &r);
	assert_int_equal(r.remaining, 17);
}

/* A listener's port is unusable for every destination; other ports outside the range do not count. */
static void test_budget_listener(void **state)
{
	struct tcpstat_sock socks[4] = {
		client("0.0.0.0", 0, 40001, TCPSTAT_LISTEN),
		client("0.0.0.0", 0, 40001, TCPSTAT_LISTEN),   /* two on one port: one port */
		client("0.0.0.0", 0, 8080, TCPSTAT_LISTEN),    /* not in the range */
		client("192.0.2.10", 443, 40002, TCPSTAT_SYN_SENT),
	};
	struct explain_target d = dest("192.0.2.10:443");
	struct explain_connect r;
	(void)state;

	explain_connect_judge(&d, sysctls("narrow"), socks, 4, &r);
	assert_int_equal(r.held, 1);
	assert_int_equal(r.unusable, 2);
	assert_int_equal(r.remaining, 15);
	assert_int_equal(r.by_state[TCPSTAT_SYN_SENT], 1);
}

/* tw_reuse 2 (the default fixture): TIME_WAIT towards loopback is reusable, elsewhere not. */
static void test_tw_reuse_loopback(void **state)
{
	struct tcpstat_sock socks[3] = {
		client("127.0.0.1", 9999, 40000, TCPSTAT_TIME_WAIT),
		client("127.0.0.1", 9999, 40001, TCPSTAT_TIME_WAIT),
		client("127.0.0.1", 9999, 40002, TCPSTAT_ESTABLISHED),
	};
	const struct explain_sysctl *sc = sysctls("default");
	struct explain_target d = dest("127.0.0.1:9999");
	struct explain_connect r;
	(void)state;

	explain_connect_judge(&d, sc, socks, 3, &r);
	assert_int_equal(r.tw_reuse, 2);
	assert_string_equal(explain_tw_reuse_name(r.tw_reuse), "loopback only");
	assert_true(r.tw_reuse_applies);
	assert_int_equal(r.budget, 60999 - 32768 + 1);
	assert_int_equal(r.tw_usable, 2);
	assert_int_equal(r.unusable, 1);
	assert_int_equal(r.remaining, r.budget - 1);

	for (int i = 0; i < 3; i++)
		inet_pton(AF_INET, "192.0.2.10", socks[i].peer_addr);
	d = dest("192.0.2.10:9999");
	explain_connect_judge(&d, sc, socks, 3, &r);
	assert_false(r.tw_reuse_applies);
	assert_int_equal(r.tw_usable, 0);
	assert_int_equal(r.unusable, 3);
}

/* IPv6 and v4-mapped destinations match their sockets either way round. */
static void test_v6_and_mapped(void **state)
{
	struct tcpstat_sock socks[2] = {
		client("::ffff:192.0.2.10", 443, 40000, TCPSTAT_ESTABLISHED),
		client("2001:db8::1", 443, 40001, TCPSTAT_ESTABLISHED),
	};
	const struct explain_sysctl *sc = sysctls("narrow");
	struct explain_target d = dest("192.0.2.10:443");
	struct explain_connect r;
	(void)state;

	explain_connect_judge(&d, sc, socks, 2, &r);
	assert_int_equal(r.towards, 1);
	d = dest("[2001:db8::1]:443");
	explain_connect_judge(&d, sc, socks, 2, &r);
	assert_int_equal(r.towards, 1);
	assert_int_equal(r.remaining, 16);
}

/* Short (under a tenth left) but not out: the hint, tw_reuse's suggestion fitted to its value. */
static void test_text_short(void **state)
{
	struct tcpstat_sock socks[MAX_SOCKS];
	struct explain_sysctl sc = *sysctls("narrow");
	struct explain_target d = dest("192.0.2.10:443");
	struct explain_connect r;
	char text[512];
	size_t n = 0;
	(void)state;

	for (uint16_t p = 40000; p <= 40018; p++)
		socks[n++] = client("192.0.2.10", 443, p, TCPSTAT_TIME_WAIT);
	sc.tw_reuse = 2;
	explain_connect_judge(&d, &sc, socks, n, &r);
	assert_int_equal(r.remaining, 1);
	explain_connect_text(&r, text, sizeof(text));
	assert_non_null(strstr(text, "1 of 17 left"));
	assert_non_null(strstr(text, "What helps"));
	assert_non_null(strstr(text, "towards loopback only"));

	sc.tw_reuse = 1;
	explain_connect_judge(&d, &sc, socks, n, &r);
	assert_int_equal(r.remaining, 17);
	explain_connect_text(&r, text, sizeof(text));
	assert_null(strstr(text, "What helps"));
	assert_string_equal(explain_tw_reuse_name(1), "on");
	assert_string_equal(explain_tw_reuse_name(0), "off");
	assert_string_equal(explain_tw_reuse_name(7), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_empty),
		cmocka_unit_test(test_budget_exhausted),
		cmocka_unit_test(test_budget_other_destination),
		cmocka_unit_test(test_budget_listener),
		cmocka_unit_test(test_tw_reuse_loopback),
		cmocka_unit_test(test_v6_and_mapped),
		cmocka_unit_test(test_text_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
