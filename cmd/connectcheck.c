/*
 * connectcheck.c - --connect-check ADDR:PORT: the sockets on the ports of
 * net.ipv4.ip_local_port_range (dump/, a filter on the local port), handed
 * to explain/'s budget; a report, or one JSON object. Nothing is tried: a
 * trial connect would send traffic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "checkns.h"
#include "modes.h"
#include "report.h"
#include "vec.h"

struct gathered {
	struct vec socks;
	bool nomem;
};

static int on_sock(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg)
{
	struct gathered *g = arg;
	struct tcpstat_sock here = *s;

	(void)owners;
	/* Every record is of the one namespace checked: explain/ judges those as its own. */
	here.netns = 0;
	if (!vec_push(&g->socks, &here)) {
		g->nomem = true;
		return 1;
	}
	return 0;
}

/* The sockets on a port of the range, any state, into g. */
static int dump_range(const struct tcpstat_opts *o, const struct explain_sysctl *sc,
		      struct gathered *g, struct dump_result *dump, struct tcpstat_error *err)
{
	struct dump_request req = o->dump;
	struct filter_lists lists;
	struct filter *f = malloc(sizeof(*f));
	int rc;

	if (!f)
		return err_set(err, ENOMEM, "connect check");
	filter_lists_init(&lists);
	lists.sport[lists.n_sport++] = (struct tcpstat_port_range){ sc->port_lo, sc->port_hi };
	rc = filter_from_lists(f, &lists);
	req.filter = f;
	if (rc < 0)
		rc = err_set(err, ENOSPC, "connect check: filter");
	else
		rc = dump_run(&req, on_sock, g, dump, err);
	free(f);
	if (g->nomem)
		return err_set(err, ENOMEM, "connect check: the sockets on the local port range");
	return rc < 0 ? rc : 0;
}

/* " (TIME_WAIT 17, ESTABLISHED 3)": the states towards the destination, most first. */
static void put_states_text(struct line *l, const struct explain_connect *r)
{
	bool done[TCPSTAT_STATE_MAX + 1] = { false };
	const char *sep = " (";

	for (unsigned n = 0; n < TCPSTAT_STATE_MAX; n++) {
		unsigned best = 0;

		for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++)
			if (!done[st] && r->by_state[st] > 0 &&
			    (best == 0 || r->by_state[st] > r->by_state[best]))
				best = st;
		if (best == 0)
			break;
		done[best] = true;
		line_puts(l, sep);
		line_puts(l, out_state_name(best));
		line_putc(l, ' ');
		line_u64(l, r->by_state[best]);
		sep = ", ";
	}
	if (sep[0] == ',')
		line_putc(l, ')');
}

/* "  name            " then the value: the report's left column. */
static void put_label(struct line *l, const char *name)
{
	size_t from = line_pos(l);

	line_puts(l, "  ");
	line_puts(l, name);
	line_pad(l, from, 22);
}

static void put_text(struct line *l, const struct explain_connect *r, const char *where,
		     const char *text)
{
	line_puts(l, "Connecting to ");
	line_puts(l, where);
	line_puts(l, ":\n");
	put_label(l, "local port range");
	line_u64(l, r->port_lo);
	line_putc(l, '-');
	line_u64(l, r->port_hi);
	line_puts(l, " (");
	line_u64(l, r->range);
	line_puts(l, " ports, ");
	line_u64(l, r->reserved);
	line_puts(l, " reserved)\n");
	put_label(l, "budget");
	line_u64(l, r->budget);
	line_putc(l, '\n');
	put_label(l, "in use towards it");
	line_u64(l, r->towards);
	put_states_text(l, r);
	line_putc(l, '\n');
	put_label(l, "tcp_tw_reuse");
	line_u64(l, r->tw_reuse);
	line_puts(l, " (");
	line_puts(l, explain_tw_reuse_name(r->tw_reuse));
	line_puts(l, "): ");
	line_u64(l, r->tw_usable);
	line_puts(l, " TIME_WAIT reusable\n");
	put_label(l, "held by listeners");
	line_u64(l, r->held);
	line_putc(l, '\n');
	put_label(l, "remaining");
	line_u64(l, r->remaining);
	line_puts(l, "\n\n");
	report_wrapped(l, text, REPORT_WIDTH);
}

static void put_json(struct line *l, const struct explain_connect *r, const char *where,
		     const char *text)
{
	bool first = true;

	line_putc(l, '{');
	report_string(l, "destination", where, true);
	out_json_key(l, "port_range", false);
	line_putc(l, '{');
	report_u64(l, "lo", r->port_lo, true);
	report_u64(l, "hi", r->port_hi, false);
	report_u64(l, "ports", r->range, false);
	line_putc(l, '}');
	report_u64(l, "reserved", r->reserved, false);
	report_u64(l, "budget", r->budget, false);
	out_json_key(l, "towards", false);
	line_putc(l, '{');
	report_u64(l, "total", r->towards, true);
	out_json_key(l, "by_state", false);
	line_putc(l, '{');
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++) {
		if (r->by_state[st] == 0)
			continue;
		report_u64(l, out_state_name(st), r->by_state[st], first);
		first = false;
	}
	line_puts(l, "}}");
	report_u64(l, "tw_reusable", r->tw_usable, false);
	report_u64(l, "held", r->held, false);
	report_u64(l, "unusable", r->unusable, false);
	report_u64(l, "remaining", r->remaining, false);
	out_json_key(l, "tw_reuse", false);
	line_putc(l, '{');
	report_u64(l, "value", r->tw_reuse, true);
	report_string(l, "meaning", explain_tw_reuse_name(r->tw_reuse), false);
	line_putc(l, '}');
	report_bool(l, "can_connect", explain_connect_ok(r), false);
	report_string(l, "explanation", text, false);
	line_puts(l, "}\n");
}

static int report(const struct tcpstat_opts *o, FILE *f, const struct explain_connect *r,
		  struct tcpstat_error *err)
{
	struct out *out = malloc(sizeof(*out));
	char where[64], text[512];
	int rc = 0;

	if (!out)
		return err_set(err, ENOMEM, "connect check");
	out_open(out, &o->out, f);
	explain_format_target(&r->dest, where, sizeof(where));
	explain_connect_text(r, text, sizeof(text));
	if (o->out.kind == OUT_JSON)
		put_json(&out->line, r, where, text);
	else
		put_text(&out->line, r, where, text);
	if (out_flush(out) < 0 || fflush(f) == EOF || ferror(f))
		rc = err_set(err, errno ? errno : EIO, "write error");
	free(out);
	return rc;
}

int connectcheck_run(const struct tcpstat_opts *o, FILE *f, struct check_result *res,
		     struct tcpstat_error *err)
{
	struct explain_sysctl sc;
	struct explain_connect r;
	struct gathered g = { .nomem = false };
	struct check_netns ns;
	int rc;

	memset(res, 0, sizeof(*res));
	vec_init(&g.socks, sizeof(struct tcpstat_sock), 0);
	/* -N, --netns-pid: that namespace's port range and sockets. */
	rc = check_netns_open(&ns, &o->dump, err);
	if (rc == 0)
		rc = check_netns_sysctl(&ns, &sc, err);
	check_netns_close(&ns);
	if (rc == 0)
		rc = dump_range(o, &sc, &g, &res->dump, err);
	if (rc == 0) {
		explain_connect_judge(&o->target, &sc, g.socks.data, g.socks.len, &r);
		res->ok = explain_connect_ok(&r);
		if (o->report != OPTS_REPORT_NONE)
			rc = report(o, f, &r, err);
	}
	vec_free(&g.socks);
	return rc;
}
