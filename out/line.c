/* line.c - see line.h. */
#include <string.h>

#include "line.h"

void line_init(struct line *l, char *buf, size_t size, FILE *spill)
{
	l->buf = buf;
	l->size = size;
	l->len = 0;
	l->spill = spill;
	l->spilled = 0;
	l->error = 0;
	buf[0] = '\0';
}

static void spill_buffer(struct line *l)
{
	if (l->len > 0 && fwrite(l->buf, 1, l->len, l->spill) != l->len)
		l->error = 1;
	l->spilled += l->len;
	l->len = 0;
}

void line_put_slow(struct line *l, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = l->size - 1 - l->len;

		if (room == 0) {
			if (!l->spill)
				return;
			spill_buffer(l);
			continue;
		}
		if (room > n)
			room = n;
		memcpy(l->buf + l->len, s, room);
		l->len += room;
		s += room;
		n -= room;
	}
}

int line_reserve_slow(struct line *l, size_t n)
{
	if (l->spill)
		spill_buffer(l);
	return n < l->size - l->len;
}

void line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

const char line_spaces32[33] = "                                ";

void line_spaces_slow(struct line *l, size_t n)
{
	while (n > 0) {
		size_t chunk = n < 32 ? n : 32;

		line_put(l, line_spaces32, chunk);
		n -= chunk;
	}
}

/* "00" to "99", for two digits at a time. */
static const char two_digits[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Decimal digits of v ending at end; returns the first. */
static char *u64_digits(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;

		v /= 100;
		p -= 2;
		p[0] = two_digits[i];
		p[1] = two_digits[i + 1];
	}
	if (v >= 10) {
		p -= 2;
		p[0] = two_digits[v * 2];
		p[1] = two_digits[v * 2 + 1];
	} else {
		*--p = (char)('0' + v);
	}
	return p;
}

