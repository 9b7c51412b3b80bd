/*
 * ahead.h - /proc/net/tcp6 read ahead: a thread reads the file into a
 * bounded chunk queue while the main thread parses /proc/net/tcp (issue 19).
 */
#ifndef TCPSTAT_PROCFS_AHEAD_H
#define TCPSTAT_PROCFS_AHEAD_H

#include <pthread.h>

#include "chunkq.h"
#include "tcpstat.h"

/*
 * The memory of the read-ahead, fixed: 8 chunks of 256 KiB, 2 MiB, each
 * filled by many reads (a page each). The reader waits when they are full,
 * so what overlaps tcp's walk is this much of tcp6 (1.5 MB at 100k sockets
 * with a tenth IPv6: all of it).
 */
#define PROCFS_AHEAD_CHUNKS 8
#define PROCFS_AHEAD_CHUNK (256 * 1024)

struct procfs_ahead {
	struct chunkq q;
	pthread_t thread;
	int fd;
};

/* Starts reading fd (which stays the caller's) into a->q. 0 or -errno. */
int procfs_ahead_start(struct procfs_ahead *a, int fd);
/* Stops the reader (its current read ends first), waits for it, frees a->q. */
void procfs_ahead_stop(struct procfs_ahead *a);

/*
 * As procfs_dump_fd, from q's chunks in order until its end: a line may
 * straddle chunks. The producer's end value (a negative errno) is a read
 * error naming name.
 */
int procfs_dump_chunks(struct chunkq *q, const char *name, int family, long hz,
		       tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err);

#endif
