/*
 * find.c - owners from the source asked for: the eBPF iterator when it
 * can run, else the /proc walk, with the same table either way.
 */
#include <string.h>

#include "owners.h"

int owners_find(enum owners_source src, const struct u64set *want, const uint32_t *pids,
		size_t n_pids, struct owners_table *t, struct owners_how *how,
		struct tcpstat_error *err)
{
	memset(how, 0, sizeof(*how));
	/*
	 * Auto reads a few named processes from /proc: that is cheaper than
	 * a walk of every file table, and names a thread's id as the walk does.
	 */
	if (src == OWNERS_BPF || (src == OWNERS_AUTO && want->count > 0 && n_pids == 0)) {
		int rc = owners_iter_lookup(want, pids, n_pids, t, &how->why);

		if (rc == 0) {
			how->source = "bpf";
			return 0;
		}
		if (src == OWNERS_BPF) {
			*err = how->why;
			return rc;
		}
		how->fell_back = true;
	}
	how->source = "proc";
	return owners_lookup("/proc", want, pids, n_pids, t, err);
}
