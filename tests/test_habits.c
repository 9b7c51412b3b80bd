/*
 * test_habits.c - netstat's and ss's habits on the command line (issue 12):
 * the no-op letters, "-tanp" read as netstat reads it, port lists, service
 * names, ss's ":PORT", and ADDR:PORT, [ADDR6]:PORT, ADDR%IF in --src/--dst.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "habits.h"
#include "options.h"

#define MAX_ARGS 16

/* opts_parse on "tcpstat" and args (NULL-terminated), on fresh copies (getopt permutes). */
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
	memset(err, 0, sizeof(*err));
	rc = opts_parse(argc, argv, o, err);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

static bool has_column(const struct tcpstat_opts *o, int id)
{
	for (unsigned i = 0; i < o->out.n_columns; i++)
		if (o->out.columns[i] == id)
			return true;
	return false;
}

/* ---- netstat's letters --------------------------------------------------- */

struct letters_case {
	const char *args[5];
	bool processes;          /* the PID/Program column */
	unsigned n_port;         /* -p values taken */
	uint32_t states;
	bool numeric;
};

#define ALL TCPSTAT_STATES_ALL
#define LISTEN (1u << TCPSTAT_LISTEN)

static const struct letters_case letters_cases[] = {
	{ { "-tanp" }, true, 0, ALL, true },
	{ { "-tan" }, false, 0, ALL, true },
	{ { "-tlnp" }, true, 0, LISTEN, true },
	{ { "-an" }, false, 0, ALL, true },
	{ { "-n" }, false, 0, ALL, true },
	{ { "-t" }, false, 0, ALL, false },
	{ { "-a" }, false, 0, ALL, false },
	{ { "--tcp", "--all-states", "--numeric" }, false, 0, ALL, true },
	{ { "--numeric-users" }, false, 0, ALL, true },
	/* A port after the cluster: -p takes it, as tcpstat reads -p. */
	{ { "-tanp", "9999" }, false, 1, ALL, true },
	{ { "-tanp", "22,ssh" }, false, 2, ALL, true },
	/* What follows is no port: netstat's -p, and the word stays an option. */
	{ { "-tanp", "-l" }, true, 0, LISTEN, true },
	{ { "-tlnp", "-4" }, true, 0, LISTEN, true },
	{ { "-np" }, true, 0, ALL, true },
	/* A filter expression after the cluster is no port: -P, and the words stay operands. */
	{ { "-tanp", "sport", "=", ":22" }, true, 0, ALL, true },
	/* p not last, or no netstat letter: tcpstat's -p. */
	{ { "-tanp80" }, false, 1, ALL, true },
	{ { "-lp", "80" }, false, 1, LISTEN, false },
};

static void test_netstat_letters(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(letters_cases) / sizeof(letters_cases[0]); i++) {
		const struct letters_case *c = &letters_cases[i];
		struct tcpstat_opts o;
		struct tcpstat_error err;
		int rc = parse_args(c->args, &o, &err);

		if (rc != 0)
			fail_msg("case %zu (%s): %s", i, c->args[0], err.msg);
		if (has_column(&o, OUT_F_PROCESS) != c->processes ||
		    o.lists.n_port != c->n_port || o.lists.states != c->states ||
		    o.out.numeric_users != c->numeric)
			fail_msg("case %zu (%s %s): processes %d ports %u states %#x numeric %d", i,
				 c->args[0], c->args[1] ? c->args[1] : "",
				 has_column(&o, OUT_F_PROCESS), o.lists.n_port, o.lists.states,
				 o.out.numeric_users);
	}
}

