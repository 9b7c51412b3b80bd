/*
 * modes.h - what tcpstat does once the options are read: one listing,
 * the listing again and again (-w), until nothing matches (--wait-clear),
 * the changes as they happen (-E), or why a bind or a connect would fail
 * (--bind-check, --connect-check). Each mode reads the options, runs
 * dump/ or events/ (and explain/), and hands what comes out to out/; none
 * prints errors or picks the exit status: main does.
 */
#ifndef TCPSTAT_CMD_MODES_H
#define TCPSTAT_CMD_MODES_H

#include <signal.h>
#include <stdio.h>

#include "options.h"
#include "source.h"
#include "vec.h"

/*
 * Rows kept in memory (--sort, -K): copies of the records and of their
 * owners, as many as matched (sizeof(struct tcpstat_sock) each, plus the
 * owners).
 */
struct rows {
	struct vec socks;     /* struct tcpstat_sock */
	struct vec owners;    /* struct tcpstat_owner, every row's in a row */
	struct vec spans;     /* which owners are whose */
	size_t *order;        /* after rows_sort: the rows' order; NULL: as kept */
	bool out_of_memory;
};

void rows_init(struct rows *r);
void rows_free(struct rows *r);

/* A dump_emit_fn: keeps a copy of s and its owners. Returns 1 when memory ran out. */
int rows_keep(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg);

size_t rows_count(const struct rows *r);

/*
 * The i-th row (in sorted order, after rows_sort) into row, its owners in
 * *owners (valid while r is not changed).
 */
void rows_get(const struct rows *r, size_t i, struct out_row *row, struct tcpstat_owners *owners);

/* Orders the rows by sort's keys, stable. Returns 0, or -ENOMEM. */
int rows_sort(struct rows *r, const struct opts_sort *sort);

/* What a listing found. */
struct list_result {
	struct out_summary counts;      /* matching sockets: by state, and in all */
	uint32_t timewait_left_ms;      /* the longest TIME_WAIT timer among them */
	struct dump_result dump;        /* the backend that answered, any fallback */
};

/*
 * Lists (counts, summarises) the sockets o asks for on f, as o->report
 * says. Returns 0 with res filled, or a negative errno with err filled; on
 * error nothing has been written unless it came after the first row (a
 * backend failing part way), or a write failed ("write error").
 */
int list_run(const struct tcpstat_opts *o, FILE *f, struct list_result *res,
	     struct tcpstat_error *err);

/*
 * As list_run, into o->metrics_file, replaced atomically: the file is
 * untouched unless the whole listing was written. Returns as list_run.
 */
int list_run_file(const struct tcpstat_opts *o, struct list_result *res,
		  struct tcpstat_error *err);

/* As list_run, writing nothing: only res. */
int list_count(const struct tcpstat_opts *o, struct list_result *res,
	       struct tcpstat_error *err);

/*
 * -w: the listing every o->watch_ms until *stop; argv is shown in the
 * title on a terminal. Returns 0, or a negative errno with err filled.
 */
int watch_run(const struct tcpstat_opts *o, int argc, char **argv,
	      const volatile sig_atomic_t *stop, struct tcpstat_error *err);

/*
 * --wait-clear: polls until nothing matches (returns 0), the timeout
 * passes or *stop is set (returns 1); a negative errno with err filled on
 * error.
 */
int watch_wait_clear(const struct tcpstat_opts *o, const volatile sig_atomic_t *stop,
		     struct tcpstat_error *err);

/* Which source -E used, and why not the kernel's tracepoint when auto fell back. */
struct events_choice {
	const struct events_source *src;
	bool fell_back;
	struct tcpstat_error fallback;
};

/*
 * -E: one line (or object) per change to f until *stop. Returns 0, or a
 * negative errno with err filled; choice says which source ran (and why),
 * st what it could hear.
 */
int events_mode_run(const struct tcpstat_opts *o, FILE *f, const volatile sig_atomic_t *stop,
		    struct events_choice *choice, struct events_status *st,
		    struct tcpstat_error *err);

/* What -K did. */
struct kill_result {
	unsigned long matched;          /* sockets the selection matched */
	unsigned long ended;            /* ... and ended (-K --dry-run: 0) */
	unsigned long failed;           /* ... that could not be ended */
	struct dump_result dump;
};

/*
 * -K: ends every socket o selects, printing each one ended (or, with
 * --dry-run, each that would be) on f in the listing's format, and on
 * errf a line for each that could not be ended. Returns 0 with res
 * filled, or a negative errno with err filled: the dump failed, or the
 * kernel refuses to end any socket (-EPERM: no CAP_NET_ADMIN; -EOPNOTSUPP:
 * no CONFIG_INET_DIAG_DESTROY).
 */
int kill_run(const struct tcpstat_opts *o, FILE *f, FILE *errf, struct kill_result *res,
	     struct tcpstat_error *err);

/* What --bind-check or --connect-check found. */
struct check_result {
	bool ok;                  /* a plain bind, or a connect, would succeed now */
	struct dump_result dump;  /* the backend that answered, any fallback */
};

/*
 * --bind-check: the four trial binds of o->target, the sockets in the way
 * and explain/'s judgement, as a report or one JSON object on f (nothing
 * with -q). Returns 0 with res filled, or a negative errno with err
 * filled; on error nothing has been written unless the report outgrew
 * out/'s batch (tens of thousands of blockers).
 */
int bindcheck_run(const struct tcpstat_opts *o, FILE *f, struct check_result *res,
		  struct tcpstat_error *err);

/*
 * --bind-check with --wait-clear: tries the binds every o->interval_ms
 * until a plain one succeeds (returns 0), the timeout passes or *stop is
 * set (returns 1); a negative errno with err filled on error. Writes
 * nothing to stdout; on a terminal, stderr says what it waits for.
 */
int bindcheck_wait_clear(const struct tcpstat_opts *o, const volatile sig_atomic_t *stop,
			 struct check_result *res, struct tcpstat_error *err);

/*
 * --connect-check: the ephemeral port budget towards o->target, as a
 * report or one JSON object on f (nothing with -q). Returns as
 * bindcheck_run does.
 */
int connectcheck_run(const struct tcpstat_opts *o, FILE *f, struct check_result *res,
		     struct tcpstat_error *err);

#endif
