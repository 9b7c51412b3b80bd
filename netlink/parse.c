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
#include <linux/tcp.h>
#include <libmnl/libmnl.h>

#include "netlink.h"

/*
 * Kernels before 5.5 reported a timer that had already fired as a huge
 * unsigned value (a negative delta); no real TCP timer is that long.
 */
#define EXPIRES_MAX 0x7fffffffu

/*
 * parse_msg sets every field before info one by one (no memset): a field
 * added there must be set there too, and this sum updated.
 */
_Static_assert(sizeof(struct tcpstat_sock) ==
	       3 * 8 + 2 * 16 + 8 * 4 + 2 * 2 + 4 + sizeof(struct tcpstat_info) +
	       sizeof(struct tcpstat_mem), "struct tcpstat_sock has padding");
_Static_assert(sizeof(struct tcpstat_info) ==
	       8 * (TCPSTAT_I64_COUNT + 1) + 4 * (TCPSTAT_I32_COUNT + 1) + TCPSTAT_CONG_MAX,
	       "struct tcpstat_info has padding");

/* Where each kept field lies in the kernel's struct tcp_info. */
#define TI(field) offsetof(struct tcp_info, field), sizeof(((struct tcp_info *)0)->field)
static const struct { uint16_t off, size; } info32_at[TCPSTAT_I32_COUNT] = {
	[TCPSTAT_I_RTT] = { TI(tcpi_rtt) },
	[TCPSTAT_I_RTTVAR] = { TI(tcpi_rttvar) },
	[TCPSTAT_I_MIN_RTT] = { TI(tcpi_min_rtt) },
	[TCPSTAT_I_RTO] = { TI(tcpi_rto) },
	[TCPSTAT_I_ATO] = { TI(tcpi_ato) },
	[TCPSTAT_I_MSS] = { TI(tcpi_snd_mss) },
	[TCPSTAT_I_RCV_MSS] = { TI(tcpi_rcv_mss) },
	[TCPSTAT_I_ADVMSS] = { TI(tcpi_advmss) },
	[TCPSTAT_I_PMTU] = { TI(tcpi_pmtu) },
	[TCPSTAT_I_CWND] = { TI(tcpi_snd_cwnd) },
	[TCPSTAT_I_SSTHRESH] = { TI(tcpi_snd_ssthresh) },
	[TCPSTAT_I_REORDERING] = { TI(tcpi_reordering) },
	[TCPSTAT_I_SEGS_IN] = { TI(tcpi_segs_in) },
	[TCPSTAT_I_SEGS_OUT] = { TI(tcpi_segs_out) },
	[TCPSTAT_I_DATA_SEGS_IN] = { TI(tcpi_data_segs_in) },
	[TCPSTAT_I_DATA_SEGS_OUT] = { TI(tcpi_data_segs_out) },
	[TCPSTAT_I_RETRANS] = { TI(tcpi_retrans) },
	[TCPSTAT_I_TOTAL_RETRANS] = { TI(tcpi_total_retrans) },
	[TCPSTAT_I_LOST] = { TI(tcpi_lost) },
	[TCPSTAT_I_SACKED] = { TI(tcpi_sacked) },
	[TCPSTAT_I_UNACKED] = { TI(tcpi_unacked) },
	[TCPSTAT_I_NOTSENT] = { TI(tcpi_notsent_bytes) },
	[TCPSTAT_I_LAST_SEND] = { TI(tcpi_last_data_sent) },
	[TCPSTAT_I_LAST_RECV] = { TI(tcpi_last_data_recv) },
	[TCPSTAT_I_LAST_ACK] = { TI(tcpi_last_ack_recv) },
	/* One byte each, in the first 8 bytes (bit fields: no offsetof). */
	[TCPSTAT_I_SND_WSCALE] = { 6, 1 },
	[TCPSTAT_I_RCV_WSCALE] = { 6, 1 },
	[TCPSTAT_I_OPTIONS] = { TI(tcpi_options) },
	[TCPSTAT_I_APP_LIMITED] = { 7, 1 },
};
static const struct { uint16_t off, size; } info64_at[TCPSTAT_I64_COUNT] = {
	[TCPSTAT_I_BYTES_SENT] = { TI(tcpi_bytes_sent) },
	[TCPSTAT_I_BYTES_ACKED] = { TI(tcpi_bytes_acked) },
	[TCPSTAT_I_BYTES_RECEIVED] = { TI(tcpi_bytes_received) },
	[TCPSTAT_I_BYTES_RETRANS] = { TI(tcpi_bytes_retrans) },
	[TCPSTAT_I_DELIVERY_RATE] = { TI(tcpi_delivery_rate) },
	[TCPSTAT_I_PACING_RATE] = { TI(tcpi_pacing_rate) },
	[TCPSTAT_I_BUSY] = { TI(tcpi_busy_time) },
	[TCPSTAT_I_RWND_LIMITED] = { TI(tcpi_rwnd_limited) },
	[TCPSTAT_I_SNDBUF_LIMITED] = { TI(tcpi_sndbuf_limited) },
};
#undef TI

