/*
 * procs.c - socket owners from /proc/PID/fd.
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

#include "procs.h"

/* Fibonacci hashing spreads sequential inode numbers over the table. */
static size_t slot_of(const struct inode_set *set, uint64_t inode)
{
	return (size_t)((inode * 0x9e3779b97f4a7c15ull) >> 32) & set->mask;
}

int inode_set_init(struct inode_set *set, size_t n)
{
	size_t cap = 16;

	/* At most half full, so probes stay short. */
	while (cap < 2 * n) {
		if (cap > SIZE_MAX / 4)
			return -ENOMEM;
		cap *= 2;
	}
	set->slots = calloc(cap, sizeof(*set->slots));
	if (!set->slots)
		return -ENOMEM;
	set->mask = cap - 1;
	set->count = 0;
	return 0;
}

void inode_set_free(struct inode_set *set)
{
	free(set->slots);
	set->slots = NULL;
}

int inode_set_add(struct inode_set *set, uint64_t inode)
{
	size_t i = slot_of(set, inode);

	if (inode == 0)
		return 0;
	while (set->slots[i] != 0) {
		if (set->slots[i] == inode)
			return 0;
		i = (i + 1) & set->mask;
	}
	if (2 * (set->count + 1) > set->mask + 1)
		return -ENOSPC;
	set->slots[i] = inode;
	set->count++;
	return 0;
}

bool inode_set_has(const struct inode_set *set, uint64_t inode)
{
	size_t i = slot_of(set, inode);

	if (inode == 0 || !set->slots)
		return false;
	while (set->slots[i] != 0) {
		if (set->slots[i] == inode)
			return true;
		i = (i + 1) & set->mask;
	}
	return false;
}

bool procs_parse_socket_link(const char *link, size_t len, uint64_t *inode)
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

static int add_owner(struct procs_table *t, uint64_t inode, uint32_t pid, const char *comm)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct procs_owner *grown = realloc(t->owners, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->owners = grown;
		t->cap = cap;
	}
	t->owners[t->n].inode = inode;
	t->owners[t->n].pid = pid;
	memcpy(t->owners[t->n].comm, comm, PROCS_COMM_MAX);
	t->n++;
	return 0;
}

/* comm of pid, or "?" if it went away meanwhile. */
static void read_comm(int pid_dir, char comm[PROCS_COMM_MAX])
{
	int fd = openat(pid_dir, "comm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, comm, PROCS_COMM_MAX - 1) : -1;

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
			const struct inode_set *want, struct procs_table *t)
{
	char comm[PROCS_COMM_MAX] = "";
	int pid_dir = openat(proc_fd, pid_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd_dir;
	DIR *fds;
	struct dirent *e;
	int rc = 0;

	if (pid_dir < 0)
		return 0;
	fd_dir = openat(pid_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fds = fd_dir >= 0 ? fdopendir(fd_dir) : NULL;
	if (!fds) {
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
		    !procs_parse_socket_link(link, (size_t)n, &inode) ||
		    !inode_set_has(want, inode))
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
	const struct procs_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* A socket dup'ed to several fds of one process lists that process once. */
static void dedup_owners(struct procs_table *t)
{
	size_t kept = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (kept > 0 && t->owners[kept - 1].inode == t->owners[i].inode &&
		    t->owners[kept - 1].pid == t->owners[i].pid)
			continue;
		t->owners[kept++] = t->owners[i];
	}
	t->n = kept;
}

static int walk_all(int proc_fd, const struct inode_set *want, struct procs_table *t)
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

int procs_lookup(const char *proc_root, const struct inode_set *want, const uint32_t *pids,
		 size_t n_pids, struct procs_table *t, struct tcpstat_error *err)
{
	int proc_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (proc_fd < 0) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "cannot open %s", proc_root);
		return -err->errnum;
	}
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
		err->errnum = -rc;
		snprintf(err->msg, sizeof(err->msg), "reading %s/*/fd", proc_root);
		procs_table_free(t);
		return rc;
	}
	if (t->n > 1)
		qsort(t->owners, t->n, sizeof(*t->owners), compare_owners);
	dedup_owners(t);
	return 0;
}

size_t procs_owners_of(const struct procs_table *t, uint64_t inode,
		       const struct procs_owner **first)
{
	size_t lo = 0, hi = t->n, end;

	*first = NULL;
	if (inode == 0)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->owners[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < t->n && t->owners[end].inode == inode; end++)
		;
	if (end > lo)
		*first = &t->owners[lo];
	return end - lo;
}

void procs_table_free(struct procs_table *t)
{
	free(t->owners);
	memset(t, 0, sizeof(*t));
}
