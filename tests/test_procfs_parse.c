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
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ahead.h"
#include "chunkq.h"
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

/* A small seeded generator, so a failure repeats. */
static uint64_t next_rand(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005u + 1442695040888963407u;
	return *seed >> 17;
}

/*
 * Random lines in the kernel's own layout (the fixed-width path) and the
 * same lines with their blanks doubled or digits lowercased (the token
 * path, or the fixed path on other bytes): every one gives the record its
 * numbers say, and both paths the same record, byte for byte.
 */
static void test_fixed_and_tokens_agree(void **state)
{
	uint64_t seed = 19;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		int family = i % 2 ? AF_INET6 : AF_INET;
		size_t words = family == AF_INET ? 1 : 4;
		uint32_t addr[2][4], port[2], st, tx, rx, tr, retr, uid, probes;
		uint64_t when, inode;
		char line[512], odd[1024];
		struct tcpstat_sock a, b;
		int n = 0;

		for (int e = 0; e < 2; e++) {
			for (size_t w = 0; w < 4; w++)
				addr[e][w] = (uint32_t)next_rand(&seed);
			port[e] = (uint32_t)(next_rand(&seed) % 65536);
		}
		st = (uint32_t)(next_rand(&seed) % 256);
		tx = (uint32_t)next_rand(&seed) >> (next_rand(&seed) % 32);
		rx = (uint32_t)next_rand(&seed) >> (next_rand(&seed) % 32);
		tr = (uint32_t)(next_rand(&seed) % 6);
		/* 8 digits, or 16 (a large or, before 3.6, negative delta). */
		when = i % 7 == 0 ? next_rand(&seed) << 20 : next_rand(&seed) % 0x100000000u;
		retr = (uint32_t)next_rand(&seed) >> (next_rand(&seed) % 32);
		uid = (uint32_t)next_rand(&seed) >> (next_rand(&seed) % 32);
		probes = (uint32_t)(next_rand(&seed) % 10);
		inode = next_rand(&seed) >> (next_rand(&seed) % 40);
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%4d: ", i);
		for (int e = 0; e < 2; e++) {
			for (size_t w = 0; w < words; w++)
				n += snprintf(line + n, sizeof(line) - (size_t)n, "%08X", addr[e][w]);
			n += snprintf(line + n, sizeof(line) - (size_t)n, ":%04X ", port[e]);
		}
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      "%02X %08X:%08X %02X:%08llX %08X %5u %8u %llu 1 0000000000000000 20 4 0",
			      st, tx, rx, tr, (unsigned long long)when, retr, uid, probes,
			      (unsigned long long)inode);
		assert_int_equal(procfs_parse_line(line, (size_t)n, family, 100, &a), 0);
		for (int e = 0; e < 2; e++) {
			const uint8_t *got = e ? a.peer_addr : a.local_addr;

			assert_memory_equal(got, addr[e], 4 * words);
			assert_int_equal(e ? a.peer_port : a.local_port, port[e]);
		}
		assert_int_equal(a.state, st);
		assert_int_equal(a.send_q, tx);
		assert_int_equal(a.recv_q, rx);
		assert_int_equal(a.timer, tr);
		assert_int_equal(a.retrans, retr);
		assert_int_equal(a.uid, uid);
		assert_int_equal(a.probes, probes);
		assert_int_equal(a.inode, inode);

		/* Every blank doubled: not the kernel's widths, the same record. */
		size_t m = 0;

		for (int k = 0; k < n; k++) {
			odd[m++] = line[k];
			if (line[k] == ' ' && k > 6)
				odd[m++] = ' ';
			else if (i % 3 == 0 && line[k] >= 'A' && line[k] <= 'F')
				odd[m - 1] = (char)(line[k] - 'A' + 'a');
		}
		assert_int_equal(procfs_parse_line(odd, m, family, 100, &b), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* A byte that is no hex digit, anywhere in (2) to (7), is refused on either path. */
static void test_fixed_refuses_non_hex(void **state)
{
	static const char good[] =
		"   0: 0100007F:270F 0100007F:A2C4 06 00000000:00000000 03:00001770 00000000     0        0 0 3";
	static const char bad[] = "G/:@`g\x80";
	struct tcpstat_sock s;
	char line[sizeof(good)];

	(void)state;
	assert_int_equal(procfs_parse_line(good, strlen(good), AF_INET, 100, &s), 0);
	for (size_t at = 6; at < 71; at++) {
		if (good[at] == ' ' || good[at] == ':')
			continue;
		for (size_t k = 0; k < sizeof(bad) - 1; k++) {
			memcpy(line, good, sizeof(good));
			line[at] = bad[k];
			if (procfs_parse_line(line, strlen(good), AF_INET, 100, &s) == 0)
				fail_msg("'%c' (0x%02x) at %zu accepted", bad[k], (unsigned char)bad[k], at);
		}
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

/* ---- tcp6 read ahead: lines across chunks (issue 19 goal 4) ------------- */

static size_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, cap);
	assert_true(n > 0 && (size_t)n < cap);
	close(fd);
	return (size_t)n;
}

/* Publishes text cut at the offsets in cuts (ascending), then ends with rc. */
static void fill_queue(struct chunkq *q, const char *text, size_t len, const size_t *cuts,
		       unsigned ncuts, int rc)
{
	size_t from = 0;

	for (unsigned i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : len;
		void *slot = chunkq_slot(q);

		assert_non_null(slot);
		memcpy(slot, text + from, to - from);
		chunkq_publish(q, to - from);
		from = to;
	}
	chunkq_end(q, rc);
}

static int dump_cut(const char *text, size_t len, const size_t *cuts, unsigned ncuts,
		    int end_rc, struct collected *c, struct tcpstat_error *err)
{
	struct chunkq q;
	int rc;

	assert_int_equal(chunkq_init(&q, CHUNKQ_MAX, len > 0 ? len : 1), 0);
	fill_queue(&q, text, len, cuts, ncuts, end_rc);
	rc = procfs_dump_chunks(&q, "tcp6", AF_INET6, 100, collect, c, err);
	chunkq_free(&q);
	return rc;
}

/* Cut in two at every offset, and in three around a 1 to 3 byte middle: as read(). */
static void test_chunks_split_everywhere(void **state)
{
	static char text[4096];
	static struct collected ref, got;
	struct tcpstat_error err = { 0 };
	size_t len = slurp("fixtures/proc_net_tcp6.txt", text, sizeof(text));

	(void)state;
	ref.n = 0;
	assert_int_equal(dump_file("fixtures/proc_net_tcp6.txt", AF_INET6, &ref, &err), 0);
	assert_true(ref.n > 0);
	for (size_t k = 0; k <= len; k++) {
		for (size_t m = 0; m <= 3 && k + m <= len; m++) {
			size_t cuts[2] = { k, k + m };

			got.n = 0;
			assert_int_equal(dump_cut(text, len, cuts, m ? 2 : 1, 0, &got, &err), 0);
			assert_int_equal(got.n, ref.n);
			assert_memory_equal(got.socks, ref.socks, ref.n * sizeof(ref.socks[0]));
		}
	}
}

/* The producer's error is a read error; an end inside a line is a truncation. */
static void test_chunks_errors(void **state)
{
	static char text[4096];
	static struct collected c;
	struct tcpstat_error err = { 0 };
	size_t len = slurp("fixtures/proc_net_tcp6.txt", text, sizeof(text));
	size_t cut = 300;

	(void)state;
	c.n = 0;
	assert_int_equal(dump_cut(text, len, &cut, 1, -EIO, &c, &err), -EIO);
	assert_int_equal(err.errnum, EIO);
	assert_non_null(strstr(err.msg, "tcp6"));
	c.n = 0;
	assert_int_equal(dump_cut(text, len - 5, &cut, 1, 0, &c, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "truncated"));
	c.n = 0;
	assert_int_equal(dump_cut(text, 0, NULL, 0, 0, &c, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "empty"));
}

struct counted {
	unsigned long n, stop_after;
};

static int count_sock(const struct tcpstat_sock *s, void *arg)
{
	struct counted *c = arg;

	(void)s;
	return ++c->n == c->stop_after ? 7 : 0;
}

/* The fixture's header, then its first line as often as fills bytes; *lines says how often. */
static int big_fd(size_t bytes, unsigned long *lines)
{
	static char text[4096];
	size_t len = slurp("fixtures/proc_net_tcp6.txt", text, sizeof(text));
	const char *first = (const char *)memchr(text, '\n', len) + 1;
	const char *second = (const char *)memchr(first, '\n', len - (size_t)(first - text)) + 1;
	int fd = memfd_create("procfs-big", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, (size_t)(first - text)), first - text);
	*lines = bytes / (size_t)(second - first) + 1;
	for (unsigned long i = 0; i < *lines; i++)
		assert_int_equal(write(fd, first, (size_t)(second - first)), second - first);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Whether the reader waits on a full queue, before the end of its file (up to 5 s). */
static bool reader_blocked(struct chunkq *q)
{
	for (int i = 0; i < 500; i++) {
		bool full, ended;

		pthread_mutex_lock(&q->lock);
		full = q->count == q->nchunks;
		ended = q->ended;
		pthread_mutex_unlock(&q->lock);
		if (full || ended)
			return full && !ended;
		usleep(10 * 1000);
	}
	return false;
}

/*
 * The real reader thread: every line of a file twice the queue's size, and
 * a stop after 3 sockets while the reader waits on the full queue, which
 * must end its wait (a hang here is a test timeout).
 */
static void test_ahead_thread(void **state)
{
	const size_t bytes = 2UL * PROCFS_AHEAD_CHUNKS * PROCFS_AHEAD_CHUNK;
	struct tcpstat_error err = { 0 };

	(void)state;
	for (unsigned long stop = 0; stop <= 3; stop += 3) {
		struct counted c = { .n = 0, .stop_after = stop };
		struct procfs_ahead a;
		unsigned long lines;
		int fd = big_fd(bytes, &lines);

		assert_int_equal(procfs_ahead_start(&a, fd), 0);
		assert_int_equal(procfs_dump_chunks(&a.q, "big", AF_INET6, 100, count_sock, &c,
						    &err), stop ? 7 : 0);
		if (stop)
			assert_true(reader_blocked(&a.q));
		procfs_ahead_stop(&a);
		close(fd);
		assert_int_equal(c.n, stop ? stop : lines);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_ipv4),
		cmocka_unit_test(test_fixture_ipv6),
		cmocka_unit_test(test_fixture_states),
		cmocka_unit_test(test_odd_whitespace),
		cmocka_unit_test(test_fixed_and_tokens_agree),
		cmocka_unit_test(test_fixed_refuses_non_hex),
		cmocka_unit_test(test_truncated_lines),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_timer_units),
		cmocka_unit_test(test_dump_errors),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_emit_stops),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_chunks_split_everywhere),
		cmocka_unit_test(test_chunks_errors),
		cmocka_unit_test(test_ahead_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
