/*
 * jsonl.c - JSON Lines: one object per socket, event, summary or count.
 * The keys and their order are stable (README): the registry's JSON
 * fields, in the order below.
 */
#include <string.h>

#include "json.h"
#include "out.h"

/* A socket's keys, in order; the owners' two come last, with -P. */
static const uint8_t socket_keys[] = {
	OUT_F_PROTO, OUT_F_STATE, OUT_F_LOCAL_ADDR, OUT_F_LOCAL_PORT, OUT_F_PEER_ADDR,
	OUT_F_PEER_PORT, OUT_F_RECV_Q, OUT_F_SEND_Q, OUT_F_TIMER, OUT_F_TIMER_MS,
	OUT_F_RETRANS, OUT_F_PROBES, OUT_F_UID, OUT_F_INODE, OUT_F_USER,
};
static const uint8_t owner_keys[] = { OUT_F_PIDS, OUT_F_PROGRAMS };
/* A socket bound to an interface (only): after local_port. */
static const uint8_t scope_keys[] = { OUT_F_IFINDEX, OUT_F_INTERFACE };
/* With namespaces asked for, after all the others. */
static const uint8_t netns_keys[] = { OUT_F_NETNS, OUT_F_NETNS_INO };
/* What an event says of its socket, after "time" and "event". */
static const uint8_t event_keys[] = {
	OUT_F_PROTO, OUT_F_LOCAL_ADDR, OUT_F_LOCAL_PORT, OUT_F_PEER_ADDR, OUT_F_PEER_PORT,
	OUT_F_STATE,
};

static void put_keys(struct out *o, const uint8_t *ids, size_t n, const struct out_row *r,
		     bool first)
{
	struct line *l = &o->line;

	for (size_t i = 0; i < n; i++) {
		const struct out_field *f = &out_fields[ids[i]];
		const struct out_json_key *k = &o->keys[ids[i]];

		bool no_comma = first && i == 0;

		if (k->len)
			line_put32(l, k->text + no_comma, k->len - no_comma);
		else
			out_json_key(l, f->json_key, no_comma);
		f->json(l, r);
	}
}

/* "key":{...} with the fields from first to last that r has. */
static void put_object(struct out *o, const char *key, int first, int last,
		       const struct out_row *r)
{
	struct line *l = &o->line;
	bool none = true;

	out_json_key(l, key, false);
	line_putc(l, '{');
	for (int i = first; i <= last; i++) {
		const struct out_field *f = &out_fields[i];

		if (f->has && !f->has(r))
			continue;
		out_json_key(l, f->json_key, none);
		f->json(l, r);
		none = false;
	}
	line_putc(l, '}');
}

/*
 * Adds the keys ids[0..n) to o's steps. A key too long for a step's text
 * (none of the registry's is) leaves the plan unused: such a listing
 * writes every key with out_json_key.
 */
static void plan_keys(struct out *o, const uint8_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct out_json_step *s = &o->json_steps[o->n_json_steps];
		const char *key = out_fields[ids[i]].json_key;
		size_t len = strlen(key);

		if (o->n_json_steps == OUT_JSON_STEPS || len + 4 > sizeof(s->text) - 1) {
			o->json_planned = true;
			return;
		}
		o->n_json_steps++;
		memset(s, 0, sizeof(*s));
		s->raw = out_fields[ids[i]].json_raw;
		s->json = out_fields[ids[i]].json;
		s->id = ids[i];
		s->text[0] = o->n_json_steps == 1 ? '{' : ',';
		s->text[1] = '"';
		memcpy(s->text + 2, key, len);
		memcpy(s->text + 2 + len, "\":", 2);
		s->len = (uint8_t)(len + 4);
	}
}

/*
 * Cuts the steps into runs: a run ends after a value without a bound,
 * and before the scope keys' place (they are written between two runs).
 */
static void plan_runs(struct out *o)
{
	struct out_json_run *u = NULL;
	bool bounded = false;

	o->n_json_runs = 0;
	for (unsigned i = 0; i < o->n_json_steps; i++) {
		const struct out_json_step *s = &o->json_steps[i];

		if (!u || !bounded || i == o->json_scope_at) {
			u = &o->json_runs[o->n_json_runs++];
			u->first = (uint8_t)i;
			u->raw_end = (uint8_t)i;
			u->room = OUT_JSON_RAW_ROOM;
		}
		u->end = (uint8_t)(i + 1);
		bounded = s->raw != NULL;
		if (bounded)
			u->raw_end = u->end;
		u->room = (uint16_t)(u->room + sizeof(s->text) + out_fields[s->id].json_max);
	}
}

