/*
 * parse.h - ss's filter language (and tcpstat's additions), parsed into
 * the filter tree: "state time-wait '( sport = :9999 or dport = :443 )'".
 */
#ifndef TCPSTAT_FILTER_PARSE_H
#define TCPSTAT_FILTER_PARSE_H

#include <stddef.h>

#include "filter.h"

/* Nesting deeper than this (parentheses, not) is refused. */
#define FILTER_MAX_DEPTH 64

/* What the expression's words depend on but the words do not say. */
struct filter_parse_env {
	struct tcpstat_port_range ephemeral;   /* what "autobound" means */
};

/*
 * Parses the expression in words[0..n-1] (each split further on white
 * space and parentheses, as ss does) into f, then requires it of f (f's
 * root AND the expression, see filter_require). An expression of no words
 * changes nothing. Returns 0, or -EINVAL with err->msg naming the word
 * ("filter: unexpected 'or' at word 4 (after 'sport = :80')"). Port names
 * are looked up with getservbyname, as ss does.
 */
int filter_parse(struct filter *f, size_t n, char *const *words,
		 const struct filter_parse_env *env, struct tcpstat_error *err);

#endif
