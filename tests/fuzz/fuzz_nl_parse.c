/*
 * fuzz_nl_parse.c - nl_parse_batch on any buffer of netlink messages,
 * checked against a model written here from the protocol, not from
 * parse.c or libmnl: the messages must tile the buffer; each must be for
 * our sequence number and port (0 matches any); NLM_F_DUMP_INTR is EINTR;
 * SOCK_DIAG_BY_FAMILY (or TCPDIAG_GETSOCK, the type of replies to the
 * legacy request for both families) carries an inet_diag_msg of family AF_INET or
 * AF_INET6 and attributes that tile the rest; NLMSG_ERROR is an ack (0) or
 * an errno; NLMSG_DONE ends the dump, with an errno when negative; NLMSG_NOOP
 * and unknown control types are skipped; NLMSG_OVERRUN and other data
 * types are malformed. The records must equal the model's, field for
 * field, in order, and the outcome (more, done, stopped, which errno) too.
 *
 * Input: byte 0 says after how many records emit stops (0: never), the
 * rest is the buffer, received with seq 0x01020304 by port 0x05060708.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "netlink.h"

#define SEQ 0x01020304u
#define PORTID 0x05060708u
#define MAX_RECORDS 4096

enum outcome { OUT_MORE, OUT_DONE, OUT_STOPPED, OUT_ERROR };

struct model {
	enum outcome outcome;
	int errnum;
	size_t n;
	struct tcpstat_sock recs[MAX_RECORDS];
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Whether [p, p + len) is a run of well-formed attributes. */
static bool attrs_tile(const uint8_t *p, size_t len)
{
	while (len > 0) {
		uint16_t alen;

		if (len < 4)
			return false;
		memcpy(&alen, p, 2);
		if (alen < 4 || alen > len)
			return false;
		if (align4(alen) >= len)
			return true;
		p += align4(alen);
		len -= align4(alen);
	}
	return true;
}

/* One SOCK_DIAG_BY_FAMILY or TCPDIAG_GETSOCK payload into the record's checked fields; false: malformed. */
static bool model_sock(const uint8_t *pl, size_t len, struct tcpstat_sock *s)
{
	struct inet_diag_msg m;
	size_t alen;

	if (len < sizeof(m))
		return false;
	memcpy(&m, pl, sizeof(m));
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return false;
	if (!attrs_tile(pl + sizeof(m), len - sizeof(m)))
		return false;
	alen = m.idiag_family == AF_INET ? 4 : 16;
	memset(s, 0, sizeof(*s));
	s->family = m.idiag_family;
	s->state = m.idiag_state;
	s->timer = m.idiag_timer;
	memcpy(s->local_addr, m.id.idiag_src, alen);
	memcpy(s->peer_addr, m.id.idiag_dst, alen);
	s->local_port = ntohs(m.id.idiag_sport);
	s->peer_port = ntohs(m.id.idiag_dport);
	s->recv_q = m.idiag_rqueue;
	s->send_q = m.idiag_wqueue;
	s->uid = m.idiag_uid;
	s->inode = m.idiag_inode;
	return true;
}

static void model_error(struct model *md, int errnum)
{
	md->outcome = OUT_ERROR;
	md->errnum = errnum;
}

/* Whether the messages tile buf exactly (the last may lack its padding). */
static bool model_tiles(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		uint32_t mlen;

		if (len - off < 16)
			return false;
		mlen = get32(buf + off);
		if (mlen < 16 || mlen > len - off)
			return false;
		off += align4(mlen);
	}
	return true;
}

