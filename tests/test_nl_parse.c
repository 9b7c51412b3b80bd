/*
 * test_nl_parse.c - the inet_diag reply parser on hand-built netlink
 * buffers: good records, multi-part batches, the kernel's errors, and every
 * way a message can be short, truncated or surprising.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <libmnl/libmnl.h>

#include "filter.h"
#include "lists.h"
#include "netlink.h"

#define SEQ 77
#define PORTID 1234

struct batch_buf {
	uint8_t data[4096] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *add_msg(struct batch_buf *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->data + b->len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = SEQ;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void close_msg(struct batch_buf *b, struct nlmsghdr *nlh)
{
	b->len += MNL_ALIGN(nlh->nlmsg_len);
	assert_true(b->len <= sizeof(b->data));
}

static struct inet_diag_msg base_msg(uint8_t family, uint8_t state)
{
	struct inet_diag_msg m;

	memset(&m, 0, sizeof(m));
	m.idiag_family = family;
	m.idiag_state = state;
	m.id.idiag_sport = htons(9999);
	m.id.idiag_dport = htons(50178);
	if (family == AF_INET) {
		inet_pton(AF_INET, "127.0.0.1", &m.id.idiag_src[0]);
		inet_pton(AF_INET, "127.0.0.2", &m.id.idiag_dst[0]);
	} else {
		inet_pton(AF_INET6, "::1", m.id.idiag_src);
		inet_pton(AF_INET6, "::ffff:127.0.0.1", m.id.idiag_dst);
	}
	m.idiag_rqueue = 3;
	m.idiag_wqueue = 128;
	m.idiag_uid = 1000;
	m.idiag_inode = 4242;
	return m;
}

static void add_sock(struct batch_buf *b, const struct inet_diag_msg *m, uint16_t flags)
{
	struct nlmsghdr *nlh = add_msg(b, SOCK_DIAG_BY_FAMILY, flags);

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(*m)), m, sizeof(*m));
	close_msg(b, nlh);
}

static void add_done(struct batch_buf *b, int status)
{
	struct nlmsghdr *nlh = add_msg(b, NLMSG_DONE, NLM_F_MULTI);

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(status)), &status, sizeof(status));
	close_msg(b, nlh);
}

static void add_error(struct batch_buf *b, int error)
{
	struct nlmsghdr *nlh = add_msg(b, NLMSG_ERROR, 0);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	close_msg(b, nlh);
}

struct sink {
	struct tcpstat_sock socks[8];
	unsigned n;
	int stop_with;
};

static int collect(const struct tcpstat_sock *s, void *arg)
{
	struct sink *k = arg;

	assert_true(k->n < 8);
	k->socks[k->n++] = *s;
	return k->stop_with;
}

struct outcome {
	int rc;
	int stopped;
	unsigned long emitted;
	struct tcpstat_error err;
	struct sink sink;
};

static void run(const struct batch_buf *b, size_t len, struct outcome *o)
{
	int stop_with = o->sink.stop_with;

	memset(o, 0, sizeof(*o));
	o->sink.stop_with = stop_with;
	o->rc = nl_parse_batch(b->data, len, SEQ, PORTID, collect, &o->sink, &o->stopped,
			       &o->emitted, &o->err);
}

static void test_timewait_v4(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_TIME_WAIT);
	struct outcome o = { .rc = 0 };
	const uint8_t lo[4] = { 127, 0, 0, 1 }, peer[4] = { 127, 0, 0, 2 };

	(void)state;
	m.idiag_timer = TCPSTAT_TIMER_TIMEWAIT;
	m.idiag_expires = 59120;
	add_sock(&b, &m, NLM_F_MULTI);
	add_done(&b, 0);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_DONE);
	assert_int_equal(o.stopped, 0);
	assert_int_equal(o.emitted, 1);
	assert_int_equal(o.sink.n, 1);
	const struct tcpstat_sock *s = &o.sink.socks[0];
	assert_int_equal(s->family, AF_INET);
	assert_int_equal(s->state, TCPSTAT_TIME_WAIT);
	assert_memory_equal(s->local_addr, lo, 4);
	assert_memory_equal(s->peer_addr, peer, 4);
	/* Only the first word of an IPv4 address is copied. */
	assert_int_equal(s->local_addr[4], 0);
	assert_int_equal(s->local_port, 9999);
	assert_int_equal(s->peer_port, 50178);
	assert_int_equal(s->recv_q, 3);
	assert_int_equal(s->send_q, 128);
	assert_int_equal(s->uid, 1000);
	assert_int_equal(s->inode, 4242);
	assert_int_equal(s->timer, TCPSTAT_TIMER_TIMEWAIT);
	assert_int_equal(s->timer_ms, 59120);
	/* Our own namespace: netns 0. Every netlink record carries the kernel id. */
	assert_int_equal(s->netns, 0);
	assert_int_equal(s->cookie, 0);
	assert_int_equal(s->present & TCPSTAT_HAS_KERNEL_ID, TCPSTAT_HAS_KERNEL_ID);
}

