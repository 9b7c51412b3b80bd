/*
 * test_bytecode.c - the inet_diag bytecode builder, checked three ways:
 * byte for byte on a small program, against a copy of the kernel's audit
 * (inet_diag_bc_audit: a program it refuses fails the whole request with
 * EINVAL), and by running programs the way the kernel's inet_diag_bc_run
 * does on many records and comparing with filter/'s evaluator (filter_match).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "filter.h"
#include "lists.h"
#include "kernel_bc.h"
#include "netlink.h"
#include "parse.h"

/* ---- tests --------------------------------------------------------------- */

/*
 * The tree the options build from lists. A list left empty here means
 * "any", as on the command line: states and families default to all.
 */
static const struct filter *tree(struct filter_lists q)
{
	static struct filter f;

	if (q.states == 0)
		q.states = TCPSTAT_STATES_ALL;
	if (!q.ipv4 && !q.ipv6)
		q.ipv4 = q.ipv6 = true;
	assert_int_equal(filter_from_lists(&f, &q), 0);
	return &f;
}

static void test_no_filter_no_program(void **state)
{
	struct filter_lists q = { .states = TCPSTAT_STATES_ALL, .ipv4 = true, .ipv6 = true };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(nl_bytecode_build(buf, sizeof(buf), tree(q)), 0);
}

