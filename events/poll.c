/*
 * poll.c - the polling source of -E: each interval a snapshot of the
 * matching sockets, diffed with the one before (snapshot.c). A socket
 * that lives and dies between two polls is invisible to that, unless the
 * kernel reports its destruction (the sock_diag destroy groups).
 *
 * With owners (-P, --pid, --program), a poll's records are held until the
 * owners of the new ones (those with an inode not seen before) are found
 * in one walk of /proc, and the others' are carried from the poll before
 * (owned.c): a socket's owners stay with it after its descriptor is gone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "clock.h"
#include "netlink.h"
#include "owned.h"
#include "owners.h"
#include "source.h"
#include "u64set.h"
#include "vec.h"

/* Destroy reports kept between two polls; past this they are counted as lost. */
#define MAX_PENDING 65536

/* A destroy report waiting for the next poll to be judged. */
struct pending {
	struct events_key key;
	uint8_t state;
	char stamp[32];
	char timestamp[48];
};

struct poller {
	struct events_config cfg;
	struct snapshot sn;
	struct mnl_socket *reports;
	struct vec pending;         /* struct pending */
	uint64_t next_ms;           /* when the next poll is due */
	char stamp[32];             /* the poll's wall time, "13:02:11.204" */
	char timestamp[48];         /* the same, RFC 3339, for -j */
	events_emit_fn *emit;       /* for the current poll */
	void *arg;
	unsigned long lost;
	/* With owners (cfg.owners): */
	struct vec held;            /* struct tcpstat_sock: this poll's records */
	struct owned_table owned, owned_prev;   /* this poll's owners, the last one's */
	const struct tcpstat_owners *now;       /* the record being added's */
};

static int poll_open(void **state, const struct events_config *cfg, struct events_status *st,
		     struct tcpstat_error *err)
{
	struct poller *p = calloc(1, sizeof(*p));
	const struct filter *f = cfg->dump->filter;

	memset(st, 0, sizeof(*st));
	if (!p || snapshot_init(&p->sn) < 0) {
		free(p);
		return err_set(err, ENOMEM, "events table");
	}
	p->sn.timestamp = p->timestamp;
	p->cfg = *cfg;
	vec_init(&p->pending, sizeof(struct pending), MAX_PENDING);
	vec_init(&p->held, sizeof(struct tcpstat_sock), 0);
	/* The destroy reports come from tcpstat's own namespace only, unlabelled. */
	if (cfg->dump->netns != DUMP_NETNS_OWN)
		err_set(&st->why_not, EOPNOTSUPP, "not heard from other network namespaces");
	else
		p->reports = nl_reports_open(filter_may_family(f, AF_INET),
					     filter_may_family(f, AF_INET6), &st->why_not);
	st->destroy_groups = p->reports != NULL;
	p->next_ms = clock_now_ms();
	*state = p;
	return 0;
}

static void poll_close(void *state, struct events_status *st)
{
	struct poller *p = state;

	st->lost = p->lost;
	snapshot_free(&p->sn);
	vec_free(&p->pending);
	vec_free(&p->held);
	owned_free(&p->owned);
	owned_free(&p->owned_prev);
	nl_reports_close(p->reports);
	free(p);
}

static int on_snapshot(const struct tcpstat_sock *s, const struct tcpstat_owners *owners,
		       void *arg)
{
	struct poller *p = arg;

	(void)owners;
	return snapshot_add(&p->sn, s, p->emit, p->arg);
}

/*
 * A reset by SO_LINGER 0 disconnects the socket before it is destroyed, so
 * its report comes with the local address and the peer's port cleared
 * (0.0.0.0:50178 to 127.0.0.1:*). Where the last poll saw that socket, its
 * cookie gives the endpoints back, so the filters judge the real ones (and
 * the poll's "gone" tells it, not a second line). A socket no poll saw
 * keeps what the kernel sent.
 */
static void recover_endpoints(const struct poller *p, struct tcpstat_sock *s)
{
	struct events_key key;

	if (!(s->present & TCPSTAT_HAS_KERNEL_ID) ||
	    !snapshot_key_of_cookie(&p->sn, s->cookie, &key))
		return;
	s->netns = key.netns;
	s->family = key.family;
	s->local_port = key.local_port;
	s->peer_port = key.peer_port;
	memcpy(s->local_addr, key.local_addr, 16);
	memcpy(s->peer_addr, key.peer_addr, 16);
}

/*
 * Destroy reports, kept until the next poll says whether they matter. The
 * kernel reports a destroyed socket as CLOSE: judge all but the state.
 */
