/*
 * test_print.c - the table format of out/: state names, endpoints, the -o
 * timer, rows and headers byte for byte, through a FILE (open_memstream
 * and fmemopen), as STYLE.md point 11 asks; and the table's lines of -E,
 * -S and -c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "out.h"
#include "capture.h"

/* Large enough for any one cell, or any row the tests compare whole. */
#define TEST_LINE_MAX 512

/* ---- building records ------------------------------------------------------ */

static void set_addr(uint8_t out[16], int family, const char *text)
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family, text, out), 1);
}

struct sock_spec {
	int family;
	const char *local, *peer;     /* addresses as inet_pton reads them */
	uint16_t local_port, peer_port;
	uint8_t state;
	uint32_t recv_q, send_q, uid;
	uint64_t inode;
	uint8_t timer;
	uint32_t timer_ms, retrans, probes;
};

static struct tcpstat_sock make_sock(const struct sock_spec *spec)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = (uint8_t)spec->family;
	set_addr(s.local_addr, spec->family, spec->local);
	set_addr(s.peer_addr, spec->family, spec->peer);
	s.local_port = spec->local_port;
	s.peer_port = spec->peer_port;
	s.state = spec->state;
	s.recv_q = spec->recv_q;
	s.send_q = spec->send_q;
	s.uid = spec->uid;
	s.inode = spec->inode;
	s.timer = spec->timer;
	s.timer_ms = spec->timer_ms;
	s.retrans = spec->retrans;
	s.probes = spec->probes;
	return s;
}

/* The table with netstat's columns (as -e and -o choose) and a header. */
static struct out_config table_config(bool extend, bool timers)
{
	struct out_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = OUT_TABLE;
	cfg.header = true;
	/* -n: the rows below show uids; test_user_names has the names. */
	cfg.numeric_users = true;
	out_default_columns(&cfg, extend, false, timers);
	return cfg;
}

/* ---- capturing what a format writes ---------------------------------------- */


/* One row of s (no owners) as cfg's format writes it; free() the result. */
static char *row_text(const struct out_config *cfg, const struct tcpstat_sock *s, size_t *len)
{
	struct capture c;
	struct out_row r = { .s = s, .owners = NULL };

	capture_open(&c, cfg);
	assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	capture_close(&c);
	if (len)
		*len = c.len;
	return c.buf;
}

/* The header line as begin() writes it; free() the result. */
static char *header_text(const struct out_config *cfg)
{
	struct capture c;

	capture_open(&c, cfg);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	capture_close(&c);
	return c.buf;
}

/* -e's User column: the uid's name, the uid where it has none, uids with -n. */
static void test_user_names(void **state)
{
	struct tcpstat_sock s = { .family = AF_INET, .state = TCPSTAT_LISTEN, .local_port = 22 };
	struct out_config cfg = { .kind = OUT_TABLE, .plain = true };
	char *out;

	(void)state;
	cfg.n_columns = 0;
	assert_int_equal(out_add_column(&cfg, "user", 4), 0);
	assert_int_equal(out_add_column(&cfg, "uid", 3), 0);
	out = row_text(&cfg, &s, NULL);
	assert_string_equal(out, "root 0\n");
	free(out);
	/* No name: the number, in the same column. */
	s.uid = 4000000001u;
	if (getpwuid(s.uid) == NULL) {
		out = row_text(&cfg, &s, NULL);
		assert_string_equal(out, "4000000001 4000000001\n");
		free(out);
	}
	/* The cache: the same slot for another uid is looked up again. */
	s.uid = OUT_USERS_SLOTS;
	if (getpwuid(0) && getpwuid(OUT_USERS_SLOTS) == NULL) {
		struct out_users u;

		out_users_init(&u);
		assert_string_equal(out_user_name(&u, 0), "root");
		assert_null(out_user_name(&u, OUT_USERS_SLOTS));
		assert_string_equal(out_user_name(&u, 0), "root");
	}
	s.uid = 0;
	cfg.numeric_users = true;
	out = row_text(&cfg, &s, NULL);
	assert_string_equal(out, "0 0\n");
	free(out);
}

/* ---- out_state_name ---------------------------------------------------------- */

