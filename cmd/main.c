/*
 * main.c - tcpstat: what is on this port, and in what state. The only
 * place that prints errors and decides the exit status (as grep: 0 found,
 * 1 not found, 2 error).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "modes.h"
#include "options.h"
#include "stdfds.h"

enum { EXIT_MATCH = 0, EXIT_NO_MATCH = 1, EXIT_TROUBLE = 2 };

static int print_error(const struct tcpstat_error *err)
{
	if (err->errnum)
		fprintf(stderr, "tcpstat: %s: %s\n", err->msg, strerror(err->errnum));
	else
		fprintf(stderr, "tcpstat: %s\n", err->msg);
	return EXIT_TROUBLE;
}

static void say_fallback(const struct dump_result *res, unsigned want)
{
	if (!res->fell_back)
		return;
	fprintf(stderr, "tcpstat: netlink unavailable (%s: %s); using /proc\n",
		res->fallback.msg, strerror(res->fallback.errnum));
	if (want)
		fprintf(stderr, "tcpstat: /proc has no tcp_info or socket memory: those cells "
			"are empty\n");
}

/* -v: how each network namespace was read. */
static void say_netns(const struct netns_entry *ns, enum dump_netns_step step,
		      const struct tcpstat_error *why, void *arg)
{
	(void)arg;
	switch (step) {
	case DUMP_NETNS_BEGIN:
		return;
	case DUMP_NETNS_NETLINK:
		fprintf(stderr, "tcpstat: netns %s (%llu): netlink%s\n", ns->label,
			(unsigned long long)ns->ino, ns->own ? "" : ", socket made inside it (setns)");
		return;
	case DUMP_NETNS_PROC:
		if (ns->own)
			fprintf(stderr, "tcpstat: netns %s (%llu): /proc/net", ns->label,
				(unsigned long long)ns->ino);
		else
			fprintf(stderr, "tcpstat: netns %s (%llu): /proc/%u/net", ns->label,
				(unsigned long long)ns->ino, ns->pid);
		if (why)
			fprintf(stderr, " (%s: %s)", why->msg, strerror(why->errnum));
		fputc('\n', stderr);
		return;
	case DUMP_NETNS_GONE:
		fprintf(stderr, "tcpstat: netns %s (%llu): gone while listed, skipped\n",
			ns->label, (unsigned long long)ns->ino);
		return;
	}
}

/*
 * Owners that could not be read: said once. With --pid or --program a
 * listing that found nothing cannot tell "none" from "none visible", so
 * it is trouble (exit 2), not "no match" (exit 1).
 */
static bool say_hidden_owners(const struct tcpstat_opts *opts, const struct list_result *res)
{
	unsigned long n = res->dump.owners_hidden;

	if (n == 0)
		return false;
	fprintf(stderr, "tcpstat: owners of %lu socket%s not visible without privileges "
		"(try sudo)\n", n, n == 1 ? "" : "s");
	return res->counts.total == 0 && (opts->lists.n_pid > 0 || opts->lists.n_program > 0);
}

/*
 * -v: where the owners came from, and why not from eBPF (the reason
 * already begins "eBPF owners: ", as it does when bpf was forced).
 */
static void say_owners(const struct dump_result *res)
{
	if (!res->owners_from)
		return;
	if (strcmp(res->owners_from, "bpf") == 0)
		fprintf(stderr, "tcpstat: owners from bpf (one pass of the task-file iterator)\n");
	else if (res->owners_fell_back)
		fprintf(stderr, "tcpstat: %s: %s; owners from /proc/PID/fd\n",
			res->owners_why.msg, strerror(res->owners_why.errnum));
	else
		fprintf(stderr, "tcpstat: owners from /proc/PID/fd\n");
}

/* -v: a --program name longer than the kernel keeps is compared by its start. */
static void say_long_programs(const struct filter_lists *l)
{
	char shown[256], head[4 * TCPSTAT_COMM_MAX];
	char raw[TCPSTAT_COMM_MAX];

	for (unsigned i = 0; i < l->n_program; i++) {
		if (strlen(l->program[i]) < TCPSTAT_COMM_MAX)
			continue;
		memcpy(raw, l->program[i], sizeof(raw) - 1);
		raw[sizeof(raw) - 1] = '\0';
		fprintf(stderr, "tcpstat: --program '%s': only its first %d bytes, '%s', are "
			"compared (the kernel keeps no more of a process name)\n",
			esc_text(shown, sizeof(shown), l->program[i]), TCPSTAT_COMM_MAX - 1,
			esc_text(head, sizeof(head), raw));
	}
}

