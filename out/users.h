/*
 * users.h - user names for uids (netstat -e's User column), looked up
 * with getpwuid once per uid and kept in a small table of fixed size, so
 * a listing of 100k sockets asks the user database a handful of times and
 * memory does not grow with the number of users.
 */
#ifndef TCPSTAT_OUT_USERS_H
#define TCPSTAT_OUT_USERS_H

#include <stdbool.h>
#include <stdint.h>

/* Slots, direct-mapped by uid: a uid that collides is looked up again. */
#define OUT_USERS_SLOTS 64
/* Longer names are shown as the uid (as netstat does past its width). */
#define OUT_USERS_NAME_MAX 32

struct out_users {
	struct out_user_slot {
		uint32_t uid;
		bool used;
		bool named;                       /* false: the uid has no name */
		char name[OUT_USERS_NAME_MAX];
	} slot[OUT_USERS_SLOTS];
};

void out_users_init(struct out_users *u);

/* out_user_name for a uid not in its slot: looks it up and keeps it there. */
const char *out_user_lookup(struct out_users *u, uint32_t uid);

/*
 * The name of uid, or NULL when it has none (or none that fits). Inline
 * for the slot that has it: -j asks for every row.
 */
static inline const char *out_user_name(struct out_users *u, uint32_t uid)
{
	const struct out_user_slot *s = &u->slot[uid % OUT_USERS_SLOTS];

	if (s->used && s->uid == uid)
		return s->named ? s->name : NULL;
	return out_user_lookup(u, uid);
}

#endif
