/*
 * test_prom.c - the Prometheus format of out/ (--metrics): hand-built
 * records in, the exact exposition out; the label escaping; the bounds on
 * TIME_WAIT ports and listeners, whatever the records.
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

#include "out.h"
#include "prom.h"
#include "capture.h"

static struct tcpstat_sock sock(int family, const char *addr, uint16_t port, uint8_t state)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = (uint8_t)family;
	s.state = state;
	inet_pton(family, addr, s.local_addr);
	s.local_port = port;
	return s;
}

static struct tcpstat_sock time_wait(uint16_t port, uint32_t left_ms)
{
	struct tcpstat_sock s = sock(AF_INET, "127.0.0.1", port, TCPSTAT_TIME_WAIT);

	s.timer = TCPSTAT_TIMER_TIMEWAIT;
	s.timer_ms = left_ms;
	return s;
}

static struct tcpstat_sock listener(int family, const char *addr, uint16_t port,
				    uint32_t queue, uint32_t backlog)
{
	struct tcpstat_sock s = sock(family, addr, port, TCPSTAT_LISTEN);

	s.recv_q = queue;
	s.send_q = backlog;
	return s;
}

/* What the format writes for socks (begin, the rows, end); free() it. */
static char *exposition(const struct tcpstat_sock *socks, size_t n, unsigned top,
			const struct out_end *e)
{
	struct out_config cfg = { .kind = OUT_PROM, .metrics_top = top };
	struct capture c;

	capture_open(&c, &cfg);
	assert_ptr_equal(c.o.fmt, &out_prom_format);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	for (size_t i = 0; i < n; i++) {
		struct out_row r = { .s = &socks[i] };

		assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	}
	assert_int_equal(c.o.fmt->end(&c.o, e), 0);
	out_close(&c.o);
	capture_close(&c);
	assert_int_equal(c.len, strlen(c.buf));
	return c.buf;
}

static const struct out_end netlink_end = {
	.backend = "netlink", .backlog_known = true, .duration_ns = 1234567,
};

static void test_exposition(void **state)
{
	const struct tcpstat_sock socks[] = {
		listener(AF_INET, "127.0.0.1", 9999, 2, 128),
		/* Two SO_REUSEPORT listeners on one addr:port: one series, summed. */
		listener(AF_INET6, "::", 80, 1, 4096),
		listener(AF_INET6, "::", 80, 0, 4096),
		time_wait(40000, 1000), time_wait(40000, 59448), time_wait(40000, 30000),
		time_wait(40002, 2000), time_wait(40002, 3000),
		time_wait(40001, 5000),
		sock(AF_INET6, "::1", 9999, TCPSTAT_ESTABLISHED),
		sock(AF_INET, "127.0.0.1", 5000, 42),   /* no state tcpstat knows: left out */
		sock(AF_UNIX, "", 0, TCPSTAT_ESTABLISHED),
	};
	char *text;

	(void)state;
	text = exposition(socks, sizeof(socks) / sizeof(socks[0]), 2, &netlink_end);
	assert_string_equal(text,
		"# HELP tcpstat_sockets TCP sockets matching the filter, by address family and state.\n"
		"# TYPE tcpstat_sockets gauge\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"established\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"syn_sent\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"syn_recv\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"fin_wait1\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"fin_wait2\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"time_wait\"} 6\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"close\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"close_wait\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"last_ack\"} 0\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"listen\"} 1\n"
		"tcpstat_sockets{family=\"ipv4\",state=\"closing\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"established\"} 1\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"syn_sent\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"syn_recv\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"fin_wait1\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"fin_wait2\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"time_wait\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"close\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"close_wait\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"last_ack\"} 0\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"listen\"} 2\n"
		"tcpstat_sockets{family=\"ipv6\",state=\"closing\"} 0\n"
		"# HELP tcpstat_listen_queue_length Connections waiting in the accept queue of the "
		"listening sockets on addr:port.\n"
		"# TYPE tcpstat_listen_queue_length gauge\n"
		"tcpstat_listen_queue_length{addr=\"127.0.0.1\",port=\"9999\"} 2\n"
		"tcpstat_listen_queue_length{addr=\"::\",port=\"80\"} 1\n"
		"# HELP tcpstat_listen_queue_max_length The accept queue's limit (the listen() "
		"backlog) of the listening sockets on addr:port.\n"
		"# TYPE tcpstat_listen_queue_max_length gauge\n"
		"tcpstat_listen_queue_max_length{addr=\"127.0.0.1\",port=\"9999\"} 128\n"
		"tcpstat_listen_queue_max_length{addr=\"::\",port=\"80\"} 8192\n"
		"# HELP tcpstat_time_wait_sockets TIME_WAIT sockets by local port: the ports holding "
		"the most, the rest summed as port=\"other\".\n"
		"# TYPE tcpstat_time_wait_sockets gauge\n"
		"tcpstat_time_wait_sockets{port=\"40000\"} 3\n"
		"tcpstat_time_wait_sockets{port=\"40002\"} 2\n"
		"tcpstat_time_wait_sockets{port=\"other\"} 1\n"
		"# HELP tcpstat_time_wait_longest_remaining_seconds The longest time left on the "
		"timer of a TIME_WAIT socket (0: none).\n"
		"# TYPE tcpstat_time_wait_longest_remaining_seconds gauge\n"
		"tcpstat_time_wait_longest_remaining_seconds 59.448\n"
		"# HELP tcpstat_scrape_duration_seconds How long tcpstat took to list the sockets "
		"and add them up.\n"
		"# TYPE tcpstat_scrape_duration_seconds gauge\n"
		"tcpstat_scrape_duration_seconds 0.001234\n"
		"# HELP tcpstat_build_info tcpstat's version and the backend that answered "
		"(always 1).\n"
		"# TYPE tcpstat_build_info gauge\n"
		"tcpstat_build_info{version=\"" TCPSTAT_VERSION "\",backend=\"netlink\"} 1\n");
	free(text);
}

