/*
 * table.c - the table format. The default columns are netstat's,
 * "%-4s  %6ld %6ld %-23s %-23s %-11s", so old awk habits keep working;
 * -O picks other columns from the same registry. Also the lines of -E,
 * -S and -c for people rather than programs.
 */
#include <string.h>

#include "out.h"

/* Room kept for a right-aligned cell, so it can be shifted into place. */
#define TABLE_CELL_MAX 64

/*
 * A right-aligned cell (a number) is put where it goes, then moved right
 * by its padding: no copy through a buffer of its own.
 */
static void put_cell_right(struct line *l, const struct out_field *col,
			   const struct out_row *r)
{
	size_t start = l->len, spilled = l->spilled, n;

	if (!line_reserve(l, TABLE_CELL_MAX + col->width)) {
		col->put(l, r, false);   /* a truncating line too small: as it comes */
		return;
	}
	start = l->len;
	spilled = l->spilled;
	col->put(l, r, false);
	n = l->len - start;
	if (l->spilled != spilled || n >= col->width)
		return;
	memmove(l->buf + start + (col->width - n), l->buf + start, n);
	memset(l->buf + start, ' ', col->width - n);
	l->len += col->width - n;
}

/*
 * The cells' writers: each writes its cell, its padding and what follows
 * it (c->end). A left-aligned cell is padded to its width but the last.
 */
static void cell_left(struct line *l, const struct out_cell *c, const struct out_row *r)
{
	size_t from = line_pos(l), have;

	c->put(l, r, false);
	have = line_pos(l) - from;
	/* The padding and the space after it in one move. */
	line_spaces(l, have < c->width ? c->width + 1u - have : 1u);
}

static void cell_last(struct line *l, const struct out_cell *c, const struct out_row *r)
{
	c->put(l, r, false);
	line_putc(l, c->end);
}

/* -O with -H: no padding, no alignment, one word per field. */
static void cell_plain(struct line *l, const struct out_cell *c, const struct out_row *r)
{
	c->put(l, r, true);
	line_putc(l, c->end);
}

/* A number, right-aligned, straight from its value. */
static void cell_number(struct line *l, const struct out_cell *c, const struct out_row *r)
{
	uint64_t v = c->number(r);
	size_t from;

	/* One digit (a zero queue): padding, digit and what follows in one go. */
	if (v < 10 && c->pad_fast && line_reserve(l, 33)) {
		char *p = l->buf + l->len;

		memcpy(p, line_spaces32, 32);
		p[c->width - 1] = (char)('0' + v);
		p[c->width] = c->end;
		l->len += c->width + 1u;
		return;
	}
	from = line_pos(l);
	line_u64_right(l, v, c->width);
	if (c->end == ' ')
		line_pad(l, from, c->width);
	line_putc(l, c->end);
}

static void cell_right(struct line *l, const struct out_cell *c, const struct out_row *r)
{
	size_t from = line_pos(l);

	put_cell_right(l, c->f, r);
	if (c->end == ' ')
		line_pad(l, from, c->width);
	line_putc(l, c->end);
}

void out_table_plan(struct out *o)
{
	for (unsigned i = 0; i < o->n_cols; i++) {
		const struct out_field *f = o->cols[i];
		struct out_cell *c = &o->cells[i];
		bool last = i + 1 == o->n_cols;

		c->f = f;
		c->put = f->put;
		c->number = f->number;
		c->width = f->width;
		c->pad_fast = f->width >= 1 && f->width <= 32;
		c->end = last ? '\n' : ' ';
		if (o->cfg->plain)
			c->write = cell_plain;
		else if (f->right && f->number)
			c->write = cell_number;
		else if (f->right)
			c->write = cell_right;
		else
			c->write = last ? cell_last : cell_left;
	}
}

/* Cells separated by one space and padded to their width, the last unpadded. */
static int table_row(struct out *o, const struct out_row *r)
{
	struct line *l = &o->line;
	struct out_row named;

	const struct out_cell *c = o->cells, *end = o->cells + o->n_cols;

	if (o->want_users || r->s->ifindex)
		r = out_row_with_user(o, r, &named);
	for (; c < end; c++)
		c->write(l, c, r);
	if (o->n_cols == 0)
		line_putc(l, '\n');
	return l->error ? -1 : 0;
}

static int table_begin(struct out *o)
{
	struct line *l = &o->line;

	if (!o->cfg->header)
		return 0;
	for (unsigned i = 0; i < o->n_cols; i++) {
		const struct out_field *col = o->cols[i];
		size_t len = strlen(col->header), from;

		if (i > 0)
			line_putc(l, ' ');
		from = line_pos(l);
		if (col->right && len < col->width)
			line_spaces(l, col->width - len);
		line_puts(l, col->header);
		if (i + 1 < o->n_cols)
			line_pad(l, from, col->width);
	}
	line_putc(l, '\n');
	return l->error ? -1 : 0;
}

static void put_endpoints(struct line *l, const struct out_row *r)
{
	out_fields[OUT_F_LOCAL].put(l, r, false);
	line_putc(l, ' ');
	out_fields[OUT_F_PEER].put(l, r, false);
}