/* The kernel's socket id and the bound interface, as SOCK_DESTROY will need them. */
static void test_cookie_and_ifindex(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET6, TCPSTAT_ESTABLISHED);
	struct outcome o = { .rc = 0 };

	(void)state;
	m.id.idiag_cookie[0] = 0x89abcdefu;
	m.id.idiag_cookie[1] = 0x01234567u;
	m.id.idiag_if = 3;
	add_sock(&b, &m, NLM_F_MULTI);
	run(&b, b.len, &o);
	assert_int_equal(o.sink.n, 1);
	assert_true(o.sink.socks[0].cookie == 0x0123456789abcdefull);
	assert_int_equal(o.sink.socks[0].ifindex, 3);
	assert_true(o.sink.socks[0].present & TCPSTAT_HAS_KERNEL_ID);
}

static void test_v6_and_timers(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg on = base_msg(AF_INET6, TCPSTAT_ESTABLISHED);
	struct inet_diag_msg keepalive = on, expired = on, off = on;
	struct outcome o = { .rc = 0 };
	uint8_t want[16];

	(void)state;
	on.idiag_timer = TCPSTAT_TIMER_ON;
	on.idiag_retrans = 3;
	on.idiag_expires = 200;
	keepalive.idiag_timer = TCPSTAT_TIMER_KEEPALIVE;
	keepalive.idiag_retrans = 2;
	keepalive.idiag_expires = 7200000;
	/* Before Linux 5.5 an overdue timer read as a negative, i.e. huge, delay. */
	expired.idiag_timer = TCPSTAT_TIMER_ON;
	expired.idiag_expires = 0xfffffff0u;
	off.idiag_expires = 500;
	add_sock(&b, &on, NLM_F_MULTI);
	add_sock(&b, &keepalive, NLM_F_MULTI);
	add_sock(&b, &expired, NLM_F_MULTI);
	add_sock(&b, &off, NLM_F_MULTI);
	run(&b, b.len, &o);
	/* No NLMSG_DONE yet: the dump goes on. */
	assert_int_equal(o.rc, NL_BATCH_MORE);
	assert_int_equal(o.sink.n, 4);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", want);
	assert_memory_equal(o.sink.socks[0].peer_addr, want, 16);
	assert_int_equal(o.sink.socks[0].family, AF_INET6);
	assert_int_equal(o.sink.socks[0].retrans, 3);
	assert_int_equal(o.sink.socks[0].probes, 0);
	assert_int_equal(o.sink.socks[0].timer_ms, 200);
	assert_int_equal(o.sink.socks[1].retrans, 0);
	assert_int_equal(o.sink.socks[1].probes, 2);
	assert_int_equal(o.sink.socks[1].timer_ms, 7200000);
	assert_int_equal(o.sink.socks[2].timer_ms, 0);
	assert_int_equal(o.sink.socks[3].timer_ms, 0);
}

static void test_kernel_error(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };

	(void)state;
	add_error(&b, -EINVAL);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EINVAL);
	assert_int_equal(o.err.errnum, EINVAL);
	assert_string_equal(o.err.msg, "netlink: inet_diag request refused");
}

/* An error number no errno can be is reported as a protocol error. */
static void test_absurd_error(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };

	(void)state;
	add_error(&b, INT32_MIN);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EPROTO);
	b.len = 0;
	add_done(&b, INT32_MIN);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EPROTO);
}