/*
 * /proc gives no interface: a %IF filter there matches nothing, which is
 * said (always: it explains an empty answer), as ss users expect %IF to work.
 */
static void say_no_scope(const struct tcpstat_opts *opts, const struct dump_result *res)
{
	if (res->backend && strcmp(res->backend, "proc") == 0 &&
	    filter_needs_ifindex(&opts->filter))
		fprintf(stderr, "tcpstat: /proc has no interface scope: an address's %%IF "
			"matches no socket (netlink reports it)\n");
}

static int list(const struct tcpstat_opts *opts)
{
	struct tcpstat_error err = { 0 };
	struct list_result res;
	int rc;

	if (opts->verbose)
		say_long_programs(&opts->lists);
	rc = opts->metrics_file ? list_run_file(opts, &res, &err)
	     : list_run(opts, stdout, &res, &err);
	if (opts->verbose) {
		say_fallback(&res.dump, opts->dump.want);
		say_owners(&res.dump);
	}
	if (rc < 0)
		return print_error(&err);
	say_no_scope(opts, &res.dump);
	if (opts->verbose)
		fprintf(stderr, "tcpstat: backend %s, %lu matching socket%s\n", res.dump.backend,
			res.counts.total, res.counts.total == 1 ? "" : "s");
	if (say_hidden_owners(opts, &res))
		return EXIT_TROUBLE;
	/* Metrics with nothing matching are zeros, still an answer (and no failed unit). */
	if (opts->out.kind == OUT_PROM)
		return EXIT_MATCH;
	return res.counts.total > 0 ? EXIT_MATCH : EXIT_NO_MATCH;
}

/* After -E from the kernel's tracepoint: -v's counts, and lost events always. */
static int events_bpf_said(const struct tcpstat_opts *opts, const struct events_status *st,
			   int rc, const struct tcpstat_error *err)
{
	if (opts->verbose)
		fprintf(stderr, "tcpstat: events: source bpf (tracepoint sock:inet_sock_set_state; "
			"TIME_WAIT %s), filter %s; %lu ring buffer entries, %lu changes turned "
			"away in the kernel\n", st->tw_timers ? "from its timer's tracepoints"
			: "by netlink lookups (the timer handler's address is hidden)",
			st->kernel_filter ? "in the kernel" : "in tcpstat only",
			st->sent, st->filtered);
	if (st->lost > 0)
		fprintf(stderr, "tcpstat: %lu events were lost (ring buffer full); some "
			"changes are missing\n", st->lost);
	return rc < 0 ? print_error(err) : EXIT_MATCH;
}

/* -K: 0 when one was ended (or, --dry-run, would be), 1 none matched, 2 else. */
static int kill_mode(const struct tcpstat_opts *opts)
{
	struct tcpstat_error err = { 0 };
	struct kill_result res;
	int rc = kill_run(opts, stdout, stderr, &res, &err);

	if (rc < 0)
		return print_error(&err);
	if (opts->verbose)
		fprintf(stderr, "tcpstat: %lu matching sockets, %lu ended, %lu could not be\n",
			res.matched, res.ended, res.failed);
	if (res.matched == 0)
		return EXIT_NO_MATCH;
	if (opts->dry_run || res.ended > 0)
		return EXIT_MATCH;
	return EXIT_TROUBLE;
}

