/*
 * test_options.c - the command line: opts_parse on whole argument lists
 * (defaults, every option short and long, the error message of every bad
 * value) and its three value parsers, opts_parse_ports, opts_parse_states
 * and opts_parse_prefix, on their own.
 */
#include <errno.h>
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

#include "netlink.h"
#include "options.h"

#define MAX_ARGS 80

#define BIT(st) (1u << TCPSTAT_##st)
/* The groups as ss(8) defines them (iproute2 misc/ss.c scan_state). */
#define CONNECTED (TCPSTAT_STATES_ALL & ~(BIT(LISTEN) | BIT(CLOSE)))
#define SYNCHRONIZED (CONNECTED & ~BIT(SYN_SENT))
#define BUCKET (BIT(SYN_RECV) | BIT(TIME_WAIT))
#define BIG (TCPSTAT_STATES_ALL & ~BUCKET)

/*
 * Runs opts_parse on "tcpstat" followed by args (NULL-terminated). getopt
 * permutes argv, so every call gets a fresh, mutable copy of the strings
 * and of the pointer array.
 */
/* Whether the table shows column id. */
static bool has_column(const struct tcpstat_opts *o, int id)
{
	for (unsigned i = 0; i < o->out.n_columns; i++)
		if (o->out.columns[i] == id)
			return true;
	return false;
}

