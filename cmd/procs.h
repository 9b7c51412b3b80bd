/*
 * procs.h - which processes hold which sockets: one walk of /proc/PID/fd,
 * resolving only links to the sockets that matched.
 */
#ifndef TCPSTAT_PROCS_H
#define TCPSTAT_PROCS_H

#include <stddef.h>
#include <stdint.h>

#include "tcpstat.h"

/* comm as the kernel keeps it: 15 bytes and a NUL (TASK_COMM_LEN). */
#define PROCS_COMM_MAX 16

struct procs_owner {
	uint64_t inode;
	uint32_t pid;
	char comm[PROCS_COMM_MAX];
};

/* A set of socket inodes: open addressing, 0 marks a free slot. */
struct inode_set {
	uint64_t *slots;
	size_t mask;          /* capacity - 1, capacity a power of two */
	size_t count;
};

/*
 * Sizes an empty set for up to n inodes. Returns 0, or -ENOMEM.
 * inode_set_free releases it.
 */
int inode_set_init(struct inode_set *set, size_t n);
void inode_set_free(struct inode_set *set);
/* Adds inode (not 0). Returns 0, or -ENOSPC past the size given to init. */
int inode_set_add(struct inode_set *set, uint64_t inode);
bool inode_set_has(const struct inode_set *set, uint64_t inode);

/*
 * Parses a /proc/PID/fd link, "socket:[12345]" (len bytes, no NUL needed).
 * Returns true with *inode set, or false for anything else (files, pipes,
 * "socket:[]", trailing bytes, an inode past 64 bits).
 */
bool procs_parse_socket_link(const char *link, size_t len, uint64_t *inode);

/* The owners found, sorted by inode, then pid. */
struct procs_table {
	struct procs_owner *owners;
	size_t n, cap;
};

/*
 * Walks proc_root (normally "/proc") for the processes holding the inodes
 * of want: every process, or only the n_pids in pids when n_pids > 0.
 * Processes or fds that vanish or cannot be read (other users', without
 * privileges) are skipped silently. Returns 0 with t filled (free it with
 * procs_table_free), or a negative errno with err filled when proc_root
 * itself cannot be read or memory runs out.
 */
int procs_lookup(const char *proc_root, const struct inode_set *want, const uint32_t *pids,
		 size_t n_pids, struct procs_table *t, struct tcpstat_error *err);

/*
 * The owners of inode in t: sets *first to the first and returns how many
 * (0 when none, or for inode 0).
 */
size_t procs_owners_of(const struct procs_table *t, uint64_t inode,
		       const struct procs_owner **first);

void procs_table_free(struct procs_table *t);

#endif
