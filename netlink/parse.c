/*
 * parse.c - turn inet_diag replies into records. Every byte from the kernel
 * is checked before it is used: message and attribute lengths, the family,
 * the message type.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "netlink.h"

/*
 * Kernels before 5.5 reported a timer that had already fired as a huge
 * unsigned value (a negative delta); no real TCP timer is that long.
 */
#define EXPIRES_MAX 0x7fffffffu

/* The attributes must tile the rest of the payload exactly. */
static bool attrs_well_formed(const struct nlmsghdr *nlh, size_t offset)
{
	const struct nlattr *attr = mnl_nlmsg_get_payload_offset(nlh, offset);
	size_t payload = mnl_nlmsg_get_payload_len(nlh);
	int rest;

	if (MNL_ALIGN(offset) > payload)
		return false;
	rest = (int)(payload - MNL_ALIGN(offset));
	while (rest > 0) {
		if (!mnl_attr_ok(attr, rest))
			return false;
		rest -= (int)MNL_ALIGN(attr->nla_len);
		attr = mnl_attr_next(attr);
	}
	return true;
}

int nl_parse_msg(const struct nlmsghdr *nlh, struct tcpstat_sock *out)
{
	const struct inet_diag_msg *m;
	size_t addr_len;

	if (nlh->nlmsg_len < NLMSG_HDRLEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return -EBADMSG;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family == AF_INET)
		addr_len = 4;
	else if (m->idiag_family == AF_INET6)
		addr_len = 16;
	else
		return -EBADMSG;
	if (!attrs_well_formed(nlh, sizeof(*m)))
		return -EBADMSG;

	memset(out, 0, sizeof(*out));
	out->family = m->idiag_family;
	out->state = m->idiag_state;
	out->timer = m->idiag_timer;
	memcpy(out->local_addr, m->id.idiag_src, addr_len);
	memcpy(out->peer_addr, m->id.idiag_dst, addr_len);
	out->local_port = ntohs(m->id.idiag_sport);
	out->peer_port = ntohs(m->id.idiag_dport);
	out->recv_q = m->idiag_rqueue;
	out->send_q = m->idiag_wqueue;
	out->uid = m->idiag_uid;
	out->inode = m->idiag_inode;
	/* The cookie is two host-order halves, low first (sock_diag_save_cookie). */
	out->cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	out->ifindex = m->id.idiag_if;
	out->present = TCPSTAT_HAS_KERNEL_ID;
	if (out->timer != TCPSTAT_TIMER_OFF && m->idiag_expires <= EXPIRES_MAX)
		out->timer_ms = m->idiag_expires;
	/*
	 * idiag_retrans holds retransmits for the retransmit timer and
	 * unanswered probes for the keepalive and zero-window timers.
	 */
	if (out->timer == TCPSTAT_TIMER_KEEPALIVE || out->timer == TCPSTAT_TIMER_PROBE)
		out->probes = m->idiag_retrans;
	else if (out->timer == TCPSTAT_TIMER_ON)
		out->retrans = m->idiag_retrans;
	return 0;
}

struct batch {
	tcpstat_emit_fn *emit;
	void *arg;
	int stopped;
	int errnum;
	unsigned long *emitted;
	struct tcpstat_error *err;
};

