/* json.h - JSON string escaping for the output writers. */
#ifndef TCPSTAT_JSON_H
#define TCPSTAT_JSON_H

#include "line.h"

/*
 * Puts s (n bytes, any bytes) as a JSON string with its quotes: '"', '\\'
 * and control characters escaped, valid UTF-8 kept as it is, and each
 * byte that is not part of valid UTF-8 replaced by U+FFFD, so the result
 * is always valid JSON whatever a program named itself.
 */
void json_string(struct line *l, const char *s, size_t n);

/* json_string for a NUL-terminated s; short names are copied as they are scanned. */
void json_cstring(struct line *l, const char *s);

#endif
