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

#endif
