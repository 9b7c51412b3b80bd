/*
 * kernel_bc.h - the kernel's inet_diag bytecode audit and interpreter
 * (net/ipv4/inet_diag.c, inet_diag_bc_audit and inet_diag_bc_run, as of
 * Linux 6.x) in user space, for the ops tcpstat builds. Shared by
 * test_bytecode.c and the bytecode fuzz target (tests/fuzz/), so both
 * judge programs by the same copy. kernel_audit returns 0 when the kernel
 * would accept the program; kernel_run whether it would pass the socket.
 */
#ifndef TCPSTAT_TESTS_KERNEL_BC_H
#define TCPSTAT_TESTS_KERNEL_BC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "tcpstat.h"

/* ---- net/ipv4/inet_diag.c, as of Linux 6.x, in user space ------------- */

static inline bool valid_cc(const uint8_t *bc, int len, int cc)
{
	while (len >= 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;

		if (cc > len)
			return false;
		if (cc == len)
			return true;
		if (op->yes < 4 || op->yes & 3)
			return false;
		len -= op->yes;
		bc += op->yes;
	}
	return false;
}

static inline bool valid_hostcond(const uint8_t *bc, int len, int *min_len)
{
	const struct inet_diag_hostcond *cond;
	int addr_len;

	*min_len += (int)sizeof(struct inet_diag_hostcond);
	if (len < *min_len)
		return false;
	cond = (const void *)(bc + sizeof(struct inet_diag_bc_op));
	switch (cond->family) {
	case AF_UNSPEC:
		addr_len = 0;
		break;
	case AF_INET:
		addr_len = 4;
		break;
	case AF_INET6:
		addr_len = 16;
		break;
	default:
		return false;
	}
	*min_len += addr_len;
	if (len < *min_len)
		return false;
	return cond->prefix_len <= 8 * addr_len;
}

static inline int kernel_audit(const uint8_t *bytecode, int bytecode_len)
{
	const uint8_t *bc = bytecode;
	int len = bytecode_len;

	while (len > 0) {
		int min_len = sizeof(struct inet_diag_bc_op);
		const struct inet_diag_bc_op *op = (const void *)bc;

		switch (op->code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND:
			if (!valid_hostcond(bc, len, &min_len))
				return -1;
			break;
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min_len += sizeof(struct inet_diag_bc_op);
			if (len < min_len)
				return -1;
			break;
		case INET_DIAG_BC_AUTO:
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return -1;
		}
		if (op->code != INET_DIAG_BC_NOP) {
			if (op->no < min_len || op->no > len + 4 || op->no & 3)
				return -1;
			if (op->no < len && !valid_cc(bytecode, bytecode_len, len - op->no))
				return -1;
		}
		if (op->yes < min_len || op->yes > len + 4 || op->yes & 3)
			return -1;
		bc += op->yes;
		len -= op->yes;
	}
	return len == 0 ? 0 : -1;
}

static inline bool bitstring_match(const uint8_t *a1, const uint8_t *a2, int bits)
{
	int words = bits / 8, rest = bits % 8;

	if (words && memcmp(a1, a2, (size_t)words))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (a1[words] & mask) == (a2[words] & mask);
	}
	return true;
}

static const uint8_t kernel_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static inline bool kernel_run(const uint8_t *bc, int len, const struct tcpstat_sock *s)
{
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const void *)bc;
		bool yes = true;

		switch (op->code) {
		case INET_DIAG_BC_NOP:
			break;
		case INET_DIAG_BC_JMP:
			yes = false;
			break;
		case INET_DIAG_BC_S_GE:
			yes = s->local_port >= op[1].no;
			break;
		case INET_DIAG_BC_S_LE:
			yes = s->local_port <= op[1].no;
			break;
		case INET_DIAG_BC_D_GE:
			yes = s->peer_port >= op[1].no;
			break;
		case INET_DIAG_BC_D_LE:
			yes = s->peer_port <= op[1].no;
			break;
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			const struct inet_diag_hostcond *cond = (const void *)(op + 1);
			const uint8_t *addr = op->code == INET_DIAG_BC_S_COND ? s->local_addr
									       : s->peer_addr;
			int port = op->code == INET_DIAG_BC_S_COND ? s->local_port : s->peer_port;

			if (cond->port != -1 && cond->port != port) {
				yes = false;
				break;
			}
			if (cond->family != AF_UNSPEC && cond->family != s->family) {
				if (s->family == AF_INET6 && cond->family == AF_INET &&
				    !memcmp(addr, kernel_mapped_prefix, 12) &&
				    bitstring_match(addr + 12, (const uint8_t *)cond->addr,
						    cond->prefix_len))
					break;
				yes = false;
				break;
			}
			if (cond->prefix_len == 0)
				break;
			yes = bitstring_match(addr, (const uint8_t *)cond->addr, cond->prefix_len);
			break;
		}
		default:
			/* An op tcpstat never builds (INET_DIAG_BC_AUTO...): a finding. */
			abort();
		}
		if (yes) {
			len -= op->yes;
			bc += op->yes;
		} else {
			len -= op->no;
			bc += op->no;
		}
	}
	return len == 0;
}

#endif
