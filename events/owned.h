/*
 * owned.h - the polling source's owners carried forward (-E -P, --pid,
 * --program): each socket's owners by its identity, found while it had a
 * descriptor, kept from one poll to the next, so the TIME_WAIT it becomes
 * (which has none) still says whose it was. Pure: no I/O.
 */
#ifndef TCPSTAT_EVENTS_OWNED_H
#define TCPSTAT_EVENTS_OWNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "tcpstat.h"

/* Owners kept per socket; a socket held by more processes keeps its first (by pid). */
#define OWNED_MAX 4

struct owned_entry {
	struct events_key key;
	uint64_t inode;            /* the inode they were found for (0: none yet) */
	uint32_t n;
	bool used;
	struct tcpstat_owner list[OWNED_MAX];
};

/* Sockets by identity, sized once for the poll that fills it. */
struct owned_table {
	struct owned_entry *slots;
	size_t mask;
};

/* An empty table for up to n entries. Returns 0 or -ENOMEM. */
int owned_init(struct owned_table *t, size_t n);
void owned_free(struct owned_table *t);
/* The entry for key, or NULL. */
const struct owned_entry *owned_find(const struct owned_table *t, const struct events_key *key);
/* The entry for key, added empty if new (at most n, as owned_init was told). */
struct owned_entry *owned_add(struct owned_table *t, const struct events_key *key);
/* Sets e's owners to the n in list (the first OWNED_MAX), found for inode. */
void owned_set(struct owned_entry *e, uint64_t inode, const struct tcpstat_owner *list, size_t n);

#endif
