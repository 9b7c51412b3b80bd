/* error.c - see error.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

int err_set(struct tcpstat_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return errnum ? -errnum : -EINVAL;
}