/* Nothing matched: every family and state still there, at 0; port="other" too. */
static void test_empty(void **state)
{
	struct out_end proc_end = { .backend = "proc", .duration_ns = 5 };
	char *text = exposition(NULL, 0, 10, &proc_end);
	size_t samples = 0;

	(void)state;
	for (char *p = text; (p = strchr(p, '\n')); p++)
		if (p[1] && p[1] != '#')
			samples++;
	assert_int_equal(samples, 22 + 1 + 1 + 1 + 1);
	assert_non_null(strstr(text, "tcpstat_sockets{family=\"ipv6\",state=\"closing\"} 0\n"));
	assert_non_null(strstr(text, "\ntcpstat_time_wait_sockets{port=\"other\"} 0\n"));
	assert_non_null(strstr(text, "\ntcpstat_time_wait_longest_remaining_seconds 0.000\n"));
	assert_non_null(strstr(text, "\ntcpstat_scrape_duration_seconds 0.000000\n"));
	assert_non_null(strstr(text, "backend=\"proc\"} 1\n"));
	assert_non_null(strstr(text, "# TYPE tcpstat_listen_queue_length gauge\n"));
	/* /proc gives no backlog: no family that would say every queue is full. */
	assert_null(strstr(text, "tcpstat_listen_queue_max_length"));
	free(text);
}

static void assert_label(const char *in, const char *want)
{
	char buf[128];
	struct line l;

	line_init(&l, buf, sizeof(buf), NULL);
	prom_label_value(&l, in, strlen(in));
	assert_string_equal(line_str(&l), want);
}

static void test_label_escaping(void **state)
{
	(void)state;
	assert_label("9999", "\"9999\"");
	assert_label("", "\"\"");
	assert_label("a\"b", "\"a\\\"b\"");
	assert_label("back\\slash", "\"back\\\\slash\"");
	assert_label("two\nlines", "\"two\\nlines\"");
	/* Tabs and UTF-8 need no escape in a label value. */
	assert_label("t\tab \xc3\xa9", "\"t\tab \xc3\xa9\"");
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, prefix, len) == 0)
			n++;
	return n;
}

