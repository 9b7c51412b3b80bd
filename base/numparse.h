/*
 * numparse.h - range-checked numbers and durations from the command line
 * (strtonum's discipline: digits only, no sign, no junk, no overflow).
 */
#ifndef TCPSTAT_BASE_NUMPARSE_H
#define TCPSTAT_BASE_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most characters a number may have, leading zeros included. */
#define NUMPARSE_MAX_LEN 20

/*
 * Whether s (len bytes, at most NUMPARSE_MAX_LEN) is a decimal number in
 * [min, max] with at most 9 digits after its leading zeros (so no
 * overflow); sets *out when it is.
 */
bool numparse_uint(const char *s, size_t len, unsigned long min, unsigned long max,
		   unsigned long *out);

/*
 * Whether arg is seconds with up to three decimals ("2", "0.5", "1.25")
 * between min_ms and max_ms milliseconds; sets *ms when it is.
 */
bool numparse_seconds(const char *arg, uint32_t min_ms, uint32_t max_ms, uint32_t *ms);

#endif