/* -p 9999: (sport in [9999,9999]) or (dport in [9999,9999]), byte for byte. */
static void test_one_port_bytes(void **state)
{
	struct filter_lists q = { .n_port = 1, .port = { { 9999, 9999 } } };
	const struct inet_diag_bc_op want[] = {
		{ INET_DIAG_BC_S_GE, 8, 20 }, { 0, 0, 9999 },
		{ INET_DIAG_BC_S_LE, 8, 12 }, { 0, 0, 9999 },
		{ INET_DIAG_BC_JMP, 4, 20 },
		{ INET_DIAG_BC_D_GE, 8, 20 }, { 0, 0, 9999 },
		{ INET_DIAG_BC_D_LE, 8, 12 }, { 0, 0, 9999 },
	};
	uint8_t buf[256];

	(void)state;
	assert_int_equal(nl_bytecode_build(buf, sizeof(buf), tree(q)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(kernel_audit(buf, sizeof(want)), 0);
}

/* --src 127.0.0.0/8 --dst ::1: an S_COND then a D_COND hostcond. */
static void test_prefix_bytes(void **state)
{
	struct filter_lists q = {
		.n_src = 1, .src = { { AF_INET, 8, { 127 } } },
		.n_dst = 1, .dst = { { AF_INET6, 128, { [15] = 1 } } },
	};
	uint8_t buf[256];
	int len;
	struct inet_diag_bc_op op;
	struct inet_diag_hostcond cond;

	(void)state;
	len = nl_bytecode_build(buf, sizeof(buf), tree(q));
	assert_int_equal(len, (4 + 8 + 4) + (4 + 8 + 16));
	assert_int_equal(kernel_audit(buf, len), 0);
	memcpy(&op, buf, sizeof(op));
	assert_int_equal(op.code, INET_DIAG_BC_S_COND);
	assert_int_equal(op.yes, 16);
	assert_int_equal(op.no, len + 4);     /* the only atom of its group: reject */
	memcpy(&cond, buf + 4, sizeof(cond));
	assert_int_equal(cond.family, AF_INET);
	assert_int_equal(cond.prefix_len, 8);
	assert_int_equal(cond.port, -1);
	assert_int_equal(buf[12], 127);
	memcpy(&op, buf + 16, sizeof(op));
	assert_int_equal(op.code, INET_DIAG_BC_D_COND);
	assert_int_equal(op.yes, 28);
	assert_int_equal(op.no, len + 4 - 16);
}

static void test_too_small_buffer(void **state)
{
	struct filter_lists q = { .n_port = 1, .port = { { 1, 2 } } };
	uint8_t buf[64];

	(void)state;
	assert_int_equal(nl_bytecode_build(buf, 35, tree(q)), -1);
	assert_int_equal(nl_bytecode_build(buf, 36, tree(q)), 36);
}

/* A tree larger than any program the kernel takes: refused, nothing overrun. */
static void test_too_large_tree(void **state)
{
	static struct filter f;
	static uint8_t bc[NL_BYTECODE_MAX];
	int node;

	(void)state;
	filter_init(&f);
	node = filter_leaf_ports(&f, FILTER_LOCAL, (struct tcpstat_port_range){ 1, 1 });
	for (uint16_t i = 2; i < 500; i++)
		node = filter_or(&f, node, filter_leaf_ports(&f, FILTER_PEER,
					   (struct tcpstat_port_range){ i, i }));
	assert_int_equal(filter_require(&f, node), 0);
	assert_int_equal(nl_bytecode_build(bc, sizeof(bc), &f), -1);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t next_random(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return *seed;
}

static const uint16_t port_pool[] = { 1, 80, 443, 9998, 9999, 10000, 40000, 65535 };
static const char *const v4_pool[] = { "127.0.0.1", "127.0.0.2", "10.1.2.3", "0.0.0.0" };
static const char *const v6_pool[] = { "::1", "::", "fe80::1", "::ffff:127.0.0.1",
				       "::ffff:10.1.2.3", "2001:db8::8000" };

static uint16_t random_port(uint32_t *seed)
{
	return port_pool[next_random(seed) % (sizeof(port_pool) / sizeof(port_pool[0]))];
}

static void random_addr(uint32_t *seed, int family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (family == AF_INET)
		inet_pton(AF_INET, v4_pool[next_random(seed) % 4], addr);
	else
		inet_pton(AF_INET6, v6_pool[next_random(seed) % 6], addr);
}

static void random_range(uint32_t *seed, struct tcpstat_port_range *r)
{
	uint16_t a = random_port(seed), b = random_port(seed);

	r->lo = a < b ? a : b;
	r->hi = a < b ? b : a;
}

static void random_prefix(uint32_t *seed, struct tcpstat_prefix *p)
{
	static const uint8_t v4_lens[] = { 0, 8, 16, 31, 32 };
	static const uint8_t v6_lens[] = { 0, 64, 96, 120, 127, 128 };

	p->family = next_random(seed) % 2 ? AF_INET : AF_INET6;
	random_addr(seed, p->family, p->addr);
	p->len = p->family == AF_INET ? v4_lens[next_random(seed) % 5]
				      : v6_lens[next_random(seed) % 6];
}

static void random_query(uint32_t *seed, struct filter_lists *q)
{
	filter_lists_init(q);
	q->states = TCPSTAT_STATES_ALL;
	q->ipv4 = q->ipv6 = true;
	q->n_port = next_random(seed) % 3;
	q->n_sport = next_random(seed) % 3;
	q->n_dport = next_random(seed) % 3;
	q->n_src = next_random(seed) % 3;
	q->n_dst = next_random(seed) % 3;
	for (unsigned i = 0; i < 2; i++) {
		random_range(seed, &q->port[i]);
		random_range(seed, &q->sport[i]);
		random_range(seed, &q->dport[i]);
		random_prefix(seed, &q->src[i]);
		random_prefix(seed, &q->dst[i]);
	}
}

static void random_sock(uint32_t *seed, struct tcpstat_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->family = next_random(seed) % 2 ? AF_INET : AF_INET6;
	s->state = TCPSTAT_ESTABLISHED;
	random_addr(seed, s->family, s->local_addr);
	random_addr(seed, s->family, s->peer_addr);
	s->local_port = random_port(seed);
	s->peer_port = random_port(seed);
}

/* The kernel's verdict on our program equals our own filter's, every time. */
static void test_kernel_agrees_with_filter(void **state)
{
	uint32_t seed = 2463534242u;
	unsigned matched = 0, total = 0;

	(void)state;
	for (unsigned i = 0; i < 3000; i++) {
		struct filter_lists q;
		const struct filter *f;
		uint8_t bc[4096];
		int len;

		random_query(&seed, &q);
		f = tree(q);
		len = nl_bytecode_build(bc, sizeof(bc), f);
		assert_true(len >= 0);
		if (len > 0 && kernel_audit(bc, len) != 0)
			fail_msg("query %u: the kernel would refuse the program", i);
		for (unsigned j = 0; j < 20; j++) {
			struct tcpstat_sock s;
			bool want, got;

			random_sock(&seed, &s);
			want = filter_match(f, &s, NULL, FILTER_KNOW_ALL);
			got = len == 0 || kernel_run(bc, len, &s);
			if (want != got)
				fail_msg("query %u sock %u: filter %d, bytecode %d", i, j, want, got);
			matched += want;
			total++;
		}
	}
	/* Both verdicts must occur often, or the comparison proves little. */
	assert_true(matched > total / 20);
	assert_true(matched < total - total / 20);
}

/* ---- random trees: NOT, OR and AND across fields ----------------------- */

/* A leaf the kernel cannot judge: owners, uid, queues, timer, inode. */
static int random_widened_leaf(uint32_t *seed, struct filter *f)
{
	static const enum filter_op ops[] = { FILTER_UID, FILTER_RQ, FILTER_SQ, FILTER_TIMER,
					      FILTER_INODE };
	unsigned pick = next_random(seed) % 6;
	uint64_t lo = next_random(seed) % 3;

	if (pick == 5)
		return filter_leaf_pid(f, next_random(seed) % 3);
	return filter_leaf_num(f, ops[pick], lo, lo + next_random(seed) % 3);
}

/*
 * A random tree of depth at most depth. With exact, only the leaves the
 * bytecode judges (ports, addresses, autobound, TRUE, FALSE); otherwise
 * also states, families, pids, uids, queues, timers and inodes, which it
 * leaves to the evaluator (widened to "yes").
 */
static int random_tree(uint32_t *seed, struct filter *f, unsigned depth, bool exact)
{
	unsigned pick = next_random(seed) % (depth == 0 ? 5 : 8) + (depth == 0 ? 0 : 0);
	struct tcpstat_port_range r;
	struct tcpstat_prefix p;
	enum filter_side side = next_random(seed) % 2 ? FILTER_LOCAL : FILTER_PEER;

	switch (pick) {
	case 0:
		random_range(seed, &r);
		return filter_leaf_ports(f, side, r);
	case 1:
		random_prefix(seed, &p);
		return filter_leaf_prefix(f, side, &p);
	case 2:
		if (exact)
			return filter_add(f, &(struct filter_node){
				.op = next_random(seed) % 2 ? FILTER_TRUE : FILTER_FALSE });
		return filter_leaf_states(f, next_random(seed) & TCPSTAT_STATES_ALL);
	case 3:
		if (exact && next_random(seed) % 2)
			return filter_leaf_autobound(f, (struct tcpstat_port_range){ 32768, 60999 });
		if (exact) {
			random_range(seed, &r);
			return filter_leaf_ports(f, side, r);
		}
		return filter_leaf_family(f, next_random(seed) % 2 ? AF_INET : AF_INET6);
	case 4:
		if (exact) {
			random_prefix(seed, &p);
			return filter_leaf_prefix(f, side, &p);
		}
		return random_widened_leaf(seed, f);
	case 5:
		return filter_not(f, random_tree(seed, f, depth - 1, exact));
	case 6:
		return filter_or(f, random_tree(seed, f, depth - 1, exact),
				 random_tree(seed, f, depth - 1, exact));
	default:
		return filter_and(f, random_tree(seed, f, depth - 1, exact),
				  random_tree(seed, f, depth - 1, exact));
	}
}

static void random_tree_sock(uint32_t *seed, struct tcpstat_sock *s)
{
	random_sock(seed, s);
	s->state = (uint8_t)(1 + next_random(seed) % TCPSTAT_STATE_MAX);
	s->uid = next_random(seed) % 4;
	s->recv_q = next_random(seed) % 4;
	s->send_q = next_random(seed) % 4;
	s->timer = (uint8_t)(next_random(seed) % 2);
	s->timer_ms = next_random(seed) % 4;
	s->inode = next_random(seed) % 4;
}

/*
 * exact: the kernel's verdict equals the evaluator's. Otherwise the
 * kernel's may only be wider (what it passes, the evaluator judges again).
 */
static void check_random_trees(uint32_t seed, bool exact)
{
	static struct filter f;
	static uint8_t bc[NL_BYTECODE_MAX];
	unsigned matched = 0, total = 0;

	for (unsigned i = 0; i < 3000; i++) {
		int len;

		filter_init(&f);
		assert_int_equal(filter_require(&f, random_tree(&seed, &f, 4, exact)), 0);
		len = nl_bytecode_build(bc, sizeof(bc), &f);
		assert_true(len >= 0);
		if (len > 0 && kernel_audit(bc, len) != 0)
			fail_msg("tree %u: the kernel would refuse the program", i);
		for (unsigned j = 0; j < 20; j++) {
			struct tcpstat_sock s;
			bool want, got;

			random_tree_sock(&seed, &s);
			want = filter_match(&f, &s, NULL, exact ? FILTER_KNOW_ALL : FILTER_NO_OWNERS);
			got = len == 0 || kernel_run(bc, len, &s);
			if (exact ? want != got : want && !got)
				fail_msg("tree %u sock %u: filter %d, bytecode %d", i, j, want, got);
			matched += want;
			total++;
		}
	}
	assert_true(matched > total / 20);
	assert_true(matched < total - total / 20);
}

static void test_random_trees_exact(void **state)
{
	(void)state;
	check_random_trees(88172645u, true);
}

static void test_random_trees_widened(void **state)
{
	(void)state;
	check_random_trees(1234567u, false);
}

/* The largest query the options allow still builds and passes the audit. */
static void test_largest_query(void **state)
{
	struct filter_lists q = { .states = TCPSTAT_STATES_ALL };
	static uint8_t bc[NL_BYTECODE_MAX];
	int len;

	(void)state;
	q.n_port = q.n_sport = q.n_dport = q.n_src = q.n_dst = TCPSTAT_MAX_FILTERS;
	for (unsigned i = 0; i < TCPSTAT_MAX_FILTERS; i++) {
		q.port[i] = q.sport[i] = q.dport[i] = (struct tcpstat_port_range){ 1, 65535 };
		q.src[i] = (struct tcpstat_prefix){ .family = AF_INET6, .len = 128 };
		q.dst[i] = q.src[i];
	}
	len = nl_bytecode_build(bc, sizeof(bc), tree(q));
	assert_true(len > 0);
	assert_int_equal(kernel_audit(bc, len), 0);
	/* And the request carrying it fits netlink.c's 32 KiB buffer. */
	static uint8_t req[32768];
	assert_true(nl_build_request(req, sizeof(req), AF_INET, 1, tree(q)) > (size_t)len);
}

static void test_request(void **state)
{
	struct filter_lists q = {
		.states = 1u << TCPSTAT_TIME_WAIT, .ipv4 = true,
		.n_port = 1, .port = { { 9999, 9999 } },
	};
	uint8_t buf[512];
	size_t len;
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct inet_diag_req_v2 *req;
	const struct nlattr *attr;

	(void)state;
	len = nl_build_request(buf, sizeof(buf), AF_INET6, 42, tree(q));
	assert_int_equal(len, 16 + 56 + 4 + 36);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, SOCK_DIAG_BY_FAMILY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_seq, 42);
	req = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(req->sdiag_family, AF_INET6);
	assert_int_equal(req->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(req->idiag_states, 1u << 6);
	assert_int_equal(req->idiag_ext, 0);
	assert_int_equal(req->id.idiag_sport, 0);
	assert_int_equal(req->id.idiag_dport, 0);
	attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(*req));
	assert_int_equal(mnl_attr_get_type(attr), INET_DIAG_REQ_BYTECODE);
	assert_int_equal(mnl_attr_get_payload_len(attr), 36);
	assert_int_equal(kernel_audit(mnl_attr_get_payload(attr), 36), 0);
	/* Does not fit: nothing built. */
	assert_int_equal(nl_build_request(buf, len - 1, AF_INET, 1, tree(q)), 0);
	/* No filter: no attribute. */
	q.n_port = 0;
	q.states = TCPSTAT_STATES_ALL;
	assert_int_equal(nl_build_request(buf, sizeof(buf), AF_INET, 1, tree(q)), 16 + 56);
}

/* Programs from the filter language: each passes the audit and agrees with the evaluator. */
static void test_parsed_expressions(void **state)
{
	static const char *const exprs[] = {
		"state established ( dport = :ssh or sport = :ssh )",
		"dport != :80 and dport != :443",
		"not ( src 127.0.0.0/8 or dst [::1] ) and sport > :1024",
		"autobound or not autobound and sport < :100",
		"! ( sport = :9999 dport = :40003 ) or uid = 0 and rq > 0",
		"src [::ffff:127.0.0.1]/120:9997 or dst *:80 or src *",
		"port >= :40000 timer < 5s inode != 0",
	};
	static const struct filter_parse_env env = { { 32768, 60999 } };
	static struct filter f;
	static uint8_t bc[NL_BYTECODE_MAX];
	uint32_t seed = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		char *words[] = { (char *)exprs[i] };
		struct tcpstat_error err;
		int len;

		filter_init(&f);
		assert_int_equal(filter_parse(&f, 1, words, &env, &err), 0);
		len = nl_bytecode_build(bc, sizeof(bc), &f);
		assert_true(len >= 0);
		if (len > 0 && kernel_audit(bc, len) != 0)
			fail_msg("'%s': the kernel would refuse the program", exprs[i]);
		for (unsigned j = 0; j < 200; j++) {
			struct tcpstat_sock s;

			random_tree_sock(&seed, &s);
			if (filter_match(&f, &s, NULL, FILTER_KNOW_ALL) && len > 0 &&
			    !kernel_run(bc, len, &s))
				fail_msg("'%s': the kernel drops a match", exprs[i]);
		}
	}
}

/* An expression too long for one program: the request carries none. */
static void test_expression_too_long_for_kernel(void **state)
{
	static const struct filter_parse_env env = { { 32768, 60999 } };
	static struct filter f;
	static char text[32768];
	static uint8_t req[32768];
	char *words[] = { text };
	struct tcpstat_error err;
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < 400; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "src [2001:db8::%x] or ", i);
	snprintf(text + n, sizeof(text) - n, "src [::1]");
	filter_init(&f);
	assert_int_equal(filter_parse(&f, 1, words, &env, &err), 0);
	assert_int_equal(nl_bytecode_build(req, NL_BYTECODE_MAX, &f), -1);
	assert_int_equal(nl_build_request(req, sizeof(req), AF_INET6, 1, &f), 16 + 56);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_filter_no_program),
		cmocka_unit_test(test_one_port_bytes),
		cmocka_unit_test(test_prefix_bytes),
		cmocka_unit_test(test_too_small_buffer),
		cmocka_unit_test(test_too_large_tree),
		cmocka_unit_test(test_kernel_agrees_with_filter),
		cmocka_unit_test(test_random_trees_exact),
		cmocka_unit_test(test_random_trees_widened),
		cmocka_unit_test(test_largest_query),
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_parsed_expressions),
		cmocka_unit_test(test_expression_too_long_for_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
