/* events.h - -E: the state changes of the matching sockets, as they happen. */
#ifndef TCPSTAT_EVENTS_H
#define TCPSTAT_EVENTS_H

#include <stdio.h>

#include "options.h"

struct events_result {
	bool destroy_groups;       /* the kernel's destroy reports were heard */
	struct tcpstat_error why_not;   /* why not, when they were not */
	unsigned long lost;        /* times destroy reports were dropped or unreadable */
};

/*
 * Polls every o->interval_ms until a signal sets watch_stop, printing to
 * out one line (or JSON object with -j) per change against the previous
 * poll: "new STATE", "OLD -> NEW", "gone (was STATE, seen N s)". Where the
 * destroy groups can be joined, a socket created and destroyed between two
 * polls is reported too. Returns 0, or -1 with err filled.
 */
int events_run(const struct tcpstat_opts *o, FILE *out, struct events_result *res,
	       struct tcpstat_error *err);

/* Identity of a socket across polls: family and both endpoints. */
struct events_key {
	uint8_t family;
	uint8_t pad;
	uint16_t local_port, peer_port;
	uint8_t local_addr[16], peer_addr[16];
};

struct events_entry {
	struct events_key key;
	uint64_t first_ms;        /* when it was first seen (monotonic) */
	uint8_t state;
	bool used;
	bool seen;                /* seen again in the current poll */
};

/* Sockets by identity: open addressing with linear probing. */
struct events_table {
	struct events_entry *slots;
	size_t mask, count;
};

/* An empty table, sized for about expected entries. Returns 0 or -ENOMEM. */
int events_table_init(struct events_table *t, size_t expected);
void events_table_free(struct events_table *t);
/* The entry for key, or NULL. */
struct events_entry *events_table_find(const struct events_table *t,
				       const struct events_key *key);
/*
 * The entry for key, added (used, zeroed past the key) if it was not
 * there; *added tells which. NULL when memory runs out.
 */
struct events_entry *events_table_add(struct events_table *t, const struct events_key *key,
				      bool *added);
/* The identity of s. */
void events_key_of(const struct tcpstat_sock *s, struct events_key *key);

#endif
