/*
 * events.c - -E. Each poll is a snapshot of the matching sockets, keyed by
 * identity in a hash table; comparing it with the previous one gives the
 * changes in time linear in the number of matching sockets. A socket that
 * lives and dies between two polls is invisible to that, unless the kernel
 * reports its destruction (the sock_diag destroy groups, for CAP_NET_ADMIN).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "events.h"
#include "filter.h"
#include "json.h"
#include "line.h"
#include "netlink.h"
#include "print.h"
#include "run.h"
#include "watch.h"

/* Destroy reports kept between two polls; past this they are counted as lost. */
#define MAX_PENDING 65536

void events_key_of(const struct tcpstat_sock *s, struct events_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = s->family;
	key->local_port = s->local_port;
	key->peer_port = s->peer_port;
	memcpy(key->local_addr, s->local_addr, 16);
	memcpy(key->peer_addr, s->peer_addr, 16);
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
	struct events_entry *e = probe(t, key);

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

/* A destroy report waiting for the next poll to be judged. */
struct pending {
	struct events_key key;
	uint8_t state;
	char stamp[32];
};

struct events {
	const struct tcpstat_opts *opts;
	struct tcpstat_query any_state;   /* for destroy reports, which say CLOSE */
	FILE *out;
	struct events_table prev, cur;
	uint64_t now_ms;
	char stamp[32];            /* "13:02:11.204", the poll's wall time */
	bool first_poll;
	bool out_of_memory;
	bool write_failed;
	struct pending *pending;
	size_t n_pending, cap_pending;
	unsigned long lost;
};

/* "13:02:11.204" */
static void stamp_now(char buf[32])
{
	watch_wall_time(buf, 32, false);
}

enum event_kind { EVENT_NEW, EVENT_CHANGE, EVENT_GONE, EVENT_GONE_UNSEEN };

struct event {
	enum event_kind kind;
	const char *stamp;
	const struct events_key *key;
	uint8_t state, old_state;
	uint64_t seen_ms;
};

static void put_text_event(struct line *l, const struct event *e)
{
	char ep[80];
	const struct events_key *k = e->key;

	line_puts(l, e->stamp);
	line_putc(l, ' ');
	line_put(l, ep, print_endpoint(ep, sizeof(ep), k->family, k->local_addr, k->local_port));
	line_putc(l, ' ');
	line_put(l, ep, print_endpoint(ep, sizeof(ep), k->family, k->peer_addr, k->peer_port));
	switch (e->kind) {
	case EVENT_NEW:
		line_puts(l, " new ");
		line_puts(l, print_state_name(e->state));
		break;
	case EVENT_CHANGE:
		line_putc(l, ' ');
		line_puts(l, print_state_name(e->old_state));
		line_puts(l, " -> ");
		line_puts(l, print_state_name(e->state));
		break;
	case EVENT_GONE:
		line_puts(l, " gone (was ");
		line_puts(l, print_state_name(e->state));
		line_puts(l, ", seen ");
		line_u64(l, e->seen_ms / 1000);
		line_putc(l, '.');
		line_u64(l, e->seen_ms % 1000 / 100);
		line_puts(l, " s)");
		break;
	case EVENT_GONE_UNSEEN:
		line_puts(l, " gone (was ");
		line_puts(l, print_state_name(e->state));
		line_puts(l, ", between polls)");
		break;
	}
	line_putc(l, '\n');
}

static void json_str(struct line *l, const char *key, const char *value)
{
	line_puts(l, ",\"");
	line_puts(l, key);
	line_puts(l, "\":");
	json_string(l, value, strlen(value));
}

static void json_num(struct line *l, const char *key, uint64_t value)
{
	line_puts(l, ",\"");
	line_puts(l, key);
	line_puts(l, "\":");
	line_u64(l, value);
}

static void put_json_event(struct line *l, const struct event *e)
{
	static const char *const kinds[] = { "new", "change", "gone", "gone" };
	const struct events_key *k = e->key;
	char addr[64];

	line_puts(l, "{\"time\":");
	json_string(l, e->stamp, strlen(e->stamp));
	json_str(l, "event", kinds[e->kind]);
	json_str(l, "proto", k->family == AF_INET6 ? "tcp6" : "tcp");
	print_addr(addr, sizeof(addr), k->family, k->local_addr);
	json_str(l, "local_addr", addr);
	json_num(l, "local_port", k->local_port);
	print_addr(addr, sizeof(addr), k->family, k->peer_addr);
	json_str(l, "peer_addr", addr);
	json_num(l, "peer_port", k->peer_port);
	json_str(l, "state", print_state_name(e->state));
	if (e->kind == EVENT_CHANGE)
		json_str(l, "old_state", print_state_name(e->old_state));
	if (e->kind == EVENT_GONE)
		json_num(l, "seen_ms", e->seen_ms);
	if (e->kind == EVENT_GONE_UNSEEN)
		line_puts(l, ",\"between_polls\":true");
	line_puts(l, "}\n");
}

static void print_event(struct events *ev, const struct event *e)
{
	char buf[PRINT_LINE_MAX];
	struct line l;

	line_init(&l, buf, sizeof(buf), ev->out);
	if (ev->opts->json)
		put_json_event(&l, e);
	else
		put_text_event(&l, e);
	if (line_flush(&l) < 0)
		ev->write_failed = true;
}

static int on_snapshot(const struct tcpstat_sock *s, void *arg)
{
	struct events *ev = arg;
	struct events_key key;
	struct events_entry *now, *before;
	bool added;

	events_key_of(s, &key);
	now = events_table_add(&ev->cur, &key, &added);
	if (!now) {
		ev->out_of_memory = true;
		return 1;
	}
	now->state = s->state;
	/* /proc is not read atomically: a socket may come twice in one poll. */
	if (!added)
		return 0;
	before = events_table_find(&ev->prev, &key);
	now->first_ms = before ? before->first_ms : ev->now_ms;
	if (before)
		before->seen = true;
	if (ev->first_poll)
		return 0;
	if (!before)
		print_event(ev, &(struct event){ EVENT_NEW, ev->stamp, &key, s->state, 0, 0 });
	else if (before->state != s->state)
		print_event(ev, &(struct event){ EVENT_CHANGE, ev->stamp, &key, s->state,
						 before->state, 0 });
	return 0;
}

/* Destroy reports: kept until the next poll says whether they matter. */
static int on_destroy(const struct tcpstat_sock *s, void *arg)
{
	struct events *ev = arg;
	struct pending *p;

	if (!filter_match(&ev->any_state, s))
		return 0;
	if (ev->n_pending == ev->cap_pending) {
		size_t cap = ev->cap_pending ? 2 * ev->cap_pending : 64;
		struct pending *grown;

		if (cap > MAX_PENDING || !(grown = realloc(ev->pending, cap * sizeof(*grown)))) {
			ev->lost++;
			return 0;
		}
		ev->pending = grown;
		ev->cap_pending = cap;
	}
	p = &ev->pending[ev->n_pending++];
	events_key_of(s, &p->key);
	p->state = s->state;
	stamp_now(p->stamp);
	return 0;
}

/*
 * After a poll: what the previous poll had and this one lacks is gone; a
 * destroy report for a socket neither poll saw tells of a socket that came
 * and went between them (a reported socket still listed, say a connection
 * now in TIME_WAIT, is not gone).
 */
static void report_gone(struct events *ev)
{
	for (size_t i = 0; i <= ev->prev.mask; i++) {
		const struct events_entry *e = &ev->prev.slots[i];

		if (e->used && !e->seen)
			print_event(ev, &(struct event){ EVENT_GONE, ev->stamp, &e->key, e->state,
							 0, ev->now_ms - e->first_ms });
	}
	for (size_t i = 0; i < ev->n_pending; i++) {
		const struct pending *p = &ev->pending[i];

		if (!events_table_find(&ev->cur, &p->key) && !events_table_find(&ev->prev, &p->key))
			print_event(ev, &(struct event){ EVENT_GONE_UNSEEN, p->stamp, &p->key,
							 p->state, 0, 0 });
	}
	ev->n_pending = 0;
}

static int poll_once(struct events *ev, struct tcpstat_error *err)
{
	struct run_result res;
	struct events_table done;
	int rc;

	ev->now_ms = watch_now_ms();
	stamp_now(ev->stamp);
	if (events_table_init(&ev->cur, ev->prev.count) < 0)
		goto no_memory;
	rc = run_dump(ev->opts, on_snapshot, ev, &res, err);
	if (ev->out_of_memory)
		goto no_memory;
	if (rc < 0)
		return -1;
	if (!ev->first_poll)
		report_gone(ev);
	ev->n_pending = 0;
	ev->first_poll = false;
	done = ev->prev;
	ev->prev = ev->cur;
	ev->cur.slots = NULL;
	events_table_free(&done);
	if (fflush(ev->out) == EOF || ev->write_failed) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "write error");
		return -1;
	}
	return 0;

