/*
 * print.c - netstat's table: "Proto Recv-Q Send-Q Local Address Foreign
 * Address State", with netstat's widths so old awk habits keep working.
 * Rows are built in a buffer by hand rather than with printf, which is
 * most of the time of a listing of 100k sockets.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "print.h"

#define ADDR_WIDTH 23
#define STATE_WIDTH 11
#define USER_WIDTH 10
#define INODE_WIDTH 10

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

/* A bounded line under construction; what does not fit is dropped. */
struct line {
	char *buf;
	size_t size, len;
};

static void put_mem(struct line *l, const char *s, size_t n)
{
	if (n > l->size - 1 - l->len)
		n = l->size - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void put_str(struct line *l, const char *s)
{
	put_mem(l, s, strlen(s));
}

static void put_spaces(struct line *l, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		put_mem(l, spaces, chunk);
		n -= chunk;
	}
}

/* Pads the field that began at `from` to width. */
static void pad_from(struct line *l, size_t from, size_t width)
{
	if (l->len - from < width)
		put_spaces(l, width - (l->len - from));
}

/* Decimal digits of v, right-aligned in tmp; returns the first digit. */
static char *u64_digits(char tmp[24], uint64_t v)
{
	char *p = tmp + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static void put_u64(struct line *l, uint64_t v)
{
	char tmp[24];

	put_str(l, u64_digits(tmp, v));
}

static void put_u64_right(struct line *l, uint64_t v, size_t width)
{
	char tmp[24];
	const char *d = u64_digits(tmp, v);
	size_t n = strlen(d);

	if (n < width)
		put_spaces(l, width - n);
	put_mem(l, d, n);
}

static void put_endpoint(struct line *l, int family, const uint8_t addr[16], uint16_t port)
{
	if (family == AF_INET6) {
		char text[INET6_ADDRSTRLEN];

		if (!inet_ntop(AF_INET6, addr, text, sizeof(text)))
			strcpy(text, "?");
		put_mem(l, "[", 1);
		put_str(l, text);
		put_mem(l, "]", 1);
	} else {
		for (int i = 0; i < 4; i++) {
			if (i > 0)
				put_mem(l, ".", 1);
			put_u64(l, addr[i]);
		}
	}
	put_mem(l, ":", 1);
	if (port == 0)
		put_mem(l, "*", 1);
	else
		put_u64(l, port);
}

size_t print_endpoint(char *buf, size_t size, int family, const uint8_t addr[16],
		      uint16_t port)
{
	struct line l = { buf, size, 0 };

	buf[0] = '\0';
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

static void put_timer(struct line *l, const struct tcpstat_sock *s)
{
	const char *name = timer_name(s->timer);
	/* netstat prints 0.00 for a timer that is off, whatever the count. */
	uint32_t ms = s->timer == TCPSTAT_TIMER_OFF ? 0 : s->timer_ms;
	unsigned centis = ms % 1000 / 10;

	if (name) {
		put_str(l, name);
	} else {
		put_str(l, "unkn-");
		put_u64(l, s->timer);
	}
	put_mem(l, " (", 2);
	put_u64(l, ms / 1000);
	put_mem(l, ".", 1);
	put_mem(l, (const char[]){ (char)('0' + centis / 10), (char)('0' + centis % 10) }, 2);
	put_mem(l, "/", 1);
	put_u64(l, s->retrans);
	put_mem(l, "/", 1);
	put_u64(l, s->probes);
	put_mem(l, ")", 1);
}

size_t print_timer(char *buf, size_t size, const struct tcpstat_sock *s)
{
	struct line l = { buf, size, 0 };

	buf[0] = '\0';
	put_timer(&l, s);
	return l.len;
}

size_t print_format_row(char *buf, size_t size, const struct tcpstat_sock *s,
			const struct print_opts *o)
{
	struct line l = { buf, size, 0 };
	size_t from;

	buf[0] = '\0';
	/* netstat: "%-4s  %6ld %6ld %-23s %-23s %-11s" */
	put_str(&l, s->family == AF_INET6 ? "tcp6" : "tcp ");
	put_mem(&l, "  ", 2);
	put_u64_right(&l, s->recv_q, 6);
	put_mem(&l, " ", 1);
	put_u64_right(&l, s->send_q, 6);
	put_mem(&l, " ", 1);
	from = l.len;
	put_endpoint(&l, s->family, s->local_addr, s->local_port);
	pad_from(&l, from, ADDR_WIDTH);
	put_mem(&l, " ", 1);
	from = l.len;
	put_endpoint(&l, s->family, s->peer_addr, s->peer_port);
	pad_from(&l, from, ADDR_WIDTH);
	put_mem(&l, " ", 1);
	from = l.len;
	put_str(&l, print_state_name(s->state));
	if (o->extend) {
		pad_from(&l, from, STATE_WIDTH);
		put_mem(&l, " ", 1);
		from = l.len;
		put_u64(&l, s->uid);
		pad_from(&l, from, USER_WIDTH);
		put_mem(&l, " ", 1);
		from = l.len;
		put_u64(&l, s->inode);
	}
	if (o->timers) {
		pad_from(&l, from, o->extend ? INODE_WIDTH : STATE_WIDTH);
		put_mem(&l, " ", 1);
		put_timer(&l, s);
	}
	put_mem(&l, "\n", 1);
	return l.len;
}

size_t print_format_header(char *buf, size_t size, const struct print_opts *o)
{
	struct line l = { buf, size, 0 };
	size_t from;

	buf[0] = '\0';
	put_str(&l, "Proto Recv-Q Send-Q ");
	from = l.len;
	put_str(&l, "Local Address");
	pad_from(&l, from, ADDR_WIDTH);
	put_mem(&l, " ", 1);
	from = l.len;
	put_str(&l, "Foreign Address");
	pad_from(&l, from, ADDR_WIDTH);
	put_mem(&l, " ", 1);
	from = l.len;
	put_str(&l, "State");
	if (o->extend) {
		pad_from(&l, from, STATE_WIDTH);
		put_mem(&l, " ", 1);
		from = l.len;
		put_str(&l, "User");
		pad_from(&l, from, USER_WIDTH);
		put_mem(&l, " ", 1);
		from = l.len;
		put_str(&l, "Inode");
	}
	if (o->timers) {
		pad_from(&l, from, o->extend ? INODE_WIDTH : STATE_WIDTH);
		put_str(&l, " Timer");
	}
	put_mem(&l, "\n", 1);
	return l.len;
}

int print_row(FILE *f, const struct tcpstat_sock *s, const struct print_opts *o)
{
	char buf[PRINT_LINE_MAX];
	size_t len = print_format_row(buf, sizeof(buf), s, o);

	return fwrite(buf, 1, len, f) == len ? 0 : -1;
}

int print_header(FILE *f, const struct print_opts *o)
{
	char buf[PRINT_LINE_MAX];
	size_t len = print_format_header(buf, sizeof(buf), o);

	return fwrite(buf, 1, len, f) == len ? 0 : -1;
}
