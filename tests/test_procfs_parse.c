/*
 * test_procfs_parse.c - the /proc/net/tcp parser on fixture files captured
 * from a real kernel (tests/fixtures/) and on hand-made bad lines.
 * Addresses in the fixtures are as a little-endian machine prints them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procfs.h"

#define MAX_RECORDS 32

struct collected {
	struct tcpstat_sock socks[MAX_RECORDS];
	unsigned n;
	unsigned stop_after;   /* 0: never stop */
};

static int collect(const struct tcpstat_sock *s, void *arg)
{
	struct collected *c = arg;

	assert_true(c->n < MAX_RECORDS);
	c->socks[c->n++] = *s;
	if (c->stop_after && c->n == c->stop_after)
		return 7;
	return 0;
}

static int dump_file(const char *path, int family, struct collected *c,
		     struct tcpstat_error *err)
{
	int fd = open(path, O_RDONLY);
	int rc;

	assert_true(fd >= 0);
	rc = procfs_dump_fd(fd, path, family, 100, collect, c, err);
	close(fd);
	return rc;
}

/* An fd reading exactly `len` bytes of text. */
static int text_fd(const char *text, size_t len)
{
	int fd = memfd_create("procfs-test", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static int dump_text(const char *text, struct collected *c, struct tcpstat_error *err)
{
	int fd = text_fd(text, strlen(text));
	int rc = procfs_dump_fd(fd, "test", AF_INET, 100, collect, c, err);

	close(fd);
	return rc;
}

static void assert_v4(const uint8_t addr[16], const char *text)
{
	uint8_t want[4];

	assert_int_equal(inet_pton(AF_INET, text, want), 1);
	assert_memory_equal(addr, want, 4);
}

static void assert_v6(const uint8_t addr[16], const char *text)
{
	uint8_t want[16];

	assert_int_equal(inet_pton(AF_INET6, text, want), 1);
	assert_memory_equal(addr, want, 16);
}

static void test_fixture_ipv4(void **state)
{
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };

	(void)state;
	assert_int_equal(dump_file("fixtures/proc_net_tcp.txt", AF_INET, &c, &err), 0);
	assert_int_equal(c.n, 7);
	/* LISTEN 127.0.0.1:9999, wildcard peer */
	assert_int_equal(c.socks[0].family, AF_INET);
	assert_int_equal(c.socks[0].state, TCPSTAT_LISTEN);
	assert_v4(c.socks[0].local_addr, "127.0.0.1");
	assert_int_equal(c.socks[0].local_port, 9999);
	assert_v4(c.socks[0].peer_addr, "0.0.0.0");
	assert_int_equal(c.socks[0].peer_port, 0);
	assert_int_equal(c.socks[0].inode, 7479);
	/* CLOSE_WAIT with one unread byte (the FIN): rx_queue 1 */
	assert_int_equal(c.socks[1].state, TCPSTAT_CLOSE_WAIT);
	assert_int_equal(c.socks[1].recv_q, 1);
	assert_int_equal(c.socks[1].send_q, 0);
	assert_int_equal(c.socks[1].peer_port, 40003);
	/* TIME_WAIT: timer 3, 0x1738 = 5944 ticks = 59.44 s, inode 0 */
	assert_int_equal(c.socks[4].state, TCPSTAT_TIME_WAIT);
	assert_int_equal(c.socks[4].timer, TCPSTAT_TIMER_TIMEWAIT);
	assert_int_equal(c.socks[4].timer_ms, 59440);
	assert_int_equal(c.socks[4].inode, 0);
	assert_int_equal(c.socks[4].local_port, 40002);
	assert_int_equal(c.socks[5].state, TCPSTAT_FIN_WAIT2);
}

static void test_fixture_ipv6(void **state)
{
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };

	(void)state;
	assert_int_equal(dump_file("fixtures/proc_net_tcp6.txt", AF_INET6, &c, &err), 0);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.socks[0].family, AF_INET6);
	assert_v6(c.socks[0].local_addr, "::");
	assert_int_equal(c.socks[0].local_port, 9997);
	assert_v6(c.socks[1].local_addr, "::1");
	assert_v6(c.socks[1].peer_addr, "::");
	assert_int_equal(c.socks[3].state, TCPSTAT_TIME_WAIT);
	assert_int_equal(c.socks[3].timer_ms, 59490);
	/* IPv4-mapped: ::ffff:127.0.0.1 */
	assert_v6(c.socks[6].local_addr, "::ffff:127.0.0.1");
	assert_v6(c.socks[6].peer_addr, "::ffff:127.0.0.1");
	assert_int_equal(c.socks[6].peer_port, 40021);
}

