/* clock.c - see clock.h. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

const volatile sig_atomic_t *clock_catch_stop_signals(void)
{
	struct sigaction sa;

	/*
	 * No SA_RESTART: a write blocked on a full pipe ends with EINTR, and
	 * the loops take an error with the flag set for a plain stop.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_requested;
}

uint64_t clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int clock_ppoll(struct pollfd *fds, nfds_t n, uint64_t deadline_ms,
		const volatile sig_atomic_t *stop)
{
	uint64_t now = clock_now_ms();
	uint64_t left = deadline_ms > now ? deadline_ms - now : 0;
	struct timespec timeout = {
		.tv_sec = (time_t)(left / 1000),
		.tv_nsec = (long)(left % 1000) * 1000000,
	};
	sigset_t stop_signals, before;
	int rc = -1;

	/*
	 * Blocked from the check of the flag until ppoll lets them through
	 * atomically: a signal in between still ends the sleep at once.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, &before);
	if (!*stop)
		rc = ppoll(fds, n, &timeout, &before);
	sigprocmask(SIG_SETMASK, &before, NULL);
	return rc;
}

bool clock_sleep_until(uint64_t deadline_ms, const volatile sig_atomic_t *stop)
{
	while (!*stop && clock_now_ms() < deadline_ms)
		clock_ppoll(NULL, 0, deadline_ms, stop);
	return !*stop;
}

uint64_t clock_next_deadline(uint64_t prev, uint32_t period_ms, uint64_t now_ms)
{
	uint64_t next = prev + period_ms;

	return next < now_ms ? now_ms + period_ms : next;
}

void clock_wall(char *buf, size_t size, bool with_date)
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

uint64_t clock_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void clock_rfc3339(uint64_t wall_us, char *buf, size_t size)
{
	time_t sec = (time_t)(wall_us / 1000000u);
	struct tm tm;
	long off;

	localtime_r(&sec, &tm);
	/* tm_gmtoff, not %z: RFC 3339 wants the colon ("+01:00"). */
	off = tm.tm_gmtoff;
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06u%c%02ld:%02ld",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (unsigned)(wall_us % 1000000u), off < 0 ? '-' : '+',
		 (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) / 60 % 60);
}