static int bad_message(struct batch *b, const char *what)
{
	b->errnum = EBADMSG;
	snprintf(b->err->msg, sizeof(b->err->msg), "netlink: malformed reply (%s)", what);
	return MNL_CB_ERROR;
}

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct batch *b = data;
	struct tcpstat_sock sock;
	int rc;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return bad_message(b, "unexpected message type");
	if (nl_parse_msg(nlh, &sock) < 0)
		return bad_message(b, "bad inet_diag message");
	(*b->emitted)++;
	rc = b->emit(&sock, b->arg);
	if (rc != 0) {
		b->stopped = rc;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int on_error(const struct nlmsghdr *nlh, void *data)
{
	struct batch *b = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return bad_message(b, "short NLMSG_ERROR");
	if (e->error == 0)      /* An acknowledgement: nothing more comes. */
		return MNL_CB_STOP;
	/* A value no errno can be (INT_MIN would also overflow on negation). */
	b->errnum = e->error < 0 && e->error > -4096 ? -e->error : EPROTO;
	snprintf(b->err->msg, sizeof(b->err->msg), "netlink: inet_diag request refused");
	return MNL_CB_ERROR;
}

/* A dump that failed part way ends with NLMSG_DONE carrying the error. */
static int on_done(const struct nlmsghdr *nlh, void *data)
{
	struct batch *b = data;
	int status;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(status))
		return MNL_CB_STOP;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status >= 0)
		return MNL_CB_STOP;
	b->errnum = status > -4096 ? -status : EPROTO;
	snprintf(b->err->msg, sizeof(b->err->msg), "netlink: inet_diag dump failed");
	return MNL_CB_ERROR;
}

static int on_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int on_overrun(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	return bad_message(data, "NLMSG_OVERRUN");
}

/* Whether buf holds whole messages only (the last may lack its padding). */
static bool messages_tile(const uint8_t *buf, size_t len)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return false;
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off >= len)
			return true;
	}
	return off == len;
}

/*
 * libmnl's mnl_cb_run2, with the same checks in the same order (port,
 * sequence, interrupted dump, then the message by type), inline: it is
 * run once per socket, and its calls were a tenth of a listing's time.
 * The buffer is known to tile (messages_tile).
 */
static int run_messages(const uint8_t *buf, size_t len, uint32_t seq, uint32_t portid,
			struct batch *b, const mnl_cb_t ctl[NLMSG_MIN_TYPE])
{
	size_t off = 0;
	int rc = MNL_CB_OK;

	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nlh = (const void *)(buf + off);

		if (nlh->nlmsg_pid && portid && nlh->nlmsg_pid != portid) {
			errno = ESRCH;
			return MNL_CB_ERROR;
		}
		if (nlh->nlmsg_seq && seq && nlh->nlmsg_seq != seq) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
			errno = EINTR;
			return MNL_CB_ERROR;
		}
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			rc = on_data(nlh, b);
		else if (ctl[nlh->nlmsg_type])
			rc = ctl[nlh->nlmsg_type](nlh, b);
		if (rc <= MNL_CB_STOP)
			return rc;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (off >= len)
			break;
	}
	return rc;
}

int nl_parse_batch(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   tcpstat_emit_fn *emit, void *arg, int *stopped,
		   unsigned long *emitted, struct tcpstat_error *err)
{
	/* With a control table every control type is ours to handle. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = on_noop,
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
		[NLMSG_OVERRUN] = on_overrun,
	};
	struct batch b = { .emit = emit, .arg = arg, .emitted = emitted, .err = err };
	int rc;

	*stopped = 0;
	if (len > INT32_MAX)
		return -EMSGSIZE;
	/*
	 * libmnl stops quietly at a truncated message, and its length check
	 * is signed: a length past 2^31 would pass it. Walk the buffer first.
	 */
	if (!messages_tile(buf, len)) {
		bad_message(&b, "truncated message");
		err->errnum = EBADMSG;
		return -EBADMSG;
	}

	errno = 0;
	rc = run_messages(buf, len, seq, portid, &b, ctl);
	if (rc == MNL_CB_ERROR) {
		if (b.errnum == 0) {
			b.errnum = errno ? errno : EIO;
			if (b.errnum == EINTR)
				snprintf(err->msg, sizeof(err->msg),
					 "netlink: dump interrupted by a change of the socket tables");
			else
				snprintf(err->msg, sizeof(err->msg),
					 "netlink: unexpected reply (sequence or port)");
		}
		err->errnum = b.errnum;
		return -b.errnum;
	}
	if (rc == MNL_CB_STOP) {
		*stopped = b.stopped;
		return NL_BATCH_DONE;
	}
	return NL_BATCH_MORE;
}
