/*
 * events.c - -E: an events source's changes, one line (or JSON object)
 * each, as they come.
 */
#include <errno.h>
#include <stdio.h>

#include "modes.h"

struct printing {
	struct out out;
	bool write_failed;
};

static int on_event(const struct out_event *e, void *arg)
{
	struct printing *p = arg;

	/* Each event goes out as it comes, not when a batch is full. */
	if (p->out.fmt->event(&p->out, e) < 0 || out_flush(&p->out) < 0) {
		p->write_failed = true;
		return 1;
	}
	return 0;
}

static int run_source(const struct events_source *src, void *state, struct printing *p,
		      FILE *f, struct tcpstat_error *err)
{
	int rc;

	do {
		rc = src->step(state, on_event, p, err);
		if (p->write_failed || (rc >= 0 && fflush(f) == EOF))
			return err_set(err, errno ? errno : EIO, "write error");
	} while (rc == 0);
	return rc < 0 ? rc : 0;
}

int events_mode_run(const struct tcpstat_opts *o, FILE *f, const volatile sig_atomic_t *stop,
		    struct events_status *st, struct tcpstat_error *err)
{
	const struct events_source *src = &events_poll_source;
	struct events_config cfg = { .dump = &o->dump, .interval_ms = o->interval_ms, .stop = stop };
	struct printing p = { 0 };
	void *state;
	int rc;

	out_open(&p.out, &o->out, f);
	rc = src->open(&state, &cfg, st, err);
	if (rc < 0)
		return rc;
	rc = run_source(src, state, &p, f, err);
	src->close(state, st);
	/* A write cut short by the signal that stops us is no error. */
	return rc < 0 && *stop ? 0 : rc;
}
