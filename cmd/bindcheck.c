/*
 * bindcheck.c - --bind-check [ADDR:]PORT: explain/'s four trial binds, the
 * sockets on the port (dump/ with a filter on the local port, every state,
 * and the bound-but-inactive ones on kernels that list them), the ones of
 * them in the way as ordinary rows, and explain/'s judgement: a report, or
 * one JSON object. With --wait-clear, the binds are tried again every
 * interval until a plain one succeeds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkns.h"
#include "clock.h"
#include "json.h"
#include "modes.h"
#include "report.h"
#include "vec.h"

/* One check: what it gathered and judged, and where the report goes. */
struct bind_check {
	const struct tcpstat_opts *opts;
	struct check_netns ns;       /* -N, --netns-pid: where the binds are tried */
	struct explain_sysctl sc;
	int errnums[EXPLAIN_NTRIALS];
	struct filter *filter;       /* the local port, every state */
	struct vec socks;            /* every socket on the port, for the judgement */
	struct out *out;             /* NULL: gather only (-q, --wait-clear) */
	bool nomem;
	size_t nblockers;
	size_t ntimewait;            /* blockers on the TIME_WAIT timer ... */
	uint32_t timewait_ms;        /* ... and when the last of them expires */
	struct explain_bind r;
};

/* The JSON names of the trials, in explain_trial order. */
static const char *const trial_keys[EXPLAIN_NTRIALS] = {
	"plain", "reuseaddr", "reuseport", "both",
};

static bool json(const struct bind_check *c)
{
	return c->opts->out.kind == OUT_JSON;
}

static void put_head_text(struct bind_check *c, const char *where)
{
	struct line *l = &c->out->line;

	line_puts(l, "Binding ");
	line_puts(l, where);
	line_puts(l, " as uid ");
	line_u64(l, geteuid());
	line_puts(l, ":\n");
	for (int i = 0; i < EXPLAIN_NTRIALS; i++) {
		size_t from = line_pos(l);
		int e = c->errnums[i];

		line_puts(l, "  ");
		line_puts(l, explain_trial_name((enum explain_trial)i));
		line_pad(l, from, 29);
		line_puts(l, explain_errno_name(e));
		if (e) {
			line_putc(l, ' ');
			line_puts(l, strerror(e));
		}
		line_putc(l, '\n');
	}
}

static void put_head_json(struct bind_check *c, const char *where)
{
	struct line *l = &c->out->line;

	line_putc(l, '{');
	report_string(l, "target", where, true);
	out_json_key(l, "verdicts", false);
	line_putc(l, '{');
	for (int i = 0; i < EXPLAIN_NTRIALS; i++) {
		int e = c->errnums[i];

		out_json_key(l, trial_keys[i], i == 0);
		line_putc(l, '{');
		report_bool(l, "ok", e == 0, true);
		if (e) {
			report_string(l, "errno", explain_errno_name(e), false);
			report_string(l, "error", strerror(e), false);
		} else {
			line_puts(l, ",\"errno\":null,\"error\":null");
		}
		line_putc(l, '}');
	}
	line_putc(l, '}');
	out_json_key(l, "blockers", false);
	line_putc(l, '[');
}

/* A socket in the way: a row of the usual table (after a title), or an object. */
static void put_blocker(struct bind_check *c, const struct out_row *row)
{
	struct out *o = c->out;

	if (json(c)) {
		if (c->nblockers > 1)
			line_putc(&o->line, ',');
		out_json_socket(o, row);
		return;
	}
	if (c->nblockers == 1) {
		line_puts(&o->line, "\nIn the way:\n");
		o->fmt->begin(o);
	}
	o->fmt->row(o, row);
}

