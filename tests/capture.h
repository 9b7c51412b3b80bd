/*
 * capture.h - for the out/ tests: what a format writes, caught in memory
 * with open_memstream. Included by test_print.c and test_json.c.
 */
#ifndef TCPSTAT_TESTS_CAPTURE_H
#define TCPSTAT_TESTS_CAPTURE_H

#include <stdio.h>

#include "out.h"

struct capture {
	char *buf;
	size_t len;
	FILE *f;
	struct out o;
};

static inline void capture_open(struct capture *c, const struct out_config *cfg)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	out_open(&c->o, cfg, c->f);
}

/* Closes the stream: c->buf holds what was written, NUL-terminated. */
static inline void capture_close(struct capture *c)
{
	assert_int_equal(out_flush(&c->o), 0);
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
}

#endif
