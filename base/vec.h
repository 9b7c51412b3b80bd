/*
 * vec.h - one growable array of fixed-size elements, for the few places
 * that must hold records (the owner lookup, pending destroy reports).
 */
#ifndef TCPSTAT_BASE_VEC_H
#define TCPSTAT_BASE_VEC_H

#include <stddef.h>

struct vec {
	void *data;
	size_t len, cap;   /* in elements */
	size_t elem;       /* bytes per element */
	size_t max;        /* at most this many elements; 0: no limit */
};

/* An empty array of elem-byte elements, at most max of them (0: no limit). */
void vec_init(struct vec *v, size_t elem, size_t max);

/*
 * Appends a copy of the element at item. Returns a pointer to the copy,
 * or NULL when memory runs out or the array holds max elements already.
 */
void *vec_push(struct vec *v, const void *item);

/* Element i (i < v->len). */
static inline void *vec_at(const struct vec *v, size_t i)
{
	return (char *)v->data + i * v->elem;
}

/* Empties the array, keeping its memory. */
static inline void vec_clear(struct vec *v)
{
	v->len = 0;
}

void vec_free(struct vec *v);

#endif
