/*
 * test_owners.c - socket owners (owners/): the "socket:[N]" link parser
 * and the /proc walk on a fake /proc tree built in a temporary folder
 * (pid folders with fd symlinks and comm files). The inode set it is
 * given (base/u64set) is tested in test_base.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>

#include "owners.h"
#include "ownrec.h"
#include "u64set.h"

static void test_link_parser(void **state)
{
	static const struct {
		const char *link;
		bool ok;
		uint64_t inode;
	} cases[] = {
		{ "socket:[12345]", true, 12345 },
		{ "socket:[0]", true, 0 },
		{ "socket:[18446744073709551615]", true, UINT64_MAX },
		{ "socket:[18446744073709551616]", false, 0 },
		{ "socket:[]", false, 0 },
		{ "socket:[12a45]", false, 0 },
		{ "socket:[123", false, 0 },
		{ "socket:[123]x", false, 0 },
		{ "socket:123", false, 0 },
		{ "pipe:[12345]", false, 0 },
		{ "anon_inode:[eventpoll]", false, 0 },
		{ "/dev/null", false, 0 },
		{ "", false, 0 },
		{ "socket:[-1]", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t inode = 777;
		bool ok = owners_parse_socket_link(cases[i].link, strlen(cases[i].link), &inode);

		if (ok != cases[i].ok || (ok && inode != cases[i].inode))
			fail_msg("'%s': %d %llu", cases[i].link, ok, (unsigned long long)inode);
	}
	/* The length given counts, not a NUL. */
	uint64_t inode;
	assert_true(owners_parse_socket_link("socket:[42]trailing", 11, &inode));
	assert_int_equal(inode, 42);
}

struct fake_proc {
	char root[64];
};

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* root/PID/comm and root/PID/fd/N -> targets[N] (NULL: no such fd). */
static void add_process(struct fake_proc *p, unsigned pid, const char *comm,
			const char *const *targets, unsigned n)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%u", p->root, pid);
	assert_int_equal(mkdir(path, 0755), 0);
	if (comm) {
		snprintf(path, sizeof(path), "%s/%u/comm", p->root, pid);
		put_file(path, comm);
	}
	snprintf(path, sizeof(path), "%s/%u/fd", p->root, pid);
	if (!targets)
		return;        /* a process that vanished: no fd folder */
	assert_int_equal(mkdir(path, 0755), 0);
	for (unsigned fd = 0; fd < n; fd++) {
		if (!targets[fd])
			continue;
		snprintf(path, sizeof(path), "%s/%u/fd/%u", p->root, pid, fd);
		assert_int_equal(symlink(targets[fd], path), 0);
	}
}

static int make_fake_proc(void **state)
{
	struct fake_proc *p = calloc(1, sizeof(*p));
	static const char *const nginx1[] = { "/dev/null", "socket:[100]", "socket:[200]",
					      "pipe:[5]", "socket:[100]" /* dup of fd 1 */ };
	static const char *const nginx2[] = { "socket:[100]", "socket:[999]" };
	static const char *const client[] = { "socket:[300]" };
	static const char *const none[] = { "socket:[400]" };   /* not wanted */

	assert_non_null(p);
	strcpy(p->root, "/tmp/tcpstat-fakeproc-XXXXXX");
	assert_non_null(mkdtemp(p->root));
	/* Pids out of order on purpose: owners come back sorted by pid. */
	add_process(p, 813, "nginx\n", nginx2, 2);
	add_process(p, 812, "nginx\n", nginx1, 5);
	add_process(p, 40, "echo-client\n", client, 1);
	add_process(p, 41, "other\n", none, 1);
	add_process(p, 50, "gone\n", NULL, 0);
	add_process(p, 60, NULL, client, 1);        /* comm vanished: "?" */
	char path[128];
	snprintf(path, sizeof(path), "%s/self", p->root);
	assert_int_equal(mkdir(path, 0755), 0);     /* not a pid: skipped */
	*state = p;
	return 0;
}

static int remove_fake_proc(void **state)
{
	struct fake_proc *p = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->root);
	assert_int_equal(system(cmd), 0);
	free(p);
	return 0;
}

static void want_set(struct u64set *set)
{
	assert_int_equal(u64set_init(set, 3), 0);
	u64set_add(set, 100);
	u64set_add(set, 200);
	u64set_add(set, 300);
}