/* Every state code, and every timer kind, with their columns. */
static void test_fixture_states(void **state)
{
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };

	(void)state;
	assert_int_equal(dump_file("fixtures/proc_net_tcp_states.txt", AF_INET, &c, &err), 0);
	assert_int_equal(c.n, 12);
	for (unsigned i = 0; i < 11; i++) {
		assert_int_equal(c.socks[i].state, i + 1);
		assert_int_equal(c.socks[i].local_port, i + 1);
	}
	/* keepalive 0x26AA = 9898 ticks; tx 0xA, rx 0x14; uid 1000; probes 2 */
	assert_int_equal(c.socks[0].timer, TCPSTAT_TIMER_KEEPALIVE);
	assert_int_equal(c.socks[0].timer_ms, 98980);
	assert_int_equal(c.socks[0].send_q, 10);
	assert_int_equal(c.socks[0].recv_q, 20);
	assert_int_equal(c.socks[0].uid, 1000);
	assert_int_equal(c.socks[0].probes, 2);
	/* retransmit timer with 3 retransmits */
	assert_int_equal(c.socks[1].timer, TCPSTAT_TIMER_ON);
	assert_int_equal(c.socks[1].retrans, 3);
	assert_int_equal(c.socks[1].timer_ms, 1000);
	/* orphaned FIN_WAIT2 minisocket: state 5 with the timewait timer */
	assert_int_equal(c.socks[4].timer, TCPSTAT_TIMER_TIMEWAIT);
	assert_int_equal(c.socks[4].timer_ms, 30000);
	/* LISTEN: rx_queue is the accept queue */
	assert_int_equal(c.socks[9].recv_q, 5);
	/* zero-window probe timer, 5 probes */
	assert_int_equal(c.socks[11].timer, TCPSTAT_TIMER_PROBE);
	assert_int_equal(c.socks[11].probes, 5);
	assert_int_equal(c.socks[11].timer_ms, 5000);
}

static const char good_line[] =
	"   2: 0100007F:9C55 0100007F:270D 01 00000000:00000000 00:00000000 00000000     0"
	"        0 7494 2 000000002039592e 20 0 0 10 -1";

static void test_odd_whitespace(void **state)
{
	static const char *const lines[] = {
		"2: 0100007F:9C55 0100007F:270D 01 00000000:00000000 00:00000000 00000000 0 0 7494",
		"\t2:\t0100007F:9C55  0100007F:270D\t01 00000000:00000000 00:00000000 00000000 0 0 7494   ",
		"        2:     0100007F:9C55 0100007F:270D 01 00000000:00000000 00:00000000 00000000 0 0 7494",
	};
	struct tcpstat_sock s;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(procfs_parse_line(lines[i], strlen(lines[i]), AF_INET, 100, &s), 0);
		assert_int_equal(s.local_port, 40021);
		assert_int_equal(s.peer_port, 9997);
		assert_int_equal(s.inode, 7494);
	}
}

/* Every prefix of a good line is missing a field and must be refused. */
static void test_truncated_lines(void **state)
{
	struct tcpstat_sock s;
	size_t full = strlen(good_line);

	(void)state;
	assert_int_equal(procfs_parse_line(good_line, full, AF_INET, 100, &s), 0);
	/*
	 * Every cut before the inode column is an error. A cut inside the inode
	 * reads as a smaller number: the dump catches that line by its
	 * missing '\n' (test_dump_errors).
	 */
	const char *inode = strstr(good_line, "7494");
	for (size_t len = 0; len <= (size_t)(inode - good_line); len++) {
		int field = procfs_parse_line(good_line, len, AF_INET, 100, &s);

		if (field == 0)
			fail_msg("a line cut at %zu bytes was accepted", len);
		assert_true(field >= PROCFS_FIELD_SL && field <= PROCFS_FIELD_INODE);
	}
}