void out_json_plan(struct out *o)
{
	o->n_json_steps = 0;
	o->json_planned = true;
	plan_keys(o, socket_keys, sizeof(socket_keys));
	o->json_scope_at = 0;
	while (o->json_scope_at < o->n_json_steps &&
	       o->json_steps[o->json_scope_at++].id != OUT_F_LOCAL_PORT)
		;
	if (o->cfg->owners)
		plan_keys(o, owner_keys, sizeof(owner_keys));
	if (o->cfg->netns)
		plan_keys(o, netns_keys, sizeof(netns_keys));
	plan_runs(o);
}

/* Planned keys from s to end, each copied in one move, and their values. */
static inline void put_steps(struct line *l, const struct out_json_step *s,
			     const struct out_json_step *end, const struct out_row *r)
{
	for (; s < end; s++) {
		line_put32(l, s->text, s->len);
		s->json(l, r);
	}
}

/*
 * One run of steps: room made once, then each key copied as it is (all of
 * its text, the length kept) and its value written straight after it by
 * its raw writer; a last value without a bound by its json op.
 */
static inline void put_run(struct line *l, const struct out_json_step *steps,
			   const struct out_json_run *u, const struct out_row *r)
{
	const struct out_json_step *s = steps + u->first, *end = steps + u->end;
	const struct out_json_step *raw_end = steps + u->raw_end;
	char *p;

	if (!line_reserve(l, u->room)) {
		put_steps(l, s, end, r);   /* a truncating line near its end */
		return;
	}
	p = l->buf + l->len;
	for (; s < raw_end; s++) {
		memcpy(p, s->text, sizeof(s->text));
		p = s->raw(p + s->len, r);
	}
	l->len = (size_t)(p - l->buf);
	if (s < end) {
		memcpy(p, s->text, sizeof(s->text));
		l->len += s->len;
		s->json(l, r);
	}
}

/* The socket's keys without a plan: one out_json_key each. */
static void put_unplanned(struct out *o, const struct out_row *r)
{
	size_t at = 0;

	while (socket_keys[at++] != OUT_F_LOCAL_PORT)
		;
	line_putc(&o->line, '{');
	put_keys(o, socket_keys, at, r, true);
	if (r->s->ifindex)
		put_keys(o, scope_keys, sizeof(scope_keys), r, false);
	put_keys(o, socket_keys + at, sizeof(socket_keys) - at, r, false);
	if (o->cfg->owners)
		put_keys(o, owner_keys, sizeof(owner_keys), r, false);
	if (o->cfg->netns)
		put_keys(o, netns_keys, sizeof(netns_keys), r, false);
}

int out_json_socket(struct out *o, const struct out_row *r)
{
	struct line *l = &o->line;
	struct out_row named;
	r = out_row_with_user(o, r, &named);
	if (!o->json_planned) {
		put_unplanned(o, r);
	} else {
		const struct out_json_run *u = o->json_runs, *last = u + o->n_json_runs;

		for (; u < last; u++) {
			/* ifindex and interface after local_port, for a bound socket only. */
			if (u->first == o->json_scope_at && r->s->ifindex)
				put_keys(o, scope_keys, sizeof(scope_keys), r, false);
			put_run(l, o->json_steps, u, r);
		}
	}
	/* Only what the kernel reported: no key for a socket without it. */
	if (r->s->present & TCPSTAT_HAS_INFO)
		put_object(o, "info", OUT_F_INFO_FIRST, OUT_F_INFO_LAST, r);
	if (r->s->present & TCPSTAT_HAS_MEMORY)
		put_object(o, "memory", OUT_F_MEM_FIRST, OUT_F_MEM_LAST, r);
	line_putc(l, '}');
	return l->error ? -1 : 0;
}

static int json_row(struct out *o, const struct out_row *r)
{
	out_json_socket(o, r);
	line_putc(&o->line, '\n');
	return o->line.error ? -1 : 0;
}

static int json_begin(struct out *o)
{
	(void)o;
	return 0;
}

static void put_string_key(struct line *l, const char *key, const char *value, bool first)
{
	out_json_key(l, key, first);
	json_string(l, value, strlen(value));
}

