/*
 * iter-off.c - the eBPF owner source in a build without it (meson
 * -Dbpf=disabled, or clang, bpftool, libbpf or the kernel's BTF missing
 * at build time): it never runs, so owners come from the /proc walk.
 */
#include <errno.h>

#include "owners.h"

int owners_iter_lookup(const struct u64set *want, const uint32_t *pids, size_t n_pids,
		       struct owners_table *t, struct tcpstat_error *err)
{
	(void)want;
	(void)pids;
	(void)n_pids;
	vec_init(&t->all, sizeof(struct tcpstat_owner), 0);
	t->unreadable = 0;
	return err_set(err, EOPNOTSUPP, "eBPF owners: built without eBPF");
}