static void test_p_errors(void **state)
{
	static const struct {
		const char *args[3];
		const char *msg;
	} cases[] = {
		{ { "-lp" }, "option '-p' needs a port (-P lists processes)" },
		{ { "-p" }, "option '-p' needs a port (-P lists processes)" },
		{ { "-lp", "-4" }, "option '-p' needs a port, not '-4' (-P lists processes)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tcpstat_opts o;
		struct tcpstat_error err;

		assert_int_equal(parse_args(cases[i].args, &o, &err), -EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

static void test_cluster_words(void **state)
{
	(void)state;
	assert_true(habits_netstat_cluster("-tanp"));
	assert_true(habits_netstat_cluster("-tlnp"));
	assert_true(habits_netstat_cluster("-np"));
	assert_true(habits_netstat_cluster("-ap"));
	assert_false(habits_netstat_cluster("-lp"));      /* no netstat-only letter */
	assert_false(habits_netstat_cluster("-p"));
	assert_false(habits_netstat_cluster("-tanp80"));
	assert_false(habits_netstat_cluster("-tan"));
	assert_false(habits_netstat_cluster("--tanp"));
	assert_false(habits_netstat_cluster("-t4p"));     /* a digit: not netstat's */
}

/* ---- ports ---------------------------------------------------------------- */

static void test_port_lists(void **state)
{
	struct tcpstat_port_range r[TCPSTAT_MAX_FILTERS];
	struct tcpstat_error err;
	unsigned n = 0;

	(void)state;
	assert_int_equal(habits_port_list("22,9000-9999,:80", "--port", r, &n,
					  TCPSTAT_MAX_FILTERS, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].lo, 22);
	assert_int_equal(r[0].hi, 22);
	assert_int_equal(r[1].lo, 9000);
	assert_int_equal(r[1].hi, 9999);
	assert_int_equal(r[2].lo, 80);
	assert_int_equal(r[2].hi, 80);

	n = 0;
	assert_int_equal(habits_port_list("22,", "--port", r, &n, TCPSTAT_MAX_FILTERS, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "invalid port '' in '22,' (expected 1-65535 or a range "
			    "such as 9000-9999)");
	n = 0;
	assert_int_equal(habits_port_list("22,70000", "--port", r, &n, TCPSTAT_MAX_FILTERS,
					  &err), -EINVAL);
	assert_string_equal(err.msg, "invalid port '70000' in '22,70000' (expected 1-65535 or "
			    "a range such as 9000-9999)");
	n = 0;
	assert_int_equal(habits_port_list("nosuchservice", "--port", r, &n, TCPSTAT_MAX_FILTERS,
					  &err), -EINVAL);
	assert_string_equal(err.msg, "invalid port 'nosuchservice' (expected 1-65535, a range "
			    "such as 9000-9999 or a service name)");
	/* The limit counts every entry of every list. */
	n = TCPSTAT_MAX_FILTERS - 1;
	assert_int_equal(habits_port_list("1,2", "--port", r, &n, TCPSTAT_MAX_FILTERS, &err),
			 -EINVAL);
	assert_string_equal(err.msg, "too many --port values (at most 32)");
}

static void test_service_names(void **state)
{
	struct tcpstat_port_range r[2];
	struct tcpstat_error err;
	unsigned n = 0;

	(void)state;
	if (!getservbyname("ssh", "tcp"))
		skip();
	assert_int_equal(habits_port_list("ssh,:ssh", "--port", r, &n, 2, &err), 0);
	assert_int_equal(r[0].lo, 22);
	assert_int_equal(r[0].hi, 22);
	assert_int_equal(r[1].lo, 22);
}

/* ---- endpoints ------------------------------------------------------------ */

static void test_endpoints(void **state)
{
	struct habits_endpoint e;
	struct tcpstat_error err;
	uint8_t want[16] = { 0 };

	(void)state;
	assert_int_equal(habits_endpoint("127.0.0.1:9999", &e, &err), 0);
	assert_int_equal(e.prefix.family, AF_INET);
	assert_int_equal(e.prefix.len, 32);
	assert_int_equal(e.port.lo, 9999);
	assert_int_equal(e.port.hi, 9999);
	assert_int_equal(e.ifindex, 0);

	assert_int_equal(habits_endpoint("[::1]:9999", &e, &err), 0);
	assert_int_equal(e.prefix.family, AF_INET6);
	assert_int_equal(e.prefix.len, 128);
	want[15] = 1;
	assert_memory_equal(e.prefix.addr, want, 16);
	assert_int_equal(e.port.lo, 9999);

	/* Without brackets an IPv6 address takes no port: "::1:9999" is an address. */
	assert_int_equal(habits_endpoint("::1:9999", &e, &err), 0);
	assert_int_equal(e.port.lo, 0);

	assert_int_equal(habits_endpoint("10.0.0.0/8:80-90", &e, &err), 0);
	assert_int_equal(e.prefix.len, 8);
	assert_int_equal(e.port.lo, 80);
	assert_int_equal(e.port.hi, 90);

	assert_int_equal(habits_endpoint("fe80::1%1", &e, &err), 0);
	assert_int_equal(e.ifindex, 1);
	assert_int_equal(e.prefix.len, 128);
	assert_int_equal(habits_endpoint("[fe80::1%1]:7024", &e, &err), 0);
	assert_int_equal(e.ifindex, 1);
	assert_int_equal(e.port.lo, 7024);
	assert_int_equal(habits_endpoint("fe80::/64%1", &e, &err), 0);
	assert_int_equal(e.prefix.len, 64);

	assert_int_equal(habits_endpoint("fe80::1%nosuchif0", &e, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown interface 'nosuchif0' in 'fe80::1%nosuchif0'");
	assert_int_equal(habits_endpoint("[::1]:x", &e, &err), -EINVAL);
	assert_int_equal(habits_endpoint("[::1]:80,81", &e, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid port '80,81' in '[::1]:80,81' (one port or range "
			    "after the address)");
	assert_int_equal(habits_endpoint("1.2.3:80", &e, &err), -EINVAL);
}

/* --dst ADDR:PORT is one entry: the address and the port must match together. */
static void test_endpoint_filter(void **state)
{
	static const char *const args[] = { "--dst", "127.0.0.1:9999", "--dst", "[::1]:80", NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;
	struct tcpstat_sock s = { .family = AF_INET, .state = TCPSTAT_ESTABLISHED,
				  .peer_port = 9999 };

	(void)state;
	assert_int_equal(parse_args(args, &o, &err), 0);
	assert_int_equal(o.lists.n_dst, 2);
	assert_int_equal(o.lists.dst_port[0].lo, 9999);
	s.peer_addr[0] = 127;
	s.peer_addr[3] = 1;
	assert_true(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	s.peer_port = 80;     /* port of the other entry: no */
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	s.peer_port = 9999;
	s.peer_addr[3] = 2;
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
}

static void test_ifindex_filter(void **state)
{
	static const char *const args[] = { "--src", "fe80::1%1", NULL };
	struct tcpstat_opts o;
	struct tcpstat_error err;
	struct tcpstat_sock s = { .family = AF_INET6, .state = TCPSTAT_LISTEN, .ifindex = 1 };

	(void)state;
	assert_int_equal(parse_args(args, &o, &err), 0);
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", s.local_addr), 1);
	assert_true(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
	s.ifindex = 2;
	assert_false(filter_match(&o.filter, &s, NULL, FILTER_KNOW_ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netstat_letters),
		cmocka_unit_test(test_p_errors),
		cmocka_unit_test(test_cluster_words),
		cmocka_unit_test(test_port_lists),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_endpoint_filter),
		cmocka_unit_test(test_ifindex_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
