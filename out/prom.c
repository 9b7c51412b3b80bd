/*
 * prom.c - --metrics: the Prometheus text exposition format, for
 * node_exporter's textfile collector. Rows are not printed as they come:
 * they are added up in memory of a fixed size (counts per family and
 * state, one counter per local port for TIME_WAIT, at most
 * PROM_MAX_LISTENERS listeners), and the whole exposition is written by
 * the end op. So neither memory nor the number of series grows with the
 * number of sockets. With -i, RTT and retransmission histograms per
 * listening port (promhist.c). With namespaces (-N, --all-netns), every
 * series but the two about tcpstat itself gets a netns label: rows come
 * one namespace after the other, so each namespace's series are written
 * into a buffer per family when its rows end, and the families are put
 * together by the end op (the exposition format wants a family's series
 * in one block).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "out.h"
#include "prom.h"
#include "promhist.h"

#define PROM_PORTS 65536
/* Twice the listeners kept, so open addressing stays short. */
#define PROM_LISTENER_SLOTS (2 * PROM_MAX_LISTENERS)

/* The label values of the state label: node_exporter's spellings. */
static const char *const state_labels[TCPSTAT_STATE_MAX + 1] = {
	[TCPSTAT_ESTABLISHED] = "established",
	[TCPSTAT_SYN_SENT] = "syn_sent",
	[TCPSTAT_SYN_RECV] = "syn_recv",
	[TCPSTAT_FIN_WAIT1] = "fin_wait1",
	[TCPSTAT_FIN_WAIT2] = "fin_wait2",
	[TCPSTAT_TIME_WAIT] = "time_wait",
	[TCPSTAT_CLOSE] = "close",
	[TCPSTAT_CLOSE_WAIT] = "close_wait",
	[TCPSTAT_LAST_ACK] = "last_ack",
	[TCPSTAT_LISTEN] = "listen",
	[TCPSTAT_CLOSING] = "closing",
};
static const char *const family_labels[2] = { "ipv4", "ipv6" };

/* The listening sockets on one addr:port (several with SO_REUSEPORT), summed. */
struct prom_listener {
	uint64_t queue, backlog;
	uint8_t addr[16];
	uint16_t port;
	uint8_t family;
	bool used;
};

/* The families, in the order written (scrape duration and build info come after). */
enum prom_fam {
	FAM_SOCKETS, FAM_QUEUE, FAM_QUEUE_MAX, FAM_TIME_WAIT, FAM_TW_LONGEST, FAM_RTT, FAM_RETR,
	FAM_N,
};

/* One family's series of the namespaces done, kept until the end op. */
struct prom_buf {
	struct line line;         /* over buf, spilling to mem */
	FILE *mem;                /* open_memstream over text; NULL: not yet opened */
	char *text;
	size_t len;
	char buf[4096];
};

/* A /run/netns name, or "PID/comm" (dump/netns.h's NETNS_LABEL_MAX). */
#define PROM_NETNS_MAX 256

struct prom_state {
	unsigned long sockets[2][TCPSTAT_STATE_MAX + 1];
	uint32_t time_wait[PROM_PORTS];   /* by local port */
	size_t time_wait_ports;           /* ports with a count above 0 */
	uint32_t longest_ms;
	size_t n_listeners;
	struct prom_listener listeners[PROM_LISTENER_SLOTS];
	struct prom_listener other;       /* past PROM_MAX_LISTENERS */
	struct prom_hists *hists;         /* -i only: 8 MiB, so not otherwise */
	/* With namespaces: the one whose rows come now, and the families of those done. */
	bool scope_open;
	uint64_t ino;
	char netns[PROM_NETNS_MAX];
	struct prom_buf bufs[FAM_N];
	char (*done)[PROM_NETNS_MAX];     /* the labels of the namespaces written */
	size_t n_done;
};

void prom_label_value(struct line *l, const char *s, size_t n)
{
	line_putc(l, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			line_puts(l, "\\\\");
		else if (s[i] == '"')
			line_puts(l, "\\\"");
		else if (s[i] == '\n')
			line_puts(l, "\\n");
		else
			line_putc(l, s[i]);
	}
	line_putc(l, '"');
}

