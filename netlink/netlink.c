/*
 * netlink.c - talk to NETLINK_SOCK_DIAG: one dump request for both
 * families (or one per family), replies streamed to the caller's emit as
 * they arrive.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "chunkq.h"
#include "envswitch.h"
#include "filter.h"
#include "netlink.h"
#include "netns.h"

/*
 * The kernel sizes each dump skb after the reader's largest recvmsg,
 * capped at 32 KiB: a smaller buffer means more, smaller reads, and a
 * larger one is never filled. libmnl 1.0.4's MNL_SOCKET_BUFFER_SIZE is at
 * most 8 KiB.
 */
#define NL_RECV_BUF 32768
/* A dump marked interrupted is asked for again at most this many times. */
#define NL_DUMP_TRIES 3

/*
 * A dump is received by a thread of its own, this many receive buffers
 * ahead of the parser, so memory stays bounded.
 */
#define NL_AHEAD_CHUNKS 8

/* What one dump asks for. */
struct nl_query {
	const struct filter *f;
	unsigned want;             /* enum nl_want */
};

size_t nl_build_request(void *buf, size_t len, int family, uint32_t seq,
			const struct filter *f)
{
	return nl_build_request_ext(buf, len, family, seq, f, 0);
}

/* idiag_ext's bits are 1 << (attribute - 1) (inet_diag_dump_one_icsk). */
static uint8_t ext_bits(unsigned want)
{
	uint8_t ext = 0;

	if (want & NL_WANT_INFO)
		ext |= 1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_CONG - 1);
	if (want & NL_WANT_MEMORY)
		ext |= 1u << (INET_DIAG_SKMEMINFO - 1);
	return ext;
}

/*
 * The legacy request's header: the kernel ignores its family and asks its
 * tables for AF_UNSPEC (inet_diag_dump_compat), so one walk answers for
 * both families.
 */
static void put_both_families(struct nlmsghdr *nlh, const struct filter *f, unsigned want)
{
	struct inet_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));

	nlh->nlmsg_type = TCPDIAG_GETSOCK;
	req->idiag_family = AF_INET;
	req->idiag_states = filter_states(f);
	req->idiag_ext = ext_bits(want);
}

size_t nl_build_request_ext(void *buf, size_t len, int family, uint32_t seq,
			    const struct filter *f, unsigned want)
{
	uint8_t bc[NL_BYTECODE_MAX];
	int bc_len = nl_bytecode_build(bc, sizeof(bc), f);
	size_t need = MNL_NLMSG_HDRLEN + MNL_ALIGN(family == AF_UNSPEC
						   ? sizeof(struct inet_diag_req)
						   : sizeof(struct inet_diag_req_v2));
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *req;

	/*
	 * A program longer than the kernel takes (an expression of hundreds
	 * of words): send none. tcpstat judges every record itself anyway.
	 */
	if (bc_len < 0)
		bc_len = 0;
	if (bc_len > 0)
		need += MNL_ATTR_HDRLEN + MNL_ALIGN((size_t)bc_len);
	if (len < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (family == AF_UNSPEC) {
		put_both_families(nlh, f, want);
	} else {
		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = (uint8_t)family;
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = filter_states(f);
		req->idiag_ext = ext_bits(want);
	}
	if (bc_len > 0)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, (size_t)bc_len, bc);
	return nlh->nlmsg_len;
}

static int fail(struct tcpstat_error *err, int errnum, const char *what)
{
	return err_set(err, errnum, "netlink: %s", what);
}

/*
 * One receive into a buffer of NL_RECV_BUF, as mnl_socket_recvfrom does
 * it (a message cut short is ENOSPC), with recvmsg's flags.
 */
static ssize_t receive(int fd, void *buf, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = NL_RECV_BUF };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
			      .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &msg, flags);

	if (n >= 0 && (msg.msg_flags & MSG_TRUNC)) {
		errno = ENOSPC;
		return -1;
	}
	return n;
}

/*
 * One part of a dump into buf: its length, or a negative errno with err
 * set (a dump that ends without NLMSG_DONE is EBADMSG).
 */
