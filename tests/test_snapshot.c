/*
 * test_snapshot.c - the snapshot diff of -E (events/snapshot.h) on
 * hand-made records: what is new, what changed state, what is gone and
 * for how long it was seen, and the hash table under it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "snapshot.h"

/* ---- records and the events they make --------------------------------------------- */

/* A v4 socket 10.0.x.y:port -> 192.0.2.1:9999, n choosing x, y and port. */
static struct tcpstat_sock sock_n(unsigned n, uint8_t state)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.local_addr[0] = 10;
	s.local_addr[2] = (uint8_t)(n >> 8);
	s.local_addr[3] = (uint8_t)n;
	s.local_port = (uint16_t)(1024 + n % 50000);
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", s.peer_addr), 1);
	s.peer_port = 9999;
	s.state = state;
	/* What is no part of the identity, and must not be reported back. */
	s.inode = 1000 + n;
	s.uid = 1000;
	s.recv_q = 5;
	return s;
}

static struct tcpstat_sock sock_v6(const char *local, uint16_t lport, const char *peer,
				   uint16_t pport, uint8_t state)
{
	struct tcpstat_sock s;

	memset(&s, 0, sizeof(s));
	s.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, local, s.local_addr), 1);
	assert_int_equal(inet_pton(AF_INET6, peer, s.peer_addr), 1);
	s.local_port = lport;
	s.peer_port = pport;
	s.state = state;
	return s;
}

struct seen_event {
	enum out_event_kind kind;
	const char *stamp;
	struct tcpstat_sock s;       /* a copy: the event's record is borrowed */
	uint8_t old_state;
	uint64_t seen_ms;
	bool older, in_state_known;
	uint64_t in_state_ms;
};

struct events_log {
	struct seen_event *list;
	size_t n, cap;
	int stop_after;              /* > 0: return -1234 at this event */
};

static int record_event(const struct out_event *e, void *arg)
{
	struct events_log *log = arg;

	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 16;
		log->list = realloc(log->list, log->cap * sizeof(*log->list));
		assert_non_null(log->list);
	}
	log->list[log->n].kind = e->kind;
	log->list[log->n].stamp = e->stamp;
	log->list[log->n].s = *e->s;
	log->list[log->n].old_state = e->old_state;
	log->list[log->n].seen_ms = e->seen_ms;
	log->list[log->n].older = e->older;
	log->list[log->n].in_state_known = e->in_state_known;
	log->list[log->n].in_state_ms = e->in_state_ms;
	log->n++;
	if (log->stop_after > 0 && log->n == (size_t)log->stop_after)
		return -1234;
	return 0;
}

static void log_reset(struct events_log *log)
{
	log->n = 0;
}

static void log_free(struct events_log *log)
{
	free(log->list);
	memset(log, 0, sizeof(*log));
}

/* The endpoints and state of got are those of want, and nothing else is set. */
static void assert_same_socket(const struct tcpstat_sock *got, const struct tcpstat_sock *want,
			       uint8_t state)
{
	struct tcpstat_sock expect;

	memset(&expect, 0, sizeof(expect));
	expect.family = want->family;
	memcpy(expect.local_addr, want->local_addr, 16);
	memcpy(expect.peer_addr, want->peer_addr, 16);
	expect.local_port = want->local_port;
	expect.peer_port = want->peer_port;
	expect.state = state;
	assert_memory_equal(got, &expect, sizeof(expect));
}