static void test_short_error(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct nlmsghdr *nlh = add_msg(&b, NLMSG_ERROR, 0);
	struct outcome o = { .rc = 0 };

	(void)state;
	mnl_nlmsg_put_extra_header(nlh, 4);      /* an nlmsgerr needs 20 */
	close_msg(&b, nlh);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EBADMSG);
	assert_string_equal(o.err.msg, "netlink: malformed reply (short NLMSG_ERROR)");
}

static void test_done_with_error(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };

	(void)state;
	add_done(&b, -ENOBUFS);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -ENOBUFS);
	assert_string_equal(o.err.msg, "netlink: inet_diag dump failed");
}

static void test_dump_interrupted(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct outcome o = { .rc = 0 };

	(void)state;
	add_sock(&b, &m, NLM_F_MULTI);
	add_sock(&b, &m, NLM_F_MULTI | NLM_F_DUMP_INTR);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EINTR);
	assert_int_equal(o.emitted, 1);      /* the caller retries only when 0 */
}

static void test_truncated_buffer(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct outcome o = { .rc = 0 };

	(void)state;
	add_sock(&b, &m, NLM_F_MULTI);
	add_sock(&b, &m, NLM_F_MULTI);
	/* Every cut through the second message is noticed, none crashes. */
	for (size_t len = b.len / 2 + 1; len < b.len; len++) {
		run(&b, len, &o);
		assert_int_equal(o.rc, -EBADMSG);
		assert_int_equal(o.sink.n, 0);
		assert_string_equal(o.err.msg, "netlink: malformed reply (truncated message)");
	}
	/* A cut inside the first header too. */
	run(&b, 10, &o);
	assert_int_equal(o.rc, -EBADMSG);
	/* A length past 2^31, which a signed comparison would let through. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)b.data;
	nlh->nlmsg_len = 0xd8d8d8d8u;
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EBADMSG);
	assert_int_equal(o.sink.n, 0);
}

static void test_short_payload(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct nlmsghdr *nlh = add_msg(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
	struct outcome o = { .rc = 0 };

	(void)state;
	memset(mnl_nlmsg_put_extra_header(nlh, sizeof(struct inet_diag_msg) - 4), 0,
	       sizeof(struct inet_diag_msg) - 4);
	close_msg(&b, nlh);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EBADMSG);
	assert_int_equal(o.sink.n, 0);
	assert_string_equal(o.err.msg, "netlink: malformed reply (bad inet_diag message)");
}

static void test_bad_family(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct outcome o = { .rc = 0 };

	(void)state;
	m.idiag_family = AF_UNIX;
	add_sock(&b, &m, NLM_F_MULTI);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EBADMSG);
}

static void test_unexpected_type(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct nlmsghdr *nlh = add_msg(&b, SOCK_DIAG_BY_FAMILY + 1, NLM_F_MULTI);
	struct outcome o = { .rc = 0 };

	(void)state;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m)), &m, sizeof(m));
	close_msg(&b, nlh);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, -EBADMSG);
	assert_string_equal(o.err.msg, "netlink: malformed reply (unexpected message type)");
}

/* Attributes are skipped when well formed, refused when they overrun. */
static void test_attributes(void **state)
{
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct outcome o = { .rc = 0 };
	uint32_t mark = 7;

	(void)state;
	for (int broken = 0; broken < 2; broken++) {
		struct batch_buf b = { .len = 0 };
		struct nlmsghdr *nlh = add_msg(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
		struct nlattr *attr;

		memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m)), &m, sizeof(m));
		mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
		attr = (struct nlattr *)((uint8_t *)nlh + nlh->nlmsg_len);
		mnl_attr_put(nlh, INET_DIAG_MARK, sizeof(mark), &mark);
		if (broken)
			attr->nla_len = 64;   /* claims more than the message holds */
		close_msg(&b, nlh);
		run(&b, b.len, &o);
		if (broken) {
			assert_int_equal(o.rc, -EBADMSG);
			assert_int_equal(o.sink.n, 0);
		} else {
			assert_int_equal(o.rc, NL_BATCH_MORE);
			assert_int_equal(o.sink.n, 1);
		}
	}
}