/* Whether a field at off, size bytes, lies inside the len bytes the kernel sent. */
static bool reached(size_t off, size_t size, size_t len)
{
	return off + size <= len;
}

/*
 * INET_DIAG_INFO: the kernel's tcp_info, which grows with kernel versions.
 * Only the bytes it sent are copied (into a zeroed struct), and only the
 * fields inside them are marked present.
 */
static void parse_info(const struct nlattr *a, struct tcpstat_info *info)
{
	struct tcp_info ti;
	size_t len = mnl_attr_get_payload_len(a);
	uint32_t v32[TCPSTAT_I32_COUNT];

	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, mnl_attr_get_payload(a), len < sizeof(ti) ? len : sizeof(ti));
	info->len = (uint32_t)len;
	for (int i = 0; i < TCPSTAT_I32_COUNT; i++)
		if (info32_at[i].size == sizeof(v32[i]))
			memcpy(&v32[i], (const uint8_t *)&ti + info32_at[i].off, sizeof(v32[i]));
	v32[TCPSTAT_I_SND_WSCALE] = ti.tcpi_snd_wscale;
	v32[TCPSTAT_I_RCV_WSCALE] = ti.tcpi_rcv_wscale;
	v32[TCPSTAT_I_OPTIONS] = ti.tcpi_options;
	v32[TCPSTAT_I_APP_LIMITED] = ti.tcpi_delivery_rate_app_limited;
	for (int i = 0; i < TCPSTAT_I32_COUNT; i++) {
		if (!reached(info32_at[i].off, info32_at[i].size, len))
			continue;
		info->u32[i] = v32[i];
		info->have |= TCPSTAT_HAVE_I32(i);
	}
	for (int i = 0; i < TCPSTAT_I64_COUNT; i++) {
		if (!reached(info64_at[i].off, info64_at[i].size, len))
			continue;
		memcpy(&info->u64[i], (const uint8_t *)&ti + info64_at[i].off, 8);
		info->have |= TCPSTAT_HAVE_I64(i);
	}
}

/* INET_DIAG_CONG: a NUL-ended name; a longer one is cut, never read past. */
static void parse_cong(const struct nlattr *a, struct tcpstat_info *info)
{
	const char *name = mnl_attr_get_payload(a);
	size_t len = strnlen(name, mnl_attr_get_payload_len(a));

	if (len >= sizeof(info->cong))
		len = sizeof(info->cong) - 1;
	memcpy(info->cong, name, len);
	if (len > 0)
		info->have |= TCPSTAT_HAVE_CONG;
}

/* INET_DIAG_SKMEMINFO: SK_MEMINFO_VARS u32s, fewer on older kernels. */
static void parse_mem(const struct nlattr *a, struct tcpstat_mem *mem)
{
	size_t n = mnl_attr_get_payload_len(a) / sizeof(uint32_t);

	if (n > TCPSTAT_M_COUNT)
		n = TCPSTAT_M_COUNT;
	memcpy(mem->v, mnl_attr_get_payload(a), n * sizeof(uint32_t));
	mem->n = (uint32_t)n;
}

/* The attributes -i and -m ask for; they come only when asked (idiag_ext). */
static void parse_attr(const struct nlattr *a, struct tcpstat_sock *out)
{
	/*
	 * A listener's tcp_info is its queue sizes and zeros that read like
	 * data: tcpstat shows none (memory, though, is the listener's own).
	 */
	bool listener = out->state == TCPSTAT_LISTEN;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case INET_DIAG_INFO:
		if (listener)
			break;
		parse_info(a, &out->info);
		out->present |= TCPSTAT_HAS_INFO;
		break;
	case INET_DIAG_CONG:
		if (listener)
			break;
		parse_cong(a, &out->info);
		out->present |= TCPSTAT_HAS_INFO;
		break;
	case INET_DIAG_SKMEMINFO:
		parse_mem(a, &out->mem);
		out->present |= TCPSTAT_HAS_MEMORY;
		break;
	default:
		break;
	}
}