/* One whole snapshot of n records at now_ms: begin, add each, gone. */
static void take(struct snapshot *sn, uint64_t now_ms, const char *stamp,
		 const struct tcpstat_sock *socks, size_t n, struct events_log *log)
{
	assert_int_equal(snapshot_begin(sn, now_ms, stamp), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(snapshot_add(sn, &socks[i], record_event, log), 0);
	assert_int_equal(snapshot_gone(sn, record_event, log), 0);
	snapshot_next(sn);
}

/* ---- the diff ----------------------------------------------------------------------- */

/* The first snapshot is the baseline: nothing is new yet, nothing gone. */
static void test_first_snapshot_silent(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock socks[3] = {
		sock_n(1, TCPSTAT_LISTEN), sock_n(2, TCPSTAT_ESTABLISHED),
		sock_v6("::1", 22, "::", 0, TCPSTAT_LISTEN),
	};

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	assert_true(sn.first);
	take(&sn, 1000, "t1", socks, 3, &log);
	assert_int_equal(log.n, 0);
	assert_false(sn.first);
	assert_int_equal(sn.prev.count, 3);
	/* The same sockets again: still nothing. */
	take(&sn, 2000, "t2", socks, 3, &log);
	assert_int_equal(log.n, 0);
	snapshot_free(&sn);
	log_free(&log);
}

/* An empty first snapshot, then sockets: each is new. */
static void test_new(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock a = sock_n(1, TCPSTAT_SYN_SENT);
	struct tcpstat_sock b = sock_v6("2001:db8::1", 443, "2001:db8::2", 51000,
					TCPSTAT_ESTABLISHED);
	struct tcpstat_sock both[2] = { a, b };

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", NULL, 0, &log);
	assert_int_equal(log.n, 0);
	take(&sn, 2000, "13:02:11.204", both, 2, &log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.list[0].kind, OUT_EVENT_NEW);
	assert_string_equal(log.list[0].stamp, "13:02:11.204");
	assert_same_socket(&log.list[0].s, &a, TCPSTAT_SYN_SENT);
	assert_int_equal(log.list[1].kind, OUT_EVENT_NEW);
	assert_same_socket(&log.list[1].s, &b, TCPSTAT_ESTABLISHED);
	snapshot_free(&sn);
	log_free(&log);
}

static void test_state_change(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock s = sock_n(7, TCPSTAT_ESTABLISHED);

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", &s, 1, &log);
	s.state = TCPSTAT_FIN_WAIT1;
	s.recv_q = 99;                    /* no part of the identity */
	take(&sn, 2000, "t2", &s, 1, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_CHANGE);
	assert_string_equal(log.list[0].stamp, "t2");
	assert_int_equal(log.list[0].old_state, TCPSTAT_ESTABLISHED);
	assert_same_socket(&log.list[0].s, &s, TCPSTAT_FIN_WAIT1);
	/* Then another: old_state is the one of the snapshot just before. */
	log_reset(&log);
	s.state = TCPSTAT_TIME_WAIT;
	take(&sn, 3000, "t3", &s, 1, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_CHANGE);
	assert_int_equal(log.list[0].old_state, TCPSTAT_FIN_WAIT1);
	assert_int_equal(log.list[0].s.state, TCPSTAT_TIME_WAIT);
	snapshot_free(&sn);
	log_free(&log);
}

/* Gone: with its last state, and how long since it was first seen. */
static void test_gone_seen_ms(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock stays = sock_n(1, TCPSTAT_LISTEN);
	struct tcpstat_sock goes = sock_n(2, TCPSTAT_ESTABLISHED);
	struct tcpstat_sock first[2] = { stays, goes };
	struct tcpstat_sock later[2] = { stays, goes };

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", first, 2, &log);
	/* Seen again, in another state: first_ms is kept from the first snapshot. */
	later[1].state = TCPSTAT_CLOSE_WAIT;
	take(&sn, 2000, "t2", later, 2, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_CHANGE);
	log_reset(&log);
	take(&sn, 13345, "t3", &stays, 1, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_GONE);
	assert_string_equal(log.list[0].stamp, "t3");
	assert_int_equal(log.list[0].seen_ms, 12345);
	assert_same_socket(&log.list[0].s, &goes, TCPSTAT_CLOSE_WAIT);
	/* Gone is reported once. */
	log_reset(&log);
	take(&sn, 14000, "t4", &stays, 1, &log);
	assert_int_equal(log.n, 0);
	/* Back again: new, and its time starts over. */
	take(&sn, 15000, "t5", first, 2, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_NEW);
	log_reset(&log);
	take(&sn, 15500, "t6", &stays, 1, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_GONE);
	assert_int_equal(log.list[0].seen_ms, 500);
	snapshot_free(&sn);
	log_free(&log);
}

/* The same identity in both snapshots, state unchanged: no event, whatever else changed. */
static void test_same_key_no_event(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock s = sock_v6("::1", 9999, "::1", 40000, TCPSTAT_ESTABLISHED);
	struct tcpstat_sock other = s;

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", &s, 1, &log);
	other.inode = 424242;
	other.recv_q = 1;
	other.send_q = 2;
	other.uid = 3;
	other.timer = TCPSTAT_TIMER_KEEPALIVE;
	other.timer_ms = 7000;
	take(&sn, 2000, "t2", &other, 1, &log);
	assert_int_equal(log.n, 0);
	/* One port different: another socket, so one new and one gone. */
	other.peer_port = 40001;
	take(&sn, 3000, "t3", &other, 1, &log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.list[0].kind, OUT_EVENT_NEW);
	assert_int_equal(log.list[0].s.peer_port, 40001);
	assert_int_equal(log.list[1].kind, OUT_EVENT_GONE);
	assert_int_equal(log.list[1].s.peer_port, 40000);
	assert_int_equal(log.list[1].seen_ms, 2000);
	snapshot_free(&sn);
	log_free(&log);
}

/* /proc is not read atomically: a socket twice in one snapshot is one socket. */
static void test_duplicate_in_snapshot(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock s[2] = { sock_n(3, TCPSTAT_SYN_SENT), sock_n(3, TCPSTAT_ESTABLISHED) };
	struct tcpstat_sock now = s[1];

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", NULL, 0, &log);
	take(&sn, 2000, "t2", s, 2, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_NEW);
	assert_int_equal(sn.prev.count, 1);
	/* The last state read is the one kept. */
	log_reset(&log);
	take(&sn, 3000, "t3", &now, 1, &log);
	assert_int_equal(log.n, 0);
	snapshot_free(&sn);
	log_free(&log);
}

static void test_snapshot_knows(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock old = sock_n(1, TCPSTAT_ESTABLISHED), cur = sock_n(2, TCPSTAT_LISTEN);
	struct tcpstat_sock none = sock_n(3, TCPSTAT_LISTEN);
	struct events_key k_old, k_cur, k_none;

	(void)state;
	events_key_of(&old, &k_old);
	events_key_of(&cur, &k_cur);
	events_key_of(&none, &k_none);
	assert_int_equal(snapshot_init(&sn), 0);
	assert_false(snapshot_knows(&sn, &k_old));   /* before any snapshot */
	take(&sn, 1000, "t1", &old, 1, &log);
	/* A snapshot being taken: the previous one's, and what was added so far. */
	assert_int_equal(snapshot_begin(&sn, 2000, "t2"), 0);
	assert_true(snapshot_knows(&sn, &k_old));
	assert_false(snapshot_knows(&sn, &k_cur));
	assert_int_equal(snapshot_add(&sn, &cur, record_event, &log), 0);
	assert_true(snapshot_knows(&sn, &k_cur));
	assert_true(snapshot_knows(&sn, &k_old));
	assert_false(snapshot_knows(&sn, &k_none));
	assert_int_equal(snapshot_gone(&sn, record_event, &log), 0);
	snapshot_next(&sn);
	/*
	 * old was not in the snapshot just taken, which told it gone: still
	 * known until the next one, so a destroy report read late is not
	 * told again; forgotten after.
	 */
	assert_true(snapshot_knows(&sn, &k_old));
	assert_true(snapshot_knows(&sn, &k_cur));
	assert_int_equal(log.n, 2);                    /* cur new, old gone */
	take(&sn, 3000, "t3", &cur, 1, &log);
	assert_false(snapshot_knows(&sn, &k_old));
	assert_true(snapshot_knows(&sn, &k_cur));
	snapshot_free(&sn);
	log_free(&log);
}

/* emit's non-zero return is passed back up, and gone stops at it. */
static void test_emit_stops(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock socks[3] = {
		sock_n(1, TCPSTAT_ESTABLISHED), sock_n(2, TCPSTAT_ESTABLISHED),
		sock_n(3, TCPSTAT_ESTABLISHED),
	};

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", NULL, 0, &log);
	log.stop_after = 1;
	assert_int_equal(snapshot_begin(&sn, 2000, "t2"), 0);
	assert_int_equal(snapshot_add(&sn, &socks[0], record_event, &log), -1234);
	log.stop_after = 0;
	for (int i = 1; i < 3; i++)
		assert_int_equal(snapshot_add(&sn, &socks[i], record_event, &log), 0);
	assert_int_equal(snapshot_gone(&sn, record_event, &log), 0);
	snapshot_next(&sn);
	assert_int_equal(log.n, 3);
	log_reset(&log);
	log.stop_after = 2;
	assert_int_equal(snapshot_begin(&sn, 3000, "t3"), 0);
	assert_int_equal(snapshot_gone(&sn, record_event, &log), -1234);
	assert_int_equal(log.n, 2);                   /* the third gone was not emitted */
	snapshot_free(&sn);
	log_free(&log);
}

/* ---- the table ------------------------------------------------------------------------ */

/* Thousands of sockets: the tables grow past their first size and lose nothing. */
static void test_many_sockets(void **state)
{
	enum { N = 5000 };
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock *socks = calloc(N, sizeof(*socks));
	bool *gone = calloc(N, sizeof(*gone));

	(void)state;
	assert_non_null(socks);
	assert_non_null(gone);
	for (unsigned i = 0; i < N; i++)
		socks[i] = sock_n(i, TCPSTAT_ESTABLISHED);
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 1000, "t1", NULL, 0, &log);
	/* All new, in a table sized for none. */
	take(&sn, 2000, "t2", socks, N, &log);
	assert_int_equal(log.n, N);
	assert_int_equal(sn.prev.count, N);
	assert_true(sn.prev.mask + 1 >= 2 * N);
	for (unsigned i = 0; i < N; i++) {
		struct events_key k;

		events_key_of(&socks[i], &k);
		assert_non_null(events_table_find(&sn.prev, &k));
	}
	/* All again, half of them in another state. */
	log_reset(&log);
	for (unsigned i = 0; i < N; i += 2)
		socks[i].state = TCPSTAT_CLOSE_WAIT;
	take(&sn, 3000, "t3", socks, N, &log);
	assert_int_equal(log.n, N / 2);
	for (size_t i = 0; i < log.n; i++)
		assert_int_equal(log.list[i].kind, OUT_EVENT_CHANGE);
	/* None: every one gone, each once, in its last state. */
	log_reset(&log);
	take(&sn, 4000, "t4", NULL, 0, &log);
	assert_int_equal(log.n, N);
	for (size_t i = 0; i < log.n; i++) {
		const struct tcpstat_sock *s = &log.list[i].s;
		unsigned n = (unsigned)s->local_addr[2] << 8 | s->local_addr[3];

		assert_int_equal(log.list[i].kind, OUT_EVENT_GONE);
		assert_int_equal(log.list[i].seen_ms, 2000);
		assert_true(n < N);
		assert_false(gone[n]);
		gone[n] = true;
		assert_int_equal(s->state, n % 2 ? TCPSTAT_ESTABLISHED : TCPSTAT_CLOSE_WAIT);
		assert_int_equal(s->local_port, 1024 + n);
	}
	snapshot_free(&sn);
	log_free(&log);
	free(socks);
	free(gone);
}

