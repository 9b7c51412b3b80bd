/*
 * destroy.c - end one socket with SOCK_DESTROY (-K). The kernel finds the
 * socket by its four-tuple, interface and cookie, so a socket that went
 * away and whose ports were reused by another is not ended by mistake.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "netlink.h"

#define NL_DESTROY_BUF 1024

size_t nl_build_destroy(void *buf, size_t len, const struct tcpstat_sock *s, uint32_t seq)
{
	size_t need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2));
	size_t addr_len = s->family == AF_INET6 ? 16 : 4;
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;

	if (len < need || !(s->present & TCPSTAT_HAS_KERNEL_ID))
		return 0;
	memset(buf, 0, need);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DESTROY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = s->family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1u << s->state;
	req->id.idiag_sport = htons(s->local_port);
	req->id.idiag_dport = htons(s->peer_port);
	memcpy(req->id.idiag_src, s->local_addr, addr_len);
	memcpy(req->id.idiag_dst, s->peer_addr, addr_len);
	req->id.idiag_if = s->ifindex;
	req->id.idiag_cookie[0] = (uint32_t)s->cookie;
	req->id.idiag_cookie[1] = (uint32_t)(s->cookie >> 32);
	return nlh->nlmsg_len;
}

int nl_parse_ack(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlmsgerr *e;

	if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
		return -EBADMSG;
	if (nlh->nlmsg_seq != seq || nlh->nlmsg_type != NLMSG_ERROR)
		return -EBADMSG;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error <= -4096)
		return -EPROTO;
	return e->error;
}

struct mnl_socket *nl_destroy_open(struct tcpstat_error *err)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);

	if (!nl) {
		err_set(err, errno, "netlink: cannot open a NETLINK_SOCK_DIAG socket");
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err_set(err, errno, "netlink: cannot bind the NETLINK_SOCK_DIAG socket");
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

int nl_destroy(struct mnl_socket *nl, const struct tcpstat_sock *s, uint32_t seq)
{
	/* The request, then the ack: an nlmsgerr with the request echoed. */
	uint8_t buf[NL_DESTROY_BUF] __attribute__((aligned(4)));
	size_t len = nl_build_destroy(buf, sizeof(buf), s, seq);
	ssize_t n;

	if (len == 0)
		return -EINVAL;
	if (mnl_socket_sendto(nl, buf, len) < 0)
		return -errno;
	do
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return nl_parse_ack(buf, (size_t)n, seq);
}

void nl_destroy_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}
