/*
 * test_json.c - the JSON Lines format of out/ (escaping of any bytes, one
 * record per line, events, the summary and count objects) and the column
 * selector of -O (out_add_column).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json.h"
#include "out.h"
#include "capture.h"

static void assert_escaped(const char *in, size_t n, const char *want)
{
	char buf[256];
	struct line l;

	line_init(&l, buf, sizeof(buf), NULL);
	json_string(&l, in, n);
	assert_string_equal(line_str(&l), want);
}

static void test_escaping(void **state)
{
	(void)state;
	assert_escaped("nginx", 5, "\"nginx\"");
	assert_escaped("", 0, "\"\"");
	assert_escaped("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	assert_escaped("tab\there\nnl", 11, "\"tab\\there\\nnl\"");
	assert_escaped("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	/* A NUL inside the bytes is escaped, not an end. */
	assert_escaped("a\0b", 3, "\"a\\u0000b\"");
	/* Valid UTF-8 stays as it is: é, €, 😀. */
	assert_escaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
		       "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* Invalid UTF-8 becomes U+FFFD, byte by byte. */
	assert_escaped("\xff", 1, "\"\\ufffd\"");
	assert_escaped("a\xc3", 2, "\"a\\ufffd\"");                 /* cut sequence */
	assert_escaped("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");        /* overlong '/' */
	assert_escaped("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	assert_escaped("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	assert_escaped("\xe2\x28\xa1", 3, "\"\\ufffd(\\ufffd\"");
}

/*
 * json_cstring (names copied as they are scanned) writes what json_string
 * writes: short and long names, names to escape, bytes that are not
 * UTF-8, in a roomy buffer and in one that is nearly full.
 */
static void test_cstring(void **state)
{
	static const char *const names[] = {
		"", "root", "www-data", "a\"b", "back\\slash", "tab\there", "caf\xc3\xa9",
		"bad\xff", "\x7f", "0123456789012345678901234567890",
		"01234567890123456789012345678901", "012345678901234567890123456789012",
		"0123456789012345678901234567890123456789\"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (size_t fill = 0; fill < 100; fill += 33) {
			char a[128], b[128];
			struct line la, lb;

			line_init(&la, a, sizeof(a), NULL);
			line_init(&lb, b, sizeof(b), NULL);
			line_spaces(&la, fill);
			line_spaces(&lb, fill);
			json_cstring(&la, names[i]);
			json_string(&lb, names[i], strlen(names[i]));
			assert_string_equal(line_str(&la), line_str(&lb));
		}
	}
}

/* A line spilling to a FILE writes everything, however long. */
static void test_spill(void **state)
{
	char small[8], *out = NULL;
	size_t out_len = 0;
	FILE *f = open_memstream(&out, &out_len);
	struct line l;

	(void)state;
	assert_non_null(f);
	line_init(&l, small, sizeof(small), f);
	json_string(&l, "0123456789\"abcdefghij", 21);
	line_pad(&l, 0, 30);
	line_putc(&l, '|');
	assert_int_equal(line_flush(&l), 0);
	fclose(f);
	assert_string_equal(out, "\"0123456789\\\"abcdefghij\"      |");
	free(out);
}

static struct tcpstat_sock v6_listener(void)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET6;
	s.state = TCPSTAT_LISTEN;
	inet_pton(AF_INET6, "::1", s.local_addr);
	s.local_port = 9998;
	s.send_q = 16;
	/* uid 0: the one uid whose name (root) every system has. */
	s.uid = 0;
	s.inode = 123456;
	return s;
}

/* ---- capturing what a format writes ---------------------------------------- */


static const struct out_config json_cfg = { .kind = OUT_JSON };

/* One row as cfg's format writes it; free() the result. */
static char *row_text(const struct out_config *cfg, const struct tcpstat_sock *s,
		      const struct tcpstat_owners *owners)
{
	struct capture c;
	struct out_row r = { .s = s, .owners = owners };

	capture_open(&c, cfg);
	assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	capture_close(&c);
	assert_int_equal(c.len, strlen(c.buf));
	return c.buf;
}

