/*
 * main.c - tcpstat: what is on this port, and in what state. The only
 * place that prints errors and decides the exit status (as grep: 0 found,
 * 1 not found, 2 error).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "options.h"
#include "run.h"
#include "watch.h"

enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

static int print_error(const struct tcpstat_error *err)
{
	if (err->errnum)
		fprintf(stderr, "tcpstat: %s: %s\n", err->msg, strerror(err->errnum));
	else
		fprintf(stderr, "tcpstat: %s\n", err->msg);
	return EXIT_TROUBLE;
}

static int list(const struct tcpstat_opts *opts)
{
	struct tcpstat_error err = { 0 };
	struct run_result res;
	int rc = run_list(opts, stdout, &res, &err);

	if (opts->verbose && res.fell_back)
		fprintf(stderr, "tcpstat: netlink unavailable (%s: %s); using /proc\n",
			res.fallback.msg, strerror(res.fallback.errnum));
	if (rc < 0)
		return print_error(&err);
	if (opts->verbose)
		fprintf(stderr, "tcpstat: backend %s, %lu matching sockets\n", res.backend,
			res.matched);
	return res.matched > 0 ? EXIT_MATCH : EXIT_NO_MATCH;
}

static int events(const struct tcpstat_opts *opts)
{
	struct tcpstat_error err = { 0 };
	struct events_result res;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = events_run(opts, stdout, &res, &err);
	if (opts->verbose && !res.destroy_groups)
		fprintf(stderr, "tcpstat: no destroy reports (%s: %s): sockets that come and go "
			"between two polls are missed\n", res.why_not.msg,
			strerror(res.why_not.errnum));
	if (res.lost > 0)
		fprintf(stderr, "tcpstat: destroy reports were lost %lu times (kernel queue "
			"overflow or a read error); some events may be missing\n", res.lost);
	return rc < 0 ? print_error(&err) : EXIT_MATCH;
}

int main(int argc, char **argv)
{
	static char out_buf[1 << 16];
	struct tcpstat_opts opts;
	struct tcpstat_error err = { 0 };
	int rc;

	if (opts_parse(argc, argv, &opts, &err) < 0) {
		fprintf(stderr, "tcpstat: %s; see 'tcpstat --help'\n", err.msg);
		return EXIT_TROUBLE;
	}
	switch (opts.action) {
	case OPTS_HELP:
		opts_usage(stdout);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	case OPTS_COLUMNS_HELP:
		print_columns_help(stdout);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	case OPTS_VERSION:
		puts("tcpstat " TCPSTAT_VERSION);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	case OPTS_LIST:
		break;
	}
	/* Fewer, larger writes when the rows go to a pipe or a file. */
	if (!isatty(STDOUT_FILENO) && opts.mode == OPTS_MODE_LIST)
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
	if (opts.mode != OPTS_MODE_LIST)
		watch_catch_signals();
	switch (opts.mode) {
	case OPTS_MODE_WATCH:
		rc = watch_run(&opts, argc, argv, &err);
		return rc < 0 ? print_error(&err) : EXIT_MATCH;
	case OPTS_MODE_EVENTS:
		return events(&opts);
	case OPTS_MODE_WAIT_CLEAR:
		rc = watch_wait_clear(&opts, &err);
		return rc < 0 ? print_error(&err) : rc;
	case OPTS_MODE_LIST:
		break;
	}
	return list(&opts);
}