/* The kernel source's keys: the exact time, time in the old state, the task. */
static void put_detail(struct line *l, const struct out_event_detail *d)
{
	out_json_key(l, "time_us", false);
	line_u64(l, d->time_us);
	if (d->in_state_known) {
		out_json_key(l, "in_state_ms", false);
		line_u64(l, d->in_state_us / 1000);
		line_putc(l, '.');
		line_u64(l, d->in_state_us % 1000 / 100);
		line_u64(l, d->in_state_us % 100 / 10);
		line_u64(l, d->in_state_us % 10);
	}
	if (d->task_pid) {
		out_json_key(l, "task_pid", false);
		line_u64(l, d->task_pid);
		put_string_key(l, "task_comm", d->task_comm, false);
	}
}

static int json_event(struct out *o, const struct out_event *e)
{
	static const char *const kinds[] = {
		[OUT_EVENT_NEW] = "new", [OUT_EVENT_CHANGE] = "change",
		[OUT_EVENT_GONE] = "gone", [OUT_EVENT_GONE_UNSEEN] = "gone",
	};
	struct out_row r = { .s = e->s, .netns = e->netns, .owners = e->owners };
	struct line *l = &o->line;

	if (e->s->ifindex)
		r.ifname = out_ifname(&o->ifnames, e->s->netns, e->s->ifindex);

	line_putc(l, '{');
	put_string_key(l, "time", e->stamp, true);
	/* "timestamp" beside "time", which keeps its short form for old readers. */
	if (e->timestamp)
		put_string_key(l, "timestamp", e->timestamp, false);
	put_string_key(l, "event", kinds[e->kind], false);
	put_keys(o, event_keys, sizeof(event_keys), &r, false);
	if (e->s->ifindex)
		put_keys(o, scope_keys, sizeof(scope_keys), &r, false);
	if (e->kind == OUT_EVENT_CHANGE)
		put_string_key(l, "old_state", out_state_name(e->old_state), false);
	if (e->kind == OUT_EVENT_GONE) {
		out_json_key(l, "seen_ms", false);
		line_u64(l, e->seen_ms);
		/* The polling source's time in the state: a TIME_WAIT's, from its timer. */
		if (!e->detail && e->in_state_known) {
			out_json_key(l, "in_state_ms", false);
			line_u64(l, e->in_state_ms);
		}
	}
	/* As the table's "older than tcpstat": seen_ms counts from tcpstat's start. */
	if (e->kind == OUT_EVENT_GONE && e->older) {
		out_json_key(l, "older_than_tcpstat", false);
		line_puts(l, "true");
	}
	if (e->kind == OUT_EVENT_GONE_UNSEEN) {
		out_json_key(l, "between_polls", false);
		line_puts(l, "true");
	}
	if (e->detail)
		put_detail(l, e->detail);
	/* -P: the owners carried forward, as a listing's pids and programs ([]: none known). */
	if (o->cfg->owners)
		put_keys(o, owner_keys, sizeof(owner_keys), &r, false);
	if (o->cfg->netns)
		put_keys(o, netns_keys, sizeof(netns_keys), &r, false);
	line_puts(l, "}\n");
	return l->error ? -1 : 0;
}

/*
 * {"ESTABLISHED":6,...,"total":15}: the states as the table names them;
 * one namespace's starts {"netns":"blue","netns_ino":4026532...,
 */
static int json_summary(struct out *o, const struct out_summary *s)
{
	struct line *l = &o->line;

	line_putc(l, '{');
	if (s->netns) {
		put_string_key(l, "netns", s->netns, true);
		out_json_key(l, "netns_ino", false);
		line_u64(l, s->netns_ino);
	}
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++) {
		out_json_key(l, out_state_name(st), st == 1 && !s->netns);
		line_u64(l, s->by_state[st]);
	}
	out_json_key(l, "total", false);
	line_u64(l, s->total);
	line_puts(l, "}\n");
	return l->error ? -1 : 0;
}

static int json_count(struct out *o, unsigned long n)
{
	struct line *l = &o->line;

	line_putc(l, '{');
	out_json_key(l, "count", true);
	line_u64(l, n);
	line_puts(l, "}\n");
	return l->error ? -1 : 0;
}

const struct out_format out_json_format = {
	.begin = json_begin,
	.row = json_row,
	.event = json_event,
	.summary = json_summary,
	.count = json_count,
	.end = out_end_nothing,
};
