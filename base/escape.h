/*
 * escape.h - a value from outside (an argument, a process name) made safe
 * to echo in a one-line message: control bytes and bytes that are not
 * UTF-8 are written as C escapes, so the message stays on one line and
 * the terminal receives no escape sequence it would act on.
 */
#ifndef TCPSTAT_BASE_ESCAPE_H
#define TCPSTAT_BASE_ESCAPE_H

#include <stddef.h>

/*
 * Copies s into out (size bytes, at least 1) with \n, \r, \t and \xHH for
 * every C0 control, DEL, C1 control (U+0080-U+009F) and byte that is not
 * part of valid UTF-8; other text unchanged. Truncates at a whole
 * character or escape to fit, always NUL-terminated. Returns out.
 */
char *esc_text(char *out, size_t size, const char *s);

#endif