static int prom_begin(struct out *o)
{
	struct prom_state *p;

	if (o->state)
		return 0;
	p = o->state = calloc(1, sizeof(struct prom_state));
	if (!p)
		return -1;
	if (o->cfg->metrics_info && !(p->hists = calloc(1, sizeof(*p->hists))))
		return -1;
	return 0;
}

static uint32_t listener_hash(const struct tcpstat_sock *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (size_t i = 0; i < sizeof(s->local_addr); i++)
		h = (h ^ s->local_addr[i]) * 16777619u;
	h = (h ^ s->family) * 16777619u;
	h = (h ^ (s->local_port & 0xff)) * 16777619u;
	return (h ^ (s->local_port >> 8)) * 16777619u;
}

static bool same_listener(const struct prom_listener *a, const struct tcpstat_sock *s)
{
	return a->family == s->family && a->port == s->local_port &&
	       memcmp(a->addr, s->local_addr, sizeof(a->addr)) == 0;
}

/* The slot of s's addr:port, a new one while there is room, else "other". */
static struct prom_listener *find_listener(struct prom_state *p, const struct tcpstat_sock *s)
{
	size_t i = listener_hash(s) & (PROM_LISTENER_SLOTS - 1);

	while (p->listeners[i].used) {
		if (same_listener(&p->listeners[i], s))
			return &p->listeners[i];
		i = (i + 1) & (PROM_LISTENER_SLOTS - 1);
	}
	if (p->n_listeners == PROM_MAX_LISTENERS) {
		p->other.used = true;
		return &p->other;
	}
	p->n_listeners++;
	p->listeners[i].used = true;
	p->listeners[i].family = s->family;
	p->listeners[i].port = s->local_port;
	memcpy(p->listeners[i].addr, s->local_addr, sizeof(s->local_addr));
	return &p->listeners[i];
}

static int flush_scope(struct out *o, struct prom_state *p);

/* The rows of another namespace begin: the last one's series are written out first. */
static int open_scope(struct out *o, struct prom_state *p, const struct out_row *r)
{
	if (p->scope_open && flush_scope(o, p) < 0)
		return -1;
	p->scope_open = true;
	p->ino = r->s->netns;
	snprintf(p->netns, sizeof(p->netns), "%s", r->netns ? r->netns : "-");
	return 0;
}

static int prom_row(struct out *o, const struct out_row *r)
{
	const struct tcpstat_sock *s = r->s;
	struct prom_state *p = o->state;
	int fam = s->family == AF_INET ? 0 : s->family == AF_INET6 ? 1 : -1;

	if (!p) {
		if (prom_begin(o) < 0)
			return -1;
		p = o->state;
	}
	if (o->cfg->netns && (!p->scope_open || s->netns != p->ino) && open_scope(o, p, r) < 0)
		return -1;
	if (fam < 0 || s->state < 1 || s->state > TCPSTAT_STATE_MAX)
		return 0;
	if (p->hists && prom_hists_wants(s))
		prom_hists_add(p->hists, s);
	p->sockets[fam][s->state]++;
	if (s->state == TCPSTAT_TIME_WAIT) {
		if (p->time_wait[s->local_port]++ == 0)
			p->time_wait_ports++;
		if (s->timer_ms > p->longest_ms)
			p->longest_ms = s->timer_ms;
	}
	if (s->state == TCPSTAT_LISTEN) {
		struct prom_listener *l = find_listener(p, s);

		l->queue += s->recv_q;
		l->backlog += s->send_q;
		if (p->hists)
			prom_hists_listen(p->hists, s->local_port);
	}
	return 0;
}

/* "# HELP name text" and "# TYPE name type". */
static void put_family_typed(struct line *l, const char *name, const char *help,
			     const char *type)
{
	line_puts(l, "# HELP ");
	line_puts(l, name);
	line_putc(l, ' ');
	line_puts(l, help);
	line_puts(l, "\n# TYPE ");
	line_puts(l, name);
	line_putc(l, ' ');
	line_puts(l, type);
	line_putc(l, '\n');
}

static void put_family(struct line *l, const char *name, const char *help)
{
	put_family_typed(l, name, help, "gauge");
}

/* One label, name="value", after a '{' (first) or a ','. */
static void put_label(struct line *l, const char *name, const char *value, bool first)
{
	line_putc(l, first ? '{' : ',');
	line_puts(l, name);
	line_putc(l, '=');
	prom_label_value(l, value, strlen(value));
}

