/*
 * print.c - the table, JSON Lines and the summary.
 *
 * The default table is netstat's: "%-4s  %6ld %6ld %-23s %-23s %-11s", so
 * old awk habits keep working; -O picks other columns from the same table
 * of widths. Rows are built by hand in a buffer rather than with printf,
 * which would be most of the time of a listing of 100k sockets.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "json.h"
#include "line.h"
#include "print.h"

static const char *const state_names[TCPSTAT_STATE_MAX + 1] = {
	[TCPSTAT_ESTABLISHED] = "ESTABLISHED",
	[TCPSTAT_SYN_SENT] = "SYN_SENT",
	[TCPSTAT_SYN_RECV] = "SYN_RECV",
	[TCPSTAT_FIN_WAIT1] = "FIN_WAIT1",
	[TCPSTAT_FIN_WAIT2] = "FIN_WAIT2",
	[TCPSTAT_TIME_WAIT] = "TIME_WAIT",
	[TCPSTAT_CLOSE] = "CLOSE",
	[TCPSTAT_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCPSTAT_LAST_ACK] = "LAST_ACK",
	[TCPSTAT_LISTEN] = "LISTEN",
	[TCPSTAT_CLOSING] = "CLOSING",
};

const char *print_state_name(unsigned state)
{
	if (state > TCPSTAT_STATE_MAX || !state_names[state])
		return "?";
	return state_names[state];
}

struct column {
	const char *name;     /* as -O spells it */
	const char *header;
	unsigned width;       /* the field is padded to this, unless last */
	bool right;           /* right-aligned (numbers, as netstat) */
	const char *help;
};

static const struct column columns[PRINT_COL_COUNT] = {
	[PRINT_COL_PROTO] = { "proto", "Proto", 5, false, "tcp or tcp6" },
	[PRINT_COL_RECV_Q] = { "recv-q", "Recv-Q", 6, true,
			       "bytes not read yet; LISTEN: connections to accept" },
	[PRINT_COL_SEND_Q] = { "send-q", "Send-Q", 6, true,
			       "bytes not acknowledged yet; LISTEN: backlog (netlink)" },
	[PRINT_COL_LOCAL] = { "local", "Local Address", 23, false, "local address:port" },
	[PRINT_COL_PEER] = { "peer", "Foreign Address", 23, false, "foreign address:port" },
	[PRINT_COL_LOCAL_ADDR] = { "local-addr", "Local-Addr", 15, false,
				   "local address alone (IPv6 without brackets)" },
	[PRINT_COL_LOCAL_PORT] = { "local-port", "L-Port", 6, true, "local port (* for none)" },
	[PRINT_COL_PEER_ADDR] = { "peer-addr", "Peer-Addr", 15, false, "foreign address alone" },
	[PRINT_COL_PEER_PORT] = { "peer-port", "P-Port", 6, true, "foreign port (* for none)" },
	[PRINT_COL_STATE] = { "state", "State", 11, false, "TCP state, netstat's names" },
	[PRINT_COL_UID] = { "uid", "User", 10, false, "owner's uid (0 for TIME_WAIT)" },
	[PRINT_COL_INODE] = { "inode", "Inode", 10, false, "socket inode (0 for TIME_WAIT)" },
	[PRINT_COL_PROCESS] = { "process", "PID/Program name", 20, false,
				"pid/program of each process holding it (- for none)" },
	[PRINT_COL_TIMER] = { "timer", "Timer", 0, false,
			      "kind (seconds left/retransmits/probes), as netstat -o;\n"
			      "              plain (-H -O): kind(seconds/retransmits/probes)" },
};

int print_column_by_name(const char *name, size_t len)
{
	for (int i = 0; i < PRINT_COL_COUNT; i++)
		if (strlen(columns[i].name) == len && memcmp(columns[i].name, name, len) == 0)
			return i;
	return -1;
}

void print_columns_help(FILE *f)
{
	fputs("Columns for -O, --columns (comma-separated, in the order wanted):\n", f);
	for (int i = 0; i < PRINT_COL_COUNT; i++)
		fprintf(f, "  %-11s %s\n", columns[i].name, columns[i].help);
}

