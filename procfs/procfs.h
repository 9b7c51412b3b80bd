/*
 * procfs.h - the /proc/net/tcp and /proc/net/tcp6 backend, for when
 * netlink is not available. It fills the same records; it filters nothing
 * (dump/ runs filter/ on every record, for both backends).
 */
#ifndef TCPSTAT_PROCFS_H
#define TCPSTAT_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "tcpstat.h"

/* The fields of a /proc/net/tcp line, numbered as they stand. */
enum procfs_field {
	PROCFS_FIELD_SL = 1,
	PROCFS_FIELD_LOCAL,
	PROCFS_FIELD_REMOTE,
	PROCFS_FIELD_ST,
	PROCFS_FIELD_QUEUES,
	PROCFS_FIELD_TIMER,
	PROCFS_FIELD_RETRNSMT,
	PROCFS_FIELD_UID,
	PROCFS_FIELD_TIMEOUT,
	PROCFS_FIELD_INODE,
};

/*
 * Parses one line (len bytes, without its '\n') of /proc/net/tcp (family
 * AF_INET) or tcp6 (AF_INET6) into out; hz is the clock tick of the
 * tm->when column (sysconf(_SC_CLK_TCK)). Returns 0, or the number of the
 * first field that is missing or malformed (enum procfs_field). Never
 * prints.
 */
int procfs_parse_line(const char *line, size_t len, int family, long hz,
		      struct tcpstat_sock *out);

/* The name of a field as the file's header gives it ("st", "inode" ...). */
const char *procfs_field_name(int field);

/*
 * Reads a whole /proc/net/tcp-format file from fd (name is used in error
 * messages) and calls emit for each socket. Returns as tcpstat_dump_fn
 * says; a malformed or truncated line is an error (-EBADMSG) naming the
 * file, the line and the field.
 */
int procfs_dump_fd(int fd, const char *name, int family, long hz,
		   tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err);

/*
 * A source of file bytes: up to cap bytes into dst; returns how many, 0 at
 * the end, or -errno.
 */
typedef ssize_t procfs_fill_fn(void *ctx, char *dst, size_t cap);

/* As procfs_dump_fd, the bytes from fill (procfs_dump_fd is a read() fill). */
int procfs_dump_from(procfs_fill_fn *fill, void *ctx, const char *name, int family, long hz,
		     tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err);

/*
 * The size of one read() of a file, and of the line buffer. The kernel
 * hands out one page of lines per read of /proc/net/tcp whatever is asked
 * (6.18: 4050 bytes, 27 lines), so a larger read saves nothing (measured,
 * bench/RESULTS.md "Issue 19 goal 4").
 */
#define PROCFS_READ_SIZE 65536

struct filter;

/* The backend: /proc/net/tcp and/or /proc/net/tcp6, the families f may match. */
int procfs_dump(const struct filter *f, tcpstat_emit_fn *emit, void *arg,
		struct tcpstat_error *err);

/* The longest root procfs_dump_root takes ("/proc/4194304" is 13). */
#define PROCFS_ROOT_MAX 64

/*
 * As procfs_dump, from ROOT/net/tcp and ROOT/net/tcp6: "/proc" for
 * tcpstat's own network namespace, "/proc/PID" for the one process PID is
 * in (readable without privilege for one's own processes).
 */
int procfs_dump_root(const char *root, const struct filter *f, tcpstat_emit_fn *emit,
		     void *arg, struct tcpstat_error *err);

#endif
