/*
 * options.c - the command line. One table below defines every option; the
 * getopt tables, --help and the checks of what cannot go together are made
 * from it. Every value is checked: a bad one becomes an error naming it,
 * never a guess.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "escape.h"
#include "habits.h"
#include "netlink.h"
#include "numparse.h"
#include "options.h"
#include "prom.h"
#include "parse.h"
#include "states.h"

/* Every option, short ones by their letter, long-only ones past every char. */
enum opt_id {
	OPT_PORT = 'p', OPT_STATE = 's', OPT_LISTENING = 'l', OPT_IPV4 = '4', OPT_IPV6 = '6',
	OPT_TIMERS = 'o', OPT_EXTEND = 'e', OPT_NO_HEADER = 'H', OPT_COUNT = 'c',
	OPT_JSON = 'j', OPT_COLUMNS = 'O', OPT_SUMMARY = 'S', OPT_PROCESSES = 'P',
	OPT_WATCH = 'w', OPT_EVENTS = 'E', OPT_QUIET = 'q', OPT_BACKEND = 'B',
	OPT_VERBOSE = 'v', OPT_HELP = 'h', OPT_VERSION = 'V', OPT_NETNS = 'N',
	OPT_INFO = 'i', OPT_MEMORY = 'm', OPT_KILL = 'K',
	OPT_FILTER_FILE = 'F',
	OPT_TCP = 't', OPT_ALL_STATES = 'a', OPT_NUMERIC = 'n',   /* netstat's letters */
	OPT_SPORT = 256,
	OPT_DPORT,
	OPT_SRC,
	OPT_DST,
	OPT_PID,
	OPT_PROGRAM,
	OPT_INTERVAL,
	OPT_WAIT_CLEAR,
	OPT_EVENTS_SOURCE,
	OPT_NETNS_PID,
	OPT_ALL_NETNS,
	OPT_SORT,
	OPT_TOP,
	OPT_DRY_RUN,
	OPT_ALL,
	OPT_METRICS,
	OPT_METRICS_FILE,
	OPT_METRICS_TOP,
	OPT_BIND_CHECK,
	OPT_CONNECT_CHECK,
	OPT_NUMERIC_USERS,
	OPT_OWNERS_SOURCE,
};

struct opt_spec {
	const char *name;       /* the long name */
	int id;                 /* enum opt_id; a letter is also the short option */
	int has_arg;            /* no_argument, required_argument, optional_argument */
	const char *arg;        /* the value's name in --help */
	const char *section;    /* a heading printed before this option, or NULL */
	const char *help;       /* --help's text; '\n' continues the description */
};

