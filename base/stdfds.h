/*
 * stdfds.h - descriptors 0, 1 and 2 open before anything else is, so that
 * no socket or file tcpstat opens can become "standard output" by being
 * the lowest free descriptor (tcpstat >&- once wrote its rows into its own
 * netlink socket).
 */
#ifndef TCPSTAT_BASE_STDFDS_H
#define TCPSTAT_BASE_STDFDS_H

#include "error.h"

/*
 * Opens /dev/null read-only onto each of 0, 1 and 2 that is closed.
 * Read-only, so a write to a closed stdout still fails (EBADF) and is
 * reported as a write error instead of vanishing. Returns 0, or a negative
 * errno with err filled.
 */
int stdfds_ensure(struct tcpstat_error *err);

#endif
