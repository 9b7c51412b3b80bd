/*
 * chunkq.h - a bounded queue of fixed-size byte chunks between one
 * producer thread and one consumer thread.
 *
 * The producer fills a free chunk and publishes it (blocking while every
 * chunk is full), then ends the stream with a value (0 or a negative
 * errno); the consumer takes chunks in the order they were published.
 * Memory is the fixed number of chunks, made once. Either side may cancel:
 * the consumer when it stops reading (the producer's next call returns
 * -ECANCELED), so neither waits on the other for ever.
 */
#ifndef TCPSTAT_CHUNKQ_H
#define TCPSTAT_CHUNKQ_H

#include <pthread.h>
#include <stddef.h>

#define CHUNKQ_MAX 8

struct chunkq {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned char *mem;          /* nchunks * size bytes */
	size_t size, len[CHUNKQ_MAX];
	unsigned nchunks, head, count; /* ring: count published from head */
	unsigned taken;                /* the consumer holds head's chunk */
	int ended, end_rc, cancelled;
};

/* nchunks (1..CHUNKQ_MAX) chunks of size bytes. 0 or -ENOMEM/-EINVAL. */
int chunkq_init(struct chunkq *q, unsigned nchunks, size_t size);
void chunkq_free(struct chunkq *q);

/*
 * Producer: a free chunk to fill (blocks while none is free), or NULL
 * when the consumer cancelled. Then chunkq_publish with the bytes used.
 */
void *chunkq_slot(struct chunkq *q);
void chunkq_publish(struct chunkq *q, size_t len);
/* Producer: no more chunks; rc is what the consumer gets at the end. */
void chunkq_end(struct chunkq *q, int rc);

/*
 * Consumer: the next chunk and its length (blocks until one is published),
 * or NULL at the end with *rc the producer's value. chunkq_release gives
 * the chunk back before the next chunkq_take.
 */
const void *chunkq_take(struct chunkq *q, size_t *len, int *rc);
void chunkq_release(struct chunkq *q);
/* Consumer: stop; the producer's waits end. */
void chunkq_cancel(struct chunkq *q);
/* Producer: whether the consumer cancelled (to stop filling a chunk early). */
int chunkq_cancelled(struct chunkq *q);

#endif