static const struct opt_spec specs[] = {
	{ "port", OPT_PORT, required_argument, "PORTS",
	  "Selection (repeat an option to allow more values; different options combine):",
	  "local or foreign port: a comma list of ports,\n"
	  "ranges (9000-9999) and service names (ssh);\n"
	  "ss's :9999 too. In a cluster of netstat's letters\n"
	  "(-tanp) a last p followed by no port means -P" },
	{ "sport", OPT_SPORT, required_argument, "PORTS", NULL, "local port only" },
	{ "dport", OPT_DPORT, required_argument, "PORTS", NULL, "foreign port only" },
	{ "state", OPT_STATE, required_argument, "LIST", NULL,
	  "comma list of states: ESTABLISHED SYN_SENT SYN_RECV\n"
	  "FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT\n"
	  "LAST_ACK LISTEN CLOSING (any case; ss spellings\n"
	  "such as time-wait work too) or groups: all,\n"
	  "connected (all but LISTEN, CLOSE), synchronized\n"
	  "(connected but SYN_SENT), bucket (SYN_RECV,\n"
	  "TIME_WAIT), big (all but bucket)" },
	{ "listening", OPT_LISTENING, no_argument, NULL, NULL, "same as -s LISTEN" },
	{ "all-states", OPT_ALL_STATES, no_argument, NULL, NULL,
	  "every state (the default; netstat's -a; not\n"
	  "--all, which is -K's)" },
	{ "tcp", OPT_TCP, no_argument, NULL, NULL, "TCP (always; netstat's and ss's -t)" },
	{ "ipv4", OPT_IPV4, no_argument, NULL, NULL, "IPv4 sockets only" },
	{ "ipv6", OPT_IPV6, no_argument, NULL, NULL,
	  "IPv6 sockets only (IPv4-mapped peers included)" },
	{ "src", OPT_SRC, required_argument, "ADDR[/PREFIX]", NULL,
	  "local address in this address or network;\n"
	  "ADDR%IF: on that interface (netlink only);\n"
	  "ADDR:PORT, [ADDR6]:PORT: and on that port" },
	{ "dst", OPT_DST, required_argument, "ADDR[/PREFIX]", NULL,
	  "foreign address, as --src" },
	{ "pid", OPT_PID, required_argument, "PID", NULL, "held by this process" },
	{ "program", OPT_PROGRAM, required_argument, "NAME", NULL,
	  "held by a process of this name (comm: its first\n"
	  "15 bytes compared; -v says so for longer names)" },
	{ "filter-file", OPT_FILTER_FILE, required_argument, "FILE", NULL,
	  "also require the filter EXPRESSION in FILE (ss's\n"
	  "language; lines starting with # are comments)" },
	{ "processes", OPT_PROCESSES, no_argument, NULL, "Output:",
	  "add the PID/Program name column (- for none or\n"
	  "not visible); owners from eBPF are read before\n"
	  "the dump (32 B per TCP socket fd), from /proc\n"
	  "after it (it, --pid and --program then keep the\n"
	  "matching sockets in memory);\n"
	  "with -E, each socket's owner carried into its\n"
	  "later events (TIME_WAIT too), last on the line" },
	{ "timers", OPT_TIMERS, no_argument, NULL, NULL,
	  "add netstat's Timer column: kind (remaining\n"
	  "seconds/retransmits/probes)" },
	{ "extend", OPT_EXTEND, no_argument, NULL, NULL,
	  "add the User (name; uid with -n) and Inode columns" },
	{ "numeric", OPT_NUMERIC, no_argument, NULL, NULL,
	  "uids, not user names (addresses and ports are\n"
	  "always numeric)" },
	{ "numeric-users", OPT_NUMERIC_USERS, no_argument, NULL, NULL, "same as -n" },
	{ "no-header", OPT_NO_HEADER, no_argument, NULL, NULL, "no header line" },
	{ "columns", OPT_COLUMNS, required_argument, "LIST", NULL,
	  "these columns, in this order (-O help lists them);\n"
	  "with -H, fields separated by one space" },
	{ "json", OPT_JSON, no_argument, NULL, NULL,
	  "one JSON object per socket, one per line (keys:\n"
	  "proto state local_addr local_port peer_addr\n"
	  "peer_port recv_q send_q timer timer_ms retrans\n"
	  "probes uid inode user; with -P pids programs;\n"
	  "ifindex interface when bound to an interface)" },
	{ "info", OPT_INFO, no_argument, NULL, NULL,
	  "add the kernel's tcp_info: RTT-us Cwnd MSS Retrans\n"
	  "Bytes-Acked Bytes-Recv Cong (every field is an -O\n"
	  "column; -j: an \"info\" object); netlink only" },
	{ "memory", OPT_MEMORY, no_argument, NULL, NULL,
	  "add the socket's memory (skmeminfo) columns; -j:\n"
	  "a \"memory\" object; netlink only" },
	{ "sort", OPT_SORT, required_argument, "KEY[,KEY]", NULL,
	  "order rows by these columns (-O names; -KEY for\n"
	  "descending), numbers as numbers, ties kept in the\n"
	  "kernel's order; keeps every matching socket in\n"
	  "memory until the last one is in" },
	{ "top", OPT_TOP, required_argument, "N", NULL, "print only the first N rows" },
	{ "summary", OPT_SUMMARY, no_argument, NULL, NULL,
	  "one line per state with its count, and the total\n"
	  "(with -j: one JSON object)" },
	{ "count", OPT_COUNT, no_argument, NULL, NULL,
	  "print only the number of matching sockets\n"
	  "(with -j: {\"count\":N})" },
	{ "quiet", OPT_QUIET, no_argument, NULL, NULL, "print nothing; the exit status tells" },
	{ "metrics", OPT_METRICS, no_argument, NULL, "Metrics:",
	  "Prometheus text exposition of the matching\n"
	  "sockets (node_exporter's textfile collector):\n"
	  "counts by family and state, listen queues,\n"
	  "TIME_WAIT by port (with -i, RTT and retransmission\n"
	  "histograms by listening port); exit 0 once written" },
	{ "metrics-file", OPT_METRICS_FILE, required_argument, "PATH", NULL,
	  "--metrics into PATH, replaced atomically\n"
	  "(temporary file, fsync, rename); with -w, again\n"
	  "every SECS" },
	{ "metrics-top", OPT_METRICS_TOP, required_argument, "N", NULL,
	  "TIME_WAIT ports, and -i's listening ports, given a\n"
	  "series each (default 10, 0-1000); the rest are\n"
	  "summed as port=\"other\"" },
	{ "watch", OPT_WATCH, optional_argument, "SECS", "Watching:",
	  "list again every SECS (default 1, at least 0.1);\n"
	  "on a terminal, redrawn in place with per-state\n"
	  "counts; else timestamped blocks; Ctrl-C ends it" },
	{ "events", OPT_EVENTS, no_argument, NULL, NULL,
	  "print state changes of the matching sockets as\n"
	  "they happen: new, A -> B, gone. Polls (see\n"
	  "--interval); it also hears the kernel's reports\n"
	  "of sockets destroyed between two polls (-v says\n"
	  "when it cannot, and those are missed)" },
	{ "interval", OPT_INTERVAL, required_argument, "SECS", NULL,
	  "-E and --wait-clear poll period (default 0.1, at\n"
	  "least 0.01)" },
	{ "wait-clear", OPT_WAIT_CLEAR, optional_argument, "SECS", NULL,
	  "wait until no socket matches, then exit 0; exit\n"
	  "1 if some still do after SECS (default: no limit)\n"
	  "or on Ctrl-C" },
	{ "netns", OPT_NETNS, required_argument, "NAME|PATH", "Network namespaces:",
	  "list that namespace's sockets: a name under\n"
	  "/run/netns, or an nsfs path (/proc/PID/ns/net)" },
	{ "netns-pid", OPT_NETNS_PID, required_argument, "PID", NULL,
	  "list the sockets of the namespace PID is in" },
	{ "all-netns", OPT_ALL_NETNS, no_argument, NULL, NULL,
	  "every network namespace, tcpstat's own first,\n"
	  "with a NETNS column (-O netns); entering one\n"
	  "needs CAP_SYS_ADMIN, else /proc/PID/net is read" },
	{ "kill", OPT_KILL, no_argument, NULL, "Ending sockets:",
	  "end every matching socket (SOCK_DESTROY: root or\n"
	  "CAP_NET_ADMIN; TIME_WAIT too) and print each one\n"
	  "ended; on stderr each that could not be, and why.\n"
	  "Needs a selection, or --all. Exit 0 if one was\n"
	  "ended, 1 if none matched, 2 on error" },
	{ "dry-run", OPT_DRY_RUN, no_argument, NULL, NULL,
	  "with -K: print what would be ended, end nothing" },
	{ "all", OPT_ALL, no_argument, NULL, NULL, "with -K and no selection: end every socket" },
	{ "bind-check", OPT_BIND_CHECK, required_argument, "[ADDR:]PORT", "Explaining:",
	  "can a server bind PORT now? tries plain bind(),\n"
	  "SO_REUSEADDR, SO_REUSEPORT and both (nothing is\n"
	  "left behind), lists the sockets in the way, says\n"
	  "why and for how long; exit 0 if a plain bind\n"
	  "would succeed, else 1. ADDR defaults to 0.0.0.0;\n"
	  "IPv6 in brackets: [::]:9999, [::1]:8080. With\n"
	  "--wait-clear: wait until a plain bind succeeds" },
	{ "connect-check", OPT_CONNECT_CHECK, required_argument, "ADDR:PORT", NULL,
	  "how many local ports connect() has left towards\n"
	  "ADDR:PORT (ip_local_port_range, less reserved\n"
	  "and in-use ones; TIME_WAIT as tcp_tw_reuse says);\n"
	  "exit 0 if some remain, 1 if none" },
	{ "backend", OPT_BACKEND, required_argument, "NAME", "Backend:",
	  "auto (default: netlink, else /proc), netlink, proc" },
	{ "events-source", OPT_EVENTS_SOURCE, required_argument, "NAME", NULL,
	  "-E from: auto (default: bpf, else poll), bpf\n"
	  "(the kernel's tracepoint: every change, to the\n"
	  "microsecond; root or CAP_BPF+CAP_PERFMON), poll.\n"
	  "[pid comm] is the task running at the change\n"
	  "(task_pid), not the owner; -P: the owner is who\n"
	  "connected, listened or accepted (or held it)" },
	{ "owners-source", OPT_OWNERS_SOURCE, required_argument, "NAME", NULL,
	  "-P, --pid, --program's owners from: auto\n"
	  "(default: bpf, else proc), bpf (one pass of the\n"
	  "kernel's task-file iterator; root or\n"
	  "CAP_BPF+CAP_PERFMON), proc (/proc/PID/fd)" },
	{ "verbose", OPT_VERBOSE, no_argument, NULL, NULL,
	  "say on stderr which backend answered and why" },
	{ "help", OPT_HELP, no_argument, NULL, "", "this help" },
	{ "version", OPT_VERSION, no_argument, NULL, NULL, "the version" },
};
#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

/*
 * What cannot go together, checked in this order: a spec's bit is
 * (1 << its index), and a pair clashes when both masks have a bit set.
 */
struct clash {
	int a;                  /* an option ... */
	int b[4];               /* ... and any of these (0 ends the list) */
	const char *msg;
};

