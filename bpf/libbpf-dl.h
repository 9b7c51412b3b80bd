/*
 * libbpf-dl.h - libbpf, loaded the first time a room asks for eBPF.
 *
 * tcpstat is not linked against libbpf: the dynamic linker would map
 * libbpf, libelf and libz into every run, and resolve their relocations, to
 * list sockets that never touch eBPF (0.2-0.5 MiB of peak RSS, ~0.5 ms of
 * start-up; bench/RESULTS.md). libbpf-dl.c defines the libbpf functions the rooms call
 * (the skeletons' among them) as forwarders to the library dlopen()ed here.
 * Until libbpf_dl_open succeeded each forwarder fails as libbpf reports
 * failure (NULL or -ENOSYS, errno ENOSYS), so no path calls into nothing.
 */
#ifndef TCPSTAT_LIBBPF_DL_H
#define TCPSTAT_LIBBPF_DL_H

#include <stddef.h>

#include "error.h"

/* Loads libbpf once per process (thread-safe), its log quiet unless
 * TCPSTAT_BPF_DEBUG is on. 0, or a negative errno with err saying why
 * ("eBPF: cannot load libbpf.so.1 (...)"). */
int libbpf_dl_open(struct tcpstat_error *err);

/* The loading itself, apart from the process's one table (for tests):
 * dlopen()s soname (kept open when it will do) and checks it has every
 * function the forwarders call.
 * 0, or -1 with why (at most len bytes) naming the library or function. */
int libbpf_dl_probe(const char *soname, char *why, size_t len);

#endif
