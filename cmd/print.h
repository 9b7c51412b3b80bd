/*
 * print.h - the table (netstat's columns, or those -O chooses), JSON Lines
 * and the per-state summary. Every formatter writes to a buffer or a FILE,
 * so tests can check exact bytes.
 */
#ifndef TCPSTAT_PRINT_H
#define TCPSTAT_PRINT_H

#include <stdio.h>

#include "procs.h"
#include "tcpstat.h"

enum print_column {
	PRINT_COL_PROTO,
	PRINT_COL_RECV_Q,
	PRINT_COL_SEND_Q,
	PRINT_COL_LOCAL,
	PRINT_COL_PEER,
	PRINT_COL_LOCAL_ADDR,
	PRINT_COL_LOCAL_PORT,
	PRINT_COL_PEER_ADDR,
	PRINT_COL_PEER_PORT,
	PRINT_COL_STATE,
	PRINT_COL_UID,
	PRINT_COL_INODE,
	PRINT_COL_TIMER,
	PRINT_COL_PROCESS,
	PRINT_COL_COUNT,
};

#define PRINT_MAX_COLUMNS 32

struct print_opts {
	bool extend;          /* -e: User and Inode columns */
	bool timers;          /* -o: Timer column */
	bool processes;       /* -P: PID/Program name column */
	bool plain;           /* -O with -H: one space between fields, no padding */
	unsigned n_columns;   /* -O: this many columns; 0: netstat's set */
	uint8_t columns[PRINT_MAX_COLUMNS];
};

/* Large enough for any row or header of the table. */
#define PRINT_LINE_MAX 512

/* The processes holding one socket, when they were looked up (-P). */
struct print_owners {
	const struct procs_owner *list;   /* sorted by pid */
	size_t n;
};

/* The netstat name of a state ("TIME_WAIT"), or "?" for a number it lacks. */
const char *print_state_name(unsigned state);

/* The column named name (len bytes) as -O spells it, or -1. */
int print_column_by_name(const char *name, size_t len);

/* Lists -O's column names with what they hold, to f. */
void print_columns_help(FILE *f);

/* Writes the address alone, "::1" or "127.0.0.1", into buf (at least 64 bytes). */
size_t print_addr(char *buf, size_t size, int family, const uint8_t addr[16]);

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

/*
 * print_row with the socket's owners for the PID/Program name column
 * ("812/nginx,813/nginx", "-" for none; owners NULL: not looked up).
 */
int print_row_owned(FILE *f, const struct tcpstat_sock *s, const struct print_opts *o,
		    const struct print_owners *owners);

/* print_format_header to f. Returns 0, or -1 when the write failed. */
int print_header(FILE *f, const struct print_opts *o);

/*
 * Formats s as one JSON object and '\n' (JSON Lines) into buf. Keys, in
 * this order: proto, state, local_addr, local_port, peer_addr, peer_port,
 * recv_q, send_q, timer, timer_ms, retrans, probes, uid, inode. Returns
 * the length, without the NUL.
 */
size_t print_format_json(char *buf, size_t size, const struct tcpstat_sock *s);

/*
 * print_format_json to f; with owners (not NULL), two more keys: "pids"
 * and "programs", arrays in pid order. Returns 0, or -1 when the write
 * failed.
 */
int print_json(FILE *f, const struct tcpstat_sock *s, const struct print_owners *owners);

/*
 * The per-state summary of -S: counts[state] for states 1-11, then the
 * total (which also counts sockets in states tcpstat has no name for).
 * As text, one "STATE COUNT" line each, or as one JSON object.
 * Returns 0, or -1 when the write failed.
 */
int print_summary(FILE *f, const unsigned long counts[TCPSTAT_STATE_MAX + 1],
		  unsigned long total, bool json);

#endif
