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
#include <libmnl/libmnl.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
