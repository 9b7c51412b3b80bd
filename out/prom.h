/*
 * prom.h - the Prometheus text exposition format (prom.c), as
 * node_exporter's textfile collector reads it. Only what its tests need
 * beyond struct out_format is declared here.
 */
#ifndef TCPSTAT_OUT_PROM_H
#define TCPSTAT_OUT_PROM_H

#include <stddef.h>

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

#endif
