/*
 * owners.c - socket owners from /proc/PID/fd.
 *
 * netstat -p and ss -p resolve every socket link of every process into
 * hash tables of fixed size; here only the links to sockets that passed
 * the filter are kept, tested against a set sized for them, and comm is
 * read once per process that holds one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owners.h"

bool owners_parse_socket_link(const char *link, size_t len, uint64_t *inode)
{
	static const char prefix[] = "socket:[";
	const size_t plen = sizeof(prefix) - 1;
	uint64_t v = 0;

	if (len < plen + 2 || memcmp(link, prefix, plen) != 0 || link[len - 1] != ']')
		return false;
	for (size_t i = plen; i < len - 1; i++) {
		unsigned d = (unsigned)(link[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*inode = v;
	return true;
}

static int add_owner(struct owners_table *t, uint64_t inode, uint32_t pid, const char *comm)
{
	struct tcpstat_owner o = { .inode = inode, .pid = pid };

	memcpy(o.comm, comm, TCPSTAT_COMM_MAX);
	return vec_push(&t->all, &o) ? 0 : -ENOMEM;
}

/* comm of pid, or "?" if it went away meanwhile. */
static void read_comm(int pid_dir, char comm[TCPSTAT_COMM_MAX])
{
	int fd = openat(pid_dir, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, comm, TCPSTAT_COMM_MAX - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[n] = '\0';
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}

/* The matching sockets held by one process; a vanished one holds none. */
static int scan_process(int proc_fd, const char *pid_name, uint32_t pid,
			const struct u64set *want, struct owners_table *t)
{
	int open_errno;
	char comm[TCPSTAT_COMM_MAX] = "";
	int pid_dir = openat(proc_fd, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd_dir;
	DIR *fds;
	struct dirent *e;
	int rc = 0;

	if (pid_dir < 0)
		return 0;
	fd_dir = openat(pid_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	open_errno = errno;
	fds = fd_dir >= 0 ? fdopendir(fd_dir) : NULL;
	if (!fds) {
		if (fd_dir < 0 && (open_errno == EACCES || open_errno == EPERM))
			t->unreadable++;
		if (fd_dir >= 0)
			close(fd_dir);
		close(pid_dir);
		return 0;
	}
	while (rc == 0 && (e = readdir(fds)) != NULL) {
		char link[64];
		ssize_t n;
		uint64_t inode;

		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(fd_dir, e->d_name, link, sizeof(link));
		if (n <= 0 || (size_t)n >= sizeof(link) ||
		    !owners_parse_socket_link(link, (size_t)n, &inode) ||
		    !u64set_has(want, inode))
			continue;
		if (comm[0] == '\0')
			read_comm(pid_dir, comm);
		rc = add_owner(t, inode, pid, comm);
	}
	closedir(fds);
	close(pid_dir);
	return rc;
}

static bool parse_pid(const char *name, uint32_t *pid)
{
	uint32_t v = 0;

	if (*name == '\0')
		return false;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || v > 429496729)
			return false;
		v = v * 10 + (uint32_t)(*name - '0');
	}
	*pid = v;
	return v > 0;
}

static int compare_owners(const void *a, const void *b)
{
	const struct tcpstat_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* A socket dup'ed to several fds of one process lists that process once. */
static void dedup_owners(struct owners_table *t)
{
	struct tcpstat_owner *o = t->all.data;
	size_t kept = 0;

	for (size_t i = 0; i < t->all.len; i++) {
		if (kept > 0 && o[kept - 1].inode == o[i].inode && o[kept - 1].pid == o[i].pid)
			continue;
		o[kept++] = o[i];
	}
	t->all.len = kept;
}

static int walk_all(int proc_fd, const struct u64set *want, struct owners_table *t)
{
	DIR *dir = fdopendir(dup(proc_fd));
	struct dirent *e;
	int rc = 0;

	if (!dir)
		return -errno;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		uint32_t pid;

		if (parse_pid(e->d_name, &pid))
			rc = scan_process(proc_fd, e->d_name, pid, want, t);
	}
	closedir(dir);
	return rc;
}

int owners_lookup(const char *proc_root, const struct u64set *want, const uint32_t *pids,
		 size_t n_pids, struct owners_table *t, struct tcpstat_error *err)
{
	int proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	vec_init(&t->all, sizeof(struct tcpstat_owner), 0);
	t->unreadable = 0;
	if (proc_fd < 0)
		return err_set(err, errno, "cannot open %s", proc_root);
	if (want->count > 0 && n_pids == 0) {
		rc = walk_all(proc_fd, want, t);
	} else {
		for (size_t i = 0; i < n_pids && rc == 0 && want->count > 0; i++) {
			char name[16];

			snprintf(name, sizeof(name), "%u", pids[i]);
			rc = scan_process(proc_fd, name, pids[i], want, t);
		}
	}
	close(proc_fd);
	if (rc < 0) {
		owners_table_free(t);
		return err_set(err, -rc, "reading %s/*/fd", proc_root);
	}
	owners_table_sort(t);
	return 0;
}

void owners_table_sort(struct owners_table *t)
{
	if (t->all.len > 1)
		qsort(t->all.data, t->all.len, t->all.elem, compare_owners);
	dedup_owners(t);
}

size_t owners_of(const struct owners_table *t, uint64_t inode,
		 const struct tcpstat_owner **first)
{
	const struct tcpstat_owner *o = t->all.data;
	size_t lo = 0, hi = t->all.len, end;

	*first = NULL;
	if (inode == 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->all.len && o[end].inode == inode; end++)
		;
	if (end > lo)
		*first = &o[lo];
	return end - lo;
}

void owners_table_free(struct owners_table *t)
{
	vec_free(&t->all);
}
