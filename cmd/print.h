/* print.h - the table, netstat's columns; every formatter writes to a buffer or a FILE. */
#ifndef TCPSTAT_PRINT_H
#define TCPSTAT_PRINT_H

#include <stdio.h>

#include "tcpstat.h"

struct print_opts {
	bool extend;   /* -e: User and Inode columns */
	bool timers;   /* -o: Timer column */
};

/* Large enough for any row or header (two IPv6 endpoints, every column). */
#define PRINT_LINE_MAX 512

/* The netstat name of a state ("TIME_WAIT"), or "?" for a number it lacks. */
const char *print_state_name(unsigned state);

/*
 * Writes "127.0.0.1:9999", "[::1]:9999" or "0.0.0.0:*" (port 0) into buf.
 * Returns the length written, without the NUL; size must be at least 64.
 */
size_t print_endpoint(char *buf, size_t size, int family, const uint8_t addr[16],
		      uint16_t port);

/*
 * Writes netstat -o's timer, "timewait (59.12/0/0)", into buf (at least 64
 * bytes). Returns the length, without the NUL.
 */
size_t print_timer(char *buf, size_t size, const struct tcpstat_sock *s);

/*
 * Formats one table row, with its '\n', into buf (PRINT_LINE_MAX bytes).
 * Returns the length, without the NUL.
 */
size_t print_format_row(char *buf, size_t size, const struct tcpstat_sock *s,
			const struct print_opts *o);

/* The header row, with its '\n', for the same columns. */
size_t print_format_header(char *buf, size_t size, const struct print_opts *o);

/* print_format_row to f. Returns 0, or -1 when the write failed. */
int print_row(FILE *f, const struct tcpstat_sock *s, const struct print_opts *o);

/* print_format_header to f. Returns 0, or -1 when the write failed. */
int print_header(FILE *f, const struct print_opts *o);

#endif
