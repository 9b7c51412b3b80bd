/* json.c - see json.h. */
#include <stdbool.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * 1 for a byte JSON takes as it is: printable ASCII but '"' (0x22) and
 * '\\' (0x5c). One load a byte instead of four comparisons; NUL is 0.
 */
static const uint8_t json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	/* 0x80 to 0xff: 0 */
};

/* Whether s is printable ASCII without '"' or '\\': put as it is. */
static bool plain_ascii(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!json_plain[s[i]])
			return false;
	return true;
}

void json_string(struct line *l, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	line_putc(l, '"');
	/* Addresses, states, names: almost always nothing to escape. */
	if (plain_ascii(p, n)) {
		line_put(l, s, n);
		n = 0;
	}
	while (n > 0) {
		size_t seq = utf8_sequence(p, n);

		if (seq == 0) {
			line_puts(l, "\\ufffd");
			seq = 1;
		} else if (*p == '"' || *p == '\\') {
			line_putc(l, '\\');
			line_putc(l, (char)*p);
		} else if (*p == '\n') {
			line_puts(l, "\\n");
		} else if (*p == '\t') {
			line_puts(l, "\\t");
		} else if (*p < 0x20 || *p == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf] };

			line_put(l, esc, sizeof(esc));
		} else {
			line_put(l, (const char *)p, seq);
		}
		p += seq;
		n -= seq;
	}
	line_putc(l, '"');
}

/* Names up to this long (user names) are copied as they are scanned. */
#define JSON_SHORT 32

/* json_cstring's other cases, out of line so its common one saves no registers. */
static __attribute__((noinline, cold)) void cstring_slow(struct line *l, const char *s)
{
	json_string(l, s, strlen(s));
}

void json_cstring(struct line *l, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (JSON_SHORT + 2 < l->size - l->len) {
		char *p = l->buf + l->len;
		size_t i;

		*p++ = '"';
		/* A NUL is not plain: the loop ends at the end, or at a byte to escape. */
		for (i = 0; i < JSON_SHORT && json_plain[u[i]]; i++)
			p[i] = s[i];
		if (!u[i]) {
			p[i] = '"';
			l->len += i + 2;
			return;
		}
	}
	/* Longer, something to escape, or a full buffer: what was copied is written again. */
	cstring_slow(l, s);
}