static void test_lookup_all(void **state)
{
	struct fake_proc *p = *state;
	struct u64set want;
	struct owners_table t;
	struct tcpstat_error err;
	const struct tcpstat_owner *o;

	want_set(&want);
	assert_int_equal(owners_lookup(p->root, &want, NULL, 0, &t, &err), 0);
	/* 100: 812 once (despite the dup) and 813; 200: 812; 300: 40 and 60 */
	assert_int_equal(t.all.len, 5);
	assert_int_equal(owners_of(&t, 100, &o), 2);
	assert_int_equal(o[0].pid, 812);
	assert_string_equal(o[0].comm, "nginx");
	assert_int_equal(o[1].pid, 813);
	assert_int_equal(owners_of(&t, 200, &o), 1);
	assert_int_equal(o[0].pid, 812);
	assert_int_equal(owners_of(&t, 300, &o), 2);
	assert_int_equal(o[0].pid, 40);
	assert_string_equal(o[0].comm, "echo-client");
	assert_int_equal(o[1].pid, 60);
	assert_string_equal(o[1].comm, "?");
	assert_int_equal(owners_of(&t, 400, &o), 0);
	assert_null(o);
	assert_int_equal(owners_of(&t, 0, &o), 0);
	owners_table_free(&t);
	u64set_free(&want);
}

/* With pids given, only those are read, even if others hold the sockets. */
static void test_lookup_pids(void **state)
{
	struct fake_proc *p = *state;
	struct u64set want;
	struct owners_table t;
	struct tcpstat_error err;
	const struct tcpstat_owner *o;
	const uint32_t pids[] = { 813, 50, 99999 };

	want_set(&want);
	assert_int_equal(owners_lookup(p->root, &want, pids, 3, &t, &err), 0);
	assert_int_equal(t.all.len, 1);
	assert_int_equal(owners_of(&t, 100, &o), 1);
	assert_int_equal(o[0].pid, 813);
	owners_table_free(&t);
	u64set_free(&want);
}

/* comm is cut where the kernel cuts it (15 bytes); the table is sorted by inode, then pid. */
static void test_lookup_comm_and_order(void **state)
{
	struct fake_proc *p = *state;
	static const char *const longname[] = { "socket:[500]", "socket:[300]" };
	static const char *const exact[] = { "socket:[500]" };
	struct u64set want;
	struct owners_table t;
	struct tcpstat_error err;
	const struct tcpstat_owner *o, *all;

	add_process(p, 900, "a-very-long-program-name\n", longname, 2);
	add_process(p, 7, "fifteen-chars-x\n", exact, 1);
	add_process(p, 8, "\n", exact, 1);          /* an empty comm */
	assert_int_equal(u64set_init(&want, 4), 0);
	assert_int_equal(u64set_add(&want, 500), 0);
	assert_int_equal(u64set_add(&want, 300), 0);
	assert_int_equal(owners_lookup(p->root, &want, NULL, 0, &t, &err), 0);
	assert_int_equal(owners_of(&t, 500, &o), 3);
	assert_int_equal(o[0].pid, 7);
	assert_string_equal(o[0].comm, "fifteen-chars-x");
	assert_int_equal(o[1].pid, 8);
	assert_string_equal(o[1].comm, "");
	assert_int_equal(o[2].pid, 900);
	assert_string_equal(o[2].comm, "a-very-long-pro");
	assert_int_equal(owners_of(&t, 300, &o), 3);   /* 40, 60 and 900 */
	assert_int_equal(o[2].pid, 900);
	assert_int_equal(owners_of(&t, 100, &o), 0);   /* not wanted this time */
	/* The whole table: by inode, then pid. */
	all = t.all.data;
	for (size_t i = 1; i < t.all.len; i++)
		assert_true(all[i - 1].inode < all[i].inode ||
			    (all[i - 1].inode == all[i].inode && all[i - 1].pid < all[i].pid));
	owners_table_free(&t);
	assert_int_equal(t.all.len, 0);
	u64set_free(&want);
}

static void test_lookup_errors(void **state)
{
	struct u64set want;
	struct owners_table t;
	struct tcpstat_error err;

	(void)state;
	want_set(&want);
	assert_int_equal(owners_lookup("/nonexistent-proc", &want, NULL, 0, &t, &err), -ENOENT);
	assert_string_equal(err.msg, "cannot open /nonexistent-proc");
	u64set_free(&want);
	/* Nothing wanted: nothing read, nothing found. */
	assert_int_equal(u64set_init(&want, 0), 0);
	assert_int_equal(owners_lookup("/proc", &want, NULL, 0, &t, &err), 0);
	assert_int_equal(t.all.len, 0);
	owners_table_free(&t);
	u64set_free(&want);
}

/* The real /proc: this test process holds a socket, and finds itself. */
static void test_lookup_self(void **state)
{
	int pipes[2];
	char link[64];
	struct stat st;
	struct u64set want;
	struct owners_table t;
	struct tcpstat_error err;
	const struct tcpstat_owner *o;
	uint32_t me = (uint32_t)getpid();

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, pipes), 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pipes[0]);
	assert_int_equal(stat(link, &st), 0);
	assert_int_equal(u64set_init(&want, 1), 0);
	u64set_add(&want, st.st_ino);
	assert_int_equal(owners_lookup("/proc", &want, &me, 1, &t, &err), 0);
	assert_int_equal(owners_of(&t, st.st_ino, &o), 1);
	assert_int_equal(o[0].pid, me);
	assert_string_equal(o[0].comm, "test_owners");
	owners_table_free(&t);
	u64set_free(&want);
	close(pipes[0]);
	close(pipes[1]);
}

