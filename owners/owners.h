/*
 * owners.h - which processes hold which sockets: one walk of /proc/PID/fd,
 * resolving only links to the sockets that matched.
 */
#ifndef TCPSTAT_OWNERS_H
#define TCPSTAT_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstat.h"
#include "u64set.h"
#include "vec.h"

/*
 * Parses a /proc/PID/fd link, "socket:[12345]" (len bytes, no NUL needed).
 * Returns true with *inode set, or false for anything else (files, pipes,
 * "socket:[]", trailing bytes, an inode past 64 bits).
 */
bool owners_parse_socket_link(const char *link, size_t len, uint64_t *inode);

/* The owners found: struct tcpstat_owner elements, sorted by inode, then pid. */
struct owners_table {
	struct vec all;
	unsigned long unreadable;   /* processes whose fds could not be read (EACCES, EPERM) */
};

/*
 * Walks proc_root (normally "/proc") for the processes holding the inodes
 * of want: every process, or only the n_pids in pids when n_pids > 0.
 * Processes or fds that vanish are skipped; those that cannot be read
 * (other users', without privileges) are skipped and counted in
 * t->unreadable, so the caller can say that some owners were not seen. Returns 0 with t filled (free it with
 * owners_table_free), or a negative errno with err filled when proc_root
 * itself cannot be read or memory runs out.
 */
int owners_lookup(const char *proc_root, const struct u64set *want, const uint32_t *pids,
		 size_t n_pids, struct owners_table *t, struct tcpstat_error *err);

/*
 * The owners of inode in t: sets *first to the first and returns how many
 * (0 when none, or for inode 0).
 */
size_t owners_of(const struct owners_table *t, uint64_t inode,
		 const struct tcpstat_owner **first);

void owners_table_free(struct owners_table *t);

/*
 * Sorts t's owners by inode, then pid, and lists a process once per
 * socket (a socket dup'ed to several fds): what owners_of expects.
 */
void owners_table_sort(struct owners_table *t);

/* Where the owners come from (--owners-source). */
enum owners_source {
	OWNERS_AUTO,     /* bpf when it loads, else proc */
	OWNERS_BPF,      /* one pass of the kernel's task-file iterator (iter.c) */
	OWNERS_PROC,     /* the /proc/PID/fd walk above */
};

/* Which source answered, and why auto left eBPF. */
struct owners_how {
	const char *source;          /* "bpf", "proc", or NULL: nothing was looked up */
	bool fell_back;              /* auto tried eBPF ... */
	struct tcpstat_error why;    /* ... and this stopped it */
};

/*
 * The eBPF source: one pass of iter/task_file over every process's file
 * table, TCP sockets only, read back as struct ownrec records; the same
 * owners, pids (the initial pid namespace's, so only when tcpstat's /proc
 * and its own pid namespace are that one) and names as the /proc walk,
 * with nothing unreadable. Returns 0 with t filled and sorted, or a
 * negative errno with err filled (no privilege, no BTF, a build without
 * eBPF, another pid namespace, a bad record), t then empty. want NULL:
 * every TCP socket held (so the owners can be known before the dump).
 */
int owners_iter_lookup(const struct u64set *want, const uint32_t *pids, size_t n_pids,
		       struct owners_table *t, struct tcpstat_error *err);

/*
 * Adds to t the owners in buf's whole records (struct ownrec, len bytes)
 * whose inode is in want (any inode when want is NULL) and, when n_pids > 0, whose pid is one of pids;
 * their comm as the /proc walk reads it. Returns the bytes used (len
 * rounded down to whole records: the rest begins a record the next read
 * completes), or a negative errno with err filled: -EPROTO for a bad
 * record (a wrong tag, pid 0, a name without its NUL), -ENOMEM.
 */
long owners_iter_parse(const void *buf, size_t len, const struct u64set *want,
		       const uint32_t *pids, size_t n_pids, struct owners_table *t,
		       struct tcpstat_error *err);

/*
 * Owners from src, in the same shape as owners_lookup ("/proc" as its
 * root); auto tries eBPF and falls back to the walk, saying why in how.
 * Returns 0 with t filled and how set, or a negative errno with err
 * filled (a forced bpf that cannot run, the walk's own errors).
 */
int owners_find(enum owners_source src, const struct u64set *want, const uint32_t *pids,
		size_t n_pids, struct owners_table *t, struct owners_how *how,
		struct tcpstat_error *err);

#endif
