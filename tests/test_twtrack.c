/*
 * test_twtrack.c - the minisockets followed by their timer's events
 * (events/twtrack.c), on hand-made sequences of the kernel's: entry,
 * expiry, a kill told after its grace (and not again at a late expiry),
 * a renewal that is no kill, a real
 * CLOSE, a FIN_WAIT2 minisocket held, sockets older than tcpstat (and
 * those found at start, twt_prefill), the
 * table's growth, removal and bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "twtrack.h"

static struct tcpstat_sock sock_in(uint8_t state, uint16_t port)
{
	struct tcpstat_sock s = { .family = 2, .state = state, .local_port = port,
				  .peer_port = 9999 };

	s.local_addr[0] = s.peer_addr[0] = 127;
	s.local_addr[3] = s.peer_addr[3] = 1;
	return s;
}

static const struct tcpstat_owner nobody = { 0 };

struct gone_log {
	struct twt_told told[8];
	int n;
};

static int log_gone(const struct twt_told *t, void *arg)
{
	struct gone_log *g = arg;

	if (g->n < 8)
		g->told[g->n] = *t;
	g->n++;
	return 0;
}

/* A TIME_WAIT minisocket followed from at_us: armed, then its socket's old -> CLOSE. */
static void into_time_wait(struct twt *t, uint64_t cookie, const struct tcpstat_sock *tw,
			   uint8_t old, uint64_t at_us)
{
	struct twt_told told;
	bool held;

	assert_int_equal(twt_arm(t, cookie, tw, &nobody, at_us, &told), TWT_NOTHING);
	assert_int_equal(twt_close(t, cookie, old, at_us, 10, &nobody, &held, &told), TWT_CHANGE);
}

/* Armed, its socket's CLOSE, the stop and expiry 60 s on: -> TIME_WAIT, then gone. */
static void test_entry_and_expiry(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40000);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	assert_int_equal(twt_arm(&t, 7, &tw, &nobody, 1000, &told), TWT_NOTHING);
	assert_int_equal(twt_close(&t, 7, TCPSTAT_FIN_WAIT2, 1001, 50, &nobody, &held, &told),
			 TWT_CHANGE);
	assert_false(held);
	assert_int_equal(told.old_state, TCPSTAT_FIN_WAIT2);
	assert_int_equal(told.s.state, TCPSTAT_TIME_WAIT);
	assert_int_equal(told.s.local_port, 40000);
	assert_int_equal(told.in_state_us, 50);
	assert_int_equal(told.at_us, 1001);
	assert_int_equal(twt_stop(&t, 7, &tw, 61000000, &told), TWT_NOTHING);
	assert_int_equal(twt_expire(&t, 7, &tw, 61000001, &told), TWT_GONE);
	assert_int_equal(told.s.state, TCPSTAT_TIME_WAIT);
	assert_true(told.in_state_known);
	assert_int_equal(told.in_state_us, 61000001 - 1001);
	assert_false(told.older);
	assert_null(twt_find(&t, 7));
	assert_int_equal(t.count, 0);
	/* The stop was the expiry's: nothing left to settle. */
	assert_int_equal(twt_settle(&t, 99000000, log_gone, &g), 0);
	assert_int_equal(g.n, 0);
	twt_free(&t);
}

