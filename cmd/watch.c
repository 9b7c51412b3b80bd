/*
 * watch.c - -w (the listing, again and again) and --wait-clear (until
 * nothing matches).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "modes.h"

/*
 * A FILE that keeps at most max_lines lines of at most max_cols columns in
 * memory and drops the rest: a screen's worth of a listing of any size. A
 * line wider than the terminal is clipped, not wrapped, so the frame never
 * outgrows the screen and the title never scrolls away.
 */
struct screen_buf {
	char *data;
	size_t len, cap;
	size_t lines, max_lines;
	size_t col, max_cols;      /* characters on this line; UTF-8 continuations count 0 */
	bool clipping;             /* the rest of this line is dropped */
};

static bool screen_keeps(struct screen_buf *s, unsigned char b)
{
	if (b == '\n') {
		s->col = 0;
		s->clipping = false;
		return true;
	}
	if ((b & 0xc0) == 0x80)
		return !s->clipping;
	if (s->col < s->max_cols) {
		s->col++;
		return true;
	}
	s->clipping = true;
	return false;
}

static ssize_t screen_write(void *cookie, const char *buf, size_t size)
{
	struct screen_buf *s = cookie;

	for (size_t i = 0; i < size && s->lines < s->max_lines; i++) {
		if (!screen_keeps(s, (unsigned char)buf[i]))
			continue;
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

static FILE *screen_open(struct screen_buf *s, size_t max_lines, size_t max_cols)
{
	static const cookie_io_functions_t io = { .write = screen_write };

	*s = (struct screen_buf){ .max_lines = max_lines, .max_cols = max_cols };
	return fopencookie(s, "w", io);
}

static void terminal_size(size_t *rows, size_t *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_row > 0)
			*rows = ws.ws_row;
		if (ws.ws_col > 0)
			*cols = ws.ws_col;
	}
}

/* The title and the counts, to f; argv escaped, as it may hold anything. */
static void print_title(FILE *f, const struct tcpstat_opts *o, int argc, char **argv,
			const struct list_result *res)
{
	char now[40], arg[256];

	clock_wall(now, sizeof(now), true);
	fprintf(f, "Every %u.%01us:", o->watch_ms / 1000, o->watch_ms % 1000 / 100);
	for (int i = 0; i < argc; i++)
		fprintf(f, " %s", esc_text(arg, sizeof(arg), argv[i]));
	fprintf(f, "    %s\n", now);
	for (unsigned st = 1; st <= TCPSTAT_STATE_MAX; st++)
		if (res->counts.by_state[st] > 0)
			fprintf(f, "%s %lu  ", out_state_name(st), res->counts.by_state[st]);
	fprintf(f, "total %lu\n\n", res->counts.total);
}

/* One round on a terminal: the listing into a screenful, then drawn at once. */
static int watch_round_terminal(const struct tcpstat_opts *o, int argc, char **argv,
				struct tcpstat_error *err)
{
	size_t rows, cols;
	struct screen_buf screen, title;
	struct list_result res;
	FILE *f, *t;
	int rc;

	terminal_size(&rows, &cols);
	f = screen_open(&screen, rows > 4 ? rows - 4 : 1, cols);
	if (!f)
		return err_set(err, errno, "screen buffer");
	rc = list_run(o, f, &res, err);
	fclose(f);
	t = rc == 0 ? screen_open(&title, 3, cols) : NULL;
	if (rc == 0 && !t)
		rc = err_set(err, errno, "screen buffer");
	if (t) {
		print_title(t, o, argc, argv, &res);
		fclose(t);
		fputs("\033[H\033[2J", stdout);
		fwrite(title.data, 1, title.len, stdout);
		fwrite(screen.data, 1, screen.len, stdout);
		if (fflush(stdout) == EOF || ferror(stdout))
			rc = err_set(err, errno ? errno : EIO, "write error");
		free(title.data);
	}
	free(screen.data);
	return rc;
}

/* One round elsewhere: a timestamp line, then the listing as it streams. */
static int watch_round_stream(const struct tcpstat_opts *o, struct tcpstat_error *err)
{
	struct list_result res;
	char now[40];

	clock_wall(now, sizeof(now), true);
	printf("=== %s\n", now);
	return list_run(o, stdout, &res, err);
}

/* One round into --metrics-file: the file replaced, nothing on the terminal. */
static int watch_round_file(const struct tcpstat_opts *o, struct tcpstat_error *err)
{
	struct list_result res;

	return list_run_file(o, &res, err);
}

static int watch_round(const struct tcpstat_opts *o, bool terminal, int argc, char **argv,
		       struct tcpstat_error *err)
{
	if (o->metrics_file)
		return watch_round_file(o, err);
	return terminal ? watch_round_terminal(o, argc, argv, err) : watch_round_stream(o, err);
}

int watch_run(const struct tcpstat_opts *o, int argc, char **argv,
	      const volatile sig_atomic_t *stop, struct tcpstat_error *err)
{
	bool terminal = !o->metrics_file && isatty(STDOUT_FILENO);
	uint64_t next = clock_now_ms();
	int rc = 0;

	if (terminal)
		fputs("\033[?1049h", stdout);   /* the alternate screen, restored below */
	while (!*stop) {
		rc = watch_round(o, terminal, argc, argv, err);
		if (rc < 0) {
			/* A write cut short by the signal that stops us is no error. */
			if (*stop)
				rc = 0;
			break;
		}
		next = clock_next_deadline(next, o->watch_ms, clock_now_ms());
		if (!clock_sleep_until(next, stop))
			break;
	}
	if (terminal) {
		fputs("\033[?1049l", stdout);
		fflush(stdout);
	}
	return rc;
}

static void show_waiting(const struct list_result *res)
{
	unsigned long n = res->counts.total;

	fprintf(stderr, "\r\033[Ktcpstat: waiting for %lu socket%s to go", n, n == 1 ? "" : "s");
	if (res->counts.by_state[TCPSTAT_TIME_WAIT] > 0)
		fprintf(stderr, " (the last TIME_WAIT expires in %u.%u s)",
			res->timewait_left_ms / 1000, res->timewait_left_ms % 1000 / 100);
}

int watch_wait_clear(const struct tcpstat_opts *o, const volatile sig_atomic_t *stop,
		     struct tcpstat_error *err)
{
	bool terminal = isatty(STDERR_FILENO);
	uint64_t start = clock_now_ms(), next = start;
	int rc = 1;

	while (!*stop) {
		struct list_result res;

		if ((rc = list_count(o, &res, err)) < 0)
			break;
		rc = 1;
		if (res.counts.total == 0) {
			rc = 0;
			break;
		}
		if (terminal)
			show_waiting(&res);
		next = clock_next_deadline(next, o->interval_ms, clock_now_ms());
		if (o->timeout_ms && next > start + o->timeout_ms)
			next = start + o->timeout_ms;
		if (o->timeout_ms && clock_now_ms() >= start + o->timeout_ms)
			break;
		if (!clock_sleep_until(next, stop))
			break;
	}
	if (terminal)
		fputs("\r\033[K", stderr);
	return rc;
}
