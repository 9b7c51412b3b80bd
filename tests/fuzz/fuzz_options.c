/*
 * fuzz_options.c - opts_parse on an argv made from the input: the bytes
 * split at each NUL into at most 64 arguments after "tcpstat". Checked: no
 * crash or sanitizer report; the result is 0 or -EINVAL; an error message
 * is there and is one line with no control byte (values are escaped); a
 * success has a filter tree and a report the modes can use.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#define MAX_ARGS 64

static void check_message(const char *msg)
{
	if (msg[0] == '\0')
		abort();
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tcpstat_opts opts;
	struct tcpstat_error err = { 0 };
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2];
	int argc = 1, rc;

	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "tcpstat";
	for (char *p = copy; argc <= MAX_ARGS && p <= copy + size; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = opts_parse(argc, argv, &opts, &err);
	if (rc < 0) {
		if (rc != -EINVAL)
			abort();
		check_message(err.msg);
	} else if (rc != 0 || opts.dump.filter != &opts.filter ||
		   opts.out.n_columns > OUT_MAX_COLUMNS) {
		abort();
	}
	free(copy);
	return 0;
}