static int on_report(const struct tcpstat_sock *report, void *arg)
{
	struct poller *p = arg;
	struct tcpstat_sock s = *report;
	struct pending item = { .state = report->state };
	static const struct tcpstat_owners none = { NULL, 0 };
	bool judged;

	recover_endpoints(p, &s);
	/* With owners carried, a socket never seen had none that tcpstat knows. */
	judged = p->cfg.owners ? filter_match(p->cfg.dump->filter, &s, &none, FILTER_NO_STATE)
		 : filter_match(p->cfg.dump->filter, &s, NULL, FILTER_NO_STATE | FILTER_NO_OWNERS);
	if (!judged)
		return 0;
	events_key_of(&s, &item.key);
	clock_wall(item.stamp, sizeof(item.stamp), false);
	clock_rfc3339(clock_wall_us(), item.timestamp, sizeof(item.timestamp));
	if (!vec_push(&p->pending, &item))
		p->lost++;
	return 0;
}

/*
 * A destroy report for a socket neither poll saw tells of a socket that
 * came and went between them (a reported socket still listed, say a
 * connection now in TIME_WAIT, is not gone).
 */
static int report_unseen(struct poller *p)
{
	int rc = 0;

	for (size_t i = 0; i < p->pending.len && rc == 0; i++) {
		const struct pending *q = vec_at(&p->pending, i);
		struct tcpstat_sock s;
		struct out_event e = { OUT_EVENT_GONE_UNSEEN, q->stamp, &s, 0, 0, NULL, NULL, NULL, NULL, false, false, 0 };

		e.timestamp = q->timestamp;

		if (snapshot_knows(&p->sn, &q->key))
			continue;
		events_sock_of(&q->key, q->state, &s);
		rc = p->emit(&e, p->arg);
	}
	vec_clear(&p->pending);
	return rc;
}

/* ---- with owners -------------------------------------------------------- */

static int hold(const struct tcpstat_sock *s, const struct tcpstat_owners *owners, void *arg)
{
	struct poller *p = arg;

	(void)owners;
	return vec_push(&p->held, s) ? 0 : -ENOMEM;
}

/* Each event with its socket's owners: the record's being added, or a gone one's last. */
static int emit_owned(const struct out_event *e, void *arg)
{
	struct poller *p = arg;
	struct out_event with = *e;
	struct tcpstat_owners o = { NULL, 0 };
	struct events_key key;
	const struct owned_entry *was;

	if (e->kind == OUT_EVENT_NEW || e->kind == OUT_EVENT_CHANGE) {
		if (p->now)
			o = *p->now;
	} else {
		events_key_of(e->s, &key);
		was = owned_find(&p->owned_prev, &key);
		if (was)
			o = (struct tcpstat_owners){ was->list, was->n };
	}
	with.owners = &o;
	return p->emit(&with, p->arg);
}

/* Whether s needs its owners looked up: an inode the poll before did not know it by. */
static bool is_new(const struct poller *p, const struct tcpstat_sock *s)
{
	struct events_key key;
	const struct owned_entry *was;

	if (s->inode == 0)
		return false;
	events_key_of(s, &key);
	was = owned_find(&p->owned_prev, &key);
	return !was || was->inode != s->inode;
}

/* One walk of /proc for the new records' owners (none when there are none). */
static int look_owners_up(struct poller *p, struct owners_table *t, struct tcpstat_error *err)
{
	const struct tcpstat_sock *held = p->held.data;
	uint32_t pids[TCPSTAT_MAX_FILTERS];
	size_t n_pids = 0, n_new = 0;
	struct u64set want;
	int rc = u64set_init(&want, p->held.len);

	vec_init(&t->all, sizeof(struct tcpstat_owner), 0);
	t->unreadable = 0;
	if (rc < 0)
		return err_set(err, -rc, "socket owners");
	for (size_t i = 0; i < p->held.len; i++)
		if (is_new(p, &held[i]) && u64set_add(&want, held[i].inode) == 0)
			n_new++;
	/* Owners not shown, only judged (--pid): only those processes are read. */
	if (!p->cfg.dump->all_owners)
		n_pids = filter_required_pids(p->cfg.dump->filter, pids, TCPSTAT_MAX_FILTERS);
	rc = n_new > 0 ? owners_lookup("/proc", &want, pids, n_pids, t, err) : 0;
	u64set_free(&want);
	return rc;
}

