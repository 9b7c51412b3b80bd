/*
 * list.c - the listing: dump/'s filtered records, handed to one output
 * format as they arrive, so memory does not grow with the number of
 * sockets (dump/ keeps them only when owners must be looked up first).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modes.h"

struct listing {
	const struct tcpstat_opts *opts;
	struct out out;
	bool writing;              /* false: count only (list_count) */
	bool begun;                /* the format's begin (the header) is out */
	bool write_failed;
	struct list_result *res;
};

/* The header goes out with the first row, so an early error leaves stdout empty. */
static void begin(struct listing *l)
{
	if (l->begun)
		return;
	l->begun = true;
	if (l->opts->report == OPTS_REPORT_ROWS && l->out.fmt->begin(&l->out) < 0)
		l->write_failed = true;
}

/* One socket that passed the filter. Returns 1 to stop (-q has its answer, a write failed). */
static int on_match(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg)
{
	struct listing *l = arg;
	struct list_result *res = l->res;
	struct out_row row = { s, owners };

	res->counts.total++;
	if (s->state <= TCPSTAT_STATE_MAX)
		res->counts.by_state[s->state]++;
	if (s->timer == TCPSTAT_TIMER_TIMEWAIT && s->timer_ms > res->timewait_left_ms)
		res->timewait_left_ms = s->timer_ms;
	if (!l->writing)
		return 0;
	if (l->opts->report == OPTS_REPORT_NONE)
		return 1;
	if (l->opts->report != OPTS_REPORT_ROWS)
		return 0;
	begin(l);
	if (!l->write_failed && l->out.fmt->row(&l->out, &row) < 0)
		l->write_failed = true;
	return l->write_failed ? 1 : 0;
}

/* What comes after the last row: the header if no row came, a count, a summary. */
static void finish(struct listing *l)
{
	const struct out_format *fmt = l->out.fmt;
	int rc = 0;

	begin(l);
	if (l->write_failed)
		return;
	if (l->opts->report == OPTS_REPORT_SUMMARY)
		rc = fmt->summary(&l->out, &l->res->counts);
	else if (l->opts->report == OPTS_REPORT_COUNT)
		rc = fmt->count(&l->out, l->res->counts.total);
	if (rc < 0)
		l->write_failed = true;
}

static int listing(struct listing *l, FILE *f, struct tcpstat_error *err)
{
	const struct tcpstat_opts *o = l->opts;
	int rc;

	memset(l->res, 0, sizeof(*l->res));
	if (l->writing)
		out_open(&l->out, &o->out, f);
	rc = dump_run(&o->dump, on_match, l, &l->res->dump, err);
	if (rc < 0)
		return rc;
	if (!l->writing)
		return 0;
	if (!l->write_failed && o->report != OPTS_REPORT_NONE)
		finish(l);
	if (out_flush(&l->out) < 0)
		l->write_failed = true;
	if (l->write_failed || fflush(f) == EOF || ferror(f))
		return err_set(err, errno ? errno : EIO, "write error");
	return 0;
}

int list_run(const struct tcpstat_opts *o, FILE *f, struct list_result *res,
	     struct tcpstat_error *err)
{
	struct listing l = { .opts = o, .writing = true, .res = res };

	return listing(&l, f, err);
}

int list_count(const struct tcpstat_opts *o, struct list_result *res,
	       struct tcpstat_error *err)
{
	struct listing l = { .opts = o, .res = res };

	return listing(&l, NULL, err);
}
