/*
 * promhist.h - --metrics -i: RTT and retransmission histograms per
 * listening port (promhist.c). A connection counts under its local port
 * when a listener on that port matched too (the server side of its
 * connections); the rest (clients' ephemeral ports, listeners past
 * --metrics-top, ports with no listener listed) under port="other". Fixed
 * memory: one slot per port (8 MiB, made only with -i); a namespace's reset
 * clears only the slots it used.
 */
#ifndef TCPSTAT_OUT_PROMHIST_H
#define TCPSTAT_OUT_PROMHIST_H

#include <stdbool.h>
#include <stdint.h>

#include "line.h"
#include "tcpstat.h"

/* Buckets' upper bounds, +Inf last: RTT in microseconds, retransmissions in segments. */
#define PROM_RTT_BUCKETS 15
#define PROM_RETR_BUCKETS 11

struct prom_hist {
	uint64_t rtt_sum_us;
	uint64_t retr_sum;
	uint32_t count;
	uint32_t rtt[PROM_RTT_BUCKETS];     /* per bucket, not yet cumulative */
	uint32_t retr[PROM_RETR_BUCKETS];
};

struct prom_hists {
	struct prom_hist port[65536];       /* by local port */
	uint16_t touched[65536];            /* the ports with a connection, in order seen */
	uint32_t n_touched;
	uint8_t listening[65536 / 8];       /* ports a listener matched on */
};

/* Whether s counts: a connection (not LISTEN) with tcp_info's RTT (-i, netlink). */
bool prom_hists_wants(const struct tcpstat_sock *s);
/* Counts connection s under its local port. */
void prom_hists_add(struct prom_hists *h, const struct tcpstat_sock *s);
/* A listener matched on port. */
void prom_hists_listen(struct prom_hists *h, uint16_t port);
/* Empties h, touching only what was used (a namespace's, before the next one's). */
void prom_hists_reset(struct prom_hists *h);

/* The two families' names, HELP texts. */
extern const char prom_rtt_name[], prom_rtt_help[], prom_retr_name[], prom_retr_help[];

/*
 * The series of one family, RTT (rtt) or retransmissions, without HELP or
 * TYPE: the top listening ports by connections (lower port first among
 * equals), then port="other", always there; each series' labels start
 * with netns="..." when netns is not NULL. Returns 0, or -1 when memory
 * ran out.
 */
int prom_hists_put(struct line *l, bool rtt, const struct prom_hists *h, unsigned top,
		   const char *netns);

#endif
