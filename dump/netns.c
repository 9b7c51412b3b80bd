/*
 * netns.c - finding the network namespaces (see netns.h). One pass over
 * /run/netns and one over /proc; a namespace seen again (by its inode)
 * only keeps its smallest name and its lowest pid (tcpstat's own last).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "numparse.h"

#define RUN_NETNS "/run/netns"
#define OWN_NETNS "/proc/self/ns/net"

/* Where nsfs files live (every namespace file is on that one device). */
struct home {
	uint64_t ino;
	dev_t dev;
};

static int find_home(struct home *h, struct tcpstat_error *err)
{
	struct stat st;

	if (stat(OWN_NETNS, &st) < 0)
		return err_set(err, errno, "cannot read %s", OWN_NETNS);
	h->ino = (uint64_t)st.st_ino;
	h->dev = st.st_dev;
	return 0;
}

/* The entry for ino, or NULL; last remembers the previous hit (pids come in runs). */
static struct netns_entry *find(struct netns_list *l, uint64_t ino, size_t *last)
{
	struct netns_entry *e = l->all.data;

	if (*last < l->all.len && e[*last].ino == ino)
		return &e[*last];
	for (size_t i = 0; i < l->all.len; i++) {
		if (e[i].ino == ino) {
			*last = i;
			return &e[i];
		}
	}
	return NULL;
}

static struct netns_entry *add(struct netns_list *l, uint64_t ino)
{
	struct netns_entry e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	return vec_push(&l->all, &e);
}

/* Every name under /run/netns that is a namespace mounted there. */
static int read_names(struct netns_list *l, const struct home *h)
{
	DIR *d = opendir(RUN_NETNS);
	struct dirent *de;
	size_t last = 0;

	if (!d)
		return 0;     /* no named namespaces */
	while ((de = readdir(d))) {
		char path[NETNS_PATH_MAX];
		struct netns_entry *e;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), RUN_NETNS "/%s", de->d_name) >= sizeof(path))
			continue;
		/* A name whose mount failed (or was undone) is an empty file on another fs. */
		if (stat(path, &st) < 0 || st.st_dev != h->dev)
			continue;
		e = find(l, (uint64_t)st.st_ino, &last);
		if (!e && !(e = add(l, (uint64_t)st.st_ino))) {
			closedir(d);
			return -ENOMEM;
		}
		if (e->named && strcmp(de->d_name, e->label) >= 0)
			continue;
		e->named = true;
		snprintf(e->label, sizeof(e->label), "%s", de->d_name);
		if (!e->own)
			snprintf(e->path, sizeof(e->path), "%s", path);
	}
	closedir(d);
	return 0;
}

/* The inode in a /proc/PID/ns/net link, "net:[4026531840]". */
static bool parse_ns_link(const char *link, size_t len, uint64_t *ino)
{
	uint64_t v = 0;

	if (len < 7 || len > 5 + 19 + 1 || memcmp(link, "net:[", 5) != 0 || link[len - 1] != ']')
		return false;
	/* At most 19 digits: no overflow. */
	for (size_t i = 5; i + 1 < len; i++) {
		if (!isdigit((unsigned char)link[i]))
			return false;
		v = v * 10 + (uint64_t)(link[i] - '0');
	}
	*ino = v;
	return true;
}

/* The namespace pid is in, or false when it is gone or not ours to read. */
static bool pid_netns(uint32_t pid, uint64_t *ino)
{
	char path[48], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
	n = readlink(path, link, sizeof(link));
	return n > 0 && (size_t)n < sizeof(link) && parse_ns_link(link, (size_t)n, ino);
}

static bool is_pid(const char *name, uint32_t *pid)
{
	unsigned long v;

	if (!isdigit((unsigned char)name[0]) || !numparse_uint(name, strlen(name), 1, UINT32_MAX, &v))
		return false;
	*pid = (uint32_t)v;
	return true;
}

/*
 * Every process's namespace, keeping the lowest pid of each but tcpstat's
 * own: once pids wrap around, tcpstat may be the lowest in its namespace,
 * and a label naming a process that exits as the listing ends says
 * nothing. It is kept only where nothing else is.
 */
static int read_pids(struct netns_list *l, struct tcpstat_error *err)
{
	DIR *d = opendir("/proc");
	uint32_t self = (uint32_t)getpid();
	struct dirent *de;
	size_t last = 0;

	if (!d)
		return err_set(err, errno, "cannot read /proc");
	while ((de = readdir(d))) {
		struct netns_entry *e;
		uint32_t pid;
		uint64_t ino;

		if (!is_pid(de->d_name, &pid) || !pid_netns(pid, &ino))
			continue;
		e = find(l, ino, &last);
		if (!e && !(e = add(l, ino))) {
			closedir(d);
			return err_set(err, ENOMEM, "network namespaces");
		}
		if (e->pid != 0 && (pid == self || (e->pid != self && e->pid < pid)))
			continue;
		e->pid = pid;
		if (!e->named && !e->own)
			snprintf(e->path, sizeof(e->path), "/proc/%u/ns/net", pid);
	}
	closedir(d);
	return 0;
}

/* "PID/comm" for a namespace without a name ("PID/?" when it just went away). */
static void label_by_pid(struct netns_entry *e)
{
	char path[48], comm[32] = "?";
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", e->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, comm, sizeof(comm) - 1);

		comm[n > 0 ? n : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		close(fd);
	}
	snprintf(e->label, sizeof(e->label), "%u/%s", e->pid, comm[0] ? comm : "?");
}