void prom_put_label(struct line *l, const char *name, const char *value, bool first)
{
	put_label(l, name, value, first);
}

bool prom_put_netns(struct line *l, const char *netns)
{
	if (netns)
		put_label(l, "netns", netns, true);
	return netns != NULL;
}

static void put_value(struct line *l, uint64_t v)
{
	line_putc(l, ' ');
	line_u64(l, v);
	line_putc(l, '\n');
}

/* v / 10^digits, written with that many decimals: 59448, 3 -> "59.448". */
void prom_put_fixed(struct line *l, uint64_t v, unsigned digits)
{
	uint64_t scale = 1;
	char frac[8];

	for (unsigned i = 0; i < digits; i++)
		scale *= 10;
	line_putc(l, ' ');
	line_u64(l, v / scale);
	line_putc(l, '.');
	for (unsigned i = digits; i-- > 0; v /= 10)
		frac[i] = (char)('0' + v % 10);
	line_put(l, frac, digits);
	line_putc(l, '\n');
}

static void put_sockets(struct line *l, const struct prom_state *p, const char *netns)
{
	for (int fam = 0; fam < 2; fam++) {
		for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++) {
			line_puts(l, "tcpstat_sockets");
			put_label(l, "family", family_labels[fam], !prom_put_netns(l, netns));
			put_label(l, "state", state_labels[st], false);
			line_putc(l, '}');
			put_value(l, p->sockets[fam][st]);
		}
	}
}

/* By family, address, then port: the same order on every run. */
static int listener_order(const void *a, const void *b)
{
	const struct prom_listener *x = *(const struct prom_listener *const *)a;
	const struct prom_listener *y = *(const struct prom_listener *const *)b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (c != 0)
		return c;
	return (int)x->port - (int)y->port;
}

static void put_listener_labels(struct line *l, const struct prom_listener *ls,
				const struct prom_state *p, const char *netns)
{
	char addr[64], port[8];
	struct tcpstat_sock s;
	struct out_row row = { .s = &s };
	bool first = !prom_put_netns(l, netns);

	if (ls == &p->other) {
		line_puts(l, first ? "{" : ",");
		line_puts(l, "addr=\"other\",port=\"other\"}");
		return;
	}
	/* The registry writes addresses and ports from a record: a minimal one. */
	memset(&s, 0, sizeof(s));
	s.family = ls->family;
	s.local_port = ls->port;
	memcpy(s.local_addr, ls->addr, sizeof(s.local_addr));
	out_field_text(addr, sizeof(addr), OUT_F_LOCAL_ADDR, &row, true);
	out_field_text(port, sizeof(port), OUT_F_LOCAL_PORT, &row, true);
	put_label(l, "addr", addr, first);
	put_label(l, "port", port, false);
	line_putc(l, '}');
}

/* The listeners in order, "other" last; one family's series of them. */
static void put_listeners(struct line *l, struct prom_state *p, bool backlog,
			  const char *netns)
{
	struct prom_listener *order[PROM_MAX_LISTENERS + 1];
	const char *name = backlog ? "tcpstat_listen_queue_max_length"
				   : "tcpstat_listen_queue_length";
	size_t n = 0;

	for (size_t i = 0; i < PROM_LISTENER_SLOTS; i++)
		if (p->listeners[i].used)
			order[n++] = &p->listeners[i];
	qsort(order, n, sizeof(order[0]), listener_order);
	if (p->other.used)
		order[n++] = &p->other;
	for (size_t i = 0; i < n; i++) {
		line_puts(l, name);
		put_listener_labels(l, order[i], p, netns);
		put_value(l, backlog ? order[i]->backlog : order[i]->queue);
	}
}

struct port_count {
	uint32_t n;
	uint16_t port;
};

/* The most sockets first; among equals, the lower port. */
static int port_order(const void *a, const void *b)
{
	const struct port_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (int)x->port - (int)y->port;
}