/* A record with tcp_info (info_len bytes of it), a congestion name and memory. */
static void add_sock_info(struct batch_buf *b, const struct inet_diag_msg *m,
			  const struct tcp_info *ti, size_t info_len, const char *cong,
			  const uint32_t *mem, size_t n_mem)
{
	struct nlmsghdr *nlh = add_msg(b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(*m)), m, sizeof(*m));
	mnl_attr_put_u8(nlh, INET_DIAG_SHUTDOWN, 0);
	if (ti)
		mnl_attr_put(nlh, INET_DIAG_INFO, info_len, ti);
	if (cong)
		mnl_attr_put_strz(nlh, INET_DIAG_CONG, cong);
	if (mem)
		mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, n_mem * sizeof(uint32_t), mem);
	close_msg(b, nlh);
}

static struct tcp_info sample_info(void)
{
	struct tcp_info ti;

	memset(&ti, 0, sizeof(ti));
	ti.tcpi_rtt = 52;
	ti.tcpi_rttvar = 26;
	ti.tcpi_snd_mss = 32768;
	ti.tcpi_snd_cwnd = 10;
	ti.tcpi_options = TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK;
	ti.tcpi_snd_wscale = 7;
	ti.tcpi_rcv_wscale = 9;
	ti.tcpi_delivery_rate_app_limited = 1;
	ti.tcpi_unacked = 3;
	ti.tcpi_bytes_acked = 1ull << 40;
	ti.tcpi_bytes_received = 12345;
	ti.tcpi_min_rtt = 11;
	ti.tcpi_bytes_sent = 99;
	return ti;
}

static void test_tcp_info_full(void **state)
{
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct tcp_info ti = sample_info();
	uint32_t mem[SK_MEMINFO_VARS] = { 1, 131072, 3, 2626560, 5, 6, 7, 8, 9 };
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };
	const struct tcpstat_info *in;

	(void)state;
	add_sock_info(&b, &m, &ti, sizeof(ti), "cubic", mem, SK_MEMINFO_VARS);
	add_sock(&b, &m, NLM_F_MULTI);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_MORE);
	assert_int_equal(o.sink.n, 2);
	in = &o.sink.socks[0].info;
	assert_true(o.sink.socks[0].present & TCPSTAT_HAS_INFO);
	assert_true(o.sink.socks[0].present & TCPSTAT_HAS_MEMORY);
	assert_int_equal(in->len, sizeof(ti));
	assert_int_equal(in->u32[TCPSTAT_I_RTT], 52);
	assert_int_equal(in->u32[TCPSTAT_I_RTTVAR], 26);
	assert_int_equal(in->u32[TCPSTAT_I_MSS], 32768);
	assert_int_equal(in->u32[TCPSTAT_I_CWND], 10);
	assert_int_equal(in->u32[TCPSTAT_I_UNACKED], 3);
	assert_int_equal(in->u32[TCPSTAT_I_MIN_RTT], 11);
	assert_int_equal(in->u32[TCPSTAT_I_SND_WSCALE], 7);
	assert_int_equal(in->u32[TCPSTAT_I_RCV_WSCALE], 9);
	assert_int_equal(in->u32[TCPSTAT_I_APP_LIMITED], 1);
	assert_int_equal(in->u32[TCPSTAT_I_OPTIONS], TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK);
	assert_true(in->u64[TCPSTAT_I_BYTES_ACKED] == 1ull << 40);
	assert_int_equal(in->u64[TCPSTAT_I_BYTES_RECEIVED], 12345);
	assert_int_equal(in->u64[TCPSTAT_I_BYTES_SENT], 99);
	assert_true(in->have & TCPSTAT_HAVE_CONG);
	assert_true(in->have & TCPSTAT_HAVE_I64(TCPSTAT_I_SNDBUF_LIMITED));
	assert_string_equal(in->cong, "cubic");
	assert_int_equal(o.sink.socks[0].mem.n, TCPSTAT_M_COUNT);
	assert_int_equal(o.sink.socks[0].mem.v[TCPSTAT_M_RCVBUF], 131072);
	assert_int_equal(o.sink.socks[0].mem.v[TCPSTAT_M_DROPS], 9);
	/* The next record had none of it: its parts are all zero again. */
	{
		struct tcpstat_sock plain;
		struct tcpstat_sock zero;

		plain = o.sink.socks[1];
		memset(&zero, 0, sizeof(zero));
		assert_int_equal(plain.present, TCPSTAT_HAS_KERNEL_ID);
		assert_memory_equal(&plain.info, &zero.info, sizeof(zero.info));
		assert_memory_equal(&plain.mem, &zero.mem, sizeof(zero.mem));
	}
}