no_memory:
	err->errnum = ENOMEM;
	snprintf(err->msg, sizeof(err->msg), "events table");
	return -1;
}

/* Until deadline_ms: sleep, or read destroy reports as they come. */
static bool wait_reading(struct events *ev, struct mnl_socket *nl, uint64_t deadline_ms,
			 struct tcpstat_error *err)
{
	if (!nl)
		return watch_sleep_until(deadline_ms);
	while (!watch_stop) {
		struct pollfd pfd = { .fd = nl_destroy_fd(nl), .events = POLLIN };

		if (watch_now_ms() >= deadline_ms)
			return true;
		if (watch_ppoll(&pfd, 1, deadline_ms) > 0 &&
		    nl_destroy_read(nl, on_destroy, ev, err) < 0)
			ev->lost++;
	}
	return false;
}

int events_run(const struct tcpstat_opts *o, FILE *out, struct events_result *res,
	       struct tcpstat_error *err)
{
	struct events ev = { .opts = o, .any_state = o->query, .out = out, .first_poll = true };
	struct mnl_socket *nl;
	uint64_t next;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	/* The kernel reports a destroyed socket as CLOSE: match all but the state. */
	ev.any_state.states = TCPSTAT_STATES_ALL;
	nl = nl_destroy_open(o->query.ipv4, o->query.ipv6, &res->why_not);
	res->destroy_groups = nl != NULL;
	if (events_table_init(&ev.prev, 0) < 0) {
		nl_destroy_close(nl);
		err->errnum = ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "events table");
		return -1;
	}
	next = watch_now_ms();
	while (!watch_stop) {
		if (poll_once(&ev, err) < 0) {
			/* A write cut short by the signal that stops us is no error. */
			rc = watch_stop ? 0 : -1;
			break;
		}
		next += o->interval_ms;
		/* Late (a slow dump): start afresh rather than poll in a burst. */
		if (next < watch_now_ms())
			next = watch_now_ms() + o->interval_ms;
		if (!wait_reading(&ev, nl, next, err)) {
			/* Stopped: one last poll, so no destroy report waits in vain. */
			if (ev.n_pending > 0 && poll_once(&ev, err) < 0)
				rc = -1;
			break;
		}
	}
	res->lost = ev.lost;
	events_table_free(&ev.prev);
	events_table_free(&ev.cur);
	free(ev.pending);
	nl_destroy_close(nl);
	return rc;
}
