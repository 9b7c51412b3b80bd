/*
 * clock.h - time for the modes that loop: the monotonic clock for
 * deadlines, the wall clock for what is printed, and sleeps that end at
 * once when the stop flag is set. The flag is passed in, never read from a
 * global here.
 */
#ifndef TCPSTAT_BASE_CLOCK_H
#define TCPSTAT_BASE_CLOCK_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t clock_now_ms(void);

/* Nanoseconds on the monotonic clock, for durations (--metrics). */
uint64_t clock_now_ns(void);

/*
 * The local time, "2026-11-24 13:02:11.204" (with_date) or "13:02:11.204",
 * into buf (at least 32 bytes).
 */
void clock_wall(char *buf, size_t size, bool with_date);

/* Microseconds since the epoch on the wall clock. */
uint64_t clock_wall_us(void);

/*
 * wall_us as an RFC 3339 local time with its UTC offset, to the
 * microsecond: "2026-12-03T15:12:01.204117+00:00" (buf: at least 40 bytes).
 */
void clock_rfc3339(uint64_t wall_us, char *buf, size_t size);

/*
 * ppoll() on fds until the monotonic time deadline_ms, with SIGINT and
 * SIGTERM let through. Returns as ppoll does; -1 at once if *stop is set.
 */
int clock_ppoll(struct pollfd *fds, nfds_t n, uint64_t deadline_ms,
		const volatile sig_atomic_t *stop);

/*
 * Sleeps until the monotonic time deadline_ms, or until *stop is set.
 * Returns whether to go on (false: stopped).
 */
bool clock_sleep_until(uint64_t deadline_ms, const volatile sig_atomic_t *stop);

/*
 * The deadline after prev for a loop of period_ms: prev + period_ms, or
 * now_ms + period_ms when that is already past (the process was stopped,
 * or a round took longer than the period), so a late loop resynchronises
 * to the clock instead of running the missed rounds back to back.
 */
uint64_t clock_next_deadline(uint64_t prev, uint32_t period_ms, uint64_t now_ms);

/*
 * Installs SIGINT and SIGTERM handlers that set the one stop flag, and
 * returns it: the one piece of mutable global state, since a signal
 * handler can reach no other.
 */
const volatile sig_atomic_t *clock_catch_stop_signals(void);

#endif
