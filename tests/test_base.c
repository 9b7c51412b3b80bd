/*
 * test_base.c - base/: the inode set (u64set), the growable array (vec),
 * the number parsers of the command line (numparse), errors as values
 * (err_set), the clock helpers that need no waiting and the internal
 * switches (env_switch).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "envswitch.h"
#include "error.h"
#include "escape.h"
#include "numparse.h"
#include "u64set.h"
#include "vec.h"

/* ---- u64set ----------------------------------------------------------------- */

static void test_u64set(void **state)
{
	struct u64set set;

	(void)state;
	assert_int_equal(u64set_init(&set, 1000), 0);
	for (uint64_t i = 1; i <= 1000; i++)
		assert_int_equal(u64set_add(&set, i * 4096), 0);
	assert_int_equal(u64set_add(&set, 4096), 0);      /* again: no change */
	assert_int_equal(u64set_add(&set, 0), 0);         /* 0 is never kept */
	assert_int_equal(set.count, 1000);
	for (uint64_t i = 1; i <= 1000; i++)
		assert_true(u64set_has(&set, i * 4096));
	assert_false(u64set_has(&set, 4097));
	assert_false(u64set_has(&set, 0));
	assert_false(u64set_has(&set, 1001 * 4096));
	u64set_free(&set);

	/* Never fuller than half: an add past the size asked for is refused. */
	assert_int_equal(u64set_init(&set, 0), 0);
	for (uint64_t i = 1; i <= 8; i++)
		assert_int_equal(u64set_add(&set, i), 0);
	assert_int_equal(u64set_add(&set, 9), -ENOSPC);
	assert_int_equal(set.count, 8);
	assert_false(u64set_has(&set, 9));
	/* A value already there is found before the room is checked. */
	assert_int_equal(u64set_add(&set, 8), 0);
	u64set_free(&set);
}

/* The largest values, and values that collide in the low bits. */
static void test_u64set_values(void **state)
{
	struct u64set set;

	(void)state;
	assert_int_equal(u64set_init(&set, 64), 0);
	assert_int_equal(u64set_add(&set, UINT64_MAX), 0);
	assert_int_equal(u64set_add(&set, UINT64_MAX - 1), 0);
	for (uint64_t i = 1; i <= 32; i++)
		assert_int_equal(u64set_add(&set, i << 40), 0);
	assert_int_equal(set.count, 34);
	assert_true(u64set_has(&set, UINT64_MAX));
	assert_true(u64set_has(&set, UINT64_MAX - 1));
	assert_false(u64set_has(&set, UINT64_MAX - 2));
	for (uint64_t i = 1; i <= 32; i++)
		assert_true(u64set_has(&set, i << 40));
	assert_false(u64set_has(&set, 33ull << 40));
	u64set_free(&set);
	/* A freed set holds nothing, and freeing again is harmless. */
	assert_null(set.slots);
	assert_false(u64set_has(&set, UINT64_MAX));
	u64set_free(&set);
}

/* ---- vec ---------------------------------------------------------------------- */

struct odd {          /* 3 bytes: elements need not be aligned sizes */
	char c[3];
};

static void test_vec_push_at(void **state)
{
	struct vec v;

	(void)state;
	vec_init(&v, sizeof(uint64_t), 0);
	assert_int_equal(v.len, 0);
	assert_int_equal(v.elem, sizeof(uint64_t));
	assert_null(v.data);
	/* Far past the first allocation, so the array grows several times. */
	for (uint64_t i = 0; i < 1000; i++) {
		uint64_t item = i * 3 + 1;
		uint64_t *slot = vec_push(&v, &item);

		assert_non_null(slot);
		assert_ptr_not_equal(slot, &item);        /* a copy */
		assert_int_equal(*slot, item);
		assert_int_equal(v.len, i + 1);
		assert_true(v.cap >= v.len);
	}
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(*(uint64_t *)vec_at(&v, i), i * 3 + 1);
	assert_ptr_equal(vec_at(&v, 0), v.data);
	vec_free(&v);

	struct vec o;
	struct odd item = { { 'a', 'b', 'c' } };

	vec_init(&o, sizeof(struct odd), 0);
	for (int i = 0; i < 100; i++) {
		item.c[0] = (char)i;
		assert_non_null(vec_push(&o, &item));
	}
	for (int i = 0; i < 100; i++) {
		const struct odd *e = vec_at(&o, (size_t)i);

		assert_int_equal(e->c[0], (char)i);
		assert_int_equal(e->c[2], 'c');
	}
	assert_int_equal((char *)vec_at(&o, 1) - (char *)vec_at(&o, 0), 3);
	vec_free(&o);
}

