/*
 * dump.c - the backend table, the fallback and the one filter. Records are
 * handed on as they arrive, so memory does not grow with the number of
 * sockets; only the owner lookup keeps records (dump_owned below). Other network namespaces
 * are read one after the other (netns.c finds them); the owner lookup is
 * one walk of /proc for all of them, as socket inodes are unique across
 * namespaces (sockfs is one filesystem).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"
#include "netlink.h"
#include "owners.h"
#include "procfs.h"
#include "u64set.h"
#include "vec.h"

struct tcpstat_backend {
	const char *name;
	tcpstat_dump_fn *dump;
};

static const struct tcpstat_backend backends[] = {
	[DUMP_NETLINK] = { .name = "netlink", .dump = nl_dump },
	[DUMP_PROC] = { .name = "proc", .dump = procfs_dump },
};

bool dump_netlink_unavailable(int errnum)
{
	switch (errnum) {
	case EPERM:
	case EACCES:
	case EPROTONOSUPPORT:
	case EAFNOSUPPORT:
	case ENOENT:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

/* Between a backend and the caller: the filter, and a count. */
struct filtered {
	const struct filter *filter;
	unsigned unknown;          /* FILTER_NO_OWNERS while owners are not known */
	dump_emit_fn *emit;
	tcpstat_emit_fn *keep;     /* instead of emit, when owners come later */
	void *arg;
	unsigned long seen;        /* records from the backend, matching or not */
	uint64_t netns;            /* the namespace being read; 0: not asked for */
};

static int on_record(const struct tcpstat_sock *s, void *arg)
{
	struct filtered *f = arg;
	struct tcpstat_sock labelled;

	f->seen++;
	if (f->netns) {
		labelled = *s;
		labelled.netns = f->netns;
		s = &labelled;
	}
	if (!filter_match(f->filter, s, NULL, f->unknown))
		return 0;
	return f->keep ? f->keep(s, f->arg) : f->emit(s, NULL, f->arg);
}

/* One backend's dump; netlink asks for what req wants besides. */
static int backend_dump(const struct dump_request *req, enum dump_backend which,
			struct filtered *f, struct tcpstat_error *err)
{
	if (which == DUMP_NETLINK && req->want)
		return nl_dump_ext(req->filter, req->want, on_record, f, err);
	return backends[which].dump(req->filter, on_record, f, err);
}

/* One backend's records through the filter, with auto's fallback. */
static int run_backend(const struct dump_request *req, struct filtered *f,
		       struct dump_result *res, struct tcpstat_error *err)
{
	enum dump_backend which = req->backend == DUMP_AUTO ? DUMP_NETLINK : req->backend;
	int rc = backend_dump(req, which, f, err);

	/* Fall back only while nothing came through, or rows would repeat. */
	if (rc < 0 && req->backend == DUMP_AUTO && f->seen == 0 &&
	    dump_netlink_unavailable(-rc)) {
		res->fell_back = true;
		res->fallback = *err;
		which = DUMP_PROC;
		rc = backend_dump(req, which, f, err);
	}
	res->backend = backends[which].name;
	return rc;
}

/* ---- in other network namespaces --------------------------------------- */

static void tell(const struct dump_request *req, const struct netns_entry *ns,
		 enum dump_netns_step step, const struct tcpstat_error *why)
{
	if (req->on_netns)
		req->on_netns(ns, step, why, req->netns_arg);
}

/* From /proc/PID/net, which needs no privilege for one's own processes. */
static int run_proc_pid(const struct dump_request *req, const struct netns_entry *ns,
			struct filtered *f, struct dump_result *res, struct tcpstat_error *err)
{
	char root[PROCFS_ROOT_MAX];

	if (!netns_pid_inside(ns))
		return err_set(err, EPERM, "network namespace '%s': entering it needs "
			       "CAP_SYS_ADMIN, and no process in it has a /proc/PID/net "
			       "tcpstat may read instead", ns->label);
	snprintf(root, sizeof(root), "/proc/%u", ns->pid);
	res->backend = backends[DUMP_PROC].name;
	return procfs_dump_root(root, req->filter, on_record, f, err);
}

/*
 * A namespace not tcpstat's own: netlink, its socket made inside (fd),
 * else (auto, nothing came yet) the /proc/PID/net of a process inside.
 */
static int run_foreign(const struct dump_request *req, const struct netns_entry *ns, int fd,
		       struct filtered *f, struct dump_result *res, struct tcpstat_error *err)
{
	struct tcpstat_error why = { 0 };
	int rc;