static int put_time_wait(struct line *l, const struct prom_state *p, unsigned top,
			 const char *netns)
{
	struct port_count *ports = malloc((p->time_wait_ports + 1) * sizeof(*ports));
	uint64_t other = 0;
	size_t n = 0;
	char port[8];

	if (!ports)
		return -1;
	for (size_t i = 0; i < PROM_PORTS; i++)
		if (p->time_wait[i] > 0)
			ports[n++] = (struct port_count){ p->time_wait[i], (uint16_t)i };
	qsort(ports, n, sizeof(*ports), port_order);
	for (size_t i = 0; i < n; i++) {
		if (i >= top) {
			other += ports[i].n;
			continue;
		}
		snprintf(port, sizeof(port), "%u", ports[i].port);
		line_puts(l, "tcpstat_time_wait_sockets");
		put_label(l, "port", port, !prom_put_netns(l, netns));
		line_putc(l, '}');
		put_value(l, ports[i].n);
	}
	free(ports);
	line_puts(l, "tcpstat_time_wait_sockets");
	put_label(l, "port", "other", !prom_put_netns(l, netns));
	line_putc(l, '}');
	put_value(l, other);
	return 0;
}

static const struct {
	const char *name, *help, *type;
} fams[FAM_N] = {
	[FAM_SOCKETS] = { "tcpstat_sockets",
			  "TCP sockets matching the filter, by address family and state.", "gauge" },
	[FAM_QUEUE] = { "tcpstat_listen_queue_length",
			"Connections waiting in the accept queue of the listening sockets "
			"on addr:port.", "gauge" },
	[FAM_QUEUE_MAX] = { "tcpstat_listen_queue_max_length",
			    "The accept queue's limit (the listen() backlog) of the "
			    "listening sockets on addr:port.", "gauge" },
	[FAM_TIME_WAIT] = { "tcpstat_time_wait_sockets",
			    "TIME_WAIT sockets by local port: the ports holding the most, the rest "
			    "summed as port=\"other\".", "gauge" },
	[FAM_TW_LONGEST] = { "tcpstat_time_wait_longest_remaining_seconds",
			     "The longest time left on the timer of a TIME_WAIT socket (0: none).",
			     "gauge" },
	[FAM_RTT] = { prom_rtt_name, prom_rtt_help, "histogram" },
	[FAM_RETR] = { prom_retr_name, prom_retr_help, "histogram" },
};

/* Whether family f is written: /proc has no backlog (a 0 would look full); -i's histograms. */
static bool fam_wanted(const struct out *o, enum prom_fam f, const struct out_end *e)
{
	if (f == FAM_QUEUE_MAX)
		return e->backlog_known;
	if (f == FAM_RTT || f == FAM_RETR)
		return o->cfg->metrics_info;
	return true;
}

/* The series of family f for the sockets added up so far, each labelled netns when not NULL. */
static int put_series(struct out *o, struct prom_state *p, enum prom_fam f, struct line *l,
		      const char *netns)
{
	switch (f) {
	case FAM_SOCKETS:
		put_sockets(l, p, netns);
		return 0;
	case FAM_QUEUE:
	case FAM_QUEUE_MAX:
		put_listeners(l, p, f == FAM_QUEUE_MAX, netns);
		return 0;
	case FAM_TIME_WAIT:
		return put_time_wait(l, p, o->cfg->metrics_top, netns);
	case FAM_TW_LONGEST:
		line_puts(l, "tcpstat_time_wait_longest_remaining_seconds");
		if (prom_put_netns(l, netns))
			line_putc(l, '}');
		prom_put_fixed(l, p->longest_ms, 3);
		return 0;
	case FAM_RTT:
	case FAM_RETR:
		if (!p->hists)
			return 0;
		return prom_hists_put(l, f == FAM_RTT, p->hists, o->cfg->metrics_top, netns);
	case FAM_N:
		break;
	}
	return 0;
}

/* The counters back to nothing, for the next namespace's rows. */
static void reset_scope(struct prom_state *p)
{
	memset(p->sockets, 0, sizeof(p->sockets));
	memset(p->time_wait, 0, sizeof(p->time_wait));
	p->time_wait_ports = 0;
	p->longest_ms = 0;
	p->n_listeners = 0;
	memset(p->listeners, 0, sizeof(p->listeners));
	memset(&p->other, 0, sizeof(p->other));
	if (p->hists)
		prom_hists_reset(p->hists);
	p->scope_open = false;
}

