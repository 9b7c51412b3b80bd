/*
 * test_bindcheck.c - explain/ for --bind-check: the [ADDR:]PORT parser,
 * the sysctls from fixture folders (tests/fixtures/sysctl/), which dumped
 * sockets are in the way, and the case and text for hand-built trials
 * and records. The real trial binds run in bindcheck-netns.sh.
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

#define UID 1000
#define OTHER 2000

/* A record bound to ADDR:PORT in state, as a backend would fill it. */
static struct tcpstat_sock sock(const char *addr, uint16_t port, int state)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(s.family, addr, s.local_addr), 1);
	s.local_port = port;
	s.state = (uint8_t)state;
	s.uid = UID;
	s.inode = 100;
	if (state != TCPSTAT_LISTEN) {
		s.peer_port = 40000;
		assert_int_equal(inet_pton(s.family, s.family == AF_INET ? "127.0.0.1" : "::1",
					   s.peer_addr), 1);
	}
	if (state == TCPSTAT_TIME_WAIT) {
		s.inode = 0;
		s.uid = 0;
		s.timer = TCPSTAT_TIMER_TIMEWAIT;
		s.timer_ms = 41300;
	}
	return s;
}

static struct explain_target target(const char *arg)
{
	struct explain_target t;
	struct tcpstat_error err;

	assert_int_equal(explain_parse_target(arg, false, &t, &err), 0);
	return t;
}

static struct explain_sysctl sysctls(const char *name)
{
	static struct explain_sysctl sc;
	struct tcpstat_error err;
	char root[128];

	snprintf(root, sizeof(root), "fixtures/sysctl/%s", name);
	assert_int_equal(explain_read_sysctl(root, &sc, &err), 0);
	return sc;
}

/* ---- the argument --------------------------------------------------------- */

