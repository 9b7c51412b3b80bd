/*
 * netlink.h - the NETLINK_SOCK_DIAG (inet_diag) backend.
 *
 * The request is built apart from sending it and the reply is parsed apart
 * from receiving it, so both can be tested on plain buffers.
 */
#ifndef TCPSTAT_NETLINK_H
#define TCPSTAT_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "tcpstat.h"

/*
 * Room for the longest bytecode a filter can make: TCPSTAT_MAX_FILTERS
 * entries in every option list is about 4.6 KiB; past this (a long
 * expression) the request carries no program and tcpstat alone filters.
 */
#define NL_BYTECODE_MAX 8192

struct filter;

/*
 * Lists the families f may match through inet_diag: the states it may be
 * in go to the kernel as idiag_states, what the kernel can judge of the
 * rest as INET_DIAG_REQ_BYTECODE. Returns as tcpstat_dump_fn says. A dump
 * the kernel marks interrupted (NLM_F_DUMP_INTR) is retried a few times
 * while nothing of it was emitted.
 */
int nl_dump(const struct filter *f, tcpstat_emit_fn *emit, void *arg,
	    struct tcpstat_error *err);

/* What a dump may ask the kernel for beyond the inet_diag_msg. */
enum nl_want {
	NL_WANT_INFO = 1u << 0,     /* INET_DIAG_INFO (tcp_info) and INET_DIAG_CONG */
	NL_WANT_MEMORY = 1u << 1,   /* INET_DIAG_SKMEMINFO */
};

/*
 * As nl_dump, asking also for what want (enum nl_want bits) says; only
 * then does the kernel fill those attributes, and the records their parts.
 */
int nl_dump_ext(const struct filter *f, unsigned want, tcpstat_emit_fn *emit, void *arg,
		struct tcpstat_error *err);

/*
 * As nl_dump, in the network namespace ns_fd names (-1: tcpstat's own):
 * each netlink socket is made there (base/netns.h) and tcpstat returns to
 * its own namespace at once; the dump runs on the socket from here. -EPERM
 * without CAP_SYS_ADMIN; -ENOTRECOVERABLE when the way back failed.
 */
int nl_dump_netns(int ns_fd, const struct filter *f, tcpstat_emit_fn *emit, void *arg,
		  struct tcpstat_error *err);

/* Both: in namespace ns_fd, asking for want. */
int nl_dump_netns_ext(int ns_fd, const struct filter *f, unsigned want, tcpstat_emit_fn *emit,
		      void *arg, struct tcpstat_error *err);

/*
 * Writes into buf the inet_diag bytecode for what the kernel can judge of
 * f (ports and addresses, with and, or, not), widened where it cannot
 * judge (see bytecode.c). Returns its length in bytes (0: no bytecode,
 * every socket passes), or -1 when it does not fit in len bytes.
 */
int nl_bytecode_build(uint8_t *buf, size_t len, const struct filter *f);

/*
 * Writes into buf a whole SOCK_DIAG_BY_FAMILY dump request for one family
 * (AF_INET or AF_INET6), with sequence number seq; for AF_UNSPEC, the
 * legacy TCPDIAG_GETSOCK request for both (one walk of the kernel's
 * tables; its replies have that type). Returns its length (nlmsg_len), or
 * 0 when it does not fit in len bytes.
 */
size_t nl_build_request(void *buf, size_t len, int family, uint32_t seq,
			const struct filter *f);

/* As nl_build_request, with idiag_ext asking for what want says. */
size_t nl_build_request_ext(void *buf, size_t len, int family, uint32_t seq,
			    const struct filter *f, unsigned want);

/*
 * Fills out from one inet_diag reply message: the inet_diag_msg, and its
 * attributes validated, INET_DIAG_INFO, _CONG and _SKMEMINFO filled into
 * out->info and out->mem with their present bits (unknown types skipped).
 * Returns 0, or -EBADMSG when the message is too short, of an unexpected
 * family, or has a malformed attribute.
 */
int nl_parse_msg(const struct nlmsghdr *nlh, struct tcpstat_sock *out);

/* What nl_parse_batch reports. */
enum nl_batch_result {
	NL_BATCH_MORE = 1,   /* the dump goes on: receive again */
	NL_BATCH_DONE = 0,   /* NLMSG_DONE seen */
};