static void test_json_record(void **state)
{
	struct tcpstat_sock s = v6_listener();
	struct capture c;
	char *buf;

	(void)state;
	/* begin writes nothing for JSON, whatever header says */
	struct out_config with_header = { .kind = OUT_JSON, .header = true };
	capture_open(&c, &with_header);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	capture_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);

	buf = row_text(&json_cfg, &s, NULL);
	assert_string_equal(buf,
		"{\"proto\":\"tcp6\",\"state\":\"LISTEN\",\"local_addr\":\"::1\",\"local_port\":9998,"
		"\"peer_addr\":\"::\",\"peer_port\":0,\"recv_q\":0,\"send_q\":16,\"timer\":\"off\","
		"\"timer_ms\":0,\"retrans\":0,\"probes\":0,\"uid\":0,\"inode\":123456,\"user\":\"root\"}\n");
	free(buf);

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = 42;                      /* a state tcpstat has no name for */
	s.local_addr[0] = 127;
	s.local_addr[3] = 1;
	s.timer = TCPSTAT_TIMER_TIMEWAIT;
	s.timer_ms = 59120;
	s.retrans = 1;
	s.probes = 2;
	buf = row_text(&json_cfg, &s, NULL);
	assert_string_equal(buf,
		"{\"proto\":\"tcp\",\"state\":\"?\",\"local_addr\":\"127.0.0.1\",\"local_port\":0,"
		"\"peer_addr\":\"0.0.0.0\",\"peer_port\":0,\"recv_q\":0,\"send_q\":0,"
		"\"timer\":\"timewait\",\"timer_ms\":59120,\"retrans\":1,\"probes\":2,\"uid\":0,"
		"\"inode\":0,\"user\":\"root\"}\n");
	free(buf);
	/* A timer that is off has no time left, whatever the record holds. */
	s.timer = TCPSTAT_TIMER_OFF;
	buf = row_text(&json_cfg, &s, NULL);
	assert_non_null(strstr(buf, "\"timer\":\"off\",\"timer_ms\":0,"));
	free(buf);
	/* An unknown timer kind keeps its number. */
	s.timer = 9;
	buf = row_text(&json_cfg, &s, NULL);
	assert_non_null(strstr(buf, "\"timer\":\"unkn-9\",\"timer_ms\":59120,"));
	free(buf);
}

/* With owners (-P): "pids" and "programs" last, in pid order, names escaped. */
static void test_json_owners(void **state)
{
	struct tcpstat_sock s = v6_listener();
	static const struct tcpstat_owner list[] = {
		{ 123456, 812, "nginx" }, { 123456, 813, "a\"b\xff" },
	};
	struct tcpstat_owners owners = { list, 2 }, none = { NULL, 0 };
	struct out_config cfg = { .kind = OUT_JSON, .owners = true };
	static const char base[] =
		"{\"proto\":\"tcp6\",\"state\":\"LISTEN\",\"local_addr\":\"::1\",\"local_port\":9998,"
		"\"peer_addr\":\"::\",\"peer_port\":0,\"recv_q\":0,\"send_q\":16,\"timer\":\"off\","
		"\"timer_ms\":0,\"retrans\":0,\"probes\":0,\"uid\":0,\"inode\":123456,\"user\":\"root\"";
	char want[1024];
	char *buf;

	(void)state;
	buf = row_text(&cfg, &s, &owners);
	snprintf(want, sizeof(want), "%s,\"pids\":[812,813],"
		 "\"programs\":[\"nginx\",\"a\\\"b\\ufffd\"]}\n", base);
	assert_string_equal(buf, want);
	free(buf);
	/* None found, or not looked up: empty arrays, the keys are still there. */
	snprintf(want, sizeof(want), "%s,\"pids\":[],\"programs\":[]}\n", base);
	buf = row_text(&cfg, &s, &none);
	assert_string_equal(buf, want);
	free(buf);
	buf = row_text(&cfg, &s, NULL);
	assert_string_equal(buf, want);
	free(buf);
	/* Owners not asked for: no keys, even if the row has some. */
	snprintf(want, sizeof(want), "%s}\n", base);
	buf = row_text(&json_cfg, &s, &owners);
	assert_string_equal(buf, want);
	free(buf);
}

