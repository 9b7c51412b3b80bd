/*
 * test_json.c - the JSON writer (escaping of any bytes, one record per
 * line, the summary object) and the column selector of -O.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "json.h"
#include "options.h"
#include "print.h"

static void assert_escaped(const char *in, size_t n, const char *want)
{
	char buf[256];
	struct line l;

	line_init(&l, buf, sizeof(buf), NULL);
	json_string(&l, in, n);
	assert_string_equal(buf, want);
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
	s.uid = 1000;
	s.inode = 123456;
	return s;
}

static void test_json_record(void **state)
{
	struct tcpstat_sock s = v6_listener();
	char buf[PRINT_LINE_MAX];

	(void)state;
	print_format_json(buf, sizeof(buf), &s);
	assert_string_equal(buf,
		"{\"proto\":\"tcp6\",\"state\":\"LISTEN\",\"local_addr\":\"::1\",\"local_port\":9998,"
		"\"peer_addr\":\"::\",\"peer_port\":0,\"recv_q\":0,\"send_q\":16,\"timer\":\"off\","
		"\"timer_ms\":0,\"retrans\":0,\"probes\":0,\"uid\":1000,\"inode\":123456}\n");

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = 42;                      /* a state tcpstat has no name for */
	s.local_addr[0] = 127;
	s.local_addr[3] = 1;
	s.timer = TCPSTAT_TIMER_TIMEWAIT;
	s.timer_ms = 59120;
	s.retrans = 1;
	s.probes = 2;
	print_format_json(buf, sizeof(buf), &s);
	assert_string_equal(buf,
		"{\"proto\":\"tcp\",\"state\":\"?\",\"local_addr\":\"127.0.0.1\",\"local_port\":0,"
		"\"peer_addr\":\"0.0.0.0\",\"peer_port\":0,\"recv_q\":0,\"send_q\":0,"
		"\"timer\":\"timewait\",\"timer_ms\":59120,\"retrans\":1,\"probes\":2,\"uid\":0,"
		"\"inode\":0}\n");
	/* A timer that is off has no time left, whatever the record holds. */
	s.timer = TCPSTAT_TIMER_OFF;
	print_format_json(buf, sizeof(buf), &s);
	assert_non_null(strstr(buf, "\"timer\":\"off\",\"timer_ms\":0,"));
}

static char *capture_summary(bool json)
{
	unsigned long counts[TCPSTAT_STATE_MAX + 1] = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	counts[TCPSTAT_ESTABLISHED] = 6;
	counts[TCPSTAT_TIME_WAIT] = 100000;
	counts[TCPSTAT_LISTEN] = 3;
	assert_non_null(f);
	assert_int_equal(print_summary(f, counts, 100010, json), 0);
	fclose(f);
	return out;
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

static void test_columns(void **state)
{
	struct print_opts o = { .extend = true };   /* -O overrides -e's set */
	struct tcpstat_error err;
	struct tcpstat_sock s = v6_listener();
	char buf[PRINT_LINE_MAX];

	(void)state;
	assert_int_equal(opts_parse_columns("state,local-addr,local-port,peer-port,inode", &o,
					    &err), 0);
	assert_int_equal(o.n_columns, 5);
	print_format_header(buf, sizeof(buf), &o);
	assert_string_equal(buf, "State       Local-Addr      L-Port P-Port Inode\n");
	print_format_row(buf, sizeof(buf), &s, &o);
	assert_string_equal(buf, "LISTEN      ::1               9998      * 123456\n");
	/* Any order, repeats allowed; the last column is never padded. */
	assert_int_equal(opts_parse_columns("proto,proto", &o, &err), 0);
	print_format_row(buf, sizeof(buf), &s, &o);
	assert_string_equal(buf, "tcp6  tcp6\n");
	assert_int_equal(print_column_by_name("timer", 5), PRINT_COL_TIMER);
	assert_int_equal(print_column_by_name("time", 4), -1);

	assert_int_equal(opts_parse_columns("state,bogus", &o, &err), -1);
	assert_string_equal(err.msg, "invalid column 'bogus' (see -O help for the names)");
	assert_int_equal(opts_parse_columns("state,", &o, &err), -1);
	assert_string_equal(err.msg, "invalid column '' (see -O help for the names)");
	char many[PRINT_MAX_COLUMNS * 6 + 8] = "uid";
	for (int i = 0; i < PRINT_MAX_COLUMNS; i++)
		strcat(many, ",uid");
	assert_int_equal(opts_parse_columns(many, &o, &err), -1);
	assert_string_equal(err.msg, "too many columns (at most 32)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_spill),
		cmocka_unit_test(test_json_record),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