/* Every one of the 65,536 ports in TIME_WAIT: still top + 1 series. */
static void test_time_wait_bounded(void **state)
{
	size_t n = 65536 + 3;
	struct tcpstat_sock *socks = calloc(n, sizeof(*socks));
	char *text;

	(void)state;
	assert_non_null(socks);
	for (size_t i = 0; i < 65536; i++)
		socks[i] = time_wait((uint16_t)i, (uint32_t)(i % 60000));
	socks[65536] = socks[65537] = socks[65538] = time_wait(443, 60000);
	text = exposition(socks, n, 10, &netlink_end);
	assert_int_equal(count_lines(text, "tcpstat_time_wait_sockets{"), 11);
	/* 443 first (4 sockets), then the lowest ports among the ones with 1. */
	assert_non_null(strstr(text, "# TYPE tcpstat_time_wait_sockets gauge\n"
			       "tcpstat_time_wait_sockets{port=\"443\"} 4\n"
			       "tcpstat_time_wait_sockets{port=\"0\"} 1\n"));
	assert_non_null(strstr(text, "tcpstat_time_wait_sockets{port=\"other\"} 65526\n"));
	assert_non_null(strstr(text, "tcpstat_time_wait_longest_remaining_seconds 60.000\n"));
	free(text);
	/* --metrics-top 0: only "other". */
	text = exposition(socks, n, 0, &netlink_end);
	assert_int_equal(count_lines(text, "tcpstat_time_wait_sockets{"), 1);
	assert_non_null(strstr(text, "tcpstat_time_wait_sockets{port=\"other\"} 65539\n"));
	free(text);
	free(socks);
}

/* Past PROM_MAX_LISTENERS distinct addr:port, the rest are summed as "other". */
static void test_listeners_bounded(void **state)
{
	size_t n = PROM_MAX_LISTENERS + 5;
	struct tcpstat_sock *socks = calloc(n, sizeof(*socks));
	char *text;

	(void)state;
	assert_non_null(socks);
	for (size_t i = 0; i < n; i++)
		socks[i] = listener(AF_INET, "10.0.0.1", (uint16_t)(1000 + i), 1, 10);
	text = exposition(socks, n, 10, &netlink_end);
	assert_int_equal(count_lines(text, "tcpstat_listen_queue_length{"), PROM_MAX_LISTENERS + 1);
	assert_int_equal(count_lines(text, "tcpstat_listen_queue_max_length{"),
			 PROM_MAX_LISTENERS + 1);
	/* In port order, and "other" last. */
	assert_non_null(strstr(text, "# TYPE tcpstat_listen_queue_length gauge\n"
			       "tcpstat_listen_queue_length{addr=\"10.0.0.1\",port=\"1000\"} 1\n"
			       "tcpstat_listen_queue_length{addr=\"10.0.0.1\",port=\"1001\"} 1\n"));
	assert_non_null(strstr(text, "tcpstat_listen_queue_length{addr=\"other\",port=\"other\"} 5\n"
			       "# HELP tcpstat_listen_queue_max_length"));
	assert_non_null(strstr(text, "tcpstat_listen_queue_max_length{addr=\"other\",port=\"other\"} 50\n"));
	free(text);
	free(socks);
}

/* The other formats write nothing at the end; -S and -c write nothing here. */
static void test_end_elsewhere(void **state)
{
	struct out_config table = { .kind = OUT_TABLE }, json = { .kind = OUT_JSON },
			  prom = { .kind = OUT_PROM };
	struct out_summary sum = { .total = 3 };
	struct capture c;

	(void)state;
	capture_open(&c, &table);
	assert_int_equal(c.o.fmt->end(&c.o, &netlink_end), 0);
	capture_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);
	capture_open(&c, &json);
	assert_int_equal(c.o.fmt->end(&c.o, &netlink_end), 0);
	capture_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);
	capture_open(&c, &prom);
	assert_int_equal(c.o.fmt->summary(&c.o, &sum), 0);
	assert_int_equal(c.o.fmt->count(&c.o, 3), 0);
	out_close(&c.o);
	capture_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);
}

/* A connection on local port port with tcp_info's RTT (us) and total_retrans. */
static struct tcpstat_sock conn(uint16_t port, uint32_t rtt_us, uint32_t retrans)
{
	struct tcpstat_sock s = sock(AF_INET, "127.0.0.1", port, TCPSTAT_ESTABLISHED);

