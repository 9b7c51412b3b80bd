/*
 * test_bpfconf.c - the filter tree as the eBPF program runs it: on random
 * trees and records, the kernel's verdict (bpfconf_eval, a copy of the
 * program's evaluator) is the evaluator's with owners unknown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bpfconf.h"

static int random_leaf(struct filter *f, unsigned *seed)
{
	struct tcpstat_prefix p = { .family = AF_INET, .len = (uint8_t)(rand_r(seed) % 33) };
	struct tcpstat_port_range r;

	switch (rand_r(seed) % 6) {
	case 0:
		return filter_leaf_states(f, (uint32_t)rand_r(seed) & TCPSTAT_STATES_ALL);
	case 1:
		return filter_leaf_family(f, rand_r(seed) % 2 ? AF_INET : AF_INET6);
	case 2:
		r.lo = (uint16_t)(1 + rand_r(seed) % 8);
		r.hi = (uint16_t)(r.lo + rand_r(seed) % 4);
		return filter_leaf_ports(f, rand_r(seed) % 2 ? FILTER_PEER : FILTER_LOCAL, r);
	case 3:
		p.addr[0] = 127;
		p.addr[3] = (uint8_t)(rand_r(seed) % 2);
		if (p.len < 32)
			p.addr[3] = 0;
		return filter_leaf_prefix(f, rand_r(seed) % 2 ? FILTER_PEER : FILTER_LOCAL, &p);
	case 4:
		return filter_leaf_autobound(f, (struct tcpstat_port_range){ 3, 6 });
	default:
		return filter_leaf_pid(f, 1);
	}
}

static int random_tree(struct filter *f, unsigned *seed, int depth)
{
	int a, b;

	if (depth == 0 || rand_r(seed) % 3 == 0)
		return random_leaf(f, seed);
	a = random_tree(f, seed, depth - 1);
	switch (rand_r(seed) % 3) {
	case 0:
		return filter_not(f, a);
	case 1:
		b = random_tree(f, seed, depth - 1);
		return filter_and(f, a, b);
	default:
		b = random_tree(f, seed, depth - 1);
		return filter_or(f, a, b);
	}
}

static void random_sock(struct tcpstat_sock *s, unsigned *seed)
{
	memset(s, 0, sizeof(*s));
	s->family = rand_r(seed) % 2 ? AF_INET : AF_INET6;
	s->state = (uint8_t)(1 + rand_r(seed) % TCPSTAT_STATE_MAX);
	s->local_port = (uint16_t)(rand_r(seed) % 10);
	s->peer_port = (uint16_t)(rand_r(seed) % 10);
	if (s->family == AF_INET) {
		s->local_addr[0] = 127;
		s->local_addr[3] = (uint8_t)(rand_r(seed) % 2);
		s->peer_addr[0] = 127;
		s->peer_addr[3] = 1;
	} else if (rand_r(seed) % 2) {
		/* IPv4-mapped ::ffff:127.0.0.1 */
		s->local_addr[10] = s->local_addr[11] = 0xff;
		s->local_addr[12] = 127;
		s->local_addr[15] = 1;
	} else {
		s->local_addr[15] = 1;
	}
}

static void test_random_trees(void **state)
{
	unsigned seed = 14;
	unsigned filtered = 0;

	(void)state;
	for (int t = 0; t < 2000; t++) {
		struct filter f;
		struct tcps_config *cfg = malloc(sizeof(*cfg));
		bool kernel;

		assert_non_null(cfg);
		filter_init(&f);
		assert_true(filter_require(&f, random_tree(&f, &seed, 4)) == 0);
		kernel = bpfconf_build(&f, 4026531840u, cfg);
		assert_int_equal(cfg->netns, 4026531840u);
		filtered += kernel;
		for (int i = 0; i < 50; i++) {
			struct tcpstat_sock s;
			bool want;

			random_sock(&s, &seed);
			want = filter_match(&f, &s, NULL, FILTER_NO_OWNERS);
			if (kernel)
				assert_int_equal(bpfconf_eval(cfg, &s), want);
			else
				assert_true(bpfconf_eval(cfg, &s));
		}
		free(cfg);
	}
	/* Most trees fit in the program's 64 nodes. */
	assert_true(filtered > 1000);
}

/* uid, queues, timers, inodes: widened, so the program keeps at least what tcpstat does. */
static void test_number_leaves_widened(void **state)
{
	static const enum filter_op ops[] = { FILTER_UID, FILTER_RQ, FILTER_SQ, FILTER_TIMER,
					      FILTER_INODE };
	unsigned seed = 7;

	(void)state;
	for (int t = 0; t < 500; t++) {
		struct filter f;
		struct tcps_config *cfg = malloc(sizeof(*cfg));
		int leaf, tree;

		assert_non_null(cfg);
		filter_init(&f);
		leaf = filter_leaf_num(&f, ops[t % 5], 0, (uint64_t)(rand_r(&seed) % 2));
		tree = rand_r(&seed) % 2 ? filter_not(&f, leaf) : leaf;
		tree = filter_and(&f, tree, random_tree(&f, &seed, 2));
		assert_true(filter_require(&f, tree) == 0);
		if (bpfconf_build(&f, 1, cfg)) {
			for (int i = 0; i < 50; i++) {
				struct tcpstat_sock s;

				random_sock(&s, &seed);
				s.uid = s.recv_q = s.send_q = (uint32_t)(rand_r(&seed) % 3);
				s.timer = (uint8_t)(rand_r(&seed) % 2);
				if (filter_match(&f, &s, NULL, FILTER_KNOW_ALL))
					assert_true(bpfconf_eval(cfg, &s));
			}
		}
		free(cfg);
	}
}

static void test_too_large_passes_all(void **state)
{
	struct filter f;
	struct tcps_config cfg;
	int n;

	(void)state;
	filter_init(&f);
	n = filter_leaf_family(&f, AF_INET6);
	for (int i = 0; i < TCPS_MAX_NODES; i++)
		n = filter_not(&f, n);
	assert_int_equal(filter_require(&f, n), 0);
	assert_false(bpfconf_build(&f, 1, &cfg));
	assert_int_equal(cfg.n_nodes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_trees),
		cmocka_unit_test(test_number_leaves_widened),
		cmocka_unit_test(test_too_large_passes_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
