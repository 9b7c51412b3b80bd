/*
 * ifnames.h - interface names for the ifindex a socket is bound to (the
 * %IF after a local address, -j's "interface"), looked up with
 * if_indextoname once per index and listing (a syscall each) in a small
 * fixed table, as users.h does for uids. Only sockets bound to an
 * interface ask, so a plain listing pays nothing. Names are those of
 * tcpstat's own network namespace: a socket of another one (-N,
 * --all-netns) gets none, and is shown by its index.
 */
#ifndef TCPSTAT_OUT_IFNAMES_H
#define TCPSTAT_OUT_IFNAMES_H

#include <stdbool.h>
#include <stdint.h>

#define OUT_IFNAMES_SLOTS 32
#define OUT_IFNAME_MAX 16   /* IF_NAMESIZE */

struct out_ifnames {
	uint64_t own_netns;      /* tcpstat's namespace inode; 0: not read yet */
	bool own_known;
	struct out_ifname_slot {
		uint32_t ifindex;    /* 0: unused */
		bool named;
		char name[OUT_IFNAME_MAX];
	} slot[OUT_IFNAMES_SLOTS];
};

void out_ifnames_init(struct out_ifnames *c);

/*
 * The name of interface ifindex (not 0) for a socket of namespace netns
 * (its inode, 0: tcpstat's own), or NULL when it has none there (gone, or
 * another namespace's).
 */
const char *out_ifname(struct out_ifnames *c, uint64_t netns, uint32_t ifindex);

#endif