static void test_table(void **state)
{
	enum { N = 10000 };
	struct events_table t;
	struct events_key k;
	struct events_entry *e;
	bool added;

	(void)state;
	assert_int_equal(events_table_init(&t, 0), 0);
	assert_int_equal(t.mask + 1, 64);
	for (unsigned i = 0; i < N; i++) {
		struct tcpstat_sock s = sock_n(i, TCPSTAT_ESTABLISHED);

		events_key_of(&s, &k);
		e = events_table_add(&t, &k, &added);
		assert_non_null(e);
		assert_true(added);
		assert_true(e->used);
		assert_false(e->seen);
		assert_int_equal(e->state, 0);               /* zeroed past the key */
		assert_int_equal(e->first_ms, 0);
		e->state = (uint8_t)(i % 11 + 1);
		e->first_ms = i;
	}
	assert_int_equal(t.count, N);
	assert_true(2 * t.count <= t.mask + 1);         /* at most half full */
	for (unsigned i = 0; i < N; i++) {
		struct tcpstat_sock s = sock_n(i, TCPSTAT_LISTEN);

		events_key_of(&s, &k);
		e = events_table_find(&t, &k);
		assert_non_null(e);
		assert_memory_equal(&e->key, &k, sizeof(k));
		assert_int_equal(e->state, i % 11 + 1);
		assert_int_equal(e->first_ms, i);
		/* Adding again finds the same entry, untouched. */
		assert_ptr_equal(events_table_add(&t, &k, &added), e);
		assert_false(added);
		assert_int_equal(e->first_ms, i);
	}
	assert_int_equal(t.count, N);
	{
		struct tcpstat_sock s = sock_n(N, TCPSTAT_LISTEN);

		events_key_of(&s, &k);
		assert_null(events_table_find(&t, &k));
	}
	events_table_free(&t);
	assert_null(t.slots);
	assert_int_equal(t.count, 0);
	/* A freed table finds nothing. */
	assert_null(events_table_find(&t, &k));

	/* Sized for many at once: no growth needed. */
	assert_int_equal(events_table_init(&t, 3000), 0);
	assert_true(t.mask + 1 >= 6000);
	events_table_free(&t);
}