/* " 0.061 ms [1234 echo-client]": the kernel source's time in the old state, and task. */
static void put_detail(struct line *l, const struct out_event_detail *d)
{
	if (d->in_state_known) {
		line_putc(l, ' ');
		line_u64(l, d->in_state_us / 1000);
		line_putc(l, '.');
		line_u64(l, d->in_state_us % 1000 / 100);
		line_u64(l, d->in_state_us % 100 / 10);
		line_u64(l, d->in_state_us % 10);
		line_puts(l, " ms");
	}
	if (d->task_pid) {
		line_puts(l, " [");
		line_u64(l, d->task_pid);
		line_putc(l, ' ');
		line_puts(l, d->task_comm);
		line_putc(l, ']');
	}
}

/* "61.2": milliseconds as seconds to the tenth. */
static void put_seconds(struct line *l, uint64_t ms)
{
	line_u64(l, ms / 1000);
	line_putc(l, '.');
	line_u64(l, ms % 1000 / 100);
}

/*
 * " gone (was TIME_WAIT, older than tcpstat, 60.0 s)": "older than
 * tcpstat" for a socket there before it; then how long it was in that
 * state where that is known (the kernel told, or its timer), else, with
 * the polling source, how long tcpstat saw it ("seen 0.9 s").
 */
static void put_gone(struct line *l, const struct out_event *e)
{
	bool known = e->detail ? e->detail->in_state_known : e->in_state_known;

	line_puts(l, " gone (was ");
	line_puts(l, out_state_name(e->s->state));
	if (e->older)
		line_puts(l, ", older than tcpstat");
	if (known) {
		line_puts(l, ", ");
		put_seconds(l, e->detail ? e->detail->in_state_us / 1000 : e->in_state_ms);
		line_puts(l, " s");
	} else if (!e->detail) {
		line_puts(l, ", seen ");
		put_seconds(l, e->seen_ms);
		line_puts(l, " s");
	}
	line_putc(l, ')');
}

/* "13:02:11.204 127.0.0.1:50178 127.0.0.1:9999 ESTABLISHED -> FIN_WAIT2" */
static int table_event(struct out *o, const struct out_event *e)
{
	struct line *l = &o->line;
	struct out_row r = { .s = e->s, .netns = e->netns, .owners = e->owners };

	if (e->s->ifindex)
		r.ifname = out_ifname(&o->ifnames, e->s->netns, e->s->ifindex);
	line_puts(l, e->stamp);
	line_putc(l, ' ');
	if (o->cfg->netns) {
		out_fields[OUT_F_NETNS].put(l, &r, true);
		line_putc(l, ' ');
	}
	put_endpoints(l, &r);
	switch (e->kind) {
	case OUT_EVENT_NEW:
		line_puts(l, " new ");
		line_puts(l, out_state_name(e->s->state));
		break;
	case OUT_EVENT_CHANGE:
		line_putc(l, ' ');
		line_puts(l, out_state_name(e->old_state));
		line_puts(l, " -> ");
		line_puts(l, out_state_name(e->s->state));
		if (e->detail)
			put_detail(l, e->detail);
		break;
	case OUT_EVENT_GONE:
		put_gone(l, e);
		break;
	case OUT_EVENT_GONE_UNSEEN:
		line_puts(l, " gone (was ");
		line_puts(l, out_state_name(e->s->state));
		line_puts(l, ", between polls)");
		break;
	}
	/* -P: the owner's column last, as a listing has it ("-": none known). */
	if (o->cfg->owners) {
		line_putc(l, ' ');
		out_fields[OUT_F_PROCESS].put(l, &r, false);
	}
	line_putc(l, '\n');
	return l->error ? -1 : 0;
}

/* "NAME        COUNT", names padded to the State column's width. */
static void put_count_line(struct line *l, const char *name, unsigned long n)
{
	size_t from = line_pos(l);

	line_puts(l, name);
	line_pad(l, from, out_fields[OUT_F_STATE].width);
	line_putc(l, ' ');
	line_u64(l, n);
	line_putc(l, '\n');
}

static int table_summary(struct out *o, const struct out_summary *s)
{
	struct line *l = &o->line;

	/* One namespace's block (--all-netns) is headed by its label, ended by a blank line. */
	if (s->netns) {
		struct out_row r = { .netns = s->netns };
		size_t from = line_pos(l);

		line_puts(l, "NETNS");
		line_pad(l, from, out_fields[OUT_F_STATE].width);
		line_putc(l, ' ');
		out_fields[OUT_F_NETNS].put(l, &r, true);
		line_putc(l, '\n');
	}
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++)
		put_count_line(l, out_state_name(st), s->by_state[st]);
	/* netstat's table shouts its total; JSON keys are lower case. */
	put_count_line(l, "TOTAL", s->total);
	if (s->netns)
		line_putc(l, '\n');
	return l->error ? -1 : 0;
}

static int table_count(struct out *o, unsigned long n)
{
	struct line *l = &o->line;

	line_u64(l, n);
	line_putc(l, '\n');
	return l->error ? -1 : 0;
}

const struct out_format out_table_format = {
	.begin = table_begin,
	.row = table_row,
	.event = table_event,
	.summary = table_summary,
	.count = table_count,
	.end = out_end_nothing,
};
