/* options.h - the command line, parsed into one struct that the rest reads. */
#ifndef TCPSTAT_OPTIONS_H
#define TCPSTAT_OPTIONS_H

#include <stdio.h>

#include "tcpstat.h"
#include "print.h"

enum opts_backend {
	OPTS_BACKEND_AUTO,
	OPTS_BACKEND_NETLINK,
	OPTS_BACKEND_PROC,
};

enum opts_action {
	OPTS_LIST,      /* list (or count) the matching sockets */
	OPTS_HELP,
	OPTS_VERSION,
	OPTS_COLUMNS_HELP,  /* -O help */
};

enum opts_mode {
	OPTS_MODE_LIST,        /* one listing */
	OPTS_MODE_WATCH,       /* -w: the listing again every interval */
	OPTS_MODE_EVENTS,      /* -E: state transitions */
	OPTS_MODE_WAIT_CLEAR,  /* --wait-clear: until nothing matches */
};

struct tcpstat_opts {
	enum opts_action action;
	enum opts_mode mode;
	uint32_t watch_ms;     /* -w's period */
	uint32_t interval_ms;  /* --interval: -E and --wait-clear's polling period */
	uint32_t timeout_ms;   /* --wait-clear=TIMEOUT; 0: none */
	struct tcpstat_query query;
	struct print_opts print;
	enum opts_backend backend;
	bool header;    /* false with -H */
	bool count;     /* -c */
	bool json;      /* -j */
	bool summary;   /* -S */
	bool quiet;     /* -q */
	bool verbose;   /* -v */
	bool owners;    /* look up the processes holding each socket (-P, --pid ...) */
	bool show_owners;   /* print them (-P, -O process): every holder, not only --pid's */
	unsigned n_pids, n_programs;
	uint32_t pids[TCPSTAT_MAX_FILTERS];               /* --pid */
	const char *programs[TCPSTAT_MAX_FILTERS];        /* --program, in argv */
};

/*
 * Fills o from argv. Returns 0, or -1 with err->msg naming the bad value
 * (for main to print after "tcpstat: "). Never prints.
 */
int opts_parse(int argc, char **argv, struct tcpstat_opts *o, struct tcpstat_error *err);

/*
 * Parses a port "9999" or range "9000-9999" (1-65535). Returns 0, or -1
 * with err->msg set.
 */
int opts_parse_ports(const char *arg, struct tcpstat_port_range *out,
		     struct tcpstat_error *err);

/*
 * Adds the states of a comma list of names and groups to *mask. Returns 0,
 * or -1 with err->msg naming the unknown name.
 */
int opts_parse_states(const char *arg, uint32_t *mask, struct tcpstat_error *err);

/*
 * Parses "ADDR" or "ADDR/PREFIX", IPv4 or IPv6 ("[::1]" too); an address
 * alone is a full-length prefix. Returns 0, or -1 with err->msg set.
 */
int opts_parse_prefix(const char *arg, struct tcpstat_prefix *out,
		      struct tcpstat_error *err);

/*
 * Sets o's columns from a comma list of -O names. Returns 0, or -1 with
 * err->msg naming the unknown column.
 */
int opts_parse_columns(const char *arg, struct print_opts *o, struct tcpstat_error *err);

/* Prints --help to f. */
void opts_usage(FILE *f);

#endif
