/* watch.h - the modes that run the listing more than once. */
#ifndef TCPSTAT_WATCH_H
#define TCPSTAT_WATCH_H

#include <poll.h>
#include <signal.h>

#include "options.h"

/*
 * Set by SIGINT and SIGTERM in the modes that loop until told to stop.
 * The one piece of global mutable state: a signal handler can reach no other.
 */
extern volatile sig_atomic_t watch_stop;

/* Installs the handlers for watch_stop. */
void watch_catch_signals(void);

/*
 * ppoll() on fds until the monotonic time deadline_ms, with SIGINT and
 * SIGTERM let through. Returns as ppoll does; -1 at once if watch_stop is set.
 */
int watch_ppoll(struct pollfd *fds, nfds_t n, uint64_t deadline_ms);

/*
 * -w: the listing every o->watch_ms until a signal; argv is shown in the
 * title. Returns 0, or -1 with err filled.
 */
int watch_run(const struct tcpstat_opts *o, int argc, char **argv, struct tcpstat_error *err);

/*
 * --wait-clear: polls until nothing matches (returns 0), the timeout passes
 * or a signal comes (returns 1); -1 with err filled on error.
 */
int watch_wait_clear(const struct tcpstat_opts *o, struct tcpstat_error *err);

/*
 * The local time, "2026-11-24 13:02:11.204" or without the date, into buf
 * (at least 32 bytes).
 */
void watch_wall_time(char *buf, size_t size, bool with_date);

/* Milliseconds on the monotonic clock. */
uint64_t watch_now_ms(void);

/*
 * Sleeps until the monotonic time deadline_ms, or until a signal sets
 * watch_stop. Returns whether it should go on.
 */
bool watch_sleep_until(uint64_t deadline_ms);

#endif