/* The held records with their owners, new or carried, into the snapshot. */
static int add_owned(struct poller *p, const struct owners_table *t)
{
	const struct tcpstat_sock *held = p->held.data;
	int rc = 0;

	for (size_t i = 0; i < p->held.len && rc == 0; i++) {
		struct events_key key;
		const struct owned_entry *was;
		const struct tcpstat_owner *first;
		struct owned_entry *e;
		struct tcpstat_owners o;

		events_key_of(&held[i], &key);
		was = owned_find(&p->owned_prev, &key);
		e = owned_add(&p->owned, &key);
		if (is_new(p, &held[i]))
			owned_set(e, held[i].inode, first, owners_of(t, held[i].inode, &first));
		else if (was)
			*e = *was;
		o = (struct tcpstat_owners){ e->list, e->n };
		if (!filter_match(p->cfg.dump->filter, &held[i], &o, FILTER_KNOW_ALL))
			continue;
		p->now = &o;
		rc = snapshot_add(&p->sn, &held[i], emit_owned, p);
		p->now = NULL;
	}
	return rc;
}

/* The poll's dump, held; its owners; then the snapshot fed as without them. */
static int dump_owned(struct poller *p, struct dump_result *res, struct tcpstat_error *err)
{
	struct dump_request req = *p->cfg.dump;
	struct owners_table t;
	int rc;

	req.owners = false;
	req.owners_later = true;
	vec_clear(&p->held);
	rc = dump_run(&req, hold, p, res, err);
	if (rc != 0)
		return rc;
	owned_free(&p->owned);
	if (owned_init(&p->owned, p->held.len) < 0)
		return -ENOMEM;
	rc = look_owners_up(p, &t, err);
	if (rc == 0)
		rc = add_owned(p, &t);
	owners_table_free(&t);
	return rc;
}

static int poll_once(struct poller *p, struct tcpstat_error *err)
{
	struct dump_result res;
	bool first = p->sn.first;
	bool owned = p->cfg.owners;
	int rc;

	clock_wall(p->stamp, sizeof(p->stamp), false);
	clock_rfc3339(clock_wall_us(), p->timestamp, sizeof(p->timestamp));
	if (snapshot_begin(&p->sn, clock_now_ms(), p->stamp) < 0)
		return err_set(err, ENOMEM, "events table");
	rc = owned ? dump_owned(p, &res, err) : dump_run(p->cfg.dump, on_snapshot, p, &res, err);
	if (rc == -ENOMEM)
		return err_set(err, ENOMEM, "events table");
	if (rc != 0)
		return rc;
	rc = snapshot_gone(&p->sn, owned ? emit_owned : p->emit, owned ? (void *)p : p->arg);
	if (rc == 0 && !first)
		rc = report_unseen(p);
	vec_clear(&p->pending);
	snapshot_next(&p->sn);
	if (owned) {
		/* This poll's owners become the last poll's. */
		owned_free(&p->owned_prev);
		p->owned_prev = p->owned;
		p->owned.slots = NULL;
	}
	return rc;
}

/* Until the next poll is due: sleep, or read destroy reports as they come. */
static bool wait_reading(struct poller *p, struct tcpstat_error *err)
{
	const volatile sig_atomic_t *stop = p->cfg.stop;

	if (!p->reports)
		return clock_sleep_until(p->next_ms, stop);
	while (!*stop) {
		struct pollfd pfd = { .fd = nl_reports_fd(p->reports), .events = POLLIN };

		if (clock_now_ms() >= p->next_ms)
			return true;
		if (clock_ppoll(&pfd, 1, p->next_ms, stop) > 0 &&
		    nl_reports_read(p->reports, on_report, p, err) < 0)
			p->lost++;
	}
	return false;
}

static int poll_step(void *state, events_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct poller *p = state;
	int rc;

	p->emit = emit;
	p->arg = arg;
	rc = poll_once(p, err);
	if (rc != 0)
		return rc;
	p->next_ms += p->cfg.interval_ms;
	/* Late (a slow dump): start afresh rather than poll in a burst. */
	if (p->next_ms < clock_now_ms())
		p->next_ms = clock_now_ms() + p->cfg.interval_ms;
	if (wait_reading(p, err))
		return 0;
	/* Stopped: one last poll, so no destroy report waits in vain. */
	if (p->pending.len > 0 && (rc = poll_once(p, err)) != 0)
		return rc;
	return 1;
}

const struct events_source events_poll_source = {
	.name = "poll",
	.open = poll_open,
	.step = poll_step,
	.close = poll_close,
};
