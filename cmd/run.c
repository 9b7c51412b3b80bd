/*
 * run.c - the listing: one backend's records, one filter, one printer.
 * Records are printed as they arrive, so memory does not grow with the
 * number of sockets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "netlink.h"
#include "procfs.h"
#include "run.h"

static const struct tcpstat_backend backends[] = {
	[OPTS_BACKEND_NETLINK] = { .name = "netlink", .dump = nl_dump },
	[OPTS_BACKEND_PROC] = { .name = "proc", .dump = procfs_dump },
};

struct listing {
	const struct tcpstat_opts *opts;
	FILE *out;
	unsigned long seen;      /* records from the backend, matching or not */
	unsigned long matched;
	unsigned long by_state[TCPSTAT_STATE_MAX + 1];   /* for -S */
	bool header_done;
	bool write_failed;
};

/* The header goes out with the first row, so an early error leaves stdout empty. */
static void ensure_header(struct listing *l)
{
	const struct tcpstat_opts *o = l->opts;

	if (l->header_done)
		return;
	l->header_done = true;
	if (o->header && !o->count && !o->quiet && !o->json && !o->summary &&
	    print_header(l->out, &o->print) < 0)
		l->write_failed = true;
}

/* Stops the dump (returning 1) at the first match for -q, or on a write error. */
static int on_sock(const struct tcpstat_sock *s, void *arg)
{
	struct listing *l = arg;
	const struct tcpstat_opts *o = l->opts;

	l->seen++;
	if (!filter_match(&o->query, s))
		return 0;
	l->matched++;
	if (o->quiet)
		return 1;
	if (o->summary) {
		if (s->state <= TCPSTAT_STATE_MAX)
			l->by_state[s->state]++;
		return 0;
	}
	if (o->count)
		return 0;
	ensure_header(l);
	if ((o->json ? print_json(l->out, s) : print_row(l->out, s, &o->print)) < 0)
		l->write_failed = true;
	return l->write_failed ? 1 : 0;
}

/* What comes after the last row: the header if no row came, a count, a summary. */
static void finish_output(struct listing *l)
{
	const struct tcpstat_opts *o = l->opts;
	int rc = 0;

	ensure_header(l);
	if (o->summary)
		rc = print_summary(l->out, l->by_state, l->matched, o->json);
	else if (o->count && o->json)
		rc = fprintf(l->out, "{\"count\":%lu}\n", l->matched);
	else if (o->count)
		rc = fprintf(l->out, "%lu\n", l->matched);
	if (rc < 0)
		l->write_failed = true;
}

bool run_netlink_unavailable(int errnum)
{
	switch (errnum) {
	case EPERM:
	case EACCES:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case ENOENT:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

int run_list(const struct tcpstat_opts *o, FILE *out, struct run_result *res,
	     struct tcpstat_error *err)
{
	struct listing l = { .opts = o, .out = out };
	enum opts_backend which = o->backend == OPTS_BACKEND_AUTO ? OPTS_BACKEND_NETLINK
								  : o->backend;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = backends[which].dump(&o->query, on_sock, &l, err);
	/* Fall back only while nothing came through, or rows would repeat. */
	if (rc < 0 && o->backend == OPTS_BACKEND_AUTO && l.seen == 0 &&
	    run_netlink_unavailable(-rc)) {
		res->fell_back = true;
		res->fallback = *err;
		which = OPTS_BACKEND_PROC;
		rc = backends[which].dump(&o->query, on_sock, &l, err);
	}
	res->backend = backends[which].name;
	res->matched = l.matched;
	if (rc < 0)
		return -1;
	if (!l.write_failed && !o->quiet)
		finish_output(&l);
	if (l.write_failed || fflush(out) == EOF || ferror(out)) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "write error");
		return -1;
	}
	return 0;
}