static int parse_args(const char *const *args, struct tcpstat_opts *o,
		      struct tcpstat_error *err)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0, rc;

	argv[argc++] = strdup("tcpstat");
	for (size_t i = 0; args[i]; i++) {
		assert_true(argc <= MAX_ARGS);
		argv[argc++] = strdup(args[i]);
	}
	argv[argc] = NULL;
	for (int i = 0; i < argc; i++)
		assert_non_null(argv[i]);
	memset(err, 0, sizeof(*err));
	rc = opts_parse(argc, argv, o, err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

/* ---- -i, -m, --sort, --top, -K ------------------------------------------- */

static void test_info_sort_kill(void **state)
{
	static struct tcpstat_opts o;
	struct tcpstat_error err;
	const char *info[] = { "-i", "-m", "--sort=-rtt,local-port", "--top", "3", NULL };
	const char *cols[] = { "-O", "state,cwnd", NULL };
	const char *plain[] = { "-p", "9999", NULL };
	const char *kill[] = { "-K", "--dry-run", "-s", "time-wait", NULL };
	const char *kill_all[] = { "-K", "--all", NULL };

	(void)state;
	assert_int_equal(parse_args(info, &o, &err), 0);
	assert_int_equal(o.dump.want, NL_WANT_INFO | NL_WANT_MEMORY);
	assert_true(has_column(&o, OUT_F_RTT));
	assert_true(has_column(&o, OUT_F_CONG));
	assert_true(has_column(&o, OUT_F_DROPS));
	assert_int_equal(o.sort.n, 2);
	assert_int_equal(o.sort.key[0], OUT_F_RTT);
	assert_true(o.sort.descending[0]);
	assert_int_equal(o.sort.key[1], OUT_F_LOCAL_PORT);
	assert_false(o.sort.descending[1]);
	assert_int_equal(o.top, 3);
	/* A tcp_info column asks for tcp_info, without -i. */
	assert_int_equal(parse_args(cols, &o, &err), 0);
	assert_int_equal(o.dump.want, NL_WANT_INFO);
	assert_int_equal(parse_args(plain, &o, &err), 0);
	assert_int_equal(o.dump.want, 0);
	assert_int_equal(o.sort.n, 0);
	assert_false(has_column(&o, OUT_F_RTT));
	assert_int_equal(parse_args(kill, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_KILL);
	assert_true(o.dry_run);
	assert_int_equal(o.dump.backend, DUMP_NETLINK);
	assert_int_equal(parse_args(kill_all, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_KILL);
}

/* ---- defaults ----------------------------------------------------------- */

static void test_defaults(void **state)
{
	static const char *const none[] = { NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(none, &o, &err), 0);
	assert_int_equal(o.action, OPTS_LIST);
	assert_int_equal(o.lists.states, TCPSTAT_STATES_ALL);
	assert_true(o.lists.ipv4);
	assert_true(o.lists.ipv6);
	assert_int_equal(o.lists.n_port, 0);
	assert_int_equal(o.lists.n_sport, 0);
	assert_int_equal(o.lists.n_dport, 0);
	assert_int_equal(o.lists.n_src, 0);
	assert_int_equal(o.lists.n_dst, 0);
	assert_true(o.out.header);
	assert_int_equal(o.dump.backend, DUMP_AUTO);
	assert_int_equal(o.report, OPTS_REPORT_ROWS);
	assert_int_equal(o.out.kind, OUT_TABLE);
	assert_false(o.verbose);
	assert_false(has_column(&o, OUT_F_USER));
	assert_false(has_column(&o, OUT_F_TIMER));
	assert_false(o.out.plain);
	assert_false(o.out.owners);
	assert_false(o.dump.owners);
	/* netstat's six columns */
	assert_int_equal(o.out.n_columns, 6);
	assert_int_equal(o.out.columns[5], OUT_F_STATE);
}

/* --metrics, --metrics-file (which implies it) and --metrics-top. */
static void test_metrics_options(void **state)
{
	static const char *const plain[] = { "--metrics", "-p", "443", NULL };
	static const char *const file[] = { "--metrics-file", "/run/t.prom", "-w", "5",
					    "--metrics-top", "0", NULL };
	static const char *const file_json[] = { "--metrics-file", "t.prom", "-j", NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(plain, &o, &err), 0);
	assert_int_equal(o.out.kind, OUT_PROM);
	assert_int_equal(o.out.metrics_top, 10);
	assert_int_equal(o.report, OPTS_REPORT_ROWS);
	assert_null(o.metrics_file);
	assert_int_equal(o.lists.n_port, 1);
	assert_int_equal(parse_args(file, &o, &err), 0);
	assert_int_equal(o.out.kind, OUT_PROM);
	assert_int_equal(o.out.metrics_top, 0);
	assert_int_equal(o.mode, OPTS_MODE_WATCH);
	assert_int_equal(o.watch_ms, 5000);
	/* (It points into argv, which parse_args has freed.) */
	assert_non_null(o.metrics_file);
	/* --metrics-file clashes as --metrics does. */
	assert_int_equal(parse_args(file_json, &o, &err), -EINVAL);
	assert_string_equal(err.msg, "--metrics prints no rows: it cannot go with --json and "
			    "--columns");
}

/* opts_parse starts from a clean struct and a reset getopt every time. */
static void test_no_state_carried_over(void **state)
{
	static const char *const first[] = { "-4", "-l", "-p", "80", "-e", "-H", "-B", "proc",
					     NULL };
	static const char *const second[] = { NULL };
	static const char *const bad[] = { "-z", NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(first, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 1);
	assert_int_equal(parse_args(bad, &o, &err), -EINVAL);
	assert_int_equal(parse_args(second, &o, &err), 0);
	assert_int_equal(o.lists.states, TCPSTAT_STATES_ALL);
	assert_true(o.lists.ipv4 && o.lists.ipv6);
	assert_int_equal(o.lists.n_port, 0);
	assert_false(has_column(&o, OUT_F_USER));
	assert_true(o.out.header);
	assert_int_equal(o.dump.backend, DUMP_AUTO);
	/* The same list twice gives the same result (optind was reset). */
	assert_int_equal(parse_args(first, &o, &err), 0);
	assert_int_equal(parse_args(first, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 1);
	assert_int_equal(o.lists.states, BIT(LISTEN));
}

/* ---- flags, short and long ---------------------------------------------- */

/* Fields left out are the defaults: OPTS_LIST, a header, DUMP_AUTO. */
_Static_assert(OPTS_LIST == 0 && DUMP_AUTO == 0, "zero is the default");

struct flags_case {
	const char *args[8];
	enum opts_action action;
	bool no_header, count, json, summary, quiet, verbose, extend, timers, plain;
	enum dump_backend backend;
	unsigned n_columns;
};

static const struct flags_case flags_cases[] = {
	{ { "-o" }, .timers = true },
	{ { "--timers" }, .timers = true },
	{ { "-e" }, .extend = true },
	{ { "--extend" }, .extend = true },
	{ { "-eo" }, .extend = true, .timers = true },
	{ { "-H" }, .no_header = true },
	{ { "--no-header" }, .no_header = true },
	{ { "-c" }, .count = true },
	{ { "--count" }, .count = true },
	{ { "-j" }, .json = true },
	{ { "--json" }, .json = true },
	{ { "-S" }, .summary = true },
	{ { "--summary" }, .summary = true },
	{ { "-q" }, .quiet = true },
	{ { "--quiet" }, .quiet = true },
	{ { "-v" }, .verbose = true },
	{ { "--verbose" }, .verbose = true },
	{ { "-h" }, .action = OPTS_HELP },
	{ { "--help" }, .action = OPTS_HELP },
	{ { "-V" }, .action = OPTS_VERSION },
	{ { "--version" }, .action = OPTS_VERSION },
	{ { "-B", "auto" }, .backend = DUMP_AUTO },
	{ { "-B", "netlink" }, .backend = DUMP_NETLINK },
	{ { "-B", "proc" }, .backend = DUMP_PROC },
	{ { "-B", "procfs" }, .backend = DUMP_PROC },
	{ { "-Bnetlink" }, .backend = DUMP_NETLINK },
	{ { "--backend", "proc" }, .backend = DUMP_PROC },
	{ { "--backend=netlink" }, .backend = DUMP_NETLINK },
	{ { "--backend", "netlink", "-B", "auto" }, .backend = DUMP_AUTO },   /* the last wins */
	{ { "-O", "help" }, .action = OPTS_COLUMNS_HELP },
	{ { "--columns=help" }, .action = OPTS_COLUMNS_HELP },
	{ { "-O", "state,local" }, .n_columns = 2 },
	{ { "--columns", "proto,uid,timer" }, .n_columns = 3 },
	/* -O with -H: plain fields; either alone: padded. */
	{ { "-H", "-O", "state" }, .no_header = true, .n_columns = 1,
	  .plain = true },
	{ { "-Ostate", "--no-header" }, .no_header = true, .n_columns = 1,
	  .plain = true },
	{ { "-j", "-S" }, .json = true, .summary = true },
	{ { "-j", "-c" }, .json = true, .count = true },
	/* -q wins over -c: the exit status only. */
	{ { "-Hcq" }, .no_header = true, .quiet = true },
};

static void test_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(flags_cases) / sizeof(flags_cases[0]); i++) {
		const struct flags_case *c = &flags_cases[i];
		struct tcpstat_opts o;
		struct tcpstat_error err;
		int rc = parse_args(c->args, &o, &err);

		if (rc != 0)
			fail_msg("case %zu (%s): rc %d: %s", i, c->args[0], rc, err.msg);
		bool count = o.report == OPTS_REPORT_COUNT, summary = o.report == OPTS_REPORT_SUMMARY;
		bool quiet = o.report == OPTS_REPORT_NONE, json = o.out.kind == OUT_JSON;
		bool extend = has_column(&o, OUT_F_USER), timers = has_column(&o, OUT_F_TIMER);
		unsigned n_columns = c->n_columns ? o.out.n_columns : 0;

		if (o.action != c->action || o.out.header == c->no_header || count != c->count ||
		    json != c->json || summary != c->summary || quiet != c->quiet ||
		    o.verbose != c->verbose || (!c->n_columns && extend != c->extend) ||
		    (!c->n_columns && timers != c->timers) || o.out.plain != c->plain ||
		    o.dump.backend != c->backend || n_columns != c->n_columns)
			fail_msg("case %zu (%s %s): action %d header %d count %d json %d "
				 "summary %d quiet %d verbose %d extend %d timers %d plain %d "
				 "backend %d columns %u", i, c->args[0],
				 c->args[1] ? c->args[1] : "", o.action, o.out.header, count,
				 json, summary, quiet, o.verbose, extend, timers, o.out.plain,
				 o.dump.backend, n_columns);
		/* None of these touch the selection. */
		assert_int_equal(o.lists.states, TCPSTAT_STATES_ALL);
		assert_true(o.lists.ipv4 && o.lists.ipv6);
	}
}

/* ---- ports ---------------------------------------------------------------- */

static void test_port_options(void **state)
{
	static const char *const one[] = { "-p", "9999", NULL };
	static const char *const range[] = { "--port", "9000-9999", NULL };
	static const char *const glued[] = { "-p80", "--port=443", "-p", "1-1023", NULL };
	static const char *const sides[] = { "--sport", "22", "--dport", "1024-65535",
					     "--sport=2222", "--dport=80", "--dport", "443",
					     NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(one, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 1);
	assert_int_equal(o.lists.port[0].lo, 9999);
	assert_int_equal(o.lists.port[0].hi, 9999);
	assert_int_equal(o.lists.n_sport, 0);
	assert_int_equal(o.lists.n_dport, 0);

	assert_int_equal(parse_args(range, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 1);
	assert_int_equal(o.lists.port[0].lo, 9000);
	assert_int_equal(o.lists.port[0].hi, 9999);

	assert_int_equal(parse_args(glued, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 3);
	assert_int_equal(o.lists.port[0].lo, 80);
	assert_int_equal(o.lists.port[0].hi, 80);
	assert_int_equal(o.lists.port[1].lo, 443);
	assert_int_equal(o.lists.port[1].hi, 443);
	assert_int_equal(o.lists.port[2].lo, 1);
	assert_int_equal(o.lists.port[2].hi, 1023);

	assert_int_equal(parse_args(sides, &o, &err), 0);
	assert_int_equal(o.lists.n_port, 0);
	assert_int_equal(o.lists.n_sport, 2);
	assert_int_equal(o.lists.sport[0].lo, 22);
	assert_int_equal(o.lists.sport[0].hi, 22);
	assert_int_equal(o.lists.sport[1].lo, 2222);
	assert_int_equal(o.lists.sport[1].hi, 2222);
	assert_int_equal(o.lists.n_dport, 3);
	assert_int_equal(o.lists.dport[0].lo, 1024);
	assert_int_equal(o.lists.dport[0].hi, 65535);
	assert_int_equal(o.lists.dport[1].lo, 80);
	assert_int_equal(o.lists.dport[2].lo, 443);
	assert_int_equal(o.lists.dport[2].hi, 443);
}

/* TCPSTAT_MAX_FILTERS values of one list are fine, one more is an error. */
static void test_too_many_values(void **state)
{
	static const struct {
		const char *option, *value, *msg;
	} lists[] = {
		{ "-p", "80", "too many --port values (at most 32)" },
		{ "--port", "80", "too many --port values (at most 32)" },
		{ "--sport", "1-2", "too many --sport values (at most 32)" },
		{ "--dport", "65535", "too many --dport values (at most 32)" },
		{ "--src", "10.0.0.0/8", "too many --src values (at most 32)" },
		{ "--dst", "::1", "too many --dst values (at most 32)" },
	};

	(void)state;
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		const char *args[2 * (TCPSTAT_MAX_FILTERS + 1) + 1];
		struct tcpstat_opts o;
		struct tcpstat_error err;
		unsigned *n = NULL;

		for (int i = 0; i < TCPSTAT_MAX_FILTERS; i++) {
			args[2 * i] = lists[l].option;
			args[2 * i + 1] = lists[l].value;
		}
		args[2 * TCPSTAT_MAX_FILTERS] = NULL;
		assert_int_equal(parse_args(args, &o, &err), 0);
		switch (l) {
		case 0:
		case 1:
			n = &o.lists.n_port;
			break;
		case 2:
			n = &o.lists.n_sport;
			break;
		case 3:
			n = &o.lists.n_dport;
			break;
		case 4:
			n = &o.lists.n_src;
			break;
		default:
			n = &o.lists.n_dst;
			break;
		}
		assert_int_equal(*n, TCPSTAT_MAX_FILTERS);

		args[2 * TCPSTAT_MAX_FILTERS] = lists[l].option;
		args[2 * TCPSTAT_MAX_FILTERS + 1] = lists[l].value;
		args[2 * TCPSTAT_MAX_FILTERS + 2] = NULL;
		assert_int_equal(parse_args(args, &o, &err), -EINVAL);
		assert_string_equal(err.msg, lists[l].msg);
	}
}

/* ---- states ---------------------------------------------------------------- */

struct states_case {
	const char *args[8];
	uint32_t states;
};

static const struct states_case states_cases[] = {
	/* netstat's names */
	{ { "-s", "ESTABLISHED" }, BIT(ESTABLISHED) },
	{ { "-s", "SYN_SENT" }, BIT(SYN_SENT) },
	{ { "-s", "SYN_RECV" }, BIT(SYN_RECV) },
	{ { "-s", "FIN_WAIT1" }, BIT(FIN_WAIT1) },
	{ { "-s", "FIN_WAIT2" }, BIT(FIN_WAIT2) },
	{ { "-s", "TIME_WAIT" }, BIT(TIME_WAIT) },
	{ { "-s", "CLOSE" }, BIT(CLOSE) },
	{ { "-s", "CLOSE_WAIT" }, BIT(CLOSE_WAIT) },
	{ { "-s", "LAST_ACK" }, BIT(LAST_ACK) },
	{ { "-s", "LISTEN" }, BIT(LISTEN) },
	{ { "-s", "CLOSING" }, BIT(CLOSING) },
	/* ss's spellings */
	{ { "-s", "time-wait" }, BIT(TIME_WAIT) },
	{ { "-s", "syn-recv" }, BIT(SYN_RECV) },
	{ { "-s", "syn-sent" }, BIT(SYN_SENT) },
	{ { "-s", "fin-wait-1" }, BIT(FIN_WAIT1) },
	{ { "-s", "fin-wait-2" }, BIT(FIN_WAIT2) },
	{ { "-s", "established" }, BIT(ESTABLISHED) },
	{ { "-s", "estab" }, BIT(ESTABLISHED) },
	{ { "-s", "listening" }, BIT(LISTEN) },
	{ { "-s", "close-wait" }, BIT(CLOSE_WAIT) },
	{ { "-s", "last-ack" }, BIT(LAST_ACK) },
	{ { "-s", "closed" }, BIT(CLOSE) },
	{ { "-s", "closing" }, BIT(CLOSING) },
	{ { "-s", "syn-rcv" }, BIT(SYN_RECV) },
	/* textbook names */
	{ { "-s", "SYN_RCVD" }, BIT(SYN_RECV) },
	{ { "-s", "FIN_WAIT_1" }, BIT(FIN_WAIT1) },
	{ { "-s", "FIN_WAIT_2" }, BIT(FIN_WAIT2) },
	/* any case */
	{ { "-s", "listen" }, BIT(LISTEN) },
	{ { "-s", "Time_Wait" }, BIT(TIME_WAIT) },
	{ { "-s", "TIME-WAIT" }, BIT(TIME_WAIT) },
	{ { "-s", "eStAbLiShEd" }, BIT(ESTABLISHED) },
	{ { "-s", "Fin-Wait-1" }, BIT(FIN_WAIT1) },
	/* groups, as ss defines them */
	{ { "-s", "all" }, TCPSTAT_STATES_ALL },
	{ { "-s", "ALL" }, TCPSTAT_STATES_ALL },
	{ { "-s", "connected" }, CONNECTED },
	{ { "-s", "synchronized" }, SYNCHRONIZED },
	{ { "-s", "bucket" }, BUCKET },
	{ { "-s", "big" }, BIG },
	{ { "-s", "Connected" }, CONNECTED },
	/* comma lists and repeats: the union */
	{ { "-s", "LISTEN,ESTABLISHED" }, BIT(LISTEN) | BIT(ESTABLISHED) },
	{ { "-s", "time-wait,close-wait,LAST_ACK" },
	  BIT(TIME_WAIT) | BIT(CLOSE_WAIT) | BIT(LAST_ACK) },
	{ { "-s", "LISTEN", "-s", "ESTABLISHED" }, BIT(LISTEN) | BIT(ESTABLISHED) },
	{ { "--state", "LISTEN", "--state=syn-recv" }, BIT(LISTEN) | BIT(SYN_RECV) },
	{ { "-sbucket", "-s", "LISTEN" }, BUCKET | BIT(LISTEN) },
	{ { "-s", "listen,LISTEN,Listening" }, BIT(LISTEN) },
	{ { "-s", "bucket,big" }, TCPSTAT_STATES_ALL },
	{ { "-s", "LISTEN,CLOSE,connected" }, TCPSTAT_STATES_ALL },
	/* -l alone: LISTEN only; with -s: added */
	{ { "-l" }, BIT(LISTEN) },
	{ { "--listening" }, BIT(LISTEN) },
	{ { "-l", "-s", "ESTABLISHED" }, BIT(LISTEN) | BIT(ESTABLISHED) },
	{ { "-s", "ESTABLISHED", "-l" }, BIT(LISTEN) | BIT(ESTABLISHED) },
	{ { "-l", "-l" }, BIT(LISTEN) },
	{ { "-ls", "time-wait" }, BIT(LISTEN) | BIT(TIME_WAIT) },
	{ { "-l", "-s", "connected" }, CONNECTED | BIT(LISTEN) },
};

static void test_state_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(states_cases) / sizeof(states_cases[0]); i++) {
		const struct states_case *c = &states_cases[i];
		struct tcpstat_opts o;
		struct tcpstat_error err;
		int rc = parse_args(c->args, &o, &err);

		if (rc != 0)
			fail_msg("case %zu (%s %s): rc %d: %s", i, c->args[0],
				 c->args[1] ? c->args[1] : "", rc, err.msg);
		if (o.lists.states != c->states)
			fail_msg("case %zu (%s %s): states %#x, expected %#x", i, c->args[0],
				 c->args[1] ? c->args[1] : "", o.lists.states, c->states);
	}
}

/* The groups' masks, spelt out state by state. */
static void test_state_groups(void **state)
{
	(void)state;
	assert_int_equal(TCPSTAT_STATES_ALL, 0xffe);
	assert_int_equal(CONNECTED, BIT(ESTABLISHED) | BIT(SYN_SENT) | BIT(SYN_RECV) |
			 BIT(FIN_WAIT1) | BIT(FIN_WAIT2) | BIT(TIME_WAIT) | BIT(CLOSE_WAIT) |
			 BIT(LAST_ACK) | BIT(CLOSING));
	assert_int_equal(SYNCHRONIZED, BIT(ESTABLISHED) | BIT(SYN_RECV) | BIT(FIN_WAIT1) |
			 BIT(FIN_WAIT2) | BIT(TIME_WAIT) | BIT(CLOSE_WAIT) | BIT(LAST_ACK) |
			 BIT(CLOSING));
	assert_int_equal(BIG, BIT(ESTABLISHED) | BIT(SYN_SENT) | BIT(FIN_WAIT1) |
			 BIT(FIN_WAIT2) | BIT(CLOSE) | BIT(CLOSE_WAIT) | BIT(LAST_ACK) |
			 BIT(LISTEN) | BIT(CLOSING));
}

/* ---- families ---------------------------------------------------------------- */

static void test_family_options(void **state)
{
	static const struct {
		const char *args[4];
		bool ipv4, ipv6;
	} cases[] = {
		{ { NULL }, true, true },
		{ { "-4" }, true, false },
		{ { "--ipv4" }, true, false },
		{ { "-6" }, false, true },
		{ { "--ipv6" }, false, true },
		{ { "-4", "-6" }, true, true },
		{ { "-6", "-4" }, true, true },
		{ { "-46" }, true, true },
		{ { "--ipv6", "--ipv4" }, true, true },
		{ { "-4", "-4" }, true, false },
		{ { "-6", "--ipv6" }, false, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_opts o;
		struct tcpstat_error err;

		assert_int_equal(parse_args(cases[i].args, &o, &err), 0);
		if (o.lists.ipv4 != cases[i].ipv4 || o.lists.ipv6 != cases[i].ipv6)
			fail_msg("case %zu (%s): ipv4 %d ipv6 %d", i,
				 cases[i].args[0] ? cases[i].args[0] : "(none)",
				 o.lists.ipv4, o.lists.ipv6);
		assert_int_equal(o.lists.states, TCPSTAT_STATES_ALL);
	}
}

/* ---- addresses ----------------------------------------------------------------- */

static void assert_prefix(const struct tcpstat_prefix *p, int family, unsigned len,
			  const char *addr)
{
	uint8_t want[16];

	memset(want, 0, sizeof(want));
	assert_int_equal(inet_pton(family, addr, want), 1);
	assert_int_equal(p->family, family);
	assert_int_equal(p->len, len);
	assert_memory_equal(p->addr, want, sizeof(want));
}

static void test_address_options(void **state)
{
	static const char *const args[] = {
		"--src", "127.0.0.1", "--src=10.1.2.3/8", "--src", "[::1]",
		"--dst", "2001:db8::1/32", "--dst=[fe80::1]/10", NULL,
	};
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(args, &o, &err), 0);
	assert_int_equal(o.lists.n_src, 3);
	assert_prefix(&o.lists.src[0], AF_INET, 32, "127.0.0.1");
	assert_prefix(&o.lists.src[1], AF_INET, 8, "10.0.0.0");
	assert_prefix(&o.lists.src[2], AF_INET6, 128, "::1");
	assert_int_equal(o.lists.n_dst, 2);
	assert_prefix(&o.lists.dst[0], AF_INET6, 32, "2001:db8::");
	assert_prefix(&o.lists.dst[1], AF_INET6, 10, "fe80::");
	/* Addresses leave the families alone: -4/-6 are separate. */
	assert_true(o.lists.ipv4 && o.lists.ipv6);
}

/* ---- every error ------------------------------------------------------------------ */

#define BAD_PORT(p) "invalid port '" p "' (expected 1-65535 or a range such as 9000-9999)"
/* Not digits: tried as a service name too (issue 12). */
#define BAD_SERVICE(p) "invalid port '" p "' (expected 1-65535, a range such as 9000-9999 " \
	"or a service name)"
#define BAD_ADDR(a) "invalid address '" a "' (expected an IPv4 or IPv6 address, " \
	"optionally /PREFIX)"
#define BAD_STATE(s) "invalid state '" s "' (expected a state or group, such as established, time-wait, connected)"

struct error_case {
	const char *args[8];
	const char *msg;
};

static const struct error_case error_cases[] = {
	/* ports */
	{ { "-p", "0" }, BAD_PORT("0") },
	{ { "-p", "70000" }, BAD_PORT("70000") },
	{ { "-p", "65536" }, BAD_PORT("65536") },
	{ { "-p", "abc" }, BAD_SERVICE("abc") },
	{ { "-p", "" }, BAD_PORT("") },
	{ { "-p", "9999-9000" }, "invalid port range '9999-9000' (start above end)" },
	{ { "-p", "1-" }, BAD_PORT("1-") },
	{ { "-p", "-5" }, "option '-p' needs a port, not '-5' (-P lists processes)" },
	{ { "-p", "99999999999" }, BAD_PORT("99999999999") },
	{ { "-p", "4294967376" }, BAD_PORT("4294967376") },    /* 2^32 + 80 */
	{ { "-p", "0-80" }, BAD_PORT("0-80") },
	{ { "-p", "80-70000" }, BAD_PORT("80-70000") },
	{ { "-p", "1-2-3" }, BAD_PORT("1-2-3") },
	{ { "-p", " 80" }, BAD_SERVICE(" 80") },
	{ { "-p", "+80" }, BAD_SERVICE("+80") },
	{ { "-p", "80 " }, BAD_SERVICE("80 ") },
	{ { "-p", "0x50" }, BAD_SERVICE("0x50") },
	{ { "--port=0" }, BAD_PORT("0") },
	{ { "--port=" }, BAD_PORT("") },
	{ { "--sport", "abc" }, BAD_SERVICE("abc") },
	{ { "--dport", "2-1" }, "invalid port range '2-1' (start above end)" },
	{ { "-p", "80", "-p", "x" }, BAD_SERVICE("x") },
	/* states */
	{ { "-s", "FOO" }, BAD_STATE("FOO") },
	{ { "-s", "LISTEN," }, BAD_STATE("") },
	{ { "-s", ",LISTEN" }, BAD_STATE("") },
	{ { "-s", "LISTEN,,ESTABLISHED" }, BAD_STATE("") },
	{ { "-s", "" }, BAD_STATE("") },
	{ { "-s", "LISTEN,FOO,CLOSE" }, BAD_STATE("FOO") },
	{ { "--state", "synchronizedXXXX" }, BAD_STATE("synchronizedXXXX") },
	{ { "--state=LISTEN_" }, BAD_STATE("LISTEN_") },
	{ { "-s", "LISTEN " }, BAD_STATE("LISTEN ") },
	{ { "-s", "FIN_WAIT" }, BAD_STATE("FIN_WAIT") },
	/* addresses */
	{ { "--src", "1.2.3" }, BAD_ADDR("1.2.3") },
	{ { "--src", "1.2.3.4/33" }, "invalid prefix length '33' in '1.2.3.4/33' (expected 0-32)" },
	{ { "--dst", "::1/129" }, "invalid prefix length '129' in '::1/129' (expected 0-128)" },
	{ { "--src", "1.2.3.4/" }, "invalid prefix length '' in '1.2.3.4/' (expected 0-32)" },
	{ { "--dst", "x/8" }, BAD_ADDR("x/8") },
	{ { "--src", "" }, BAD_ADDR("") },
	{ { "--src=[1.2.3.4]" }, BAD_ADDR("[1.2.3.4]") },
	{ { "--dst", "[::1" }, BAD_ADDR("[::1") },
	{ { "--src", "1.2.3.4/-1" }, "invalid prefix length '-1' in '1.2.3.4/-1' (expected 0-32)" },
	/* backends */
	{ { "-B", "foo" }, "invalid backend 'foo' (expected auto, netlink or proc)" },
	{ { "--backend=" }, "invalid backend '' (expected auto, netlink or proc)" },
	{ { "-B", "Netlink" }, "invalid backend 'Netlink' (expected auto, netlink or proc)" },
	/* the command line itself */
	{ { "-z" }, "unknown option '-z'" },
	{ { "-lz" }, "unknown option '-z'" },
	{ { "--frobnicate" }, "unknown option '--frobnicate'" },
	{ { "--frobnicate=5" }, "unknown option '--frobnicate'" },
	{ { "-p" }, "option '-p' needs a port (-P lists processes)" },
	{ { "-4", "-p" }, "option '-p' needs a port (-P lists processes)" },
	{ { "--port" }, "option '--port' needs a value" },
	{ { "--src" }, "option '--src' needs a value" },
	{ { "--dst" }, "option '--dst' needs a value" },
	{ { "--sport" }, "option '--sport' needs a value" },
	{ { "-s" }, "option '-s' needs a value" },
	{ { "-B" }, "option '-B' needs a value" },
	{ { "-O" }, "option '-O' needs a value" },
	{ { "--count=5" }, "option '--count' takes no value" },
	{ { "--ipv4=yes" }, "option '--ipv4' takes no value" },
	/* the words after the options: a filter expression */
	{ { "extra" }, "filter: unexpected 'extra' at word 1" },
	{ { "-4", "extra", "-6" }, "filter: unexpected 'extra' at word 1" },
	{ { "--", "-4" }, "filter: unexpected '-4' at word 1" },
	{ { "sport", "=", ":80", "or" }, "filter: unexpected end at word 5 (after 'sport = :80 or')" },
	{ { "-l", "sport = :80 or or" }, "filter: unexpected 'or' at word 5 (after 'sport = :80 or')" },
	{ { "-F", "/nonexistent/filter" },
	  "cannot read filter file '/nonexistent/filter': No such file or directory" },
	{ { "-F", "fixtures/filter-bad.txt" },
	  "filter file 'fixtures/filter-bad.txt': unexpected ')' at word 6 (after 'sport = :9999 or')" },
	{ { "--wait-clear", "pid = 1" }, "filter: pid and program cannot go with --wait-clear" },
	{ { "--wait-clear", "program = x" }, "filter: pid and program cannot go with --wait-clear" },
	/* combinations */
	{ { "-S", "-O", "state" }, "--summary prints no columns: it cannot go with --columns" },
	{ { "-S", "-c" }, "--summary and --count cannot be combined" },
	{ { "-j", "-O", "state" }, "--json prints every key: it cannot go with --columns" },
	{ { "-O", "state,bogus" }, "invalid column 'bogus' (see -O help for the names)" },
	{ { "-O", "state," }, "invalid column '' (see -O help for the names)" },
	{ { "-O", "state,state,state,state,state,state,state,state,state,state,state,state,"
		  "state,state,state,state,state,state,state,state,state,state,state,state,"
		  "state,state,state,state,state,state,state,state,state,state,state,state,"
		  "state,state,state,state,state,state,state,state,state,state,state,state,"
		  "state,state,state,state,state,state,state,state,state,state,state,state,"
		  "state,state,state,state,state" },
	  "too many columns (at most 64)" },
	/* -i, -m, --sort, --top, -K */
	{ { "-i", "-B", "proc" }, "--info needs the netlink backend: it cannot go with --backend proc" },
	{ { "-m", "-B", "proc" },
	  "--memory needs the netlink backend: it cannot go with --backend proc" },
	{ { "-K", "-p", "1", "-B", "proc" },
	  "--kill needs the netlink backend: it cannot go with --backend proc" },
	{ { "-O", "state,rtt", "-B", "proc" },
	  "tcp_info and memory columns need the netlink backend: they cannot go with --backend proc" },
	{ { "-K" }, "--kill without a selection would end every socket: add --all to mean it" },
	{ { "-K", "--dry-run" },
	  "--kill without a selection would end every socket: add --all to mean it" },
	{ { "--dry-run", "-p", "1" }, "--dry-run goes with --kill" },
	{ { "--all" }, "--all goes with --kill" },
	{ { "-K", "-p", "1", "-c" }, "--kill cannot go with --count and --summary" },
	{ { "-K", "-p", "1", "-w" }, "--kill cannot go with --watch, --events and --wait-clear" },
	{ { "-K", "-p", "1", "--sort=rtt" }, "--kill cannot go with --sort and --top" },
	{ { "--sort=bogus" }, "invalid sort key 'bogus' (see -O help for the names)" },
	{ { "--sort=rtt,-" }, "invalid sort key '' (see -O help for the names)" },
	{ { "--sort=rtt", "-c" },
	  "--sort orders rows: it cannot go with --count, --summary and --quiet" },
	{ { "--top=0" }, "invalid row count '0' (expected 1-2147483648)" },
	{ { "--top=x" }, "invalid row count 'x' (expected 1-2147483648)" },
	{ { "--top=3", "-E" }, "--top limits a listing: it cannot go with --events and --wait-clear" },
	{ { "-i", "-E" }, "--info adds columns: it cannot go with --events and --wait-clear" },
	/* --bind-check, --connect-check */
	{ { "--bind-check", "0" }, "invalid port '0' in --bind-check '0' (expected 1-65535)" },
	{ { "--bind-check=[::1]" },
	  "invalid --bind-check '[::1]' (expected [ADDR:]PORT, IPv6 in brackets: [::1]:8080)" },
	{ { "--connect-check", "9999" },
	  "invalid --connect-check '9999' (expected ADDR:PORT, IPv6 in brackets: [::1]:8080)" },
	{ { "--bind-check", "1", "-w" }, "--bind-check cannot go with --watch or --events" },
	{ { "-S", "--bind-check", "1" }, "--bind-check cannot go with --count or --summary" },
	{ { "--bind-check", "1", "--connect-check", "::1" },
	  "invalid --connect-check '::1' (expected ADDR:PORT, IPv6 in brackets: [::1]:8080)" },
	{ { "--connect-check", "[::1]:1", "-e" }, "--connect-check lists no sockets: it cannot go "
	  "with --count, --summary, --columns, --no-header, --processes, --timers, --extend, "
	  "--info, --memory, --kill, --sort or --top" },
	{ { "--bind-check", "1", "-K" }, "--bind-check cannot go with --kill, --sort or --top" },
};

/* The words after the options and -F's file: filters ANDed with the options. */
static void test_expression(void **state)
{
	static const char *const words[] = { "-4", "sport", "=", ":9999", "-H", NULL };
	static const char *const quoted[] = { "state listening (sport = :9999 or sport = :80)",
					      NULL };
	static const char *const file[] = { "-F", "fixtures/filter.txt", "-4", NULL };
	struct tcpstat_sock s = { .family = AF_INET, .state = TCPSTAT_LISTEN, .local_port = 9999 };
	static struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(words, &o, &err), 0);
	assert_false(o.out.header);
	assert_true(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	s.family = AF_INET6;
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));   /* -4 */
	s.family = AF_INET;
	s.local_port = 80;
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	assert_int_equal(parse_args(quoted, &o, &err), 0);
	assert_true(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	assert_int_equal(filter_states(&o.filter), 1u << TCPSTAT_LISTEN);
	/* The file: not a listener, port 9999 either side. */
	assert_int_equal(parse_args(file, &o, &err), 0);
	s.local_port = 9999;
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	s.state = TCPSTAT_ESTABLISHED;
	s.local_port = 40001;
	s.peer_port = 9999;
	assert_true(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
}

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		struct tcpstat_opts o;
		struct tcpstat_error err;
		int rc = parse_args(c->args, &o, &err);

		if (rc != -EINVAL || strcmp(err.msg, c->msg) != 0)
			fail_msg("case %zu (%s %s): rc %d, msg \"%s\", expected \"%s\"", i,
				 c->args[0], c->args[1] ? c->args[1] : "", rc, err.msg, c->msg);
		assert_int_equal(err.errnum, 0);
	}
}

/* The checks: their mode, target, and --wait-clear turned into a wait for the bind. */
static void test_check_modes(void **state)
{
	static const char *const bind4[] = { "--bind-check", "9999", NULL };
	static const char *const bind6_wait[] = { "--wait-clear=5", "--bind-check", "[::1]:8080",
						  NULL };
	static const char *const bind_json[] = { "--bind-check=127.0.0.1:80", "-j", "-P", NULL };
	static const char *const connect_q[] = { "--connect-check", "127.0.0.1:9999", "-q", NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;

	(void)state;
	assert_int_equal(parse_args(bind4, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_BIND_CHECK);
	assert_int_equal(o.target.port, 9999);
	assert_int_equal(o.target.family, AF_INET);
	assert_true(o.target.wildcard);
	assert_false(o.wait_clear);
	assert_int_equal(o.lists.states, TCPSTAT_STATES_ALL);
	assert_int_equal(parse_args(bind6_wait, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_BIND_CHECK);
	assert_true(o.wait_clear);
	assert_int_equal(o.timeout_ms, 5000);
	assert_int_equal(o.target.family, AF_INET6);
	assert_false(o.target.wildcard);
	assert_int_equal(parse_args(bind_json, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_BIND_CHECK);
	assert_int_equal(o.out.kind, OUT_JSON);
	assert_true(o.dump.owners);
	assert_int_equal(parse_args(connect_q, &o, &err), 0);
	assert_int_equal(o.mode, OPTS_MODE_CONNECT_CHECK);
	assert_int_equal(o.report, OPTS_REPORT_NONE);
	assert_int_equal(o.target.port, 9999);
}

/*
 * An unknown short option that is not the last of its cluster: getopt has
 * not moved optind past the cluster yet, so argv[optind - 1] is the word
 * before it. When that word is a long option the message names the wrong
 * option. Expected "unknown option '-z'" in every case.
 */
static void test_error_unknown_in_cluster_after_long_option(void **state)
{
	static const struct error_case cases[] = {
		{ { "-zl" }, "unknown option '-z'" },
		{ { "-4", "-zl" }, "unknown option '-z'" },
		{ { "--ipv4", "-zl" }, "unknown option '-z'" },
		{ { "--port", "80", "-lz" }, "unknown option '-z'" },
		{ { "--timers", "-zo" }, "unknown option '-z'" },
	};

	unsigned failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_opts o;
		struct tcpstat_error err;
		int rc = parse_args(cases[i].args, &o, &err);

		if (rc != -EINVAL || strcmp(err.msg, cases[i].msg) != 0) {
			print_error("case %zu (%s %s): rc %d, msg \"%s\", expected \"%s\"\n", i,
				    cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "",
				    rc, err.msg, cases[i].msg);
			failed++;
		}
	}
	if (failed)
		fail_msg("%u of %zu cases failed", failed, sizeof(cases) / sizeof(cases[0]));
}

/* ---- opts_parse_ports -------------------------------------------------------------- */

static void test_parse_ports(void **state)
{
	static const struct {
		const char *arg;
		int rc;
		uint16_t lo, hi;
		const char *msg;
	} cases[] = {
		{ "1", 0, 1, 1, NULL },
		{ "80", 0, 80, 80, NULL },
		{ "65535", 0, 65535, 65535, NULL },
		{ "9000-9999", 0, 9000, 9999, NULL },
		{ "5-5", 0, 5, 5, NULL },
		{ "1-65535", 0, 1, 65535, NULL },
		{ "0080", 0, 80, 80, NULL },
		{ "0", -EINVAL, 0, 0, BAD_PORT("0") },
		{ "70000", -EINVAL, 0, 0, BAD_PORT("70000") },
		{ "abc", -EINVAL, 0, 0, BAD_PORT("abc") },
		{ "", -EINVAL, 0, 0, BAD_PORT("") },
		{ "9999-9000", -EINVAL, 0, 0, "invalid port range '9999-9000' (start above end)" },
		{ "1-", -EINVAL, 0, 0, BAD_PORT("1-") },
		{ "-5", -EINVAL, 0, 0, BAD_PORT("-5") },
		{ "-", -EINVAL, 0, 0, BAD_PORT("-") },
		{ "99999999999", -EINVAL, 0, 0, BAD_PORT("99999999999") },
		{ "1-99999999999", -EINVAL, 0, 0, BAD_PORT("1-99999999999") },
		{ "65536-65537", -EINVAL, 0, 0, BAD_PORT("65536-65537") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_port_range r = { 0xdead, 0xbeef };
		struct tcpstat_error err;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = opts_parse_ports(cases[i].arg, &r, &err);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, msg \"%s\"", cases[i].arg, rc, err.msg);
		if (rc == 0) {
			if (r.lo != cases[i].lo || r.hi != cases[i].hi)
				fail_msg("'%s': %u-%u", cases[i].arg, r.lo, r.hi);
		} else {
			assert_string_equal(err.msg, cases[i].msg);
			/* A bad value leaves the output alone. */
			assert_int_equal(r.lo, 0xdead);
			assert_int_equal(r.hi, 0xbeef);
		}
	}
}

/* ---- opts_parse_states ---------------------------------------------------------------- */

static void test_parse_states(void **state)
{
	static const struct {
		const char *arg;
		uint32_t before;
		int rc;
		uint32_t after;
		const char *msg;
	} cases[] = {
		{ "LISTEN", 0, 0, BIT(LISTEN), NULL },
		{ "listening", 0, 0, BIT(LISTEN), NULL },
		{ "time-wait", BIT(LISTEN), 0, BIT(LISTEN) | BIT(TIME_WAIT), NULL },  /* adds */
		{ "SYN_RCVD,FIN_WAIT_1,fin-wait-2", 0, 0,
		  BIT(SYN_RECV) | BIT(FIN_WAIT1) | BIT(FIN_WAIT2), NULL },
		{ "connected", 0, 0, CONNECTED, NULL },
		{ "synchronized", 0, 0, SYNCHRONIZED, NULL },
		{ "bucket", 0, 0, BUCKET, NULL },
		{ "big", 0, 0, BIG, NULL },
		{ "all", 0, 0, TCPSTAT_STATES_ALL, NULL },
		{ "connected", BIT(LISTEN), 0, CONNECTED | BIT(LISTEN), NULL },
		{ "FOO", 0, -EINVAL, 0, BAD_STATE("FOO") },
		{ "LISTEN,", 0, -EINVAL, 0, BAD_STATE("") },
		{ "established,bogus-state,listen", 0, -EINVAL, 0, BAD_STATE("bogus-state") },
		{ "", 0, -EINVAL, 0, BAD_STATE("") },
		{ "a-very-long-state-name", 0, -EINVAL, 0, BAD_STATE("a-very-long-state-name") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t mask = cases[i].before;
		struct tcpstat_error err;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = opts_parse_states(cases[i].arg, &mask, &err);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, msg \"%s\"", cases[i].arg, rc, err.msg);
		if (rc == 0) {
			if (mask != cases[i].after)
				fail_msg("'%s': mask %#x, expected %#x", cases[i].arg, mask,
					 cases[i].after);
		} else {
			assert_string_equal(err.msg, cases[i].msg);
		}
	}
}

/* ---- opts_parse_prefix ------------------------------------------------------------------ */

static void test_parse_prefix(void **state)
{
	static const struct {
		const char *arg;
		int family;
		unsigned len;
		const char *addr;     /* as stored, bits past len cleared */
	} good[] = {
		{ "127.0.0.1", AF_INET, 32, "127.0.0.1" },
		{ "1.2.3.4/32", AF_INET, 32, "1.2.3.4" },
		{ "10.1.2.3/8", AF_INET, 8, "10.0.0.0" },
		{ "172.16.47.9/20", AF_INET, 20, "172.16.32.0" },
		{ "192.168.1.255/31", AF_INET, 31, "192.168.1.254" },
		{ "255.255.255.255/1", AF_INET, 1, "128.0.0.0" },
		{ "1.2.3.4/0", AF_INET, 0, "0.0.0.0" },
		{ "0.0.0.0/0", AF_INET, 0, "0.0.0.0" },
		{ "::1", AF_INET6, 128, "::1" },
		{ "[::1]", AF_INET6, 128, "::1" },
		{ "[::1]/64", AF_INET6, 64, "::" },
		{ "::1/128", AF_INET6, 128, "::1" },
		{ "::/0", AF_INET6, 0, "::" },
		{ "2001:db8::1/32", AF_INET6, 32, "2001:db8::" },
		{ "2001:db8:ffff::/33", AF_INET6, 33, "2001:db8:8000::" },
		{ "fe80::3/127", AF_INET6, 127, "fe80::2" },
		{ "fe80::1/127", AF_INET6, 127, "fe80::" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/65", AF_INET6, 65,
		  "ffff:ffff:ffff:ffff:8000::" },
		{ "::ffff:127.0.0.1", AF_INET6, 128, "::ffff:127.0.0.1" },
		{ "[::ffff:127.0.0.1]/104", AF_INET6, 104, "::ffff:127.0.0.0" },
		{ "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]", AF_INET6, 128,
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	static const struct {
		const char *arg, *msg;
	} bad[] = {
		{ "1.2.3", BAD_ADDR("1.2.3") },
		{ "1.2.3.4/33", "invalid prefix length '33' in '1.2.3.4/33' (expected 0-32)" },
		{ "::1/129", "invalid prefix length '129' in '::1/129' (expected 0-128)" },
		{ "1.2.3.4/", "invalid prefix length '' in '1.2.3.4/' (expected 0-32)" },
		{ "x/8", BAD_ADDR("x/8") },
		{ "", BAD_ADDR("") },
		{ "[]", BAD_ADDR("[]") },
		{ "[1.2.3.4]", BAD_ADDR("[1.2.3.4]") },
		{ "1.2.3.4.5", BAD_ADDR("1.2.3.4.5") },
		{ "256.1.1.1", BAD_ADDR("256.1.1.1") },
		{ "::1/12x", "invalid prefix length '12x' in '::1/12x' (expected 0-128)" },
		{ "1.2.3.4/8/9", "invalid prefix length '8/9' in '1.2.3.4/8/9' (expected 0-32)" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1", BAD_ADDR(
		  "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1") },
		{ "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000", BAD_ADDR(
		  "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct tcpstat_prefix p;
		struct tcpstat_error err;
		int rc;

		memset(&p, 0xaa, sizeof(p));
		memset(&err, 0, sizeof(err));
		rc = opts_parse_prefix(good[i].arg, &p, &err);
		if (rc != 0)
			fail_msg("'%s': rc %d, msg \"%s\"", good[i].arg, rc, err.msg);
		assert_prefix(&p, good[i].family, good[i].len, good[i].addr);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tcpstat_prefix p;
		struct tcpstat_error err;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = opts_parse_prefix(bad[i].arg, &p, &err);
		if (rc != -EINVAL || strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("'%s': rc %d, msg \"%s\", expected \"%s\"", bad[i].arg, rc,
				 err.msg, bad[i].msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_no_state_carried_over),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_metrics_options),
		cmocka_unit_test(test_port_options),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_state_options),
		cmocka_unit_test(test_state_groups),
		cmocka_unit_test(test_family_options),
		cmocka_unit_test(test_address_options),
		cmocka_unit_test(test_expression),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_info_sort_kill),
		cmocka_unit_test(test_error_unknown_in_cluster_after_long_option),
		cmocka_unit_test(test_check_modes),
		cmocka_unit_test(test_parse_ports),
		cmocka_unit_test(test_parse_states),
		cmocka_unit_test(test_parse_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
