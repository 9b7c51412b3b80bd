/*
 * chunkq.c - the bounded chunk queue: one mutex, one condition for every
 * change (two threads only, so one broadcast wakes the one that waits).
 */
#include <errno.h>
#include <stdlib.h>

#include "chunkq.h"

int chunkq_init(struct chunkq *q, unsigned nchunks, size_t size)
{
	*q = (struct chunkq){ .size = size, .nchunks = nchunks };
	if (nchunks < 1 || nchunks > CHUNKQ_MAX || size == 0)
		return -EINVAL;
	q->mem = malloc(nchunks * size);
	if (!q->mem)
		return -ENOMEM;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	return 0;
}

void chunkq_free(struct chunkq *q)
{
	if (!q->mem)
		return;
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q->mem);
	q->mem = NULL;
}

static unsigned char *chunk(struct chunkq *q, unsigned i)
{
	return q->mem + (size_t)(i % q->nchunks) * q->size;
}

void *chunkq_slot(struct chunkq *q)
{
	void *slot = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->cancelled && q->count == q->nchunks)
		pthread_cond_wait(&q->changed, &q->lock);
	if (!q->cancelled)
		slot = chunk(q, q->head + q->count);
	pthread_mutex_unlock(&q->lock);
	return slot;
}

void chunkq_publish(struct chunkq *q, size_t len)
{
	pthread_mutex_lock(&q->lock);
	q->len[(q->head + q->count) % q->nchunks] = len;
	q->count++;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

void chunkq_end(struct chunkq *q, int rc)
{
	pthread_mutex_lock(&q->lock);
	q->ended = 1;
	q->end_rc = rc;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

const void *chunkq_take(struct chunkq *q, size_t *len, int *rc)
{
	const void *c = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->ended)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->count > 0) {
		c = chunk(q, q->head);
		*len = q->len[q->head];
		q->taken = 1;
	} else {
		*rc = q->end_rc;
	}
	pthread_mutex_unlock(&q->lock);
	return c;
}

void chunkq_release(struct chunkq *q)
{
	pthread_mutex_lock(&q->lock);
	if (q->taken) {
		q->taken = 0;
		q->head = (q->head + 1) % q->nchunks;
		q->count--;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
}

void chunkq_cancel(struct chunkq *q)
{
	pthread_mutex_lock(&q->lock);
	q->cancelled = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

int chunkq_cancelled(struct chunkq *q)
{
	int cancelled;

	pthread_mutex_lock(&q->lock);
	cancelled = q->cancelled;
	pthread_mutex_unlock(&q->lock);
	return cancelled;
}