	if (req->backend != DUMP_PROC) {
		rc = nl_dump_netns_ext(fd, req->filter, req->want, on_record, f, err);
		res->backend = backends[DUMP_NETLINK].name;
		if (rc >= 0 || req->backend == DUMP_NETLINK || f->seen > 0 ||
		    !dump_netlink_unavailable(-rc)) {
			if (rc >= 0)
				tell(req, ns, DUMP_NETNS_NETLINK, NULL);
			return rc;
		}
		why = *err;
	}
	rc = run_proc_pid(req, ns, f, res, err);
	/* It went away under us: as if it had gone before. */
	if (rc == -ENOENT && f->seen == 0 && !netns_pid_inside(ns)) {
		tell(req, ns, DUMP_NETNS_GONE, NULL);
		return 0;
	}
	if (rc >= 0)
		tell(req, ns, DUMP_NETNS_PROC, why.msg[0] ? &why : NULL);
	return rc;
}

/* One namespace of the list, its records labelled with its inode. */
static int run_one(const struct dump_request *req, const struct netns_entry *ns,
		   struct filtered *f, struct dump_result *res, struct tcpstat_error *err)
{
	int fd, rc;

	f->seen = 0;
	f->netns = ns->ino;
	tell(req, ns, DUMP_NETNS_BEGIN, NULL);
	if (ns->own) {
		rc = run_backend(req, f, res, err);
		if (rc >= 0)
			tell(req, ns, res->fell_back || req->backend == DUMP_PROC ? DUMP_NETNS_PROC
				 : DUMP_NETNS_NETLINK, res->fell_back ? &res->fallback : NULL);
		return rc;
	}
	fd = netns_open(ns);
	if (fd < 0) {
		tell(req, ns, DUMP_NETNS_GONE, NULL);
		return 0;
	}
	/* Held open, the namespace stays while it is read, even if deleted meanwhile. */
	rc = run_foreign(req, ns, fd, f, res, err);
	close(fd);
	return rc;
}

/* Prefixes err with the namespace it happened in, unless it names it already. */
static int in_netns(const struct netns_entry *ns, int rc, struct tcpstat_error *err)
{
	char msg[sizeof(err->msg)];

	if (rc >= 0 || strncmp(err->msg, "network namespace", 17) == 0)
		return rc;
	memcpy(msg, err->msg, sizeof(msg));
	err_set(err, err->errnum, "network namespace '%s': %s", ns->label, msg);
	return rc;
}

/* Every namespace req asks for, one after the other; or only tcpstat's own. */
static int run_sources(const struct dump_request *req, struct filtered *f,
		       struct dump_result *res, struct tcpstat_error *err)
{
	struct netns_list list;
	int rc;

	if (req->netns == DUMP_NETNS_OWN)
		return run_backend(req, f, res, err);
	rc = req->netns == DUMP_NETNS_ALL ? netns_list_all(&list, err)
	     : netns_list_one(&list, req->netns_spec, req->netns_pid, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < list.all.len && rc == 0; i++) {
		const struct netns_entry *ns = vec_at(&list.all, i);

		rc = in_netns(ns, run_one(req, ns, f, res, err), err);
	}
	netns_list_free(&list);
	return rc;
}

/* ---- with owners: keep, look up, judge again ---------------------------- */

struct owned {
	const struct dump_request *req;
	struct vec kept;           /* struct tcpstat_sock */
	bool out_of_memory;
};

static int keep(const struct tcpstat_sock *s, void *arg)
{
	struct owned *o = arg;

	/*
	 * A socket without an inode (TIME_WAIT, orphans) has no owner: that is
	 * known now, so judge it now, and keep it only when it matches.
	 */
	if (s->inode == 0 && !filter_match(o->req->filter, s, NULL, FILTER_KNOW_ALL))
		return 0;
	if (!vec_push(&o->kept, s)) {
		o->out_of_memory = true;
		return 1;
	}
	return 0;
}

static enum owners_source owners_source_of(enum dump_owners_source s)
{
	return s == DUMP_OWNERS_BPF ? OWNERS_BPF : s == DUMP_OWNERS_PROC ? OWNERS_PROC
									 : OWNERS_AUTO;
}

/* The kept records' owners, then the whole filter again, then emit. */
static int emit_owned(struct owned *o, dump_emit_fn *emit, void *arg,
		      struct dump_result *res, struct tcpstat_error *err)
{
	const struct tcpstat_sock *kept = o->kept.data;
	uint32_t pids[TCPSTAT_MAX_FILTERS];
	size_t n_pids = 0;
	struct owners_table table;
	struct owners_how how;
	struct u64set want;
	int rc = u64set_init(&want, o->kept.len);

