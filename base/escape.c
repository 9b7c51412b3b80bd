/* escape.c - see escape.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

/*
 * The length of the valid UTF-8 sequence at s (2-4), or 0: overlong forms,
 * surrogates, code points past U+10FFFF and the C1 controls are refused
 * (the last because a terminal may act on them as on ESC [).
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char b = s[0];
	size_t n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3
		 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
	unsigned char lo = 0x80, hi = 0xbf;

	if (b == 0xc2)
		lo = 0xa0;
	else if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n == 0 || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* The escape for a byte that is not text: "\n", "\xHH". */
static size_t escape_byte(char esc[5], unsigned char b)
{
	const char *named = b == '\n' ? "\\n" : b == '\r' ? "\\r" : b == '\t' ? "\\t" : NULL;

	if (named) {
		memcpy(esc, named, 3);
		return 2;
	}
	snprintf(esc, 5, "\\x%02x", b);
	return 4;
}

char *esc_text(char *out, size_t size, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;

	while (*p) {
		char esc[5];
		const char *piece = (const char *)p;
		size_t n = *p >= 0x20 && *p < 0x7f ? 1 : *p >= 0x80 ? utf8_len(p) : 0;

		if (n == 0) {
			n = escape_byte(esc, *p);
			piece = esc;
		}
		if (len + n >= size)
			break;
		memcpy(out + len, piece, n);
		len += n;
		p += piece == esc ? 1 : n;
	}
	out[len] = '\0';
	return out;
}
