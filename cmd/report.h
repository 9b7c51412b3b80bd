/*
 * report.h - the pieces --bind-check's and --connect-check's reports share:
 * text wrapped to a terminal's width, seconds written from milliseconds,
 * JSON keys with their values (out_json_key writes a bare key), all into
 * an out/ line.
 */
#ifndef TCPSTAT_CMD_REPORT_H
#define TCPSTAT_CMD_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "line.h"

/* Where the explanation's lines are cut, at a space. */
#define REPORT_WIDTH 79

/* text, cut at spaces into lines of at most width columns, each ending in a newline. */
void report_wrapped(struct line *l, const char *text, unsigned width);

/* ms as seconds with one decimal, "41.3" (cut, not rounded, as -o's timers and --wait-clear). */
void report_seconds1(struct line *l, uint32_t ms);

/* ms as seconds with three decimals, "41.297", for JSON. */
void report_seconds3(struct line *l, uint32_t ms);

/* ,"key":"value" with value escaped. */
void report_string(struct line *l, const char *key, const char *value, bool first);

/* ,"key":N */
void report_u64(struct line *l, const char *key, uint64_t value, bool first);

/* ,"key":true or false */
void report_bool(struct line *l, const char *key, bool value, bool first);

#endif
