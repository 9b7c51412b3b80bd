/*
 * server/log.h - echo-server's log lines, written without ever blocking.
 *
 * A line goes into a bounded buffer and out to the fd as fast as the fd
 * takes it. When whoever reads standard output stops reading, the buffer
 * fills and further lines are dropped and counted instead of stalling the
 * select() loop; the count is given at the end.
 */
#ifndef TCPSTAT_ECHO_LOG_H
#define TCPSTAT_ECHO_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Lines waiting for the fd, at most: about 60 "client say:" lines of 1 KiB. */
#define ECHO_LOG_BUF (64 * 1024)

/* The longest line; a longer one is cut. Below PIPE_BUF, so a pipe takes it whole. */
#define ECHO_LOG_LINE_MAX 2048

struct echo_log {
	int fd;			/* where the lines go (may be a private reopening) */
	int own_fd;		/* fd opened here and closed by log_close, or -1 */
	bool is_socket;		/* write with send(MSG_DONTWAIT) */
	bool restore_blocking;	/* O_NONBLOCK was set on a shared description */
	int err;		/* the errno that stopped writing, or 0 */
	unsigned long dropped;	/* lines not written */
	size_t off, len;	/* the unwritten lines: buf[off, off + len) */
	char buf[ECHO_LOG_BUF];
};

/*
 * log_open - set up l to write lines to fd (1 or 2) without blocking:
 * a pipe or terminal is reopened through /proc/self/fd with O_NONBLOCK, so
 * the description other processes share is left alone (only where that
 * fails is O_NONBLOCK set on it, and cleared again by log_close); a socket
 * is written with MSG_DONTWAIT; a regular file as it is.
 */
void log_open(struct echo_log *l, int fd);

/*
 * log_line - format one line (printf-style, without its newline) and queue
 * it, then write what the fd takes. A line that does not fit in the buffer
 * is dropped and counted. Never blocks.
 */
void log_line(struct echo_log *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * log_flush - write what the fd takes now, never blocking. After a write
 * error other than EAGAIN, l->err is set and every line from then on is
 * counted as dropped.
 */
void log_flush(struct echo_log *l);

/* log_pending - true while lines wait for the fd (so select() should watch it). */
bool log_pending(const struct echo_log *l);

/*
 * log_drain - flush, waiting for the fd at most until deadline_ms (the
 * monotonic clock of echo_now_ms()); lines still unwritten then are
 * counted as dropped.
 */
void log_drain(struct echo_log *l, long long deadline_ms);

/* log_close - undo what log_open changed. Does not write. */
void log_close(struct echo_log *l);

#endif
