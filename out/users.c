/* users.c - see users.h. */
#include <pwd.h>
#include <string.h>

#include "users.h"

void out_users_init(struct out_users *u)
{
	memset(u, 0, sizeof(*u));
}

const char *out_user_lookup(struct out_users *u, uint32_t uid)
{
	struct out_user_slot *s = &u->slot[uid % OUT_USERS_SLOTS];
	const struct passwd *pw;

	s->used = true;
	s->uid = uid;
	pw = getpwuid((uid_t)uid);
	s->named = pw && pw->pw_name && strlen(pw->pw_name) < sizeof(s->name);
	if (s->named)
		strcpy(s->name, pw->pw_name);
	return s->named ? s->name : NULL;
}
