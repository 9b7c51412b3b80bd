/*
 * lookup.c - one socket by its endpoints: a sock_diag request without
 * NLM_F_DUMP, which the kernel answers from its hash tables (as a packet
 * would be looked up) in constant time, TIME_WAIT minisockets included.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "netlink.h"
#include "netns.h"

size_t nl_build_lookup(void *buf, size_t len, const struct tcpstat_sock *key, uint32_t seq)
{
	size_t need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2));
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;

	if (len < need)
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = key->family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ~0u;
	req->id.idiag_sport = htons(key->local_port);
	req->id.idiag_dport = htons(key->peer_port);
	memcpy(req->id.idiag_src, key->local_addr, 16);
	memcpy(req->id.idiag_dst, key->peer_addr, 16);
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	return nlh->nlmsg_len;
}

/* Whether got is the socket key names (the kernel may answer with a listener). */
static bool same_endpoints(const struct tcpstat_sock *key, const struct tcpstat_sock *got)
{
	return got->family == key->family && got->local_port == key->local_port &&
	       got->peer_port == key->peer_port &&
	       memcmp(got->local_addr, key->local_addr, 16) == 0 &&
	       memcmp(got->peer_addr, key->peer_addr, 16) == 0;
}

static int parse_answer(const char *buf, ssize_t n, const struct tcpstat_sock *key,
			struct tcpstat_sock *out)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int len = (int)n;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
				return -EBADMSG;
			return e->error == -ENOENT || e->error == 0 ? 0 : e->error;
		}
		if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		if (nl_parse_msg(nlh, out) < 0)
			return -EBADMSG;
		return same_endpoints(key, out) ? 1 : 0;
	}
	return 0;
}

/* A NETLINK_SOCK_DIAG socket in ns_fd's namespace (-1: tcpstat's own), or NULL. */
static struct mnl_socket *lookup_socket(int ns_fd, struct tcpstat_error *err)
{
	struct mnl_socket *nl;
	int fd;

	if (ns_fd < 0) {
		nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
		if (!nl)
			err_set(err, errno, "netlink: socket");
		return nl;
	}
	fd = netns_socket(ns_fd, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG, err);
	if (fd < 0)
		return NULL;
	nl = mnl_socket_fdopen(fd);
	if (!nl) {
		err_set(err, errno, "netlink: socket");
		close(fd);
	}
	return nl;
}

int nl_lookup(const struct tcpstat_sock *key, struct tcpstat_sock *out,
	      struct tcpstat_error *err)
{
	return nl_lookup_in(-1, key, out, err);
}

int nl_lookup_in(int ns_fd, const struct tcpstat_sock *key, struct tcpstat_sock *out,
		 struct tcpstat_error *err)
{
	char buf[8192];
	struct mnl_socket *nl = lookup_socket(ns_fd, err);
	size_t len;
	ssize_t n;
	int rc;

	if (!nl)
		return err->errnum ? -err->errnum : -EIO;
	len = nl_build_lookup(buf, sizeof(buf), key, 1);
	if (mnl_socket_sendto(nl, buf, len) < 0) {
		rc = err_set(err, errno, "netlink: lookup");
		mnl_socket_close(nl);
		return rc;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	rc = n < 0 ? -errno : parse_answer(buf, n, key, out);
	mnl_socket_close(nl);
	if (rc < 0)
		return err_set(err, -rc, "netlink: lookup");
	return rc;
}
