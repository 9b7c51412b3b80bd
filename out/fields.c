/*
 * fields.c - the field registry (see fields.h). Rows are built by hand in
 * a buffer rather than with printf, which would be most of the time of a
 * listing of 100k sockets.
 */
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "fields.h"
#include "json.h"

/* char[16]: rows copy a name with one fixed-size move (line_put16). */
static const char state_names[TCPSTAT_STATE_MAX + 1][16] = {
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

const char *out_state_name(unsigned state)
{
	if (state > TCPSTAT_STATE_MAX || !state_names[state][0])
		return "?";
	return state_names[state];
}

void out_json_key(struct line *l, const char *key, bool first)
{
	if (!first)
		line_putc(l, ',');
	line_putc(l, '"');
	line_puts(l, key);
	line_puts(l, "\":");
}

/* put_raw's full-buffer case, out of line (line.c says why): through a buffer of its own. */
static __attribute__((noinline, cold)) void put_raw_slow(
	struct line *l, char *(*raw)(char *p, const struct out_row *r), const struct out_row *r)
{
	char tmp[OUT_JSON_RAW_ROOM];

	line_put(l, tmp, (size_t)(raw(tmp, r) - tmp));
}

/* A bounded value's json op: its json_raw writer, straight into the buffer when there is room. */
static inline void put_raw(struct line *l, char *(*raw)(char *p, const struct out_row *r),
			   const struct out_row *r)
{
	if (OUT_JSON_RAW_ROOM < l->size - l->len) {
		l->len = (size_t)(raw(l->buf + l->len, r) - l->buf);
		return;
	}
	put_raw_slow(l, raw, r);
}

/* json_FN from raw_FN. */
#define JSON_FROM_RAW(fn)                                                \
	static void json_##fn(struct line *l, const struct out_row *r)   \
	{                                                                \
		put_raw(l, raw_##fn, r);                                 \
	}

/* ---- addresses and ports ------------------------------------------------ */

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
	line_ipv4(l, addr);
}

static void put_port(struct line *l, uint16_t port)
{
	if (port == 0)
		line_putc(l, '*');
	else
		line_u64(l, port);
}

/* json_addr's most: the longest IPv6 text (INET6_ADDRSTRLEN less its NUL), quoted. */
#define JSON_ADDR_MAX (INET6_ADDRSTRLEN - 1 + 2)

/* The quoted IPv6 text: inet_ntop writes at most INET6_ADDRSTRLEN bytes, its NUL included. */
static __attribute__((noinline)) char *raw_addr6(char *p, const uint8_t addr[16])
{
	*p++ = '"';
	if (!inet_ntop(AF_INET6, addr, p, INET6_ADDRSTRLEN))
		strcpy(p, "?");
	p += strlen(p);
	*p++ = '"';
	return p;
}

/* Addresses are plain ASCII: quoted as they are, nothing to escape. */
static inline char *raw_addr(char *p, int family, const uint8_t addr[16])
{
	if (family == AF_INET6)
		return raw_addr6(p, addr);
	*p = '"';
	p = line_ipv4_text(p + 1, addr);
	*p = '"';
	return p + 1;
}

static void put_endpoint(struct line *l, int family, const uint8_t addr[16], uint16_t port)
{
	/* Most rows: an IPv4 address and a port, in one write. */
	if (family == AF_INET && port != 0) {
		line_ipv4_port(l, addr, port);
		return;
	}
	put_addr(l, family, addr, true);
	line_putc(l, ':');
	put_port(l, port);
}

static void put_comm(struct line *l, const char *comm, bool plain);

/*
 * ss's %IF after the local address of a socket bound to an interface
 * (link-local IPv6 always is): its name, if%u (ss's) when it has none
 * here (gone, or of another namespace).
 */
static void put_scope(struct line *l, const struct out_row *r)
{
	line_putc(l, '%');
	if (r->ifname) {
		put_comm(l, r->ifname, false);
		return;
	}
	line_puts(l, "if");
	line_u64(l, r->s->ifindex);
}

static void put_local(struct line *l, const struct out_row *r, bool plain)
{
	const struct tcpstat_sock *s = r->s;

	(void)plain;
	if (!s->ifindex) {
		put_endpoint(l, s->family, s->local_addr, s->local_port);
		return;
	}
	put_addr(l, s->family, s->local_addr, true);
	put_scope(l, r);
	line_putc(l, ':');
	put_port(l, s->local_port);
}

static void put_peer(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_endpoint(l, r->s->family, r->s->peer_addr, r->s->peer_port);
}

static void put_local_addr(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->local_addr, false);
	if (r->s->ifindex)
		put_scope(l, r);
}

static void put_peer_addr(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->peer_addr, false);
}

static char *raw_local_addr(char *p, const struct out_row *r)
{
	return raw_addr(p, r->s->family, r->s->local_addr);
}

static char *raw_peer_addr(char *p, const struct out_row *r)
{
	return raw_addr(p, r->s->family, r->s->peer_addr);
}

JSON_FROM_RAW(local_addr)
JSON_FROM_RAW(peer_addr)

static void put_local_port(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_port(l, r->s->local_port);
}

static void put_peer_port(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_port(l, r->s->peer_port);
}

/* ---- numbers, names ----------------------------------------------------- */