/* The attribute types parse_attr reads: most messages have none of them. */
#define KNOWN_ATTRS (1u << INET_DIAG_INFO | 1u << INET_DIAG_CONG | 1u << INET_DIAG_SKMEMINFO)

/*
 * The attributes must tile the rest of the payload exactly (mnl_attr_ok's
 * checks, done inline: this runs for every socket); out gets those
 * parse_attr knows.
 */
static bool attrs_parse(const struct nlmsghdr *nlh, size_t offset, struct tcpstat_sock *out)
{
	const uint8_t *p = (const uint8_t *)nlh + NLMSG_HDRLEN + MNL_ALIGN(offset);
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t rest;

	if (MNL_ALIGN(offset) > payload)
		return false;
	rest = payload - MNL_ALIGN(offset);
	while (rest > 0) {
		const struct nlattr *attr = (const struct nlattr *)p;
		unsigned type;

		if (rest < sizeof(*attr) || attr->nla_len < sizeof(*attr) || attr->nla_len > rest)
			return false;
		type = attr->nla_type & NLA_TYPE_MASK;
		if (type < 32 && (KNOWN_ATTRS & (1u << type)))
			parse_attr(attr, out);
		/* The last attribute may lack its padding. */
		if ((size_t)MNL_ALIGN(attr->nla_len) >= rest)
			return true;
		rest -= (size_t)MNL_ALIGN(attr->nla_len);
		p += MNL_ALIGN(attr->nla_len);
	}
	return true;
}

/* The tcp_info and memory parts: most of the record, and mostly unused. */
static void zero_parts(struct tcpstat_sock *out)
{
	memset(&out->info, 0, sizeof(*out) - offsetof(struct tcpstat_sock, info));
}

/*
 * nl_parse_msg for an out whose info and mem parts are zero already: a
 * dump keeps one record and clears those parts only after a record that
 * filled them, so a plain listing never pays for them.
 */
static int parse_msg(const struct nlmsghdr *nlh, struct tcpstat_sock *out)
{
	const struct inet_diag_msg *m;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*m))
		return -EBADMSG;
	m = NLMSG_DATA(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return -EBADMSG;
	/*
	 * Every byte before info is set below, so no memset first (this runs
	 * per socket); copies of a constant size are moves, not calls.
	 */
	if (m->idiag_family == AF_INET) {
		memset(out->local_addr, 0, sizeof(out->local_addr) + sizeof(out->peer_addr));
		memcpy(out->local_addr, m->id.idiag_src, 4);
		memcpy(out->peer_addr, m->id.idiag_dst, 4);
	} else {
		memcpy(out->local_addr, m->id.idiag_src, 16);
		memcpy(out->peer_addr, m->id.idiag_dst, 16);
	}
	out->netns = 0;
	out->timer_ms = 0;
	out->retrans = 0;
	out->probes = 0;
	out->reserved = 0;
	out->family = m->idiag_family;
	out->state = m->idiag_state;
	out->timer = m->idiag_timer;
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
	return attrs_parse(nlh, sizeof(*m), out) ? 0 : -EBADMSG;
}

int nl_parse_msg(const struct nlmsghdr *nlh, struct tcpstat_sock *out)
{
	zero_parts(out);
	return parse_msg(nlh, out);
}

struct batch {
	struct tcpstat_sock sock;  /* the record being filled; parts kept zero */
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
	int rc;

	/* The same inet_diag_msg under either request's type. */
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK)
		return bad_message(b, "unexpected message type");
	if (parse_msg(nlh, &b->sock) < 0)
		return bad_message(b, "bad inet_diag message");
	(*b->emitted)++;
	rc = b->emit(&b->sock, b->arg);
	if (b->sock.present & (TCPSTAT_HAS_INFO | TCPSTAT_HAS_MEMORY))
		zero_parts(&b->sock);
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

	zero_parts(&b.sock);

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
