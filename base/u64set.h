/*
 * u64set.h - a set of non-zero 64-bit numbers (socket inodes): open
 * addressing, 0 marks a free slot, sized once for what it will hold.
 */
#ifndef TCPSTAT_BASE_U64SET_H
#define TCPSTAT_BASE_U64SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64set {
	uint64_t *slots;
	size_t mask;          /* capacity - 1, capacity a power of two */
	size_t count;
};

/* Sizes an empty set for up to n values. Returns 0, or -ENOMEM. */
int u64set_init(struct u64set *set, size_t n);
void u64set_free(struct u64set *set);
/* Adds v (not 0). Returns 0, or -ENOSPC past the size given to init. */
int u64set_add(struct u64set *set, uint64_t v);
bool u64set_has(const struct u64set *set, uint64_t v);

#endif