/* An older kernel's tcp_info (the 4.1 size, up to tcpi_bytes_received): only what it holds. */
static void test_tcp_info_short(void **state)
{
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct tcp_info ti = sample_info();
	size_t len = offsetof(struct tcp_info, tcpi_segs_out);
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };
	const struct tcpstat_info *in;

	(void)state;
	add_sock_info(&b, &m, &ti, len, NULL, NULL, 0);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_MORE);
	in = &o.sink.socks[0].info;
	assert_int_equal(in->len, len);
	assert_true(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_RTT));
	assert_true(in->have & TCPSTAT_HAVE_I64(TCPSTAT_I_BYTES_RECEIVED));
	assert_int_equal(in->u64[TCPSTAT_I_BYTES_RECEIVED], 12345);
	/* Past its end: absent and zero, though the buffer held them. */
	assert_false(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_MIN_RTT));
	assert_int_equal(in->u32[TCPSTAT_I_MIN_RTT], 0);
	assert_false(in->have & TCPSTAT_HAVE_I64(TCPSTAT_I_BYTES_SENT));
	assert_int_equal(in->u64[TCPSTAT_I_BYTES_SENT], 0);
	assert_false(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_SEGS_OUT));
	assert_false(in->have & TCPSTAT_HAVE_CONG);
	assert_false(o.sink.socks[0].present & TCPSTAT_HAS_MEMORY);

	/* 6 bytes: not even the window scales. */
	b.len = 0;
	add_sock_info(&b, &m, &ti, 6, NULL, NULL, 0);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_MORE);
	in = &o.sink.socks[0].info;
	assert_true(o.sink.socks[0].present & TCPSTAT_HAS_INFO);
	assert_true(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_OPTIONS));
	assert_false(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_SND_WSCALE));
	assert_false(in->have & TCPSTAT_HAVE_I32(TCPSTAT_I_RTO));
}

/* A congestion name without its NUL, longer than the record keeps; memory with fewer values. */
static void test_cong_and_memory_odd(void **state)
{
	struct inet_diag_msg m = base_msg(AF_INET6, TCPSTAT_ESTABLISHED);
	struct batch_buf b = { .len = 0 };
	struct outcome o = { .rc = 0 };
	struct nlmsghdr *nlh = add_msg(&b, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI);
	uint32_t mem[4] = { 1, 2, 3, 4 };
	const char name[20] = "abcdefghijklmnopqrst";

	(void)state;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m)), &m, sizeof(m));
	mnl_attr_put(nlh, INET_DIAG_CONG, sizeof(name), name);
	mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, sizeof(mem), mem);
	close_msg(&b, nlh);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_MORE);
	assert_string_equal(o.sink.socks[0].info.cong, "abcdefghijklmno");
	assert_int_equal(o.sink.socks[0].info.len, 0);
	assert_int_equal(o.sink.socks[0].mem.n, 4);
	assert_int_equal(o.sink.socks[0].mem.v[3], 4);
	assert_int_equal(o.sink.socks[0].mem.v[4], 0);
}

static void test_request_ext(void **state)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct filter f;
	const struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

	(void)state;
	filter_init(&f);
	assert_true(nl_build_request(buf, sizeof(buf), AF_INET, 1, &f) > 0);
	req = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(req->idiag_ext, 0);
	assert_true(nl_build_request_ext(buf, sizeof(buf), AF_INET, 1, &f, NL_WANT_INFO) > 0);
	assert_int_equal(req->idiag_ext, 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1));
	assert_true(nl_build_request_ext(buf, sizeof(buf), AF_INET, 1, &f,
					 NL_WANT_INFO | NL_WANT_MEMORY) > 0);
	assert_int_equal(req->idiag_ext, 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1) |
			 1 << (INET_DIAG_SKMEMINFO - 1));
}