/* The checks choose the sockets they look at: no selection option goes with them. */
#define SELECTION_OPTIONS "--port, --sport, --dport, --state, --listening, --ipv4, " \
	"--ipv6, --src, --dst, --pid or --program"
#define BIND_CHECK_SELECTS "--bind-check chooses the sockets itself: it cannot go with " \
	SELECTION_OPTIONS
#define CONNECT_CHECK_SELECTS "--connect-check chooses the sockets itself: it cannot go " \
	"with " SELECTION_OPTIONS
/* A bind or a connect happens in one namespace: -N or --netns-pid picks it. */
#define CHECKS_ONE_NETNS "--bind-check and --connect-check look at one network namespace: " \
	"they cannot go with --all-netns (pick one with --netns or --netns-pid)"
#define CHECKS_NO_METRICS "--bind-check and --connect-check cannot go with --metrics, " \
	"--metrics-file or --metrics-top"
#define CONNECT_CHECK_LISTS_NONE "--connect-check lists no sockets: it cannot go with " \
	"--count, --summary, --columns, --no-header, --processes, --timers, --extend, " \
	"--info, --memory, --kill, --sort or --top"

static const struct clash clashes[] = {
	{ OPT_SUMMARY, { OPT_COLUMNS }, "--summary prints no columns: it cannot go with --columns" },
	{ OPT_SUMMARY, { OPT_COUNT }, "--summary and --count cannot be combined" },
	{ OPT_JSON, { OPT_COLUMNS }, "--json prints every key: it cannot go with --columns" },
	{ OPT_EVENTS, { OPT_COUNT }, "--events cannot go with --count" },
	{ OPT_EVENTS, { OPT_SUMMARY }, "--events cannot go with --summary" },
	{ OPT_EVENTS, { OPT_COLUMNS }, "--events cannot go with --columns" },
	{ OPT_EVENTS, { OPT_QUIET }, "--events cannot go with --quiet" },
	{ OPT_WAIT_CLEAR, { OPT_COUNT }, "--wait-clear cannot go with --count" },
	{ OPT_WAIT_CLEAR, { OPT_SUMMARY }, "--wait-clear cannot go with --summary" },
	{ OPT_WAIT_CLEAR, { OPT_COLUMNS }, "--wait-clear cannot go with --columns" },
	{ OPT_WAIT_CLEAR, { OPT_PROCESSES, OPT_PID, OPT_PROGRAM },
	  "--wait-clear cannot go with --processes, --pid and --program" },
	{ OPT_WAIT_CLEAR, { OPT_QUIET }, "--wait-clear cannot go with --quiet" },
	{ OPT_WAIT_CLEAR, { OPT_JSON }, "--wait-clear cannot go with --json" },
	{ OPT_METRICS, { OPT_JSON, OPT_COLUMNS },
	  "--metrics prints no rows: it cannot go with --json and --columns" },
	{ OPT_METRICS, { OPT_SUMMARY, OPT_COUNT, OPT_QUIET },
	  "--metrics cannot go with --summary, --count and --quiet" },
	{ OPT_METRICS, { OPT_PROCESSES },
	  "--metrics cannot go with --processes (--pid and --program select, and do)" },
	{ OPT_METRICS, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--metrics cannot go with --events and --wait-clear" },
	{ OPT_METRICS, { OPT_SORT }, "--metrics adds the sockets up: it cannot go with --sort" },
	{ OPT_WATCH, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--watch, --events and --wait-clear cannot be combined" },
	{ OPT_EVENTS, { OPT_WAIT_CLEAR }, "--watch, --events and --wait-clear cannot be combined" },
	{ OPT_NETNS, { OPT_NETNS_PID, OPT_ALL_NETNS },
	  "--netns, --netns-pid and --all-netns cannot be combined" },
	{ OPT_NETNS_PID, { OPT_ALL_NETNS },
	  "--netns, --netns-pid and --all-netns cannot be combined" },
	{ OPT_KILL, { OPT_WATCH, OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--kill cannot go with --watch, --events and --wait-clear" },
	{ OPT_KILL, { OPT_COUNT, OPT_SUMMARY }, "--kill cannot go with --count and --summary" },
	{ OPT_KILL, { OPT_SORT, OPT_TOP }, "--kill cannot go with --sort and --top" },
	{ OPT_SORT, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--sort orders a listing: it cannot go with --events and --wait-clear" },
	{ OPT_SORT, { OPT_COUNT, OPT_SUMMARY, OPT_QUIET },
	  "--sort orders rows: it cannot go with --count, --summary and --quiet" },
	{ OPT_TOP, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--top limits a listing: it cannot go with --events and --wait-clear" },
	{ OPT_TOP, { OPT_COUNT, OPT_SUMMARY, OPT_QUIET },
	  "--top limits rows: it cannot go with --count, --summary and --quiet" },
	{ OPT_INFO, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--info adds columns: it cannot go with --events and --wait-clear" },
	{ OPT_MEMORY, { OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--memory adds columns: it cannot go with --events and --wait-clear" },
	{ OPT_BIND_CHECK, { OPT_CONNECT_CHECK },
	  "--bind-check and --connect-check cannot be combined" },
	{ OPT_BIND_CHECK, { OPT_WATCH, OPT_EVENTS }, "--bind-check cannot go with --watch or --events" },
	{ OPT_BIND_CHECK, { OPT_COUNT, OPT_SUMMARY },
	  "--bind-check cannot go with --count or --summary" },
	{ OPT_BIND_CHECK, { OPT_PORT, OPT_SPORT, OPT_DPORT, OPT_STATE }, BIND_CHECK_SELECTS },
	{ OPT_BIND_CHECK, { OPT_LISTENING, OPT_IPV4, OPT_IPV6, OPT_SRC }, BIND_CHECK_SELECTS },
	{ OPT_BIND_CHECK, { OPT_DST, OPT_PID, OPT_PROGRAM }, BIND_CHECK_SELECTS },
	{ OPT_CONNECT_CHECK, { OPT_WATCH, OPT_EVENTS, OPT_WAIT_CLEAR },
	  "--connect-check cannot go with --watch, --events or --wait-clear" },
	{ OPT_CONNECT_CHECK, { OPT_COUNT, OPT_SUMMARY, OPT_COLUMNS, OPT_NO_HEADER },
	  CONNECT_CHECK_LISTS_NONE },
	{ OPT_CONNECT_CHECK, { OPT_PROCESSES, OPT_TIMERS, OPT_EXTEND }, CONNECT_CHECK_LISTS_NONE },
	{ OPT_CONNECT_CHECK, { OPT_PORT, OPT_SPORT, OPT_DPORT, OPT_STATE }, CONNECT_CHECK_SELECTS },
	{ OPT_CONNECT_CHECK, { OPT_LISTENING, OPT_IPV4, OPT_IPV6, OPT_SRC }, CONNECT_CHECK_SELECTS },
	{ OPT_CONNECT_CHECK, { OPT_DST, OPT_PID, OPT_PROGRAM }, CONNECT_CHECK_SELECTS },
	{ OPT_BIND_CHECK, { OPT_ALL_NETNS }, CHECKS_ONE_NETNS },
	{ OPT_CONNECT_CHECK, { OPT_ALL_NETNS }, CHECKS_ONE_NETNS },
	{ OPT_BIND_CHECK, { OPT_KILL, OPT_SORT, OPT_TOP },
	  "--bind-check cannot go with --kill, --sort or --top" },
	{ OPT_CONNECT_CHECK, { OPT_KILL, OPT_SORT, OPT_TOP }, CONNECT_CHECK_LISTS_NONE },
	{ OPT_CONNECT_CHECK, { OPT_INFO, OPT_MEMORY }, CONNECT_CHECK_LISTS_NONE },
	{ OPT_BIND_CHECK, { OPT_METRICS, OPT_METRICS_FILE, OPT_METRICS_TOP },
	  CHECKS_NO_METRICS },
	{ OPT_CONNECT_CHECK, { OPT_METRICS, OPT_METRICS_FILE, OPT_METRICS_TOP },
	  CHECKS_NO_METRICS },
};

/* Periods and timeouts, in milliseconds. */
#define WATCH_MIN_MS 100
#define INTERVAL_MIN_MS 10
#define SECONDS_MAX_MS (7 * 24 * 3600 * 1000u)

/* The kernel's PID_MAX_LIMIT: no pid is larger. */
#define PID_MAX 4194304

static int fail(struct tcpstat_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The message is escaped whole: its own text has no control bytes, so
 * what gets escaped is what the user wrote (a value, an option), and a
 * value with a newline or an escape sequence in it stays one line.
 */
static int fail(struct tcpstat_error *err, const char *fmt, ...)
{
	char raw[sizeof(err->msg)];
	va_list ap;

	err->errnum = 0;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	esc_text(err->msg, sizeof(err->msg), raw);
	return -EINVAL;
}

/*
 * Errors filled by parsers outside this file (explain_parse_target, the
 * filter language, the namespace options) echo values too: every error
 * opts_parse returns is escaped here once more, which leaves fail()'s
 * messages as they are (an escape is printable text).
 */
static int escaped(struct tcpstat_error *err, int rc)
{
	char raw[sizeof(err->msg)];

	memcpy(raw, err->msg, sizeof(raw));
	raw[sizeof(raw) - 1] = '\0';
	esc_text(err->msg, sizeof(err->msg), raw);
	return rc;
}

static int spec_index(int id)
{
	for (size_t i = 0; i < N_SPECS; i++)
		if (specs[i].id == id)
			return (int)i;
	return -1;
}

/* getopt_long's tables, made from specs. */
static void build_getopt(struct option *longs, char *shorts)
{
	size_t n = 0;

	/* The leading ':' makes getopt report a missing value apart from an unknown option. */
	*shorts++ = ':';
	for (size_t i = 0; i < N_SPECS; i++) {
		const struct opt_spec *s = &specs[i];

		longs[n++] = (struct option){ s->name, s->has_arg, NULL, s->id };
		if (s->id >= 256)
			continue;
		*shorts++ = (char)s->id;
		if (s->has_arg != no_argument)
			*shorts++ = ':';
		if (s->has_arg == optional_argument)
			*shorts++ = ':';
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	*shorts = '\0';
}

int opts_parse_ports(const char *arg, struct tcpstat_port_range *out,
		     struct tcpstat_error *err)
{
	const char *dash = strchr(arg, '-');
	size_t lo_len = dash ? (size_t)(dash - arg) : strlen(arg);
	unsigned long lo, hi;

	if (!numparse_uint(arg, lo_len, 1, 65535, &lo) ||
	    (dash && !numparse_uint(dash + 1, strlen(dash + 1), 1, 65535, &hi)))
		return fail(err, "invalid port '%s' (expected 1-65535 or a range such as 9000-9999)",
			     arg);
	if (!dash)
		hi = lo;
	if (lo > hi)
		return fail(err, "invalid port range '%s' (start above end)", arg);
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

int opts_parse_states(const char *arg, uint32_t *mask, struct tcpstat_error *err)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		uint32_t word_mask;

		if (!filter_state_word(p, len, &word_mask))
			return fail(err, "invalid state '%.*s' (expected a state or group, "
				    "such as established, time-wait, connected)", (int)len, p);
		*mask |= word_mask;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static void clear_past_prefix(uint8_t *addr, unsigned addr_len, unsigned bits)
{
	for (unsigned i = 0; i < addr_len; i++) {
		if (bits >= 8 * (i + 1))
			continue;
		addr[i] &= bits > 8 * i ? (uint8_t)(0xff << (8 - (bits - 8 * i))) : 0;
	}
}

int opts_parse_prefix(const char *arg, struct tcpstat_prefix *out, struct tcpstat_error *err)
{
	char text[INET6_ADDRSTRLEN + 2];
	const char *slash = strchr(arg, '/');
	size_t len = slash ? (size_t)(slash - arg) : strlen(arg);
	const char *addr = text;
	unsigned long bits;
	unsigned max_bits;

	if (len >= sizeof(text))
		goto bad_address;
	memcpy(text, arg, len);
	text[len] = '\0';
	/* "[::1]" as URLs and our own output write it. */
	if (len > 2 && text[0] == '[' && text[len - 1] == ']') {
		text[len - 1] = '\0';
		addr = text + 1;
	}
	memset(out, 0, sizeof(*out));
	if (addr == text && inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		max_bits = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		max_bits = 128;
	} else {
		goto bad_address;
	}
	bits = max_bits;
	if (slash && !numparse_uint(slash + 1, strlen(slash + 1), 0, max_bits, &bits))
		return fail(err, "invalid prefix length '%s' in '%s' (expected 0-%u)",
			     slash + 1, arg, max_bits);
	out->len = (uint8_t)bits;
	clear_past_prefix(out->addr, max_bits / 8, out->len);
	return 0;

bad_address:
	return fail(err, "invalid address '%s' (expected an IPv4 or IPv6 address, "
		     "optionally /PREFIX)", arg);
}

static int parse_columns(const char *arg, struct out_config *c, struct tcpstat_error *err)
{
	const char *p = arg;

	c->n_columns = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int rc = out_add_column(c, p, len);

		if (rc == -1)
			return fail(err, "invalid column '%.*s' (see -O help for the names)",
				    (int)len, p);
		if (rc == -2)
			return fail(err, "too many columns (at most %d)", OUT_MAX_COLUMNS);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int parse_sort(const char *arg, struct opts_sort *sort, struct tcpstat_error *err)
{
	const char *p = arg;

	sort->n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool desc = len > 0 && p[0] == '-';
		struct out_config probe = { .n_columns = 0 };

		if (desc) {
			p++;
			len--;
		}
		if (out_add_column(&probe, p, len) < 0)
			return fail(err, "invalid sort key '%.*s' (see -O help for the names)",
				    (int)len, p);
		if (sort->n == OUT_MAX_COLUMNS)
			return fail(err, "too many sort keys (at most %d)", OUT_MAX_COLUMNS);
		sort->key[sort->n] = probe.columns[0];
		sort->descending[sort->n++] = desc;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static bool parse_seconds(const char *arg, uint32_t min_ms, uint32_t *ms)
{
	return numparse_seconds(arg, min_ms, SECONDS_MAX_MS, ms);
}

static bool looks_like_seconds(const char *arg)
{
	return arg[0] != '\0' && strspn(arg, "0123456789.") == strlen(arg);
}

static int add_pid(const char *arg, struct filter_lists *l, struct tcpstat_error *err)
{
	unsigned long pid;

	if (l->n_pid == TCPSTAT_MAX_FILTERS)
		return fail(err, "too many --pid values (at most %d)", TCPSTAT_MAX_FILTERS);
	if (!numparse_uint(arg, strlen(arg), 1, PID_MAX, &pid))
		return fail(err, "invalid pid '%s' (expected 1-%d)", arg, PID_MAX);
	l->pid[l->n_pid++] = (uint32_t)pid;
	return 0;
}

static int add_program(const char *arg, struct filter_lists *l, struct tcpstat_error *err)
{
	if (l->n_program == TCPSTAT_MAX_FILTERS)
		return fail(err, "too many --program values (at most %d)", TCPSTAT_MAX_FILTERS);
	if (arg[0] == '\0')
		return fail(err, "invalid program name '' (expected a process name)");
	l->program[l->n_program++] = arg;
	return 0;
}

static int parse_events_source(const char *arg, enum opts_events_source *out,
			       struct tcpstat_error *err)
{
	if (strcmp(arg, "auto") == 0)
		*out = OPTS_EVENTS_AUTO;
	else if (strcmp(arg, "bpf") == 0)
		*out = OPTS_EVENTS_BPF;
	else if (strcmp(arg, "poll") == 0)
		*out = OPTS_EVENTS_POLL;
	else
		return fail(err, "invalid events source '%s' (expected auto, bpf or poll)", arg);
	return 0;
}

static int parse_owners_source(const char *arg, enum dump_owners_source *out,
			       struct tcpstat_error *err)
{
	if (strcmp(arg, "auto") == 0)
		*out = DUMP_OWNERS_AUTO;
	else if (strcmp(arg, "bpf") == 0)
		*out = DUMP_OWNERS_BPF;
	else if (strcmp(arg, "proc") == 0)
		*out = DUMP_OWNERS_PROC;
	else
		return fail(err, "invalid owners source '%s' (expected auto, bpf or proc)", arg);
	return 0;
}

static int parse_metrics_top(const char *arg, unsigned *top, struct tcpstat_error *err)
{
	unsigned long n;

	if (!numparse_uint(arg, strlen(arg), 0, PROM_TOP_MAX, &n))
		return fail(err, "invalid --metrics-top '%s' (expected 0-%d)", arg, PROM_TOP_MAX);
	*top = (unsigned)n;
	return 0;
}

static int parse_backend(const char *arg, enum dump_backend *out, struct tcpstat_error *err)
{
	if (strcmp(arg, "auto") == 0)
		*out = DUMP_AUTO;
	else if (strcmp(arg, "netlink") == 0)
		*out = DUMP_NETLINK;
	else if (strcmp(arg, "proc") == 0 || strcmp(arg, "procfs") == 0)
		*out = DUMP_PROC;
	else
		return fail(err, "invalid backend '%s' (expected auto, netlink or proc)", arg);
	return 0;
}

static int set_netns(const char *arg, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	if (o->dump.netns != DUMP_NETNS_OWN)
		return fail(err, "--netns given twice ('%s'): one namespace, or --all-netns", arg);
	if (arg[0] == '\0' || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
		return fail(err, "invalid network namespace '%s' (expected a name under "
			    "/run/netns or a path)", arg);
	o->dump.netns = DUMP_NETNS_ONE;
	o->dump.netns_spec = arg;
	return 0;
}

static int set_netns_pid(const char *arg, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	unsigned long pid;

	if (o->dump.netns != DUMP_NETNS_OWN)
		return fail(err, "--netns-pid given twice ('%s'): one namespace, or --all-netns",
			    arg);
	if (!numparse_uint(arg, strlen(arg), 1, PID_MAX, &pid))
		return fail(err, "invalid pid '%s' (expected 1-%d)", arg, PID_MAX);
	o->dump.netns = DUMP_NETNS_ONE;
	o->dump.netns_pid = (uint32_t)pid;
	return 0;
}

static int add_ports(const char *arg, const char *option, struct tcpstat_port_range *list,
		     unsigned *n, struct tcpstat_error *err)
{
	/* "-lp -4": a forgotten port, or netstat's -p. */
	if (strcmp(option, "--port") == 0 && arg[0] == '-' && !habits_is_port_list(arg))
		return fail(err, "option '-p' needs a port, not '%s' (-P lists processes)", arg);
	return habits_port_list(arg, option, list, n, TCPSTAT_MAX_FILTERS, err);
}

static int add_prefix(const char *arg, const char *option, struct tcpstat_prefix *list,
		      struct tcpstat_port_range *ports, uint32_t *ifs, unsigned *n,
		      struct tcpstat_error *err)
{
	struct habits_endpoint e;

	if (*n == TCPSTAT_MAX_FILTERS)
		return fail(err, "too many %s values (at most %d)", option, TCPSTAT_MAX_FILTERS);
	if (habits_endpoint(arg, &e, err) < 0)
		return -EINVAL;
	list[*n] = e.prefix;
	ports[*n] = e.port;
	ifs[*n] = e.ifindex;
	(*n)++;
	return 0;
}

/* Whether name (len bytes, maybe abbreviated) is a long option without a value, id. */
static bool takes_no_value(const char *name, size_t len, int id)
{
	for (size_t i = 0; i < N_SPECS; i++)
		if (specs[i].id == id && specs[i].has_arg == no_argument &&
		    strncmp(specs[i].name, name, len) == 0)
			return true;
	return false;
}

/*
 * An abbreviation getopt_long refused because several long options start
 * with it: fills err naming them in the table's order, returns -EINVAL;
 * 0 when it is not one (an unknown option).
 */
static int ambiguous(const char *written, size_t name_len, struct tcpstat_error *err)
{
	char list[sizeof(err->msg)] = "";
	size_t len = name_len - 2, used = 0;
	int n = 0;

	for (size_t i = 0; i < N_SPECS; i++) {
		if (strncmp(specs[i].name, written + 2, len) != 0)
			continue;
		if (specs[i].name[len] == '\0')
			return 0;       /* an exact name is never ambiguous */
		used += (size_t)snprintf(list + used, sizeof(list) - used < 2 ? 0 : sizeof(list) - used,
					 "%s--%s", n++ ? ", " : "", specs[i].name);
		if (used >= sizeof(list))
			used = sizeof(list) - 1;
	}
	if (n < 2)
		return 0;
	return fail(err, "ambiguous option '%.*s' (could be %s)", (int)name_len, written, list);
}

/* The option as the user wrote it, for messages: "-x" or "--name". */
static int bad_option(int argc, char **argv, int c, struct tcpstat_error *err)
{
	const char *written = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	bool is_long = strncmp(written, "--", 2) == 0;
	size_t name_len = strcspn(written, "=");

	if (c == ':') {
		if (!is_long && optopt == OPT_PORT)
			return fail(err, "option '-p' needs a port (-P lists processes)");
		if (!is_long && optopt > 0 && optopt < 256)
			return fail(err, "option '-%c' needs a value", optopt);
		return fail(err, "option '%.*s' needs a value", (int)name_len, written);
	}
	if (is_long && written[name_len] == '=' && takes_no_value(written + 2, name_len - 2, optopt))
		return fail(err, "option '%.*s' takes no value", (int)name_len, written);
	/*
	 * glibc leaves optind on the previous word until it has read a whole
	 * cluster such as "-zl", so a set optopt names the short option.
	 */
	if (optopt > 0 && optopt < 256)
		return fail(err, "unknown option '-%c'", optopt);
	if (is_long && name_len > 2 && ambiguous(written, name_len, err) < 0)
		return -EINVAL;
	return fail(err, "unknown option '%.*s'", (int)name_len, written);
}

/* What the options said before it becomes the struct the modes read. */
struct parsing;
static int set_metrics_file(const char *arg, struct tcpstat_opts *o, struct parsing *p,
			    struct tcpstat_error *err);

struct parsing {
	uint64_t seen;            /* (1 << spec index) for each option given */
	bool states_given, family_given;
	bool extend, timers, processes, header, count, json, summary, quiet;
	bool columns_given;
	bool info, memory, kill_all;
	bool metrics, metrics_top_given;
};

static int apply_option(int c, const char *arg, struct tcpstat_opts *o, struct parsing *p,
			struct tcpstat_error *err)
{
	struct filter_lists *l = &o->lists;

	switch (c) {
	case OPT_PORT:
		return add_ports(arg, "--port", l->port, &l->n_port, err);
	case OPT_SPORT:
		return add_ports(arg, "--sport", l->sport, &l->n_sport, err);
	case OPT_DPORT:
		return add_ports(arg, "--dport", l->dport, &l->n_dport, err);
	case OPT_SRC:
		return add_prefix(arg, "--src", l->src, l->src_port, l->src_if, &l->n_src, err);
	case OPT_DST:
		return add_prefix(arg, "--dst", l->dst, l->dst_port, l->dst_if, &l->n_dst, err);
	case OPT_STATE:
		if (!p->states_given)
			l->states = 0;
		p->states_given = true;
		return opts_parse_states(arg, &l->states, err);
	case OPT_LISTENING:
		if (!p->states_given)
			l->states = 0;
		p->states_given = true;
		l->states |= 1u << TCPSTAT_LISTEN;
		return 0;
	case OPT_IPV4:
	case OPT_IPV6:
		if (!p->family_given)
			l->ipv4 = l->ipv6 = false;
		p->family_given = true;
		if (c == OPT_IPV4)
			l->ipv4 = true;
		else
			l->ipv6 = true;
		return 0;
	case OPT_TIMERS:
		p->timers = true;
		return 0;
	case OPT_EXTEND:
		p->extend = true;
		return 0;
	case OPT_TCP:
	case OPT_ALL_STATES:
		return 0;
	case OPT_NUMERIC:
	case OPT_NUMERIC_USERS:
		o->out.numeric_users = true;
		return 0;
	case OPT_NO_HEADER:
		p->header = false;
		return 0;
	case OPT_COUNT:
		p->count = true;
		return 0;
	case OPT_JSON:
		p->json = true;
		return 0;
	case OPT_COLUMNS:
		if (strcmp(arg, "help") == 0) {
			o->action = OPTS_COLUMNS_HELP;
			p->seen &= ~(1ull << spec_index(OPT_COLUMNS));
			return 0;
		}
		p->columns_given = true;
		return parse_columns(arg, &o->out, err);
	case OPT_SUMMARY:
		p->summary = true;
		return 0;
	case OPT_PROCESSES:
		p->processes = true;
		return 0;
	case OPT_PID:
		return add_pid(arg, l, err);
	case OPT_PROGRAM:
		return add_program(arg, l, err);
	case OPT_FILTER_FILE:
		o->filter_file = arg;
		return 0;
	case OPT_WATCH:
		if (arg && !parse_seconds(arg, WATCH_MIN_MS, &o->watch_ms))
			return fail(err, "invalid watch interval '%s' (expected seconds, at least 0.1)",
				    arg);
		o->mode = OPTS_MODE_WATCH;
		return 0;
	case OPT_EVENTS:
		o->mode = OPTS_MODE_EVENTS;
		return 0;
	case OPT_WAIT_CLEAR:
		if (arg && !parse_seconds(arg, 1, &o->timeout_ms))
			return fail(err, "invalid timeout '%s' (expected seconds, more than 0)", arg);
		o->mode = OPTS_MODE_WAIT_CLEAR;
		return 0;
	case OPT_INTERVAL:
		if (!parse_seconds(arg, INTERVAL_MIN_MS, &o->interval_ms))
			return fail(err, "invalid interval '%s' (expected seconds, at least 0.01)",
				    arg);
		return 0;
	case OPT_BIND_CHECK:
	case OPT_CONNECT_CHECK:
		return explain_parse_target(arg, c == OPT_CONNECT_CHECK, &o->target, err);
	case OPT_QUIET:
		p->quiet = true;
		return 0;
	case OPT_NETNS:
		return set_netns(arg, o, err);
	case OPT_NETNS_PID:
		return set_netns_pid(arg, o, err);
	case OPT_ALL_NETNS:
		o->dump.netns = DUMP_NETNS_ALL;
		return 0;
	case OPT_METRICS:
		p->metrics = true;
		return 0;
	case OPT_METRICS_FILE:
		return set_metrics_file(arg, o, p, err);
	case OPT_METRICS_TOP:
		p->metrics_top_given = true;
		return parse_metrics_top(arg, &o->out.metrics_top, err);
	case OPT_BACKEND:
		return parse_backend(arg, &o->dump.backend, err);
	case OPT_EVENTS_SOURCE:
		return parse_events_source(arg, &o->events_source, err);
	case OPT_OWNERS_SOURCE:
		return parse_owners_source(arg, &o->dump.owners_source, err);
	case OPT_VERBOSE:
		o->verbose = true;
		return 0;
	case OPT_INFO:
		p->info = true;
		return 0;
	case OPT_MEMORY:
		p->memory = true;
		return 0;
	case OPT_SORT:
		return parse_sort(arg, &o->sort, err);
	case OPT_TOP:
		if (!numparse_uint(arg, strlen(arg), 1, 1ul << 31, &o->top))
			return fail(err, "invalid row count '%s' (expected 1-%lu)", arg, 1ul << 31);
		return 0;
	case OPT_KILL:
		o->mode = OPTS_MODE_KILL;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_ALL:
		p->kill_all = true;
		return 0;
	case OPT_HELP:
		o->action = OPTS_HELP;
		return 0;
	case OPT_VERSION:
		o->action = OPTS_VERSION;
		return 0;
	default:
		return fail(err, "unhandled option %d", c);
	}
}

/* --metrics-file is --metrics into a file: it clashes as --metrics does. */
static int set_metrics_file(const char *arg, struct tcpstat_opts *o, struct parsing *p,
			    struct tcpstat_error *err)
{
	size_t len = strlen(arg);

	if (len == 0 || arg[len - 1] == '/')
		return fail(err, "invalid metrics file '%s' (expected a file name)", arg);
	o->metrics_file = arg;
	p->metrics = true;
	p->seen |= 1ull << spec_index(OPT_METRICS);
	return 0;
}

static bool given(const struct parsing *p, int id)
{
	int i = spec_index(id);

	return i >= 0 && (p->seen & (1ull << i));
}

static int check_clashes(const struct parsing *p, struct tcpstat_error *err)
{
	for (size_t i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++) {
		const struct clash *c = &clashes[i];

		if (!given(p, c->a))
			continue;
		for (size_t j = 0; j < 4 && c->b[j]; j++)
			if (given(p, c->b[j]))
				return fail(err, "%s", c->msg);
	}
	return 0;
}

/* What the dump must ask the kernel for: -i, -m, or a column of theirs. */
static unsigned wanted(const struct out_config *out, const struct parsing *p)
{
	unsigned want = (p->info ? NL_WANT_INFO : 0) | (p->memory ? NL_WANT_MEMORY : 0);

	for (unsigned i = 0; p->columns_given && i < out->n_columns; i++) {
		if (out->columns[i] >= OUT_F_INFO_FIRST && out->columns[i] <= OUT_F_INFO_LAST)
			want |= NL_WANT_INFO;
		if (out->columns[i] >= OUT_F_MEM_FIRST && out->columns[i] <= OUT_F_MEM_LAST)
			want |= NL_WANT_MEMORY;
	}
	return want;
}

/* The options that select sockets: -K needs one of them, or --all. */
static const int selection_opts[] = {
	OPT_PORT, OPT_SPORT, OPT_DPORT, OPT_STATE, OPT_LISTENING, OPT_IPV4, OPT_IPV6,
	OPT_SRC, OPT_DST, OPT_PID, OPT_PROGRAM,
};

static bool given(const struct parsing *p, int id);

/* -i, -m and -K need netlink; --dry-run and --all go with -K. */
static int check_netlink_only(struct tcpstat_opts *o, const struct parsing *p,
			      struct tcpstat_error *err)
{
	bool kill = o->mode == OPTS_MODE_KILL, selected = false;

	if ((o->dry_run || p->kill_all) && !kill)
		return fail(err, "%s goes with --kill", o->dry_run ? "--dry-run" : "--all");
	if (o->dump.backend == DUMP_PROC && (p->info || p->memory || kill))
		return fail(err, "%s needs the netlink backend: it cannot go with --backend proc",
			    kill ? "--kill" : p->info ? "--info" : "--memory");
	if (o->dump.backend == DUMP_PROC && o->dump.want)
		return fail(err, "tcp_info and memory columns need the netlink backend: they "
			    "cannot go with --backend proc");
	if (!kill)
		return 0;
	for (size_t i = 0; i < sizeof(selection_opts) / sizeof(selection_opts[0]); i++)
		selected |= given(p, selection_opts[i]);
	selected |= o->expression;
	if (!selected && !p->kill_all)
		return fail(err, "--kill without a selection would end every socket: "
			    "add --all to mean it");
	/* Only netlink gives the kernel's socket id that ending one needs. */
	o->dump.backend = DUMP_NETLINK;
	return 0;
}

/* The expression in a file (-F), read whole; NULL with err set on failure. */
static char *read_filter_file(const char *path, struct tcpstat_error *err)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t len;

	if (!f) {
		fail(err, "cannot read filter file '%s': %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(FILTER_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		fail(err, "cannot read filter file '%s': %s", path, strerror(ENOMEM));
		return NULL;
	}
	len = fread(text, 1, FILTER_FILE_MAX + 1, f);
	if (ferror(f) || len > FILTER_FILE_MAX || memchr(text, '\0', len)) {
		if (ferror(f))
			fail(err, "cannot read filter file '%s': %s", path, strerror(EIO));
		else if (len > FILTER_FILE_MAX)
			fail(err, "filter file '%s' is larger than %d bytes", path, FILTER_FILE_MAX);
		else
			fail(err, "filter file '%s' is not text (it has a NUL byte)", path);
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[len] = '\0';
	/* As ss reads -F files: a line starting with '#' is a comment. */
	for (char *line = text; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (*line == '#')
			memset(line, ' ', strcspn(line, "\n"));
	}
	return text;
}

/* The ephemeral port range ("autobound"), as the kernel has it; its default if unreadable. */
static struct tcpstat_port_range ephemeral_range(void)
{
	struct tcpstat_port_range r = { 32768, 60999 };
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	unsigned lo, hi;

	if (!f)
		return r;
	if (fscanf(f, "%u %u", &lo, &hi) == 2 && lo >= 1 && lo <= hi && hi <= 65535)
		r = (struct tcpstat_port_range){ (uint16_t)lo, (uint16_t)hi };
	fclose(f);
	return r;
}

/* The filter expression of -F and of the words after the options, ANDed onto o->filter. */
static int parse_expressions(struct tcpstat_opts *o, int n, char **words,
			     struct tcpstat_error *err)
{
	struct filter_parse_env env;
	char *text;
	int rc = 0;

	if (n == 0 && !o->filter_file)
		return 0;
	o->expression = true;
	env.ephemeral = ephemeral_range();
	if (o->filter_file) {
		char msg[sizeof(err->msg)];

		text = read_filter_file(o->filter_file, err);
		if (!text)
			return -EINVAL;
		rc = filter_parse(&o->filter, 1, &text, &env, err);
		free(text);
		if (rc < 0) {
			/* "filter: ..." becomes "filter file 'F': ...". */
			snprintf(msg, sizeof(msg), "%s", err->msg + strlen("filter: "));
			return fail(err, "filter file '%s': %s", o->filter_file, msg);
		}
	}
	rc = filter_parse(&o->filter, (size_t)n, words, &env, err);
	if (rc < 0)
		return rc;
	/* --wait-clear judges records without their owners (-E carries them). */
	if (filter_needs_owners(&o->filter) && o->mode == OPTS_MODE_WAIT_CLEAR)
		return fail(err, "filter: pid and program cannot go with --wait-clear");
	return 0;
}

/* The struct the modes read, from what the options said. */
static int settle(struct tcpstat_opts *o, const struct parsing *p, int n_words, char **words,
		  struct tcpstat_error *err)
{
	struct out_config *out = &o->out;
	int rc;
	bool show_owners;

	if (p->metrics_top_given && !p->metrics)
		return fail(err, "--metrics-top goes with --metrics or --metrics-file");
	out->kind = p->metrics ? OUT_PROM : p->json ? OUT_JSON : OUT_TABLE;
	out->header = p->header;
	out->plain = p->columns_given && !p->header;
	out->netns = o->dump.netns != DUMP_NETNS_OWN;
	out->metrics_info = p->metrics && p->info;
	if (!p->columns_given)
		out_default_columns_ext(out, p->extend, p->processes, p->timers, p->info,
					p->memory);
	/* Many namespaces: which one each row is in comes first. */
	if (!p->columns_given && o->dump.netns == DUMP_NETNS_ALL)
		out_first_column(out, OUT_F_NETNS);
	/* -O replaces the default columns: there, only a "process" column shows owners. */
	show_owners = !p->columns_given && p->processes;
	for (unsigned i = 0; p->columns_given && i < out->n_columns; i++)
		show_owners |= out->columns[i] == OUT_F_PROCESS;
	out->owners = show_owners;
	o->report = p->quiet ? OPTS_REPORT_NONE : p->summary ? OPTS_REPORT_SUMMARY
		  : p->count ? OPTS_REPORT_COUNT : OPTS_REPORT_ROWS;
	o->dump.owners = show_owners;
	o->dump.all_owners = show_owners;
	o->dump.filter = &o->filter;
	o->dump.want = wanted(out, p);
	/* --wait-clear, given with --bind-check, waits for the bind instead. */
	if (given(p, OPT_BIND_CHECK)) {
		o->wait_clear = o->mode == OPTS_MODE_WAIT_CLEAR;
		o->mode = OPTS_MODE_BIND_CHECK;
	}
	if (given(p, OPT_CONNECT_CHECK))
		o->mode = OPTS_MODE_CONNECT_CHECK;
	if (filter_from_lists(&o->filter, &o->lists) < 0)
		return fail(err, "too many filters for one expression");
	rc = parse_expressions(o, n_words, words, err);
	if (rc < 0)
		return rc;
	return check_netlink_only(o, p, err);
}

/*
 * netstat's -p is tcpstat's -P: in a cluster of netstat's letters such as
 * "-tanp", a last p that no port follows means processes, and the word
 * getopt took as its value is handed back.
 */
static int netstat_p(int c, int argc, char **argv)
{
	if (c == ':' && optopt == OPT_PORT && optind >= 1 && optind <= argc &&
	    habits_netstat_cluster(argv[optind - 1]))
		return OPT_PROCESSES;
	if (c == OPT_PORT && optind >= 2 && optind <= argc && optarg == argv[optind - 1] &&
	    habits_netstat_cluster(argv[optind - 2]) && !habits_is_port_list(optarg)) {
		optind--;
		return OPT_PROCESSES;
	}
	return c;
}

static int parse(int argc, char **argv, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	struct option longs[N_SPECS + 1];
	char shorts[3 * N_SPECS + 2];
	struct parsing p = { .header = true };
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->action = OPTS_LIST;
	filter_lists_init(&o->lists);
	o->watch_ms = 1000;
	o->interval_ms = 100;
	o->out.metrics_top = PROM_DEFAULT_TOP;
	build_getopt(longs, shorts);
	opterr = 0;
	optind = 0;     /* 0, not 1: also resets glibc's state between calls (tests) */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		c = netstat_p(c, argc, argv);
		if (c == '?' || c == ':')
			return bad_option(argc, argv, c, err);
		/*
		 * No filter expression starts with a number, so "-w 2" can mean
		 * "-w2" as users of watch -n expect (and "--wait-clear 5"
		 * "--wait-clear=5"); getopt only hands over "-w2" and "--watch=2".
		 */
		if ((c == OPT_WATCH || c == OPT_WAIT_CLEAR) && !optarg && optind < argc &&
		    looks_like_seconds(argv[optind]))
			optarg = argv[optind++];
		p.seen |= 1ull << spec_index(c);
		rc = apply_option(c, optarg, o, &p, err);
		if (rc < 0)
			return rc;
		/* The mode clashes are judged as the options come, as before. */
		if ((c == OPT_WATCH || c == OPT_EVENTS || c == OPT_WAIT_CLEAR) &&
		    (rc = check_clashes(&p, err)) < 0 && strstr(err->msg, "be combined"))
			return rc;
	}
	/* The words left (getopt moved them to the end) are the filter expression. */
	rc = check_clashes(&p, err);
	if (rc < 0)
		return rc;
	return settle(o, &p, argc - optind, argv + optind, err);
}

int opts_parse(int argc, char **argv, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	int rc = parse(argc, argv, o, err);

	return rc < 0 ? escaped(err, rc) : rc;
}

/* The left column of --help: "  -p, --port PORT[-PORT]" or "      --sport ...". */
static int usage_left(char *buf, size_t size, const struct opt_spec *s)
{
	const char *open = s->has_arg == optional_argument ? "[="
			   : s->has_arg == required_argument ? " " : "";
	const char *close = s->has_arg == optional_argument ? "]" : "";
	char arg[32];
	int n;

	snprintf(arg, sizeof(arg), "%s%s%s", open, s->arg ? s->arg : "", close);
	if (s->id < 256)
		n = snprintf(buf, size, "  -%c, --%s%s", s->id, s->name, arg);
	else
		n = snprintf(buf, size, "      --%s%s", s->name, arg);
	return n;
}

#define USAGE_HELP_COLUMN 27

void opts_usage(FILE *f)
{
	fputs("Usage: tcpstat [OPTION]... [EXPRESSION]\n"
	      "List the TCP sockets of this network namespace, IPv4 and IPv6, in netstat's\n"
	      "columns. Exit status: 0 if a socket matched, 1 if none did, 2 on error.\n", f);
	for (size_t i = 0; i < N_SPECS; i++) {
		const struct opt_spec *s = &specs[i];
		char left[64];
		int n = usage_left(left, sizeof(left), s);

		if (s->section)
			fprintf(f, "\n%s%s", s->section, s->section[0] ? "\n" : "");
		/* A left column too long for its help goes on a line of its own. */
		if (n >= USAGE_HELP_COLUMN)
			fprintf(f, "%s\n%*s", left, USAGE_HELP_COLUMN, "");
		else
			fprintf(f, "%s%*s", left, USAGE_HELP_COLUMN - n, "");
		for (const char *h = s->help; *h; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "%*s", USAGE_HELP_COLUMN, "");
		}
		fputc('\n', f);
	}
	/* Each command on its line, what it does below it: no width to outgrow. */
	fputs("\n"
	      "Examples:\n"
	      "  tcpstat -p 9999\n"
	      "      what is on port 9999?\n"
	      "  tcpstat -o -s time-wait\n"
	      "      TIME_WAIT sockets, with the time they have left\n"
	      "  tcpstat -q -l --sport 9999 || echo free\n"
	      "      is anything listening on 9999?\n"
	      "  tcpstat -tanp\n"
	      "      as netstat -tanp: every socket, with its processes\n"
	      "  tcpstat --bind-check 9999\n"
	      "      why does bind() of port 9999 fail?\n"
	      "  tcpstat state established '( dport = :443 or dport = :80 )'\n"
	      "      ss's filter EXPRESSION (see FILTERS in tcpstat(1))\n"
	      "  tcpstat 'not port = :22 and sq > 0'\n"
	      "      data waiting to be sent, but not ssh\n",
	      f);
}