/* A stop with nothing after it is a kill: gone at the stop, once its grace is over. */
static void test_kill_after_grace(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40001);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	into_time_wait(&t, 8, &tw, TCPSTAT_FIN_WAIT2, 1000);
	assert_int_equal(twt_stop(&t, 8, &tw, 5000, &told), TWT_NOTHING);
	assert_int_equal(twt_next_settle(&t), 5000 + TWT_KILL_GRACE_US);
	assert_int_equal(twt_settle(&t, 5000 + TWT_KILL_GRACE_US - 1, log_gone, &g), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(twt_settle(&t, 5000 + TWT_KILL_GRACE_US, log_gone, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.told[0].at_us, 5000);
	assert_int_equal(g.told[0].in_state_us, 4000);
	assert_int_equal(g.told[0].s.state, TCPSTAT_TIME_WAIT);
	assert_null(twt_find(&t, 8));
	assert_int_equal(twt_next_settle(&t), UINT64_MAX);
	twt_free(&t);
}

/*
 * An expiry whose handler ran later than the grace after its stop was
 * told as a kill at the stop: its expiry, coming after, is not told again.
 * One never followed (nor killed) is still told at its expiry.
 */
static void test_late_expiry_after_kill(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40003);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	into_time_wait(&t, 10, &tw, TCPSTAT_FIN_WAIT2, 1000);
	assert_int_equal(twt_stop(&t, 10, &tw, 61000000, &told), TWT_NOTHING);
	assert_int_equal(twt_settle(&t, 61000000 + TWT_KILL_GRACE_US, log_gone, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(twt_expire(&t, 10, &tw, 61000000 + 2 * TWT_KILL_GRACE_US, &told),
			 TWT_NOTHING);
	assert_int_equal(twt_expire(&t, 11, &tw, 61000000 + 2 * TWT_KILL_GRACE_US, &told),
			 TWT_GONE);
	/* The ring keeps the latest kills: the oldest is forgotten past TWT_SETTLED_KEEP. */
	for (uint64_t c = 100; c < 100 + TWT_SETTLED_KEEP; c++) {
		into_time_wait(&t, c, &tw, TCPSTAT_FIN_WAIT2, 1000);
		twt_stop(&t, c, &tw, 2000, &told);
		twt_settle(&t, 2000 + TWT_KILL_GRACE_US, log_gone, &g);
	}
	assert_int_equal(g.n, 1 + TWT_SETTLED_KEEP);
	assert_int_equal(twt_expire(&t, 10, &tw, 62000000, &told), TWT_GONE);
	assert_int_equal(twt_expire(&t, 100, &tw, 62000000, &told), TWT_NOTHING);
	assert_int_equal(twt_expire(&t, 99 + TWT_SETTLED_KEEP, &tw, 62000000, &told),
			 TWT_NOTHING);
	twt_free(&t);
}

/* Stopped and armed again (a FIN again in TIME_WAIT): renewed, not killed. */
static void test_renewal_is_no_kill(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40002);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	into_time_wait(&t, 9, &tw, TCPSTAT_FIN_WAIT1, 1000);
	twt_stop(&t, 9, &tw, 3000, &told);
	assert_int_equal(twt_arm(&t, 9, &tw, &nobody, 3001, &told), TWT_NOTHING);
	assert_int_equal(twt_settle(&t, 90000000, log_gone, &g), 0);
	assert_int_equal(g.n, 0);
	assert_non_null(twt_find(&t, 9));
	/* Its time in TIME_WAIT runs from its entry, not from the renewal. */
	assert_int_equal(twt_expire(&t, 9, &tw, 64000000, &told), TWT_GONE);
	assert_int_equal(told.in_state_us, 64000000 - 1000);
	twt_free(&t);
}

/* No timer armed before the CLOSE: a real one. */
static void test_real_close(void **state)
{
	struct twt t;
	struct twt_told told;
	bool held = true;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	assert_int_equal(twt_close(&t, 10, TCPSTAT_FIN_WAIT2, 1000, 10, &nobody, &held, &told),
			 TWT_NOTHING);
	assert_false(held);
	assert_int_equal(twt_close(&t, 0, TCPSTAT_FIN_WAIT1, 1000, 10, &nobody, &held, &told),
			 TWT_NOTHING);
	assert_int_equal(t.count, 0);
	twt_free(&t);
}

/* close() in FIN_WAIT2: held, its FIN later makes it TIME_WAIT, its time counted whole. */
static void test_fin_wait2_held(void **state)
{
	struct tcpstat_sock fw2 = sock_in(TCPSTAT_FIN_WAIT2, 40003);
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40003);
	struct twt t;
	struct twt_told told;
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	twt_arm(&t, 11, &fw2, &nobody, 2000, &told);
	assert_int_equal(twt_close(&t, 11, TCPSTAT_FIN_WAIT2, 2000, 500, &nobody, &held, &told),
			 TWT_NOTHING);
	assert_true(held);
	assert_int_equal(twt_change(&t, 11, TCPSTAT_TIME_WAIT, 2600, &told), TWT_CHANGE);
	assert_int_equal(told.old_state, TCPSTAT_FIN_WAIT2);
	assert_int_equal(told.s.state, TCPSTAT_TIME_WAIT);
	assert_int_equal(told.in_state_us, 1100);
	/* The timer's renewal for the same change tells nothing again. */
	assert_int_equal(twt_arm(&t, 11, &tw, &nobody, 2601, &told), TWT_NOTHING);
	assert_int_equal(twt_change(&t, 11, TCPSTAT_TIME_WAIT, 2700, &told), TWT_NOTHING);
	twt_free(&t);
}

