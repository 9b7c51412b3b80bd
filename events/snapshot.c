/* snapshot.c - see snapshot.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

void events_key_of(const struct tcpstat_sock *s, struct events_key *key)
{
	memset(key, 0, sizeof(*key));
	key->netns = s->netns;
	key->family = s->family;
	key->local_port = s->local_port;
	key->peer_port = s->peer_port;
	memcpy(key->local_addr, s->local_addr, 16);
	memcpy(key->peer_addr, s->peer_addr, 16);
}

void events_sock_of(const struct events_key *key, uint8_t state, struct tcpstat_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->netns = key->netns;
	s->family = key->family;
	s->local_port = key->local_port;
	s->peer_port = key->peer_port;
	memcpy(s->local_addr, key->local_addr, 16);
	memcpy(s->peer_addr, key->peer_addr, 16);
	s->state = state;
}

/* FNV-1a over the key's bytes (no padding: it was zeroed). */
static size_t key_hash(const struct events_key *key)
{
	const uint8_t *p = (const uint8_t *)key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (size_t)h;
}

int events_table_init(struct events_table *t, size_t expected)
{
	size_t cap = 64;

	while (cap < 2 * expected && cap < SIZE_MAX / 4)
		cap *= 2;
	t->slots = calloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
	t->count = 0;
	return t->slots ? 0 : -ENOMEM;
}

void events_table_free(struct events_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->count = 0;
}

static struct events_entry *probe(const struct events_table *t, const struct events_key *key)
{
	size_t i = key_hash(key) & t->mask;

	while (t->slots[i].used && memcmp(&t->slots[i].key, key, sizeof(*key)) != 0)
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

struct events_entry *events_table_find(const struct events_table *t,
				       const struct events_key *key)
{
	struct events_entry *e;

	if (!t->slots)
		return NULL;
	e = probe(t, key);
	return e->used ? e : NULL;
}

/* Doubles the table, so it stays at most half full. */
static int grow(struct events_table *t)
{
	struct events_table bigger = {
		.slots = calloc(2 * (t->mask + 1), sizeof(*t->slots)),
		.mask = 2 * (t->mask + 1) - 1,
		.count = t->count,
	};

	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i <= t->mask; i++)
		if (t->slots[i].used)
			*probe(&bigger, &t->slots[i].key) = t->slots[i];
	free(t->slots);
	*t = bigger;
	return 0;
}

struct events_entry *events_table_add(struct events_table *t, const struct events_key *key,
				      bool *added)
{
	struct events_entry *e = probe(t, key);

	*added = !e->used;
	if (e->used)
		return e;
	if (2 * (t->count + 1) > t->mask + 1) {
		if (grow(t) < 0)
			return NULL;
		e = probe(t, key);
	}
	memset(e, 0, sizeof(*e));
	e->key = *key;
	e->used = true;
	t->count++;
	return e;
}

int snapshot_init(struct snapshot *sn)
{
	memset(sn, 0, sizeof(*sn));
	sn->first = true;
	return events_table_init(&sn->prev, 0);
}

void snapshot_free(struct snapshot *sn)
{
	events_table_free(&sn->prev);
	events_table_free(&sn->cur);
	events_table_free(&sn->before);
	free(sn->by_cookie.slots);
	sn->by_cookie.slots = NULL;
}

bool events_state_since(const struct tcpstat_sock *s, uint64_t now_ms, uint64_t *since_ms)
{
	uint64_t age;

	if (s->state != TCPSTAT_TIME_WAIT || s->timer != TCPSTAT_TIMER_TIMEWAIT ||
	    s->timer_ms > EVENTS_TIME_WAIT_MS)
		return false;
	age = EVENTS_TIME_WAIT_MS - s->timer_ms;
	*since_ms = now_ms > age ? now_ms - age : 0;
	return true;
}

int snapshot_begin(struct snapshot *sn, uint64_t now_ms, const char *stamp)
{
	sn->now_ms = now_ms;
	sn->stamp = stamp;
	events_table_free(&sn->cur);
	return events_table_init(&sn->cur, sn->prev.count);
}

static int emit_one(events_emit_fn *emit, void *arg, enum out_event_kind kind,
		    const struct snapshot *sn, const struct events_key *key, uint8_t state,
		    uint8_t old_state)
{
	struct tcpstat_sock s;
	struct out_event e = { .kind = kind, .stamp = sn->stamp, .s = &s,
			       .old_state = old_state, .timestamp = sn->timestamp };

	events_sock_of(key, state, &s);
	return emit(&e, arg);
}

/*
 * Gone: how long tcpstat saw it, whether it was there before tcpstat, and
 * how long it was in its state where its timer told when that began.
 */
