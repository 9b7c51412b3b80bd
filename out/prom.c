/*
 * prom.c - --metrics: the Prometheus text exposition format, for
 * node_exporter's textfile collector. Rows are not printed as they come:
 * they are added up in memory of a fixed size (counts per family and
 * state, one counter per local port for TIME_WAIT, at most
 * PROM_MAX_LISTENERS listeners), and the whole exposition is written by
 * the end op. So neither memory nor the number of series grows with the
 * number of sockets.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "out.h"
#include "prom.h"

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

struct prom_state {
	unsigned long sockets[2][TCPSTAT_STATE_MAX + 1];
	uint32_t time_wait[PROM_PORTS];   /* by local port */
	size_t time_wait_ports;           /* ports with a count above 0 */
	uint32_t longest_ms;
	size_t n_listeners;
	struct prom_listener listeners[PROM_LISTENER_SLOTS];
	struct prom_listener other;       /* past PROM_MAX_LISTENERS */
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
	if (o->state)
		return 0;
	o->state = calloc(1, sizeof(struct prom_state));
	return o->state ? 0 : -1;
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
	if (fam < 0 || s->state < 1 || s->state > TCPSTAT_STATE_MAX)
		return 0;
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
	}
	return 0;
}

/* "# HELP name text" and "# TYPE name gauge". */
static void put_family(struct line *l, const char *name, const char *help)
{
	line_puts(l, "# HELP ");
	line_puts(l, name);
	line_putc(l, ' ');
	line_puts(l, help);
	line_puts(l, "\n# TYPE ");
	line_puts(l, name);
	line_puts(l, " gauge\n");
}

/* One label, name="value", after a '{' (first) or a ','. */
static void put_label(struct line *l, const char *name, const char *value, bool first)
{
	line_putc(l, first ? '{' : ',');
	line_puts(l, name);
	line_putc(l, '=');
	prom_label_value(l, value, strlen(value));
}

static void put_value(struct line *l, uint64_t v)
{
	line_putc(l, ' ');
	line_u64(l, v);
	line_putc(l, '\n');
}

/* v / 10^digits, written with that many decimals: 59448, 3 -> "59.448". */
static void put_fixed(struct line *l, uint64_t v, unsigned digits)
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

static void put_sockets(struct line *l, const struct prom_state *p)
{
	put_family(l, "tcpstat_sockets", "TCP sockets matching the filter, by address family and state.");
	for (int fam = 0; fam < 2; fam++) {
		for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++) {
			line_puts(l, "tcpstat_sockets");
			put_label(l, "family", family_labels[fam], true);
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
				const struct prom_state *p)
{
	char addr[64], port[8];
	struct tcpstat_sock s;
	struct out_row row = { .s = &s };

	if (ls == &p->other) {
		line_puts(l, "{addr=\"other\",port=\"other\"}");
		return;
	}
	/* The registry writes addresses and ports from a record: a minimal one. */
	memset(&s, 0, sizeof(s));
	s.family = ls->family;
	s.local_port = ls->port;
	memcpy(s.local_addr, ls->addr, sizeof(s.local_addr));
	out_field_text(addr, sizeof(addr), OUT_F_LOCAL_ADDR, &row, true);
	out_field_text(port, sizeof(port), OUT_F_LOCAL_PORT, &row, true);
	put_label(l, "addr", addr, true);
	put_label(l, "port", port, false);
	line_putc(l, '}');
}

static void put_listener_family(struct line *l, const char *name, const char *help,
				struct prom_listener *const *order, size_t n,
				const struct prom_state *p, bool backlog)
{
	put_family(l, name, help);
	for (size_t i = 0; i < n; i++) {
		line_puts(l, name);
		put_listener_labels(l, order[i], p);
		put_value(l, backlog ? order[i]->backlog : order[i]->queue);
	}
}

static void put_listeners(struct line *l, struct prom_state *p, bool backlog_known)
{
	struct prom_listener *order[PROM_MAX_LISTENERS + 1];
	size_t n = 0;

	for (size_t i = 0; i < PROM_LISTENER_SLOTS; i++)
		if (p->listeners[i].used)
			order[n++] = &p->listeners[i];
	qsort(order, n, sizeof(order[0]), listener_order);
	if (p->other.used)
		order[n++] = &p->other;
	put_listener_family(l, "tcpstat_listen_queue_length",
			    "Connections waiting in the accept queue of the listening sockets "
			    "on addr:port.", order, n, p, false);
	/* /proc reports no backlog: a 0 there would make every queue look full. */
	if (backlog_known)
		put_listener_family(l, "tcpstat_listen_queue_max_length",
				    "The accept queue's limit (the listen() backlog) of the "
				    "listening sockets on addr:port.", order, n, p, true);
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

static int put_time_wait(struct line *l, const struct prom_state *p, unsigned top)
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
	put_family(l, "tcpstat_time_wait_sockets",
		   "TIME_WAIT sockets by local port: the ports holding the most, the rest "
		   "summed as port=\"other\".");
	for (size_t i = 0; i < n; i++) {
		if (i >= top) {
			other += ports[i].n;
			continue;
		}
		snprintf(port, sizeof(port), "%u", ports[i].port);
		line_puts(l, "tcpstat_time_wait_sockets");
		put_label(l, "port", port, true);
		line_putc(l, '}');
		put_value(l, ports[i].n);
	}
	free(ports);
	line_puts(l, "tcpstat_time_wait_sockets{port=\"other\"}");
	put_value(l, other);
	return 0;
}

static int prom_end(struct out *o, const struct out_end *e)
{
	struct line *l = &o->line;
	struct prom_state *p;

	if (prom_begin(o) < 0)
		return -1;
	p = o->state;
	put_sockets(l, p);
	put_listeners(l, p, e->backlog_known);
	if (put_time_wait(l, p, o->cfg->metrics_top) < 0)
		return -1;
	put_family(l, "tcpstat_time_wait_longest_remaining_seconds",
		   "The longest time left on the timer of a TIME_WAIT socket (0: none).");
	line_puts(l, "tcpstat_time_wait_longest_remaining_seconds");
	put_fixed(l, p->longest_ms, 3);
	put_family(l, "tcpstat_scrape_duration_seconds",
		   "How long tcpstat took to list the sockets and add them up.");
	line_puts(l, "tcpstat_scrape_duration_seconds");
	put_fixed(l, e->duration_ns / 1000, 6);
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
};
