/*
 * server/log.c - bounded, non-blocking log lines for echo-server.
 */
#include "log.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

void log_open(struct echo_log *l, int fd)
{
	char path[32];
	struct stat st;
	int flags;

	l->fd = fd;
	l->own_fd = -1;
	l->is_socket = false;
	l->restore_blocking = false;
	l->err = 0;
	l->dropped = 0;
	l->off = 0;
	l->len = 0;
	if (fstat(fd, &st) < 0 || S_ISREG(st.st_mode))
		return;		/* a file never waits for a reader */
	if (S_ISSOCK(st.st_mode)) {
		l->is_socket = true;
		return;
	}
	/*
	 * O_NONBLOCK belongs to the open file description, which a terminal
	 * shares with the shell and every program started from it: setting it
	 * there would make their writes fail with EAGAIN. A description of our
	 * own for the same pipe or terminal avoids that.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	l->own_fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (l->own_fd >= 0) {
		l->fd = l->own_fd;
		return;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0 && !(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0)
		l->restore_blocking = true;
}

/* One write of whole lines; at most PIPE_BUF bytes, so a pipe takes each write whole. */
static ssize_t log_write_some(struct echo_log *l)
{
	size_t n = l->len < PIPE_BUF ? l->len : PIPE_BUF;
	const char *p = l->buf + l->off;

	while (n > 0 && p[n - 1] != '\n')
		n--;
	if (n == 0)
		n = l->len < PIPE_BUF ? l->len : PIPE_BUF;
	if (l->is_socket)
		return send(l->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(l->fd, p, n);
}

/* Lines in buf[off, off + len): each queued line ends in '\n'. */
static unsigned long log_count_lines(const struct echo_log *l)
{
	unsigned long lines = 0;
	size_t i;

	for (i = 0; i < l->len; i++)
		lines += l->buf[l->off + i] == '\n';
	/* A line cut by a partial write still counts as one. */
	if (l->len > 0 && lines == 0)
		lines = 1;
	return lines;
}

void log_flush(struct echo_log *l)
{
	while (l->len > 0 && l->err == 0) {
		ssize_t n = log_write_some(l);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			l->err = errno;
			break;
		}
		l->off += (size_t)n;
		l->len -= (size_t)n;
	}
	if (l->err != 0) {
		l->dropped += log_count_lines(l);
		l->len = 0;
	}
	if (l->len == 0)
		l->off = 0;
}

void log_line(struct echo_log *l, const char *fmt, ...)
{
	char line[ECHO_LOG_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (l->err != 0 || l->len + (size_t)n > sizeof(l->buf)) {
		l->dropped++;
		return;
	}
	if (l->off + l->len + (size_t)n > sizeof(l->buf)) {
		memmove(l->buf, l->buf + l->off, l->len);
		l->off = 0;
	}
	memcpy(l->buf + l->off + l->len, line, (size_t)n);
	l->len += (size_t)n;
	log_flush(l);
}

bool log_pending(const struct echo_log *l)
{
	return l->len > 0;
}

void log_drain(struct echo_log *l, long long deadline_ms)
{
	log_flush(l);
	while (l->len > 0) {
		struct pollfd pfd = { .fd = l->fd, .events = POLLOUT };
		long long left = deadline_ms - (long long)echo_now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		log_flush(l);
	}
	l->dropped += log_count_lines(l);
	l->len = 0;
	l->off = 0;
}

void log_close(struct echo_log *l)
{
	if (l->own_fd >= 0)
		close(l->own_fd);
	l->own_fd = -1;
	if (l->restore_blocking) {
		int flags = fcntl(l->fd, F_GETFL);

		if (flags >= 0)
			fcntl(l->fd, F_SETFL, flags & ~O_NONBLOCK);
		l->restore_blocking = false;
	}
}
