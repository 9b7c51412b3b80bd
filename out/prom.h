/*
 * prom.h - the Prometheus text exposition format (prom.c), as
 * node_exporter's textfile collector reads it. Only what its tests need
 * beyond struct out_format is declared here.
 */
#ifndef TCPSTAT_OUT_PROM_H
#define TCPSTAT_OUT_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "line.h"

/* The most --metrics-top may ask for: each port is a series of its own. */
#define PROM_TOP_MAX 1000
#define PROM_DEFAULT_TOP 10
/* Listening addr:port pairs kept apart; the rest are summed as "other". */
#define PROM_MAX_LISTENERS 1024

/*
 * Puts s (n bytes) as a label value, quoted, with backslash, double quote
 * and newline escaped as the exposition format asks.
 */
void prom_label_value(struct line *l, const char *s, size_t n);

/* name="value" after a '{' (first) or a ','. */
void prom_put_label(struct line *l, const char *name, const char *value, bool first);

/* With netns: '{' and netns="..." (so the next label is not first); returns whether. */
bool prom_put_netns(struct line *l, const char *netns);

/* " " v / 10^digits with that many decimals (digits >= 1), "\n": 59448, 3 -> " 59.448". */
void prom_put_fixed(struct line *l, uint64_t v, unsigned digits);

#endif
