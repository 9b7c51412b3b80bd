/*
 * twtrack.c - the minisockets followed by their timer's events (see
 * twtrack.h): a table by cookie, and the stops waiting to be settled.
 */
#include "twtrack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TWT_MIN_SLOTS 256

static size_t slot_of(const struct twt *t, uint64_t cookie)
{
	uint64_t h = cookie * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 32)) & t->mask;
}

int twt_init(struct twt *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->slots = calloc(TWT_MIN_SLOTS, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	t->mask = TWT_MIN_SLOTS - 1;
	t->max = max;
	vec_init(&t->stopped, sizeof(uint64_t), max);
	return 0;
}

void twt_free(struct twt *t)
{
	free(t->slots);
	vec_free(&t->stopped);
	memset(t, 0, sizeof(*t));
}

/* 0 is no cookie (and marks free slots): never found. */
static struct twt_entry *find(const struct twt *t, uint64_t cookie)
{
	if (cookie == 0)
		return NULL;
	for (size_t i = slot_of(t, cookie);; i = (i + 1) & t->mask) {
		if (t->slots[i].cookie == cookie)
			return &t->slots[i];
		if (t->slots[i].cookie == 0)
			return NULL;
	}
}

const struct twt_entry *twt_find(const struct twt *t, uint64_t cookie)
{
	return find(t, cookie);
}

static void put(struct twt *t, const struct twt_entry *e)
{
	size_t i = slot_of(t, e->cookie);

	while (t->slots[i].cookie != 0)
		i = (i + 1) & t->mask;
	t->slots[i] = *e;
	t->count++;
}

/* Twice the slots, at half load, so probes stay short. Returns 0 or -ENOMEM. */
static int grow(struct twt *t)
{
	struct twt old = *t;
	size_t n = (t->mask + 1) * 2;

	t->slots = calloc(n, sizeof(*t->slots));
	if (!t->slots) {
		t->slots = old.slots;
		return -ENOMEM;
	}
	t->mask = n - 1;
	t->count = 0;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.slots[i].cookie)
			put(t, &old.slots[i]);
	free(old.slots);
	return 0;
}

/* A new entry for cookie, or NULL when the table is full. */
static struct twt_entry *add(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s)
{
	struct twt_entry e = { .cookie = cookie, .state = s->state };

	events_key_of(s, &e.key);
	if (cookie == 0 || t->count >= t->max)
		return NULL;
	if ((t->count + 1) * 2 > t->mask + 1 && grow(t) < 0)
		return NULL;
	put(t, &e);
	return find(t, cookie);
}