struct bad_line {
	const char *line;
	int family;
	int field;
};

static void test_malformed_lines(void **state)
{
	static const struct bad_line cases[] = {
		{ "garbage", AF_INET, PROCFS_FIELD_SL },
		{ "", AF_INET, PROCFS_FIELD_SL },
		{ "x: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_SL },
		{ "2 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_SL },
		{ "2: 0100007G:9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_LOCAL },
		{ "2: 100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_LOCAL },
		{ "2: 0100007F:9C5 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_LOCAL },
		{ "2: 0100007F:9C55:1 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_LOCAL },
		{ "2: 0100007F9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_LOCAL },
		/* An IPv4 address in the tcp6 file is malformed there. */
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0 1", AF_INET6, PROCFS_FIELD_LOCAL },
		{ "2: 0100007F:9C55 0100007F:270D- 01 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_REMOTE },
		{ "2: 0100007F:9C55 0100007F:270D 1FF 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_ST },
		{ "2: 0100007F:9C55 0100007F:270D ZZ 0:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_ST },
		{ "2: 0100007F:9C55 0100007F:270D 01 0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_QUEUES },
		{ "2: 0100007F:9C55 0100007F:270D 01 100000000:0 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_QUEUES },
		{ "2: 0100007F:9C55 0100007F:270D 01 0: 00:0 0 0 0 1", AF_INET, PROCFS_FIELD_QUEUES },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 100:0 0 0 0 1", AF_INET, PROCFS_FIELD_TIMER },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:-1 0 0 0 1", AF_INET, PROCFS_FIELD_TIMER },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 X 0 0 1", AF_INET, PROCFS_FIELD_RETRNSMT },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 -1 0 1", AF_INET, PROCFS_FIELD_UID },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 4294967296 0 1", AF_INET, PROCFS_FIELD_UID },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 1e 1", AF_INET, PROCFS_FIELD_TIMEOUT },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0 18446744073709551616", AF_INET,
		  PROCFS_FIELD_INODE },
		{ "2: 0100007F:9C55 0100007F:270D 01 0:0 00:0 0 0 0", AF_INET, PROCFS_FIELD_INODE },
	};
	struct tcpstat_sock s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int field = procfs_parse_line(cases[i].line, strlen(cases[i].line), cases[i].family,
					      100, &s);

		if (field != cases[i].field)
			fail_msg("'%s': field %d, expected %d", cases[i].line, field, cases[i].field);
	}
	assert_string_equal(procfs_field_name(PROCFS_FIELD_ST), "st");
	assert_string_equal(procfs_field_name(0), "?");
	assert_string_equal(procfs_field_name(99), "?");
}

static void test_timer_units(void **state)
{
	static const char line[] =
		"0: 0100007F:0001 0100007F:1001 06 0:0 03:0000170F 0 0 0 0";
	static const char negative[] =
		"0: 0100007F:0001 0100007F:1001 06 0:0 03:FFFFFFFFFFFFFFF0 0 0 0 0";
	static const char huge[] =
		"0: 0100007F:0001 0100007F:1001 06 0:0 03:100000000 0 0 0 0";
	static const char off[] =
		"0: 0100007F:0001 0100007F:1001 01 0:0 00:00000064 0 0 0 0";
	struct tcpstat_sock s;

	(void)state;
	assert_int_equal(procfs_parse_line(line, strlen(line), AF_INET, 100, &s), 0);
	assert_int_equal(s.timer_ms, 59030);
	/* USER_HZ 250: 5903 ticks = 23.612 s */
	assert_int_equal(procfs_parse_line(line, strlen(line), AF_INET, 250, &s), 0);
	assert_int_equal(s.timer_ms, 23612);
	/* USER_HZ 1000 and a nonsense hz (falls back to 100) */
	assert_int_equal(procfs_parse_line(line, strlen(line), AF_INET, 1000, &s), 0);
	assert_int_equal(s.timer_ms, 5903);
	assert_int_equal(procfs_parse_line(line, strlen(line), AF_INET, 0, &s), 0);
	assert_int_equal(s.timer_ms, 59030);
	/* Old kernels printed an overdue timer as a negative number: none left. */
	assert_int_equal(procfs_parse_line(negative, strlen(negative), AF_INET, 100, &s), 0);
	assert_int_equal(s.timer_ms, 0);
	/* Longer than 32 bits of milliseconds can hold: clamped. */
	assert_int_equal(procfs_parse_line(huge, strlen(huge), AF_INET, 100, &s), 0);
	assert_int_equal(s.timer_ms, UINT32_MAX);
	/* No timer: no time, whatever the column says. */
	assert_int_equal(procfs_parse_line(off, strlen(off), AF_INET, 100, &s), 0);
	assert_int_equal(s.timer_ms, 0);
}

#define HEADER "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt\n"

static void test_dump_errors(void **state)
{
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };

	(void)state;
	/* The last line lacks its '\n': the file was cut. */
	assert_int_equal(dump_text(HEADER "0: 0100007F:0001 0100007F:1001 01 0:0 00:0 0 0 0 5", &c,
				   &err), -EBADMSG);
	assert_string_equal(err.msg, "test:2: truncated or overlong line");
	assert_int_equal(c.n, 0);
	/* No header */
	c.n = 0;
	assert_int_equal(dump_text("0: 0100007F:0001 0100007F:1001 01 0:0 00:0 0 0 0 5\n", &c,
				   &err), -EBADMSG);
	assert_string_equal(err.msg, "test:1: not a /proc/net/tcp header");
	/* Empty file */
	assert_int_equal(dump_text("", &c, &err), -EBADMSG);
	assert_string_equal(err.msg, "test:1: empty file, expected a header");
	/* A bad line after a good one: the good one came through, then the error. */
	c.n = 0;
	assert_int_equal(dump_text(HEADER "0: 0100007F:0001 0100007F:1001 01 0:0 00:0 0 0 0 5\n"
				   "1: 0100007F:0001 0100007F:1001 XX 0:0 00:0 0 0 0 5\n", &c, &err),
			 -EBADMSG);
	assert_int_equal(c.n, 1);
	assert_string_equal(err.msg, "test:3: malformed field 4 (st)");
	/* Only a header: no sockets, no error. */
	c.n = 0;
	assert_int_equal(dump_text(HEADER, &c, &err), 0);
	assert_int_equal(c.n, 0);
}

/* A line longer than the read buffer is refused, not split. */
static void test_overlong_line(void **state)
{
	size_t len = sizeof(HEADER) - 1 + 70000 + 1;
	char *text = malloc(len + 1);
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };
	int fd, rc;

	(void)state;
	assert_non_null(text);
	memcpy(text, HEADER, sizeof(HEADER) - 1);
	memset(text + sizeof(HEADER) - 1, '0', 70000);
	text[len - 1] = '\n';
	text[len] = '\0';
	fd = text_fd(text, len);
	rc = procfs_dump_fd(fd, "test", AF_INET, 100, collect, &c, &err);
	close(fd);
	free(text);
	assert_int_equal(rc, -EBADMSG);
	assert_string_equal(err.msg, "test:2: truncated or overlong line");
}

/* emit's non-zero value stops the dump and comes back unchanged. */
static void test_emit_stops(void **state)
{
	struct collected c = { .n = 0, .stop_after = 2 };
	struct tcpstat_error err = { 0 };

	(void)state;
	assert_int_equal(dump_file("fixtures/proc_net_tcp.txt", AF_INET, &c, &err), 7);
	assert_int_equal(c.n, 2);
}

static void test_read_error(void **state)
{
	struct collected c = { .n = 0 };
	struct tcpstat_error err = { 0 };
	int fd = open("fixtures", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(procfs_dump_fd(fd, "fixtures", AF_INET, 100, collect, &c, &err), -EISDIR);
	assert_int_equal(err.errnum, EISDIR);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_ipv4),
		cmocka_unit_test(test_fixture_ipv6),
		cmocka_unit_test(test_fixture_states),
		cmocka_unit_test(test_odd_whitespace),
		cmocka_unit_test(test_truncated_lines),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_timer_units),
		cmocka_unit_test(test_dump_errors),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_emit_stops),
		cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
