/*
 * test_filter_parse.c - the filter language (filter/parse.c), table-driven:
 * each expression is parsed and run on a small set of hand-made records,
 * and the set it keeps is compared with the one expected; each bad
 * expression gives exactly the message expected. The ss(8) examples that
 * tcpstat supports are among them.
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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "parse.h"

/* ---- the records ---------------------------------------------------------- */

enum { LISTEN4, EST4, TW6, CW4, MAPPED, SSH, LISTEN6, N_RECORDS };

static struct tcpstat_sock records[N_RECORDS];

static void set(struct tcpstat_sock *s, int family, const char *local, uint16_t lport,
		const char *peer, uint16_t pport, uint8_t state)
{
	memset(s, 0, sizeof(*s));
	s->family = (uint8_t)family;
	inet_pton(family, local, s->local_addr);
	inet_pton(family, peer, s->peer_addr);
	s->local_port = lport;
	s->peer_port = pport;
	s->state = state;
}

static int make_records(void **state)
{
	(void)state;
	set(&records[LISTEN4], AF_INET, "127.0.0.1", 9999, "0.0.0.0", 0, TCPSTAT_LISTEN);
	records[LISTEN4].inode = 100;
	records[LISTEN4].send_q = 16;
	set(&records[EST4], AF_INET, "127.0.0.1", 40001, "127.0.0.1", 9999, TCPSTAT_ESTABLISHED);
	records[EST4].uid = 1000;
	records[EST4].inode = 200;
	records[EST4].send_q = 5;
	records[EST4].timer = TCPSTAT_TIMER_ON;
	records[EST4].timer_ms = 300;
	set(&records[TW6], AF_INET6, "::1", 40012, "::1", 9998, TCPSTAT_TIME_WAIT);
	records[TW6].timer = TCPSTAT_TIMER_TIMEWAIT;
	records[TW6].timer_ms = 55000;
	set(&records[CW4], AF_INET, "127.0.0.1", 9999, "127.0.0.1", 40003, TCPSTAT_CLOSE_WAIT);
	records[CW4].recv_q = 1;
	records[CW4].inode = 4294967296ull;
	set(&records[MAPPED], AF_INET6, "::ffff:127.0.0.1", 9997, "::ffff:127.0.0.1", 40021,
	    TCPSTAT_ESTABLISHED);
	records[MAPPED].timer = TCPSTAT_TIMER_KEEPALIVE;
	records[MAPPED].timer_ms = 7200000;
	set(&records[SSH], AF_INET, "10.0.0.1", 22, "10.0.0.2", 50000, TCPSTAT_ESTABLISHED);
	records[SSH].uid = 0;
	records[SSH].inode = 300;
	set(&records[LISTEN6], AF_INET6, "::", 9997, "::", 0, TCPSTAT_LISTEN);
	return 0;
}

static const struct filter_parse_env env = { { 32768, 60999 } };

/* Splits expr on spaces into words, as a shell would unquoted. */
static size_t split(char *expr, char **words, size_t max)
{
	size_t n = 0;

	for (char *w = strtok(expr, " "); w && n < max; w = strtok(NULL, " "))
		words[n++] = w;
	return n;
}

/* The records f keeps, as (1 << index) bits. */
static unsigned kept(const struct filter *f)
{
	unsigned bits = 0;

	for (unsigned i = 0; i < N_RECORDS; i++)
		if (filter_match(f, &records[i], NULL, FILTER_KNOW_ALL))
			bits |= 1u << i;
	return bits;
}

#define R(x) (1u << (x))
#define ALL ((1u << N_RECORDS) - 1)

struct keep_case {
	const char *expr;
	unsigned want;
};