/* A JSON row longer than the writer's 512-byte buffer is written whole. */
static void test_json_row_longer_than_buffer(void **state)
{
	struct tcpstat_sock s = v6_listener();
	struct tcpstat_owner list[40];
	struct tcpstat_owners owners = { list, 40 };
	struct out_config cfg = { .kind = OUT_JSON, .owners = true };
	char want[4096], *p = want, *buf;
	size_t left = sizeof(want);
	int n;

	(void)state;
	n = snprintf(p, left,
		"{\"proto\":\"tcp6\",\"state\":\"LISTEN\",\"local_addr\":\"::1\",\"local_port\":9998,"
		"\"peer_addr\":\"::\",\"peer_port\":0,\"recv_q\":0,\"send_q\":16,\"timer\":\"off\","
		"\"timer_ms\":0,\"retrans\":0,\"probes\":0,\"uid\":0,\"inode\":123456,\"user\":\"root\",\"pids\":[");
	p += n, left -= (size_t)n;
	for (unsigned i = 0; i < 40; i++) {
		list[i].inode = 123456;
		list[i].pid = 100000 + i;
		snprintf(list[i].comm, sizeof(list[i].comm), "worker-%08u", i);
		n = snprintf(p, left, "%s%u", i ? "," : "", list[i].pid);
		p += n, left -= (size_t)n;
	}
	n = snprintf(p, left, "],\"programs\":[");
	p += n, left -= (size_t)n;
	for (unsigned i = 0; i < 40; i++) {
		n = snprintf(p, left, "%s\"%s\"", i ? "," : "", list[i].comm);
		p += n, left -= (size_t)n;
	}
	n = snprintf(p, left, "]}\n");
	assert_true(n > 0 && (size_t)n < left);
	assert_true(strlen(want) > 1024);
	buf = row_text(&cfg, &s, &owners);
	assert_string_equal(buf, want);
	free(buf);
}

/*
 * f's json_raw writes what its json op does (want, n bytes), and stores
 * nothing past OUT_JSON_RAW_ROOM: the bytes after it keep their guard.
 */
static void check_raw(const struct out_field *f, const struct out_row *r, const char *want,
		      size_t n)
{
	char raw[OUT_JSON_RAW_ROOM + 16];
	char *end;

	assert_non_null(f->json_raw);
	memset(raw, '#', sizeof(raw));
	end = f->json_raw(raw, r);
	assert_int_equal((size_t)(end - raw), n);
	assert_memory_equal(raw, want, n);
	for (size_t i = OUT_JSON_RAW_ROOM; i < sizeof(raw); i++)
		if (raw[i] != '#')
			fail_msg("%s: stored byte %zu", f->json_key, i);
}

/*
 * Each field's json_max holds: -j copies a run of keys without a check
 * on the strength of it. Records at the edges: the largest numbers, the
 * longest addresses inet_ntop writes, every state and timer number.
 */
static void test_json_max(void **state)
{
	static const char *const v6[] = {
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:255.255.255.255",
		"1111:2222:3333:4444:5555:6666:7777:8888", "::",
	};
	struct tcpstat_sock s;
	struct out_row r = { .s = &s };
	char buf[512];
	struct line l;

	(void)state;
	for (unsigned k = 0; k < 256 * 5; k++) {
		memset(&s, 0xff, sizeof(s));
		s.family = k % 5 == 4 ? AF_INET : AF_INET6;
		if (s.family == AF_INET6) {
			inet_pton(AF_INET6, v6[k % 4], s.local_addr);
			inet_pton(AF_INET6, v6[(k + 1) % 4], s.peer_addr);
		}
		s.state = (uint8_t)(k / 5);
		s.timer = (uint8_t)(k / 5);
		s.present = 0;
		for (int id = 0; id < OUT_F_COUNT; id++) {
			const struct out_field *f = &out_fields[id];

			if (!f->json_max) {
				assert_null(f->json_raw);
				continue;
			}
			line_init(&l, buf, sizeof(buf), NULL);
			f->json(&l, &r);
			if (l.len > f->json_max)
				fail_msg("%s: %zu bytes, json_max %u", f->json_key, l.len,
					 (unsigned)f->json_max);
			check_raw(f, &r, line_str(&l), l.len);
		}
	}
}

/*
 * json_raw against text written out by hand (test_json_max checks only
 * that json and json_raw agree, and json is made from json_raw): the
 * longest IPv6, a mapped IPv4, the largest numbers, and the names for
 * what tcpstat does not know.
 */