static ssize_t receive_part(struct mnl_socket *nl, void *buf, struct tcpstat_error *err)
{
	ssize_t n;

	do
		n = receive(mnl_socket_get_fd(nl), buf, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(err, errno, "cannot receive the dump");
	if (n == 0)
		return fail(err, EBADMSG, "dump ended without NLMSG_DONE");
	return n;
}

/* One dump of one family; *emitted counts the records passed on. */
static int dump_family(struct mnl_socket *nl, void *buf, int family, uint32_t seq,
		       const struct nl_query *q, tcpstat_emit_fn *emit, void *arg,
		       unsigned long *emitted, struct tcpstat_error *err)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	size_t req_len = nl_build_request_ext(buf, NL_RECV_BUF, family, seq, q->f, q->want);

	if (req_len == 0)
		return fail(err, E2BIG, "filter too large for one request");
	if (mnl_socket_sendto(nl, buf, req_len) < 0)
		return fail(err, errno, "cannot send the dump request");
	for (;;) {
		ssize_t n = receive_part(nl, buf, err);
		int stopped, rc;

		if (n < 0)
			return (int)n;
		rc = nl_parse_batch(buf, (size_t)n, seq, portid, emit, arg, &stopped,
				    emitted, err);
		if (rc == NL_BATCH_MORE)
			continue;
		return rc == NL_BATCH_DONE ? stopped : rc;
	}
}

/* The socket, made in the namespace ns_fd names (-1: tcpstat's own). */
static struct mnl_socket *open_in(int ns_fd, struct tcpstat_error *err)
{
	struct mnl_socket *nl;
	int fd;

	if (ns_fd < 0)
		return mnl_socket_open(NETLINK_SOCK_DIAG);
	fd = netns_socket(ns_fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG, err);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	nl = mnl_socket_fdopen(fd);
	if (!nl)
		close(fd);
	return nl;
}

/*
 * A NETLINK_SOCK_DIAG socket bound to a port of its own, in the namespace
 * ns_fd names (-1: tcpstat's own), or NULL with err set.
 */
static struct mnl_socket *open_diag_socket(int ns_fd, struct tcpstat_error *err)
{
	struct mnl_socket *nl = open_in(ns_fd, err);

