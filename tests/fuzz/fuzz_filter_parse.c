/*
 * fuzz_filter_parse.c - libFuzzer target for the filter language
 * (filter/parse.c): any bytes, as one word, must parse or give an error
 * message, never crash, and a tree that parses must compile to bytecode
 * the kernel's audit would take (checked here by its length bound only;
 * tests/test_bytecode.c has the audit).
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Iinclude -Ibase -Ifilter -Inetlink tests/fuzz/fuzz_filter_parse.c \
 *     filter/filter.c filter/lists.c filter/states.c filter/parse.c base/error.c \
 *     netlink/bytecode.c -o fuzz_filter_parse
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "netlink.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct filter f;
	static uint8_t bc[NL_BYTECODE_MAX];
	static const struct filter_parse_env env = { { 32768, 60999 } };
	struct tcpstat_error err;
	char *text = malloc(size + 1);
	char *words[1] = { text };

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	filter_init(&f);
	if (filter_parse(&f, 1, words, &env, &err) == 0) {
		int len = nl_bytecode_build(bc, sizeof(bc), &f);

		if (len > (int)sizeof(bc))
			abort();
	} else if (strncmp(err.msg, "filter: ", 8) != 0) {
		abort();
	}
	free(text);
	return 0;
}