/* The eBPF iterator's records, hand-built: its bytes are input, judged before use. */
static void put_rec(unsigned char *buf, size_t i, uint64_t inode, uint32_t tgid, uint32_t tag,
		    const char *comm)
{
	struct ownrec r = { .inode = inode, .tgid = tgid, .tag = tag };

	memcpy(r.comm, comm, strnlen(comm, sizeof(r.comm)));
	memcpy(buf + i * sizeof(r), &r, sizeof(r));
}

static void test_iter_parse(void **state)
{
	unsigned char buf[4 * sizeof(struct ownrec) + 5] = { 0 };
	struct owners_table t;
	struct tcpstat_error err = { 0 };
	struct u64set want;
	const struct tcpstat_owner *o;

	(void)state;
	want_set(&want);
	put_rec(buf, 0, 300, 9, OWNREC_TAG, "b");
	put_rec(buf, 1, 100, 7, OWNREC_TAG, "fifteen-bytes!\n");
	put_rec(buf, 2, 999, 7, OWNREC_TAG, "unwanted");
	put_rec(buf, 3, 300, 4, OWNREC_TAG, "a");
	vec_init(&t.all, sizeof(struct tcpstat_owner), 0);
	/* A part record at the end is left for the next read. */
	assert_int_equal(owners_iter_parse(buf, sizeof(buf), &want, NULL, 0, &t, &err),
			 4 * sizeof(struct ownrec));
	owners_table_sort(&t);
	assert_int_equal(owners_of(&t, 100, &o), 1);
	assert_int_equal(o[0].pid, 7);
	assert_string_equal(o[0].comm, "fifteen-bytes!");
	assert_int_equal(owners_of(&t, 300, &o), 2);
	assert_int_equal(o[0].pid, 4);
	assert_int_equal(o[1].pid, 9);
	assert_int_equal(owners_of(&t, 999, &o), 0);
	owners_table_free(&t);
	u64set_free(&want);
}

/* want NULL: every record's owner, for a table made before the dump. */
static void test_iter_parse_all(void **state)
{
	unsigned char buf[2 * sizeof(struct ownrec)] = { 0 };
	struct owners_table t;
	struct tcpstat_error err = { 0 };
	const struct tcpstat_owner *o;

	(void)state;
	put_rec(buf, 0, 999, 7, OWNREC_TAG, "any");
	put_rec(buf, 1, 5, 8, OWNREC_TAG, "other");
	vec_init(&t.all, sizeof(struct tcpstat_owner), 0);
	assert_int_equal(owners_iter_parse(buf, sizeof(buf), NULL, NULL, 0, &t, &err),
			 sizeof(buf));
	owners_table_sort(&t);
	assert_int_equal(owners_of(&t, 999, &o), 1);
	assert_string_equal(o[0].comm, "any");
	assert_int_equal(owners_of(&t, 5, &o), 1);
	owners_table_free(&t);
}

static void test_iter_parse_bad(void **state)
{
	unsigned char buf[2 * sizeof(struct ownrec)];
	struct owners_table t;
	struct tcpstat_error err = { 0 };
	struct u64set want;

	(void)state;
	want_set(&want);
	vec_init(&t.all, sizeof(struct tcpstat_owner), 0);
	put_rec(buf, 0, 100, 7, OWNREC_TAG, "ok");
	put_rec(buf, 1, 100, 8, 0xdead, "x");
	assert_int_equal(owners_iter_parse(buf, sizeof(buf), &want, NULL, 0, &t, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "bad record at byte 32"));
	put_rec(buf, 1, 100, 0, OWNREC_TAG, "x");
	assert_int_equal(owners_iter_parse(buf, sizeof(buf), &want, NULL, 0, &t, &err), -EPROTO);
	/* A name without its NUL. */
	put_rec(buf, 1, 100, 8, OWNREC_TAG, "0123456789abcdefXX");
	assert_int_equal(owners_iter_parse(buf, sizeof(buf), &want, NULL, 0, &t, &err), -EPROTO);
	assert_int_equal(owners_iter_parse(buf, 0, &want, NULL, 0, &t, &err), 0);
	owners_table_free(&t);
	u64set_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_parser),
		cmocka_unit_test_setup_teardown(test_lookup_all, make_fake_proc, remove_fake_proc),
		cmocka_unit_test_setup_teardown(test_lookup_pids, make_fake_proc, remove_fake_proc),
		cmocka_unit_test_setup_teardown(test_lookup_comm_and_order, make_fake_proc,
						remove_fake_proc),
		cmocka_unit_test(test_lookup_errors),
		cmocka_unit_test(test_lookup_self),
		cmocka_unit_test(test_iter_parse),
		cmocka_unit_test(test_iter_parse_all),
		cmocka_unit_test(test_iter_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
