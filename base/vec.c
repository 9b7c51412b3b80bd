/* vec.c - see vec.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

void vec_init(struct vec *v, size_t elem, size_t max)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
	v->max = max;
}

static int grow(struct vec *v)
{
	size_t cap = v->cap ? 2 * v->cap : 64;
	void *bigger;

	if (v->max && cap > v->max)
		cap = v->max;
	if (cap <= v->cap || cap > SIZE_MAX / v->elem)
		return -1;
	bigger = realloc(v->data, cap * v->elem);
	if (!bigger)
		return -1;
	v->data = bigger;
	v->cap = cap;
	return 0;
}

void *vec_push(struct vec *v, const void *item)
{
	void *slot;

	if (v->len == v->cap && grow(v) < 0)
		return NULL;
	slot = vec_at(v, v->len++);
	memcpy(slot, item, v->elem);
	return slot;
}

void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}
