/*
 * iter.c - the eBPF owner source: loads owners.bpf.c, makes one iterator
 * of iter/task_file and reads it to the end. The kernel walks every
 * task's file table once and writes only TCP sockets held by a process,
 * so there is no readlink per fd and no comm file per process; the
 * records are judged in iterparse.c.
 *
 * The iterator sees tasks by their pids in the initial pid namespace,
 * and the walk's pids are those of tcpstat's /proc: this source runs only
 * where both are that namespace, else the two would name processes apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libbpf-dl.h"
#include "owners.h"
#include "owners.skel.h"

/* The read size: the iterator's records come 32 bytes each, so 4096 per read. */
#define ITER_READ_BYTES (128 * 1024)
/* A read cut short by a signal is tried again, this many times at most. */
#define ITER_EINTR_RETRIES 16
/* The kernel's inode of the initial pid namespace (PROC_PID_INIT_INO). */
#define PID_NS_INIT_INO 0xEFFFFFFCu

static int load_error(struct tcpstat_error *err, int errnum, const char *step)
{
	if (errnum == EPERM)
		return err_set(err, errnum, "eBPF owners: %s (needs root, or CAP_BPF and "
			       "CAP_PERFMON)", step);
	return err_set(err, errnum, "eBPF owners: %s", step);
}

/* Whether the iterator's pids are the ones /proc shows tcpstat. */
static int check_pid_ns(struct tcpstat_error *err)
{
	struct stat ns;
	char self[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
	char want[32];

	if (stat("/proc/self/ns/pid", &ns) != 0)
		return err_set(err, errno, "eBPF owners: /proc/self/ns/pid");
	if (ns.st_ino != PID_NS_INIT_INO)
		return err_set(err, EXDEV, "eBPF owners: tcpstat is not in the initial pid "
			       "namespace");
	snprintf(want, sizeof(want), "%ld", (long)getpid());
	if (n <= 0 || (size_t)n != strlen(want) || memcmp(self, want, (size_t)n) != 0)
		return err_set(err, EXDEV, "eBPF owners: /proc is another pid namespace's");
	return 0;
}

/* Reads the iterator to its end, each read's whole records parsed as they come. */
static int read_iter(int fd, unsigned char *buf, const struct u64set *want,
		     const uint32_t *pids, size_t n_pids, struct owners_table *t,
		     struct tcpstat_error *err)
{
	size_t have = 0;
	unsigned eintr = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, ITER_READ_BYTES - have);
		long used;

		if (n < 0 && errno == EINTR && eintr++ < ITER_EINTR_RETRIES)
			continue;
		if (n < 0)
			return err_set(err, errno, "eBPF owners: reading the iterator");
		if (n == 0)
			break;
		have += (size_t)n;
		used = owners_iter_parse(buf, have, want, pids, n_pids, t, err);
		if (used < 0)
			return (int)used;
		have -= (size_t)used;
		memmove(buf, buf + used, have);
	}
	if (have > 0)
		return err_set(err, EPROTO, "eBPF owners: the iterator ended inside a record "
			       "(%zu bytes left)", have);
	return 0;
}

static int run_iter(struct owners_skel *skel, const struct u64set *want, const uint32_t *pids,
		    size_t n_pids, struct owners_table *t, struct tcpstat_error *err)
{
	struct bpf_link *link = bpf_program__attach_iter(skel->progs.tcp_owners, NULL);
	unsigned char *buf;
	int fd, rc;

	if (!link)
		return load_error(err, errno, "attach iter/task_file");
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		rc = load_error(err, errno, "create the iterator");
		bpf_link__destroy(link);
		return rc;
	}
	buf = malloc(ITER_READ_BYTES);
	rc = buf ? read_iter(fd, buf, want, pids, n_pids, t, err)
		 : err_set(err, ENOMEM, "eBPF owners");
	free(buf);
	close(fd);
	bpf_link__destroy(link);
	return rc;
}

int owners_iter_lookup(const struct u64set *want, const uint32_t *pids, size_t n_pids,
		       struct owners_table *t, struct tcpstat_error *err)
{
	struct owners_skel *skel;
	int rc;

	vec_init(&t->all, sizeof(struct tcpstat_owner), 0);
	t->unreadable = 0;
	rc = check_pid_ns(err);
	if (rc < 0)
		return rc;
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return err_set(err, errno, "eBPF owners: no kernel BTF (/sys/kernel/btf/vmlinux)");
	rc = libbpf_dl_open(err);
	if (rc < 0)
		return rc;
	skel = owners_skel__open_and_load();
	if (!skel)
		return load_error(err, errno, "load");
	rc = run_iter(skel, want, pids, n_pids, t, err);
	owners_skel__destroy(skel);
	if (rc < 0) {
		owners_table_free(t);
		return rc;
	}
	owners_table_sort(t);
	return 0;
}
