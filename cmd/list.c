/*
 * list.c - the listing: dump/'s filtered records, handed to one output
 * format as they arrive, so memory does not grow with the number of
 * sockets (dump/ keeps them only when owners must be looked up first).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomicfile.h"
#include "clock.h"
#include "modes.h"

struct listing {
	const struct tcpstat_opts *opts;
	struct out out;
	bool writing;              /* false: count only (list_count) */
	bool begun;                /* the format's begin (the header) is out */
	bool write_failed;
	uint64_t started_ns;       /* for --metrics' scrape duration */
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

/* The end of the rows, for a format that writes then (--metrics). */
static int end_rows(struct listing *l)
{
	const char *backend = l->res->dump.backend;
	struct out_end e = {
		.backend = backend,
		.backlog_known = backend && strcmp(backend, "netlink") == 0,
		.duration_ns = clock_now_ns() - l->started_ns,
	};

	return l->out.fmt->end(&l->out, &e);
}

/* What comes after the last row: the header if no row came, a count, a summary, an end. */
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
	else if (l->opts->report == OPTS_REPORT_ROWS)
		rc = end_rows(l);
	if (rc < 0)
		l->write_failed = true;
}

static int listing(struct listing *l, FILE *f, struct tcpstat_error *err)
{
	const struct tcpstat_opts *o = l->opts;
	int rc;

	memset(l->res, 0, sizeof(*l->res));
	l->started_ns = clock_now_ns();
	if (l->writing)
		out_open(&l->out, &o->out, f);
	rc = dump_run(&o->dump, on_match, l, &l->res->dump, err);
	if (rc < 0 || !l->writing) {
		if (l->writing)
			out_close(&l->out);
		return rc < 0 ? rc : 0;
	}
	if (!l->write_failed && o->report != OPTS_REPORT_NONE)
		finish(l);
	if (out_flush(&l->out) < 0)
		l->write_failed = true;
	out_close(&l->out);
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

int list_run_file(const struct tcpstat_opts *o, struct list_result *res,
		  struct tcpstat_error *err)
{
	struct atomicfile af;
	int rc = atomicfile_open(&af, o->metrics_file, err);

	if (rc < 0)
		return rc;
	rc = list_run(o, af.f, res, err);
	if (rc < 0) {
		atomicfile_abort(&af);
		return rc;
	}
	return atomicfile_commit(&af, err);
}
