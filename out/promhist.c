/*
 * promhist.c - the RTT and retransmission histograms of --metrics -i (see
 * promhist.h), in Prometheus' conventions: _bucket{le} cumulative, +Inf
 * equal to _count, _sum in the base unit (seconds; segments).
 *
 * The RTT buckets, 100 us to 2.5 s, cover loopback and a LAN (under 1 ms)
 * through a region (tens of ms) to satellites and bufferbloat (seconds);
 * tcp_info's RTT is the kernel's smoothed one (srtt). Retransmissions
 * (tcp_info's total_retrans, over the connection's life) go 0, 1, 2, 5 ..
 * 500: most connections are in the first bucket, and the tail is what an
 * alert wants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prom.h"
#include "promhist.h"

static const uint32_t rtt_bounds_us[PROM_RTT_BUCKETS - 1] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000,
};
static const char *const rtt_le[PROM_RTT_BUCKETS] = {
	"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
	"0.1", "0.25", "0.5", "1", "2.5", "+Inf",
};
static const uint32_t retr_bounds[PROM_RETR_BUCKETS - 1] = {
	0, 1, 2, 5, 10, 20, 50, 100, 200, 500,
};
static const char *const retr_le[PROM_RETR_BUCKETS] = {
	"0", "1", "2", "5", "10", "20", "50", "100", "200", "500", "+Inf",
};

const char prom_rtt_name[] = "tcpstat_connection_rtt_seconds";
const char prom_rtt_help[] = "Smoothed round-trip time of the connections (tcp_info), by the "
	"listening port they were accepted on; port=\"other\": the rest.";
const char prom_retr_name[] = "tcpstat_connection_retransmissions";
const char prom_retr_help[] = "Segments each connection retransmitted in its life (tcp_info "
	"total_retrans), by the listening port it was accepted on; port=\"other\": the rest.";

bool prom_hists_wants(const struct tcpstat_sock *s)
{
	return s->state != TCPSTAT_LISTEN && (s->present & TCPSTAT_HAS_INFO) &&
	       (s->info.have & TCPSTAT_HAVE_I32(TCPSTAT_I_RTT));
}

static unsigned bucket(const uint32_t *bounds, unsigned n, uint32_t v)
{
	unsigned i = 0;

	while (i < n && v > bounds[i])
		i++;
	return i;
}

void prom_hists_add(struct prom_hists *h, const struct tcpstat_sock *s)
{
	struct prom_hist *p = &h->port[s->local_port];
	uint32_t rtt = s->info.u32[TCPSTAT_I_RTT];
	bool have_retr = s->info.have & TCPSTAT_HAVE_I32(TCPSTAT_I_TOTAL_RETRANS);
	uint32_t retr = have_retr ? s->info.u32[TCPSTAT_I_TOTAL_RETRANS] : 0;

	if (p->count++ == 0)
		h->touched[h->n_touched++] = s->local_port;
	p->rtt[bucket(rtt_bounds_us, PROM_RTT_BUCKETS - 1, rtt)]++;
	p->rtt_sum_us += rtt;
	p->retr[bucket(retr_bounds, PROM_RETR_BUCKETS - 1, retr)]++;
	p->retr_sum += retr;
}

void prom_hists_listen(struct prom_hists *h, uint16_t port)
{
	h->listening[port / 8] |= (uint8_t)(1u << (port % 8));
}

static bool listening(const struct prom_hists *h, uint16_t port)
{
	return h->listening[port / 8] & (1u << (port % 8));
}

void prom_hists_reset(struct prom_hists *h)
{
	for (uint32_t i = 0; i < h->n_touched; i++)
		memset(&h->port[h->touched[i]], 0, sizeof(h->port[0]));
	h->n_touched = 0;
	memset(h->listening, 0, sizeof(h->listening));
}

static void merge(struct prom_hist *into, const struct prom_hist *from)
{
	into->count += from->count;
	into->rtt_sum_us += from->rtt_sum_us;
	into->retr_sum += from->retr_sum;
	for (int i = 0; i < PROM_RTT_BUCKETS; i++)
		into->rtt[i] += from->rtt[i];
	for (int i = 0; i < PROM_RETR_BUCKETS; i++)
		into->retr[i] += from->retr[i];
}

/* name{netns="..",port="..",...: the labels before le, open. */
static void put_name_labels(struct line *l, const char *name, const char *suffix,
			    const char *netns, const char *port)
{
	line_puts(l, name);
	line_puts(l, suffix);
	prom_put_label(l, "port", port, !prom_put_netns(l, netns));
}

static void put_hist(struct line *l, const char *name, const char *netns, const char *port,
		     const uint32_t *counts, const char *const *le, unsigned n, uint64_t sum,
		     unsigned sum_digits, uint32_t count)
{
	uint64_t cum = 0;

	for (unsigned i = 0; i < n; i++) {
		cum += counts[i];
		put_name_labels(l, name, "_bucket", netns, port);
		prom_put_label(l, "le", le[i], false);
		line_puts(l, "} ");
		line_u64(l, cum);
		line_putc(l, '\n');
	}
	put_name_labels(l, name, "_sum", netns, port);
	line_putc(l, '}');
	if (sum_digits) {
		prom_put_fixed(l, sum, sum_digits);
	} else {
		line_putc(l, ' ');
		line_u64(l, sum);
		line_putc(l, '\n');
	}
	put_name_labels(l, name, "_count", netns, port);
	line_puts(l, "} ");
	line_u64(l, count);
	line_putc(l, '\n');
}

static void put_one(struct line *l, bool rtt, const struct prom_hist *p, const char *netns,
		    const char *port)
{
	if (rtt)
		put_hist(l, prom_rtt_name, netns, port, p->rtt, rtt_le, PROM_RTT_BUCKETS,
			 p->rtt_sum_us, 6, p->count);
	else
		put_hist(l, prom_retr_name, netns, port, p->retr, retr_le, PROM_RETR_BUCKETS,
			 p->retr_sum, 0, p->count);
}

struct ranked {
	uint32_t count;
	uint16_t port;
};

/* The most connections first; among equals, the lower port. */
static int rank_order(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (int)x->port - (int)y->port;
}

int prom_hists_put(struct line *l, bool rtt, const struct prom_hists *h, unsigned top,
		   const char *netns)
{
	struct ranked *r = malloc((h->n_touched + 1) * sizeof(*r));
	struct prom_hist other;
	size_t n = 0;
	char port[8];

	if (!r)
		return -1;
	memset(&other, 0, sizeof(other));
	for (uint32_t i = 0; i < h->n_touched; i++) {
		uint16_t p = h->touched[i];

		if (listening(h, p))
			r[n++] = (struct ranked){ h->port[p].count, p };
		else
			merge(&other, &h->port[p]);
	}
	qsort(r, n, sizeof(*r), rank_order);
	for (size_t i = 0; i < n; i++) {
		if (i >= top) {
			merge(&other, &h->port[r[i].port]);
			continue;
		}
		snprintf(port, sizeof(port), "%u", r[i].port);
		put_one(l, rtt, &h->port[r[i].port], netns, port);
	}
	free(r);
	put_one(l, rtt, &other, netns, "other");
	return 0;
}