/* One message; returns whether to go on. */
static bool model_msg(struct model *md, const uint8_t *h, unsigned stop_at)
{
	uint32_t mlen = get32(h), seq = get32(h + 8), pid = get32(h + 12);
	uint16_t type, flags;
	const uint8_t *pl = h + 16;
	size_t plen = mlen - 16;
	int32_t v;

	memcpy(&type, h + 4, 2);
	memcpy(&flags, h + 6, 2);
	if (pid != 0 && pid != PORTID) {
		model_error(md, ESRCH);
		return false;
	}
	if (seq != 0 && seq != SEQ) {
		model_error(md, EPROTO);
		return false;
	}
	if (flags & NLM_F_DUMP_INTR) {
		model_error(md, EINTR);
		return false;
	}
	if (type == SOCK_DIAG_BY_FAMILY || type == TCPDIAG_GETSOCK) {
		if (md->n == MAX_RECORDS || !model_sock(pl, plen, &md->recs[md->n])) {
			model_error(md, EBADMSG);
			return false;
		}
		if (++md->n == stop_at) {
			md->outcome = OUT_STOPPED;
			return false;
		}
		return true;
	}
	if (type >= NLMSG_MIN_TYPE || type == NLMSG_OVERRUN) {
		model_error(md, EBADMSG);
		return false;
	}
	if (type == NLMSG_ERROR) {
		if (plen < sizeof(struct nlmsgerr)) {
			model_error(md, EBADMSG);
			return false;
		}
		memcpy(&v, pl, 4);
		if (v == 0)
			md->outcome = OUT_DONE;
		else
			model_error(md, v < 0 && v > -4096 ? -v : EPROTO);
		return false;
	}
	if (type == NLMSG_DONE) {
		if (plen >= 4) {
			memcpy(&v, pl, 4);
			if (v < 0) {
				model_error(md, v > -4096 ? -v : EPROTO);
				return false;
			}
		}
		md->outcome = OUT_DONE;
		return false;
	}
	return true;        /* NLMSG_NOOP and the unnamed control types */
}

static void model_run(struct model *md, const uint8_t *buf, size_t len, unsigned stop_at)
{
	size_t off = 0;

	md->outcome = OUT_MORE;
	md->n = 0;
	if (!model_tiles(buf, len)) {
		model_error(md, EBADMSG);
		return;
	}
	while (off < len && model_msg(md, buf + off, stop_at))
		off += align4(get32(buf + off));
}

struct got {
	size_t n;
	unsigned stop_at;
	const struct model *md;
};

static bool same_fields(const struct tcpstat_sock *a, const struct tcpstat_sock *b)
{
	return a->family == b->family && a->state == b->state && a->timer == b->timer &&
	       !memcmp(a->local_addr, b->local_addr, 16) && !memcmp(a->peer_addr, b->peer_addr, 16) &&
	       a->local_port == b->local_port && a->peer_port == b->peer_port &&
	       a->recv_q == b->recv_q && a->send_q == b->send_q && a->uid == b->uid &&
	       a->inode == b->inode;
}

static int on_sock(const struct tcpstat_sock *s, void *arg)
{
	struct got *g = arg;

	if (g->n >= g->md->n || !same_fields(s, &g->md->recs[g->n]))
		abort();
	g->n++;
	return g->n == g->stop_at ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model md;
	struct tcpstat_error err = { 0 };
	struct got g = { 0 };
	unsigned long emitted = 0;
	uint8_t *buf;
	int stopped, rc;

	if (size < 1)
		return 0;
	g.stop_at = data[0];
	g.md = &md;
	/* Aligned, as a receive buffer is, and exactly as long as the data. */
	buf = malloc(size - 1 ? size - 1 : 1);
	memcpy(buf, data + 1, size - 1);
	model_run(&md, buf, size - 1, g.stop_at);
	rc = nl_parse_batch(buf, size - 1, SEQ, PORTID, on_sock, &g, &stopped, &emitted, &err);
	free(buf);
	if (g.n != md.n || emitted != md.n)
		abort();
	switch (md.outcome) {
	case OUT_MORE:
		if (rc != NL_BATCH_MORE)
			abort();
		break;
	case OUT_DONE:
		if (rc != NL_BATCH_DONE || stopped != 0)
			abort();
		break;
	case OUT_STOPPED:
		if (rc != NL_BATCH_DONE || stopped != 7)
			abort();
		break;
	case OUT_ERROR:
		if (rc != -md.errnum || err.errnum != md.errnum || err.msg[0] == '\0')
			abort();
		break;
	}
	return 0;
}