/* tcpstat's own first (the caller put it there), then named by name, then by pid. */
static int by_order(const void *a, const void *b)
{
	const struct netns_entry *x = a, *y = b;

	if (x->named != y->named)
		return x->named ? -1 : 1;
	if (x->named)
		return strcmp(x->label, y->label);
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int netns_list_all(struct netns_list *l, struct tcpstat_error *err)
{
	struct netns_entry *own;
	struct home h = { 0, 0 };
	int rc;

	vec_init(&l->all, sizeof(struct netns_entry), 0);
	rc = find_home(&h, err);
	if (rc < 0)
		return rc;
	if (!(own = add(l, h.ino)))
		return err_set(err, ENOMEM, "network namespaces");
	own->own = true;
	snprintf(own->path, sizeof(own->path), OWN_NETNS);
	if (read_names(l, &h) < 0) {
		netns_list_free(l);
		return err_set(err, ENOMEM, "network namespaces");
	}
	rc = read_pids(l, err);
	if (rc < 0) {
		netns_list_free(l);
		return rc;
	}
	own = l->all.data;
	for (size_t i = 0; i < l->all.len; i++)
		if (!own[i].named)
			label_by_pid(&own[i]);
	if (l->all.len > 2)
		qsort(own + 1, l->all.len - 1, sizeof(*own), by_order);
	return 0;
}

/* The path -N spec means. */
static int spec_path(const char *spec, uint32_t pid, char *path, size_t size,
		     struct tcpstat_error *err)
{
	int n;

	if (!spec)
		n = snprintf(path, size, "/proc/%u/ns/net", pid);
	else if (strchr(spec, '/'))
		n = snprintf(path, size, "%s", spec);
	else
		n = snprintf(path, size, RUN_NETNS "/%s", spec);
	if (n < 0 || (size_t)n >= size)
		return err_set(err, ENAMETOOLONG, "network namespace '%s'", spec);
	return 0;
}

/* The label of a namespace -N named that nothing else shows. */
static void own_label(struct netns_entry *e, const char *spec)
{
	snprintf(e->label, sizeof(e->label), "%s", spec);
}

int netns_list_one(struct netns_list *l, const char *spec, uint32_t pid,
		   struct tcpstat_error *err)
{
	char path[NETNS_PATH_MAX], pid_text[16];
	const char *what = spec;
	struct netns_entry one, *all;
	struct stat st;
	struct home h = { 0, 0 };
	int rc;

	if (!spec) {
		snprintf(pid_text, sizeof(pid_text), "pid %u", pid);
		what = pid_text;
	}
	rc = spec_path(spec, pid, path, sizeof(path), err);
	if (rc == 0)
		rc = find_home(&h, err);
	if (rc < 0)
		return rc;
	if (stat(path, &st) < 0)
		return err_set(err, errno, "network namespace '%s' (%s)", what, path);
	if (st.st_dev != h.dev)
		return err_set(err, 0, "'%s' is not a network namespace (%s is no nsfs file)",
			       what, path);
	rc = netns_list_all(l, err);
	if (rc < 0)
		return rc;
	all = l->all.data;
	memset(&one, 0, sizeof(one));
	for (size_t i = 0; i < l->all.len; i++)
		if (all[i].ino == (uint64_t)st.st_ino)
			one = all[i];
	if (one.ino == 0) {
		one.ino = (uint64_t)st.st_ino;
		own_label(&one, what);
	}
	/* The namespace is opened by the path given, and read by the pid given. */
	if (!one.own)
		snprintf(one.path, sizeof(one.path), "%s", path);
	if (!spec)
		one.pid = pid;
	vec_clear(&l->all);
	vec_push(&l->all, &one);
	return 0;
}

void netns_list_free(struct netns_list *l)
{
	vec_free(&l->all);
}

int netns_open(const struct netns_entry *e)
{
	int fd = open(e->path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino) {
		close(fd);
		return -1;
	}
	return fd;
}

bool netns_pid_inside(const struct netns_entry *e)
{
	uint64_t ino;

	return e->pid != 0 && pid_netns(e->pid, &ino) && ino == e->ino;
}

void netns_labels_init(struct netns_labels *l)
{
	vec_init(&l->all, sizeof(struct netns_label), 0);
	l->last = 0;
}

bool netns_labels_add(struct netns_labels *l, const struct netns_entry *ns)
{
	struct netns_label item;

	for (size_t i = 0; i < l->all.len; i++)
		if (((struct netns_label *)vec_at(&l->all, i))->ino == ns->ino)
			return true;
	item.ino = ns->ino;
	memcpy(item.label, ns->label, sizeof(item.label));
	return vec_push(&l->all, &item) != NULL;
}

const char *netns_labels_find(struct netns_labels *l, uint64_t ino)
{
	const struct netns_label *all = l->all.data;

	if (l->last < l->all.len && all[l->last].ino == ino)
		return all[l->last].label;
	for (size_t i = 0; i < l->all.len; i++) {
		if (all[i].ino == ino) {
			l->last = i;
			return all[i].label;
		}
	}
	return "-";
}

void netns_labels_free(struct netns_labels *l)
{
	vec_free(&l->all);
}
