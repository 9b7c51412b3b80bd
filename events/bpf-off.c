/*
 * bpf-off.c - the eBPF source in a build without it (meson -Dbpf=disabled,
 * or clang, bpftool, libbpf or the kernel's BTF missing at build time):
 * it never opens, so -E polls.
 */
#include <errno.h>

#include "source.h"

static int off_open(void **state, const struct events_config *cfg, struct events_status *st,
		    struct tcpstat_error *err)
{
	(void)state;
	(void)cfg;
	(void)st;
	return err_set(err, EOPNOTSUPP, "eBPF: built without it");
}

static int off_step(void *state, events_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	(void)state;
	(void)emit;
	(void)arg;
	return err_set(err, EOPNOTSUPP, "eBPF: built without it");
}

static void off_close(void *state, struct events_status *st)
{
	(void)state;
	(void)st;
}

const struct events_source events_bpf_source = {
	.name = "bpf",
	.open = off_open,
	.step = off_step,
	.close = off_close,
};
