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

int line_reserve(struct line *l, size_t n)
{
	if (n < l->size - l->len)
		return 1;
	if (l->spill)
		spill_buffer(l);
	return n < l->size - l->len;
}

void line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

void line_spaces(struct line *l, size_t n)
{
	static const char spaces[] = "                                ";

	/* Padding is short: one fixed-size copy, the rest overwritten later. */
	if (n <= 32 && 32 < l->size - l->len) {
		memcpy(l->buf + l->len, spaces, 32);
		l->len += n;
		return;
	}
	while (n > 0) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		line_put(l, spaces, chunk);
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

void line_u64_slow(struct line *l, uint64_t v)
{
	char tmp[24];
	char *d;

	/* Most numbers in a row are small: address bytes, zero queues. */
	if (v < 10) {
		line_putc(l, (char)('0' + v));
		return;
	}
	/* With room, the digits go straight into the buffer. */
	if (20 < l->size - l->len) {
		size_t n = digit_count(v);

		u64_digits(l->buf + l->len + n, v);
		l->len += n;
		return;
	}
	d = u64_digits(tmp + sizeof(tmp), v);
	line_put(l, d, (size_t)(tmp + sizeof(tmp) - d));
}

/* The dotted quad at p (at most 15 bytes); returns its end. */
static char *ipv4_text(char *p, const uint8_t addr[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned b = addr[i];

		if (i > 0)
			*p++ = '.';
		if (b >= 100) {
			*p++ = (char)('0' + b / 100);
			b %= 100;
			*p++ = two_digits[b * 2];
			*p++ = two_digits[b * 2 + 1];
		} else if (b >= 10) {
			*p++ = two_digits[b * 2];
			*p++ = two_digits[b * 2 + 1];
		} else {
			*p++ = (char)('0' + b);
		}
	}
	return p;
}

void line_ipv4(struct line *l, const uint8_t addr[4])
{
	char text[16];

	/* With room, straight into the buffer. */
	if (16 < l->size - l->len) {
		char *start = l->buf + l->len;

		l->len += (size_t)(ipv4_text(start, addr) - start);
		return;
	}
	line_put(l, text, (size_t)(ipv4_text(text, addr) - text));
}

void line_u64_right(struct line *l, uint64_t v, size_t width)
{
	char tmp[24];

	/* With room, the padding and the digits go straight into the buffer. */
	if (width <= 32 && 32 + 20 < l->size - l->len) {
		size_t n = digit_count(v), pad = n < width ? width - n : 0;

		line_spaces(l, pad);
		u64_digits(l->buf + l->len + n, v);
		l->len += n;
		return;
	}
	const char *d = u64_digits(tmp + sizeof(tmp), v);
	size_t n = (size_t)(tmp + sizeof(tmp) - d);

	if (n < width)
		line_spaces(l, width - n);
	line_put(l, d, n);
}

int line_flush(struct line *l)
{
	if (l->spill)
		spill_buffer(l);
	return l->error ? -1 : 0;
}