/* A field that is one number: its text and its JSON value are the same. */
#define NUMBER_FIELD(fn, expr)                                                   \
	static uint64_t number_##fn(const struct out_row *r)                     \
	{                                                                        \
		return (expr);                                                   \
	}                                                                        \
	static void put_##fn(struct line *l, const struct out_row *r, bool plain) \
	{                                                                        \
		(void)plain;                                                     \
		line_u64(l, number_##fn(r));                                     \
	}                                                                        \
	static char *raw_##fn(char *p, const struct out_row *r)                  \
	{                                                                        \
		return line_u64_text(p, number_##fn(r));                         \
	}                                                                        \
	JSON_FROM_RAW(fn)

/* netstat prints 0.00 for a timer that is off, whatever the count. */
static uint32_t timer_ms(const struct tcpstat_sock *s)
{
	return s->timer == TCPSTAT_TIMER_OFF ? 0 : s->timer_ms;
}

NUMBER_FIELD(recv_q, r->s->recv_q)
NUMBER_FIELD(send_q, r->s->send_q)
NUMBER_FIELD(uid, r->s->uid)
NUMBER_FIELD(inode, r->s->inode)
NUMBER_FIELD(timer_ms, timer_ms(r->s))
NUMBER_FIELD(retrans, r->s->retrans)
NUMBER_FIELD(probes, r->s->probes)

/* JSON says 0 where the table says "*". */
static char *raw_local_port(char *p, const struct out_row *r)
{
	return line_u64_text(p, r->s->local_port);
}

static char *raw_peer_port(char *p, const struct out_row *r)
{
	return line_u64_text(p, r->s->peer_port);
}

JSON_FROM_RAW(local_port)
JSON_FROM_RAW(peer_port)

/* For sorting: "*" (0) first. */
static bool val_local_port(const struct out_row *r, uint64_t *v)
{
	*v = r->s->local_port;
	return true;
}

static bool val_peer_port(const struct out_row *r, uint64_t *v)
{
	*v = r->s->peer_port;
	return true;
}

/*
 * "name" for a name (n bytes) in a char[16] table: the quotes and one
 * fixed-size copy (JSON's strings that are names: proto, state, timer).
 */
static inline char *quoted16(char *p, const char name[16], size_t n)
{
	p[0] = '"';
	memcpy(p + 1, name, 16);
	p[n + 1] = '"';
	return p + n + 2;
}

static const char proto_names[2][16] = { "tcp", "tcp6" };

static void put_proto(struct line *l, const struct out_row *r, bool plain)
{
	bool v6 = r->s->family == AF_INET6;

	(void)plain;
	line_put16(l, proto_names[v6], v6 ? 4 : 3);
}

static char *raw_proto(char *p, const struct out_row *r)
{
	bool v6 = r->s->family == AF_INET6;

	return quoted16(p, proto_names[v6], v6 ? 4 : 3);
}

JSON_FROM_RAW(proto)

static const uint8_t state_name_len[TCPSTAT_STATE_MAX + 1] = {
	[TCPSTAT_ESTABLISHED] = 11, [TCPSTAT_SYN_SENT] = 8, [TCPSTAT_SYN_RECV] = 8,
	[TCPSTAT_FIN_WAIT1] = 9, [TCPSTAT_FIN_WAIT2] = 9, [TCPSTAT_TIME_WAIT] = 9,
	[TCPSTAT_CLOSE] = 5, [TCPSTAT_CLOSE_WAIT] = 10, [TCPSTAT_LAST_ACK] = 8,
	[TCPSTAT_LISTEN] = 6, [TCPSTAT_CLOSING] = 7,
};

static void put_state(struct line *l, const struct out_row *r, bool plain)
{
	unsigned st = r->s->state;

	(void)plain;
	if (st <= TCPSTAT_STATE_MAX && state_name_len[st])
		line_put16(l, state_names[st], state_name_len[st]);
	else
		line_putc(l, '?');
}

static char *raw_state(char *p, const struct out_row *r)
{
	unsigned st = r->s->state;

	if (st <= TCPSTAT_STATE_MAX && state_name_len[st])
		return quoted16(p, state_names[st], state_name_len[st]);
	memcpy(p, "\"?\"", 3);
	return p + 3;
}

JSON_FROM_RAW(state)

/*
 * The uid's name (-e's User column, as netstat -e), the uid where it has
 * none or -n asked for numbers (the format then leaves r->user NULL).
 * Names hold no space or control byte on sane systems; where one does,
 * '?' keeps the cell one word.
 */
static void put_user(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	if (!r->user) {
		line_u64(l, r->s->uid);
		return;
	}
	for (const char *c = r->user; *c; c++)
		line_putc(l, (unsigned char)*c <= 0x20 || *c == 0x7f ? '?' : *c);
}

/* JSON: the name, or null for a uid without one. */
static void json_user(struct line *l, const struct out_row *r)
{
	if (r->user)
		json_cstring(l, r->user);
	else
		line_puts(l, "null");
}

/* ---- the timer ---------------------------------------------------------- */

/* char[16]: written with one fixed-size copy. */
static const struct timer_name {
	char text[16];
	uint8_t len;
} timer_names[] = {
	[TCPSTAT_TIMER_OFF] = { "off", 3 },
	[TCPSTAT_TIMER_ON] = { "on", 2 },
	[TCPSTAT_TIMER_KEEPALIVE] = { "keepalive", 9 },
	[TCPSTAT_TIMER_TIMEWAIT] = { "timewait", 8 },
	[TCPSTAT_TIMER_PROBE] = { "probe", 5 },
	[TCPSTAT_TIMER_DELACK] = { "delack", 6 },
};

static const struct timer_name *timer_name(unsigned timer)
{
	return timer < sizeof(timer_names) / sizeof(timer_names[0]) ? &timer_names[timer] : NULL;
}

static void put_timer_kind(struct line *l, const struct tcpstat_sock *s)
{
	const struct timer_name *name = timer_name(s->timer);

	if (name) {
		line_put16(l, name->text, name->len);
	} else {
		line_puts(l, "unkn-");
		line_u64(l, s->timer);
	}
}

/* netstat -o's "timewait (59.12/0/0)"; plain: no space, so it stays one word. */
static void put_timer(struct line *l, const struct out_row *r, bool plain)
{
	const struct tcpstat_sock *s = r->s;
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

/* A kind tcpstat has no name for: "unkn-N", as netstat says it. */
static __attribute__((noinline, cold)) char *raw_timer_unknown(char *p, unsigned timer)
{
	memcpy(p, "\"unkn-", 6);
	p = line_u64_text(p + 6, timer);
	*p = '"';
	return p + 1;
}

static char *raw_timer(char *p, const struct out_row *r)
{
	const struct timer_name *name = timer_name(r->s->timer);

	if (name)
		return quoted16(p, name->text, name->len);
	return raw_timer_unknown(p, r->s->timer);
}

JSON_FROM_RAW(timer)

/* ---- owners ------------------------------------------------------------- */

/*
 * A program name may hold any byte. Control bytes would garble a terminal,
 * a space would split the column, ',' and '/' would make
 * "pid/name,pid/name" ambiguous, and bytes past ASCII are not text the
 * terminal is sure to show: all are written \xHH (and '\' as \\), so the
 * column is one word that says exactly which bytes the name holds.
 */
static void put_comm(struct line *l, const char *comm, bool plain)
{
	static const char hex[] = "0123456789abcdef";

	(void)plain;
	for (; *comm; comm++) {
		unsigned char c = (unsigned char)*comm;

		if (c == '\\') {
			line_puts(l, "\\\\");
		} else if (c <= 0x20 || c >= 0x7f || c == ',' || c == '/') {
			line_puts(l, "\\x");
			line_putc(l, hex[c >> 4]);
			line_putc(l, hex[c & 15]);
		} else {
			line_putc(l, (char)c);
		}
	}
}

static void put_process(struct line *l, const struct out_row *r, bool plain)
{
	const struct tcpstat_owners *o = r->owners;

	if (!o || o->n == 0) {
		line_putc(l, '-');
		return;
	}
	for (size_t i = 0; i < o->n; i++) {
		if (i > 0)
			line_putc(l, ',');
		line_u64(l, o->list[i].pid);
		line_putc(l, '/');
		put_comm(l, o->list[i].comm, plain);
	}
}

static void json_pids(struct line *l, const struct out_row *r)
{
	line_putc(l, '[');
	for (size_t i = 0; r->owners && i < r->owners->n; i++) {
		if (i > 0)
			line_putc(l, ',');
		line_u64(l, r->owners->list[i].pid);
	}
	line_putc(l, ']');
}

static void json_programs(struct line *l, const struct out_row *r)
{
	line_putc(l, '[');
	for (size_t i = 0; r->owners && i < r->owners->n; i++) {
		const char *comm = r->owners->list[i].comm;

		if (i > 0)
			line_putc(l, ',');
		json_string(l, comm, strlen(comm));
	}
	line_putc(l, ']');
}

/* ---- the network namespace ---------------------------------------------- */

/*
 * The label is a /run/netns name, which holds no '/', or pid/comm: the
 * pid and its '/' as they are, the name (any bytes) written as comm is.
 */
static void put_netns(struct line *l, const struct out_row *r, bool plain)
{
	const char *label = r->netns, *slash;

	if (!label || !label[0]) {
		line_putc(l, '-');
		return;
	}
	slash = strchr(label, '/');
	if (slash) {
		line_put(l, label, (size_t)(slash + 1 - label));
		label = slash + 1;
	}
	put_comm(l, label, plain);
}

static void json_netns(struct line *l, const struct out_row *r)
{
	const char *label = r->netns ? r->netns : "-";

	json_string(l, label, strlen(label));
}

NUMBER_FIELD(netns_ino, r->s->netns)

/* ---- the interface bound to --------------------------------------------- */

NUMBER_FIELD(ifindex, r->s->ifindex)

/* The name in tcpstat's namespace, null where it has none. */
static void json_interface(struct line *l, const struct out_row *r)
{
	if (r->ifname)
		json_cstring(l, r->ifname);
	else
		line_puts(l, "null");
}

/* ---- tcp_info (-i) and socket memory (-m) --------------------------------- */

static bool has_info32(const struct out_row *r, int i)
{
	return (r->s->present & TCPSTAT_HAS_INFO) && (r->s->info.have & TCPSTAT_HAVE_I32(i));
}

static bool has_info64(const struct out_row *r, int i)
{
	return (r->s->present & TCPSTAT_HAS_INFO) && (r->s->info.have & TCPSTAT_HAVE_I64(i));
}

/*
 * One tcp_info field: its value (times mul: the kernel's rates are bytes
 * per second, shown as bits per second as ss does), an empty cell and no
 * key without it.
 */
#define INFO_FIELD(fn, width, idx, mul)                                               \
	static bool has_##fn(const struct out_row *r)                                 \
	{                                                                             \
		return has_info##width(r, idx);                                       \
	}                                                                             \
	static bool val_##fn(const struct out_row *r, uint64_t *v)                    \
	{                                                                             \
		*v = (uint64_t)r->s->info.u##width[idx] * (mul);                      \
		return has_##fn(r);                                                   \
	}                                                                             \
	static void put_##fn(struct line *l, const struct out_row *r, bool plain)     \
	{                                                                             \
		uint64_t v;                                                           \
		(void)plain;                                                          \
		if (val_##fn(r, &v))                                                  \
			line_u64(l, v);                                               \
	}                                                                             \
	static void json_##fn(struct line *l, const struct out_row *r)                \
	{                                                                             \
		uint64_t v;                                                           \
		val_##fn(r, &v);                                                      \
		line_u64(l, v);                                                       \
	}

INFO_FIELD(rtt, 32, TCPSTAT_I_RTT, 1)
INFO_FIELD(rttvar, 32, TCPSTAT_I_RTTVAR, 1)
INFO_FIELD(min_rtt, 32, TCPSTAT_I_MIN_RTT, 1)
INFO_FIELD(rto, 32, TCPSTAT_I_RTO, 1)
INFO_FIELD(ato, 32, TCPSTAT_I_ATO, 1)
INFO_FIELD(mss, 32, TCPSTAT_I_MSS, 1)
INFO_FIELD(rcv_mss, 32, TCPSTAT_I_RCV_MSS, 1)
INFO_FIELD(advmss, 32, TCPSTAT_I_ADVMSS, 1)
INFO_FIELD(pmtu, 32, TCPSTAT_I_PMTU, 1)
INFO_FIELD(cwnd, 32, TCPSTAT_I_CWND, 1)
INFO_FIELD(ssthresh, 32, TCPSTAT_I_SSTHRESH, 1)
INFO_FIELD(reordering, 32, TCPSTAT_I_REORDERING, 1)
INFO_FIELD(bytes_sent, 64, TCPSTAT_I_BYTES_SENT, 1)
INFO_FIELD(bytes_acked, 64, TCPSTAT_I_BYTES_ACKED, 1)
INFO_FIELD(bytes_received, 64, TCPSTAT_I_BYTES_RECEIVED, 1)
INFO_FIELD(bytes_retrans, 64, TCPSTAT_I_BYTES_RETRANS, 1)
INFO_FIELD(segs_in, 32, TCPSTAT_I_SEGS_IN, 1)
INFO_FIELD(segs_out, 32, TCPSTAT_I_SEGS_OUT, 1)
INFO_FIELD(data_segs_in, 32, TCPSTAT_I_DATA_SEGS_IN, 1)
INFO_FIELD(data_segs_out, 32, TCPSTAT_I_DATA_SEGS_OUT, 1)
INFO_FIELD(retrans_out, 32, TCPSTAT_I_RETRANS, 1)
INFO_FIELD(total_retrans, 32, TCPSTAT_I_TOTAL_RETRANS, 1)
INFO_FIELD(lost, 32, TCPSTAT_I_LOST, 1)
INFO_FIELD(sacked, 32, TCPSTAT_I_SACKED, 1)
INFO_FIELD(unacked, 32, TCPSTAT_I_UNACKED, 1)
INFO_FIELD(notsent, 32, TCPSTAT_I_NOTSENT, 1)
INFO_FIELD(delivery_rate, 64, TCPSTAT_I_DELIVERY_RATE, 8)
INFO_FIELD(pacing_rate, 64, TCPSTAT_I_PACING_RATE, 8)
INFO_FIELD(busy, 64, TCPSTAT_I_BUSY, 1)
INFO_FIELD(rwnd_limited, 64, TCPSTAT_I_RWND_LIMITED, 1)
INFO_FIELD(sndbuf_limited, 64, TCPSTAT_I_SNDBUF_LIMITED, 1)
INFO_FIELD(last_send, 32, TCPSTAT_I_LAST_SEND, 1)
INFO_FIELD(last_recv, 32, TCPSTAT_I_LAST_RECV, 1)
INFO_FIELD(last_ack, 32, TCPSTAT_I_LAST_ACK, 1)
INFO_FIELD(snd_wscale, 32, TCPSTAT_I_SND_WSCALE, 1)
INFO_FIELD(rcv_wscale, 32, TCPSTAT_I_RCV_WSCALE, 1)

/* ss's "send": cwnd * mss * 8 / rtt, in bits per second; none without an rtt. */
static bool val_send_rate(const struct out_row *r, uint64_t *v)
{
	const struct tcpstat_info *in = &r->s->info;

	*v = 0;
	if (!has_info32(r, TCPSTAT_I_RTT) || !has_info32(r, TCPSTAT_I_CWND) ||
	    !has_info32(r, TCPSTAT_I_MSS) || in->u32[TCPSTAT_I_RTT] == 0)
		return false;
	*v = (uint64_t)in->u32[TCPSTAT_I_CWND] * in->u32[TCPSTAT_I_MSS] * 8 * 1000000 /
	     in->u32[TCPSTAT_I_RTT];
	return true;
}

static bool has_send_rate(const struct out_row *r)
{
	uint64_t v;

	return val_send_rate(r, &v);
}

static void put_send_rate(struct line *l, const struct out_row *r, bool plain)
{
	uint64_t v;

	(void)plain;
	if (val_send_rate(r, &v))
		line_u64(l, v);
}

static void json_send_rate(struct line *l, const struct out_row *r)
{
	uint64_t v;

	val_send_rate(r, &v);
	line_u64(l, v);
}

/* tcpi_options' bits, by ss's names. */
static const struct { uint32_t bit; const char *name; } option_names[] = {
	{ 1, "ts" }, { 2, "sack" }, { 4, "wscale" }, { 8, "ecn" }, { 16, "ecn_seen" },
	{ 32, "syn_data" },
};
#define N_OPTION_NAMES (sizeof(option_names) / sizeof(option_names[0]))

static bool has_options(const struct out_row *r)
{
	return has_info32(r, TCPSTAT_I_OPTIONS);
}

static bool val_options(const struct out_row *r, uint64_t *v)
{
	*v = r->s->info.u32[TCPSTAT_I_OPTIONS];
	return has_options(r);
}

/* "ts,sack,wscale"; "-" for none, so a plain (-H -O) line keeps its fields. */
static void put_options(struct line *l, const struct out_row *r, bool plain)
{
	uint32_t bits = r->s->info.u32[TCPSTAT_I_OPTIONS];
	bool any = false;

	(void)plain;
	if (!has_options(r))
		return;
	for (size_t i = 0; i < N_OPTION_NAMES; i++) {
		if (!(bits & option_names[i].bit))
			continue;
		if (any)
			line_putc(l, ',');
		line_puts(l, option_names[i].name);
		any = true;
	}
	if (!any)
		line_putc(l, '-');
}

static void json_options(struct line *l, const struct out_row *r)
{
	uint32_t bits = r->s->info.u32[TCPSTAT_I_OPTIONS];
	bool first = true;

	line_putc(l, '[');
	for (size_t i = 0; i < N_OPTION_NAMES; i++) {
		if (!(bits & option_names[i].bit))
			continue;
		if (!first)
			line_putc(l, ',');
		json_string(l, option_names[i].name, strlen(option_names[i].name));
		first = false;
	}
	line_putc(l, ']');
}

static bool has_app_limited(const struct out_row *r)
{
	return has_info32(r, TCPSTAT_I_APP_LIMITED);
}

static bool val_app_limited(const struct out_row *r, uint64_t *v)
{
	*v = r->s->info.u32[TCPSTAT_I_APP_LIMITED];
	return has_app_limited(r);
}

static void put_app_limited(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	if (has_app_limited(r))
		line_puts(l, r->s->info.u32[TCPSTAT_I_APP_LIMITED] ? "yes" : "no");
}

static void json_app_limited(struct line *l, const struct out_row *r)
{
	line_puts(l, r->s->info.u32[TCPSTAT_I_APP_LIMITED] ? "true" : "false");
}

static bool has_cong(const struct out_row *r)
{
	return (r->s->present & TCPSTAT_HAS_INFO) && (r->s->info.have & TCPSTAT_HAVE_CONG);
}

/* A name the kernel gave: printable ASCII in the table, escaped in JSON. */
static void put_cong(struct line *l, const struct out_row *r, bool plain)
{
	if (has_cong(r))
		put_comm(l, r->s->info.cong, plain);
}

static void json_cong(struct line *l, const struct out_row *r)
{
	json_string(l, r->s->info.cong, strnlen(r->s->info.cong, sizeof(r->s->info.cong)));
}

static bool has_mem(const struct out_row *r, int i)
{
	return (r->s->present & TCPSTAT_HAS_MEMORY) && (uint32_t)i < r->s->mem.n;
}

#define MEM_FIELD(fn, idx)                                                            \
	static bool has_##fn(const struct out_row *r)                                 \
	{                                                                             \
		return has_mem(r, idx);                                               \
	}                                                                             \
	static bool val_##fn(const struct out_row *r, uint64_t *v)                    \
	{                                                                             \
		*v = r->s->mem.v[idx];                                                \
		return has_mem(r, idx);                                               \
	}                                                                             \
	static void put_##fn(struct line *l, const struct out_row *r, bool plain)     \
	{                                                                             \
		(void)plain;                                                          \
		if (has_mem(r, idx))                                                  \
			line_u64(l, r->s->mem.v[idx]);                                \
	}                                                                             \
	static void json_##fn(struct line *l, const struct out_row *r)                \
	{                                                                             \
		line_u64(l, r->s->mem.v[idx]);                                        \
	}

MEM_FIELD(rmem_alloc, TCPSTAT_M_RMEM_ALLOC)
MEM_FIELD(rcvbuf, TCPSTAT_M_RCVBUF)
MEM_FIELD(wmem_alloc, TCPSTAT_M_WMEM_ALLOC)
MEM_FIELD(sndbuf, TCPSTAT_M_SNDBUF)
MEM_FIELD(fwd_alloc, TCPSTAT_M_FWD_ALLOC)
MEM_FIELD(wmem_queued, TCPSTAT_M_WMEM_QUEUED)
MEM_FIELD(optmem, TCPSTAT_M_OPTMEM)
MEM_FIELD(backlog, TCPSTAT_M_BACKLOG)
MEM_FIELD(drops, TCPSTAT_M_DROPS)

/* ---- the registry ------------------------------------------------------- */

const struct out_field out_fields[OUT_F_COUNT] = {
	[OUT_F_PROTO] = { "proto", "Proto", "proto", 5, false, put_proto, json_proto,
			  "tcp or tcp6", .json_max = 6, .json_raw = raw_proto },
	[OUT_F_RECV_Q] = { "recv-q", "Recv-Q", "recv_q", 6, true, put_recv_q, json_recv_q,
			   "bytes not read yet; LISTEN: connections to accept", number_recv_q,
			   .json_max = OUT_JSON_U64_MAX, .json_raw = raw_recv_q },
	[OUT_F_SEND_Q] = { "send-q", "Send-Q", "send_q", 6, true, put_send_q, json_send_q,
			   "bytes not acknowledged yet; LISTEN: backlog (netlink)", number_send_q,
			   .json_max = OUT_JSON_U64_MAX, .json_raw = raw_send_q },
	[OUT_F_LOCAL] = { "local", "Local Address", NULL, 23, false, put_local, NULL,
			  "local address:port" },
	[OUT_F_PEER] = { "peer", "Foreign Address", NULL, 23, false, put_peer, NULL,
			 "foreign address:port" },
	[OUT_F_LOCAL_ADDR] = { "local-addr", "Local-Addr", "local_addr", 15, false,
			       put_local_addr, json_local_addr,
			       "local address alone (IPv6 without brackets)",
			       .json_max = JSON_ADDR_MAX, .json_raw = raw_local_addr },
	[OUT_F_LOCAL_PORT] = { "local-port", "L-Port", "local_port", 6, true, put_local_port,
			       json_local_port, "local port (* for none)", NULL, NULL, val_local_port,
			       .json_max = 5, .json_raw = raw_local_port },
	[OUT_F_PEER_ADDR] = { "peer-addr", "Peer-Addr", "peer_addr", 15, false, put_peer_addr,
			      json_peer_addr, "foreign address alone", .json_max = JSON_ADDR_MAX,
			      .json_raw = raw_peer_addr },
	[OUT_F_PEER_PORT] = { "peer-port", "P-Port", "peer_port", 6, true, put_peer_port,
			      json_peer_port, "foreign port (* for none)", NULL, NULL, val_peer_port,
			      .json_max = 5, .json_raw = raw_peer_port },
	[OUT_F_STATE] = { "state", "State", "state", 11, false, put_state, json_state,
			  "TCP state, netstat's names", .json_max = 13, .json_raw = raw_state },
	[OUT_F_UID] = { "uid", "User", "uid", 10, false, put_uid, json_uid,
			"owner's uid (0 for TIME_WAIT)", number_uid, .json_max = OUT_JSON_U64_MAX,
			.json_raw = raw_uid },
	[OUT_F_INODE] = { "inode", "Inode", "inode", 10, false, put_inode, json_inode,
			  "socket inode (0 for TIME_WAIT)", number_inode,
			  .json_max = OUT_JSON_U64_MAX, .json_raw = raw_inode },
	[OUT_F_TIMER] = { "timer", "Timer", "timer", 0, false, put_timer, json_timer,
			  "kind (seconds left/retransmits/probes), as netstat -o;\n"
			  "              plain (-H -O): kind(seconds/retransmits/probes)",
			  .json_max = 11, .json_raw = raw_timer },
	[OUT_F_PROCESS] = { "process", "PID/Program name", NULL, 20, false, put_process, NULL,
			    "pid/program of each process holding it (- for none)" },
	[OUT_F_NETNS] = { "netns", "NETNS", "netns", 16, false, put_netns, json_netns,
			  "network namespace: /run/netns name, else pid/comm in it", NULL },

	[OUT_F_RTT] = { "rtt", "RTT-us", "rtt_us", 8, true, put_rtt, json_rtt,
		"smoothed round-trip time, microseconds", NULL, has_rtt, val_rtt },
	[OUT_F_RTTVAR] = { "rttvar", "RTTVar-us", "rttvar_us", 9, true, put_rttvar, json_rttvar,
		"its variation, microseconds", NULL, has_rttvar, val_rttvar },
	[OUT_F_MIN_RTT] = { "min-rtt", "MinRTT-us", "min_rtt_us", 9, true, put_min_rtt, json_min_rtt,
		"lowest round-trip time seen, microseconds", NULL, has_min_rtt, val_min_rtt },
	[OUT_F_RTO] = { "rto", "RTO-us", "rto_us", 8, true, put_rto, json_rto,
		"retransmission timeout, microseconds", NULL, has_rto, val_rto },
	[OUT_F_ATO] = { "ato", "ATO-us", "ato_us", 8, true, put_ato, json_ato,
		"delayed-ACK timeout, microseconds", NULL, has_ato, val_ato },
	[OUT_F_MSS] = { "mss", "MSS", "mss", 6, true, put_mss, json_mss,
		"sending maximum segment size, bytes", NULL, has_mss, val_mss },
	[OUT_F_RCV_MSS] = { "rcv-mss", "RcvMSS", "rcv_mss", 6, true, put_rcv_mss, json_rcv_mss,
		"receiving MSS as guessed, bytes", NULL, has_rcv_mss, val_rcv_mss },
	[OUT_F_ADVMSS] = { "advmss", "AdvMSS", "advmss", 6, true, put_advmss, json_advmss,
		"MSS advertised to the peer, bytes", NULL, has_advmss, val_advmss },
	[OUT_F_PMTU] = { "pmtu", "PMTU", "pmtu", 6, true, put_pmtu, json_pmtu,
		"path MTU, bytes", NULL, has_pmtu, val_pmtu },
	[OUT_F_CWND] = { "cwnd", "Cwnd", "cwnd", 6, true, put_cwnd, json_cwnd,
		"congestion window, segments", NULL, has_cwnd, val_cwnd },
	[OUT_F_SSTHRESH] = { "ssthresh", "Ssthresh", "ssthresh", 10, true, put_ssthresh, json_ssthresh,
		"slow-start threshold, segments", NULL, has_ssthresh, val_ssthresh },
	[OUT_F_REORDERING] = { "reordering", "Reord", "reordering", 5, true, put_reordering, json_reordering,
		"reordering the sender tolerates, segments", NULL, has_reordering, val_reordering },
	[OUT_F_BYTES_SENT] = { "bytes-sent", "Bytes-Sent", "bytes_sent", 12, true, put_bytes_sent, json_bytes_sent,
		"bytes sent, retransmits included", NULL, has_bytes_sent, val_bytes_sent },
	[OUT_F_BYTES_ACKED] = { "bytes-acked", "Bytes-Acked", "bytes_acked", 12, true, put_bytes_acked, json_bytes_acked,
		"bytes the peer acknowledged", NULL, has_bytes_acked, val_bytes_acked },
	[OUT_F_BYTES_RECEIVED] = { "bytes-received", "Bytes-Recv", "bytes_received", 12, true, put_bytes_received, json_bytes_received,
		"bytes received", NULL, has_bytes_received, val_bytes_received },
	[OUT_F_BYTES_RETRANS] = { "bytes-retrans", "Bytes-Retr", "bytes_retrans", 10, true, put_bytes_retrans, json_bytes_retrans,
		"bytes retransmitted", NULL, has_bytes_retrans, val_bytes_retrans },
	[OUT_F_SEGS_IN] = { "segs-in", "Segs-In", "segs_in", 8, true, put_segs_in, json_segs_in,
		"segments received", NULL, has_segs_in, val_segs_in },
	[OUT_F_SEGS_OUT] = { "segs-out", "Segs-Out", "segs_out", 8, true, put_segs_out, json_segs_out,
		"segments sent", NULL, has_segs_out, val_segs_out },
	[OUT_F_DATA_SEGS_IN] = { "data-segs-in", "DSegs-In", "data_segs_in", 8, true, put_data_segs_in, json_data_segs_in,
		"segments received with data", NULL, has_data_segs_in, val_data_segs_in },
	[OUT_F_DATA_SEGS_OUT] = { "data-segs-out", "DSegs-Out", "data_segs_out", 9, true, put_data_segs_out, json_data_segs_out,
		"segments sent with data", NULL, has_data_segs_out, val_data_segs_out },
	[OUT_F_RETRANS_OUT] = { "retrans", "Retr-Out", "retrans", 8, true, put_retrans_out, json_retrans_out,
		"retransmitted segments not acknowledged yet", NULL, has_retrans_out, val_retrans_out },
	[OUT_F_TOTAL_RETRANS] = { "total-retrans", "Retrans", "total_retrans", 7, true, put_total_retrans, json_total_retrans,
		"segments retransmitted in all", NULL, has_total_retrans, val_total_retrans },
	[OUT_F_LOST] = { "lost", "Lost", "lost", 5, true, put_lost, json_lost,
		"segments thought lost", NULL, has_lost, val_lost },
	[OUT_F_SACKED] = { "sacked", "Sacked", "sacked", 6, true, put_sacked, json_sacked,
		"segments selectively acknowledged", NULL, has_sacked, val_sacked },
	[OUT_F_UNACKED] = { "unacked", "Unacked", "unacked", 7, true, put_unacked, json_unacked,
		"segments sent, not acknowledged yet", NULL, has_unacked, val_unacked },
	[OUT_F_NOTSENT] = { "notsent", "NotSent", "notsent_bytes", 8, true, put_notsent, json_notsent,
		"bytes written, not sent yet", NULL, has_notsent, val_notsent },
	[OUT_F_DELIVERY_RATE] = { "delivery-rate", "Delivery-bps", "delivery_rate_bps", 12, true, put_delivery_rate, json_delivery_rate,
		"delivery rate, bits/s", NULL, has_delivery_rate, val_delivery_rate },
	[OUT_F_PACING_RATE] = { "pacing-rate", "Pacing-bps", "pacing_rate_bps", 12, true, put_pacing_rate, json_pacing_rate,
		"pacing rate, bits/s", NULL, has_pacing_rate, val_pacing_rate },
	[OUT_F_SEND_RATE] = { "send-rate", "Send-bps", "send_rate_bps", 12, true, put_send_rate, json_send_rate,
		"cwnd*mss*8/rtt, bits/s (ss's \"send\")", NULL, has_send_rate, val_send_rate },
	[OUT_F_BUSY] = { "busy", "Busy-us", "busy_us", 10, true, put_busy, json_busy,
		"time sending, microseconds", NULL, has_busy, val_busy },
	[OUT_F_RWND_LIMITED] = { "rwnd-limited", "RwndLim-us", "rwnd_limited_us", 10, true, put_rwnd_limited, json_rwnd_limited,
		"time limited by the peer's window, microseconds", NULL, has_rwnd_limited, val_rwnd_limited },
	[OUT_F_SNDBUF_LIMITED] = { "sndbuf-limited", "SndbufLim-us", "sndbuf_limited_us", 12, true, put_sndbuf_limited, json_sndbuf_limited,
		"time limited by the send buffer, microseconds", NULL, has_sndbuf_limited, val_sndbuf_limited },
	[OUT_F_LAST_SEND] = { "last-send", "LastSnd-ms", "last_send_ms", 10, true, put_last_send, json_last_send,
		"since data was last sent, milliseconds", NULL, has_last_send, val_last_send },
	[OUT_F_LAST_RECV] = { "last-recv", "LastRcv-ms", "last_recv_ms", 10, true, put_last_recv, json_last_recv,
		"since data was last received, milliseconds", NULL, has_last_recv, val_last_recv },
	[OUT_F_LAST_ACK] = { "last-ack", "LastAck-ms", "last_ack_ms", 10, true, put_last_ack, json_last_ack,
		"since an ACK was last received, milliseconds", NULL, has_last_ack, val_last_ack },
	[OUT_F_SND_WSCALE] = { "snd-wscale", "SWscale", "snd_wscale", 7, true, put_snd_wscale, json_snd_wscale,
		"window scale the peer uses", NULL, has_snd_wscale, val_snd_wscale },
	[OUT_F_RCV_WSCALE] = { "rcv-wscale", "RWscale", "rcv_wscale", 7, true, put_rcv_wscale, json_rcv_wscale,
		"window scale this side uses", NULL, has_rcv_wscale, val_rcv_wscale },
	[OUT_F_OPTIONS] = { "options", "Options", "options", 14, false, put_options, json_options,
		"options agreed: ts sack wscale ecn ecn_seen syn_data", NULL, has_options,
		val_options },
	[OUT_F_APP_LIMITED] = { "app-limited", "AppLim", "app_limited", 6, false, put_app_limited,
		json_app_limited, "delivery rate limited by the program (yes/no)", NULL,
		has_app_limited, val_app_limited },
	[OUT_F_CONG] = { "cong", "Cong", "cong", 8, false, put_cong, json_cong,
		"congestion control (cubic, bbr ...)", NULL, has_cong, NULL },
	[OUT_F_RMEM_ALLOC] = { "rmem-alloc", "Rmem", "rmem_alloc", 8, true, put_rmem_alloc, json_rmem_alloc,
		"bytes in the receive queue", NULL, has_rmem_alloc, val_rmem_alloc },
	[OUT_F_RCVBUF] = { "rcvbuf", "Rcvbuf", "rcvbuf", 8, true, put_rcvbuf, json_rcvbuf,
		"receive buffer size, bytes", NULL, has_rcvbuf, val_rcvbuf },
	[OUT_F_WMEM_ALLOC] = { "wmem-alloc", "Wmem", "wmem_alloc", 8, true, put_wmem_alloc, json_wmem_alloc,
		"bytes sent, not freed yet", NULL, has_wmem_alloc, val_wmem_alloc },
	[OUT_F_SNDBUF] = { "sndbuf", "Sndbuf", "sndbuf", 8, true, put_sndbuf, json_sndbuf,
		"send buffer size, bytes", NULL, has_sndbuf, val_sndbuf },
	[OUT_F_FWD_ALLOC] = { "fwd-alloc", "Fwd", "fwd_alloc", 8, true, put_fwd_alloc, json_fwd_alloc,
		"memory reserved ahead, bytes", NULL, has_fwd_alloc, val_fwd_alloc },
	[OUT_F_WMEM_QUEUED] = { "wmem-queued", "Wqueued", "wmem_queued", 8, true, put_wmem_queued, json_wmem_queued,
		"bytes in the send queue", NULL, has_wmem_queued, val_wmem_queued },
	[OUT_F_OPTMEM] = { "optmem", "Optmem", "optmem", 6, true, put_optmem, json_optmem,
		"option memory (filters ...), bytes", NULL, has_optmem, val_optmem },
	[OUT_F_BACKLOG] = { "backlog", "Backlog", "backlog", 7, true, put_backlog, json_backlog,
		"bytes in the backlog", NULL, has_backlog, val_backlog },
	[OUT_F_DROPS] = { "drops", "Drops", "drops", 5, true, put_drops, json_drops,
		"packets dropped before reaching the socket", NULL, has_drops, val_drops },
	[OUT_F_USER] = { "user", "User", "user", 10, false, put_user, json_user,
			 "owner's user name (uid where it has none, or with -n)" },
	[OUT_F_TIMER_MS] = { NULL, NULL, "timer_ms", 0, false, put_timer_ms, json_timer_ms, NULL,
			     number_timer_ms, .json_max = OUT_JSON_U64_MAX, .json_raw = raw_timer_ms },
	[OUT_F_RETRANS] = { NULL, NULL, "retrans", 0, false, put_retrans, json_retrans, NULL,
			    number_retrans, .json_max = OUT_JSON_U64_MAX, .json_raw = raw_retrans },
	[OUT_F_PROBES] = { NULL, NULL, "probes", 0, false, put_probes, json_probes, NULL,
			   number_probes, .json_max = OUT_JSON_U64_MAX, .json_raw = raw_probes },
	[OUT_F_PIDS] = { NULL, NULL, "pids", 0, false, NULL, json_pids, NULL },
	[OUT_F_PROGRAMS] = { NULL, NULL, "programs", 0, false, NULL, json_programs, NULL },
	[OUT_F_NETNS_INO] = { NULL, NULL, "netns_ino", 0, false, put_netns_ino, json_netns_ino,
			      NULL, number_netns_ino, .json_max = OUT_JSON_U64_MAX,
			      .json_raw = raw_netns_ino },
	[OUT_F_IFINDEX] = { NULL, NULL, "ifindex", 0, false, put_ifindex, json_ifindex, NULL,
			    number_ifindex, .json_max = OUT_JSON_U64_MAX, .json_raw = raw_ifindex },
	[OUT_F_INTERFACE] = { NULL, NULL, "interface", 0, false, NULL, json_interface, NULL },
};

/* Addresses: IPv4 before IPv6, then byte by byte (network order sorts as numbers). */
static int compare_addr(const struct tcpstat_sock *a, const uint8_t *aa,
			const struct tcpstat_sock *b, const uint8_t *ba)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(aa, ba, 16);
}

static int compare_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int out_field_compare(enum out_field_id id, const struct out_row *a, const struct out_row *b)
{
	const struct out_field *f = &out_fields[id];
	bool has_a = !f->has || f->has(a), has_b = !f->has || f->has(b);
	char ta[256], tb[256];
	uint64_t va, vb;
	int c;

	if (has_a != has_b)
		return has_a ? 1 : -1;
	if (!has_a)
		return 0;
	switch (id) {
	case OUT_F_LOCAL:
	case OUT_F_LOCAL_ADDR:
		c = compare_addr(a->s, a->s->local_addr, b->s, b->s->local_addr);
		return c || id == OUT_F_LOCAL_ADDR ? c : compare_u64(a->s->local_port, b->s->local_port);
	case OUT_F_PEER:
	case OUT_F_PEER_ADDR:
		c = compare_addr(a->s, a->s->peer_addr, b->s, b->s->peer_addr);
		return c || id == OUT_F_PEER_ADDR ? c : compare_u64(a->s->peer_port, b->s->peer_port);
	default:
		break;
	}
	if (f->number)
		return compare_u64(f->number(a), f->number(b));
	if (f->value) {
		f->value(a, &va);
		f->value(b, &vb);
		return compare_u64(va, vb);
	}
	out_field_text(ta, sizeof(ta), id, a, true);
	out_field_text(tb, sizeof(tb), id, b, true);
	return strcmp(ta, tb);
}

size_t out_field_text(char *buf, size_t size, enum out_field_id id, const struct out_row *r,
		      bool plain)
{
	struct line l;

	line_init(&l, buf, size, NULL);
	if (out_fields[id].put)
		out_fields[id].put(&l, r, plain);
	line_str(&l);
	return l.len;
}