/*
 * Both families in one walk: the legacy TCPDIAG_GETSOCK request, its
 * struct inet_diag_req carrying the same states and extensions, and the
 * same bytecode after it, as the per-family request has.
 */
static void test_request_both_families(void **state)
{
	uint8_t one[512] __attribute__((aligned(4))), per[512] __attribute__((aligned(4)));
	struct filter f;
	struct filter_lists q = { .states = 1u << TCPSTAT_TIME_WAIT | 1u << TCPSTAT_LISTEN,
				  .ipv4 = true, .ipv6 = true,
				  .n_port = 1, .port = { { 9999, 9999 } } };
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)one;
	const struct inet_diag_req *req;
	const struct inet_diag_req_v2 *v2;
	size_t len, len_v2, head = NLMSG_HDRLEN + sizeof(*req), head_v2 = NLMSG_HDRLEN + sizeof(*v2);

	(void)state;
	assert_int_equal(filter_from_lists(&f, &q), 0);
	len = nl_build_request_ext(one, sizeof(one), AF_UNSPEC, 9, &f, NL_WANT_INFO);
	len_v2 = nl_build_request_ext(per, sizeof(per), AF_INET6, 9, &f, NL_WANT_INFO);
	req = mnl_nlmsg_get_payload(nlh);
	v2 = mnl_nlmsg_get_payload((const struct nlmsghdr *)per);
	assert_true(len_v2 > head_v2);
	assert_int_equal(len - head, len_v2 - head_v2);
	assert_int_equal(nlh->nlmsg_len, len);
	assert_int_equal(nlh->nlmsg_type, TCPDIAG_GETSOCK);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(nlh->nlmsg_seq, 9);
	assert_int_equal(req->idiag_states, 1u << TCPSTAT_TIME_WAIT | 1u << TCPSTAT_LISTEN);
	assert_int_equal(req->idiag_states, v2->idiag_states);
	assert_int_equal(req->idiag_ext, 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1));
	assert_memory_equal(one + head, per + head_v2, len - head);
	assert_int_equal(nl_build_request_ext(one, head, AF_UNSPEC, 9, &f, 0), 0);
}

/* Replies to the legacy request carry its type and the same message. */
static void test_reply_to_both_families(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m4 = base_msg(AF_INET, TCPSTAT_TIME_WAIT);
	struct inet_diag_msg m6 = base_msg(AF_INET6, TCPSTAT_LISTEN);
	struct nlmsghdr *nlh;
	struct outcome o = { .rc = 0 };

	(void)state;
	nlh = add_msg(&b, TCPDIAG_GETSOCK, NLM_F_MULTI);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m4)), &m4, sizeof(m4));
	close_msg(&b, nlh);
	nlh = add_msg(&b, TCPDIAG_GETSOCK, NLM_F_MULTI);
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(m6)), &m6, sizeof(m6));
	close_msg(&b, nlh);
	add_done(&b, 0);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_DONE);
	assert_int_equal(o.sink.n, 2);
	assert_int_equal(o.sink.socks[0].family, AF_INET);
	assert_int_equal(o.sink.socks[0].state, TCPSTAT_TIME_WAIT);
	assert_int_equal(o.sink.socks[1].family, AF_INET6);
	assert_int_equal(o.sink.socks[1].state, TCPSTAT_LISTEN);
}

static void test_destroy_request(void **state)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct tcpstat_sock s;
	const struct inet_diag_req_v2 *req;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	uint8_t v4[4] = { 127, 0, 0, 1 }, v4b[4] = { 127, 0, 0, 2 };
	size_t len;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	s.state = TCPSTAT_TIME_WAIT;
	memcpy(s.local_addr, v4, 4);
	memcpy(s.peer_addr, v4b, 4);
	s.local_port = 9999;
	s.peer_port = 40002;
	s.ifindex = 3;
	s.cookie = 0x1122334455667788ull;
	/* A record from /proc has no kernel id: no request. */
	assert_int_equal(nl_build_destroy(buf, sizeof(buf), &s, 5), 0);
	s.present = TCPSTAT_HAS_KERNEL_ID;
	assert_int_equal(nl_build_destroy(buf, 10, &s, 5), 0);
	len = nl_build_destroy(buf, sizeof(buf), &s, 5);
	assert_int_equal(len, NLMSG_HDRLEN + sizeof(*req));
	assert_int_equal(nlh->nlmsg_type, SOCK_DESTROY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 5);
	req = mnl_nlmsg_get_payload(nlh);
	assert_int_equal(req->sdiag_family, AF_INET);
	assert_int_equal(req->sdiag_protocol, IPPROTO_TCP);
	assert_int_equal(ntohs(req->id.idiag_sport), 9999);
	assert_int_equal(ntohs(req->id.idiag_dport), 40002);
	assert_memory_equal(req->id.idiag_src, v4, 4);
	assert_memory_equal(req->id.idiag_dst, v4b, 4);
	assert_int_equal(req->id.idiag_src[1], 0);
	assert_int_equal(req->id.idiag_if, 3);
	assert_int_equal(req->id.idiag_cookie[0], 0x55667788u);
	assert_int_equal(req->id.idiag_cookie[1], 0x11223344u);
}

