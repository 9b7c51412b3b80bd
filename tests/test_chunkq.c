/*
 * test_chunkq.c - base/chunkq: the bounded queue between the netlink
 * read-ahead thread and the main thread. Order kept, the producer blocked
 * while every chunk is full, its end value (an error) handed to the
 * consumer, cancelling that ends the producer's wait.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chunkq.h"

#define NCHUNKS 3
#define SIZE 64

struct producer {
	struct chunkq *q;
	int count;          /* chunks to publish */
	int end_rc;         /* chunkq_end's value */
	int published;      /* how many were, read after join */
	int saw_cancel;
};

/* Publishes chunk i as the text "chunk i" (its length with the NUL). */
static void *produce(void *p)
{
	struct producer *pr = p;

	for (int i = 0; i < pr->count; i++) {
		char *slot = chunkq_slot(pr->q);

		if (!slot) {
			pr->saw_cancel = 1;
			break;
		}
		chunkq_publish(pr->q, (size_t)snprintf(slot, SIZE, "chunk %d", i) + 1);
		pr->published++;
	}
	chunkq_end(pr->q, pr->end_rc);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ms * 1000000 };

	nanosleep(&ts, NULL);
}

static void test_init_bounds(void **state)
{
	struct chunkq q;

	(void)state;
	assert_int_equal(chunkq_init(&q, 0, SIZE), -EINVAL);
	assert_int_equal(chunkq_init(&q, CHUNKQ_MAX + 1, SIZE), -EINVAL);
	assert_int_equal(chunkq_init(&q, 2, 0), -EINVAL);
	assert_int_equal(chunkq_init(&q, 2, SIZE), 0);
	chunkq_free(&q);
	chunkq_free(&q);   /* twice is harmless */
}

/* 50 chunks through 3 slots arrive in order, then the end value. */
static void test_order_and_end(void **state)
{
	struct chunkq q;
	struct producer pr = { .q = &q, .count = 50, .end_rc = 0 };
	pthread_t t;
	size_t len;
	int rc = 1;

	(void)state;
	assert_int_equal(chunkq_init(&q, NCHUNKS, SIZE), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
	for (int i = 0; i < 50; i++) {
		char want[SIZE];
		const char *c = chunkq_take(&q, &len, &rc);

		assert_non_null(c);
		snprintf(want, sizeof(want), "chunk %d", i);
		assert_string_equal(c, want);
		assert_int_equal(len, strlen(want) + 1);
		chunkq_release(&q);
	}
	assert_null(chunkq_take(&q, &len, &rc));
	assert_int_equal(rc, 0);
	pthread_join(t, NULL);
	chunkq_free(&q);
}

/* The producer stops at NCHUNKS published until the consumer releases. */
static void test_blocks_when_full(void **state)
{
	struct chunkq q;
	struct producer pr = { .q = &q, .count = NCHUNKS + 2 };
	pthread_t t;
	size_t len;
	int rc;

	(void)state;
	assert_int_equal(chunkq_init(&q, NCHUNKS, SIZE), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
	sleep_ms(100);
	pthread_mutex_lock(&q.lock);
	assert_int_equal(q.count, NCHUNKS);
	assert_int_equal(q.ended, 0);
	pthread_mutex_unlock(&q.lock);
	/* Holding a chunk taken frees nothing: still full. */
	assert_non_null(chunkq_take(&q, &len, &rc));
	sleep_ms(50);
	pthread_mutex_lock(&q.lock);
	assert_int_equal(q.count, NCHUNKS);
	pthread_mutex_unlock(&q.lock);
	chunkq_release(&q);
	for (int i = 1; i < NCHUNKS + 2; i++) {
		assert_non_null(chunkq_take(&q, &len, &rc));
		chunkq_release(&q);
	}
	assert_null(chunkq_take(&q, &len, &rc));
	pthread_join(t, NULL);
	assert_int_equal(pr.published, NCHUNKS + 2);
	chunkq_free(&q);
}

/* A producer's error arrives after the chunks it published before it. */
static void test_error_propagates(void **state)
{
	struct chunkq q;
	struct producer pr = { .q = &q, .count = 2, .end_rc = -ENOBUFS };
	pthread_t t;
	size_t len;
	int rc = 0;

	(void)state;
	assert_int_equal(chunkq_init(&q, NCHUNKS, SIZE), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
	for (int i = 0; i < 2; i++) {
		assert_non_null(chunkq_take(&q, &len, &rc));
		chunkq_release(&q);
	}
	assert_null(chunkq_take(&q, &len, &rc));
	assert_int_equal(rc, -ENOBUFS);
	pthread_join(t, NULL);
	chunkq_free(&q);
}

/* A consumer that stops early: the blocked producer's slot comes back NULL. */
static void test_cancel_unblocks(void **state)
{
	struct chunkq q;
	struct producer pr = { .q = &q, .count = 1000 };
	pthread_t t;
	size_t len;
	int rc;

	(void)state;
	assert_int_equal(chunkq_init(&q, NCHUNKS, SIZE), 0);
	assert_int_equal(pthread_create(&t, NULL, produce, &pr), 0);
	assert_non_null(chunkq_take(&q, &len, &rc));
	chunkq_release(&q);
	sleep_ms(50);
	assert_int_equal(chunkq_cancelled(&q), 0);
	chunkq_cancel(&q);
	assert_int_equal(chunkq_cancelled(&q), 1);
	pthread_join(t, NULL);
	assert_int_equal(pr.saw_cancel, 1);
	assert_true(pr.published <= NCHUNKS + 1);
	chunkq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_bounds),
		cmocka_unit_test(test_order_and_end),
		cmocka_unit_test(test_blocks_when_full),
		cmocka_unit_test(test_error_propagates),
		cmocka_unit_test(test_cancel_unblocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