	if (rc < 0)
		return err_set(err, -rc, "socket owners");
	for (size_t i = 0; i < o->kept.len; i++)
		u64set_add(&want, kept[i].inode);
	/*
	 * When every match must be held by one of a few pids and no owner is
	 * printed, only those processes need reading.
	 */
	if (!o->req->all_owners)
		n_pids = filter_required_pids(o->req->filter, pids, TCPSTAT_MAX_FILTERS);
	rc = owners_find(res->owners_fell_back ? OWNERS_PROC
			 : owners_source_of(o->req->owners_source), &want, pids, n_pids, &table,
			 &how, err);
	res->owners_from = how.source;
	if (!res->owners_fell_back) {
		res->owners_fell_back = how.fell_back;
		res->owners_why = how.why;
	}
	u64set_free(&want);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < o->kept.len && rc == 0; i++) {
		struct tcpstat_owners owners;

		owners.n = owners_of(&table, kept[i].inode, &owners.list);
		if (owners.n == 0 && kept[i].inode != 0 && table.unreadable > 0)
			res->owners_hidden++;
		if (filter_match(o->req->filter, &kept[i], &owners, FILTER_KNOW_ALL))
			rc = emit(&kept[i], &owners, arg);
	}
	owners_table_free(&table);
	return rc;
}

/*
 * The owners first, then the dump streamed: one pass of the iterator
 * costs the same whichever sockets match, so with eBPF nothing is kept
 * (352 bytes a matching record, most of -P's page faults at 500k); the
 * table holds every TCP socket fd (32 bytes each) instead.
 */
struct streamed {
	const struct dump_request *req;
	const struct owners_table *table;
	dump_emit_fn *emit;
	void *arg;
};

static int stream_one(const struct tcpstat_sock *s, void *arg)
{
	struct streamed *st = arg;
	struct tcpstat_owners owners;

	owners.n = owners_of(st->table, s->inode, &owners.list);
	if (!filter_match(st->req->filter, s, &owners, FILTER_KNOW_ALL))
		return 0;
	return st->emit(s, &owners, st->arg);
}

/*
 * The iterator's owners, then the stream. *later is set when the
 * iterator cannot run under auto (owners_why says why): the caller walks
 * /proc after the dump. It is an out flag, not a return value, because
 * the stream passes on emit's 1 (stop: -q, --top, a closed pipe), which
 * must not start a second dump.
 */
static int dump_owners_first(const struct dump_request *req, dump_emit_fn *emit, void *arg,
			     struct dump_result *res, struct tcpstat_error *err, bool *later)
{
	uint32_t pids[TCPSTAT_MAX_FILTERS];
	size_t n_pids = 0;
	struct owners_table table;
	struct streamed st = { .req = req, .table = &table, .emit = emit, .arg = arg };
	struct filtered f = { .filter = req->filter, .unknown = FILTER_NO_OWNERS,
			      .keep = stream_one, .arg = &st };
	int rc;

	*later = true;
	if (!req->all_owners)
		n_pids = filter_required_pids(req->filter, pids, TCPSTAT_MAX_FILTERS);
	/* Auto reads a few named processes from /proc (owners_find says why). */
	if (req->owners_source == DUMP_OWNERS_PROC ||
	    (req->owners_source != DUMP_OWNERS_BPF && n_pids > 0))
		return 0;
	rc = owners_iter_lookup(NULL, pids, n_pids, &table, &res->owners_why);
	if (rc < 0 && req->owners_source == DUMP_OWNERS_BPF) {
		*err = res->owners_why;
		return rc;
	}
	if (rc < 0) {
		res->owners_fell_back = true;
		return 0;
	}
	*later = false;
	res->owners_from = "bpf";
	rc = run_sources(req, &f, res, err);
	owners_table_free(&table);
	return rc;
}

static int dump_owned(const struct dump_request *req, dump_emit_fn *emit, void *arg,
		      struct dump_result *res, struct tcpstat_error *err)
{
	struct owned o = { .req = req };
	struct filtered f = { .filter = req->filter, .unknown = FILTER_NO_OWNERS,
			      .keep = keep, .arg = &o };
	bool later;
	int rc = dump_owners_first(req, emit, arg, res, err, &later);

	if (rc != 0 || !later)
		return rc;
	vec_init(&o.kept, sizeof(struct tcpstat_sock), 0);
	rc = run_sources(req, &f, res, err);
	if (o.out_of_memory)
		rc = err_set(err, ENOMEM, "keeping %zu sockets for -P", o.kept.len);
	else if (rc == 0)
		rc = emit_owned(&o, emit, arg, res, err);
	vec_free(&o.kept);
	return rc;
}

/* ---- the stream --------------------------------------------------------- */

int dump_run(const struct dump_request *req, dump_emit_fn *emit, void *arg,
	     struct dump_result *res, struct tcpstat_error *err)
{
	struct filtered f = { .filter = req->filter, .emit = emit, .arg = arg };

	memset(res, 0, sizeof(*res));
	if (req->owners_later) {
		f.unknown = FILTER_NO_OWNERS;
		return run_sources(req, &f, res, err);
	}
	if (req->owners || filter_needs_owners(req->filter))
		return dump_owned(req, emit, arg, res, err);
	return run_sources(req, &f, res, err);
}