/* Each socket on the port: kept for the judgement; written when it is in the way. */
static int on_sock(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg)
{
	struct bind_check *c = arg;
	struct out_row row = { .s = s, .owners = owners,
			       .netns = c->ns.label[0] ? c->ns.label : NULL };
	struct tcpstat_sock here = *s;

	/* Every record is of the one namespace checked: explain/ judges those as its own. */
	here.netns = 0;
	if (!vec_push(&c->socks, &here)) {
		c->nomem = true;
		return 1;
	}
	if (!explain_bind_conflicts(&c->opts->target, &here, c->sc.bindv6only))
		return 0;
	c->nblockers++;
	if (s->timer == TCPSTAT_TIMER_TIMEWAIT) {
		c->ntimewait++;
		if (s->timer_ms > c->timewait_ms)
			c->timewait_ms = s->timer_ms;
	}
	if (c->out)
		put_blocker(c, &row);
	return 0;
}

static void put_tail_text(struct bind_check *c)
{
	struct line *l = &c->out->line;
	char text[512];

	if (c->nblockers == 0)
		line_puts(l, "\nIn the way: no socket.\n");
	explain_bind_text(&c->r, text, sizeof(text));
	line_putc(l, '\n');
	report_wrapped(l, text, REPORT_WIDTH);
	if (c->r.has_wait) {
		line_puts(l, "free for a plain bind in ");
		report_seconds1(l, c->r.wait_ms);
		line_puts(l, " s\n");
	} else if (c->ntimewait > 0) {
		line_u64(l, c->ntimewait);
		line_puts(l, c->ntimewait == 1 ? " TIME_WAIT socket" : " TIME_WAIT sockets");
		line_puts(l, " in the way; the last expires in ");
		report_seconds1(l, c->timewait_ms);
		line_puts(l, " s\n");
	}
}

static void put_tail_json(struct bind_check *c)
{
	struct line *l = &c->out->line;
	char text[512];

	explain_bind_text(&c->r, text, sizeof(text));
	line_putc(l, ']');
	report_string(l, "case", explain_case_name(c->r.kase), false);
	report_string(l, "explanation", text, false);
	out_json_key(l, "free_in_s", false);
	if (c->r.has_wait)
		report_seconds3(l, c->r.wait_ms);
	else
		line_puts(l, "null");
	report_bool(l, "bindable", explain_bind_ok(&c->r), false);
	line_puts(l, "}\n");
}

/* The port's sockets, every state and bound-inactive ones: the filter of every round. */
static int make_filter(struct bind_check *c, struct tcpstat_error *err)
{
	struct filter_lists lists;
	uint16_t port = c->opts->target.port;

	c->filter = malloc(sizeof(*c->filter));
	if (!c->filter)
		return err_set(err, ENOMEM, "bind check");
	filter_lists_init(&lists);
	lists.states = TCPSTAT_STATES_ALL | TCPSTAT_STATEF_BOUND_INACTIVE;
	lists.sport[lists.n_sport++] = (struct tcpstat_port_range){ port, port };
	if (filter_from_lists(c->filter, &lists) < 0)
		return err_set(err, ENOSPC, "bind check: filter");
	return 0;
}

/* One round: the trials, the dump, the judgement, and the report when c->out is set. */
static int gather(struct bind_check *c, struct dump_result *dump, struct tcpstat_error *err)
{
	const struct tcpstat_opts *o = c->opts;
	struct dump_request req = o->dump;
	char where[64];
	int rc;

	vec_clear(&c->socks);
	c->nblockers = c->ntimewait = 0;
	c->timewait_ms = 0;
	c->nomem = false;
	/* The trials first: nothing tcpstat made is on the port when the dump runs. */
	rc = check_netns_try_binds(&c->ns, &o->target, c->errnums, err);
	if (rc < 0)
		return rc;
	explain_format_target(&o->target, where, sizeof(where));
	if (c->out && json(c))
		put_head_json(c, where);
	else if (c->out)
		put_head_text(c, where);
	req.filter = c->filter;
	rc = dump_run(&req, on_sock, c, dump, err);
	if (c->nomem)
		return err_set(err, ENOMEM, "bind check: the sockets on port %u", o->target.port);
	if (rc < 0)
		return rc;
	explain_bind_judge(&o->target, c->errnums, &c->sc, c->socks.data, c->socks.len, geteuid(),
			   &c->r);
	if (c->out && json(c))
		put_tail_json(c);
	else if (c->out)
		put_tail_text(c);
	return 0;
}

