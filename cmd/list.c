/*
 * list.c - the listing: dump/'s filtered records, handed to one output
 * format as they arrive, so memory does not grow with the number of
 * sockets (dump/ keeps them only when owners must be looked up first).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "clock.h"
#include "modes.h"

/* One namespace's counts, for -S with --all-netns. */
struct netns_counts {
	uint64_t ino;
	struct out_summary counts;
};

struct listing {
	const struct tcpstat_opts *opts;
	struct dump_request req;   /* opts->dump, told of namespaces here */
	struct netns_labels labels;
	struct vec per_netns;      /* struct netns_counts, in labels' order */
	bool out_of_memory;
	struct out out;
	bool writing;              /* false: count only (list_count) */
	bool begun;                /* the format's begin (the header) is out */
	bool write_failed;
	unsigned long rows;        /* rows written, for --top */
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
	struct out_row row = { .s = s, .owners = owners };

	res->counts.total++;
	if (s->state <= TCPSTAT_STATE_MAX)
		res->counts.by_state[s->state]++;
	if (l->opts->dump.netns != DUMP_NETNS_OWN) {
		struct netns_counts *c;

		row.netns = netns_labels_find(&l->labels, s->netns);
		c = l->labels.last < l->per_netns.len ? vec_at(&l->per_netns, l->labels.last) : NULL;
		if (c && c->ino == s->netns) {
			c->counts.total++;
			if (s->state <= TCPSTAT_STATE_MAX)
				c->counts.by_state[s->state]++;
		}
	}
	if (s->timer == TCPSTAT_TIMER_TIMEWAIT && s->timer_ms > res->timewait_left_ms)
		res->timewait_left_ms = s->timer_ms;
	if (!l->writing)
		return 0;
	if (l->opts->report == OPTS_REPORT_NONE)
		return 1;
	if (l->opts->report != OPTS_REPORT_ROWS)
		return 0;
	begin(l);
	if (l->opts->top && l->rows >= l->opts->top)
		return l->opts->sort.n ? 0 : 1;   /* sorted: the count goes on */
	l->rows++;
	if (!l->write_failed && l->out.fmt->row(&l->out, &row) < 0)
		l->write_failed = true;
	return l->write_failed ? 1 : 0;
}

/* Each namespace as dump/ comes to it: its label, a slot for its counts; then -v's note. */
static void on_netns(const struct netns_entry *ns, enum dump_netns_step step,
		     const struct tcpstat_error *why, void *arg)
{
	struct listing *l = arg;
	struct netns_counts c = { .ino = ns->ino };

	if (step == DUMP_NETNS_BEGIN &&
	    (!netns_labels_add(&l->labels, ns) || !vec_push(&l->per_netns, &c)))
		l->out_of_memory = true;
	if (l->opts->dump.on_netns)
		l->opts->dump.on_netns(ns, step, why, l->opts->dump.netns_arg);
}

/* -S --all-netns: a block per namespace (in order), before the one for all. */
static int summary_per_netns(struct listing *l)
{
	const struct out_format *fmt = l->out.fmt;

	for (size_t i = 0; i < l->per_netns.len; i++) {
		struct netns_counts *c = vec_at(&l->per_netns, i);
		const struct netns_label *label = vec_at(&l->labels.all, i);

		c->counts.netns = label->label;
		c->counts.netns_ino = c->ino;
		if (fmt->summary(&l->out, &c->counts) < 0)
			return -1;
	}
	return 0;
}

/*
 * --sort: every match kept, ordered, then handed to on_match as if it had
 * come in that order.
 */
static int dump_sorted(struct listing *l, struct tcpstat_error *err)
{
	const struct tcpstat_opts *o = l->opts;
	struct rows rows;
	int rc;

	rows_init(&rows);
	rc = dump_run(&l->req, rows_keep, &rows, &l->res->dump, err);
	if (rows.out_of_memory)
		rc = err_set(err, ENOMEM, "keeping %zu sockets for --sort", rows_count(&rows));
	else if (rc == 0 && rows_sort(&rows, &o->sort) < 0)
		rc = err_set(err, ENOMEM, "sorting %zu sockets", rows_count(&rows));
	for (size_t i = 0; rc == 0 && i < rows_count(&rows); i++) {
		struct tcpstat_owners owners;
		struct out_row row;

		rows_get(&rows, i, &row, &owners);
		if (on_match(row.s, row.owners, l) != 0)
			break;
	}
	rows_free(&rows);
	return rc;
}

/* The end of the rows, for a format that writes then (--metrics): with every namespace read. */
static int end_rows(struct listing *l)
{
	const char *backend = l->res->dump.backend;
	size_t n = l->labels.all.len;
	const char **netns = malloc((n + 1) * sizeof(*netns));
	struct out_end e = {
		.backend = backend,
		.backlog_known = backend && strcmp(backend, "netlink") == 0,
		.duration_ns = clock_now_ns() - l->started_ns,
		.netns = netns,
		.n_netns = n,
	};
	int rc;

	if (!netns)
		return -1;
	for (size_t i = 0; i < n; i++)
		netns[i] = ((const struct netns_label *)vec_at(&l->labels.all, i))->label;
	rc = l->out.fmt->end(&l->out, &e);
	free(netns);
	return rc;
}

/* What comes after the last row: the header if no row came, a count, a summary, an end. */
static void finish(struct listing *l)
{
	const struct out_format *fmt = l->out.fmt;
	int rc = 0;

	begin(l);
	if (l->write_failed)
		return;
	if (l->opts->report == OPTS_REPORT_SUMMARY && l->opts->dump.netns == DUMP_NETNS_ALL)
		rc = summary_per_netns(l);
	if (rc == 0 && l->opts->report == OPTS_REPORT_SUMMARY)
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
	l->req = o->dump;
	l->req.on_netns = on_netns;
	l->req.netns_arg = l;
	netns_labels_init(&l->labels);
	vec_init(&l->per_netns, sizeof(struct netns_counts), 0);
	if (o->sort.n && l->writing)
		rc = dump_sorted(l, err);
	else
		rc = dump_run(&l->req, on_match, l, &l->res->dump, err);
	if (rc >= 0 && l->out_of_memory)
		rc = err_set(err, ENOMEM, "network namespace labels");
	if (rc >= 0 && l->writing && !l->write_failed && o->report != OPTS_REPORT_NONE)
		finish(l);
	netns_labels_free(&l->labels);
	vec_free(&l->per_netns);
	if (rc < 0 || !l->writing) {
		if (l->writing)
			out_close(&l->out);
		return rc < 0 ? rc : 0;
	}
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