static void test_ack(void **state)
{
	struct batch_buf b = { .len = 0 };

	(void)state;
	add_error(&b, 0);
	assert_int_equal(nl_parse_ack(b.data, b.len, SEQ), 0);
	assert_int_equal(nl_parse_ack(b.data, b.len, SEQ + 1), -EBADMSG);
	assert_int_equal(nl_parse_ack(b.data, 8, SEQ), -EBADMSG);
	b.len = 0;
	add_error(&b, -EPERM);
	assert_int_equal(nl_parse_ack(b.data, b.len, SEQ), -EPERM);
	b.len = 0;
	add_error(&b, -100000);
	assert_int_equal(nl_parse_ack(b.data, b.len, SEQ), -EPROTO);
	b.len = 0;
	add_done(&b, 0);
	assert_int_equal(nl_parse_ack(b.data, b.len, SEQ), -EBADMSG);
}

static void test_wrong_sequence_and_port(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	int stopped;
	unsigned long emitted = 0;
	struct tcpstat_error err = { 0 };
	struct sink k = { .n = 0 };

	(void)state;
	add_sock(&b, &m, NLM_F_MULTI);
	assert_int_equal(nl_parse_batch(b.data, b.len, SEQ + 1, PORTID, collect, &k, &stopped,
					&emitted, &err), -EPROTO);
	assert_int_equal(nl_parse_batch(b.data, b.len, SEQ, PORTID + 1, collect, &k, &stopped,
					&emitted, &err), -ESRCH);
	assert_int_equal(k.n, 0);
}

/* emit's value stops the batch and is handed back in *stopped. */
static void test_emit_stops(void **state)
{
	struct batch_buf b = { .len = 0 };
	struct inet_diag_msg m = base_msg(AF_INET, TCPSTAT_ESTABLISHED);
	struct outcome o = { .sink.stop_with = 5 };

	(void)state;
	add_sock(&b, &m, NLM_F_MULTI);
	add_sock(&b, &m, NLM_F_MULTI);
	run(&b, b.len, &o);
	assert_int_equal(o.rc, NL_BATCH_DONE);
	assert_int_equal(o.stopped, 5);
	assert_int_equal(o.sink.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timewait_v4),
		cmocka_unit_test(test_v6_and_timers),
		cmocka_unit_test(test_kernel_error),
		cmocka_unit_test(test_short_error),
		cmocka_unit_test(test_absurd_error),
		cmocka_unit_test(test_done_with_error),
		cmocka_unit_test(test_dump_interrupted),
		cmocka_unit_test(test_truncated_buffer),
		cmocka_unit_test(test_short_payload),
		cmocka_unit_test(test_bad_family),
		cmocka_unit_test(test_unexpected_type),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_cookie_and_ifindex),
		cmocka_unit_test(test_wrong_sequence_and_port),
		cmocka_unit_test(test_emit_stops),
		cmocka_unit_test(test_tcp_info_full),
		cmocka_unit_test(test_tcp_info_short),
		cmocka_unit_test(test_cong_and_memory_odd),
		cmocka_unit_test(test_request_ext),
		cmocka_unit_test(test_request_both_families),
		cmocka_unit_test(test_reply_to_both_families),
		cmocka_unit_test(test_destroy_request),
		cmocka_unit_test(test_ack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
