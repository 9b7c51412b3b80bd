/*
 * options.c - getopt_long into struct tcpstat_opts, with every value
 * checked: a bad one becomes an error naming it, never a guess.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "options.h"

/* Long-only options, numbered past every char. */
enum {
	OPT_SPORT = 256,
	OPT_DPORT,
	OPT_SRC,
	OPT_DST,
	OPT_PID,
	OPT_PROGRAM,
	OPT_INTERVAL,
	OPT_WAIT_CLEAR,
};

/* Periods and timeouts, in milliseconds. */
#define WATCH_MIN_MS 100
#define INTERVAL_MIN_MS 10
#define SECONDS_MAX_MS (7 * 24 * 3600 * 1000u)

/* The kernel's PID_MAX_LIMIT: no pid is larger. */
#define PID_MAX 4194304

static const struct option long_options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "state", required_argument, NULL, 's' },
	{ "listening", no_argument, NULL, 'l' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "timers", no_argument, NULL, 'o' },
	{ "extend", no_argument, NULL, 'e' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "count", no_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "columns", required_argument, NULL, 'O' },
	{ "summary", no_argument, NULL, 'S' },
	{ "processes", no_argument, NULL, 'P' },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "program", required_argument, NULL, OPT_PROGRAM },
	{ "watch", optional_argument, NULL, 'w' },
	{ "events", no_argument, NULL, 'E' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "wait-clear", optional_argument, NULL, OPT_WAIT_CLEAR },
	{ "quiet", no_argument, NULL, 'q' },
	{ "backend", required_argument, NULL, 'B' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};
/* The leading ':' makes getopt report a missing value apart from an unknown option. */
static const char short_options[] = ":p:s:l46oeHcjO:SPw::EqB:vhV";

