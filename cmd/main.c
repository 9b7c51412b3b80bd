/*
 * main.c - tcpstat: what is on this port, and in what state. The only
 * place that prints errors and decides the exit status (as grep: 0 found,
 * 1 not found, 2 error).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "run.h"

enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

static void print_error(const struct tcpstat_error *err)
{
	if (err->errnum)
		fprintf(stderr, "tcpstat: %s: %s\n", err->msg, strerror(err->errnum));
	else
		fprintf(stderr, "tcpstat: %s\n", err->msg);
}

int main(int argc, char **argv)
{
	static char out_buf[1 << 16];
	struct tcpstat_opts opts;
	struct tcpstat_error err = { 0 };
	struct run_result res;

	if (opts_parse(argc, argv, &opts, &err) < 0) {
		fprintf(stderr, "tcpstat: %s; see 'tcpstat --help'\n", err.msg);
		return EXIT_TROUBLE;
	}
	if (opts.action == OPTS_HELP) {
		opts_usage(stdout);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	}
	if (opts.action == OPTS_COLUMNS_HELP) {
		print_columns_help(stdout);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	}
	if (opts.action == OPTS_VERSION) {
		puts("tcpstat " TCPSTAT_VERSION);
		return fflush(stdout) == 0 ? EXIT_MATCH : EXIT_TROUBLE;
	}
	/* Fewer, larger writes when the rows go to a pipe or a file. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));

	int rc = run_list(&opts, stdout, &res, &err);

	if (opts.verbose && res.fell_back) {
		fprintf(stderr, "tcpstat: netlink unavailable (%s: %s); using /proc\n",
			res.fallback.msg, strerror(res.fallback.errnum));
	}
	if (rc < 0) {
		print_error(&err);
		return EXIT_TROUBLE;
	}
	if (opts.verbose)
		fprintf(stderr, "tcpstat: backend %s, %lu matching sockets\n", res.backend,
			res.matched);
	return res.matched > 0 ? EXIT_MATCH : EXIT_NO_MATCH;
}