/* A substate change seen first at the timer's renewal. */
static void test_change_at_renewal(void **state)
{
	struct tcpstat_sock fw2 = sock_in(TCPSTAT_FIN_WAIT2, 40004);
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40004);
	struct twt t;
	struct twt_told told;
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	twt_arm(&t, 12, &fw2, &nobody, 2000, &told);
	twt_close(&t, 12, TCPSTAT_FIN_WAIT2, 2000, 0, &nobody, &held, &told);
	twt_stop(&t, 12, &fw2, 3000, &told);
	assert_int_equal(twt_arm(&t, 12, &tw, &nobody, 3000, &told), TWT_CHANGE);
	assert_int_equal(told.old_state, TCPSTAT_FIN_WAIT2);
	assert_int_equal(told.in_state_us, 1000);
	twt_free(&t);
}

/*
 * A FIN_WAIT2 minisocket's FIN moved its timer without an event and a RST
 * killed it before the next lookup: its stop shows TIME_WAIT first, so the
 * change is told there, and its end after the grace as TIME_WAIT's.
 */
static void test_change_at_kill(void **state)
{
	struct tcpstat_sock fw2 = sock_in(TCPSTAT_FIN_WAIT2, 40006);
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40006);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	twt_arm(&t, 16, &fw2, &nobody, 2000, &told);
	twt_close(&t, 16, TCPSTAT_FIN_WAIT2, 2000, 0, &nobody, &held, &told);
	assert_true(held);
	assert_int_equal(twt_stop(&t, 16, &tw, 2500, &told), TWT_CHANGE);
	assert_int_equal(told.old_state, TCPSTAT_FIN_WAIT2);
	assert_int_equal(told.s.state, TCPSTAT_TIME_WAIT);
	assert_int_equal(told.at_us, 2500);
	assert_int_equal(told.in_state_us, 500);
	/* A second stop (no re-arm between) tells nothing more. */
	assert_int_equal(twt_stop(&t, 16, &tw, 2600, &told), TWT_NOTHING);
	twt_settle(&t, 2500 + TWT_KILL_GRACE_US, log_gone, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.told[0].s.state, TCPSTAT_TIME_WAIT);
	assert_int_equal(g.told[0].at_us, 2500);
	assert_int_equal(g.told[0].in_state_us, 0);
	twt_free(&t);
}

/* Older than tcpstat: its end is told, how long it was there is not. */
static void test_older_than_tcpstat(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40005);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	assert_int_equal(twt_expire(&t, 13, &tw, 5000, &told), TWT_GONE);
	assert_false(told.in_state_known);
	assert_true(told.older);
	assert_int_equal(told.s.local_port, 40005);
	assert_int_equal(twt_stop(&t, 14, &tw, 6000, &told), TWT_NOTHING);
	twt_settle(&t, 6000 + TWT_KILL_GRACE_US, log_gone, &g);
	assert_int_equal(g.n, 1);
	assert_false(g.told[0].in_state_known);
	assert_true(g.told[0].older);
	/* Renewed before tcpstat saw its CLOSE: still not known. */
	twt_arm(&t, 15, &tw, &nobody, 7000, &told);
	assert_int_equal(twt_expire(&t, 15, &tw, 8000, &told), TWT_GONE);
	assert_false(told.in_state_known);
	assert_true(told.older);
	twt_free(&t);
}

/*
 * Found at start (a dump), in TIME_WAIT since its timer says: its end
 * tells that time, and that it is older than tcpstat; renewed, the same.
 * One armed and closed just after (the dump raced its events) is told as
 * tcpstat saw it begin.
 */