static int failf(struct tcpstat_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int failf(struct tcpstat_error *err, const char *fmt, ...)
{
	va_list ap;

	err->errnum = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number in [min, max], digits only. */
static bool parse_uint(const char *s, size_t len, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

int opts_parse_ports(const char *arg, struct tcpstat_port_range *out,
		     struct tcpstat_error *err)
{
	const char *dash = strchr(arg, '-');
	size_t lo_len = dash ? (size_t)(dash - arg) : strlen(arg);
	unsigned long lo, hi;

	if (!parse_uint(arg, lo_len, 1, 65535, &lo) ||
	    (dash && !parse_uint(dash + 1, strlen(dash + 1), 1, 65535, &hi)))
		return failf(err, "invalid port '%s' (expected 1-65535 or a range such as 9000-9999)",
			     arg);
	if (!dash)
		hi = lo;
	if (lo > hi)
		return failf(err, "invalid port range '%s' (start above end)", arg);
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
}

/*
 * State names: netstat's, ss's, and the textbooks'. Compared after folding
 * case and '-' to '_', so "time-wait", "TIME_WAIT" and "Time_Wait" agree.
 */
static const struct {
	const char *name;
	uint32_t mask;
} state_words[] = {
	{ "established", 1u << TCPSTAT_ESTABLISHED },
	{ "estab", 1u << TCPSTAT_ESTABLISHED },
	{ "syn_sent", 1u << TCPSTAT_SYN_SENT },
	{ "syn_recv", 1u << TCPSTAT_SYN_RECV },
	{ "syn_rcvd", 1u << TCPSTAT_SYN_RECV },
	{ "syn_rcv", 1u << TCPSTAT_SYN_RECV },
	{ "fin_wait1", 1u << TCPSTAT_FIN_WAIT1 },
	{ "fin_wait_1", 1u << TCPSTAT_FIN_WAIT1 },
	{ "fin_wait2", 1u << TCPSTAT_FIN_WAIT2 },
	{ "fin_wait_2", 1u << TCPSTAT_FIN_WAIT2 },
	{ "time_wait", 1u << TCPSTAT_TIME_WAIT },
	{ "close", 1u << TCPSTAT_CLOSE },
	{ "closed", 1u << TCPSTAT_CLOSE },
	{ "close_wait", 1u << TCPSTAT_CLOSE_WAIT },
	{ "last_ack", 1u << TCPSTAT_LAST_ACK },
	{ "listen", 1u << TCPSTAT_LISTEN },
	{ "listening", 1u << TCPSTAT_LISTEN },
	{ "closing", 1u << TCPSTAT_CLOSING },
	/* Groups, as ss defines them. */
	{ "all", TCPSTAT_STATES_ALL },
	{ "connected", TCPSTAT_STATES_ALL & ~(1u << TCPSTAT_LISTEN | 1u << TCPSTAT_CLOSE) },
	{ "synchronized", TCPSTAT_STATES_ALL &
		~(1u << TCPSTAT_LISTEN | 1u << TCPSTAT_CLOSE | 1u << TCPSTAT_SYN_SENT) },
	{ "bucket", 1u << TCPSTAT_SYN_RECV | 1u << TCPSTAT_TIME_WAIT },
	{ "big", TCPSTAT_STATES_ALL & ~(1u << TCPSTAT_SYN_RECV | 1u << TCPSTAT_TIME_WAIT) },
};

static bool state_word_mask(const char *word, size_t len, uint32_t *mask)
{
	char folded[16];

	if (len == 0 || len >= sizeof(folded))
		return false;
	for (size_t i = 0; i < len; i++)
		folded[i] = word[i] == '-' ? '_' : (char)tolower((unsigned char)word[i]);
	folded[len] = '\0';
	for (size_t i = 0; i < sizeof(state_words) / sizeof(state_words[0]); i++) {
		if (strcmp(folded, state_words[i].name) == 0) {
			*mask = state_words[i].mask;
			return true;
		}
	}
	return false;
}

int opts_parse_states(const char *arg, uint32_t *mask, struct tcpstat_error *err)
{
	const char *p = arg;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		uint32_t word_mask;

		if (!state_word_mask(p, len, &word_mask))
			return failf(err, "invalid state '%.*s' (see --help for the names)",
				     (int)len, p);
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
	if (slash && !parse_uint(slash + 1, strlen(slash + 1), 0, max_bits, &bits))
		return failf(err, "invalid prefix length '%s' in '%s' (expected 0-%u)",
			     slash + 1, arg, max_bits);
	out->len = (uint8_t)bits;
	clear_past_prefix(out->addr, max_bits / 8, out->len);
	return 0;

bad_address:
	return failf(err, "invalid address '%s' (expected an IPv4 or IPv6 address, "
		     "optionally /PREFIX)", arg);
}

int opts_parse_columns(const char *arg, struct print_opts *o, struct tcpstat_error *err)
{
	const char *p = arg;

	o->n_columns = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int col = print_column_by_name(p, len);

		if (col < 0)
			return failf(err, "invalid column '%.*s' (see -O help for the names)",
				     (int)len, p);
		if (o->n_columns == PRINT_MAX_COLUMNS)
			return failf(err, "too many columns (at most %d)", PRINT_MAX_COLUMNS);
		o->columns[o->n_columns++] = (uint8_t)col;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* "2", "0.5", "1.25": seconds with up to three decimals, as milliseconds. */
static bool parse_seconds(const char *arg, uint32_t min_ms, uint32_t *ms)
{
	const char *dot = strchr(arg, '.');
	size_t int_len = dot ? (size_t)(dot - arg) : strlen(arg);
	unsigned long whole = 0, frac = 0;
	size_t frac_len = dot ? strlen(dot + 1) : 0;

	if (int_len == 0 && frac_len == 0)
		return false;
	if (int_len > 0 && !parse_uint(arg, int_len, 0, SECONDS_MAX_MS / 1000, &whole))
		return false;
	if (dot && (frac_len == 0 || frac_len > 3 || !parse_uint(dot + 1, frac_len, 0, 999, &frac)))
		return false;
	for (size_t i = frac_len; i < 3; i++)
		frac *= 10;
	*ms = (uint32_t)(whole * 1000 + frac);
	return *ms >= min_ms && *ms <= SECONDS_MAX_MS;
}

static bool looks_like_seconds(const char *arg)
{
	return arg[0] != '\0' && strspn(arg, "0123456789.") == strlen(arg);
}

static int set_mode(struct tcpstat_opts *o, enum opts_mode mode, struct tcpstat_error *err)
{
	if (o->mode != OPTS_MODE_LIST && o->mode != mode)
		return failf(err, "--watch, --events and --wait-clear cannot be combined");
	o->mode = mode;
	return 0;
}

static int apply_watch(const char *arg, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	if (arg && !parse_seconds(arg, WATCH_MIN_MS, &o->watch_ms))
		return failf(err, "invalid watch interval '%s' (expected seconds, at least 0.1)",
			     arg);
	return set_mode(o, OPTS_MODE_WATCH, err);
}

static int apply_wait_clear(const char *arg, struct tcpstat_opts *o,
			    struct tcpstat_error *err)
{
	if (arg && !parse_seconds(arg, 1, &o->timeout_ms))
		return failf(err, "invalid timeout '%s' (expected seconds, more than 0)", arg);
	return set_mode(o, OPTS_MODE_WAIT_CLEAR, err);
}

static int add_pid(const char *arg, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	unsigned long pid;

	if (o->n_pids == TCPSTAT_MAX_FILTERS)
		return failf(err, "too many --pid values (at most %d)", TCPSTAT_MAX_FILTERS);
	if (!parse_uint(arg, strlen(arg), 1, PID_MAX, &pid))
		return failf(err, "invalid pid '%s' (expected 1-%d)", arg, PID_MAX);
	o->pids[o->n_pids++] = (uint32_t)pid;
	return 0;
}

static int add_program(const char *arg, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	if (o->n_programs == TCPSTAT_MAX_FILTERS)
		return failf(err, "too many --program values (at most %d)", TCPSTAT_MAX_FILTERS);
	if (arg[0] == '\0')
		return failf(err, "invalid program name '' (expected a process name)");
	o->programs[o->n_programs++] = arg;
	return 0;
}

static int parse_backend(const char *arg, enum opts_backend *out, struct tcpstat_error *err)
{
	if (strcmp(arg, "auto") == 0)
		*out = OPTS_BACKEND_AUTO;
	else if (strcmp(arg, "netlink") == 0)
		*out = OPTS_BACKEND_NETLINK;
	else if (strcmp(arg, "proc") == 0 || strcmp(arg, "procfs") == 0)
		*out = OPTS_BACKEND_PROC;
	else
		return failf(err, "invalid backend '%s' (expected auto, netlink or proc)", arg);
	return 0;
}

static int add_ports(const char *arg, const char *option, struct tcpstat_port_range *list,
		     unsigned *n, struct tcpstat_error *err)
{
	if (*n == TCPSTAT_MAX_FILTERS)
		return failf(err, "too many %s values (at most %d)", option, TCPSTAT_MAX_FILTERS);
	if (opts_parse_ports(arg, &list[*n], err) < 0)
		return -1;
	(*n)++;
	return 0;
}

static int add_prefix(const char *arg, const char *option, struct tcpstat_prefix *list,
		      unsigned *n, struct tcpstat_error *err)
{
	if (*n == TCPSTAT_MAX_FILTERS)
		return failf(err, "too many %s values (at most %d)", option, TCPSTAT_MAX_FILTERS);
	if (opts_parse_prefix(arg, &list[*n], err) < 0)
		return -1;
	(*n)++;
	return 0;
}

/* Whether name (len bytes, maybe abbreviated) is a long option without a value, val. */
static bool takes_no_value(const char *name, size_t len, int val)
{
	for (const struct option *opt = long_options; opt->name; opt++)
		if (opt->val == val && opt->has_arg == no_argument &&
		    strncmp(opt->name, name, len) == 0)
			return true;
	return false;
}

/* The option as the user wrote it, for messages: "-x" or "--name". */
static int bad_option(int argc, char **argv, int c, struct tcpstat_error *err)
{
	const char *written = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	bool is_long = strncmp(written, "--", 2) == 0;
	size_t name_len = strcspn(written, "=");

	if (c == ':') {
		if (!is_long && optopt > 0 && optopt < 256)
			return failf(err, "option '-%c' needs a value", optopt);
		return failf(err, "option '%.*s' needs a value", (int)name_len, written);
	}
	if (is_long && written[name_len] == '=' && takes_no_value(written + 2, name_len - 2, optopt))
		return failf(err, "option '%.*s' takes no value", (int)name_len, written);
	/*
	 * glibc leaves optind on the previous word until it has read a whole
	 * cluster such as "-zl", so a set optopt names the short option.
	 */
	if (optopt > 0 && optopt < 256)
		return failf(err, "unknown option '-%c'", optopt);
	return failf(err, "unknown option '%.*s'", (int)name_len, written);
}

static int apply_option(int c, const char *arg, struct tcpstat_opts *o, bool *states_given,
			bool *family_given, struct tcpstat_error *err)
{
	struct tcpstat_query *q = &o->query;

	switch (c) {
	case 'p':
		return add_ports(arg, "--port", q->port, &q->n_port, err);
	case OPT_SPORT:
		return add_ports(arg, "--sport", q->sport, &q->n_sport, err);
	case OPT_DPORT:
		return add_ports(arg, "--dport", q->dport, &q->n_dport, err);
	case OPT_SRC:
		return add_prefix(arg, "--src", q->src, &q->n_src, err);
	case OPT_DST:
		return add_prefix(arg, "--dst", q->dst, &q->n_dst, err);
	case 's':
		*states_given = true;
		return opts_parse_states(arg, &q->states, err);
	case 'l':
		*states_given = true;
		q->states |= 1u << TCPSTAT_LISTEN;
		return 0;
	case '4':
	case '6':
		if (!*family_given)
			q->ipv4 = q->ipv6 = false;
		*family_given = true;
		if (c == '4')
			q->ipv4 = true;
		else
			q->ipv6 = true;
		return 0;
	case 'o':
		o->print.timers = true;
		return 0;
	case 'e':
		o->print.extend = true;
		return 0;
	case 'H':
		o->header = false;
		return 0;
	case 'c':
		o->count = true;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'O':
		if (strcmp(arg, "help") == 0) {
			o->action = OPTS_COLUMNS_HELP;
			return 0;
		}
		return opts_parse_columns(arg, &o->print, err);
	case 'S':
		o->summary = true;
		return 0;
	case 'P':
		o->print.processes = true;
		return 0;
	case OPT_PID:
		return add_pid(arg, o, err);
	case OPT_PROGRAM:
		return add_program(arg, o, err);
	case 'w':
		return apply_watch(arg, o, err);
	case 'E':
		return set_mode(o, OPTS_MODE_EVENTS, err);
	case OPT_WAIT_CLEAR:
		return apply_wait_clear(arg, o, err);
	case OPT_INTERVAL:
		if (!parse_seconds(arg, INTERVAL_MIN_MS, &o->interval_ms))
			return failf(err, "invalid interval '%s' (expected seconds, at least 0.01)",
				     arg);
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'B':
		return parse_backend(arg, &o->backend, err);
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		o->action = OPTS_HELP;
		return 0;
	case 'V':
		o->action = OPTS_VERSION;
		return 0;
	default:
		return failf(err, "unhandled option %d", c);
	}
}

/* -E prints events, --wait-clear nothing: row-shaping options do not apply. */
static int check_mode_options(const struct tcpstat_opts *o, struct tcpstat_error *err)
{
	const char *mode = o->mode == OPTS_MODE_EVENTS ? "--events"
			   : o->mode == OPTS_MODE_WAIT_CLEAR ? "--wait-clear" : NULL;
	const char *clash = NULL;

	if (!mode)
		return 0;
	if (o->count)
		clash = "--count";
	else if (o->summary)
		clash = "--summary";
	else if (o->print.n_columns > 0)
		clash = "--columns";
	else if (o->owners || o->print.processes)
		clash = "--processes, --pid and --program";
	else if (o->quiet)
		clash = "--quiet";
	else if (o->mode == OPTS_MODE_WAIT_CLEAR && o->json)
		clash = "--json";
	if (clash)
		return failf(err, "%s cannot go with %s", mode, clash);
	return 0;
}

int opts_parse(int argc, char **argv, struct tcpstat_opts *o, struct tcpstat_error *err)
{
	bool states_given = false, family_given = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->action = OPTS_LIST;
	o->header = true;
	o->query.ipv4 = o->query.ipv6 = true;
	o->watch_ms = 1000;
	o->interval_ms = 100;
	opterr = 0;
	optind = 0;     /* 0, not 1: also resets glibc's state between calls (tests) */
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(argc, argv, c, err);
		/*
		 * tcpstat takes no operands, so "-w 2" can mean "-w2" as users
		 * of watch -n expect (and "--wait-clear 5" "--wait-clear=5");
		 * getopt only hands over "-w2" and "--watch=2".
		 */
		if ((c == 'w' || c == OPT_WAIT_CLEAR) && !optarg && optind < argc &&
		    looks_like_seconds(argv[optind]))
			optarg = argv[optind++];
		if (apply_option(c, optarg, o, &states_given, &family_given, err) < 0)
			return -1;
	}
	if (optind < argc)
		return failf(err, "unexpected argument '%s'", argv[optind]);
	if (o->summary && o->print.n_columns > 0)
		return failf(err, "--summary prints no columns: it cannot go with --columns");
	if (o->summary && o->count)
		return failf(err, "--summary and --count cannot be combined");
	if (o->json && o->print.n_columns > 0)
		return failf(err, "--json prints every key: it cannot go with --columns");
	if (!states_given)
		o->query.states = TCPSTAT_STATES_ALL;
	o->print.plain = o->print.n_columns > 0 && !o->header;
	/* -O replaces the default columns: there, only a "process" column shows owners. */
	o->show_owners = o->print.n_columns == 0 && o->print.processes;
	for (unsigned i = 0; i < o->print.n_columns; i++)
		o->show_owners |= o->print.columns[i] == PRINT_COL_PROCESS;
	o->owners = o->show_owners || o->n_pids > 0 || o->n_programs > 0;
	return check_mode_options(o, err);
	return 0;
}

void opts_usage(FILE *f)
{
	fputs(
"Usage: tcpstat [OPTION]...\n"
"List the TCP sockets of this network namespace, IPv4 and IPv6, in netstat's\n"
"columns. Exit status: 0 if a socket matched, 1 if none did, 2 on error.\n"
"\n"
"Selection (repeat an option to allow more values; different options combine):\n"
"  -p, --port PORT[-PORT]   local or foreign port in this port or range\n"
"      --sport PORT[-PORT]  local port only\n"
"      --dport PORT[-PORT]  foreign port only\n"
"  -s, --state LIST         comma list of states: ESTABLISHED SYN_SENT SYN_RECV\n"
"                           FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE CLOSE_WAIT\n"
"                           LAST_ACK LISTEN CLOSING (any case; ss spellings\n"
"                           such as time-wait work too) or groups: all,\n"
"                           connected (all but LISTEN, CLOSE), synchronized\n"
"                           (connected but SYN_SENT), bucket (SYN_RECV,\n"
"                           TIME_WAIT), big (all but bucket)\n"
"  -l, --listening          same as -s LISTEN\n"
"  -4, --ipv4               IPv4 sockets only\n"
"  -6, --ipv6               IPv6 sockets only (IPv4-mapped peers included)\n"
"      --src ADDR[/PREFIX]  local address in this address or network\n"
"      --dst ADDR[/PREFIX]  foreign address in this address or network\n"
"      --pid PID            held by this process\n"
"      --program NAME       held by a process of this name (comm)\n"
"\n"
"Output:\n"
"  -P, --processes          add the PID/Program name column (- for none or\n"
"                           not visible); it, --pid and --program keep the\n"
"                           matching sockets in memory to look owners up\n"
"  -o, --timers             add netstat's Timer column: kind (remaining\n"
"                           seconds/retransmits/probes)\n"
"  -e, --extend             add the User (uid) and Inode columns\n"
"  -H, --no-header          no header line\n"
"  -O, --columns LIST       these columns, in this order (-O help lists them);\n"
"                           with -H, fields separated by one space\n"
"  -j, --json               one JSON object per socket, one per line (keys:\n"
"                           proto state local_addr local_port peer_addr\n"
"                           peer_port recv_q send_q timer timer_ms retrans\n"
"                           probes uid inode; with -P pids programs)\n"
"  -S, --summary            one line per state with its count, and the total\n"
"                           (with -j: one JSON object)\n"
"  -c, --count              print only the number of matching sockets\n"
"                           (with -j: {\"count\":N})\n"
"  -q, --quiet              print nothing; the exit status tells\n"
"\n"
"Watching:\n"
"  -w, --watch[=SECS]       list again every SECS (default 1, at least 0.1);\n"
"                           on a terminal, redrawn in place with per-state\n"
"                           counts; else timestamped blocks; Ctrl-C ends it\n"
"  -E, --events             print state changes of the matching sockets as\n"
"                           they happen: new, A -> B, gone. Polls (see\n"
"                           --interval); as root it also hears of sockets\n"
"                           destroyed between two polls, else those are missed\n"
"      --interval SECS      -E and --wait-clear poll period (default 0.1, at\n"
"                           least 0.01)\n"
"      --wait-clear[=SECS]  wait until no socket matches, then exit 0; exit\n"
"                           1 if some still do after SECS (default: no limit)\n"
"                           or on Ctrl-C\n"
"\n"
"Backend:\n"
"  -B, --backend NAME       auto (default: netlink, else /proc), netlink, proc\n"
"  -v, --verbose            say on stderr which backend answered and why\n"
"\n"
"  -h, --help               this help\n"
"  -V, --version            the version\n"
"\n"
"Examples:\n"
"  tcpstat -p 9999                  what is on port 9999?\n"
"  tcpstat -o -s time-wait          TIME_WAIT sockets, with time left\n"
"  tcpstat -q -l --sport 9999 || echo free    is anything listening on 9999?\n",
	f);
}