static void test_json_raw_literal(void **state)
{
	static const struct {
		int field, family;
		const char *addr;            /* local and peer; NULL: all 0xff bytes */
		uint8_t state, timer;
		const char *want;
	} cases[] = {
		{ OUT_F_LOCAL_ADDR, AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 0,
		  "\"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\"" },
		{ OUT_F_PEER_ADDR, AF_INET6, "::ffff:255.255.255.255", 1, 0,
		  "\"::ffff:255.255.255.255\"" },
		{ OUT_F_PEER_ADDR, AF_INET6, "::", 1, 0, "\"::\"" },
		{ OUT_F_LOCAL_ADDR, AF_INET, NULL, 1, 0, "\"255.255.255.255\"" },
		{ OUT_F_PROTO, AF_INET6, NULL, 1, 0, "\"tcp6\"" },
		{ OUT_F_PROTO, AF_INET, NULL, 1, 0, "\"tcp\"" },
		{ OUT_F_LOCAL_PORT, AF_INET, NULL, 1, 0, "65535" },
		{ OUT_F_RECV_Q, AF_INET, NULL, 1, 0, "4294967295" },
		{ OUT_F_UID, AF_INET, NULL, 1, 0, "4294967295" },
		{ OUT_F_INODE, AF_INET, NULL, 1, 0, "18446744073709551615" },
		{ OUT_F_STATE, AF_INET, NULL, TCPSTAT_CLOSE_WAIT, 0, "\"CLOSE_WAIT\"" },
		{ OUT_F_STATE, AF_INET, NULL, 255, 0, "\"?\"" },
		{ OUT_F_STATE, AF_INET, NULL, 0, 0, "\"?\"" },
		{ OUT_F_TIMER, AF_INET, NULL, 1, TCPSTAT_TIMER_KEEPALIVE, "\"keepalive\"" },
		{ OUT_F_TIMER, AF_INET, NULL, 1, 255, "\"unkn-255\"" },
	};
	struct tcpstat_sock s;
	struct out_row r = { .s = &s };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0xff, sizeof(s));
		s.family = (uint8_t)cases[i].family;
		if (cases[i].addr) {
			assert_int_equal(inet_pton(AF_INET6, cases[i].addr, s.local_addr), 1);
			memcpy(s.peer_addr, s.local_addr, sizeof(s.peer_addr));
		}
		s.state = cases[i].state;
		s.timer = cases[i].timer;
		s.present = 0;
		check_raw(&out_fields[cases[i].field], &r, cases[i].want, strlen(cases[i].want));
	}
}

/* ---- events (-E) ------------------------------------------------------------------------ */