	if (!nl && ns_fd >= 0) {
		/* netns_socket said what failed: entering, or coming back. */
		char why[sizeof(err->msg)];

		memcpy(why, err->msg, sizeof(why));
		fail(err, err->errnum, why);
		return NULL;
	}
	if (!nl) {
		fail(err, errno, "cannot open a NETLINK_SOCK_DIAG socket");
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fail(err, errno, "cannot bind the NETLINK_SOCK_DIAG socket");
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

/*
 * Retries a dump the kernel marked interrupted, while nothing was printed.
 * Each try has a socket of its own: the interrupted dump may still be
 * running on the old one.
 */
static int dump_family_retrying(int ns_fd, void *buf, int family, uint32_t *seq,
				const struct nl_query *q, tcpstat_emit_fn *emit,
				void *arg, struct tcpstat_error *err)
{
	int rc = 0;

	for (int try = 0; try < NL_DUMP_TRIES; try++) {
		struct mnl_socket *nl = open_diag_socket(ns_fd, err);
		unsigned long emitted = 0;

		if (!nl)
			return -err->errnum;
		rc = dump_family(nl, buf, family, ++*seq, q, emit, arg, &emitted, err);
		mnl_socket_close(nl);
		if (rc != -EINTR || emitted > 0)
			break;
	}
	return rc;
}

/*
 * A reader thread: it only receives. A dump's recvmsg is where the kernel
 * walks its tables (netlink_dump runs as the queue drains), so the walk
 * overlaps the main thread's formatting.
 * A receive error ends the queue with that value, for the parser.
 */
struct nl_ahead {
	struct chunkq q;
	struct mnl_socket *nl;
	pthread_t thread;
	bool running;              /* the thread and q exist */
};

/*
 * Whether a received chunk may be the dump's last: it ends with an
 * NLMSG_DONE, or it is one NLMSG_ERROR (a refused request). Only the
 * chunk's ends are looked at, not every message (the parser walks those):
 * a false "may" costs one non-blocking receive, which finds more.
 */
static bool may_end_dump(const void *chunk, size_t len)
{
	const size_t done_len = NLMSG_LENGTH(sizeof(int));
	const struct nlmsghdr *first = chunk;
	const struct nlmsghdr *last;

	if (len >= sizeof(*first) && first->nlmsg_len == len && first->nlmsg_type == NLMSG_ERROR)
		return true;
	if (len < done_len)
		return false;
	last = (const struct nlmsghdr *)((const char *)chunk + len - done_len);
	return last->nlmsg_len == done_len && last->nlmsg_type == NLMSG_DONE;
}

/*
 * The thread receives until the dump's end, the consumer's cancel or an
 * error. After a chunk that may be the last it receives without waiting:
 * while a dump runs, the kernel queues its next part before recvmsg
 * returns (netlink_dump runs in the receiver), so an empty queue there
 * means the dump is over (were it not, the parser finds no NLMSG_DONE and
 * says so). So the thread never blocks after the end and is never
 * cancelled (pthread_cancel would also load libgcc_s for unwinding).
 * Should a kernel end its dumps in a way may_end_dump does not know, the
 * socket's receive timeout ends the wait after the end instead, in a
 * second, rather than never.
 */
static const struct timeval ahead_wait_max = { .tv_sec = 1 };

static void *ahead_run(void *p)
{
	struct nl_ahead *a = p;
	int fd = mnl_socket_get_fd(a->nl), flags = 0, rc = 0;

	for (;;) {
		void *slot = chunkq_slot(&a->q);
		ssize_t n;

		if (!slot)
			break;
		n = receive(fd, slot, flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EBADMSG;
			break;
		}
		flags = may_end_dump(slot, (size_t)n) ? MSG_DONTWAIT : 0;
		chunkq_publish(&a->q, (size_t)n);
	}
	chunkq_end(&a->q, rc);
	return NULL;
}

/* Sends family's request on a socket of its own, a->nl; no thread yet. */
static int ahead_request(struct nl_ahead *a, int ns_fd, void *buf, int family, uint32_t seq,
			 const struct nl_query *q, struct tcpstat_error *err)
{
	size_t req_len = nl_build_request_ext(buf, NL_RECV_BUF, family, seq, q->f, q->want);
	int rc;

	a->running = false;
	if (req_len == 0)
		return fail(err, E2BIG, "filter too large for one request");
	a->nl = open_diag_socket(ns_fd, err);
	if (!a->nl)
		return -err->errnum;
	/* A backstop: a receive never waits while a dump runs (see ahead_run). */
	setsockopt(mnl_socket_get_fd(a->nl), SOL_SOCKET, SO_RCVTIMEO, &ahead_wait_max,
		   sizeof(ahead_wait_max));
	if (mnl_socket_sendto(a->nl, buf, req_len) < 0) {
		rc = fail(err, errno, "cannot send the dump request");
		mnl_socket_close(a->nl);
		return rc;
	}
	return 0;
}

/* Starts the thread that reads the rest of a->nl's dump into a->q. */
static int ahead_thread(struct nl_ahead *a, struct tcpstat_error *err)
{
	sigset_t all, old;
	int rc = -chunkq_init(&a->q, NL_AHEAD_CHUNKS, NL_RECV_BUF);

	if (rc != 0)
		return fail(err, rc, "read-ahead buffers");
	/* Signals stay the main thread's: it alone looks at the stop flag. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_run, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		chunkq_free(&a->q);
		return fail(err, rc, "cannot start the read-ahead thread");
	}
	a->running = true;
	return 0;
}

/* Sends family's request on a socket of its own and starts reading it. */
static int ahead_start(struct nl_ahead *a, int ns_fd, void *buf, int family, uint32_t seq,
		       const struct nl_query *q, struct tcpstat_error *err)
{
	int rc = ahead_request(a, ns_fd, buf, family, seq, q, err);

	if (rc == 0 && (rc = ahead_thread(a, err)) != 0)
		mnl_socket_close(a->nl);
	return rc;
}

/* Stops the reader (if still reading), waits for it, frees it all. */
static void ahead_stop(struct nl_ahead *a)
{
	if (a->running) {
		chunkq_cancel(&a->q);
		pthread_join(a->thread, NULL);
		chunkq_free(&a->q);
	}
	mnl_socket_close(a->nl);
}

/* Parses the read-ahead dump's chunks in order, as dump_family does. */
static int ahead_parse(struct nl_ahead *a, uint32_t seq, tcpstat_emit_fn *emit, void *arg,
		       unsigned long *emitted, struct tcpstat_error *err)
{
	uint32_t portid = mnl_socket_get_portid(a->nl);

	for (;;) {
		size_t len;
		int rc = 0, stopped;
		const void *c = chunkq_take(&a->q, &len, &rc);

		if (!c && rc < 0 && rc != -EBADMSG)
			return fail(err, -rc, "cannot receive the dump");
		if (!c)
			return fail(err, EBADMSG, "dump ended without NLMSG_DONE");
		rc = nl_parse_batch(c, len, seq, portid, emit, arg, &stopped, emitted, err);
		chunkq_release(&a->q);
		if (rc == NL_BATCH_MORE)
			continue;
		return rc == NL_BATCH_DONE ? stopped : rc;
	}
}

/*
 * Bytes of a dump received and parsed on the main thread before a reader
 * thread takes over: a dump this small (about 500 sockets; the kernel's
 * first part is about 4 KiB, sized before any receive) is over before the
 * thread's start and hand-offs would pay off.
 */
#define NL_INLINE_BYTES (64 * 1024)

/*
 * The dump's first parts are received here; past NL_INLINE_BYTES the
 * reader takes the rest, started before that part is parsed, so the
 * kernel's walk and the formatting overlap from then on.
 */
static int parse_inline_then_ahead(struct nl_ahead *a, void *buf, uint32_t seq,
				   tcpstat_emit_fn *emit, void *arg, unsigned long *emitted,
				   struct tcpstat_error *err)
{
	uint32_t portid = mnl_socket_get_portid(a->nl);
	size_t inline_bytes = 0;
	int stopped, rc;

	while (!a->running) {
		ssize_t n = receive_part(a->nl, buf, err);

		if (n < 0)
			return (int)n;
		inline_bytes += (size_t)n;
		if (inline_bytes >= NL_INLINE_BYTES && !may_end_dump(buf, (size_t)n) &&
		    (rc = ahead_thread(a, err)) != 0)
			return rc;
		rc = nl_parse_batch(buf, (size_t)n, seq, portid, emit, arg, &stopped, emitted,
				    err);
		if (rc == NL_BATCH_DONE)
			return stopped;
		if (rc != NL_BATCH_MORE)
			return rc;
	}
	return ahead_parse(a, seq, emit, arg, emitted, err);
}

/*
 * Both families at once: a reader thread per family receives its dump
 * (the kernel walks in the receiver), this thread parses and emits
 * AF_INET's chunks, then AF_INET6's: the order is the sequential one, the
 * walks overlap each other and the formatting. An interrupted dump of
 * which nothing was emitted is asked for again the sequential way.
 */
static int dump_both(int ns_fd, void *buf, uint32_t *seq, const struct nl_query *q,
		     tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct nl_ahead a4, a6;
	uint32_t seq4 = ++*seq, seq6 = ++*seq;
	unsigned long emitted = 0;
	int rc = ahead_start(&a4, ns_fd, buf, AF_INET, seq4, q, err);

	if (rc != 0)
		return rc;
	rc = ahead_start(&a6, ns_fd, buf, AF_INET6, seq6, q, err);
	if (rc != 0) {
		ahead_stop(&a4);
		return rc;
	}
	rc = ahead_parse(&a4, seq4, emit, arg, &emitted, err);
	ahead_stop(&a4);
	if (rc == -EINTR && emitted == 0)
		rc = dump_family_retrying(ns_fd, buf, AF_INET, seq, q, emit, arg, err);
	if (rc != 0) {
		ahead_stop(&a6);
		return rc;
	}
	emitted = 0;
	rc = ahead_parse(&a6, seq6, emit, arg, &emitted, err);
	ahead_stop(&a6);
	if (rc == -EINTR && emitted == 0)
		rc = dump_family_retrying(ns_fd, buf, AF_INET6, seq, q, emit, arg, err);
	/* As in the sequential path: no IPv6 in the kernel is no failure. */
	if (rc == -ENOENT || rc == -EAFNOSUPPORT)
		rc = 0;
	return rc;
}

/*
 * Both families in one walk, the legacy request's: past its first parts,
 * a reader thread receives it (the kernel walks in the receiver) while this
 * thread parses and emits, so the walk and the formatting overlap. Rows come in the
 * kernel's order: listeners, then connections, each family's in the order
 * its own dump gives, the two mixed as the tables hold them. One walk
 * costs less than two (each walks the whole established hash, the
 * AF_INET6 one skipping every IPv4 socket), and two at once slow each
 * other down. A kernel that refuses the request, before anything was
 * emitted, gets the per-family dumps; an interrupted dump of which nothing
 * was emitted is asked for again.
 */
static int dump_one_walk(int ns_fd, void *buf, uint32_t *seq, const struct nl_query *q,
			 tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct nl_ahead a;
	uint32_t seq1 = ++*seq;
	unsigned long emitted = 0;
	int rc = ahead_request(&a, ns_fd, buf, AF_UNSPEC, seq1, q, err);

	if (rc != 0)
		return rc;
	rc = parse_inline_then_ahead(&a, buf, seq1, emit, arg, &emitted, err);
	ahead_stop(&a);
	if (rc >= 0 || emitted > 0)
		return rc;
	if (rc == -EINTR)
		return dump_family_retrying(ns_fd, buf, AF_UNSPEC, seq, q, emit, arg, err);
	return dump_both(ns_fd, buf, seq, q, emit, arg, err);
}

int nl_dump(const struct filter *f, tcpstat_emit_fn *emit, void *arg,
	    struct tcpstat_error *err)
{
	return nl_dump_netns_ext(-1, f, 0, emit, arg, err);
}

int nl_dump_ext(const struct filter *f, unsigned want, tcpstat_emit_fn *emit, void *arg,
		struct tcpstat_error *err)
{
	return nl_dump_netns_ext(-1, f, want, emit, arg, err);
}

int nl_dump_netns(int ns_fd, const struct filter *f, tcpstat_emit_fn *emit, void *arg,
		  struct tcpstat_error *err)
{
	return nl_dump_netns_ext(ns_fd, f, 0, emit, arg, err);
}

int nl_dump_netns_ext(int ns_fd, const struct filter *f, unsigned want, tcpstat_emit_fn *emit,
		      void *arg, struct tcpstat_error *err)
{
	const struct nl_query q = { .f = f, .want = want };
	void *buf = malloc(NL_RECV_BUF);
	uint32_t seq = (uint32_t)time(NULL);
	bool ipv4 = filter_may_family(f, AF_INET), ipv6 = filter_may_family(f, AF_INET6);
	int rc = 0;

	if (!buf)
		return fail(err, ENOMEM, "receive buffer");
	/*
	 * TCPSTAT_NL_SEQUENTIAL=1: one family after the other;
	 * TCPSTAT_NL_PER_FAMILY=1: the two families' dumps at once (what a
	 * kernel refusing the one walk gets).
	 */
	if (ipv4 && ipv6 && !env_switch("TCPSTAT_NL_SEQUENTIAL")) {
		rc = env_switch("TCPSTAT_NL_PER_FAMILY")
			     ? dump_both(ns_fd, buf, &seq, &q, emit, arg, err)
			     : dump_one_walk(ns_fd, buf, &seq, &q, emit, arg, err);
		free(buf);
		return rc;
	}
	if (ipv4)
		rc = dump_family_retrying(ns_fd, buf, AF_INET, &seq, &q, emit, arg, err);
	if (rc == 0 && ipv6) {
		rc = dump_family_retrying(ns_fd, buf, AF_INET6, &seq, &q, emit, arg, err);
		/*
		 * A kernel built without IPv6 has no AF_INET6 handler and so no
		 * IPv6 sockets; only when IPv4 answered is that not a failure
		 * of netlink itself.
		 */
		if (ipv4 && (rc == -ENOENT || rc == -EAFNOSUPPORT))
			rc = 0;
	}
	free(buf);
	return rc;
}

struct mnl_socket *nl_reports_open(bool ipv4, bool ipv6, struct tcpstat_error *err)
{
	const int groups[] = { SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY };
	const bool wanted[] = { ipv4, ipv6 };
	struct mnl_socket *nl = open_diag_socket(-1, err);

	if (!nl)
		return NULL;
	for (int i = 0; i < 2; i++) {
		int group = groups[i];

		if (!wanted[i])
			continue;
		if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
			fail(err, errno, "cannot join the TCP destroy group");
			mnl_socket_close(nl);
			return NULL;
		}
	}
	return nl;
}

int nl_reports_fd(struct mnl_socket *nl)
{
	return mnl_socket_get_fd(nl);
}

int nl_reports_read(struct mnl_socket *nl, tcpstat_emit_fn *emit, void *arg,
		    struct tcpstat_error *err)
{
	uint8_t buf[NL_RECV_BUF] __attribute__((aligned(4)));

	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		unsigned long emitted = 0;
		int stopped, rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return fail(err, errno, "reading destroy reports");
		/* Multicast reports carry sequence 0 and port 0: accept those. */
		rc = nl_parse_batch(buf, (size_t)n, 0, 0, emit, arg, &stopped, &emitted, err);
		if (rc < 0)
			return rc;
		if (stopped)
			return stopped;
	}
}

void nl_reports_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}
