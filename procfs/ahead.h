/*
 * ahead.h - /proc/net/tcp{,6} read ahead: a thread per file reads it into
 * a bounded chunk queue while the main thread parses (issue 19).
 */
#ifndef TCPSTAT_PROCFS_AHEAD_H
#define TCPSTAT_PROCFS_AHEAD_H

#include <pthread.h>

#include "chunkq.h"
#include "tcpstat.h"

/*
 * The memory of a file's read-ahead, fixed: 4 chunks of 64 KiB, 256 KiB,
 * each filled by many reads (a page each). The parser keeps up with the
 * kernel's printing, so more chunks would only hold tcp6 longer while tcp
 * is parsed: measured at 100k sockets, 8 × 256 KiB for tcp6 alone (tcp read
 * by the main thread) took 1.15-1.23× the bare read of both files and 4.2 MiB;
 * 4 × 64 KiB for each, 1.10× and 3.0 MiB.
 */
#define PROCFS_AHEAD_CHUNKS 4
#define PROCFS_AHEAD_CHUNK (64 * 1024)

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