/* The columns to print: -O's, or netstat's with -e and -o's additions. */
static unsigned resolve_columns(const struct print_opts *o, uint8_t out[PRINT_MAX_COLUMNS])
{
	unsigned n = 0;

	if (o->n_columns > 0) {
		memcpy(out, o->columns, o->n_columns);
		return o->n_columns;
	}
	for (int c = PRINT_COL_PROTO; c <= PRINT_COL_PEER; c++)
		out[n++] = (uint8_t)c;
	out[n++] = PRINT_COL_STATE;
	if (o->extend) {
		out[n++] = PRINT_COL_UID;
		out[n++] = PRINT_COL_INODE;
	}
	if (o->processes)
		out[n++] = PRINT_COL_PROCESS;
	if (o->timers)
		out[n++] = PRINT_COL_TIMER;
	return n;
}

static void put_addr(struct line *l, int family, const uint8_t addr[16], bool brackets)
{
	if (family == AF_INET6) {
		char text[INET6_ADDRSTRLEN];

		if (!inet_ntop(AF_INET6, addr, text, sizeof(text)))
			strcpy(text, "?");
		if (brackets)
			line_putc(l, '[');
		line_puts(l, text);
		if (brackets)
			line_putc(l, ']');
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			line_putc(l, '.');
		line_u64(l, addr[i]);
	}
}

static void put_port(struct line *l, uint16_t port)
{
	if (port == 0)
		line_putc(l, '*');
	else
		line_u64(l, port);
}

static void put_endpoint(struct line *l, int family, const uint8_t addr[16], uint16_t port)
{
	put_addr(l, family, addr, true);
	line_putc(l, ':');
	put_port(l, port);
}

size_t print_addr(char *buf, size_t size, int family, const uint8_t addr[16])
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_addr(&l, family, addr, false);
	return l.len;
}

size_t print_endpoint(char *buf, size_t size, int family, const uint8_t addr[16],
		      uint16_t port)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_endpoint(&l, family, addr, port);
	return l.len;
}

static const char *timer_name(unsigned timer)
{
	static const char *const names[] = {
		[TCPSTAT_TIMER_OFF] = "off",
		[TCPSTAT_TIMER_ON] = "on",
		[TCPSTAT_TIMER_KEEPALIVE] = "keepalive",
		[TCPSTAT_TIMER_TIMEWAIT] = "timewait",
		[TCPSTAT_TIMER_PROBE] = "probe",
		[TCPSTAT_TIMER_DELACK] = "delack",
	};

	return timer < sizeof(names) / sizeof(names[0]) ? names[timer] : NULL;
}

/* netstat prints 0.00 for a timer that is off, whatever the count. */
static uint32_t timer_ms(const struct tcpstat_sock *s)
{
	return s->timer == TCPSTAT_TIMER_OFF ? 0 : s->timer_ms;
}

static void put_timer_kind(struct line *l, const struct tcpstat_sock *s)
{
	const char *name = timer_name(s->timer);

	if (name) {
		line_puts(l, name);
	} else {
		line_puts(l, "unkn-");
		line_u64(l, s->timer);
	}
}

/* plain: no space before the parenthesis, so the field stays one word. */
static void put_timer(struct line *l, const struct tcpstat_sock *s, bool plain)
{
	uint32_t ms = timer_ms(s);
	unsigned centis = ms % 1000 / 10;

	put_timer_kind(l, s);
	line_puts(l, plain ? "(" : " (");
	line_u64(l, ms / 1000);
	line_putc(l, '.');
	line_putc(l, (char)('0' + centis / 10));
	line_putc(l, (char)('0' + centis % 10));
	line_putc(l, '/');
	line_u64(l, s->retrans);
	line_putc(l, '/');
	line_u64(l, s->probes);
	line_putc(l, ')');
}

size_t print_timer(char *buf, size_t size, const struct tcpstat_sock *s)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_timer(&l, s, false);
	return l.len;
}

/*
 * A program name may hold any byte; control bytes would garble a terminal,
 * and in plain output a space would split the field.
 */
static void put_comm(struct line *l, const char *comm, bool plain)
{
	for (; *comm; comm++) {
		bool odd = (unsigned char)*comm < 0x20 || *comm == 0x7f || (plain && *comm == ' ');

		line_putc(l, odd ? '?' : *comm);
	}
}

static void put_owners(struct line *l, const struct print_owners *owners, bool plain)
{
	if (!owners || owners->n == 0) {
		line_putc(l, '-');
		return;
	}
	for (size_t i = 0; i < owners->n; i++) {
		if (i > 0)
			line_putc(l, ',');
		line_u64(l, owners->list[i].pid);
		line_putc(l, '/');
		put_comm(l, owners->list[i].comm, plain);
	}
}