	s.present |= TCPSTAT_HAS_INFO;
	s.info.have = TCPSTAT_HAVE_I32(TCPSTAT_I_RTT) | TCPSTAT_HAVE_I32(TCPSTAT_I_TOTAL_RETRANS);
	s.info.u32[TCPSTAT_I_RTT] = rtt_us;
	s.info.u32[TCPSTAT_I_TOTAL_RETRANS] = retrans;
	return s;
}

/* What the format writes for socks with cfg (rows labelled by netns_of); free() it. */
static char *exposition_cfg(const struct out_config *cfg, const struct tcpstat_sock *socks,
			    const char *const *labels, size_t n, const struct out_end *e)
{
	struct capture c;

	capture_open(&c, cfg);
	assert_int_equal(c.o.fmt->begin(&c.o), 0);
	for (size_t i = 0; i < n; i++) {
		struct out_row r = { .s = &socks[i], .netns = labels ? labels[i] : NULL };

		assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	}
	assert_int_equal(c.o.fmt->end(&c.o, e), 0);
	out_close(&c.o);
	capture_close(&c);
	return c.buf;
}

static void assert_has(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("missing: %s", line);
}

static size_t count_of(const char *text, const char *what)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void test_histograms(void **state)
{
	const struct tcpstat_sock socks[] = {
		listener(AF_INET, "0.0.0.0", 8080, 0, 128),
		listener(AF_INET6, "::", 9090, 0, 128),
		/* 8080's three: 50 us, 300 us, 2 s; 0, 3 and 600 retransmissions. */
		conn(8080, 50, 0), conn(8080, 300, 3), conn(8080, 2000000, 600),
		/* 9090's one, on a bound (le is "less or equal"); two clients' sockets. */
		conn(9090, 1000, 1), conn(40000, 100, 0), conn(40001, 100, 0),
		/* Without tcp_info (proc, TIME_WAIT): not counted. */
		sock(AF_INET, "127.0.0.1", 8080, TCPSTAT_ESTABLISHED),
	};
	struct out_config cfg = { .kind = OUT_PROM, .metrics_top = 1, .metrics_info = true };
	char *text;

	(void)state;
	text = exposition_cfg(&cfg, socks, NULL, sizeof(socks) / sizeof(socks[0]), &netlink_end);
	assert_has(text, "# TYPE tcpstat_connection_rtt_seconds histogram\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"0.0001\"} 1\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"0.00025\"} 1\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"0.0005\"} 2\n");
	assert_has(text, "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"1\"} 2\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"2.5\"} 3\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"8080\",le=\"+Inf\"} 3\n"
		   "tcpstat_connection_rtt_seconds_sum{port=\"8080\"} 2.000350\n"
		   "tcpstat_connection_rtt_seconds_count{port=\"8080\"} 3\n"
		   "tcpstat_connection_rtt_seconds_bucket{port=\"other\",le=\"0.0001\"} 2\n");
	/* --metrics-top 1: 9090 (one connection) goes to other with the clients. */
	assert_has(text, "tcpstat_connection_rtt_seconds_bucket{port=\"other\",le=\"0.001\"} 3\n");
	assert_has(text, "tcpstat_connection_rtt_seconds_sum{port=\"other\"} 0.001200\n"
		   "tcpstat_connection_rtt_seconds_count{port=\"other\"} 3\n"
		   "# HELP tcpstat_connection_retransmissions ");
	assert_has(text, "# TYPE tcpstat_connection_retransmissions histogram\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"0\"} 1\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"1\"} 1\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"2\"} 1\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"5\"} 2\n");
	assert_has(text, "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"500\"} 2\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"8080\",le=\"+Inf\"} 3\n"
		   "tcpstat_connection_retransmissions_sum{port=\"8080\"} 603\n"
		   "tcpstat_connection_retransmissions_count{port=\"8080\"} 3\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"other\",le=\"0\"} 2\n"
		   "tcpstat_connection_retransmissions_bucket{port=\"other\",le=\"1\"} 3\n");
	assert_int_equal(count_of(text, "_count{"), 4);
	free(text);
	/* Without -i: no histogram. */
	cfg.metrics_info = false;
	text = exposition_cfg(&cfg, socks, NULL, sizeof(socks) / sizeof(socks[0]), &netlink_end);
	assert_null(strstr(text, "histogram"));
	free(text);
}

