/* u64set.c - see u64set.h. */
#include <errno.h>
#include <stdlib.h>

#include "u64set.h"

/* Fibonacci hashing spreads sequential inode numbers over the table. */
static size_t slot_of(const struct u64set *set, uint64_t v)
{
	return (size_t)((v * 0x9e3779b97f4a7c15ull) >> 32) & set->mask;
}

int u64set_init(struct u64set *set, size_t n)
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

void u64set_free(struct u64set *set)
{
	free(set->slots);
	set->slots = NULL;
}

int u64set_add(struct u64set *set, uint64_t v)
{
	size_t i = slot_of(set, v);

	if (v == 0)
		return 0;
	while (set->slots[i] != 0) {
		if (set->slots[i] == v)
			return 0;
		i = (i + 1) & set->mask;
	}
	if (2 * (set->count + 1) > set->mask + 1)
		return -ENOSPC;
	set->slots[i] = v;
	set->count++;
	return 0;
}

bool u64set_has(const struct u64set *set, uint64_t v)
{
	size_t i;

	if (v == 0 || !set->slots)
		return false;
	i = slot_of(set, v);
	while (set->slots[i] != 0) {
		if (set->slots[i] == v)
			return true;
		i = (i + 1) & set->mask;
	}
	return false;
}
