/*
 * sort.c - the rows kept for --sort and -K: the one place a listing holds
 * its records (and their owners) in memory, as many as matched, before
 * any is printed. Sorted by registry fields, stable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modes.h"

/* A kept row's owners: a slice of rows->owners. */
struct owner_span {
	size_t first, n;
};

void rows_init(struct rows *r)
{
	memset(r, 0, sizeof(*r));
	vec_init(&r->socks, sizeof(struct tcpstat_sock), 0);
	vec_init(&r->owners, sizeof(struct tcpstat_owner), 0);
	vec_init(&r->spans, sizeof(struct owner_span), 0);
}

void rows_free(struct rows *r)
{
	vec_free(&r->socks);
	vec_free(&r->owners);
	vec_free(&r->spans);
	free(r->order);
	r->order = NULL;
}

int rows_keep(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg)
{
	struct rows *r = arg;
	struct owner_span span = { r->owners.len, owners ? owners->n : 0 };

	for (size_t i = 0; i < span.n; i++)
		if (!vec_push(&r->owners, &owners->list[i]))
			goto out_of_memory;
	if (!vec_push(&r->socks, s) || !vec_push(&r->spans, &span))
		goto out_of_memory;
	return 0;
out_of_memory:
	r->out_of_memory = true;
	return 1;
}

size_t rows_count(const struct rows *r)
{
	return r->socks.len;
}

/* The row kept at index at (in the order kept). */
static void row_at(const struct rows *r, size_t at, struct out_row *row,
		   struct tcpstat_owners *owners)
{
	const struct owner_span *span = vec_at(&r->spans, at);

	owners->list = span->n ? (const struct tcpstat_owner *)r->owners.data + span->first : NULL;
	owners->n = span->n;
	row->s = vec_at(&r->socks, at);
	row->owners = owners;
}

void rows_get(const struct rows *r, size_t i, struct out_row *row, struct tcpstat_owners *owners)
{
	row_at(r, r->order ? r->order[i] : i, row, owners);
}

struct sort_ctx {
	const struct rows *rows;
	const struct opts_sort *sort;
};

static int compare(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *c = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	struct tcpstat_owners oa, ob;
	struct out_row ra, rb;

	row_at(c->rows, a, &ra, &oa);
	row_at(c->rows, b, &rb, &ob);
	for (unsigned k = 0; k < c->sort->n; k++) {
		int d = out_field_compare(c->sort->key[k], &ra, &rb);

		if (d != 0)
			return c->sort->descending[k] ? -d : d;
	}
	/* Stable: equal rows keep the order they came in. */
	return a < b ? -1 : a > b;
}

int rows_sort(struct rows *r, const struct opts_sort *sort)
{
	struct sort_ctx c = { r, sort };
	size_t n = r->socks.len;

	free(r->order);
	r->order = malloc((n ? n : 1) * sizeof(*r->order));
	if (!r->order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		r->order[i] = i;
	qsort_r(r->order, n, sizeof(*r->order), compare, &c);
	return 0;
}