/* ---- keys ------------------------------------------------------------------------------ */

static void test_key_round_trip(void **state)
{
	const struct tcpstat_sock cases[] = {
		sock_n(1, TCPSTAT_ESTABLISHED),
		sock_n(65535, TCPSTAT_TIME_WAIT),
		sock_v6("2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff", 65535,
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, TCPSTAT_LISTEN),
		sock_v6("::", 0, "::", 0, TCPSTAT_CLOSE),
		sock_v6("::ffff:127.0.0.1", 80, "::ffff:127.0.0.1", 40000, 200),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct events_key k, k2;
		struct tcpstat_sock back;

		memset(&k, 0xa5, sizeof(k));
		events_key_of(&cases[i], &k);
		assert_int_equal(k.family, cases[i].family);
		assert_int_equal(k.pad, 0);
		assert_int_equal(k.local_port, cases[i].local_port);
		assert_int_equal(k.peer_port, cases[i].peer_port);
		assert_memory_equal(k.local_addr, cases[i].local_addr, 16);
		assert_memory_equal(k.peer_addr, cases[i].peer_addr, 16);

		memset(&back, 0x5a, sizeof(back));
		events_sock_of(&k, cases[i].state, &back);
		assert_same_socket(&back, &cases[i], cases[i].state);

		/* And back to the same key, byte for byte (it is hashed whole). */
		memset(&k2, 0x3c, sizeof(k2));
		events_key_of(&back, &k2);
		assert_memory_equal(&k, &k2, sizeof(k));
	}
	/* Family is part of the identity: the same bytes as v4 and v6 differ. */
	struct tcpstat_sock v4 = sock_n(9, TCPSTAT_LISTEN), v6 = v4;
	struct events_key a, b;

	v6.family = AF_INET6;
	events_key_of(&v4, &a);
	events_key_of(&v6, &b);
	assert_true(memcmp(&a, &b, sizeof(a)) != 0);
}