/*
 * Runs emit on every socket in one received buffer of a dump with sequence
 * number seq to port portid. Returns NL_BATCH_MORE or NL_BATCH_DONE, emit's
 * non-zero value when it stopped (as a value > 1 can't be told from
 * NL_BATCH_MORE, it is passed in *stopped and NL_BATCH_DONE is returned),
 * or a negative errno with err filled in: the kernel's own error for
 * NLMSG_ERROR, -EINTR for NLM_F_DUMP_INTR, -EBADMSG for malformed data.
 * *emitted counts the records passed to emit.
 */
int nl_parse_batch(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   tcpstat_emit_fn *emit, void *arg, int *stopped,
		   unsigned long *emitted, struct tcpstat_error *err);

/*
 * Writes into buf a request for the one socket with key's family and
 * endpoints (no dump: the kernel looks it up in its hash tables, TIME_WAIT
 * minisockets too). Returns its length, or 0 when it does not fit.
 */
size_t nl_build_lookup(void *buf, size_t len, const struct tcpstat_sock *key, uint32_t seq);

/*
 * Looks up the socket with key's family and endpoints into *out. Returns
 * 1 when found, 0 when there is none, or a negative errno with err filled.
 */
int nl_lookup(const struct tcpstat_sock *key, struct tcpstat_sock *out,
	      struct tcpstat_error *err);
/*
 * As nl_lookup, in the network namespace ns_fd names (its netlink socket
 * made there, base/netns.h: CAP_SYS_ADMIN); -1: tcpstat's own.
 */
int nl_lookup_in(int ns_fd, const struct tcpstat_sock *key, struct tcpstat_sock *out,
		 struct tcpstat_error *err);

struct mnl_socket;

/*
 * The destroy reports: a NETLINK_SOCK_DIAG socket joined to the TCP
 * destroy multicast groups of the families asked for
 * (SKNLGRP_INET_TCP_DESTROY, SKNLGRP_INET6_TCP_DESTROY), on which the
 * kernel reports every full TCP socket it destroys. (Named "reports", not
 * "destroy": SOCK_DESTROY, which ends a socket, is another request.)
 * Any user may join: net/core/sock_diag.c creates the kernel side with
 * NL_CFG_F_NONROOT_RECV and its sock_diag_bind checks no capability (only
 * SOCK_DESTROY needs CAP_NET_ADMIN), since the groups came in Linux 4.9;
 * seen on 6.18, an unprivileged user hears of every socket of the network
 * namespace, root's too. Returns the socket, or NULL with err filled (a
 * kernel without the groups, a netlink failure).
 */
struct mnl_socket *nl_reports_open(bool ipv4, bool ipv6, struct tcpstat_error *err);

/* The descriptor to poll() for destroy reports. */
int nl_reports_fd(struct mnl_socket *nl);

/*
 * Reads every destroy report waiting, without blocking, calling emit for
 * each socket. Returns 0, emit's non-zero value, or a negative errno with
 * err filled; -ENOBUFS means reports were lost (the reader was too slow)
 * and reading may go on.
 */
int nl_reports_read(struct mnl_socket *nl, tcpstat_emit_fn *emit, void *arg,
		     struct tcpstat_error *err);

void nl_reports_close(struct mnl_socket *nl);

/*
 * Writes into buf a SOCK_DESTROY request for s (its four-tuple, ifindex
 * and cookie, so only that very socket is ended), sequence seq. Returns
 * its length, or 0 when it does not fit in len bytes or s has no kernel
 * id (a record from /proc).
 */
size_t nl_build_destroy(void *buf, size_t len, const struct tcpstat_sock *s, uint32_t seq);

/*
 * Reads the kernel's answer to a request with NLM_F_ACK (len bytes in
 * buf). Returns 0 for done, the kernel's negative errno, or -EBADMSG for
 * something that is not the answer to seq.
 */
int nl_parse_ack(const void *buf, size_t len, uint32_t seq);

/* A socket for nl_destroy, or NULL with err filled. */
struct mnl_socket *nl_destroy_open(struct tcpstat_error *err);

/*
 * Ends s (SOCK_DESTROY; needs CAP_NET_ADMIN and a kernel built with
 * CONFIG_INET_DIAG_DESTROY). Returns 0, or a negative errno: -EPERM
 * without the privilege, -EOPNOTSUPP without the kernel's support,
 * -ENOENT when the socket is gone, -EINVAL for a record without a kernel id.
 */
int nl_destroy(struct mnl_socket *nl, const struct tcpstat_sock *s, uint32_t seq);

void nl_destroy_close(struct mnl_socket *nl);

#endif