/* The namespace whose rows ended: its series into each family's buffer, its label kept. */
static int flush_scope(struct out *o, struct prom_state *p)
{
	char (*done)[PROM_NETNS_MAX] = realloc(p->done, (p->n_done + 1) * sizeof(*done));

	if (!done)
		return -1;
	p->done = done;
	memcpy(p->done[p->n_done++], p->netns, PROM_NETNS_MAX);
	for (int f = 0; f < FAM_N; f++) {
		struct prom_buf *b = &p->bufs[f];

		if (!b->mem) {
			b->mem = open_memstream(&b->text, &b->len);
			if (!b->mem)
				return -1;
			line_init(&b->line, b->buf, sizeof(b->buf), b->mem);
		}
		if (put_series(o, p, (enum prom_fam)f, &b->line, p->netns) < 0 || b->line.error)
			return -1;
	}
	reset_scope(p);
	return 0;
}

static bool done_already(const struct prom_state *p, const char *label)
{
	for (size_t i = 0; i < p->n_done; i++)
		if (strcmp(p->done[i], label) == 0)
			return true;
	return false;
}

/* The last namespace's rows, then the zeros of those that had none: series never vanish. */
static int flush_all(struct out *o, struct prom_state *p, const struct out_end *e)
{
	if (p->scope_open && flush_scope(o, p) < 0)
		return -1;
	for (size_t i = 0; i < e->n_netns; i++) {
		if (done_already(p, e->netns[i]))
			continue;
		snprintf(p->netns, sizeof(p->netns), "%s", e->netns[i]);
		if (flush_scope(o, p) < 0)
			return -1;
	}
	return 0;
}

/* Family f's buffered series, every namespace's, into l. */
static int put_buffered(struct line *l, struct prom_buf *b)
{
	if (!b->mem)
		return 0;
	if (line_flush(&b->line) < 0 || fflush(b->mem) == EOF)
		return -1;
	line_put(l, b->text, b->len);
	return 0;
}

static void prom_close(struct out *o)
{
	struct prom_state *p = o->state;

	for (int f = 0; f < FAM_N; f++) {
		if (p->bufs[f].mem)
			fclose(p->bufs[f].mem);
		free(p->bufs[f].text);
	}
	free(p->done);
	free(p->hists);
}

static int prom_end(struct out *o, const struct out_end *e)
{
	struct line *l = &o->line;
	struct prom_state *p;

	if (prom_begin(o) < 0)
		return -1;
	p = o->state;
	if (o->cfg->netns && flush_all(o, p, e) < 0)
		return -1;
	for (int f = 0; f < FAM_N; f++) {
		if (!fam_wanted(o, (enum prom_fam)f, e))
			continue;
		put_family_typed(l, fams[f].name, fams[f].help, fams[f].type);
		if (o->cfg->netns ? put_buffered(l, &p->bufs[f]) < 0
				  : put_series(o, p, (enum prom_fam)f, l, NULL) < 0)
			return -1;
	}
	/* These two are about tcpstat's run, not a namespace: no netns label. */
	put_family(l, "tcpstat_scrape_duration_seconds",
		   "How long tcpstat took to list the sockets and add them up.");
	line_puts(l, "tcpstat_scrape_duration_seconds");
	prom_put_fixed(l, e->duration_ns / 1000, 6);
	put_family(l, "tcpstat_build_info",
		   "tcpstat's version and the backend that answered (always 1).");
	line_puts(l, "tcpstat_build_info");
	put_label(l, "version", TCPSTAT_VERSION, true);
	put_label(l, "backend", e->backend ? e->backend : "none", false);
	line_putc(l, '}');
	put_value(l, 1);
	return l->error ? -1 : 0;
}

/* -E, -S and -c do not go with --metrics (options.c refuses them): nothing to write. */
static int prom_event(struct out *o, const struct out_event *e)
{
	(void)o;
	(void)e;
	return 0;
}

static int prom_summary(struct out *o, const struct out_summary *s)
{
	(void)o;
	(void)s;
	return 0;
}

static int prom_count(struct out *o, unsigned long n)
{
	(void)o;
	(void)n;
	return 0;
}

const struct out_format out_prom_format = {
	.begin = prom_begin,
	.row = prom_row,
	.event = prom_event,
	.summary = prom_summary,
	.count = prom_count,
	.end = prom_end,
	.close = prom_close,
};