static void test_netns_labels(void **state)
{
	struct tcpstat_sock socks[] = {
		listener(AF_INET, "127.0.0.1", 7000, 1, 16), time_wait(7001, 500),
		listener(AF_INET, "127.0.0.1", 7100, 2, 32), conn(7100, 100, 0),
	};
	const char *const labels[] = { "blue", "blue", "red", "red" };
	const char *const all[] = { "blue", "red", "empty" };
	struct out_config cfg = { .kind = OUT_PROM, .metrics_top = 10, .metrics_info = true,
				  .netns = true };
	struct out_end e = netlink_end;
	char *text, *line;

	(void)state;
	socks[0].netns = socks[1].netns = 11;
	socks[2].netns = socks[3].netns = 22;
	e.netns = all;
	e.n_netns = 3;
	text = exposition_cfg(&cfg, socks, labels, 4, &e);
	/* Each family once, in one block: every namespace's series inside it. */
	assert_int_equal(count_of(text, "# TYPE "), 9);
	assert_has(text, "tcpstat_sockets{netns=\"blue\",family=\"ipv4\",state=\"time_wait\"} 1\n");
	assert_has(text, "tcpstat_sockets{netns=\"red\",family=\"ipv4\",state=\"listen\"} 1\n");
	assert_has(text, "tcpstat_sockets{netns=\"empty\",family=\"ipv6\",state=\"closing\"} 0\n");
	assert_has(text, "tcpstat_listen_queue_length{netns=\"blue\",addr=\"127.0.0.1\",port=\"7000\"} 1\n"
		   "tcpstat_listen_queue_length{netns=\"red\",addr=\"127.0.0.1\",port=\"7100\"} 2\n"
		   "# HELP");
	assert_has(text, "tcpstat_time_wait_sockets{netns=\"blue\",port=\"7001\"} 1\n"
		   "tcpstat_time_wait_sockets{netns=\"blue\",port=\"other\"} 0\n"
		   "tcpstat_time_wait_sockets{netns=\"red\",port=\"other\"} 0\n"
		   "tcpstat_time_wait_sockets{netns=\"empty\",port=\"other\"} 0\n");
	assert_has(text, "tcpstat_time_wait_longest_remaining_seconds{netns=\"blue\"} 0.500\n");
	assert_has(text, "tcpstat_connection_rtt_seconds_count{netns=\"red\",port=\"7100\"} 1\n");
	assert_has(text, "tcpstat_connection_rtt_seconds_count{netns=\"empty\",port=\"other\"} 0\n");
	/* Every series is labelled but the two about tcpstat's run. */
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] != '#' && strncmp(line, "tcpstat_scrape_", 15) != 0 &&
		    strncmp(line, "tcpstat_build_info", 18) != 0 && !strstr(line, "{netns=\""))
			fail_msg("no netns label: %s", line);
	free(text);
}

/* A listing that ends in an error never reaches end: out_close frees the buffers. */
static void test_netns_closed_early(void **state)
{
	struct tcpstat_sock socks[] = { time_wait(7001, 500), time_wait(7002, 500) };
	struct out_config cfg = { .kind = OUT_PROM, .netns = true };
	struct capture c;

	(void)state;
	socks[1].netns = 5;
	capture_open(&c, &cfg);
	for (size_t i = 0; i < 2; i++) {
		struct out_row r = { .s = &socks[i], .netns = i ? "b" : "a" };

		assert_int_equal(c.o.fmt->row(&c.o, &r), 0);
	}
	out_close(&c.o);
	capture_close(&c);
	assert_int_equal(c.len, 0);
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exposition),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_time_wait_bounded),
		cmocka_unit_test(test_listeners_bounded),
		cmocka_unit_test(test_end_elsewhere),
		cmocka_unit_test(test_histograms),
		cmocka_unit_test(test_netns_labels),
		cmocka_unit_test(test_netns_closed_early),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