static const struct keep_case keep_cases[] = {
	{ "", ALL },
	/* ss(8)'s examples, as far as TCP goes. */
	{ "state established ( dport = :ssh or sport = :ssh )", R(SSH) },
	{ "state established '( dport = :ssh or sport = :ssh )'", R(SSH) },
	{ "dst 10.0.0.2", R(SSH) },
	{ "dst 10.0.0.0/24", R(SSH) },
	{ "dport = :22", 0 },
	{ "src 10.0.0.1:22", R(SSH) },
	{ "dport != :80 and dport != :443", ALL },
	{ "state fin-wait-1 ( sport = :http or sport = :https ) dst 193.233.7.0/24", 0 },
	{ "sport = :9999", R(LISTEN4) | R(CW4) },
	{ "( sport = :9999 )", R(LISTEN4) | R(CW4) },
	{ "(sport = :9999)", R(LISTEN4) | R(CW4) },
	{ "sport == 9999", R(LISTEN4) | R(CW4) },
	{ "sport eq :9999", R(LISTEN4) | R(CW4) },
	{ "sport :9999", R(LISTEN4) | R(CW4) },
	{ "sport != :9999", ALL & ~(R(LISTEN4) | R(CW4)) },
	{ "sport ne :9999", ALL & ~(R(LISTEN4) | R(CW4)) },
	{ "sport < :9999", R(SSH) | R(MAPPED) | R(LISTEN6) },
	{ "sport lt :9998", R(SSH) | R(MAPPED) | R(LISTEN6) },
	{ "sport <= :9997", R(SSH) | R(MAPPED) | R(LISTEN6) },
	{ "sport > :9999", R(EST4) | R(TW6) },
	{ "sport >= :40001", R(EST4) | R(TW6) },
	{ "sport ge :40002 and sport le :40012", R(TW6) },
	{ "dport > :65535", 0 },
	{ "dport < :0", 0 },
	{ "dport <= :0", R(LISTEN4) | R(LISTEN6) },
	{ "dport = *:9999", R(EST4) },
	{ "port = :9999", R(LISTEN4) | R(CW4) | R(EST4) },
	{ "port != :9999", ALL & ~(R(LISTEN4) | R(CW4) | R(EST4)) },
	{ "port > :40020", R(MAPPED) | R(SSH) },
	{ "src 127.0.0.1", R(LISTEN4) | R(EST4) | R(CW4) | R(MAPPED) },
	{ "src = 127.0.0.0/8", R(LISTEN4) | R(EST4) | R(CW4) | R(MAPPED) },
	{ "src != 127.0.0.0/8", R(TW6) | R(SSH) | R(LISTEN6) },
	{ "src [::1]", R(TW6) },
	{ "src ::1", R(TW6) },
	{ "src [::1]:40012", R(TW6) },
	{ "src [::1]:40013", 0 },
	{ "src [::]/0", R(TW6) | R(MAPPED) | R(LISTEN6) },
	{ "not src 0.0.0.0/0", 0 },
	{ "src ::1/128:40012", R(TW6) },
	{ "exclude all", 0 },
	{ "src [::ffff:0:0]/96", R(MAPPED) },
	{ "dst [::1]/128:9998", R(TW6) },
	{ "src 127.0.0.1:9999", R(LISTEN4) | R(CW4) },
	{ "src 127.0.0.1/32:9999", R(LISTEN4) | R(CW4) },
	{ "src *:22", R(SSH) },
	{ "src *", ALL },
	{ "dst 127.0.0.1:*", R(EST4) | R(CW4) | R(MAPPED) },
	{ "autobound", R(EST4) | R(TW6) },
	{ "not autobound", ALL & ~(R(EST4) | R(TW6)) },
	{ "! autobound", ALL & ~(R(EST4) | R(TW6)) },
	{ "!autobound", ALL & ~(R(EST4) | R(TW6)) },
	/* and, or, not: same precedence, from the left, as ss's grammar. */
	{ "sport = :22 or sport = :9999 and dport = :0", R(LISTEN4) },
	{ "sport = :22 or ( sport = :9999 and dport = :0 )", R(SSH) | R(LISTEN4) },
	{ "sport = :22 || sport = :9999 && dport = :0", R(LISTEN4) },
	{ "sport = :22 | sport = :9999 & dport = :0", R(LISTEN4) },
	{ "sport = :9999 dport = :40003", R(CW4) },
	{ "not sport = :9999 dport = :40003", 0 },
	{ "not ( sport = :9999 dport = :40003 )", ALL & ~R(CW4) },
	{ "not not sport = :22", R(SSH) },
	{ "!(sport = :22 or sport = :9997)", ALL & ~(R(SSH) | R(MAPPED) | R(LISTEN6)) },
	{ "((sport = :22))", R(SSH) },
	/* Leading states, as ss's. */
	{ "state listening", R(LISTEN4) | R(LISTEN6) },
	{ "state LISTEN state time-wait", R(LISTEN4) | R(LISTEN6) | R(TW6) },
	{ "exclude listening", ALL & ~(R(LISTEN4) | R(LISTEN6)) },
	{ "excl listening excl established", R(TW6) | R(CW4) },
	{ "state connected", ALL & ~(R(LISTEN4) | R(LISTEN6)) },
	{ "state bucket", R(TW6) },
	{ "state all sport = :22", R(SSH) },
	{ "state established sport = :9997", R(MAPPED) },
	/* Beyond ss. */
	{ "uid = 1000", R(EST4) },
	{ "uid > 0", R(EST4) },
	{ "uid != 0", R(EST4) },
	{ "rq > 0", R(CW4) },
	{ "rq >= 1", R(CW4) },
	{ "sq > 0", R(EST4) | R(LISTEN4) },
	{ "state established sq > 0", R(EST4) },
	{ "timer < 5s", R(EST4) },
	{ "timer < 300ms", 0 },
	{ "timer <= 300ms", R(EST4) },
	{ "timer > 1.5s", R(TW6) | R(MAPPED) },
	{ "timer > 0ms", R(EST4) | R(TW6) | R(MAPPED) },
	{ "not timer > 0ms", ALL & ~(R(EST4) | R(TW6) | R(MAPPED)) },
	{ "inode = 0", R(TW6) | R(MAPPED) | R(LISTEN6) },
	{ "inode = 4294967296", R(CW4) },
	{ "inode > 150 inode < 250", R(EST4) },
	{ "inode != 0 and uid = 0 and sport = :ssh", R(SSH) },
};