static void test_parse_good(void **state)
{
	static const struct {
		const char *arg, *shown;
		int family;
		bool wildcard;
	} cases[] = {
		{ "9999", "0.0.0.0:9999", AF_INET, true },
		{ "127.0.0.1:9999", "127.0.0.1:9999", AF_INET, false },
		{ "0.0.0.0:1", "0.0.0.0:1", AF_INET, true },
		{ "[::]:9999", "[::]:9999", AF_INET6, true },
		{ "[::1]:8080", "[::1]:8080", AF_INET6, false },
		{ "[::ffff:127.0.0.1]:65535", "[::ffff:127.0.0.1]:65535", AF_INET6, false },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct explain_target t = target(cases[i].arg);
		char buf[64];

		explain_format_target(&t, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].shown);
		assert_int_equal(t.family, cases[i].family);
		assert_int_equal(t.wildcard, cases[i].wildcard);
	}
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *arg;
		bool need_addr;
		const char *msg;
	} cases[] = {
		{ "0", false, "invalid port '0' in --bind-check '0' (expected 1-65535)" },
		{ "70000", false, "invalid port '70000' in --bind-check '70000' (expected 1-65535)" },
		{ "127.0.0.1:", false, "invalid port '' in --bind-check '127.0.0.1:' (expected 1-65535)" },
		{ "http", false, "invalid port 'http' in --bind-check 'http' (expected 1-65535)" },
		{ "", false, "invalid port '' in --bind-check '' (expected 1-65535)" },
		{ "::1:8080", false, "invalid --bind-check '::1:8080' (expected [ADDR:]PORT, "
				     "IPv6 in brackets: [::1]:8080)" },
		{ "[::1]8080", false, "invalid --bind-check '[::1]8080' (expected [ADDR:]PORT, "
				      "IPv6 in brackets: [::1]:8080)" },
		{ "[::1:8080", false, "invalid --bind-check '[::1:8080' (expected [ADDR:]PORT, "
				      "IPv6 in brackets: [::1]:8080)" },
		{ "256.0.0.1:80", false, "invalid IPv4 address '256.0.0.1' in --bind-check "
					 "'256.0.0.1:80'" },
		{ "localhost:80", false, "invalid IPv4 address 'localhost' in --bind-check "
					 "'localhost:80'" },
		{ "[127.0.0.1]:80", false, "invalid IPv6 address '127.0.0.1' in --bind-check "
					   "'[127.0.0.1]:80'" },
		{ "9999", true, "invalid --connect-check '9999' (expected ADDR:PORT, "
				"IPv6 in brackets: [::1]:8080)" },
		{ "0.0.0.0:80", true, "invalid --connect-check '0.0.0.0:80' (expected a "
				      "destination address, not a wildcard)" },
		{ "[::]:80", true, "invalid --connect-check '[::]:80' (expected a destination "
				   "address, not a wildcard)" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct explain_target t;
		struct tcpstat_error err;

		assert_int_equal(explain_parse_target(cases[i].arg, cases[i].need_addr, &t, &err),
				 -EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(err.errnum, 0);
	}
}

/* ---- sysctls -------------------------------------------------------------- */

static void test_sysctl_default(void **state)
{
	struct explain_sysctl sc = sysctls("default");
	(void)state;

	assert_int_equal(sc.unpriv_port_start, 1024);
	assert_int_equal(sc.fin_timeout_s, 60);
	assert_int_equal(sc.port_lo, 32768);
	assert_int_equal(sc.port_hi, 60999);
	assert_int_equal(sc.tw_reuse, 2);
	assert_false(sc.nonlocal_bind4);
	assert_false(sc.bindv6only);
	for (unsigned p = 0; p < 65536; p++)
		assert_false(explain_port_reserved(&sc, (uint16_t)p));
}

static void test_sysctl_narrow(void **state)
{
	struct explain_sysctl sc = sysctls("narrow");
	(void)state;

	assert_int_equal(sc.unpriv_port_start, 80);
	assert_int_equal(sc.fin_timeout_s, 30);
	assert_int_equal(sc.port_lo, 40000);
	assert_int_equal(sc.port_hi, 40019);
	assert_int_equal(sc.tw_reuse, 0);
	assert_true(sc.nonlocal_bind4);
	assert_false(sc.nonlocal_bind6);
	assert_true(sc.bindv6only);
	assert_false(explain_port_reserved(&sc, 40004));
	assert_true(explain_port_reserved(&sc, 40005));
	assert_true(explain_port_reserved(&sc, 40010));
	assert_true(explain_port_reserved(&sc, 40011));
	assert_false(explain_port_reserved(&sc, 40012));
	assert_true(explain_port_reserved(&sc, 50000));
}

/* A kernel without some files: those keep the defaults. */
static void test_sysctl_old_kernel(void **state)
{
	struct explain_sysctl sc = sysctls("old-kernel");
	(void)state;

	assert_int_equal(sc.tw_reuse, 1);
	assert_int_equal(sc.unpriv_port_start, 1024);
	assert_int_equal(sc.port_lo, 32768);
	assert_int_equal(sc.port_hi, 60999);
}

static void test_sysctl_bad(void **state)
{
	static const struct {
		const char *dir, *msg;
		int rc;
	} cases[] = {
		{ "bad-range", "fixtures/sysctl/bad-range/net/ipv4/ip_local_port_range: unexpected "
			       "value '60999\t32768'", -EINVAL },
		{ "bad-reserved", "fixtures/sysctl/bad-reserved/net/ipv4/ip_local_reserved_ports: "
				  "unexpected value '8080,9000-'", -EINVAL },
		{ "bad-twreuse", "fixtures/sysctl/bad-twreuse/net/ipv4/tcp_tw_reuse: unexpected "
				 "value '3'", -EINVAL },
		{ "no-newline", "fixtures/sysctl/no-newline/net/ipv4/tcp_fin_timeout: not one line "
				"ending in a newline", -EINVAL },
		{ "nonexistent", "fixtures/sysctl/nonexistent", -ENOENT },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct explain_sysctl sc;
		struct tcpstat_error err;
		char root[128];

		snprintf(root, sizeof(root), "fixtures/sysctl/%s", cases[i].dir);
		assert_int_equal(explain_read_sysctl(root, &sc, &err), cases[i].rc);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

/* ---- who is in the way ------------------------------------------------------ */

static void test_conflicts(void **state)
{
	static const struct {
		const char *target, *sock;
		uint16_t port;
		bool bindv6only, conflicts;
	} cases[] = {
		{ "127.0.0.1:9999", "127.0.0.1", 9999, false, true },
		{ "127.0.0.1:9999", "127.0.0.1", 9998, false, false },   /* another port */
		{ "127.0.0.1:9999", "127.0.0.2", 9999, false, false },   /* another address */
		{ "127.0.0.1:9999", "0.0.0.0", 9999, false, true },      /* it the wildcard */
		{ "9999", "127.0.0.2", 9999, false, true },              /* the target the wildcard */
		{ "9999", "::", 9999, false, true },                     /* [::] covers IPv4 */
		{ "127.0.0.1:9999", "::", 9999, false, true },
		{ "9999", "::1", 9999, false, false },                   /* native IPv6 does not */
		{ "127.0.0.1:9999", "::ffff:127.0.0.1", 9999, false, true },   /* v4-mapped */
		{ "127.0.0.1:9999", "::ffff:127.0.0.2", 9999, false, false },
		{ "[::]:9999", "127.0.0.1", 9999, false, true },         /* dual-stack target */
		{ "[::]:9999", "127.0.0.1", 9999, true, false },         /* bindv6only: IPv6 only */
		{ "[::]:9999", "::1", 9999, false, true },
		{ "[::1]:9999", "::1", 9999, false, true },
		{ "[::1]:9999", "::2", 9999, false, false },
		{ "[::1]:9999", "::", 9999, false, true },
		{ "[::1]:9999", "0.0.0.0", 9999, false, false },         /* IPv4 never covers IPv6 */
		{ "[::ffff:127.0.0.1]:9999", "0.0.0.0", 9999, false, true },
		{ "[::ffff:127.0.0.1]:9999", "127.0.0.1", 9999, false, true },
		{ "[::ffff:127.0.0.1]:9999", "::1", 9999, false, false },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct explain_target t = target(cases[i].target);
		struct tcpstat_sock s = sock(cases[i].sock, cases[i].port, TCPSTAT_LISTEN);

		if (explain_bind_conflicts(&t, &s, cases[i].bindv6only) != cases[i].conflicts)
			fail_msg("case %zu: %s against %s:%u", i, cases[i].target, cases[i].sock,
				 cases[i].port);
	}
}

/* Binds conflict within one network namespace only. */
static void test_conflicts_other_netns(void **state)
{
	struct explain_target t = target("9999");
	struct tcpstat_sock s = sock("0.0.0.0", 9999, TCPSTAT_LISTEN);
	(void)state;

	s.netns = 4026531840u;
	assert_false(explain_bind_conflicts(&t, &s, false));
}

/* ---- the case --------------------------------------------------------------- */

#define OK 0
#define INUSE EADDRINUSE

struct judge_case {
	const char *name;
	const char *target;
	int errnums[EXPLAIN_NTRIALS];
	struct tcpstat_sock socks[4];
	size_t n;
	enum explain_case kase;
	const char *text_has;
};

static void run_judge(const struct judge_case *c, const struct explain_sysctl *sc,
		      struct explain_bind *r)
{
	struct explain_target t = target(c->target);
	char text[512];

	explain_bind_judge(&t, c->errnums, sc, c->socks, c->n, UID, r);
	explain_bind_text(r, text, sizeof(text));
	if (r->kase != c->kase)
		fail_msg("%s: case %s, expected %s", c->name, explain_case_name(r->kase),
			 explain_case_name(c->kase));
	if (!strstr(text, c->text_has))
		fail_msg("%s: '%s' lacks '%s'", c->name, text, c->text_has);
	assert_true(strlen(text) < 400);
	assert_int_equal(explain_bind_ok(r), c->errnums[EXPLAIN_PLAIN] == 0);
}

static void test_judge_cases(void **state)
{
	struct tcpstat_sock listener = sock("127.0.0.1", 9999, TCPSTAT_LISTEN);
	struct tcpstat_sock other = sock("127.0.0.1", 9999, TCPSTAT_LISTEN);
	struct tcpstat_sock tw = sock("127.0.0.1", 9999, TCPSTAT_TIME_WAIT);
	struct tcpstat_sock estab = sock("127.0.0.1", 9999, TCPSTAT_ESTABLISHED);
	struct tcpstat_sock v6only = sock("::", 9999, TCPSTAT_LISTEN);
	struct tcpstat_sock client = sock("127.0.0.1", 40000, TCPSTAT_TIME_WAIT);
	struct explain_sysctl sc = sysctls("default");
	(void)state;

	other.uid = OTHER;
	const struct judge_case cases[] = {
		{ "free", "127.0.0.1:9999", { OK, OK, OK, OK }, { client }, 1, EXPLAIN_FREE,
		  "Nothing is in the way" },
		{ "free, [::] with IPV6_V6ONLY", "9999", { OK, OK, OK, OK }, { v6only }, 1,
		  EXPLAIN_FREE, "IPV6_V6ONLY" },
		{ "listener", "127.0.0.1:9999", { INUSE, INUSE, INUSE, INUSE }, { listener }, 1,
		  EXPLAIN_LISTENER, "did not set SO_REUSEPORT" },
		{ "listener of another uid", "127.0.0.1:9999", { INUSE, INUSE, INUSE, INUSE },
		  { other }, 1, EXPLAIN_LISTENER_OTHER_UID, "uid 2000 holds the port" },
		{ "listener with SO_REUSEPORT", "127.0.0.1:9999", { INUSE, INUSE, OK, OK },
		  { listener }, 1, EXPLAIN_LISTENER_REUSEPORT, "joins it" },
		{ "[::] listener, dual-stack", "9999", { INUSE, INUSE, INUSE, INUSE }, { v6only },
		  1, EXPLAIN_LISTENER, "A listening socket" },
		{ "TIME_WAIT, SO_REUSEADDR", "127.0.0.1:9999", { INUSE, OK, INUSE, OK },
		  { tw, client }, 2, EXPLAIN_TIMEWAIT_REUSABLE, "not one with SO_REUSEADDR" },
		{ "TIME_WAIT, no SO_REUSEADDR", "127.0.0.1:9999", { INUSE, INUSE, INUSE, INUSE },
		  { tw }, 1, EXPLAIN_TIMEWAIT_NO_REUSEADDR, "until they expire" },
		{ "ESTABLISHED child, SO_REUSEADDR", "9999", { INUSE, OK, INUSE, OK },
		  { tw, estab }, 2, EXPLAIN_CONNECTED_REUSABLE, "still open" },
		{ "ESTABLISHED child, no SO_REUSEADDR", "9999", { INUSE, INUSE, INUSE, INUSE },
		  { estab }, 1, EXPLAIN_CONNECTED_NO_REUSEADDR, "their connections close" },
		{ "privileged port", "80", { EACCES, EACCES, EACCES, EACCES }, { client }, 0,
		  EXPLAIN_PRIVILEGED_PORT, "below net.ipv4.ip_unprivileged_port_start (1024)" },
		{ "EACCES above the start", "8080", { EACCES, EACCES, EACCES, EACCES }, { client },
		  0, EXPLAIN_KERNEL_REFUSED, "EACCES Permission denied" },
		{ "not a local address", "192.0.2.1:9999", { EADDRNOTAVAIL, EADDRNOTAVAIL,
		  EADDRNOTAVAIL, EADDRNOTAVAIL }, { client }, 0, EXPLAIN_NOT_LOCAL_ADDRESS,
		  "net.ipv4.ip_nonlocal_bind is 0" },
		{ "in use, nothing seen", "127.0.0.1:9999", { INUSE, INUSE, INUSE, INUSE },
		  { client }, 1, EXPLAIN_KERNEL_REFUSED, "bound but not listening" },
		/* The trial wins: a listener seen, yet SO_REUSEADDR got through. */
		{ "listener not the cause", "9999", { INUSE, OK, OK, OK }, { v6only, tw }, 2,
		  EXPLAIN_TIMEWAIT_REUSABLE, "TIME_WAIT" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct explain_bind r;

		run_judge(&cases[i], &sc, &r);
	}
}

/* The wait: until the last TIME_WAIT or orphaned FIN_WAIT2 goes, and only then. */
static void test_judge_wait(void **state)
{
	struct explain_sysctl sc = sysctls("narrow");
	struct explain_target t = target("127.0.0.1:9999");
	struct tcpstat_sock socks[3] = {
		sock("127.0.0.1", 9999, TCPSTAT_TIME_WAIT),
		sock("127.0.0.1", 9999, TCPSTAT_TIME_WAIT),
		sock("127.0.0.1", 9999, TCPSTAT_FIN_WAIT2),
	};
	const int tried[EXPLAIN_NTRIALS] = { INUSE, OK, INUSE, OK };
	struct explain_bind r;
	(void)state;

	socks[1].timer_ms = 12000;
	socks[2].inode = 0;   /* orphaned, and no timer shown: tcp_fin_timeout (30 s) bounds it */
	explain_bind_judge(&t, tried, &sc, socks, 3, UID, &r);
	assert_int_equal(r.kase, EXPLAIN_TIMEWAIT_REUSABLE);
	assert_true(r.has_wait);
	assert_int_equal(r.wait_ms, 41300);
	assert_int_equal(r.nblockers, 3);
	assert_int_equal(r.ntimed, 3);

	socks[0].timer_ms = 1000;
	explain_bind_judge(&t, tried, &sc, socks, 3, UID, &r);
	assert_int_equal(r.wait_ms, 30000);

	/* A FIN_WAIT2 still held by a process does not expire by itself. */
	socks[2].inode = 100;
	explain_bind_judge(&t, tried, &sc, socks, 3, UID, &r);
	assert_int_equal(r.kase, EXPLAIN_CONNECTED_REUSABLE);
	assert_false(r.has_wait);
	assert_int_equal(r.wait_ms, 0);
	assert_int_equal(r.nlive, 1);
}

static void test_names(void **state)
{
	(void)state;
	for (int c = 0; c < EXPLAIN_NCASES; c++)
		assert_string_not_equal(explain_case_name((enum explain_case)c), "?");
	assert_string_equal(explain_case_name(EXPLAIN_TIMEWAIT_NO_REUSEADDR),
			    "timewait-no-reuseaddr");
	assert_string_equal(explain_trial_name(EXPLAIN_BOTH), "SO_REUSEADDR+SO_REUSEPORT");
	assert_string_equal(explain_errno_name(EADDRINUSE), "EADDRINUSE");
	assert_string_equal(explain_errno_name(0), "ok");
	assert_string_equal(explain_errno_name(EXDEV), "E?");
}

/* A text cut short stays NUL-terminated. */
static void test_text_cut(void **state)
{
	struct explain_sysctl sc = sysctls("default");
	struct explain_target t = target("9999");
	const int tried[EXPLAIN_NTRIALS] = { INUSE, INUSE, INUSE, INUSE };
	struct explain_bind r;
	char buf[16];
	(void)state;

	explain_bind_judge(&t, tried, &sc, NULL, 0, UID, &r);
	explain_bind_text(&r, buf, sizeof(buf));
	assert_int_equal(strlen(buf), sizeof(buf) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_sysctl_default),
		cmocka_unit_test(test_sysctl_narrow),
		cmocka_unit_test(test_sysctl_old_kernel),
		cmocka_unit_test(test_sysctl_bad),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_conflicts_other_netns),
		cmocka_unit_test(test_judge_cases),
		cmocka_unit_test(test_judge_wait),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
