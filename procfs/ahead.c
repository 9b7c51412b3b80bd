/*
 * ahead.c - a file's reader thread and the line source over its chunks.
 * The thread only reads (signals blocked: the main thread alone looks at
 * the stop flag); procfs read() does not block for long, so stopping is
 * cancelling the queue and waiting for the read in progress: the thread
 * looks at the queue's cancel after every read, not only between chunks.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ahead.h"
#include "procfs.h"

/*
 * Fills a chunk with reads: the kernel hands out a page of lines per read
 * whatever the buffer (seq_file), so a chunk per read would hold 4 KiB.
 * Returns the bytes in it, less than its size only at the end of the file,
 * at a read error (*rc then -errno: the bytes before it still count) or
 * when the consumer cancelled.
 */
static size_t fill_chunk(struct procfs_ahead *a, char *slot, int *rc)
{
	size_t used = 0, size = a->q.size;

	while (used < size && !chunkq_cancelled(&a->q)) {
		ssize_t n = read(a->fd, slot + used, size - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			*rc = -errno;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	return used;
}

static void *ahead_run(void *p)
{
	struct procfs_ahead *a = p;
	int rc = 0;

	for (;;) {
		void *slot = chunkq_slot(&a->q);
		size_t n;

		if (!slot)
			break;
		n = fill_chunk(a, slot, &rc);
		if (n > 0)
			chunkq_publish(&a->q, n);
		if (n < a->q.size)
			break;          /* the end of the file, an error or a cancel */
	}
	chunkq_end(&a->q, rc);
	return NULL;
}

int procfs_ahead_start(struct procfs_ahead *a, int fd)
{
	sigset_t all, old;
	int rc;

	a->fd = fd;
	rc = chunkq_init(&a->q, PROCFS_AHEAD_CHUNKS, PROCFS_AHEAD_CHUNK);
	if (rc != 0)
		return rc;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_run, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		chunkq_free(&a->q);
		return -rc;
	}
	return 0;
}

void procfs_ahead_stop(struct procfs_ahead *a)
{
	chunkq_cancel(&a->q);
	pthread_join(a->thread, NULL);
	chunkq_free(&a->q);
}

struct chunk_source {
	struct chunkq *q;
	const char *c;     /* the chunk held, or NULL */
	size_t len, off;
};

/* The held chunk's next bytes, taking the next chunk when it is used up. */
static ssize_t fill_chunks(void *ctx, char *dst, size_t cap)
{
	struct chunk_source *s = ctx;
	size_t n;

	while (!s->c || s->off == s->len) {
		int rc = 0;

		if (s->c)
			chunkq_release(s->q);
		s->c = chunkq_take(s->q, &s->len, &rc);
		s->off = 0;
		if (!s->c)
			return rc;
	}
	n = s->len - s->off < cap ? s->len - s->off : cap;
	memcpy(dst, s->c + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

int procfs_dump_chunks(struct chunkq *q, const char *name, int family, long hz,
		       tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct chunk_source s = { .q = q };
	int rc = procfs_dump_from(fill_chunks, &s, name, family, hz, emit, arg, err);

	if (s.c)
		chunkq_release(q);
	return rc;
}