static void test_vec_max(void **state)
{
	struct vec v;
	int item = 7;

	(void)state;
	/* A small limit: the array never holds more. */
	vec_init(&v, sizeof(int), 3);
	for (int i = 0; i < 3; i++)
		assert_non_null(vec_push(&v, &item));
	assert_null(vec_push(&v, &item));
	assert_null(vec_push(&v, &item));
	assert_int_equal(v.len, 3);
	assert_true(v.cap <= 3);
	vec_free(&v);

	/* A limit that is no power of two, past the first allocation. */
	vec_init(&v, sizeof(int), 100);
	for (int i = 0; i < 100; i++) {
		item = i;
		assert_non_null(vec_push(&v, &item));
	}
	assert_null(vec_push(&v, &item));
	assert_int_equal(v.len, 100);
	assert_int_equal(v.cap, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(*(int *)vec_at(&v, (size_t)i), i);
	vec_free(&v);

	/* A limit of one. */
	vec_init(&v, sizeof(int), 1);
	assert_non_null(vec_push(&v, &item));
	assert_null(vec_push(&v, &item));
	vec_free(&v);
}

static void test_vec_clear_free(void **state)
{
	struct vec v;
	int item = 1;
	void *data;
	size_t cap;

	(void)state;
	vec_init(&v, sizeof(int), 10);
	for (int i = 0; i < 10; i++)
		assert_non_null(vec_push(&v, &item));
	assert_null(vec_push(&v, &item));
	data = v.data;
	cap = v.cap;
	/* Clear empties it, keeping the memory, and the limit counts again from 0. */
	vec_clear(&v);
	assert_int_equal(v.len, 0);
	assert_ptr_equal(v.data, data);
	assert_int_equal(v.cap, cap);
	item = 42;
	assert_ptr_equal(vec_push(&v, &item), data);
	assert_int_equal(*(int *)vec_at(&v, 0), 42);
	assert_int_equal(v.len, 1);
	for (int i = 1; i < 10; i++)
		assert_non_null(vec_push(&v, &item));
	assert_null(vec_push(&v, &item));

	/* Free gives the memory back; the array is empty and usable again. */
	vec_free(&v);
	assert_null(v.data);
	assert_int_equal(v.len, 0);
	assert_int_equal(v.cap, 0);
	vec_free(&v);                       /* twice is harmless */
	assert_non_null(vec_push(&v, &item));
	assert_int_equal(*(int *)vec_at(&v, 0), 42);
	vec_free(&v);

	/* An array never pushed to frees fine. */
	vec_init(&v, sizeof(int), 0);
	vec_clear(&v);
	vec_free(&v);
}

/* ---- numparse_uint ----------------------------------------------------------- */

static void test_numparse_uint(void **state)
{
	static const struct {
		const char *s;
		size_t len;          /* 0: strlen(s) */
		unsigned long min, max;
		bool ok;
		unsigned long want;
	} cases[] = {
		{ "0", 0, 0, 10, true, 0 },
		{ "7", 0, 0, 10, true, 7 },
		{ "10", 0, 0, 10, true, 10 },           /* max is inclusive */
		{ "11", 0, 0, 10, false, 0 },
		{ "5", 0, 5, 10, true, 5 },             /* min is inclusive */
		{ "4", 0, 5, 10, false, 0 },
		{ "0", 0, 1, 10, false, 0 },
		{ "007", 0, 0, 10, true, 7 },           /* leading zeros are digits */
		{ "999999999", 0, 0, 999999999, true, 999999999 },   /* 9 digits */
		{ "000000001", 0, 0, 10, true, 1 },
		{ "1000000000", 0, 0, 4000000000ul, false, 0 },       /* 10 digits */
		{ "0000000001", 0, 0, 10, true, 1 },    /* leading zeros do not count ... */
		{ "0000000000000000080", 0, 0, 65535, true, 80 },
		{ "00000000000000000080", 0, 0, 65535, true, 80 },  /* 20 characters */
		{ "000000000000000000080", 0, 0, 65535, false, 0 }, /* ... past 20 they do */
		{ "0000000000", 0, 0, 10, true, 0 },
		{ "00001000000000", 0, 0, 4000000000ul, false, 0 }, /* 10 digits after the zeros */
		{ "", 0, 0, 10, false, 0 },
		{ "-1", 0, 0, 10, false, 0 },
		{ "+1", 0, 0, 10, false, 0 },
		{ " 1", 0, 0, 10, false, 0 },
		{ "1 ", 0, 0, 10, false, 0 },
		{ "1x", 0, 0, 10, false, 0 },
		{ "0x1", 0, 0, 10, false, 0 },
		{ "1.0", 0, 0, 10, false, 0 },
		{ "1e2", 0, 0, 1000, false, 0 },
		/* The length given counts, not a NUL. */
		{ "12abc", 2, 0, 100, true, 12 },
		{ "123456789999", 9, 0, 999999999, true, 123456789 },
		{ "5,6", 1, 0, 10, true, 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
		unsigned long v = 12345;
		bool ok = numparse_uint(cases[i].s, len, cases[i].min, cases[i].max, &v);

		if (ok != cases[i].ok)
			fail_msg("'%s' (%zu) in [%lu, %lu]: %d", cases[i].s, len, cases[i].min,
				 cases[i].max, ok);
		/* *out is set only on success. */
		assert_int_equal(v, ok ? cases[i].want : 12345);
	}
	/* A length of zero is no number, whatever the bytes. */
	unsigned long v = 3;
	assert_false(numparse_uint("5", 0, 0, 10, &v));
	assert_int_equal(v, 3);
}

/* ---- numparse_seconds ------------------------------------------------------- */

static void test_numparse_seconds(void **state)
{
	static const struct {
		const char *arg;
		uint32_t min_ms, max_ms;
		bool ok;
		uint32_t want;
	} cases[] = {
		{ "2", 0, 60000, true, 2000 },
		{ "0.5", 0, 60000, true, 500 },
		{ "1.25", 0, 60000, true, 1250 },
		{ "1.250", 0, 60000, true, 1250 },
		{ "1.05", 0, 60000, true, 1050 },       /* decimals are places, not a number */
		{ "1.005", 0, 60000, true, 1005 },
		{ "0.001", 0, 60000, true, 1 },
		{ ".5", 0, 60000, true, 500 },          /* no whole part */
		{ "0", 0, 60000, true, 0 },
		{ "000002", 0, 60000, true, 2000 },
		{ "60", 0, 60000, true, 60000 },        /* max is inclusive */
		{ "0.1", 100, 60000, true, 100 },       /* min is inclusive */
		{ "4294967.295", 0, UINT32_MAX, true, UINT32_MAX },
		/* not seconds */
		{ "", 0, 60000, false, 0 },
		{ ".", 0, 60000, false, 0 },
		{ "2.", 0, 60000, false, 0 },           /* a dot needs decimals */
		{ "1.2345", 0, 60000, false, 0 },       /* at most three */
		{ "1.2.3", 0, 60000, false, 0 },
		{ "-1", 0, 60000, false, 0 },
		{ "+1", 0, 60000, false, 0 },
		{ "1s", 0, 60000, false, 0 },
		{ "1.5x", 0, 60000, false, 0 },
		{ " 1", 0, 60000, false, 0 },
		{ "1e3", 0, 60000, false, 0 },
		{ "1,5", 0, 60000, false, 0 },
		{ "0.-1", 0, 60000, false, 0 },
		/* out of range */
		{ "61", 0, 60000, false, 0 },           /* whole seconds past max */
		{ "60.001", 0, 60000, false, 0 },       /* decimals past max */
		{ "0.099", 100, 60000, false, 0 },
		{ "0", 1, 60000, false, 0 },
		{ "1", 0, 500, false, 0 },              /* max below one second */
		{ "0.5", 0, 500, true, 500 },
		{ "1000000000", 0, UINT32_MAX, false, 0 },
		/* judged before narrowing to 32 bits: too big, not 0 ms */
		{ "4294967.296", 0, UINT32_MAX, false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t ms = 777;
		bool ok = numparse_seconds(cases[i].arg, cases[i].min_ms, cases[i].max_ms, &ms);

		/* A refused value leaves *ms alone. */
		if (ok != cases[i].ok || (ok && ms != cases[i].want) || (!ok && ms != 777))
			fail_msg("'%s' in [%u, %u] ms: %d, %u ms", cases[i].arg, cases[i].min_ms,
				 cases[i].max_ms, ok, ms);
	}
}

/* ---- err_set ----------------------------------------------------------------- */

static void test_err_set(void **state)
{
	struct tcpstat_error err;

	(void)state;
	memset(&err, 'x', sizeof(err));
	assert_int_equal(err_set(&err, ENOENT, "cannot open %s", "/proc/net/tcp"), -ENOENT);
	assert_int_equal(err.errnum, ENOENT);
	assert_string_equal(err.msg, "cannot open /proc/net/tcp");

	/* errnum 0: the message says it all, and the return is -EINVAL. */
	assert_int_equal(err_set(&err, 0, "invalid port '%s'", "x"), -EINVAL);
	assert_int_equal(err.errnum, 0);
	assert_string_equal(err.msg, "invalid port 'x'");
	assert_int_equal(err_set(&err, EINVAL, "bad"), -EINVAL);
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(err_set(&err, EPERM, "%d%%, %u, %c", -3, 7u, 'z'), -EPERM);
	assert_string_equal(err.msg, "-3%, 7, z");
	assert_int_equal(err_set(&err, ENOMEM, "%s", ""), -ENOMEM);
	assert_string_equal(err.msg, "");
}

/* A message longer than the buffer is cut, always NUL-terminated. */
static void test_err_set_truncates(void **state)
{
	struct tcpstat_error err;
	char longer[400];

	(void)state;
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memset(&err, 'x', sizeof(err));
	assert_int_equal(err_set(&err, EIO, "%s", longer), -EIO);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_memory_equal(err.msg, longer, sizeof(err.msg) - 1);
	assert_int_equal(err.msg[sizeof(err.msg) - 1], '\0');

	/* Exactly as long as fits: kept whole. */
	longer[sizeof(err.msg) - 1] = '\0';
	assert_int_equal(err_set(&err, 0, "%s", longer), -EINVAL);
	assert_string_equal(err.msg, longer);

	/* Cut inside a conversion: the digits that fit. */
	memset(longer, 'b', sizeof(err.msg) - 3);
	longer[sizeof(err.msg) - 3] = '\0';
	assert_int_equal(err_set(&err, EIO, "%s%d", longer, 12345), -EIO);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_int_equal(err.msg[sizeof(err.msg) - 3], '1');
	assert_int_equal(err.msg[sizeof(err.msg) - 2], '2');
}

/* ---- clock ------------------------------------------------------------------- */

static void assert_shape(const char *s, const char *shape)
{
	assert_int_equal(strlen(s), strlen(shape));
	for (size_t i = 0; shape[i]; i++) {
		if (shape[i] == '9')
			assert_true(isdigit((unsigned char)s[i]));
		else
			assert_int_equal(s[i], shape[i]);
	}
}

static void test_clock(void **state)
{
	char buf[32];
	uint64_t a, b;
	volatile sig_atomic_t stop = 0;

	(void)state;
	clock_wall(buf, sizeof(buf), false);
	assert_shape(buf, "99:99:99.999");
	clock_wall(buf, sizeof(buf), true);
	assert_shape(buf, "9999-99-99 99:99:99.999");

	a = clock_now_ms();
	b = clock_now_ms();
	assert_true(b >= a);
	/* A deadline passed: no sleep, go on. A stop: at once, and stop. */
	assert_true(clock_sleep_until(a, &stop));
	stop = 1;
	assert_false(clock_sleep_until(a + 60000, &stop));
	assert_int_equal(clock_ppoll(NULL, 0, a + 60000, &stop), -1);
	assert_true(clock_now_ms() - a < 30000);
	/* On time: one period on; late (a SIGSTOP): one period from now. */
	assert_int_equal(clock_next_deadline(1000, 100, 1050), 1100);
	assert_int_equal(clock_next_deadline(1000, 100, 1100), 1100);
	assert_int_equal(clock_next_deadline(1000, 100, 6000), 6100);
}

/* ---- atomicfile ------------------------------------------------------------- */

/* How many entries the folder holds, . and .. aside. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void test_atomicfile(void **state)
{
	char dir[] = "/tmp/tcpstat-atomicfile-XXXXXX", path[64], buf[64];
	struct tcpstat_error err = { 0 };
	struct atomicfile a;
	struct stat st;
	mode_t old_mask = umask(022);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tcpstat.prom", dir);
	/* While it is written, only a hidden temporary file, not named *.prom. */
	assert_int_equal(atomicfile_open(&a, path, &err), 0);
	fputs("first\n", a.f);
	assert_int_equal(entries(dir), 1);
	assert_int_equal(strncmp(strrchr(a.tmp, '/'), "/.tcpstat.prom.", 15), 0);
	assert_int_equal(atomicfile_commit(&a, &err), 0);
	assert_int_equal(entries(dir), 1);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "first\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* Given up: the old file stays as it was, the temporary file goes. */
	assert_int_equal(atomicfile_open(&a, path, &err), 0);
	fputs("half", a.f);
	atomicfile_abort(&a);
	assert_int_equal(entries(dir), 1);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "first\n");
	/* Replaced whole. */
	assert_int_equal(atomicfile_open(&a, path, &err), 0);
	fputs("second\n", a.f);
	assert_int_equal(atomicfile_commit(&a, &err), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "second\n");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	/* A folder that is not there: an error naming the file. */
	snprintf(path, sizeof(path), "%s/tcpstat.prom", dir);
	assert_int_equal(atomicfile_open(&a, path, &err), -ENOENT);
	assert_non_null(strstr(err.msg, path));
	umask(old_mask);
}

/* ---- esc_text ---------------------------------------------------------------- */

static void test_esc_text(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "80", "80" },
		{ "80\n81", "80\\n81" },
		{ "\t\r", "\\t\\r" },
		{ "\033[2J", "\\x1b[2J" },
		{ "a\x7f", "a\\x7f" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },            /* UTF-8 stays */
		{ "\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80" },
		{ "\xc2\x9b", "\\xc2\\x9b" },                /* C1 CSI */
		{ "\xff\xfe", "\\xff\\xfe" },
		{ "\xc3", "\\xc3" },                         /* cut short */
		{ "\xc0\xaf", "\\xc0\\xaf" },                /* overlong */
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },       /* a surrogate */
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" }, /* past U+10FFFF */
		{ "", "" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(esc_text(out, sizeof(out), cases[i].in), cases[i].want);
	/* Truncated at a whole escape: "ab\x1b" does not fit 6 bytes. */
	assert_string_equal(esc_text(out, 6, "ab\033cd"), "ab");
	assert_string_equal(esc_text(out, 7, "ab\033cd"), "ab\\x1b");
	assert_string_equal(esc_text(out, 1, "abc"), "");
}

