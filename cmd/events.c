/*
 * events.c - -E: an events source's changes, one line (or JSON object)
 * each, as they come.
 */
#include <errno.h>
#include <stdio.h>

#include "modes.h"

struct printing {
	struct out out;
	struct netns_labels labels;   /* every namespace polled so far */
	bool write_failed;
	int write_errno;        /* errno when the write failed, before anything else can change it */
};

static int on_event(const struct out_event *e, void *arg)
{
	struct printing *p = arg;
	struct out_event labelled = *e;

	if (p->out.cfg->netns)
		labelled.netns = netns_labels_find(&p->labels, e->s->netns);
	/* Each event goes out as it comes, not when a batch is full. */
	if (p->out.fmt->event(&p->out, &labelled) < 0 || out_flush(&p->out) < 0) {
		p->write_failed = true;
		p->write_errno = errno;
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
		/*
		 * ferror too: a line-buffered stream whose flush failed inside
		 * fwrite has nothing left to flush, and fflush then says 0.
		 */
		if (!p->write_failed && rc >= 0 && (fflush(f) == EOF || ferror(f))) {
			p->write_failed = true;
			p->write_errno = errno;
		}
		if (p->write_failed)
			return err_set(err, p->write_errno ? p->write_errno : EIO, "write error");
	} while (rc == 0);
	return rc < 0 ? rc : 0;
}

/* A namespace's label is kept from its first poll on, for its sockets' "gone" too. */
static void on_netns(const struct netns_entry *ns, enum dump_netns_step step,
		     const struct tcpstat_error *why, void *arg)
{
	struct printing *p = arg;

	(void)why;
	if (step == DUMP_NETNS_BEGIN && !netns_labels_add(&p->labels, ns))
		p->write_failed = true;
}

/*
 * Opens the source asked for; auto tries the kernel's tracepoint first and
 * falls back to polling, keeping the reason in *choice.
 */
static int open_source(const struct tcpstat_opts *o, const struct events_config *cfg,
		       struct events_choice *choice, void **state, struct events_status *st,
		       struct tcpstat_error *err)
{
	choice->src = o->events_source == OPTS_EVENTS_POLL ? &events_poll_source
							   : &events_bpf_source;
	if (o->events_source != OPTS_EVENTS_AUTO)
		return choice->src->open(state, cfg, st, err);
	if (choice->src->open(state, cfg, st, &choice->fallback) == 0)
		return 0;
	choice->fell_back = true;
	choice->src = &events_poll_source;
	return choice->src->open(state, cfg, st, err);
}

int events_mode_run(const struct tcpstat_opts *o, FILE *f, const volatile sig_atomic_t *stop,
		    struct events_choice *choice, struct events_status *st,
		    struct tcpstat_error *err)
{
	const struct events_source *src;
	struct dump_request req = o->dump;
	struct events_config cfg = { .dump = &req, .interval_ms = o->interval_ms, .stop = stop,
				     .owners = o->dump.owners || filter_needs_owners(o->dump.filter) };
	struct printing p = { 0 };
	void *state;
	int rc;

	out_open(&p.out, &o->out, f);
	netns_labels_init(&p.labels);
	req.on_netns = on_netns;
	req.netns_arg = &p;
	rc = open_source(o, &cfg, choice, &state, st, err);
	if (rc < 0) {
		netns_labels_free(&p.labels);
		return rc;
	}
	src = choice->src;
	rc = run_source(src, state, &p, f, err);
	src->close(state, st);
	netns_labels_free(&p.labels);
	/* A write cut short by the signal that stops us is no error. */
	return rc < 0 && *stop ? 0 : rc;
}
