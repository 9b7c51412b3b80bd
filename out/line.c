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

size_t line_pos(const struct line *l)
{
	return l->spilled + l->len;
}

static void spill_buffer(struct line *l)
{
	if (fwrite(l->buf, 1, l->len, l->spill) != l->len)
		l->error = 1;
	l->spilled += l->len;
	l->len = 0;
	l->buf[0] = '\0';
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
		l->buf[l->len] = '\0';
		s += room;
		n -= room;
	}
}

void line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

void line_spaces(struct line *l, size_t n)
{
	static const char spaces[] = "                                ";

	while (n > 0) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		line_put(l, spaces, chunk);
		n -= chunk;
	}
}

/* Decimal digits of v at the end of tmp; returns the first. */
static char *u64_digits(char tmp[24], uint64_t v)
{
	char *p = tmp + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void line_u64(struct line *l, uint64_t v)
{
	char tmp[24];

	/* Most numbers in a row are small: address bytes, zero queues. */
	if (v < 10) {
		line_putc(l, (char)('0' + v));
		return;
	}
	if (v < 100) {
		char two[2] = { (char)('0' + v / 10), (char)('0' + v % 10) };

		line_put(l, two, 2);
		return;
	}
	char *digits = u64_digits(tmp, v);
	line_put(l, digits, (size_t)(tmp + 23 - digits));
}

void line_u64_right(struct line *l, uint64_t v, size_t width)
{
	char tmp[24];
	const char *d = u64_digits(tmp, v);
	size_t n = (size_t)(tmp + 23 - d);

	if (n < width)
		line_spaces(l, width - n);
	line_put(l, d, n);
}

void line_pad(struct line *l, size_t from, size_t width)
{
	size_t have = line_pos(l) - from;

	if (have < width)
		line_spaces(l, width - have);
}

int line_flush(struct line *l)
{
	if (l->spill && l->len > 0)
		spill_buffer(l);
	return l->error ? -1 : 0;
}