static void put_cell(struct line *l, const struct tcpstat_sock *s, enum print_column c,
		     bool plain, const struct print_owners *owners)
{
	switch (c) {
	case PRINT_COL_PROTO:
		line_puts(l, s->family == AF_INET6 ? "tcp6" : "tcp");
		break;
	case PRINT_COL_RECV_Q:
		line_u64(l, s->recv_q);
		break;
	case PRINT_COL_SEND_Q:
		line_u64(l, s->send_q);
		break;
	case PRINT_COL_LOCAL:
		put_endpoint(l, s->family, s->local_addr, s->local_port);
		break;
	case PRINT_COL_PEER:
		put_endpoint(l, s->family, s->peer_addr, s->peer_port);
		break;
	case PRINT_COL_LOCAL_ADDR:
		put_addr(l, s->family, s->local_addr, false);
		break;
	case PRINT_COL_LOCAL_PORT:
		put_port(l, s->local_port);
		break;
	case PRINT_COL_PEER_ADDR:
		put_addr(l, s->family, s->peer_addr, false);
		break;
	case PRINT_COL_PEER_PORT:
		put_port(l, s->peer_port);
		break;
	case PRINT_COL_STATE:
		line_puts(l, print_state_name(s->state));
		break;
	case PRINT_COL_UID:
		line_u64(l, s->uid);
		break;
	case PRINT_COL_INODE:
		line_u64(l, s->inode);
		break;
	case PRINT_COL_TIMER:
		put_timer(l, s, plain);
		break;
	case PRINT_COL_PROCESS:
		put_owners(l, owners, plain);
		break;
	case PRINT_COL_COUNT:
		break;
	}
}

/* The width of a cell's text, for right alignment: formatted aside first. */
static void put_cell_right(struct line *l, const struct tcpstat_sock *s,
			   enum print_column c, unsigned width)
{
	char tmp[64];
	struct line cell;

	line_init(&cell, tmp, sizeof(tmp), NULL);
	put_cell(&cell, s, c, false, NULL);
	if (cell.len < width)
		line_spaces(l, width - cell.len);
	line_put(l, tmp, cell.len);
}

/* Cells separated by one space and padded to their width, the last unpadded. */
static void put_row(struct line *l, const struct tcpstat_sock *s, const struct print_opts *o,
		    const struct print_owners *owners)
{
	uint8_t cols[PRINT_MAX_COLUMNS];
	unsigned n = resolve_columns(o, cols);

	for (unsigned i = 0; i < n; i++) {
		const struct column *col = &columns[cols[i]];
		size_t from;

		if (i > 0)
			line_putc(l, ' ');
		from = line_pos(l);
		if (o->plain)
			put_cell(l, s, cols[i], true, owners);
		else if (col->right)
			put_cell_right(l, s, cols[i], col->width);
		else
			put_cell(l, s, cols[i], false, owners);
		if (i + 1 < n && !o->plain)
			line_pad(l, from, col->width);
	}
	line_putc(l, '\n');
}

static void put_header(struct line *l, const struct print_opts *o)
{
	uint8_t cols[PRINT_MAX_COLUMNS];
	unsigned n = resolve_columns(o, cols);

	for (unsigned i = 0; i < n; i++) {
		const struct column *col = &columns[cols[i]];
		size_t len = strlen(col->header), from;

		if (i > 0)
			line_putc(l, ' ');
		from = line_pos(l);
		if (col->right && len < col->width)
			line_spaces(l, col->width - len);
		line_puts(l, col->header);
		if (i + 1 < n)
			line_pad(l, from, col->width);
	}
	line_putc(l, '\n');
}

size_t print_format_row(char *buf, size_t size, const struct tcpstat_sock *s,
			const struct print_opts *o)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_row(&l, s, o, NULL);
	return l.len;
}

size_t print_format_header(char *buf, size_t size, const struct print_opts *o)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_header(&l, o);
	return l.len;
}

int print_row_owned(FILE *f, const struct tcpstat_sock *s, const struct print_opts *o,
		    const struct print_owners *owners)
{
	char buf[PRINT_LINE_MAX];
	struct line l;

	line_init(&l, buf, sizeof(buf), f);
	put_row(&l, s, o, owners);
	return line_flush(&l);
}