/* -j's timestamp: RFC 3339 with the offset's colon, in UTC and east and west of it. */
static void test_clock_rfc3339(void **state)
{
	static const struct { const char *tz, *want; } cases[] = {
		{ "UTC0", "2026-12-03T15:12:01.204117+00:00" },
		{ "CET-1", "2026-12-03T16:12:01.204117+01:00" },
		{ "NST3:30", "2026-12-03T11:42:01.204117-03:30" },
	};
	char buf[48];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		clock_rfc3339(1796310721204117u, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	unsetenv("TZ");
	tzset();
}

/* An internal switch is on when set to anything but "" or "0". */
static void test_env_switch(void **state)
{
	(void)state;
	unsetenv("TCPSTAT_TEST_SWITCH");
	assert_false(env_switch("TCPSTAT_TEST_SWITCH"));
	setenv("TCPSTAT_TEST_SWITCH", "", 1);
	assert_false(env_switch("TCPSTAT_TEST_SWITCH"));
	setenv("TCPSTAT_TEST_SWITCH", "0", 1);
	assert_false(env_switch("TCPSTAT_TEST_SWITCH"));
	setenv("TCPSTAT_TEST_SWITCH", "1", 1);
	assert_true(env_switch("TCPSTAT_TEST_SWITCH"));
	setenv("TCPSTAT_TEST_SWITCH", "00", 1);
	assert_true(env_switch("TCPSTAT_TEST_SWITCH"));
	unsetenv("TCPSTAT_TEST_SWITCH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64set),
		cmocka_unit_test(test_u64set_values),
		cmocka_unit_test(test_vec_push_at),
		cmocka_unit_test(test_vec_max),
		cmocka_unit_test(test_vec_clear_free),
		cmocka_unit_test(test_numparse_uint),
		cmocka_unit_test(test_numparse_seconds),
		cmocka_unit_test(test_err_set),
		cmocka_unit_test(test_err_set_truncates),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_atomicfile),
		cmocka_unit_test(test_clock_rfc3339),
		cmocka_unit_test(test_esc_text),
		cmocka_unit_test(test_env_switch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