/* ---- a socket's time in its state, and sockets older than tcpstat ------------------- */

/* A TIME_WAIT with left ms on its timer. */
static struct tcpstat_sock time_wait(unsigned n, uint32_t left)
{
	struct tcpstat_sock s = sock_n(n, TCPSTAT_TIME_WAIT);

	s.timer = TCPSTAT_TIMER_TIMEWAIT;
	s.timer_ms = left;
	return s;
}

/* A TIME_WAIT began 60 s (TCP_TIMEWAIT_LEN) before its timer ends; no other state says. */
static void test_state_since(void **state)
{
	struct tcpstat_sock s = time_wait(1, 59100);
	uint64_t since = 12345;

	(void)state;
	assert_true(events_state_since(&s, 100000, &since));
	assert_int_equal(since, 100000 - 900);
	s.timer_ms = 0;                       /* overdue: the wheel fires late */
	assert_true(events_state_since(&s, 100000, &since));
	assert_int_equal(since, 40000);
	s.timer_ms = EVENTS_TIME_WAIT_MS;     /* just armed */
	assert_true(events_state_since(&s, 100000, &since));
	assert_int_equal(since, 100000);
	s.timer_ms = 20000;                   /* 40 s old, the clock younger than that */
	assert_true(events_state_since(&s, 1000, &since));
	assert_int_equal(since, 0);
	/* Longer than any TIME_WAIT: not one of the kernel's; left unknown. */
	since = 777;
	s.timer_ms = EVENTS_TIME_WAIT_MS + 1;
	assert_false(events_state_since(&s, 100000, &since));
	assert_int_equal(since, 777);
	s = time_wait(1, 30000);
	s.timer = TCPSTAT_TIMER_OFF;
	assert_false(events_state_since(&s, 100000, &since));
	/* A FIN_WAIT2 minisocket's timer (3 too) counts tcp_fin_timeout, not 60 s. */
	s = time_wait(1, 30000);
	s.state = TCPSTAT_FIN_WAIT2;
	assert_false(events_state_since(&s, 100000, &since));
	s = sock_n(1, TCPSTAT_ESTABLISHED);
	s.timer = TCPSTAT_TIMER_KEEPALIVE;
	s.timer_ms = 7000;
	assert_false(events_state_since(&s, 100000, &since));
	assert_int_equal(since, 777);
}

/*
 * Gone: a TIME_WAIT there before tcpstat, with its real time in TIME_WAIT
 * (from its timer at first sight, not its later readings); an ESTABLISHED
 * there before, with only tcpstat's time; one that came later, neither.
 */
