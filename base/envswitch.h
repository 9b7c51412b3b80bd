/*
 * envswitch.h - tcpstat's internal switches (TCPSTAT_NL_SEQUENTIAL,
 * TCPSTAT_PROC_SEQUENTIAL, TCPSTAT_BPF_TW_LOOKUP, ...): environment
 * variables that tests and benchmarks set to force one path. Not in
 * --help or the man page; read the same way everywhere.
 */
#ifndef TCPSTAT_BASE_ENVSWITCH_H
#define TCPSTAT_BASE_ENVSWITCH_H

#include <stdbool.h>

/* Whether the switch is on: set, not empty, and not "0". */
bool env_switch(const char *name);

#endif
