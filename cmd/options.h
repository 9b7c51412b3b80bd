/*
 * options.h - the command line, parsed into one struct that the rest reads.
 * One table (options.c) defines every option: getopt's tables, --help and
 * the checks of what cannot go together are made from it.
 */
#ifndef TCPSTAT_OPTIONS_H
#define TCPSTAT_OPTIONS_H

#include <stdio.h>

#include "dump.h"
#include "explain.h"
#include "filter.h"
#include "lists.h"
#include "out.h"
#include "tcpstat.h"

enum opts_action {
	OPTS_LIST,      /* run the mode */
	OPTS_HELP,
	OPTS_VERSION,
	OPTS_COLUMNS_HELP,  /* -O help */
};

enum opts_mode {
	OPTS_MODE_LIST,        /* one listing */
	OPTS_MODE_WATCH,       /* -w: the listing again every interval */
	OPTS_MODE_EVENTS,      /* -E: state transitions */
	OPTS_MODE_WAIT_CLEAR,  /* --wait-clear: until nothing matches */
	OPTS_MODE_KILL,        /* -K: end the matching sockets */
	OPTS_MODE_BIND_CHECK,     /* --bind-check: can this port be bound now? */
	OPTS_MODE_CONNECT_CHECK,  /* --connect-check: local ports left towards a destination */
};

/* --sort's keys, in order: field ids (out/fields.h), each ascending or not. */
struct opts_sort {
	unsigned n;
	uint8_t key[OUT_MAX_COLUMNS];
	bool descending[OUT_MAX_COLUMNS];
};

/* Where -E's events come from (--events-source). */
enum opts_events_source {
	OPTS_EVENTS_AUTO,      /* bpf when it loads, else poll */
	OPTS_EVENTS_BPF,
	OPTS_EVENTS_POLL,
};

/* What a listing reports. */
enum opts_report {
	OPTS_REPORT_ROWS,      /* a row per socket */
	OPTS_REPORT_COUNT,     /* -c */
	OPTS_REPORT_SUMMARY,   /* -S */
	OPTS_REPORT_NONE,      /* -q: the exit status only */
};

struct tcpstat_opts {
	enum opts_action action;
	enum opts_mode mode;
	enum opts_report report;
	uint32_t watch_ms;     /* -w's period */
	uint32_t interval_ms;  /* --interval: -E and --wait-clear's polling period */
	uint32_t timeout_ms;   /* --wait-clear=TIMEOUT; 0: none */
	struct filter_lists lists;   /* the selection options as given */
	struct filter filter;        /* ... as the tree every record is judged by */
	struct out_config out;
	struct dump_request dump;    /* its filter points at the one above */
	enum opts_events_source events_source;   /* --events-source */
	bool verbose;   /* -v */
	struct opts_sort sort;       /* --sort; n 0: the kernel's order */
	unsigned long top;           /* --top: at most this many rows; 0: all */
	bool dry_run;                /* -K --dry-run: print, end nothing */
	const char *metrics_file;    /* --metrics-file (argv's); NULL: stdout */
	struct explain_target target;  /* --bind-check's or --connect-check's */
	bool wait_clear;               /* --bind-check with --wait-clear */
	const char *filter_file;     /* -F: a filter expression's file, borrowed from argv */
	bool expression;             /* a filter expression was given (words or -F) */
};

/* The largest -F file read. */
#define FILTER_FILE_MAX 65536

/*
 * Fills o from argv: the options, then the words left as a filter
 * expression (filter/parse.h), ANDed with them. Returns 0, or a negative errno with err->msg naming
 * the bad value (for main to print after "tcpstat: "). Never prints. o
 * must not be copied afterwards (o->dump points into it).
 */
int opts_parse(int argc, char **argv, struct tcpstat_opts *o, struct tcpstat_error *err);

/*
 * Parses a port "9999" or range "9000-9999" (1-65535). Returns 0, or
 * -EINVAL with err->msg set.
 */
int opts_parse_ports(const char *arg, struct tcpstat_port_range *out,
		     struct tcpstat_error *err);

/*
 * Adds the states of a comma list of names and groups to *mask. Returns 0,
 * or -EINVAL with err->msg naming the unknown name.
 */
int opts_parse_states(const char *arg, uint32_t *mask, struct tcpstat_error *err);

/*
 * Parses "ADDR" or "ADDR/PREFIX", IPv4 or IPv6 ("[::1]" too); an address
 * alone is a full-length prefix. Returns 0, or -EINVAL with err->msg set.
 */
int opts_parse_prefix(const char *arg, struct tcpstat_prefix *out,
		      struct tcpstat_error *err);

/* Prints --help to f. */
void opts_usage(FILE *f);

#endif
