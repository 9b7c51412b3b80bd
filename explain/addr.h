/* addr.h - address comparisons bind.c and connect.c share (not part of the room's API). */
#ifndef TCPSTAT_EXPLAIN_ADDR_H
#define TCPSTAT_EXPLAIN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static inline bool addr_is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The IPv4 address in an IPv4 or v4-mapped IPv6 address; NULL for native IPv6. */
static inline const uint8_t *addr_v4_part(uint8_t family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (family == AF_INET)
		return addr;
	if (memcmp(addr, mapped, sizeof(mapped)) == 0)
		return addr + 12;
	return NULL;
}

/* Two addresses of one family overlap when one is the wildcard or they are equal. */
static inline bool addr_overlap(const uint8_t *a, const uint8_t *b, size_t n)
{
	return addr_is_zero(a, n) || addr_is_zero(b, n) || memcmp(a, b, n) == 0;
}

/* Whether two addresses are one, across IPv4 and v4-mapped IPv6. */
static inline bool addr_same(uint8_t fa, const uint8_t *a, uint8_t fb, const uint8_t *b)
{
	const uint8_t *a4 = addr_v4_part(fa, a), *b4 = addr_v4_part(fb, b);

	if (a4 || b4)
		return a4 && b4 && memcmp(a4, b4, 4) == 0;
	return memcmp(a, b, 16) == 0;
}

/* 127.0.0.0/8 (also v4-mapped) or ::1. */
static inline bool addr_is_loopback(uint8_t family, const uint8_t *addr)
{
	static const uint8_t one[16] = { [15] = 1 };
	const uint8_t *a4 = addr_v4_part(family, addr);

	return a4 ? a4[0] == 127 : memcmp(addr, one, 16) == 0;
}

#endif
