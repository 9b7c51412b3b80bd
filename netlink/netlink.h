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
 * Room for the longest bytecode a query can make: TCPSTAT_MAX_FILTERS
 * entries in every list is about 4.6 KiB.
 */
#define NL_BYTECODE_MAX 8192

/*
 * Lists q's families through inet_diag: the state set goes to the kernel as
 * idiag_states, port and address filters as INET_DIAG_REQ_BYTECODE.
 * Returns as tcpstat_dump_fn says. A dump the kernel marks interrupted
 * (NLM_F_DUMP_INTR) is retried a few times while nothing of it was emitted.
 */
int nl_dump(const struct tcpstat_query *q, tcpstat_emit_fn *emit, void *arg,
	    struct tcpstat_error *err);

/*
 * Writes into buf the inet_diag bytecode for q's port and address filters.
 * Returns its length in bytes (0 when q has no such filter), or -1 when it
 * does not fit in len bytes.
 */
int nl_bytecode_build(uint8_t *buf, size_t len, const struct tcpstat_query *q);

/*
 * Writes into buf a whole SOCK_DIAG_BY_FAMILY dump request for one family
 * (AF_INET or AF_INET6), with sequence number seq. Returns its length
 * (nlmsg_len), or 0 when it does not fit in len bytes.
 */
size_t nl_build_request(void *buf, size_t len, int family, uint32_t seq,
			const struct tcpstat_query *q);

/*
 * Fills out from one inet_diag reply message. Returns 0, or -EBADMSG when
 * the message is too short, of an unexpected family, or has a malformed
 * attribute.
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

struct mnl_socket;

/*
 * Opens a NETLINK_SOCK_DIAG socket joined to the TCP destroy multicast
 * groups of the families asked for (SKNLGRP_INET_TCP_DESTROY,
 * SKNLGRP_INET6_TCP_DESTROY): the kernel then reports every full TCP
 * socket it destroys. Joining needs CAP_NET_ADMIN. Returns the socket, or
 * NULL with err filled (EPERM without the capability).
 */
struct mnl_socket *nl_destroy_open(bool ipv4, bool ipv6, struct tcpstat_error *err);

/* The descriptor to poll() for destroy reports. */
int nl_destroy_fd(struct mnl_socket *nl);

/*
 * Reads every destroy report waiting, without blocking, calling emit for
 * each socket. Returns 0, emit's non-zero value, or a negative errno with
 * err filled; -ENOBUFS means reports were lost (the reader was too slow)
 * and reading may go on.
 */
int nl_destroy_read(struct mnl_socket *nl, tcpstat_emit_fn *emit, void *arg,
		    struct tcpstat_error *err);

void nl_destroy_close(struct mnl_socket *nl);

#endif
