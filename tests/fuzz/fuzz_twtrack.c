/*
 * fuzz_twtrack.c - the minisockets' table (events/twtrack.c) on any
 * sequence of the kernel's timer events and closes, in any order, with
 * any cookies and times: 4 bytes an operation (which, cookie, state,
 * time step). Checked: no crash or sanitizer report; after every step the
 * table holds count entries, each found by its cookie, never more than
 * its bound; what it tells has a state tcpstat knows and a time not
 * before the entry's; settled far ahead, no stop is left waiting.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "twtrack.h"

#define MAX_FOLLOWED 8

static int on_gone(const struct twt_told *t, void *arg)
{
	(void)arg;
	if (t->s.state > TCPSTAT_STATE_MAX || t->old_state > TCPSTAT_STATE_MAX)
		abort();
	return 0;
}

static void check_table(const struct twt *t)
{
	size_t n = 0;

	for (size_t i = 0; i <= t->mask; i++) {
		if (t->slots[i].cookie == 0)
			continue;
		n++;
		if (twt_find(t, t->slots[i].cookie) != &t->slots[i])
			abort();
	}
	if (n != t->count || n > MAX_FOLLOWED)
		abort();
}

static void check_told(enum twt_tell tell, const struct twt_told *told)
{
	if (tell != TWT_CHANGE && tell != TWT_GONE)
		return;
	if (told->s.state > TCPSTAT_STATE_MAX || told->old_state > TCPSTAT_STATE_MAX)
		abort();
	if (told->in_state_known && told->in_state_us > told->at_us)
		abort();
}

static void step(struct twt *t, const uint8_t *op, uint64_t *now)
{
	struct tcpstat_sock s = { .family = 2, .local_port = op[1], .peer_port = 9999 };
	struct tcpstat_owner owner = { .pid = op[1] };
	uint64_t cookie = op[1] % 17;   /* 0 too: the kernel had made none */
	uint8_t state = op[2] % (TCPSTAT_STATE_MAX + 1);
	struct twt_told told;
	enum twt_tell tell = TWT_NOTHING;
	bool held;

	*now += op[3] * 997u;
	s.state = state;
	switch (op[0] % 7) {
	case 0: tell = twt_arm(t, cookie, &s, &owner, *now, &told); break;
	case 1: tell = twt_close(t, cookie, state, *now, op[3] * 13u, &owner, &held, &told); break;
	case 2: tell = twt_change(t, cookie, state, *now, &told); break;
	case 3: tell = twt_stop(t, cookie, &s, *now, &told); break;
	case 4: tell = twt_expire(t, cookie, &s, *now, &told); break;
	case 5: tell = twt_prefill(t, cookie, &s, *now - (*now > op[2] ? op[2] : 0)); break;
	default: twt_settle(t, *now, on_gone, NULL); break;
	}
	check_told(tell, &told);
	check_table(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twt t;
	uint64_t now = 1;

	if (twt_init(&t, MAX_FOLLOWED) < 0)
		return 0;
	for (size_t i = 0; i + 4 <= size; i += 4)
		step(&t, data + i, &now);
	twt_settle(&t, now + TWT_KILL_GRACE_US, on_gone, NULL);
	for (size_t i = 0; i <= t.mask; i++)
		if (t.slots[i].cookie && t.slots[i].stop_us)
			abort();
	twt_free(&t);
	return 0;
}