static void test_json_events(void **state)
{
	struct tcpstat_sock s4, s6;
	static const char stamp[] = "13:02:11.204";
	static const char v4[] =
		"\"proto\":\"tcp\",\"local_addr\":\"127.0.0.1\",\"local_port\":50178,"
		"\"peer_addr\":\"127.0.0.1\",\"peer_port\":9999";

	(void)state;
	memset(&s4, 0, sizeof(s4));
	s4.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", s4.local_addr), 1);
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", s4.peer_addr), 1);
	s4.local_port = 50178;
	s4.peer_port = 9999;
	s4.state = TCPSTAT_ESTABLISHED;
	memset(&s6, 0, sizeof(s6));
	s6.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::1", s6.local_addr), 1);
	s6.local_port = 9999;
	s6.state = TCPSTAT_LISTEN;

	const struct {
		struct out_event e;
		const char *event, *tail;
		bool v6;
	} cases[] = {
		{ { OUT_EVENT_NEW, stamp, &s4, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "new", ",\"state\":\"ESTABLISHED\"}\n",
		  false },
		{ { OUT_EVENT_NEW, stamp, &s6, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "new", ",\"state\":\"LISTEN\"}\n", true },
		{ { OUT_EVENT_CHANGE, stamp, &s4, TCPSTAT_SYN_SENT, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "change",
		  ",\"state\":\"ESTABLISHED\",\"old_state\":\"SYN_SENT\"}\n", false },
		{ { OUT_EVENT_CHANGE, stamp, &s4, 99, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "change",
		  ",\"state\":\"ESTABLISHED\",\"old_state\":\"?\"}\n", false },
		{ { OUT_EVENT_GONE, stamp, &s4, 0, 12345, NULL, NULL, NULL, NULL, false, false, 0 }, "gone",
		  ",\"state\":\"ESTABLISHED\",\"seen_ms\":12345}\n", false },
		{ { OUT_EVENT_GONE, stamp, &s6, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "gone",
		  ",\"state\":\"LISTEN\",\"seen_ms\":0}\n", true },
		{ { OUT_EVENT_GONE_UNSEEN, stamp, &s4, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 }, "gone",
		  ",\"state\":\"ESTABLISHED\",\"between_polls\":true}\n", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct capture c;
		char want[512];

		snprintf(want, sizeof(want), "{\"time\":\"13:02:11.204\",\"event\":\"%s\",%s%s",
			 cases[i].event,
			 cases[i].v6 ? "\"proto\":\"tcp6\",\"local_addr\":\"::1\",\"local_port\":9999,"
				       "\"peer_addr\":\"::\",\"peer_port\":0"
				     : v4,
			 cases[i].tail);
		capture_open(&c, &json_cfg);
		assert_int_equal(c.o.fmt->event(&c.o, &cases[i].e), 0);
		capture_close(&c);
		if (strcmp(c.buf, want) != 0)
			fail_msg("case %zu:\n got \"%s\"\nwant \"%s\"", i, c.buf, want);
		free(c.buf);
	}
	/* The whole first line, spelled out once. */
	struct capture c;
	struct out_event e = { OUT_EVENT_NEW, stamp, &s4, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 };

	capture_open(&c, &json_cfg);
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"{\"time\":\"13:02:11.204\",\"event\":\"new\",\"proto\":\"tcp\","
		"\"local_addr\":\"127.0.0.1\",\"local_port\":50178,\"peer_addr\":\"127.0.0.1\","
		"\"peer_port\":9999,\"state\":\"ESTABLISHED\"}\n");
	free(c.buf);
}

/* ---- summary (-S) and count (-c) ------------------------------------------------------- */

static char *capture_summary(bool json)
{
	struct out_config cfg = { .kind = json ? OUT_JSON : OUT_TABLE, .header = true };
	struct out_summary sum;
	struct capture c;

	memset(&sum, 0, sizeof(sum));
	sum.by_state[TCPSTAT_ESTABLISHED] = 6;
	sum.by_state[TCPSTAT_TIME_WAIT] = 100000;
	sum.by_state[TCPSTAT_LISTEN] = 3;
	sum.total = 100010;
	out_default_columns(&cfg, false, false, false);
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->summary(&c.o, &sum), 0);
	capture_close(&c);
	return c.buf;
}

static void test_summary(void **state)
{
	char *text = capture_summary(false), *json = capture_summary(true);

	(void)state;
	assert_string_equal(text,
		"ESTABLISHED 6\nSYN_SENT    0\nSYN_RECV    0\nFIN_WAIT1   0\nFIN_WAIT2   0\n"
		"TIME_WAIT   100000\nCLOSE       0\nCLOSE_WAIT  0\nLAST_ACK    0\nLISTEN      3\n"
		"CLOSING     0\nTOTAL       100010\n");
	assert_string_equal(json,
		"{\"ESTABLISHED\":6,\"SYN_SENT\":0,\"SYN_RECV\":0,\"FIN_WAIT1\":0,\"FIN_WAIT2\":0,"
		"\"TIME_WAIT\":100000,\"CLOSE\":0,\"CLOSE_WAIT\":0,\"LAST_ACK\":0,\"LISTEN\":3,"
		"\"CLOSING\":0,\"total\":100010}\n");
	free(text);
	free(json);
}

static void test_count(void **state)
{
	struct out_config text_cfg = { .kind = OUT_TABLE, .header = true };
	struct capture c;

	(void)state;
	capture_open(&c, &json_cfg);
	assert_int_equal(c.o.fmt->count(&c.o, 0), 0);
	assert_int_equal(c.o.fmt->count(&c.o, 17), 0);
	assert_int_equal(c.o.fmt->count(&c.o, 4294967295ul), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"{\"count\":0}\n{\"count\":17}\n{\"count\":4294967295}\n");
	free(c.buf);

	capture_open(&c, &text_cfg);
	assert_int_equal(c.o.fmt->count(&c.o, 17), 0);
	capture_close(&c);
	assert_string_equal(c.buf, "17\n");
	free(c.buf);
}

/* A write that fails is reported by out_flush, then by every JSON operation. */
static void test_json_write_error(void **state)
{
	struct tcpstat_sock s = v6_listener();
	struct out_row r = { .s = &s, .owners = NULL };
	struct out_event e = { OUT_EVENT_NEW, "13:02:11.204", &s, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 };
	struct out_summary sum = { { 0 }, 0, NULL, 0 };
	char backing[64] = "";
	FILE *f = fmemopen(backing, sizeof(backing), "r");
	struct out o;

	(void)state;
	assert_non_null(f);
	out_open(&o, &json_cfg, f);
	assert_int_equal(o.fmt->begin(&o), 0);   /* writes nothing, so cannot fail */
	assert_int_equal(o.fmt->row(&o, &r), 0);
	assert_int_equal(out_flush(&o), -1);
	assert_int_equal(o.fmt->row(&o, &r), -1);
	assert_int_equal(o.fmt->event(&o, &e), -1);
	assert_int_equal(o.fmt->summary(&o, &sum), -1);
	assert_int_equal(o.fmt->count(&o, 1), -1);
	fclose(f);
}

/* ---- -O's columns ----------------------------------------------------------------------- */

/* Adds each comma-separated name of list, as -O does; the first failure's code. */
static int add_columns(struct out_config *cfg, const char *list)
{
	cfg->n_columns = 0;
	for (;;) {
		const char *comma = strchr(list, ',');
		size_t len = comma ? (size_t)(comma - list) : strlen(list);
		int rc = out_add_column(cfg, list, len);

		if (rc != 0)
			return rc;
		if (!comma)
			return 0;
		list = comma + 1;
	}
}

static void test_columns(void **state)
{
	struct out_config cfg = { .kind = OUT_TABLE, .header = true };
	struct tcpstat_sock s = v6_listener();
	struct capture c;
	char *buf;

	(void)state;
	out_default_columns(&cfg, true, false, false);   /* -O overrides -e's set */
	assert_int_equal(add_columns(&cfg, "state,local-addr,local-port,peer-port,inode"), 0);
	assert_int_equal(cfg.n_columns, 5);
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	capture_close(&c);
	assert_string_equal(c.buf, "State       Local-Addr      L-Port P-Port Inode\n");
	free(c.buf);
	buf = row_text(&cfg, &s, NULL);
	assert_string_equal(buf, "LISTEN      ::1               9998      * 123456\n");
	free(buf);
	/* Any order, repeats allowed; the last column is never padded. */
	assert_int_equal(add_columns(&cfg, "proto,proto"), 0);
	buf = row_text(&cfg, &s, NULL);
	assert_string_equal(buf, "tcp6  tcp6\n");
	free(buf);

	/* A name is matched whole, by its length. */
	cfg.n_columns = 0;
	assert_int_equal(out_add_column(&cfg, "timer", 5), 0);
	assert_int_equal(cfg.n_columns, 1);
	assert_int_equal(cfg.columns[0], OUT_F_TIMER);
	assert_int_equal(out_add_column(&cfg, "time", 4), -1);
	assert_int_equal(out_add_column(&cfg, "timers", 5), 0);      /* "timer" */
	assert_int_equal(cfg.columns[1], OUT_F_TIMER);
	assert_int_equal(out_add_column(&cfg, "TIMER", 5), -1);
	/* JSON-only keys are no columns. */
	assert_int_equal(out_add_column(&cfg, "timer_ms", 8), -1);
	assert_int_equal(out_add_column(&cfg, "pids", 4), -1);
	assert_int_equal(cfg.n_columns, 2);

	/* Every column -O help lists is known by that name. */
	for (int i = 0; i < OUT_F_COUNT; i++) {
		if (!out_fields[i].name)
			continue;
		cfg.n_columns = 0;
		assert_int_equal(out_add_column(&cfg, out_fields[i].name,
						strlen(out_fields[i].name)), 0);
		assert_int_equal(cfg.columns[0], i);
	}

	assert_int_equal(add_columns(&cfg, "state,bogus"), -1);
	assert_int_equal(add_columns(&cfg, "state,"), -1);
	assert_int_equal(add_columns(&cfg, ""), -1);
	char many[OUT_MAX_COLUMNS * 6 + 8] = "uid";
	for (int i = 0; i < OUT_MAX_COLUMNS; i++)
		strcat(many, ",uid");
	assert_int_equal(add_columns(&cfg, many), -2);
	assert_int_equal(cfg.n_columns, OUT_MAX_COLUMNS);
	/* An unknown name is unknown even when the list is full. */
	assert_int_equal(out_add_column(&cfg, "bogus", 5), -1);
}

/* -O help: every column with its text, to the stream. */
/* ---- tcp_info and memory ------------------------------------------------- */

/* An ESTABLISHED record with a short tcp_info (rtt, cwnd, mss; no bytes_sent), cong, memory. */
static struct tcpstat_sock with_info(void)
{
	struct tcpstat_sock s = v6_listener();

	s.state = TCPSTAT_ESTABLISHED;
	s.present = TCPSTAT_HAS_INFO | TCPSTAT_HAS_MEMORY;
	s.info.len = 104;
	s.info.u32[TCPSTAT_I_RTT] = 250;
	s.info.u32[TCPSTAT_I_CWND] = 10;
	s.info.u32[TCPSTAT_I_MSS] = 1000;
	s.info.u32[TCPSTAT_I_OPTIONS] = 3;
	s.info.u64[TCPSTAT_I_DELIVERY_RATE] = 1000;
	s.info.have = TCPSTAT_HAVE_I32(TCPSTAT_I_RTT) | TCPSTAT_HAVE_I32(TCPSTAT_I_CWND) |
		      TCPSTAT_HAVE_I32(TCPSTAT_I_MSS) | TCPSTAT_HAVE_I32(TCPSTAT_I_OPTIONS) |
		      TCPSTAT_HAVE_I64(TCPSTAT_I_DELIVERY_RATE) | TCPSTAT_HAVE_CONG;
	strcpy(s.info.cong, "cubic");
	s.mem.n = 2;
	s.mem.v[TCPSTAT_M_RMEM_ALLOC] = 7;
	s.mem.v[TCPSTAT_M_RCVBUF] = 131072;
	return s;
}

static void test_json_info_memory(void **state)
{
	struct tcpstat_sock s = with_info();
	struct tcpstat_sock l = v6_listener();
	char *text;

	(void)state;
	text = row_text(&json_cfg, &s, NULL);
	assert_non_null(strstr(text, ",\"inode\":123456,\"user\":\"root\",\"info\":{\"rtt_us\":250,\"mss\":1000,"
				     "\"cwnd\":10,\"delivery_rate_bps\":8000,"
				     "\"send_rate_bps\":320000000,\"options\":[\"ts\",\"sack\"],"
				     "\"cong\":\"cubic\"},\"memory\":{\"rmem_alloc\":7,"
				     "\"rcvbuf\":131072}}\n"));
	assert_null(strstr(text, "bytes_sent"));
	free(text);
	/* Nothing reported: no key at all. */
	text = row_text(&json_cfg, &l, NULL);
	assert_null(strstr(text, "info"));
	assert_null(strstr(text, "memory"));
	free(text);
}

static void test_info_columns(void **state)
{
	struct out_config cfg = { .kind = OUT_TABLE, .header = true };
	struct tcpstat_sock s = with_info();
	struct tcpstat_sock l = v6_listener();
	struct out_row rs = { .s = &s }, rl = { .s = &l };
	char buf[64];

	(void)state;
	assert_int_equal(out_add_column(&cfg, "rtt", 3), 0);
	assert_int_equal(out_add_column(&cfg, "bytes-sent", 10), 0);
	assert_int_equal(out_add_column(&cfg, "cong", 4), 0);
	assert_int_equal(out_add_column(&cfg, "rcvbuf", 6), 0);
	assert_int_equal(out_add_column(&cfg, "drops", 5), 0);
	out_field_text(buf, sizeof(buf), OUT_F_RTT, &rs, true);
	assert_string_equal(buf, "250");
	out_field_text(buf, sizeof(buf), OUT_F_BYTES_SENT, &rs, true);
	assert_string_equal(buf, "");
	out_field_text(buf, sizeof(buf), OUT_F_OPTIONS, &rs, true);
	assert_string_equal(buf, "ts,sack");
	out_field_text(buf, sizeof(buf), OUT_F_DROPS, &rs, true);
	assert_string_equal(buf, "");
	out_field_text(buf, sizeof(buf), OUT_F_RTT, &rl, true);
	assert_string_equal(buf, "");
	out_field_text(buf, sizeof(buf), OUT_F_CONG, &rl, true);
	assert_string_equal(buf, "");
	/* Sorting: numbers as numbers, a missing value first. */
	assert_true(out_field_compare(OUT_F_RTT, &rl, &rs) < 0);
	assert_true(out_field_compare(OUT_F_RTT, &rs, &rl) > 0);
	assert_int_equal(out_field_compare(OUT_F_RTT, &rs, &rs), 0);
	l.send_q = 9;
	s.send_q = 100;
	assert_true(out_field_compare(OUT_F_SEND_Q, &rl, &rs) < 0);
	assert_true(out_field_compare(OUT_F_STATE, &rs, &rl) < 0);   /* ESTABLISHED < LISTEN */
	l.family = AF_INET;
	assert_true(out_field_compare(OUT_F_LOCAL, &rl, &rs) < 0);   /* IPv4 first */
}

static void test_columns_help(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(out_columns_help(f), 0);
	assert_int_equal(fclose(f), 0);
	assert_true(strncmp(out, "Columns for -O, --columns", 25) == 0);
	assert_non_null(strstr(out, "\n  local-addr  local address alone (IPv6 without brackets)\n"));
	assert_non_null(strstr(out, "\n  process     pid/program"));
	assert_null(strstr(out, "timer_ms"));
	assert_non_null(strstr(out, "\n  rtt            smoothed round-trip time, microseconds\n"));
	assert_non_null(strstr(out, "\n  drops          packets dropped"));
	free(out);
}

/* -E -P -j: the owners carried, as a listing's pids and programs, before the namespace keys. */
static void test_json_event_owners(void **state)
{
	struct tcpstat_sock s4;
	struct tcpstat_owner one = { 7, 4242, "echo-client" };
	struct tcpstat_owners held = { &one, 1 }, none = { NULL, 0 };
	struct out_event e = { .kind = OUT_EVENT_GONE, .stamp = "13:02:11.204", .s = &s4,
			       .seen_ms = 5, .owners = &held };
	struct out_config cfg = { .kind = OUT_JSON, .owners = true };
	struct capture c;

	(void)state;
	memset(&s4, 0, sizeof(s4));
	s4.family = AF_INET;
	s4.state = TCPSTAT_TIME_WAIT;
	capture_open(&c, &cfg);
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	e.owners = &none;
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	capture_close(&c);
	assert_string_equal(c.buf,
		"{\"time\":\"13:02:11.204\",\"event\":\"gone\",\"proto\":\"tcp\",\"local_addr\":\"0.0.0.0\","
		"\"local_port\":0,\"peer_addr\":\"0.0.0.0\",\"peer_port\":0,\"state\":\"TIME_WAIT\","
		"\"seen_ms\":5,\"pids\":[4242],\"programs\":[\"echo-client\"]}\n"
		"{\"time\":\"13:02:11.204\",\"event\":\"gone\",\"proto\":\"tcp\",\"local_addr\":\"0.0.0.0\","
		"\"local_port\":0,\"peer_addr\":\"0.0.0.0\",\"peer_port\":0,\"state\":\"TIME_WAIT\","
		"\"seen_ms\":5,\"pids\":[],\"programs\":[]}\n");
	free(c.buf);
}

/*
 * Gone's times as keys: seen_ms as always; in_state_ms where the polling
 * source knows it (an integer: milliseconds); older_than_tcpstat where the
 * table says "older than tcpstat", for either source.
 */
static void test_json_gone_times(void **state)
{
	struct tcpstat_sock s4;
	struct out_event_detail unknown = { .time_us = 7 };
	struct out_event e = { .kind = OUT_EVENT_GONE, .stamp = "t", .s = &s4, .seen_ms = 900,
			       .older = true, .in_state_known = true, .in_state_ms = 61299 };
	static const char head[] =
		"{\"time\":\"t\",\"event\":\"gone\",\"proto\":\"tcp\",\"local_addr\":\"0.0.0.0\","
		"\"local_port\":0,\"peer_addr\":\"0.0.0.0\",\"peer_port\":0,\"state\":\"TIME_WAIT\",";
	char want[1024];
	struct capture c;

	(void)state;
	memset(&s4, 0, sizeof(s4));
	s4.family = AF_INET;
	s4.state = TCPSTAT_TIME_WAIT;
	capture_open(&c, &json_cfg);
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	e.older = false;
	e.in_state_known = false;
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	/* The eBPF source: its detail's keys; in_state_ms only from there. */
	e.older = true;
	e.in_state_known = true;
	e.seen_ms = 0;
	e.detail = &unknown;
	assert_int_equal(c.o.fmt->event(&c.o, &e), 0);
	capture_close(&c);
	snprintf(want, sizeof(want),
		 "%s\"seen_ms\":900,\"in_state_ms\":61299,\"older_than_tcpstat\":true}\n"
		 "%s\"seen_ms\":900}\n"
		 "%s\"seen_ms\":0,\"older_than_tcpstat\":true,\"time_us\":7}\n", head, head, head);
	assert_string_equal(c.buf, want);
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_cstring),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_json_record),
		cmocka_unit_test(test_json_owners),
		cmocka_unit_test(test_json_row_longer_than_buffer),
		cmocka_unit_test(test_json_max),
		cmocka_unit_test(test_json_raw_literal),
		cmocka_unit_test(test_json_events),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_json_write_error),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_columns_help),
		cmocka_unit_test(test_json_info_memory),
		cmocka_unit_test(test_info_columns),
		cmocka_unit_test(test_json_event_owners),
		cmocka_unit_test(test_json_gone_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
