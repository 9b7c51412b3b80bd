/*
 * test_libbpf_dl.c - bpf/libbpf-dl: libbpf loaded on first use. Before the
 * load every forwarder fails as libbpf does (NULL or -ENOSYS, errno ENOSYS);
 * after it they reach the library; a library that cannot be opened, or lacks
 * a function, is refused with a reason naming it. The tests run in order:
 * the first one needs the library not yet loaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "libbpf-dl.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void test_forwarders_fail_before_load(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(libbpf_num_possible_cpus(), -ENOSYS);
	assert_int_equal(errno, ENOSYS);
	errno = 0;
	assert_null(ring_buffer__new(-1, NULL, NULL, NULL));
	assert_int_equal(errno, ENOSYS);
	assert_null(libbpf_set_print(quiet));
	ring_buffer__free(NULL);   /* nothing to call: no crash */
}

static void test_open_reaches_libbpf(void **state)
{
	struct tcpstat_error err = { 0 };

	(void)state;
	assert_int_equal(libbpf_dl_open(&err), 0);
	assert_int_equal(libbpf_dl_open(&err), 0);   /* once per process */
	assert_true(libbpf_num_possible_cpus() > 0);
	/* libbpf's answer, not the forwarder's: the previous printer, then ours. */
	assert_non_null(libbpf_set_print(quiet));
	assert_ptr_equal(libbpf_set_print(quiet), quiet);
}

static void test_probe_missing_library(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(libbpf_dl_probe("libtcpstat-no-such.so.9", why, sizeof(why)), -1);
	assert_non_null(strstr(why, "cannot load libtcpstat-no-such.so.9 ("));
}

static void test_probe_library_lacking_a_function(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(libbpf_dl_probe("libc.so.6", why, sizeof(why)), -1);
	assert_string_equal(why, "libc.so.6 lacks bpf_iter_create");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarders_fail_before_load),
		cmocka_unit_test(test_open_reaches_libbpf),
		cmocka_unit_test(test_probe_missing_library),
		cmocka_unit_test(test_probe_library_lacking_a_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