static void test_keep(void **state)
{
	static struct filter f;

	(void)state;
	for (size_t i = 0; i < sizeof(keep_cases) / sizeof(keep_cases[0]); i++) {
		const struct keep_case *c = &keep_cases[i];
		char text[256], *words[64];
		size_t n;
		struct tcpstat_error err = { 0 };
		int rc;

		snprintf(text, sizeof(text), "%s", c->expr);
		/* Quotes in the table stand for one shell word: drop them, split the rest. */
		for (char *q; (q = strchr(text, '\'')); )
			memmove(q, q + 1, strlen(q));
		n = split(text, words, 64);
		filter_init(&f);
		rc = filter_parse(&f, n, words, &env, &err);
		if (rc != 0)
			fail_msg("'%s': %s", c->expr, err.msg);
		if (kept(&f) != c->want)
			fail_msg("'%s': kept %#x, want %#x", c->expr, kept(&f), c->want);
	}
}

/* The same expression as one word (quoted) and as many: the same tree. */
static void test_one_word_or_many(void **state)
{
	static struct filter a, b;
	char many[] = "state established ( dport = :ssh or sport = :ssh )";
	char *words[16];
	char quoted[] = "state\testablished\n(dport = :ssh or sport = :ssh)";
	struct tcpstat_error err;
	size_t n = split(many, words, 16);

	(void)state;
	filter_init(&a);
	filter_init(&b);
	assert_int_equal(filter_parse(&a, n, words, &env, &err), 0);
	words[0] = quoted;
	assert_int_equal(filter_parse(&b, 1, words, &env, &err), 0);
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.root, b.root);
	assert_memory_equal(a.nodes, b.nodes, a.n * sizeof(a.nodes[0]));
}

/* The expression ANDs onto what the tree had (the options' part). */
static void test_and_with_options(void **state)
{
	static struct filter f;
	char expr[] = "sport = :9999", *words[] = { expr };
	struct tcpstat_error err;

	(void)state;
	filter_init(&f);
	assert_int_equal(filter_require(&f, filter_leaf_states(&f, 1u << TCPSTAT_LISTEN)), 0);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), 0);
	assert_int_equal(kept(&f), R(LISTEN4));
}

/* pid and program leaves judge the owners. */
static void test_owners(void **state)
{
	static struct filter f;
	static const struct tcpstat_owner list[] = { { 100, 42, "nginx" } };
	const struct tcpstat_owners owners = { list, 1 };
	const struct { const char *expr; bool want; } cases[] = {
		{ "pid = 42", true }, { "pid != 42", false }, { "pid = 43", false },
		{ "program = nginx", true }, { "program != nginx", false },
		{ "program = nginx-with-a-long-name", false },
		{ "program = sshd or pid = 42", true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64], *words[8];
		size_t n;
		struct tcpstat_error err;

		snprintf(text, sizeof(text), "%s", cases[i].expr);
		n = split(text, words, 8);
		filter_init(&f);
		assert_int_equal(filter_parse(&f, n, words, &env, &err), 0);
		assert_true(filter_needs_owners(&f));
		if (filter_match(&f, &records[LISTEN4], &owners, FILTER_KNOW_ALL) != cases[i].want)
			fail_msg("'%s': want %d", cases[i].expr, cases[i].want);
	}
}

struct error_case {
	const char *expr;
	const char *msg;
};

