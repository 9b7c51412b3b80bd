/*
 * line.h - build output in a buffer without printf: the formatting of the
 * rows is most of the time of a large listing. A line either truncates at
 * its buffer's end (for tests and fixed-size fields) or, given a FILE,
 * writes the full buffer out and goes on, so nothing is ever cut. The
 * buffer is not kept NUL-terminated as it grows (a store per byte put);
 * line_str terminates it when it is to be read as a string.
 */
#ifndef TCPSTAT_LINE_H
#define TCPSTAT_LINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct line {
	char *buf;
	size_t size;      /* of buf, at least 2; one byte is kept for line_str's NUL */
	size_t len;       /* bytes in buf */
	FILE *spill;      /* where a full buffer goes; NULL: truncate */
	size_t spilled;   /* bytes already written to spill */
	int error;        /* a write to spill failed */
};

/* A line over buf (size bytes, at least 2), truncating or spilling to f. */
void line_init(struct line *l, char *buf, size_t size, FILE *spill);

/* The number of bytes put so far, spilled or not. */
static inline size_t line_pos(const struct line *l)
{
	return l->spilled + l->len;
}

/* The bytes in the buffer, NUL-terminated. */
static inline const char *line_str(struct line *l)
{
	l->buf[l->len] = '\0';
	return l->buf;
}

/* What does not fit the buffer: spill it, or truncate. */
void line_put_slow(struct line *l, const char *s, size_t n);

int line_reserve_slow(struct line *l, size_t n);

/*
 * Makes room for n bytes in the buffer (spilling what is there), so that
 * the next n bytes put stay contiguous. Returns whether there is room.
 * Inline: the table and -j ask for every cell.
 */
static inline int line_reserve(struct line *l, size_t n)
{
	return n < l->size - l->len || line_reserve_slow(l, n);
}

/*
 * Inline for the common case, a few bytes into a buffer with room: this is
 * called several times per field of every row.
 */
static inline void line_put(struct line *l, const char *s, size_t n)
{
	if (n < l->size - l->len) {
		memcpy(l->buf + l->len, s, n);
		l->len += n;
		return;
	}
	line_put_slow(l, s, n);
}

static inline void line_putc(struct line *l, char c)
{
	if (l->len + 1 < l->size) {
		l->buf[l->len++] = c;
		return;
	}
	line_put_slow(l, &c, 1);
}

/*
 * n bytes (n <= 16) from s, which must have 16 readable bytes (a name in a
 * char[16] table): with room, one fixed-size copy instead of a call.
 */
static inline void line_put16(struct line *l, const char *s, size_t n)
{
	if (16 < l->size - l->len) {
		memcpy(l->buf + l->len, s, 16);
		l->len += n;
		return;
	}
	line_put_slow(l, s, n);
}

/* The same for up to 32 bytes from a char[32]. */
static inline void line_put32(struct line *l, const char *s, size_t n)
{
	if (32 < l->size - l->len) {
		memcpy(l->buf + l->len, s, 32);
		l->len += n;
		return;
	}
	line_put_slow(l, s, n);
}

void line_puts(struct line *l, const char *s);
void line_spaces_slow(struct line *l, size_t n);

/* 32 spaces, for padding with one fixed-size copy. */
extern const char line_spaces32[33];

/*
 * n spaces. Padding is short: with room, one fixed-size copy of 32 (the
 * rest is overwritten later), inline because every cell of a table pads.
 */
static inline void line_spaces(struct line *l, size_t n)
{
	if (n <= 32 && 32 < l->size - l->len) {
		memcpy(l->buf + l->len, line_spaces32, 32);
		l->len += n;
		return;
	}
	line_spaces_slow(l, n);
}

void line_u64_slow(struct line *l, uint64_t v);

/* v in decimal; one digit (most numbers in a row: zero queues, retries) inline. */
static inline void line_u64(struct line *l, uint64_t v)
{
	if (v < 10 && l->len + 1 < l->size) {
		l->buf[l->len++] = (char)('0' + v);
		return;
	}
	line_u64_slow(l, v);
}
/* An IPv4 address in dotted-quad form. */
void line_ipv4(struct line *l, const uint8_t addr[4]);
/* addr:port, both in decimal, with one check for room. */
void line_ipv4_port(struct line *l, const uint8_t addr[4], uint16_t port);
void line_u64_right_slow(struct line *l, uint64_t v, size_t width);

/* v right-aligned in width columns; one digit (a zero queue) inline. */
static inline void line_u64_right(struct line *l, uint64_t v, size_t width)
{
	if (v < 10 && width - 1 < 32 && 32 < l->size - l->len) {
		memcpy(l->buf + l->len, line_spaces32, 32);
		l->buf[l->len + width - 1] = (char)('0' + v);
		l->len += width;
		return;
	}
	line_u64_right_slow(l, v, width);
}

/*
 * Writers straight into memory the caller made room for: each puts its
 * text at p and returns its end (-j's runs of keys, which check for room
 * once a run). line_u64_text writes at most 20 bytes, line_ipv4_text 16
 * (the last dot, cut off, may land one past the 15 of the text).
 */
char *line_u64_text_slow(char *p, uint64_t v);

/* One digit (most numbers in a row) inline. */
static inline char *line_u64_text(char *p, uint64_t v)
{
	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	return line_u64_text_slow(p, v);
}
char *line_ipv4_text(char *p, const uint8_t addr[4]);

/* Spaces until the field that began at line_pos() == from is width wide. */
static inline void line_pad(struct line *l, size_t from, size_t width)
{
	size_t have = line_pos(l) - from;

	if (have < width)
		line_spaces(l, width - have);
}

/*
 * Writes what is left in the buffer to the spill FILE. Returns 0, or -1
 * when any write of this line failed.
 */
int line_flush(struct line *l);

#endif
