/* report.c - see report.h. */
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "json.h"
#include "report.h"

void report_wrapped(struct line *l, const char *text, unsigned width)
{
	const char *p = text;

	while (*p) {
		size_t len = strlen(p), cut = width;

		if (len <= width) {
			line_put(l, p, len);
			break;
		}
		while (cut > 0 && p[cut] != ' ')
			cut--;
		/* A word longer than a line stays whole. */
		if (cut == 0)
			cut = strcspn(p, " ");
		line_put(l, p, cut);
		line_putc(l, '\n');
		p += cut;
		p += strspn(p, " ");
	}
	line_putc(l, '\n');
}

void report_seconds1(struct line *l, uint32_t ms)
{
	line_u64(l, ms / 1000);
	line_putc(l, '.');
	line_u64(l, ms % 1000 / 100);
}

void report_seconds3(struct line *l, uint32_t ms)
{
	char frac[8];

	line_u64(l, ms / 1000);
	snprintf(frac, sizeof(frac), ".%03u", ms % 1000);
	line_puts(l, frac);
}

void report_string(struct line *l, const char *key, const char *value, bool first)
{
	out_json_key(l, key, first);
	json_string(l, value, strlen(value));
}

void report_u64(struct line *l, const char *key, uint64_t value, bool first)
{
	out_json_key(l, key, first);
	line_u64(l, value);
}

void report_bool(struct line *l, const char *key, bool value, bool first)
{
	out_json_key(l, key, first);
	line_puts(l, value ? "true" : "false");
}
