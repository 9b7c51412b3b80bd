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

/* The name of uid, or NULL when it has none (or none that fits). */
const char *out_user_name(struct out_users *u, uint32_t uid);

#endif