int print_row(FILE *f, const struct tcpstat_sock *s, const struct print_opts *o)
{
	return print_row_owned(f, s, o, NULL);
}

int print_header(FILE *f, const struct print_opts *o)
{
	char buf[PRINT_LINE_MAX];
	struct line l;

	line_init(&l, buf, sizeof(buf), f);
	put_header(&l, o);
	return line_flush(&l);
}

static void json_key(struct line *l, const char *key, bool first)
{
	if (!first)
		line_putc(l, ',');
	line_putc(l, '"');
	line_puts(l, key);
	line_puts(l, "\":");
}

static void json_u64(struct line *l, const char *key, uint64_t v)
{
	json_key(l, key, false);
	line_u64(l, v);
}

static void json_addr(struct line *l, const char *key, int family, const uint8_t addr[16])
{
	char text[64];
	size_t len = print_addr(text, sizeof(text), family, addr);

	json_key(l, key, false);
	json_string(l, text, len);
}

static void put_json_owners(struct line *l, const struct print_owners *owners)
{
	json_key(l, "pids", false);
	line_putc(l, '[');
	for (size_t i = 0; i < owners->n; i++) {
		if (i > 0)
			line_putc(l, ',');
		line_u64(l, owners->list[i].pid);
	}
	line_putc(l, ']');
	json_key(l, "programs", false);
	line_putc(l, '[');
	for (size_t i = 0; i < owners->n; i++) {
		if (i > 0)
			line_putc(l, ',');
		json_string(l, owners->list[i].comm, strlen(owners->list[i].comm));
	}
	line_putc(l, ']');
}

static void put_json(struct line *l, const struct tcpstat_sock *s,
		     const struct print_owners *owners)
{
	const char *state = print_state_name(s->state);
	char kind[32];
	struct line k;

	line_putc(l, '{');
	json_key(l, "proto", true);
	json_string(l, s->family == AF_INET6 ? "tcp6" : "tcp", s->family == AF_INET6 ? 4 : 3);
	json_key(l, "state", false);
	json_string(l, state, strlen(state));
	json_addr(l, "local_addr", s->family, s->local_addr);
	json_u64(l, "local_port", s->local_port);
	json_addr(l, "peer_addr", s->family, s->peer_addr);
	json_u64(l, "peer_port", s->peer_port);
	json_u64(l, "recv_q", s->recv_q);
	json_u64(l, "send_q", s->send_q);
	line_init(&k, kind, sizeof(kind), NULL);
	put_timer_kind(&k, s);
	json_key(l, "timer", false);
	json_string(l, kind, k.len);
	json_u64(l, "timer_ms", timer_ms(s));
	json_u64(l, "retrans", s->retrans);
	json_u64(l, "probes", s->probes);
	json_u64(l, "uid", s->uid);
	json_u64(l, "inode", s->inode);
	if (owners)
		put_json_owners(l, owners);
	line_puts(l, "}\n");
}

size_t print_format_json(char *buf, size_t size, const struct tcpstat_sock *s)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	put_json(&l, s, NULL);
	return l.len;
}

int print_json(FILE *f, const struct tcpstat_sock *s, const struct print_owners *owners)
{
	char buf[PRINT_LINE_MAX];
	struct line l;

	line_init(&l, buf, sizeof(buf), f);
	put_json(&l, s, owners);
	return line_flush(&l);
}

int print_summary(FILE *f, const unsigned long counts[TCPSTAT_STATE_MAX + 1],
		  unsigned long total, bool json)
{
	char buf[PRINT_LINE_MAX];
	struct line l;

	line_init(&l, buf, sizeof(buf), f);
	if (json)
		line_putc(&l, '{');
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++) {
		if (json) {
			json_key(&l, state_names[st], st == 1);
			line_u64(&l, counts[st]);
		} else {
			size_t from = line_pos(&l);

			line_puts(&l, state_names[st]);
			line_pad(&l, from, columns[PRINT_COL_STATE].width);
			line_putc(&l, ' ');
			line_u64(&l, counts[st]);
			line_putc(&l, '\n');
		}
	}
	if (json) {
		json_u64(&l, "total", total);
		line_puts(&l, "}\n");
	} else {
		size_t from = line_pos(&l);

		line_puts(&l, "TOTAL");
		line_pad(&l, from, columns[PRINT_COL_STATE].width);
		line_putc(&l, ' ');
		line_u64(&l, total);
		line_putc(&l, '\n');
	}
	return line_flush(&l);
}
