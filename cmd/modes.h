/*
 * modes.h - what tcpstat does once the options are read: one listing,
 * the listing again and again (-w), until nothing matches (--wait-clear),
 * or the changes as they happen (-E). Each mode reads the options, runs
 * dump/ or events/, and hands what comes out to out/; none prints errors
 * or picks the exit status: main does.
 */
#ifndef TCPSTAT_CMD_MODES_H
#define TCPSTAT_CMD_MODES_H

#include <signal.h>
#include <stdio.h>

#include "options.h"
#include "source.h"

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

#endif