static void test_gone_older_and_in_state(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock first[2] = { time_wait(1, 57000), sock_n(2, TCPSTAT_ESTABLISHED) };
	struct tcpstat_sock later[3] = { time_wait(1, 1), sock_n(2, TCPSTAT_ESTABLISHED),
					 sock_n(3, TCPSTAT_ESTABLISHED) };
	struct tcpstat_sock last[2] = { time_wait(3, 59950) };

	(void)state;
	assert_int_equal(snapshot_init(&sn), 0);
	take(&sn, 100000, "t1", first, 2, &log);
	/* Its timer read again: what counts is the first reading in that state. */
	take(&sn, 100100, "t2", later, 3, &log);
	assert_int_equal(log.n, 1);                   /* 3 new */
	log_reset(&log);
	take(&sn, 100500, "t3", &later[2], 1, &log);
	assert_int_equal(log.n, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct seen_event *g = &log.list[i];

		assert_int_equal(g->kind, OUT_EVENT_GONE);
		assert_true(g->older);
		assert_int_equal(g->seen_ms, 500);
		if (g->s.state == TCPSTAT_TIME_WAIT) {
			assert_true(g->in_state_known);
			assert_int_equal(g->in_state_ms, 3000 + 500);
		} else {
			assert_int_equal(g->s.state, TCPSTAT_ESTABLISHED);
			assert_false(g->in_state_known);
			assert_int_equal(g->in_state_ms, 0);
		}
	}
	/* Seen come after tcpstat started: not older; its TIME_WAIT from the poll that saw it. */
	log_reset(&log);
	take(&sn, 100600, "t4", last, 1, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.list[0].kind, OUT_EVENT_CHANGE);
	log_reset(&log);
	take(&sn, 161000, "t5", NULL, 0, &log);
	assert_int_equal(log.n, 1);
	assert_false(log.list[0].older);
	assert_true(log.list[0].in_state_known);
	assert_int_equal(log.list[0].in_state_ms, 50 + 60400);
	assert_int_equal(log.list[0].seen_ms, 161000 - 100100);
	snapshot_free(&sn);
	log_free(&log);
}

/* A destroy report's cleared endpoints, given back by the cookie the last two polls saw. */
static void test_key_of_cookie(void **state)
{
	struct snapshot sn;
	struct events_log log = { 0 };
	struct tcpstat_sock socks[3] = { sock_n(1, TCPSTAT_ESTABLISHED), sock_n(2, TCPSTAT_ESTABLISHED),
					 sock_n(3, TCPSTAT_LISTEN) };
	struct events_key key, want;

	(void)state;
	socks[0].present = TCPSTAT_HAS_KERNEL_ID;
	socks[0].cookie = 0xc0ffee;
	socks[1].present = TCPSTAT_HAS_KERNEL_ID;
	socks[1].cookie = 0;                          /* none given */
	socks[2].cookie = 0xbeef;                     /* not filled (/proc): not used */
	assert_int_equal(snapshot_init(&sn), 0);
	assert_false(snapshot_key_of_cookie(&sn, 0xc0ffee, &key));
	take(&sn, 1000, "t1", socks, 3, &log);
	events_key_of(&socks[0], &want);
	memset(&key, 0, sizeof(key));
	assert_true(snapshot_key_of_cookie(&sn, 0xc0ffee, &key));
	assert_memory_equal(&key, &want, sizeof(key));
	assert_false(snapshot_key_of_cookie(&sn, 0, &key));
	assert_false(snapshot_key_of_cookie(&sn, 0xbeef, &key));
	assert_false(snapshot_key_of_cookie(&sn, 0xc0ffef, &key));
	/* Gone in the next poll: still known by cookie until the one after. */
	take(&sn, 2000, "t2", &socks[2], 1, &log);
	assert_true(snapshot_key_of_cookie(&sn, 0xc0ffee, &key));
	take(&sn, 3000, "t3", &socks[2], 1, &log);
	assert_false(snapshot_key_of_cookie(&sn, 0xc0ffee, &key));
	snapshot_free(&sn);
	log_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_snapshot_silent),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_state_change),
		cmocka_unit_test(test_gone_seen_ms),
		cmocka_unit_test(test_same_key_no_event),
		cmocka_unit_test(test_duplicate_in_snapshot),
		cmocka_unit_test(test_snapshot_knows),
		cmocka_unit_test(test_emit_stops),
		cmocka_unit_test(test_many_sockets),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_key_round_trip),
		cmocka_unit_test(test_state_since),
		cmocka_unit_test(test_gone_older_and_in_state),
		cmocka_unit_test(test_key_of_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
