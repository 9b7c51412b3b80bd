/* owned.c - see owned.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "owned.h"

/* FNV-1a over the key's bytes (zeroed padding, as events_key_of leaves it). */
static size_t key_hash(const struct events_key *key)
{
	const uint8_t *p = (const uint8_t *)key;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*key); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (size_t)h;
}

int owned_init(struct owned_table *t, size_t n)
{
	size_t cap = 16;

	/* At most half full, so a probe always ends at a free slot. */
	while (cap < 2 * n + 1 && cap < SIZE_MAX / 4)
		cap *= 2;
	t->slots = calloc(cap, sizeof(*t->slots));
	t->mask = cap - 1;
	return t->slots ? 0 : -ENOMEM;
}

void owned_free(struct owned_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->mask = 0;
}

static struct owned_entry *probe(const struct owned_table *t, const struct events_key *key)
{
	size_t i = key_hash(key) & t->mask;

	while (t->slots[i].used && memcmp(&t->slots[i].key, key, sizeof(*key)) != 0)
		i = (i + 1) & t->mask;
	return &t->slots[i];
}

const struct owned_entry *owned_find(const struct owned_table *t, const struct events_key *key)
{
	const struct owned_entry *e;

	if (!t->slots)
		return NULL;
	e = probe(t, key);
	return e->used ? e : NULL;
}

struct owned_entry *owned_add(struct owned_table *t, const struct events_key *key)
{
	struct owned_entry *e = probe(t, key);

	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->key = *key;
		e->used = true;
	}
	return e;
}

void owned_set(struct owned_entry *e, uint64_t inode, const struct tcpstat_owner *list, size_t n)
{
	e->inode = inode;
	e->n = n < OWNED_MAX ? (uint32_t)n : OWNED_MAX;
	if (e->n > 0)
		memcpy(e->list, list, e->n * sizeof(*list));
}