static void test_state_names(void **state)
{
	static const struct {
		unsigned state;
		const char *name;
	} cases[] = {
		{ 0, "?" },
		{ 1, "ESTABLISHED" },
		{ 2, "SYN_SENT" },
		{ 3, "SYN_RECV" },
		{ 4, "FIN_WAIT1" },
		{ 5, "FIN_WAIT2" },
		{ 6, "TIME_WAIT" },
		{ 7, "CLOSE" },
		{ 8, "CLOSE_WAIT" },
		{ 9, "LAST_ACK" },
		{ 10, "LISTEN" },
		{ 11, "CLOSING" },
		{ 12, "?" },
		{ 13, "?" },
		{ 255, "?" },
		{ 256, "?" },
		{ 0xffffffffu, "?" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *name = out_state_name(cases[i].state);

		assert_non_null(name);
		if (strcmp(name, cases[i].name) != 0)
			fail_msg("state %u: \"%s\", expected \"%s\"", cases[i].state, name,
				 cases[i].name);
	}
}

/* ---- the endpoint cells (local, peer) ------------------------------------------- */

static void test_endpoints(void **state)
{
	static const struct {
		int family;
		const char *addr;
		uint16_t port;
		const char *want;
	} cases[] = {
		{ AF_INET, "127.0.0.1", 9999, "127.0.0.1:9999" },
		{ AF_INET, "0.0.0.0", 0, "0.0.0.0:*" },
		{ AF_INET, "0.0.0.0", 22, "0.0.0.0:22" },
		{ AF_INET, "255.255.255.255", 65535, "255.255.255.255:65535" },
		{ AF_INET, "10.0.200.3", 1, "10.0.200.3:1" },
		{ AF_INET6, "::1", 9999, "[::1]:9999" },
		{ AF_INET6, "::", 0, "[::]:*" },
		{ AF_INET6, "::ffff:127.0.0.1", 80, "[::ffff:127.0.0.1]:80" },
		{ AF_INET6, "fe80::1", 0, "[fe80::1]:*" },
		{ AF_INET6, "2001:db8:0:0:1:0:0:1", 443, "[2001:db8::1:0:0:1]:443" },
		{ AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535,
		  "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_sock s;
		struct out_row r = { .s = &s, .owners = NULL };
		char buf[64];
		size_t n;

		/* The same endpoint as the local and as the peer cell. */
		memset(&s, 0, sizeof(s));
		s.family = (uint8_t)cases[i].family;
		set_addr(s.local_addr, cases[i].family, cases[i].addr);
		set_addr(s.peer_addr, cases[i].family, cases[i].addr);
		s.local_port = s.peer_port = cases[i].port;
		for (int id = OUT_F_LOCAL; id <= OUT_F_PEER; id++) {
			memset(buf, 'x', sizeof(buf));
			n = out_field_text(buf, sizeof(buf), (enum out_field_id)id, &r, false);
			if (strcmp(buf, cases[i].want) != 0)
				fail_msg("%s port %u: \"%s\", expected \"%s\"", cases[i].addr,
					 cases[i].port, buf, cases[i].want);
			assert_int_equal(n, strlen(cases[i].want));
		}
	}
}

/*
 * The dotted quad from its byte table and addr:port in one write: every
 * byte value at every place, ports 0 (*), 1, 9, 10, 99 ... 65535, against
 * snprintf; and the address alone (local-addr) against inet_ntop.
 */
static void test_ipv4_every_form(void **state)
{
	static const uint16_t ports[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000,
					  40000, 65535 };
	uint32_t seed = 7;

	(void)state;
	for (unsigned i = 0; i < 256 * 4 * 3; i++) {
		struct tcpstat_sock s;
		struct out_row r = { .s = &s, .owners = NULL };
		char got[64], want[64], ntop[INET_ADDRSTRLEN];
		uint8_t *a = s.local_addr;

		memset(&s, 0, sizeof(s));
		s.family = AF_INET;
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			a[k] = (uint8_t)(seed >> 16);
		}
		a[i / 3 % 4] = (uint8_t)(i / 12);
		s.local_port = ports[i % (sizeof(ports) / sizeof(ports[0]))];
		if (s.local_port)
			snprintf(want, sizeof(want), "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
				 s.local_port);
		else
			snprintf(want, sizeof(want), "%u.%u.%u.%u:*", a[0], a[1], a[2], a[3]);
		out_field_text(got, sizeof(got), OUT_F_LOCAL, &r, false);
		assert_string_equal(got, want);
		assert_non_null(inet_ntop(AF_INET, a, ntop, sizeof(ntop)));
		out_field_text(got, sizeof(got), OUT_F_LOCAL_ADDR, &r, false);
		assert_string_equal(got, ntop);
		/* Cut short by a small buffer, it is the same text's start. */
		out_field_text(got, 12, OUT_F_LOCAL, &r, false);
		assert_memory_equal(got, want, strlen(got));
		assert_int_equal(strlen(got), strlen(want) < 11 ? strlen(want) : 11);
	}
}

/* Numbers left and right-aligned, in a roomy buffer and one that spills, against snprintf. */
static void test_numbers(void **state)
{
	uint64_t values[64 + 40];
	size_t n = 0;
	uint64_t p = 1;

	(void)state;
	for (int d = 0; d < 20; d++, p *= 10) {
		values[n++] = p - 1;
		values[n++] = p;
	}
	values[n++] = UINT64_MAX;
	values[n++] = 65535;
	for (uint64_t x = 12345; n < sizeof(values) / sizeof(values[0]); x = x * 2862933555777941757u + 3037000493u)
		values[n++] = x >> (x % 64);
	for (size_t i = 0; i < n; i++) {
		for (size_t width = 0; width <= 24; width += 6) {
			char want[64], big[128], small[4];
			struct line l;
			FILE *f;
			char *mem = NULL;
			size_t mem_len = 0;

			snprintf(want, sizeof(want), "%llu|%*llu|", (unsigned long long)values[i],
				 (int)width, (unsigned long long)values[i]);
			line_init(&l, big, sizeof(big), NULL);
			line_u64(&l, values[i]);
			line_putc(&l, '|');
			line_u64_right(&l, values[i], width);
			line_putc(&l, '|');
			assert_string_equal(line_str(&l), want);
			/* A buffer of 4 spills every few bytes: the same text. */
			f = open_memstream(&mem, &mem_len);
			assert_non_null(f);
			line_init(&l, small, sizeof(small), f);
			line_u64(&l, values[i]);
			line_putc(&l, '|');
			line_u64_right(&l, values[i], width);
			line_putc(&l, '|');
			assert_int_equal(line_flush(&l), 0);
			assert_int_equal(fclose(f), 0);
			assert_string_equal(mem, want);
			free(mem);
		}
	}
}

/* Only the first 4 bytes of an IPv4 address are read. */
static void test_endpoint_v4_ignores_tail(void **state)
{
	struct tcpstat_sock s;
	struct out_row r = { .s = &s, .owners = NULL };
	char buf[64];

	(void)state;
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	memset(s.local_addr, 0xff, sizeof(s.local_addr));
	s.local_addr[0] = 192;
	s.local_addr[1] = 0;
	s.local_addr[2] = 2;
	s.local_addr[3] = 1;
	s.local_port = 8080;
	out_field_text(buf, sizeof(buf), OUT_F_LOCAL, &r, false);
	assert_string_equal(buf, "192.0.2.1:8080");
	out_field_text(buf, sizeof(buf), OUT_F_LOCAL_ADDR, &r, false);
	assert_string_equal(buf, "192.0.2.1");
}

/* ---- the timer cell ------------------------------------------------------------------ */

static void test_timers(void **state)
{
	static const struct {
		uint8_t timer;
		uint32_t ms, retrans, probes;
		const char *want;
	} cases[] = {
		{ TCPSTAT_TIMER_OFF, 0, 0, 0, "off (0.00/0/0)" },
		/* off: no time left, whatever the record holds; counts still shown */
		{ TCPSTAT_TIMER_OFF, 12345, 0, 0, "off (0.00/0/0)" },
		{ TCPSTAT_TIMER_OFF, 12345, 2, 3, "off (0.00/2/3)" },
		{ TCPSTAT_TIMER_ON, 200, 0, 0, "on (0.20/0/0)" },
		{ TCPSTAT_TIMER_ON, 1530, 3, 0, "on (1.53/3/0)" },
		{ TCPSTAT_TIMER_KEEPALIVE, 7194500, 0, 0, "keepalive (7194.50/0/0)" },
		{ TCPSTAT_TIMER_KEEPALIVE, 7200000, 0, 2, "keepalive (7200.00/0/2)" },
		{ TCPSTAT_TIMER_TIMEWAIT, 59120, 0, 0, "timewait (59.12/0/0)" },
		{ TCPSTAT_TIMER_TIMEWAIT, 60000, 0, 0, "timewait (60.00/0/0)" },
		{ TCPSTAT_TIMER_PROBE, 3000, 0, 5, "probe (3.00/0/5)" },
		{ TCPSTAT_TIMER_DELACK, 40, 0, 0, "delack (0.04/0/0)" },
		{ 6, 1000, 0, 0, "unkn-6 (1.00/0/0)" },
		{ 9, 1000, 1, 2, "unkn-9 (1.00/1/2)" },
		{ 255, 0, 0, 0, "unkn-255 (0.00/0/0)" },
		/* milliseconds: hundredths truncated, single digits zero-padded */
		{ TCPSTAT_TIMER_ON, 0, 0, 0, "on (0.00/0/0)" },
		{ TCPSTAT_TIMER_ON, 1, 0, 0, "on (0.00/0/0)" },
		{ TCPSTAT_TIMER_ON, 9, 0, 0, "on (0.00/0/0)" },
		{ TCPSTAT_TIMER_ON, 10, 0, 0, "on (0.01/0/0)" },
		{ TCPSTAT_TIMER_ON, 999, 0, 0, "on (0.99/0/0)" },
		{ TCPSTAT_TIMER_ON, 1000, 0, 0, "on (1.00/0/0)" },
		{ TCPSTAT_TIMER_ON, 1005, 0, 0, "on (1.00/0/0)" },
		{ TCPSTAT_TIMER_ON, 1090, 0, 0, "on (1.09/0/0)" },
		{ TCPSTAT_TIMER_ON, UINT32_MAX, 0, 0, "on (4294967.29/0/0)" },
		/* large counts */
		{ TCPSTAT_TIMER_ON, 200, UINT32_MAX, UINT32_MAX,
		  "on (0.20/4294967295/4294967295)" },
		{ TCPSTAT_TIMER_ON, 200, 15, 0, "on (0.20/15/0)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_sock s;
		struct out_row r = { .s = &s, .owners = NULL };
		char buf[64];
		size_t n;

		memset(&s, 0, sizeof(s));
		s.family = AF_INET;
		s.timer = cases[i].timer;
		s.timer_ms = cases[i].ms;
		s.retrans = cases[i].retrans;
		s.probes = cases[i].probes;
		n = out_field_text(buf, sizeof(buf), OUT_F_TIMER, &r, false);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
}

/* ---- rows --------------------------------------------------------------------------- */

struct row_case {
	const char *name;
	struct sock_spec sock;
	bool extend, timers;
	const char *want;
};

static const struct row_case row_cases[] = {
	{ "LISTEN v4",
	  { AF_INET, "0.0.0.0", "0.0.0.0", 22, 0, TCPSTAT_LISTEN, 0, 128, 0, 0, 0, 0, 0, 0 },
	  false, false,
	  "tcp        0    128 0.0.0.0:22              0.0.0.0:*               LISTEN\n" },
	{ "TIME_WAIT -o",
	  { AF_INET, "127.0.0.1", "127.0.0.1", 41234, 9999, TCPSTAT_TIME_WAIT, 0, 0, 0, 0,
	    TCPSTAT_TIMER_TIMEWAIT, 59120, 0, 0 },
	  false, true,
	  "tcp        0      0 127.0.0.1:41234         127.0.0.1:9999          TIME_WAIT   "
	  "timewait (59.12/0/0)\n" },
	{ "ESTABLISHED v6 -e -o",
	  { AF_INET6, "2001:db8::10", "2001:db8::20", 22, 51234, TCPSTAT_ESTABLISHED, 17, 4096,
	    1000, 123456, TCPSTAT_TIMER_KEEPALIVE, 7194500, 0, 0 },
	  true, true,
	  "tcp6      17   4096 [2001:db8::10]:22       [2001:db8::20]:51234    ESTABLISHED "
	  "1000       123456     keepalive (7194.50/0/0)\n" },
	{ "LISTEN v6 wildcard -e",
	  { AF_INET6, "::", "::", 443, 0, TCPSTAT_LISTEN, 0, 0, 0, UINT32_MAX, 0, 0, 0, 0 },
	  true, false,
	  "tcp6       0      0 [::]:443                [::]:*                  LISTEN      "
	  "0          4294967295\n" },
	{ "long IPv6 addresses",
	  { AF_INET6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
	    "2001:db8:1111:2222:3333:4444:5555:6666", 65535, 443, TCPSTAT_ESTABLISHED,
	    0, 0, 0, 0, 0, 0, 0, 0 },
	  false, false,
	  "tcp6       0      0 [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 "
	  "[2001:db8:1111:2222:3333:4444:5555:6666]:443 ESTABLISHED\n" },
	{ "endpoint of exactly 23 characters",
	  { AF_INET6, "2001:db8::123:4567", "::1", 80, 80, TCPSTAT_SYN_SENT, 0, 1, 0, 0,
	    TCPSTAT_TIMER_ON, 1000, 2, 0 },
	  false, true,
	  "tcp6       0      1 [2001:db8::123:4567]:80 [::1]:80                SYN_SENT    "
	  "on (1.00/2/0)\n" },
	{ "endpoint of 24 characters",
	  { AF_INET6, "2001:db8::1234:5678", "::1", 80, 0, TCPSTAT_CLOSE, 0, 0, 0, 0, 0, 0,
	    0, 0 },
	  false, false,
	  "tcp6       0      0 [2001:db8::1234:5678]:80 [::1]:*                 CLOSE\n" },
	{ "large queues",
	  { AF_INET, "10.0.0.1", "10.0.0.2", 80, 1234, TCPSTAT_CLOSE_WAIT, UINT32_MAX,
	    UINT32_MAX, 0, 0, 0, 0, 0, 0 },
	  false, false,
	  "tcp   4294967295 4294967295 10.0.0.1:80             10.0.0.2:1234           "
	  "CLOSE_WAIT\n" },
	{ "six-digit queues",
	  { AF_INET, "10.0.0.1", "10.0.0.2", 80, 1234, TCPSTAT_ESTABLISHED, 999999, 1000000,
	    0, 0, 0, 0, 0, 0 },
	  false, false,
	  "tcp   999999 1000000 10.0.0.1:80             10.0.0.2:1234           "
	  "ESTABLISHED\n" },
	{ "unknown state",
	  { AF_INET, "127.0.0.1", "127.0.0.1", 80, 1234, 12, 0, 0, 0, 0, 0, 0, 0, 0 },
	  false, false,
	  "tcp        0      0 127.0.0.1:80            127.0.0.1:1234          ?\n" },
	{ "unknown state -e",
	  { AF_INET, "127.0.0.1", "127.0.0.1", 80, 1234, 255, 0, 0, 7, 8, 0, 0, 0, 0 },
	  true, false,
	  "tcp        0      0 127.0.0.1:80            127.0.0.1:1234          ?           "
	  "7          8\n" },
	{ "v4-mapped -o, timer off",
	  { AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.1", 80, 40000, TCPSTAT_FIN_WAIT2,
	    0, 0, 0, 0, TCPSTAT_TIMER_OFF, 5000, 0, 0 },
	  false, true,
	  "tcp6       0      0 [::ffff:127.0.0.1]:80   [::ffff:127.0.0.1]:40000 FIN_WAIT2   "
	  "off (0.00/0/0)\n" },
	{ "large uid and inode -e -o",
	  { AF_INET, "1.2.3.4", "5.6.7.8", 1, 65535, TCPSTAT_LAST_ACK, 1, 2, UINT32_MAX,
	    UINT64_MAX, TCPSTAT_TIMER_PROBE, 250, 1, 4 },
	  true, true,
	  "tcp        1      2 1.2.3.4:1               5.6.7.8:65535           LAST_ACK    "
	  "4294967295 18446744073709551615 probe (0.25/1/4)\n" },
};

/* Writes c's row two ways and checks each against c->want. */
static void check_row(const struct row_case *c)
{
	struct tcpstat_sock s = make_sock(&c->sock);
	struct out_config cfg = table_config(c->extend, c->timers);
	struct out_row r = { .s = &s, .owners = NULL };
	struct out o;
	char fixed[TEST_LINE_MAX];
	char *out;
	size_t out_len;
	FILE *f;

	/* through open_memstream */
	out = row_text(&cfg, &s, &out_len);
	if (out_len != strlen(c->want) || memcmp(out, c->want, out_len) != 0)
		fail_msg("%s:\n got \"%s\"\nwant \"%s\"", c->name, out, c->want);
	free(out);

	/* through fmemopen over a fixed buffer */
	memset(fixed, 0, sizeof(fixed));
	f = fmemopen(fixed, sizeof(fixed), "w");
	assert_non_null(f);
	out_open(&o, &cfg, f);
	assert_int_equal(o.fmt->row(&o, &r), 0);
	assert_int_equal(out_flush(&o), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(fixed, c->want);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++)
		check_row(&row_cases[i]);
}

/* Every row: no trailing blank, one '\n' at the end, cells separated. */
static void test_rows_shape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++) {
		const struct row_case *c = &row_cases[i];
		struct tcpstat_sock s = make_sock(&c->sock);
		struct out_config cfg = table_config(c->extend, c->timers);
		size_t n;
		char *buf = row_text(&cfg, &s, &n);

		assert_true(n >= 2);
		assert_int_equal(buf[n - 1], '\n');
		assert_true(buf[n - 2] != ' ');
		assert_null(memchr(buf, '\n', n - 1));
		free(buf);
	}
}

/*
 * A cell's text truncates at its buffer's end, NUL-terminated (rows no
 * longer do: the table writes them whole, see the next test).
 */
static void test_cell_truncated(void **state)
{
	const struct row_case *c = &row_cases[4];   /* long IPv6 addresses */
	static const char want[] = "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535";
	struct tcpstat_sock s = make_sock(&c->sock);
	struct out_row r = { .s = &s, .owners = NULL };
	char buf[16];
	size_t n;

	(void)state;
	memset(buf, 'x', sizeof(buf));
	n = out_field_text(buf, sizeof(buf), OUT_F_LOCAL, &r, false);
	assert_int_equal(n, sizeof(buf) - 1);
	assert_memory_equal(buf, want, sizeof(buf) - 1);
	assert_int_equal(buf[sizeof(buf) - 1], '\0');
}

/* -O with 32 columns: a row longer than the table's 512-byte buffer is written whole. */
static void test_row_longer_than_buffer(void **state)
{
	struct sock_spec spec = { AF_INET6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", "::1",
				  65535, 1, TCPSTAT_ESTABLISHED, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const char cell[] = "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535";
	struct tcpstat_sock s = make_sock(&spec);
	struct out_config cfg = { .kind = OUT_TABLE };
	char want[OUT_MAX_COLUMNS * sizeof(cell) + 1];
	char *out;
	size_t out_len;

	(void)state;
	want[0] = '\0';
	for (unsigned i = 0; i < OUT_MAX_COLUMNS; i++) {
		assert_int_equal(out_add_column(&cfg, "local", 5), 0);
		strcat(want, cell);
		strcat(want, i + 1 < OUT_MAX_COLUMNS ? " " : "\n");
	}
	assert_int_equal(cfg.n_columns, OUT_MAX_COLUMNS);
	assert_true(strlen(want) > 512);
	out = row_text(&cfg, &s, &out_len);
	assert_int_equal(out_len, strlen(want));
	assert_memory_equal(out, want, out_len);
	free(out);

	/* The same in plain output (-H -O): a row spills the same way. */
	cfg.plain = true;
	out = row_text(&cfg, &s, &out_len);
	assert_int_equal(out_len, strlen(want));
	assert_memory_equal(out, want, out_len);
	free(out);
}

/*
 * A socket bound to an interface: %IF after its local address (ss's), the
 * name handed in the row, if%u without one; -j's ifindex and interface
 * after local_port, only for such a socket. Hand-built, no syscall: the
 * names come in out_row.ifname, as the formats fill it.
 */
static void test_scope(void **state)
{
	struct sock_spec spec = { AF_INET6, "fe80::1", "::", 7024, 0, TCPSTAT_LISTEN,
				  0, 128, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s = make_sock(&spec);
	struct out_row r = { .s = &s, .ifname = "veth0" };
	struct out_config cfg = { .kind = OUT_JSON };
	char cell[96];
	char *out;

	(void)state;
	s.ifindex = 3;
	out_field_text(cell, sizeof(cell), OUT_F_LOCAL, &r, false);
	assert_string_equal(cell, "[fe80::1]%veth0:7024");
	out_field_text(cell, sizeof(cell), OUT_F_LOCAL_ADDR, &r, true);
	assert_string_equal(cell, "fe80::1%veth0");
	out_field_text(cell, sizeof(cell), OUT_F_PEER, &r, false);
	assert_string_equal(cell, "[::]:*");
	r.ifname = "a b";   /* a name stays one word */
	out_field_text(cell, sizeof(cell), OUT_F_LOCAL, &r, false);
	assert_string_equal(cell, "[fe80::1]%a\\x20b:7024");
	r.ifname = NULL;    /* gone, or another namespace's */
	out_field_text(cell, sizeof(cell), OUT_F_LOCAL, &r, false);
	assert_string_equal(cell, "[fe80::1]%if3:7024");
	s.family = AF_INET;
	set_addr(s.local_addr, AF_INET, "127.0.0.1");
	out_field_text(cell, sizeof(cell), OUT_F_LOCAL, &r, false);
	assert_string_equal(cell, "127.0.0.1%if3:7024");
	/* -j, with an index no interface has here (out/ifnames.c finds none). */
	s.ifindex = 4000000000u;
	out = row_text(&cfg, &s, NULL);
	assert_non_null(strstr(out, "\"local_port\":7024,\"ifindex\":4000000000,"
			       "\"interface\":null,\"peer_addr\":\"0.0.0.0\""));
	free(out);
	s.ifindex = 0;
	out = row_text(&cfg, &s, NULL);
	assert_null(strstr(out, "ifindex"));
	assert_null(strstr(out, "interface"));
	free(out);
}

/* -O with -H: one space between fields, the timer as one word. */
static void test_row_plain(void **state)
{
	struct sock_spec spec = { AF_INET, "127.0.0.1", "127.0.0.1", 9999, 41234,
				  TCPSTAT_ESTABLISHED, 5, 0, 0, 0, TCPSTAT_TIMER_ON, 200, 1, 0 };
	struct tcpstat_sock s = make_sock(&spec);
	struct out_config cfg = { .kind = OUT_TABLE, .plain = true, .n_columns = 5,
				  .columns = { OUT_F_STATE, OUT_F_RECV_Q, OUT_F_LOCAL,
					       OUT_F_TIMER, OUT_F_PROTO } };
	struct out_row r = { .s = &s, .owners = NULL };
	char cell[64];
	char *out;

	(void)state;
	out = row_text(&cfg, &s, NULL);
	assert_string_equal(out, "ESTABLISHED 5 127.0.0.1:9999 on(0.20/1/0) tcp\n");
	free(out);
	out_field_text(cell, sizeof(cell), OUT_F_TIMER, &r, true);
	assert_string_equal(cell, "on(0.20/1/0)");
}

/* The process column: "-" without owners, pid/comm for each with them. */
static void test_row_process(void **state)
{
	struct sock_spec spec = { AF_INET, "0.0.0.0", "0.0.0.0", 80, 0, TCPSTAT_LISTEN,
				  0, 511, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s = make_sock(&spec);
	static const struct tcpstat_owner two[] = {
		{ 100, 812, "nginx" }, { 100, 813, "my prog\x01" },
	};
	struct tcpstat_owners owners = { two, 2 }, none = { NULL, 0 };
	struct out_row r = { .s = &s, .owners = &owners };
	struct out_config cfg;
	struct capture c;
	char cell[64];

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = OUT_TABLE;
	cfg.header = true;
	cfg.owners = true;
	out_default_columns(&cfg, false, true, false);
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	r.owners = &none;
	assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	r.owners = NULL;
	assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
		"PID/Program name\n"
		"tcp        0    511 0.0.0.0:80              0.0.0.0:*               LISTEN      "
		"812/nginx,813/my\\x20prog\\x01\n"
		"tcp        0    511 0.0.0.0:80              0.0.0.0:*               LISTEN      -\n"
		"tcp        0    511 0.0.0.0:80              0.0.0.0:*               LISTEN      -\n");
	free(c.buf);
	/* plain: a space in a program name would split the field */
	r.owners = &owners;
	out_field_text(cell, sizeof(cell), OUT_F_PROCESS, &r, true);
	assert_string_equal(cell, "812/nginx,813/my\\x20prog\\x01");
	/* ',' and '/' in a name cannot pass for separators; '\\' marks itself. */
	{
		static const struct tcpstat_owner odd[] = { { 100, 7, "a,b/c\\\xc3\xa9" } };
		struct tcpstat_owners one = { odd, 1 };

		r.owners = &one;
		out_field_text(cell, sizeof(cell), OUT_F_PROCESS, &r, false);
		assert_string_equal(cell, "7/a\\x2cb\\x2fc\\\\\\xc3\\xa9");
	}
}

/*
 * The NETNS cell: a /run/netns name, or pid/comm with only the name
 * escaped (the pid's '/' is the separator, a '/' in the name is not).
 */
static void test_netns_cell(void **state)
{
	struct sock_spec spec = { AF_INET, "0.0.0.0", "0.0.0.0", 80, 0, TCPSTAT_LISTEN,
				  0, 511, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s = make_sock(&spec);
	struct out_row r = { .s = &s };
	char cell[64];

	(void)state;
	out_field_text(cell, sizeof(cell), OUT_F_NETNS, &r, false);
	assert_string_equal(cell, "-");
	r.netns = "blue";
	out_field_text(cell, sizeof(cell), OUT_F_NETNS, &r, false);
	assert_string_equal(cell, "blue");
	r.netns = "1/systemd";
	out_field_text(cell, sizeof(cell), OUT_F_NETNS, &r, false);
	assert_string_equal(cell, "1/systemd");
	r.netns = "4242/a/b c";
	out_field_text(cell, sizeof(cell), OUT_F_NETNS, &r, true);
	assert_string_equal(cell, "4242/a\\x2fb\\x20c");
}

/*
 * A write that fails is reported: by out_flush, and from then on by every
 * operation (output is gathered and written in large pieces).
 */
static void test_row_write_error(void **state)
{
	const struct row_case *c = &row_cases[0];
	struct tcpstat_sock s = make_sock(&c->sock);
	struct out_config cfg = table_config(false, false);
	struct out_row r = { .s = &s, .owners = NULL };
	struct out_event e = { OUT_EVENT_NEW, "13:02:11.204", &s, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 };
	struct out_summary sum = { { 0 }, 0, NULL, 0 };
	char backing[TEST_LINE_MAX] = "";
	FILE *f = fmemopen(backing, sizeof(backing), "r");
	struct out o;

	(void)state;
	assert_non_null(f);
	out_open(&o, &cfg, f);
	assert_int_equal(o.fmt->row(&o, &r), 0);
	assert_int_equal(out_flush(&o), -1);
	assert_int_equal(o.fmt->row(&o, &r), -1);
	assert_int_equal(o.fmt->begin(&o), -1);
	assert_int_equal(o.fmt->event(&o, &e), -1);
	assert_int_equal(o.fmt->summary(&o, &sum), -1);
	assert_int_equal(o.fmt->count(&o, 3), -1);
	fclose(f);
}

/* ---- headers --------------------------------------------------------------------------- */

static void test_headers(void **state)
{
	static const struct {
		bool extend, timers;
		const char *want;
	} cases[] = {
		{ false, false,
		  "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n" },
		{ true, false,
		  "Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
		  "User       Inode\n" },
		{ false, true,
		  "Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
		  "Timer\n" },
		{ true, true,
		  "Proto Recv-Q Send-Q Local Address           Foreign Address         State       "
		  "User       Inode      Timer\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct out_config cfg = table_config(cases[i].extend, cases[i].timers);
		char fixed[TEST_LINE_MAX];
		char *out;
		size_t n;
		struct out o;
		FILE *f;

		out = header_text(&cfg);
		n = strlen(out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("-e %d -o %d:\n got \"%s\"\nwant \"%s\"", cases[i].extend,
				 cases[i].timers, out, cases[i].want);
		assert_true(out[n - 2] != ' ');
		free(out);

		memset(fixed, 0, sizeof(fixed));
		f = fmemopen(fixed, sizeof(fixed), "w");
		assert_non_null(f);
		out_open(&o, &cfg, f);
		assert_int_equal(o.fmt->begin(&o), 0);
		assert_int_equal(out_flush(&o), 0);
		assert_int_equal(fclose(f), 0);
		assert_string_equal(fixed, cases[i].want);

		/* No header asked: begin writes nothing. */
		cfg.header = false;
		out = header_text(&cfg);
		assert_string_equal(out, "");
		free(out);
	}
}

/* Header and rows line up: each row's cells start where the header's do. */
static void test_header_row_alignment(void **state)
{
	unsigned checked = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++) {
		const struct row_case *c = &row_cases[i];
		struct tcpstat_sock s = make_sock(&c->sock);
		struct out_config cfg = table_config(c->extend, c->timers);
		struct out_row r = { .s = &s, .owners = NULL };
		char ep[64];
		char *head, *row;
		size_t offset;

		/* Only rows whose cells fit their columns. */
		if (out_field_text(ep, sizeof(ep), OUT_F_LOCAL, &r, false) > 23 ||
		    out_field_text(ep, sizeof(ep), OUT_F_PEER, &r, false) > 23 ||
		    s.recv_q > 999999 || s.send_q > 999999)
			continue;
		checked++;
		head = header_text(&cfg);
		row = row_text(&cfg, &s, NULL);
		offset = (size_t)(strstr(head, "Local Address") - head);
		assert_int_equal(row[offset - 1], ' ');
		assert_true(row[offset] != ' ');
		offset = (size_t)(strstr(head, "State") - head);
		assert_int_equal(row[offset - 1], ' ');
		assert_true(row[offset] != ' ');
		free(head);
		free(row);
	}
	assert_true(checked >= 5);
}

/* ---- events (-E) ------------------------------------------------------------------------ */

static char *event_text(const struct out_event *e)
{
	struct out_config cfg = table_config(false, false);
	struct capture c;

	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->event(&c.o, e), 0);
	capture_close(&c);
	return c.buf;
}

static void test_events(void **state)
{
	struct sock_spec v4 = { AF_INET, "127.0.0.1", "127.0.0.1", 50178, 9999,
				TCPSTAT_ESTABLISHED, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct sock_spec v6 = { AF_INET6, "::1", "::", 9999, 0, TCPSTAT_LISTEN,
				0, 0, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s4 = make_sock(&v4), s6 = make_sock(&v6);
	static const char stamp[] = "13:02:11.204";
	const struct {
		struct out_event e;
		const char *want;
	} cases[] = {
		{ { OUT_EVENT_NEW, stamp, &s4, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 new ESTABLISHED\n" },
		{ { OUT_EVENT_NEW, stamp, &s6, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 [::1]:9999 [::]:* new LISTEN\n" },
		{ { OUT_EVENT_CHANGE, stamp, &s4, TCPSTAT_SYN_SENT, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 SYN_SENT -> ESTABLISHED\n" },
		{ { OUT_EVENT_CHANGE, stamp, &s4, 200, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 ? -> ESTABLISHED\n" },
		{ { OUT_EVENT_GONE, stamp, &s4, 0, 12345, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 gone (was ESTABLISHED, "
		  "seen 12.3 s)\n" },
		/* tenths truncated, not rounded */
		{ { OUT_EVENT_GONE, stamp, &s4, 0, 999, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 gone (was ESTABLISHED, "
		  "seen 0.9 s)\n" },
		{ { OUT_EVENT_GONE, stamp, &s6, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 [::1]:9999 [::]:* gone (was LISTEN, seen 0.0 s)\n" },
		{ { OUT_EVENT_GONE, stamp, &s4, 0, 3600050, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 gone (was ESTABLISHED, "
		  "seen 3600.0 s)\n" },
		{ { OUT_EVENT_GONE_UNSEEN, stamp, &s4, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 },
		  "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 gone (was ESTABLISHED, "
		  "between polls)\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = event_text(&cases[i].e);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, got, cases[i].want);
		free(got);
	}
}

/*
 * Gone, for the two sources: "older than tcpstat" for a socket there before
 * it; the time in its state where known (a TIME_WAIT's timer, or the
 * kernel), else the polling source's "seen" time, else nothing.
 */
static void test_event_gone_times(void **state)
{
	struct sock_spec tw = { AF_INET, "127.0.0.1", "127.0.0.1", 50178, 9999,
				TCPSTAT_TIME_WAIT, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s = make_sock(&tw);
	struct out_event_detail unknown = { .time_us = 1 }, known = { .in_state_known = true,
								      .in_state_us = 61234567 };
	static const char head[] = "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 gone (was TIME_WAIT";
	const struct {
		struct out_event e;
		const char *tail;
	} cases[] = {
		{ { .kind = OUT_EVENT_GONE, .s = &s, .seen_ms = 999, .older = true },
		  ", older than tcpstat, seen 0.9 s)\n" },
		{ { .kind = OUT_EVENT_GONE, .s = &s, .seen_ms = 900, .older = true,
		    .in_state_known = true, .in_state_ms = 61299 },
		  ", older than tcpstat, 61.2 s)\n" },
		{ { .kind = OUT_EVENT_GONE, .s = &s, .seen_ms = 63100, .in_state_known = true,
		    .in_state_ms = 60050 },
		  ", 60.0 s)\n" },
		{ { .kind = OUT_EVENT_GONE, .s = &s, .detail = &unknown, .older = true },
		  ", older than tcpstat)\n" },
		{ { .kind = OUT_EVENT_GONE, .s = &s, .detail = &known, .older = true },
		  ", older than tcpstat, 61.2 s)\n" },
		{ { .kind = OUT_EVENT_GONE, .s = &s, .detail = &known }, ", 61.2 s)\n" },
		/* The polling source's own time is not the kernel's: a detail's wins. */
		{ { .kind = OUT_EVENT_GONE, .s = &s, .detail = &unknown, .in_state_known = true,
		    .in_state_ms = 5000 }, ")\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct out_event e = cases[i].e;
		char want[256];
		char *got;

		e.stamp = "13:02:11.204";
		snprintf(want, sizeof(want), "%s%s", head, cases[i].tail);
		got = event_text(&e);
		if (strcmp(got, want) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, got, want);
		free(got);
	}
}

/* -E -P: the owner carried, last on the line as the listing's column; "-" when none is known. */
static void test_event_owners(void **state)
{
	struct sock_spec v4 = { AF_INET, "127.0.0.1", "127.0.0.1", 50178, 9999,
				TCPSTAT_TIME_WAIT, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct tcpstat_sock s4 = make_sock(&v4);
	struct tcpstat_owner two[2] = { { 7, 4242, "echo-client" }, { 7, 4243, "a b" } };
	struct tcpstat_owners held = { two, 2 }, none = { NULL, 0 };
	struct out_event_detail d = { .task_pid = 99, .in_state_known = true, .in_state_us = 8,
				      .task_comm = "echo-server" };
	struct out_event e = { .kind = OUT_EVENT_CHANGE, .stamp = "13:02:11.204117", .s = &s4,
			       .old_state = TCPSTAT_FIN_WAIT2, .detail = &d, .owners = &held };
	struct out_config cfg = table_config(false, false);
	struct capture c;

	(void)state;
	cfg.owners = true;
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	e.owners = &none;
	e.detail = NULL;
	e.kind = OUT_EVENT_GONE;
	e.seen_ms = 1000;
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"13:02:11.204117 127.0.0.1:50178 127.0.0.1:9999 FIN_WAIT2 -> TIME_WAIT 0.008 ms "
		"[99 echo-server] 4242/echo-client,4243/a\\x20b\n"
		"13:02:11.204117 127.0.0.1:50178 127.0.0.1:9999 gone (was TIME_WAIT, seen 1.0 s) -\n");
	free(c.buf);
	/* Without -P, as before. */
	e.owners = &held;
	c.buf = event_text(&e);
	assert_string_equal(c.buf, "13:02:11.204117 127.0.0.1:50178 127.0.0.1:9999 "
			    "gone (was TIME_WAIT, seen 1.0 s)\n");
	free(c.buf);
}

/* ---- summary (-S) and count (-c) ------------------------------------------------------- */

static void test_summary(void **state)
{
	struct out_config cfg = table_config(false, false);
	struct out_summary sum;
	struct capture c;

	(void)state;
	memset(&sum, 0, sizeof(sum));
	sum.by_state[TCPSTAT_ESTABLISHED] = 6;
	sum.by_state[TCPSTAT_TIME_WAIT] = 100000;
	sum.by_state[TCPSTAT_LISTEN] = 3;
	sum.total = 100010;
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->summary(&c.o, &sum), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"ESTABLISHED 6\nSYN_SENT    0\nSYN_RECV    0\nFIN_WAIT1   0\nFIN_WAIT2   0\n"
		"TIME_WAIT   100000\nCLOSE       0\nCLOSE_WAIT  0\nLAST_ACK    0\nLISTEN      3\n"
		"CLOSING     0\nTOTAL       100010\n");
	free(c.buf);
}

static void test_count(void **state)
{
	struct out_config cfg = table_config(false, false);
	struct capture c;

	(void)state;
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->count(&c.o, 0), 0);
	assert_int_equal(c.o.fmt->count(&c.o, 42), 0);
	assert_int_equal(c.o.fmt->count(&c.o, 4294967295ul), 0);
	capture_close(&c);
	assert_string_equal(c.buf, "0\n42\n4294967295\n");
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_ipv4_every_form),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_endpoint_v4_ignores_tail),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_user_names),
		cmocka_unit_test(test_rows_shape),
		cmocka_unit_test(test_cell_truncated),
		cmocka_unit_test(test_row_longer_than_buffer),
		cmocka_unit_test(test_row_plain),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_row_process),
		cmocka_unit_test(test_netns_cell),
		cmocka_unit_test(test_row_write_error),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_header_row_alignment),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_event_owners),
		cmocka_unit_test(test_event_gone_times),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