static int emit_gone(events_emit_fn *emit, void *arg, const struct snapshot *sn,
		     const struct events_entry *was)
{
	struct tcpstat_sock s;
	struct out_event e = { .kind = OUT_EVENT_GONE, .stamp = sn->stamp, .s = &s,
			       .seen_ms = sn->now_ms - was->first_ms, .timestamp = sn->timestamp };

	e.older = was->older;
	e.in_state_known = was->state_known && sn->now_ms >= was->state_ms;
	e.in_state_ms = e.in_state_known ? sn->now_ms - was->state_ms : 0;
	events_sock_of(&was->key, was->state, &s);
	return emit(&e, arg);
}

/* What now carries from before (the same socket in the last snapshot, or NULL). */
static void carry(struct events_entry *now, const struct events_entry *before,
		  const struct tcpstat_sock *s, const struct snapshot *sn)
{
	now->first_ms = before ? before->first_ms : sn->now_ms;
	now->older = before ? before->older : sn->first;
	now->cookie = s->present & TCPSTAT_HAS_KERNEL_ID ? s->cookie : 0;
	/* In the same state: it began when it was first seen in it. */
	if (before && before->state == s->state) {
		now->state_known = before->state_known;
		now->state_ms = before->state_ms;
		return;
	}
	now->state_known = events_state_since(s, sn->now_ms, &now->state_ms);
}

int snapshot_add(struct snapshot *sn, const struct tcpstat_sock *s, events_emit_fn *emit,
		 void *arg)
{
	struct events_key key;
	struct events_entry *now, *before;
	bool added;

	events_key_of(s, &key);
	now = events_table_add(&sn->cur, &key, &added);
	if (!now)
		return -ENOMEM;
	now->state = s->state;
	/* /proc is not read atomically: a socket may come twice in one snapshot. */
	if (!added)
		return 0;
	before = events_table_find(&sn->prev, &key);
	carry(now, before, s, sn);
	if (before)
		before->seen = true;
	if (sn->first)
		return 0;
	if (!before)
		return emit_one(emit, arg, OUT_EVENT_NEW, sn, &key, s->state, 0);
	if (before->state != s->state)
		return emit_one(emit, arg, OUT_EVENT_CHANGE, sn, &key, s->state,
				before->state);
	return 0;
}

int snapshot_gone(const struct snapshot *sn, events_emit_fn *emit, void *arg)
{
	int rc = 0;

	for (size_t i = 0; !sn->first && i <= sn->prev.mask && rc == 0; i++) {
		const struct events_entry *e = &sn->prev.slots[i];

		if (e->used && !e->seen)
			rc = emit_gone(emit, arg, sn, e);
	}
	return rc;
}

static size_t cookie_hash(uint64_t cookie)
{
	uint64_t h = cookie * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 32));
}

/* Adds table's sockets that have a cookie to the index c (room made by the caller). */
static void index_table(struct events_cookies *c, const struct events_table *table)
{
	for (size_t i = 0; table->slots && i <= table->mask; i++) {
		const struct events_entry *e = &table->slots[i];
		size_t j;

		if (!e->used || e->cookie == 0)
			continue;
		for (j = cookie_hash(e->cookie) & c->mask; c->slots[j]; j = (j + 1) & c->mask)
			;
		c->slots[j] = e;
	}
}

/*
 * prev's and before's sockets by cookie (prev's first: the newer), for the
 * destroy reports read before the next poll. Out of memory, the index
 * stays empty: reports are then judged by the endpoints they came with.
 */
static void index_cookies(struct snapshot *sn)
{
	struct events_cookies *c = &sn->by_cookie;
	size_t cap = 16;

	free(c->slots);
	while (cap < 2 * (sn->prev.count + sn->before.count) && cap < SIZE_MAX / 4)
		cap *= 2;
	c->slots = calloc(cap, sizeof(*c->slots));
	c->mask = cap - 1;
	if (!c->slots)
		return;
	index_table(c, &sn->prev);
	index_table(c, &sn->before);
}

void snapshot_next(struct snapshot *sn)
{
	sn->first = false;
	events_table_free(&sn->before);
	sn->before = sn->prev;
	sn->prev = sn->cur;
	sn->cur.slots = NULL;
	sn->cur.count = 0;
	index_cookies(sn);
}

bool snapshot_key_of_cookie(const struct snapshot *sn, uint64_t cookie, struct events_key *key)
{
	const struct events_cookies *c = &sn->by_cookie;

	if (cookie == 0 || !c->slots)
		return false;
	for (size_t j = cookie_hash(cookie) & c->mask; c->slots[j]; j = (j + 1) & c->mask) {
		if (c->slots[j]->cookie == cookie) {
			*key = c->slots[j]->key;
			return true;
		}
	}
	return false;
}

bool snapshot_knows(const struct snapshot *sn, const struct events_key *key)
{
	return events_table_find(&sn->cur, key) || events_table_find(&sn->prev, key) ||
	       events_table_find(&sn->before, key);
}
