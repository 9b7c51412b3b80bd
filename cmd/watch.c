/*
 * watch.c - -w (the listing, again and again) and --wait-clear (until
 * nothing matches).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "print.h"
#include "run.h"
#include "watch.h"

volatile sig_atomic_t watch_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

void watch_catch_signals(void)
{
	struct sigaction sa;

	/*
	 * No SA_RESTART: a write blocked on a full pipe ends with EINTR, and
	 * the loops take an error with watch_stop set for a plain stop.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int watch_ppoll(struct pollfd *fds, nfds_t n, uint64_t deadline_ms)
{
	uint64_t now = watch_now_ms();
	uint64_t left = deadline_ms > now ? deadline_ms - now : 0;
	struct timespec timeout = {
		.tv_sec = (time_t)(left / 1000),
		.tv_nsec = (long)(left % 1000) * 1000000,
	};
	sigset_t stop_signals, before;
	int rc = -1;

	/*
	 * Blocked from the check of watch_stop until ppoll lets them through
	 * atomically: a signal in between still ends the sleep at once.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, &before);
	if (!watch_stop)
		rc = ppoll(fds, n, &timeout, &before);
	sigprocmask(SIG_SETMASK, &before, NULL);
	return rc;
}

uint64_t watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool watch_sleep_until(uint64_t deadline_ms)
{
	while (!watch_stop && watch_now_ms() < deadline_ms)
		watch_ppoll(NULL, 0, deadline_ms);
	return !watch_stop;
}

void watch_wall_time(char *buf, size_t size, bool with_date)
{
	struct timespec ts;
	struct tm tm;
	size_t len;
	unsigned ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	len = strftime(buf, size - 4, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	ms = (unsigned)(ts.tv_nsec / 1000000) % 1000;
	buf[len++] = '.';
	buf[len++] = (char)('0' + ms / 100);
	buf[len++] = (char)('0' + ms / 10 % 10);
	buf[len++] = (char)('0' + ms % 10);
	buf[len] = '\0';
}

/* "2026-11-24 13:02:11.204", local time. */
static void format_wall_time(char *buf, size_t size)
{
	watch_wall_time(buf, size, true);
}

/*
 * A FILE that keeps at most max_lines lines in memory and drops the rest:
 * a screen's worth of a listing of any size.
 */
struct screen_buf {
	char *data;
	size_t len, cap;
	size_t lines, max_lines;
};

static ssize_t screen_write(void *cookie, const char *buf, size_t size)
{
	struct screen_buf *s = cookie;

	for (size_t i = 0; i < size && s->lines < s->max_lines; i++) {
		if (s->len == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 4096;
			char *grown = realloc(s->data, cap);

			if (!grown)
				return -1;
			s->data = grown;
			s->cap = cap;
		}
		s->data[s->len++] = buf[i];
		if (buf[i] == '\n')
			s->lines++;
	}
	return (ssize_t)size;
}

static size_t terminal_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 24;
}

static void print_title(const struct tcpstat_opts *o, int argc, char **argv,
			const struct run_result *res)
{
	char now[40];

	format_wall_time(now, sizeof(now));
	printf("Every %u.%01us:", o->watch_ms / 1000, o->watch_ms % 1000 / 100);
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("    %s\n", now);
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++)
		if (res->by_state[st] > 0)
			printf("%s %lu  ", print_state_name(st), res->by_state[st]);
	printf("total %lu\n\n", res->matched);
}

/* One round on a terminal: the listing into a screenful, then drawn at once. */
static int watch_round_terminal(const struct tcpstat_opts *o, int argc, char **argv,
				struct tcpstat_error *err)
{
	static const cookie_io_functions_t io = { .write = screen_write };
	size_t rows = terminal_rows();
	struct screen_buf screen = { .max_lines = rows > 4 ? rows - 4 : 1 };
	struct run_result res;
	FILE *f = fopencookie(&screen, "w", io);
	int rc;

	if (!f) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "screen buffer");
		return -1;
	}
	rc = run_list(o, f, &res, err);
	fclose(f);
	if (rc == 0) {
		fputs("\033[H\033[2J", stdout);
		print_title(o, argc, argv, &res);
		fwrite(screen.data, 1, screen.len, stdout);
		fflush(stdout);
	}
	free(screen.data);
	return rc;
}

/* One round elsewhere: a timestamp line, then the listing as it streams. */
static int watch_round_stream(const struct tcpstat_opts *o, struct tcpstat_error *err)
{
	struct run_result res;
	char now[40];

	format_wall_time(now, sizeof(now));
	printf("=== %s\n", now);
	return run_list(o, stdout, &res, err);
}

int watch_run(const struct tcpstat_opts *o, int argc, char **argv, struct tcpstat_error *err)
{
	bool terminal = isatty(STDOUT_FILENO);
	uint64_t next = watch_now_ms();
	int rc = 0;

	if (terminal)
		fputs("\033[?1049h", stdout);   /* the alternate screen, restored below */
	while (!watch_stop) {
		rc = terminal ? watch_round_terminal(o, argc, argv, err) : watch_round_stream(o, err);
		if (rc < 0) {
			/* A write cut short by the signal that stops us is no error. */
			if (watch_stop)
				rc = 0;
			break;
		}
		next += o->watch_ms;
		if (!watch_sleep_until(next))
			break;
	}
	if (terminal) {
		fputs("\033[?1049l", stdout);
		fflush(stdout);
	}
	return rc;
}

/* A FILE for the counting rounds of --wait-clear: what it is given goes nowhere. */
static ssize_t discard_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

static void show_waiting(const struct run_result *res)
{
	fprintf(stderr, "\r\033[Ktcpstat: waiting for %lu socket%s to go", res->matched,
		res->matched == 1 ? "" : "s");
	if (res->by_state[TCPSTAT_TIME_WAIT] > 0)
		fprintf(stderr, " (the last TIME_WAIT expires in %u.%u s)",
			res->timewait_left_ms / 1000, res->timewait_left_ms % 1000 / 100);
}

int watch_wait_clear(const struct tcpstat_opts *o, struct tcpstat_error *err)
{
	static const cookie_io_functions_t io = { .write = discard_write };
	struct tcpstat_opts counting = *o;
	bool terminal = isatty(STDERR_FILENO);
	uint64_t start = watch_now_ms(), next = start;
	FILE *sink = fopencookie(NULL, "w", io);
	int rc = 1;

	if (!sink) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "discard stream");
		return -1;
	}
	counting.count = true;
	while (!watch_stop) {
		struct run_result res;

		if (run_list(&counting, sink, &res, err) < 0) {
			rc = -1;
			break;
		}
		if (res.matched == 0) {
			rc = 0;
			break;
		}
		if (terminal)
			show_waiting(&res);
		next += o->interval_ms;
		if (o->timeout_ms && next > start + o->timeout_ms)
			next = start + o->timeout_ms;
		if (o->timeout_ms && watch_now_ms() >= start + o->timeout_ms)
			break;
		if (!watch_sleep_until(next))
			break;
	}
	if (terminal)
		fputs("\r\033[K", stderr);
	fclose(sink);
	return rc;
}