/* Empties slot i, moving back the entries its probe sequence had pushed on. */
static void remove_at(struct twt *t, size_t i)
{
	size_t j = i;

	t->count--;
	for (;;) {
		t->slots[i].cookie = 0;
		for (;;) {
			size_t k;

			j = (j + 1) & t->mask;
			if (t->slots[j].cookie == 0)
				return;
			k = slot_of(t, t->slots[j].cookie);
			/* It stays when its home k lies cyclically in (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
}

static void set_owner(struct twt_entry *e, const struct tcpstat_owner *o)
{
	e->owner_pid = o->pid;
	memcpy(e->owner_comm, o->comm, sizeof(e->owner_comm));
}

/* What is told of e: its record, in its state, and its owner. */
static void told_of(const struct twt_entry *e, struct twt_told *out)
{
	memset(out, 0, sizeof(*out));
	events_sock_of(&e->key, e->state, &out->s);
	out->owner.pid = e->owner_pid;
	memcpy(out->owner.comm, e->owner_comm, sizeof(e->owner_comm));
	out->owner.comm[sizeof(out->owner.comm) - 1] = '\0';
}

static void tell_gone(const struct twt_entry *e, uint64_t at_us, struct twt_told *out)
{
	told_of(e, out);
	out->old_state = e->state;
	out->at_us = at_us;
	out->in_state_known = (e->since_known || e->older) && at_us >= e->since_us;
	out->in_state_us = out->in_state_known ? at_us - e->since_us : 0;
	/* Its socket's CLOSE not seen here: it began before tcpstat did. */
	out->older = !e->since_known;
}

enum twt_tell twt_prefill(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
			  uint64_t since_us)
{
	struct twt_entry *e;

	if (cookie == 0 || find(t, cookie))
		return TWT_NOTHING;
	e = add(t, cookie, s);
	if (!e)
		return TWT_LOST;
	e->older = true;
	e->since_us = since_us;
	return TWT_NOTHING;
}

enum twt_tell twt_arm(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
		      const struct tcpstat_owner *owner, uint64_t at_us, struct twt_told *out)
{
	struct twt_entry *e = find(t, cookie);

	if (cookie == 0)
		return TWT_NOTHING;   /* one the kernel gave no cookie: not followed */
	if (!e) {
		/* A new minisocket (its socket's CLOSE comes next), or one older than tcpstat. */
		e = add(t, cookie, s);
		if (!e)
			return TWT_LOST;
		set_owner(e, owner);
		e->since_us = at_us;
		return TWT_NOTHING;
	}
	e->stop_us = 0;   /* renewed */
	if (e->state == s->state)
		return TWT_NOTHING;
	return twt_change(t, cookie, s->state, at_us, out);
}

enum twt_tell twt_close(struct twt *t, uint64_t cookie, uint8_t old_state, uint64_t at_us,
			uint64_t in_state_us, const struct tcpstat_owner *owner, bool *held,
			struct twt_told *out)
{
	struct twt_entry *e = find(t, cookie);

	*held = false;
	if (!e || e->since_known)
		return TWT_NOTHING;
	/* Found at start but armed just before its CLOSE: tcpstat saw it begin after all. */
	e->since_known = true;
	e->older = false;
	if (e->owner_pid == 0)
		set_owner(e, owner);
	if (e->state == old_state) {
		/* Still FIN_WAIT2, now as a minisocket: its time there goes on. */
		e->since_us = at_us - (in_state_us < at_us ? in_state_us : at_us);
		*held = true;
		return TWT_NOTHING;
	}
	told_of(e, out);
	out->old_state = old_state;
	out->at_us = at_us;
	out->in_state_us = in_state_us;
	out->in_state_known = true;
	e->since_us = at_us;
	return TWT_CHANGE;
}

enum twt_tell twt_change(struct twt *t, uint64_t cookie, uint8_t new_state, uint64_t at_us,
			 struct twt_told *out)
{
	struct twt_entry *e = find(t, cookie);

	if (!e || e->state == new_state)
		return TWT_NOTHING;
	tell_gone(e, at_us, out);
	out->s.state = new_state;
	e->state = new_state;
	e->since_us = at_us;
	e->since_known = true;
	e->older = false;
	return TWT_CHANGE;
}

enum twt_tell twt_stop(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
		       uint64_t at_us, struct twt_told *out)
{
	struct twt_entry *e = find(t, cookie);

	if (cookie == 0)
		return TWT_NOTHING;
	if (!e && !(e = add(t, cookie, s)))
		return TWT_LOST;
	if (e->stop_us != 0)
		return TWT_NOTHING;   /* already waiting to be settled */
	e->stop_us = at_us ? at_us : 1;
	if (!vec_push(&t->stopped, &cookie)) {
		remove_at(t, (size_t)(e - t->slots));
		return TWT_LOST;
	}
	/*
	 * A FIN_WAIT2 minisocket whose FIN came moves its timer within its
	 * wheel slot, without an event; killed (a RST) before the next
	 * lookup, its stop is the first to show TIME_WAIT: that change is
	 * told at the stop, the latest it can have been.
	 */
	return twt_change(t, cookie, s->state, at_us, out);
}

/* Whether cookie's kill was told lately. */
static bool settled_lately(const struct twt *t, uint64_t cookie)
{
	for (size_t i = 0; i < TWT_SETTLED_KEEP; i++)
		if (t->settled[i] == cookie)
			return true;
	return false;
}

enum twt_tell twt_expire(struct twt *t, uint64_t cookie, const struct tcpstat_sock *s,
			 uint64_t at_us, struct twt_told *out)
{
	struct twt_entry *e = find(t, cookie);
	struct twt_entry unseen = { .cookie = cookie, .state = s->state };

	if (!e) {
		if (cookie != 0 && settled_lately(t, cookie))
			return TWT_NOTHING;
		events_key_of(s, &unseen.key);
		tell_gone(&unseen, at_us, out);
		return TWT_GONE;
	}
	tell_gone(e, at_us, out);
	remove_at(t, (size_t)(e - t->slots));
	return TWT_GONE;
}

int twt_settle(struct twt *t, uint64_t now_us, twt_gone_fn *fn, void *arg)
{
	size_t keep = 0;
	int rc = 0;

	for (size_t i = 0; i < t->stopped.len; i++) {
		uint64_t cookie = *(uint64_t *)vec_at(&t->stopped, i);
		struct twt_entry *e = find(t, cookie);
		struct twt_told told;

		if (!e || e->stop_us == 0)
			continue;
		if (rc != 0 || now_us < e->stop_us + TWT_KILL_GRACE_US) {
			*(uint64_t *)vec_at(&t->stopped, keep++) = cookie;
			continue;
		}
		tell_gone(e, e->stop_us, &told);
		remove_at(t, (size_t)(e - t->slots));
		t->settled[t->settled_next] = cookie;
		t->settled_next = (t->settled_next + 1) % TWT_SETTLED_KEEP;
		rc = fn(&told, arg);
	}
	t->stopped.len = keep;
	return rc;
}

uint64_t twt_next_settle(const struct twt *t)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < t->stopped.len; i++) {
		const struct twt_entry *e = find(t, *(uint64_t *)vec_at(&t->stopped, i));

		if (e && e->stop_us && e->stop_us + TWT_KILL_GRACE_US < next)
			next = e->stop_us + TWT_KILL_GRACE_US;
	}
	return next;
}
