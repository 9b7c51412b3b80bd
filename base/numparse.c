/* numparse.c - see numparse.h. */
#include <string.h>

#include "numparse.h"

bool numparse_uint(const char *s, size_t len, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > NUMPARSE_MAX_LEN)
		return false;
	/* Leading zeros count for nothing: 0000000080 is 80, as 080 is. */
	while (len > 1 && s[0] == '0') {
		s++;
		len--;
	}
	if (len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool numparse_seconds(const char *arg, uint32_t min_ms, uint32_t max_ms, uint32_t *ms)
{
	const char *dot = strchr(arg, '.');
	size_t int_len = dot ? (size_t)(dot - arg) : strlen(arg);
	unsigned long whole = 0, frac = 0;
	size_t frac_len = dot ? strlen(dot + 1) : 0;

	if (int_len == 0 && frac_len == 0)
		return false;
	if (int_len > 0 && !numparse_uint(arg, int_len, 0, max_ms / 1000, &whole))
		return false;
	if (dot && (frac_len == 0 || frac_len > 3 ||
		    !numparse_uint(dot + 1, frac_len, 0, 999, &frac)))
		return false;
	for (size_t i = frac_len; i < 3; i++)
		frac *= 10;
	/* Judged before the narrowing, so 4294967.296 is too big, not 0. */
	whole = whole * 1000 + frac;
	if (whole < min_ms || whole > max_ms)
		return false;
	*ms = (uint32_t)whole;
	return true;
}