static const struct error_case error_cases[] = {
	{ "sport = :80 or", "filter: unexpected end at word 5 (after 'sport = :80 or')" },
	{ "sport = :80 or or", "filter: unexpected 'or' at word 5 (after 'sport = :80 or')" },
	{ "src 10.0.0.1 sport = :80 or or",
	  "filter: unexpected 'or' at word 7 (after 'sport = :80 or')" },
	{ "or sport = :80", "filter: unexpected 'or' at word 1" },
	{ "sport = or", "filter: unexpected 'or' at word 3 (after 'sport =')" },
	{ "sport = :80 )", "filter: unexpected ')' at word 4 (after 'sport = :80')" },
	{ "( sport = :80", "filter: unexpected end at word 5 (after '( sport = :80')" },
	{ "( )", "filter: unexpected ')' at word 2 (after '(')" },
	{ "sport", "filter: unexpected end at word 2 (after 'sport')" },
	{ "sport = :99999", "filter: invalid port ':99999' at word 3 "
	  "(expected 0-65535 or a service name, as :80 or :http)" },
	{ "dport = :no-such-service", "filter: invalid port ':no-such-service' at word 3 "
	  "(expected 0-65535 or a service name, as :80 or :http)" },
	{ "src 1.2.3", "filter: invalid address '1.2.3' at word 2 "
	  "(expected ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT)" },
	{ "src 10.0.0.0/33", "filter: invalid address '10.0.0.0/33' at word 2 "
	  "(expected ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT)" },
	{ "src [127.0.0.1]", "filter: invalid address '[127.0.0.1]' at word 2 "
	  "(expected ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT)" },
	{ "src < 10.0.0.1", "filter: unexpected '<' at word 2 (after 'src')" },
	{ "uid 0", "filter: unexpected '0' at word 2 (after 'uid')" },
	{ "uid = -1", "filter: invalid number '-1' at word 3 (expected 0-4294967295)" },
	{ "rq > 4294967296", "filter: invalid number '4294967296' at word 3 (expected 0-4294967295)" },
	{ "timer < 5", "filter: invalid duration '5' at word 3 "
	  "(expected a number of s or ms, as 5s or 1.5s or 200ms)" },
	{ "timer < 1.5ms", "filter: invalid duration '1.5ms' at word 3 "
	  "(expected a number of s or ms, as 5s or 1.5s or 200ms)" },
	{ "timer >= 2h", "filter: invalid duration '2h' at word 3 "
	  "(expected a number of s or ms, as 5s or 1.5s or 200ms)" },
	{ "pid < 5", "filter: unexpected '<' at word 2 (after 'pid')" },
	{ "pid = 0", "filter: invalid pid '0' at word 3 (expected 1-4194304)" },
	{ "state nosuch", "filter: invalid state 'nosuch' at word 2 "
	  "(expected a state or group name, see --help)" },
	{ "state", "filter: unexpected end at word 2 (after 'state')" },
	{ "sport = :22 state listening", "filter: unexpected 'state' at word 4 (after 'sport = :22')" },
	{ "frobnicate", "filter: unexpected 'frobnicate' at word 1" },
	{ "dst host.example.org", "filter: invalid address 'host.example.org' at word 2 "
	  "(expected ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT)" },
	/* ss(8)'s "dst 193.233.7/24": short IPv4 forms are not taken. */
	{ "dst 193.233.7/24", "filter: invalid address '193.233.7/24' at word 2 "
	  "(expected ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT)" },
	{ "abcdefghijklmnopqrstuvwxyz0123456789",
	  "filter: unexpected 'abcdefghijklmnopqrstuvwx...' at word 1" },
};

static void test_errors(void **state)
{
	static struct filter f;

	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		char text[256], *words[64];
		size_t n;
		struct tcpstat_error err = { 0 };

		snprintf(text, sizeof(text), "%s", error_cases[i].expr);
		n = split(text, words, 64);
		filter_init(&f);
		assert_int_equal(filter_parse(&f, n, words, &env, &err), -EINVAL);
		assert_string_equal(err.msg, error_cases[i].msg);
	}
}

/* Limits: deep nesting and long expressions are errors, never a crash. */
static void test_limits(void **state)
{
	static struct filter f;
	static char text[65536];
	char *words[] = { text };
	struct tcpstat_error err;
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < 1000; i++)
		text[n++] = '(';
	text[n] = '\0';
	filter_init(&f);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), -EINVAL);
	assert_string_equal(err.msg, "filter: nested too deep at word 65 (at most 64 levels)");

	n = 0;
	for (unsigned i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "! ");
	filter_init(&f);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), -EINVAL);
	assert_string_equal(err.msg, "filter: nested too deep at word 65 (at most 64 levels)");

	n = 0;
	for (unsigned i = 0; i < 2000; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "sport = :%u or ", i);
	snprintf(text + n, sizeof(text) - n, "sport = :1");
	filter_init(&f);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), -EINVAL);
	assert_string_equal(err.msg, "filter: too long at word 2052 (at most 1024 nodes)");

	/* Just below the limit it parses, and the tree is whole. */
	n = 0;
	for (unsigned i = 0; i < 500; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "sport = :%u or ", i + 1);
	snprintf(text + n, sizeof(text) - n, "sport = :1");
	filter_init(&f);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), 0);
	assert_true(filter_match(&f, &records[SSH], NULL, FILTER_KNOW_ALL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_one_word_or_many),
		cmocka_unit_test(test_and_with_options),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, make_records, NULL);
}
