/*
 * run.c - the listing: one backend's records, one filter, one printer.
 * Records are printed as they arrive, so memory does not grow with the
 * number of sockets; only looking up owners (-P, --pid, --program) keeps
 * the matching records, since a row needs its owners before it is printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "netlink.h"
#include "procfs.h"
#include "procs.h"
#include "run.h"

static const struct tcpstat_backend backends[] = {
	[OPTS_BACKEND_NETLINK] = { .name = "netlink", .dump = nl_dump },
	[OPTS_BACKEND_PROC] = { .name = "proc", .dump = procfs_dump },
};

struct listing {
	const struct tcpstat_opts *opts;
	FILE *out;
	unsigned long matched;
	unsigned long by_state[TCPSTAT_STATE_MAX + 1];
	uint32_t timewait_left_ms;
	bool header_done;
	bool write_failed;
	/* Matching records kept for the owner lookup. */
	struct tcpstat_sock *kept;
	size_t n_kept, cap_kept;
	bool out_of_memory;
};

/* The header goes out with the first row, so an early error leaves stdout empty. */
static void ensure_header(struct listing *l)
{
	const struct tcpstat_opts *o = l->opts;

	if (l->header_done)
		return;
	l->header_done = true;
	if (o->header && !o->count && !o->quiet && !o->json && !o->summary &&
	    print_header(l->out, &o->print) < 0)
		l->write_failed = true;
}

/*
 * One socket that passed every filter. Returns 1 to stop (-q has its
 * answer, or a write failed), else 0.
 */
static int output(struct listing *l, const struct tcpstat_sock *s,
		  const struct print_owners *owners)
{
	const struct tcpstat_opts *o = l->opts;
	int rc;

	l->matched++;
	if (s->state <= TCPSTAT_STATE_MAX)
		l->by_state[s->state]++;
	if (s->timer == TCPSTAT_TIMER_TIMEWAIT && s->timer_ms > l->timewait_left_ms)
		l->timewait_left_ms = s->timer_ms;
	if (o->quiet)
		return 1;
	if (o->summary)
		return 0;
	if (o->count)
		return 0;
	ensure_header(l);
	if (o->json)
		rc = print_json(l->out, s, o->show_owners ? owners : NULL);
	else
		rc = print_row_owned(l->out, s, &o->print, owners);
	if (rc < 0)
		l->write_failed = true;
	return l->write_failed ? 1 : 0;
}

static int keep(struct listing *l, const struct tcpstat_sock *s)
{
	if (l->n_kept == l->cap_kept) {
		size_t cap = l->cap_kept ? 2 * l->cap_kept : 256;
		struct tcpstat_sock *grown = realloc(l->kept, cap * sizeof(*grown));

		if (!grown) {
			l->out_of_memory = true;
			return 1;
		}
		l->kept = grown;
		l->cap_kept = cap;
	}
	l->kept[l->n_kept++] = *s;
	return 0;
}

static int on_sock(const struct tcpstat_sock *s, void *arg)
{
	struct listing *l = arg;
	const struct tcpstat_opts *o = l->opts;

	/* Inode 0 (TIME_WAIT, orphans) has no owner: --pid and --program never match it. */
	if (o->owners && s->inode == 0 && (o->n_pids > 0 || o->n_programs > 0))
		return 0;
	if (o->owners)
		return keep(l, s);
	return output(l, s, NULL);
}

static bool owned_as_asked(const struct tcpstat_opts *o, const struct print_owners *owners)
{
	bool pid_ok = o->n_pids == 0, program_ok = o->n_programs == 0;

	for (size_t i = 0; i < owners->n; i++) {
		const struct procs_owner *p = &owners->list[i];

		for (unsigned j = 0; j < o->n_pids && !pid_ok; j++)
			pid_ok = p->pid == o->pids[j];
		/* comm keeps 15 bytes of a name: compare no more than that. */
		for (unsigned j = 0; j < o->n_programs && !program_ok; j++)
			program_ok = strncmp(p->comm, o->programs[j], PROCS_COMM_MAX - 1) == 0;
	}
	return pid_ok && program_ok;
}

