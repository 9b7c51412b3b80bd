/* ifnames.c - see ifnames.h. */
#include <string.h>
#include <net/if.h>
#include <sys/stat.h>

#include "ifnames.h"

void out_ifnames_init(struct out_ifnames *c)
{
	memset(c, 0, sizeof(*c));
}

/* Whether netns (a record's label) is tcpstat's own: 0, or its inode. */
static bool own_netns(struct out_ifnames *c, uint64_t netns)
{
	struct stat st;

	if (netns == 0)
		return true;
	if (!c->own_known) {
		c->own_known = true;
		c->own_netns = stat("/proc/self/ns/net", &st) == 0 ? (uint64_t)st.st_ino : 0;
	}
	return c->own_netns != 0 && netns == c->own_netns;
}

const char *out_ifname(struct out_ifnames *c, uint64_t netns, uint32_t ifindex)
{
	struct out_ifname_slot *s = &c->slot[ifindex % OUT_IFNAMES_SLOTS];

	if (!own_netns(c, netns))
		return NULL;
	if (s->ifindex != ifindex) {
		s->ifindex = ifindex;
		s->named = if_indextoname(ifindex, s->name) != NULL;
	}
	return s->named ? s->name : NULL;
}