static size_t digit_count(uint64_t v)
{
	size_t n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* v < 100 in one or two digits at p; returns the end. */
static char *pair_text(char *p, unsigned v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	memcpy(p, two_digits + v * 2, 2);
	return p + 2;
}

/*
 * v in decimal at p (at most 20 bytes); returns the end. Below 100000
 * (ports, queues, timers, most counts) without a loop or a division
 * that is not by a constant.
 */
static inline char *u64_text(char *p, uint64_t v)
{
	unsigned low;

	if (v < 100)
		return pair_text(p, (unsigned)v);
	if (v < 10000) {
		p = pair_text(p, (unsigned)v / 100);
		memcpy(p, two_digits + (unsigned)v % 100 * 2, 2);
		return p + 2;
	}
	if (v < 100000) {
		*p++ = (char)('0' + (unsigned)v / 10000);
		low = (unsigned)v % 10000;
		memcpy(p, two_digits + low / 100 * 2, 2);
		memcpy(p + 2, two_digits + low % 100 * 2, 2);
		return p + 4;
	}
	p += digit_count(v);
	u64_digits(p, v);
	return p;
}

char *line_u64_text_slow(char *p, uint64_t v)
{
	return u64_text(p, v);
}

/*
 * The writers below keep what a full buffer needs out of line, in a
 * function of its own they end by calling: their common path then saves
 * no registers and makes no stack frame (that was a third of their cost).
 */
#define LINE_COLD __attribute__((noinline, cold))

static LINE_COLD void u64_through_tmp(struct line *l, uint64_t v)
{
	char tmp[24];
	const char *d = u64_digits(tmp + sizeof(tmp), v);

	line_put(l, d, (size_t)(tmp + sizeof(tmp) - d));
}

void line_u64_slow(struct line *l, uint64_t v)
{
	/* With room, the digits go straight into the buffer. */
	if (20 < l->size - l->len) {
		char *start = l->buf + l->len;

		l->len += (size_t)(u64_text(start, v) - start);
		return;
	}
	u64_through_tmp(l, v);
}

/*
 * Each byte's decimal text with a dot after it, and how far that goes: a
 * dotted quad is four copies of four bytes from here (8 bytes an entry,
 * so an entry is found by a shift).
 */
struct octet {
	char text[4];
	uint32_t next;     /* the digits and the dot */
};
#define OCTET(n) { #n ".", sizeof(#n) },
#define OCTETS10(t) OCTET(t##0) OCTET(t##1) OCTET(t##2) OCTET(t##3) OCTET(t##4) \
	OCTET(t##5) OCTET(t##6) OCTET(t##7) OCTET(t##8) OCTET(t##9)
#define OCTETS100(h) OCTETS10(h##0) OCTETS10(h##1) OCTETS10(h##2) OCTETS10(h##3) \
	OCTETS10(h##4) OCTETS10(h##5) OCTETS10(h##6) OCTETS10(h##7) OCTETS10(h##8) \
	OCTETS10(h##9)
static const struct octet octets[256] = {
	OCTET(0) OCTET(1) OCTET(2) OCTET(3) OCTET(4) OCTET(5) OCTET(6) OCTET(7) OCTET(8) OCTET(9)
	OCTETS10(1) OCTETS10(2) OCTETS10(3) OCTETS10(4) OCTETS10(5) OCTETS10(6) OCTETS10(7)
	OCTETS10(8) OCTETS10(9)
	OCTETS100(1)
	OCTETS10(20) OCTETS10(21) OCTETS10(22) OCTETS10(23) OCTETS10(24)
	OCTET(250) OCTET(251) OCTET(252) OCTET(253) OCTET(254) OCTET(255)
};
#undef OCTETS100
#undef OCTETS10
#undef OCTET

static inline char *octet_text(char *p, uint8_t b)
{
	memcpy(p, octets[b].text, 4);
	return p + octets[b].next;
}

/*
 * The dotted quad at p; returns its end. Writes up to 16 bytes (the last
 * dot, then cut off, may land one past the 15 of the text).
 */
static inline char *ipv4_text(char *p, const uint8_t addr[4])
{
	p = octet_text(p, addr[0]);
	p = octet_text(p, addr[1]);
	p = octet_text(p, addr[2]);
	return octet_text(p, addr[3]) - 1;
}

char *line_ipv4_text(char *p, const uint8_t addr[4])
{
	return ipv4_text(p, addr);
}

static LINE_COLD void ipv4_through_tmp(struct line *l, const uint8_t addr[4])
{
	char text[16];

	line_put(l, text, (size_t)(ipv4_text(text, addr) - text));
}

void line_ipv4(struct line *l, const uint8_t addr[4])
{
	/* With room, straight into the buffer. */
	if (16 < l->size - l->len) {
		char *start = l->buf + l->len;

		l->len += (size_t)(ipv4_text(start, addr) - start);
		return;
	}
	ipv4_through_tmp(l, addr);
}

static LINE_COLD void ipv4_port_slow(struct line *l, const uint8_t addr[4], uint16_t port)
{
	line_ipv4(l, addr);
	line_putc(l, ':');
	line_u64(l, port);
}

void line_ipv4_port(struct line *l, const uint8_t addr[4], uint16_t port)
{
	/* With room, straight into the buffer: 16 for the quad, 1 + 5 for the port. */
	if (24 < l->size - l->len) {
		char *p = ipv4_text(l->buf + l->len, addr);

		*p++ = ':';
		l->len = (size_t)(u64_text(p, port) - l->buf);
		return;
	}
	ipv4_port_slow(l, addr, port);
}

void line_u64_right_slow(struct line *l, uint64_t v, size_t width)
{
	char tmp[24];
	size_t n;

	/* With room, the padding and the digits go straight into the buffer. */
	if (width <= 32 && 32 + 20 < l->size - l->len) {
		char *start = l->buf + l->len;

		n = v < 10 ? 1 : digit_count(v);
		if (n < width) {
			memcpy(start, line_spaces32, 32);
			start += width - n;
		}
		l->len = (size_t)(u64_text(start, v) - l->buf);
		return;
	}
	n = (size_t)(u64_text(tmp, v) - tmp);
	if (n < width)
		line_spaces(l, width - n);
	line_put(l, tmp, n);
}

int line_flush(struct line *l)
{
	if (l->spill)
		spill_buffer(l);
	return l->error ? -1 : 0;
}
