/*
 * error.h - errors as values: every function that can fail returns a
 * negative errno and fills a struct tcpstat_error; main() alone prints it.
 */
#ifndef TCPSTAT_BASE_ERROR_H
#define TCPSTAT_BASE_ERROR_H

/*
 * What failed: errnum is the errno value behind it, or 0 when msg says it
 * all (a bad argument). main prints "tcpstat: MSG" or "tcpstat: MSG: strerror".
 */
struct tcpstat_error {
	int errnum;
	char msg[192];
};

/*
 * Fills err with errnum and the message fmt makes. Returns -errnum, or
 * -EINVAL when errnum is 0 (the message is the whole story: bad input).
 */
int err_set(struct tcpstat_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