static int events(const struct tcpstat_opts *opts, const volatile sig_atomic_t *stop)
{
	struct tcpstat_error err = { 0 };
	struct events_status st = { 0 };
	struct events_choice choice = { 0 };
	bool bpf;
	int rc;

	/*
	 * Fully buffered: events.c flushes after every step, so the lines of
	 * one poll go out in one write and a failed write is seen, with its
	 * errno, by that fflush (a line-buffered fwrite hides it).
	 */
	setvbuf(stdout, NULL, _IOFBF, 0);
	rc = events_mode_run(opts, stdout, stop, &choice, &st, &err);
	if (opts->verbose && choice.fell_back)
		fprintf(stderr, "tcpstat: events: no eBPF source (%s: %s); polling\n",
			choice.fallback.msg, strerror(choice.fallback.errnum));
	bpf = choice.src == &events_bpf_source;
	if (bpf)
		return events_bpf_said(opts, &st, rc, &err);
	if (opts->verbose && choice.src && !st.destroy_groups)
		fprintf(stderr, "tcpstat: no destroy reports (%s: %s): sockets that come and go "
			"between two polls are missed\n", st.why_not.msg,
			strerror(st.why_not.errnum));
	if (st.lost > 0)
		fprintf(stderr, "tcpstat: destroy reports were lost %lu times (kernel queue "
			"overflow or a read error); some events may be missing\n", st.lost);
	return rc < 0 ? print_error(&err) : EXIT_MATCH;
}

/* --bind-check and --connect-check: 0 when the bind or connect would succeed, else 1. */
static int check(const struct tcpstat_opts *opts, const volatile sig_atomic_t *stop)
{
	struct tcpstat_error err = { 0 };
	struct check_result res;
	int rc;

	if (opts->mode == OPTS_MODE_CONNECT_CHECK)
		rc = connectcheck_run(opts, stdout, &res, &err);
	else if (opts->wait_clear)
		rc = bindcheck_wait_clear(opts, stop, &res, &err);
	else
		rc = bindcheck_run(opts, stdout, &res, &err);
	if (opts->verbose)
		say_fallback(&res.dump, opts->dump.want);
	if (rc < 0)
		return print_error(&err);
	return res.ok ? EXIT_MATCH : EXIT_NO_MATCH;
}

/* --help, --version, -O help: written whole, or "write error". */
static int info(const struct tcpstat_opts *opts)
{
	struct tcpstat_error err = { 0 };

	switch (opts->action) {
	case OPTS_HELP:
		opts_usage(stdout);
		break;
	case OPTS_COLUMNS_HELP:
		out_columns_help(stdout);
		break;
	default:
		puts("tcpstat " TCPSTAT_VERSION);
		break;
	}
	if (fflush(stdout) == 0 && !ferror(stdout))
		return EXIT_MATCH;
	err_set(&err, errno ? errno : EIO, "write error");
	return print_error(&err);
}

static int run_mode(const struct tcpstat_opts *opts, int argc, char **argv)
{
	const volatile sig_atomic_t *stop = clock_catch_stop_signals();
	struct tcpstat_error err = { 0 };
	int rc;

	switch (opts->mode) {
	case OPTS_MODE_WATCH:
		rc = watch_run(opts, argc, argv, stop, &err);
		return rc < 0 ? print_error(&err) : EXIT_MATCH;
	case OPTS_MODE_EVENTS:
		return events(opts, stop);
	case OPTS_MODE_WAIT_CLEAR:
		rc = watch_wait_clear(opts, stop, &err);
		return rc < 0 ? print_error(&err) : rc;
	case OPTS_MODE_KILL:
		return kill_mode(opts);
	case OPTS_MODE_BIND_CHECK:
	case OPTS_MODE_CONNECT_CHECK:
		return check(opts, stop);
	default:
		return list(opts);
	}
}

int main(int argc, char **argv)
{
	/* static: the options hold a filter tree, too big for a small stack. */
	static struct tcpstat_opts opts;
	struct tcpstat_error err = { 0 };

	if (stdfds_ensure(&err) < 0)
		return print_error(&err);
	if (opts_parse(argc, argv, &opts, &err) < 0) {
		fprintf(stderr, "tcpstat: %s; see 'tcpstat --help'\n", err.msg);
		return EXIT_TROUBLE;
	}
	if (opts.action != OPTS_LIST)
		return info(&opts);
	/*
	 * A listing gathers its output in 64 KiB pieces itself (out/): a
	 * second buffer in stdio would only copy them once more.
	 */
	if (opts.mode == OPTS_MODE_LIST)
		setvbuf(stdout, NULL, _IONBF, 0);
	if (opts.mode == OPTS_MODE_LIST && opts.verbose)
		opts.dump.on_netns = say_netns;
	if (opts.mode == OPTS_MODE_LIST)
		return list(&opts);
	return run_mode(&opts, argc, argv);
}