/* Sets c up for o: the namespace opened, the sysctls read once, the filter made once. */
static int open_check(struct bind_check *c, const struct tcpstat_opts *o,
		      struct tcpstat_error *err)
{
	memset(c, 0, sizeof(*c));
	c->opts = o;
	c->ns.fd = -1;
	vec_init(&c->socks, sizeof(struct tcpstat_sock), 0);
	int rc = check_netns_open(&c->ns, &o->dump, err);

	if (rc == 0)
		rc = check_netns_sysctl(&c->ns, &c->sc, err);
	return rc < 0 ? rc : make_filter(c, err);
}

static void close_check(struct bind_check *c)
{
	check_netns_close(&c->ns);
	vec_free(&c->socks);
	free(c->filter);
	free(c->out);
}

int bindcheck_run(const struct tcpstat_opts *o, FILE *f, struct check_result *res,
		  struct tcpstat_error *err)
{
	struct bind_check c;
	int rc = open_check(&c, o, err);

	memset(res, 0, sizeof(*res));
	if (rc == 0 && o->report != OPTS_REPORT_NONE) {
		c.out = malloc(sizeof(*c.out));
		if (!c.out)
			rc = err_set(err, ENOMEM, "bind check");
		else
			out_open(c.out, &o->out, f);
	}
	if (rc == 0)
		rc = gather(&c, &res->dump, err);
	/* On error the report is dropped unwritten: stdout stays empty. */
	if (rc == 0 && c.out && (out_flush(c.out) < 0 || fflush(f) == EOF || ferror(f)))
		rc = err_set(err, errno ? errno : EIO, "write error");
	res->ok = rc == 0 && explain_bind_ok(&c.r);
	close_check(&c);
	return rc;
}

/* On a terminal: what the wait is for, on one line of stderr redrawn each round. */
static void show_waiting(const struct bind_check *c)
{
	char where[64];
	int e = c->errnums[EXPLAIN_PLAIN];

	explain_format_target(&c->opts->target, where, sizeof(where));
	fprintf(stderr, "\r\033[Ktcpstat: waiting for a plain bind of %s (%s, %s)", where,
		explain_errno_name(e), explain_case_name(c->r.kase));
	if (c->r.has_wait)
		fprintf(stderr, ": free in %u.%u s", c->r.wait_ms / 1000, c->r.wait_ms % 1000 / 100);
}

int bindcheck_wait_clear(const struct tcpstat_opts *o, const volatile sig_atomic_t *stop,
			 struct check_result *res, struct tcpstat_error *err)
{
	bool terminal = isatty(STDERR_FILENO);
	uint64_t start = clock_now_ms(), next = start;
	struct bind_check c;
	int rc = open_check(&c, o, err);

	memset(res, 0, sizeof(*res));
	while (rc == 0 && !*stop) {
		/* The dump only tells a person how long; a script needs the bind alone. */
		rc = terminal ? gather(&c, &res->dump, err)
			      : check_netns_try_binds(&c.ns, &o->target, c.errnums, err);
		if (rc < 0)
			break;
		if (c.errnums[EXPLAIN_PLAIN] == 0) {
			res->ok = true;
			break;
		}
		if (terminal)
			show_waiting(&c);
		next += o->interval_ms;
		if (o->timeout_ms && next > start + o->timeout_ms)
			next = start + o->timeout_ms;
		if (o->timeout_ms && clock_now_ms() >= start + o->timeout_ms)
			break;
		if (!clock_sleep_until(next, stop))
			break;
	}
	if (terminal)
		fputs("\r\033[K", stderr);
	close_check(&c);
	if (rc < 0)
		return rc;
	return res->ok ? 0 : 1;
}