static void test_prefill(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40010);
	struct twt t;
	struct twt_told told;
	struct gone_log g = { 0 };
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 2), 0);
	assert_int_equal(twt_prefill(&t, 0, &tw, 1000), TWT_NOTHING);   /* no cookie: not followed */
	assert_null(twt_find(&t, 0));
	assert_int_equal(twt_prefill(&t, 21, &tw, 1000), TWT_NOTHING);
	assert_int_equal(twt_arm(&t, 21, &tw, &nobody, 30000000, &told), TWT_NOTHING);  /* a FIN again */
	assert_int_equal(twt_stop(&t, 21, &tw, 61000000, &told), TWT_NOTHING);
	twt_settle(&t, 61000000 + TWT_KILL_GRACE_US, log_gone, &g);
	assert_int_equal(g.n, 1);
	assert_true(g.told[0].in_state_known);
	assert_int_equal(g.told[0].in_state_us, 61000000 - 1000);
	assert_true(g.told[0].older);
	assert_int_equal(g.told[0].s.local_port, 40010);
	/* Its events came before the dump's entry was read: they tell. */
	assert_int_equal(twt_prefill(&t, 22, &tw, 2000), TWT_NOTHING);
	assert_int_equal(twt_arm(&t, 22, &tw, &nobody, 2500, &told), TWT_NOTHING);
	assert_int_equal(twt_close(&t, 22, TCPSTAT_FIN_WAIT2, 2501, 40, &nobody, &held, &told),
			 TWT_CHANGE);
	assert_int_equal(twt_expire(&t, 22, &tw, 62000000, &told), TWT_GONE);
	assert_int_equal(told.in_state_us, 62000000 - 2501);
	assert_false(told.older);
	/* One followed already is left as its events made it. */
	into_time_wait(&t, 23, &tw, TCPSTAT_FIN_WAIT1, 5000);
	assert_int_equal(twt_prefill(&t, 23, &tw, 1), TWT_NOTHING);
	assert_int_equal(twt_expire(&t, 23, &tw, 7000, &told), TWT_GONE);
	assert_int_equal(told.in_state_us, 2000);
	assert_false(told.older);
	/* The table's bound holds. */
	assert_int_equal(twt_prefill(&t, 24, &tw, 1), TWT_NOTHING);
	assert_int_equal(twt_prefill(&t, 25, &tw, 1), TWT_NOTHING);
	assert_int_equal(twt_prefill(&t, 26, &tw, 1), TWT_LOST);
	twt_free(&t);
}

/* The owner its socket had, carried to its end. */
static void test_owner_carried(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 40006);
	struct tcpstat_owner o = { .pid = 42, .comm = "echo-client" };
	struct twt t;
	struct twt_told told;
	bool held;

	(void)state;
	assert_int_equal(twt_init(&t, 16), 0);
	twt_arm(&t, 16, &tw, &nobody, 1000, &told);
	twt_close(&t, 16, TCPSTAT_FIN_WAIT2, 1000, 0, &o, &held, &told);
	assert_int_equal(told.owner.pid, 42);
	twt_expire(&t, 16, &tw, 9000, &told);
	assert_int_equal(told.owner.pid, 42);
	assert_string_equal(told.owner.comm, "echo-client");
	twt_free(&t);
}

/* Thousands in, half out in a scattered order: the rest all found; bounded by max. */
static void test_growth_removal_bound(void **state)
{
	struct tcpstat_sock tw = sock_in(TCPSTAT_TIME_WAIT, 1);
	struct twt t;
	struct twt_told told;

	(void)state;
	assert_int_equal(twt_init(&t, 5000), 0);
	for (uint64_t c = 1; c <= 5000; c++)
		assert_int_equal(twt_arm(&t, c * 7919, &tw, &nobody, c, &told), TWT_NOTHING);
	assert_int_equal(twt_arm(&t, 1, &tw, &nobody, 1, &told), TWT_LOST);
	for (uint64_t c = 1; c <= 5000; c += 2)
		assert_int_equal(twt_expire(&t, c * 7919, &tw, 9, &told), TWT_GONE);
	assert_int_equal(t.count, 2500);
	for (uint64_t c = 1; c <= 5000; c++) {
		if (c % 2)
			assert_null(twt_find(&t, c * 7919));
		else
			assert_non_null(twt_find(&t, c * 7919));
	}
	twt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_and_expiry),
		cmocka_unit_test(test_kill_after_grace),
		cmocka_unit_test(test_late_expiry_after_kill),
		cmocka_unit_test(test_renewal_is_no_kill),
		cmocka_unit_test(test_real_close),
		cmocka_unit_test(test_fin_wait2_held),
		cmocka_unit_test(test_change_at_renewal),
		cmocka_unit_test(test_change_at_kill),
		cmocka_unit_test(test_older_than_tcpstat),
		cmocka_unit_test(test_prefill),
		cmocka_unit_test(test_owner_carried),
		cmocka_unit_test(test_growth_removal_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
