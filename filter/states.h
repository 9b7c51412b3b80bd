/*
 * states.h - the names of TCP states and groups of them, for -s and the
 * filter language's "state" and "exclude" words.
 */
#ifndef TCPSTAT_FILTER_STATES_H
#define TCPSTAT_FILTER_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpstat.h"

/*
 * Whether word (len bytes) names a state or a group (netstat's, ss's and
 * the textbooks' spellings, any case, '-' for '_'); sets *mask to its
 * (1 << state) bits when it does.
 */
bool filter_state_word(const char *word, size_t len, uint32_t *mask);

#endif
