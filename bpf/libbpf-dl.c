/*
 * libbpf-dl.c - the libbpf functions tcpstat calls, forwarded to the
 * library dlopen()ed on first use (why: libbpf-dl.h). systemd loads libbpf
 * the same way, for the same reason.
 *
 * The table of resolved functions is the one process-wide state besides the
 * signal flag: the dynamic linker would have kept it too (the GOT). It is
 * written once, under pthread_once, before any forwarder can use it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "envswitch.h"
#include "libbpf-dl.h"

/* X(return type, name, parameters, arguments, value on failure) for every
 * libbpf function called here or by a skeleton; XV for those returning
 * nothing. A prototype that differs from libbpf's headers fails to build. */
#define LIBBPF_FUNCTIONS(X, XV) \
	X(int, bpf_iter_create, (int link_fd), (link_fd), -ENOSYS) \
	X(int, bpf_link__destroy, (struct bpf_link *link), (link), -ENOSYS) \
	X(int, bpf_link__fd, (const struct bpf_link *link), (link), -ENOSYS) \
	X(int, bpf_map__fd, (const struct bpf_map *map), (map), -ENOSYS) \
	X(int, bpf_map_lookup_elem, (int fd, const void *key, void *value), \
		(fd, key, value), -ENOSYS) \
	X(int, bpf_map_update_elem, (int fd, const void *key, const void *value, __u64 flags), \
		(fd, key, value, flags), -ENOSYS) \
	X(int, bpf_object__open_skeleton, \
		(struct bpf_object_skeleton *s, const struct bpf_object_open_opts *opts), \
		(s, opts), -ENOSYS) \
	X(int, bpf_object__load_skeleton, (struct bpf_object_skeleton *s), (s), -ENOSYS) \
	X(int, bpf_object__attach_skeleton, (struct bpf_object_skeleton *s), (s), -ENOSYS) \
	XV(bpf_object__destroy_skeleton, (struct bpf_object_skeleton *s), (s)) \
	X(struct bpf_link *, bpf_program__attach_iter, \
		(const struct bpf_program *prog, const struct bpf_iter_attach_opts *opts), \
		(prog, opts), NULL) \
	X(int, bpf_program__set_autoload, (struct bpf_program *prog, bool autoload), \
		(prog, autoload), -ENOSYS) \
	X(int, libbpf_num_possible_cpus, (void), (), -ENOSYS) \
	X(libbpf_print_fn_t, libbpf_set_print, (libbpf_print_fn_t fn), (fn), NULL) \
	X(struct ring_buffer *, ring_buffer__new, \
		(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, \
		 const struct ring_buffer_opts *opts), \
		(map_fd, sample_cb, ctx, opts), NULL) \
	X(int, ring_buffer__consume, (struct ring_buffer *rb), (rb), -ENOSYS) \
	X(int, ring_buffer__epoll_fd, (const struct ring_buffer *rb), (rb), -ENOSYS) \
	XV(ring_buffer__free, (struct ring_buffer *rb), (rb))

#define FIELD(ret, name, params, args, fail) ret (*name) params;
#define FIELD_V(name, params, args) void (*name) params;
struct libbpf_fns {
	LIBBPF_FUNCTIONS(FIELD, FIELD_V)
};

/* POSIX's way from dlsym's object pointer to a function pointer. */
#define RESOLVE(ret, name, params, args, fail) \
	*(void **)&fns->name = dlsym(lib, #name); \
	if (!fns->name && !missing) \
		missing = #name;
#define RESOLVE_V(name, params, args) RESOLVE(void, name, params, args, )

/* Fills fns from soname's library, kept open on success. 0 or -1 with why. */
static int resolve(const char *soname, struct libbpf_fns *fns, char *why, size_t len)
{
	const char *missing = NULL;
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		snprintf(why, len, "cannot load %s (%s)", soname, dlerror());
		return -1;
	}
	LIBBPF_FUNCTIONS(RESOLVE, RESOLVE_V)
	if (missing) {
		snprintf(why, len, "%s lacks %s", soname, missing);
		memset(fns, 0, sizeof(*fns));
		dlclose(lib);
		return -1;
	}
	return 0;
}

int libbpf_dl_probe(const char *soname, char *why, size_t len)
{
	struct libbpf_fns fns;

	return resolve(soname, &fns, why, len);
}

static struct libbpf_fns fns;
static char load_error[256];
static int load_rc;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* libbpf's log would reach stderr; tcpstat says why with -v instead. */
static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void load(void)
{
	load_rc = resolve(LIBBPF_SONAME, &fns, load_error, sizeof(load_error));
	if (load_rc == 0 && !env_switch("TCPSTAT_BPF_DEBUG"))
		fns.libbpf_set_print(silent);
}

int libbpf_dl_open(struct tcpstat_error *err)
{
	pthread_once(&load_once, load);
	if (load_rc < 0)
		return err_set(err, EOPNOTSUPP, "eBPF: %s", load_error);
	return 0;
}

/* The forwarders: libbpf's own names, so the skeletons link against them. */
#define FORWARD(ret, name, params, args, fail) \
	ret name params \
	{ \
		if (!fns.name) { \
			errno = ENOSYS; \
			return fail; \
		} \
		return fns.name args; \
	}
#define FORWARD_V(name, params, args) \
	void name params \
	{ \
		if (fns.name) \
			fns.name args; \
	}
LIBBPF_FUNCTIONS(FORWARD, FORWARD_V)
