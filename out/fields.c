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

/* Addresses are plain ASCII: quoted as they are, nothing to escape. */
static void json_addr(struct line *l, int family, const uint8_t addr[16])
{
	line_putc(l, '"');
	put_addr(l, family, addr, false);
	line_putc(l, '"');
}

static void put_local(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->local_addr, true);
	line_putc(l, ':');
	put_port(l, r->s->local_port);
}

static void put_peer(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->peer_addr, true);
	line_putc(l, ':');
	put_port(l, r->s->peer_port);
}

static void put_local_addr(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->local_addr, false);
}

static void put_peer_addr(struct line *l, const struct out_row *r, bool plain)
{
	(void)plain;
	put_addr(l, r->s->family, r->s->peer_addr, false);
}

static void json_local_addr(struct line *l, const struct out_row *r)
{
	json_addr(l, r->s->family, r->s->local_addr);
}

static void json_peer_addr(struct line *l, const struct out_row *r)
{
	json_addr(l, r->s->family, r->s->peer_addr);
}

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
	static void json_##fn(struct line *l, const struct out_row *r)           \
	{                                                                        \
		line_u64(l, number_##fn(r));                                     \
	}

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
static void json_local_port(struct line *l, const struct out_row *r)
{
	line_u64(l, r->s->local_port);
}

static void json_peer_port(struct line *l, const struct out_row *r)
{
	line_u64(l, r->s->peer_port);
}

static void put_proto(struct line *l, const struct out_row *r, bool plain)
{
	static const char names[2][16] = { "tcp", "tcp6" };
	bool v6 = r->s->family == AF_INET6;

	(void)plain;
	line_put16(l, names[v6], v6 ? 4 : 3);
}

static void json_proto(struct line *l, const struct out_row *r)
{
	line_putc(l, '"');
	put_proto(l, r, false);
	line_putc(l, '"');
}

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

static void json_state(struct line *l, const struct out_row *r)
{
	line_putc(l, '"');
	put_state(l, r, false);
	line_putc(l, '"');
}

/* ---- the timer ---------------------------------------------------------- */

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

static void json_timer(struct line *l, const struct out_row *r)
{
	line_putc(l, '"');
	put_timer_kind(l, r->s);
	line_putc(l, '"');
}

/* ---- owners ------------------------------------------------------------- */

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

/* The label may be any /run/netns name: in a cell, odd bytes are '?' as for comm. */
static void put_netns(struct line *l, const struct out_row *r, bool plain)
{
	if (!r->netns || !r->netns[0]) {
		line_putc(l, '-');
		return;
	}
	put_comm(l, r->netns, plain);
}

static void json_netns(struct line *l, const struct out_row *r)
{
	const char *label = r->netns ? r->netns : "-";

	json_string(l, label, strlen(label));
}

NUMBER_FIELD(netns_ino, r->s->netns)

/* ---- the registry ------------------------------------------------------- */

const struct out_field out_fields[OUT_F_COUNT] = {
	[OUT_F_PROTO] = { "proto", "Proto", "proto", 5, false, put_proto, json_proto,
			  "tcp or tcp6" },
	[OUT_F_RECV_Q] = { "recv-q", "Recv-Q", "recv_q", 6, true, put_recv_q, json_recv_q,
			   "bytes not read yet; LISTEN: connections to accept", number_recv_q },
	[OUT_F_SEND_Q] = { "send-q", "Send-Q", "send_q", 6, true, put_send_q, json_send_q,
			   "bytes not acknowledged yet; LISTEN: backlog (netlink)", number_send_q },
	[OUT_F_LOCAL] = { "local", "Local Address", NULL, 23, false, put_local, NULL,
			  "local address:port" },
	[OUT_F_PEER] = { "peer", "Foreign Address", NULL, 23, false, put_peer, NULL,
			 "foreign address:port" },
	[OUT_F_LOCAL_ADDR] = { "local-addr", "Local-Addr", "local_addr", 15, false,
			       put_local_addr, json_local_addr,
			       "local address alone (IPv6 without brackets)" },
	[OUT_F_LOCAL_PORT] = { "local-port", "L-Port", "local_port", 6, true, put_local_port,
			       json_local_port, "local port (* for none)" },
	[OUT_F_PEER_ADDR] = { "peer-addr", "Peer-Addr", "peer_addr", 15, false, put_peer_addr,
			      json_peer_addr, "foreign address alone" },
	[OUT_F_PEER_PORT] = { "peer-port", "P-Port", "peer_port", 6, true, put_peer_port,
			      json_peer_port, "foreign port (* for none)" },
	[OUT_F_STATE] = { "state", "State", "state", 11, false, put_state, json_state,
			  "TCP state, netstat's names" },
	[OUT_F_UID] = { "uid", "User", "uid", 10, false, put_uid, json_uid,
			"owner's uid (0 for TIME_WAIT)", number_uid },
	[OUT_F_INODE] = { "inode", "Inode", "inode", 10, false, put_inode, json_inode,
			  "socket inode (0 for TIME_WAIT)", number_inode },
	[OUT_F_TIMER] = { "timer", "Timer", "timer", 0, false, put_timer, json_timer,
			  "kind (seconds left/retransmits/probes), as netstat -o;\n"
			  "              plain (-H -O): kind(seconds/retransmits/probes)" },
	[OUT_F_PROCESS] = { "process", "PID/Program name", NULL, 20, false, put_process, NULL,
			    "pid/program of each process holding it (- for none)" },
	[OUT_F_NETNS] = { "netns", "NETNS", "netns", 16, false, put_netns, json_netns,
			  "network namespace: /run/netns name, else pid/comm in it", NULL },
	[OUT_F_TIMER_MS] = { NULL, NULL, "timer_ms", 0, false, put_timer_ms, json_timer_ms, NULL,
			     number_timer_ms },
	[OUT_F_RETRANS] = { NULL, NULL, "retrans", 0, false, put_retrans, json_retrans, NULL,
			    number_retrans },
	[OUT_F_PROBES] = { NULL, NULL, "probes", 0, false, put_probes, json_probes, NULL,
			   number_probes },
	[OUT_F_PIDS] = { NULL, NULL, "pids", 0, false, NULL, json_pids, NULL },
	[OUT_F_PROGRAMS] = { NULL, NULL, "programs", 0, false, NULL, json_programs, NULL },
	[OUT_F_NETNS_INO] = { NULL, NULL, "netns_ino", 0, false, put_netns_ino, json_netns_ino,
			      NULL, number_netns_ino },
};

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