/* Looks up the kept records' owners, then filters and prints them. */
static int output_kept(struct listing *l, struct tcpstat_error *err)
{
	const struct tcpstat_opts *o = l->opts;
	struct inode_set want;
	struct procs_table table;
	int rc = inode_set_init(&want, l->n_kept);

	if (rc < 0) {
		err->errnum = -rc;
		snprintf(err->msg, sizeof(err->msg), "socket owners");
		return rc;
	}
	for (size_t i = 0; i < l->n_kept; i++)
		inode_set_add(&want, l->kept[i].inode);
	/*
	 * --pid alone needs to read only those processes; a printed owner
	 * column must name every process holding the socket.
	 */
	rc = procs_lookup("/proc", &want, o->pids, o->show_owners ? 0 : o->n_pids, &table, err);
	inode_set_free(&want);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < l->n_kept; i++) {
		struct print_owners owners;

		owners.n = procs_owners_of(&table, l->kept[i].inode, &owners.list);
		if (owned_as_asked(o, &owners) && output(l, &l->kept[i], &owners) != 0)
			break;
	}
	procs_table_free(&table);
	return 0;
}

/* What comes after the last row: the header if no row came, a count, a summary. */
static void finish_output(struct listing *l)
{
	const struct tcpstat_opts *o = l->opts;
	int rc = 0;

	ensure_header(l);
	if (o->summary)
		rc = print_summary(l->out, l->by_state, l->matched, o->json);
	else if (o->count && o->json)
		rc = fprintf(l->out, "{\"count\":%lu}\n", l->matched);
	else if (o->count)
		rc = fprintf(l->out, "%lu\n", l->matched);
	if (rc < 0)
		l->write_failed = true;
}

bool run_netlink_unavailable(int errnum)
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

/* Between a backend and the caller's emit: the one filter, and a count. */
struct filtered {
	const struct tcpstat_query *query;
	tcpstat_emit_fn *emit;
	void *arg;
	unsigned long seen;      /* records from the backend, matching or not */
};

static int on_record(const struct tcpstat_sock *s, void *arg)
{
	struct filtered *f = arg;

	f->seen++;
	return filter_match(f->query, s) ? f->emit(s, f->arg) : 0;
}

int run_dump(const struct tcpstat_opts *o, tcpstat_emit_fn *emit, void *arg,
	     struct run_result *res, struct tcpstat_error *err)
{
	struct filtered f = { .query = &o->query, .emit = emit, .arg = arg };
	enum opts_backend which = o->backend == OPTS_BACKEND_AUTO ? OPTS_BACKEND_NETLINK
								  : o->backend;
	int rc = backends[which].dump(&o->query, on_record, &f, err);

	/* Fall back only while nothing came through, or rows would repeat. */
	if (rc < 0 && o->backend == OPTS_BACKEND_AUTO && f.seen == 0 &&
	    run_netlink_unavailable(-rc)) {
		res->fell_back = true;
		res->fallback = *err;
		which = OPTS_BACKEND_PROC;
		rc = backends[which].dump(&o->query, on_record, &f, err);
	}
	res->backend = backends[which].name;
	return rc;
}

static int dump(struct listing *l, struct run_result *res, struct tcpstat_error *err)
{
	int rc = run_dump(l->opts, on_sock, l, res, err);

	if (l->out_of_memory) {
		err->errnum = ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "keeping %zu sockets for -P", l->n_kept);
		return -ENOMEM;
	}
	return rc < 0 ? rc : 0;
}

int run_list(const struct tcpstat_opts *o, FILE *out, struct run_result *res,
	     struct tcpstat_error *err)
{
	struct listing l = { .opts = o, .out = out };
	int rc;

	memset(res, 0, sizeof(*res));
	rc = dump(&l, res, err);
	if (rc == 0 && o->owners)
		rc = output_kept(&l, err);
	free(l.kept);
	res->matched = l.matched;
	memcpy(res->by_state, l.by_state, sizeof(res->by_state));
	res->timewait_left_ms = l.timewait_left_ms;
	if (rc < 0)
		return -1;
	if (!l.write_failed && !o->quiet)
		finish_output(&l);
	if (l.write_failed || fflush(out) == EOF || ferror(out)) {
		err->errnum = errno;
		snprintf(err->msg, sizeof(err->msg), "write error");
		return -1;
	}
	return 0;
}
