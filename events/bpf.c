/*
 * bpf.c - the eBPF source of -E: the kernel's tracepoint
 * sock:inet_sock_set_state (tcpstates.bpf.c) reports every change of
 * every TCP socket of tcpstat's network namespace that the filter may
 * match, in the kernel's order, through a ring buffer.
 *
 * The tracepoint is silent for TIME_WAIT minisockets: a closing socket
 * reports OLD -> CLOSE when the minisocket replaces it, and nothing when
 * that expires. The minisocket's own timer tells instead (twtrack.c): the
 * kernel half also hears the timer tracepoints (timer:timer_start,
 * timer_cancel, timer_expire_entry) of the TIME_WAIT timers, whose handler
 * it knows by the address /proc/kallsyms gives. Armed just before its
 * socket's OLD -> CLOSE, that change is told as -> TIME_WAIT; its expiry
 * and its kill (a RST, reuse) are told as gone, when the kernel made them.
 * A FIN_WAIT2 minisocket's change to TIME_WAIT may move its timer without
 * an event (the timer wheel keeps a timer in its slot), so it is looked up
 * (netlink's exact lookup, no dump) every FIN_WAIT2_RECHECK_MS.
 *
 * Where that handler's address cannot be read (kptr_restrict), every
 * change from FIN_WAIT1, FIN_WAIT2 or CLOSING to CLOSE is looked up by its
 * endpoints instead; found, it is told as -> TIME_WAIT, and the minisocket
 * is looked up again when its own timer says it expires. A minisocket
 * killed before that first lookup is then told as a CLOSE.
 *
 * Owners (-P, --pid, --program) are kept by the kernel half, by socket
 * cookie: the connecting task at CLOSE -> SYN_SENT, the accepting one at
 * accept()'s return, and, for sockets older than tcpstat, the
 * first holder one walk of /proc finds at start. Each change carries its
 * socket's; a minisocket followed here keeps the one its socket had.
 *
 * Other namespaces (-N, --netns-pid, --all-netns): the kernel half keeps
 * the one asked for (or all), each event carries its namespace's inode,
 * and TIME_WAIT's lookups are made there (a netlink socket made inside).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfconf.h"
#include "clock.h"
#include "envswitch.h"
#include "libbpf-dl.h"
#include "netns.h"
#include "netlink.h"
#include "source.h"
#include "tcpstates.skel.h"
#include "twtrack.h"
#include "vec.h"

/*
 * Minisockets followed at once (twice tcp_max_tw_buckets' default with a
 * 262144-bucket hash; about 100 bytes each); past this their changes are
 * counted as lost.
 */
#define MAX_MINISOCKS 262144
/* A minisocket still in FIN_WAIT2 (the peer's FIN not yet in) is looked at this often. */
#define FIN_WAIT2_RECHECK_MS 10
/*
 * A TIME_WAIT whose timer reads 0 but is still there: the kernel's timer
 * wheel fires up to one slot (4.096 s at 60 s) late. Look every 10 ms,
 * not every millisecond, until it is gone.
 */
#define TIME_WAIT_OVERDUE_MS 10
/* The longest wait for the ring buffer, so the minisockets' deadlines are kept. */
#define WAIT_MAX_MS 1000
/* --all-netns: an event from a namespace not listed yet lists them again, at most this often. */
#define RELIST_MS 1000

/* A TIME_WAIT (or FIN_WAIT2) minisocket being followed. */
struct minisock {
	struct tcpstat_sock s;      /* its endpoints and state */
	uint64_t since_us;          /* monotonic: when it entered that state */
	uint64_t due_ms;            /* monotonic: when to look at it again */
	struct tcpstat_owner owner; /* its socket's owner; pid 0: none known */
	uint64_t cookie;            /* with tw_timers: its entry in tw */
};

/* A namespace's descriptor, kept for the lookups made there (-1: tcpstat's own). */
struct nsfd {
	uint64_t ino;
	int fd;
};

struct bpfsrc {
	struct events_config cfg;
	struct tcpstates *skel;
	struct ring_buffer *rb;
	int64_t wall_minus_mono_us; /* turns the kernel's monotonic time into wall time */
	struct vec minisocks;       /* struct minisock: those looked up by netlink */
	bool tw_timers;             /* minisockets followed by their timer's events */
	struct twt tw;              /* those, with tw_timers */
	events_emit_fn *emit;       /* for the current step */
	void *arg;
	int rc;                     /* what stopped the ring buffer's callback */
	struct tcpstat_error *err;
	unsigned long lost;         /* changes dropped here (minisocks full, namespace gone) */
	bool kernel_filter;
	bool owners;                /* owners carried (cfg->owners) */
	bool netns_asked;           /* -N, --netns-pid, --all-netns: records carry their netns */
	struct netns_list netns;    /* the namespaces watched, as last listed */
	struct vec nsfds;           /* struct nsfd */
	uint64_t relist_ms;         /* --all-netns: when the namespaces may be listed again */
};

static uint64_t now_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Why the program could not be loaded (EACCES: the verifier refused it). */
static int load_error(struct tcpstat_error *err, int errnum, const char *step)
{
	if (errnum == EPERM)
		return err_set(err, errnum, "eBPF: %s (needs root, or CAP_BPF and CAP_PERFMON)",
			       step);
	return err_set(err, errnum, "eBPF: %s", step);
}

static int on_ring(void *ctx, void *data, size_t size);

/* Tells the mode of each namespace listed (for its label), as a dump would. */
static void tell_netns(const struct bpfsrc *b, const struct netns_list *l)
{
	const struct dump_request *req = b->cfg.dump;

	for (size_t i = 0; req->on_netns && i < l->all.len; i++)
		req->on_netns(vec_at(&l->all, i), DUMP_NETNS_BEGIN, NULL, req->netns_arg);
}

/*
 * The namespace the kernel half keeps to, in *ino: tcpstat's own, -N's or
 * --netns-pid's, or 0 for all (--all-netns). Returns 0 or a negative errno.
 */
static int watched_netns(struct bpfsrc *b, uint64_t *ino, struct tcpstat_error *err)
{
	const struct dump_request *req = b->cfg.dump;
	struct stat ns;
	int rc;

	if (req->netns == DUMP_NETNS_OWN) {
		if (stat("/proc/self/ns/net", &ns) != 0)
			return err_set(err, errno, "eBPF: /proc/self/ns/net");
		*ino = (uint64_t)ns.st_ino;
		return 0;
	}
	b->netns_asked = true;
	rc = req->netns == DUMP_NETNS_ALL ? netns_list_all(&b->netns, err)
	     : netns_list_one(&b->netns, req->netns_spec, req->netns_pid, err);
	if (rc < 0)
		return rc;
	*ino = req->netns == DUMP_NETNS_ALL ? 0 : ((struct netns_entry *)b->netns.all.data)->ino;
	tell_netns(b, &b->netns);
	return 0;
}

static int on_start_owner(const struct tcpstat_sock *s, const struct tcpstat_owners *o,
			  void *arg)
{
	const struct bpfsrc *b = arg;
	struct tcps_owner k = { 0 };

	if (!o || o->n == 0 || !(s->present & TCPSTAT_HAS_KERNEL_ID) || s->cookie == 0)
		return 0;
	k.pid = o->list[0].pid;
	memcpy(k.comm, o->list[0].comm, sizeof(k.comm));
	/* NOEXIST: an owner the kernel half has just set is newer than /proc's. */
	bpf_map_update_elem(bpf_map__fd(b->skel->maps.owners), &s->cookie, &k, BPF_NOEXIST);
	return 0;
}

/*
 * The owners of the sockets older than tcpstat, from one dump (netlink's,
 * for the cookie) and one walk of /proc, after the program is attached so
 * no socket falls between. Every socket, not the filter's: one that does
 * not match now may match in a later state.
 */
static int owners_at_start(struct bpfsrc *b, struct tcpstat_error *err)
{
	struct dump_request req = *b->cfg.dump;
	struct dump_result res;
	struct filter all;

	filter_init(&all);
	req.filter = &all;
	req.backend = DUMP_NETLINK;
	req.owners = true;
	req.all_owners = true;
	req.want = 0;
	return dump_run(&req, on_start_owner, b, &res, err);
}

static int on_start_tw(const struct tcpstat_sock *s, const struct tcpstat_owners *o, void *arg)
{
	struct bpfsrc *b = arg;
	struct events_key key;
	struct tcpstat_sock clean;
	uint64_t since_ms;

	(void)o;
	if (!(s->present & TCPSTAT_HAS_KERNEL_ID) ||
	    !filter_match(b->cfg.dump->filter, s, NULL, FILTER_NO_OWNERS) ||
	    !events_state_since(s, clock_now_ms(), &since_ms))
		return 0;
	/* Only what a timer event would give: no ifindex, no timer, as record_of makes it. */
	events_key_of(s, &key);
	events_sock_of(&key, s->state, &clean);
	if (twt_prefill(&b->tw, s->cookie, &clean, since_ms * 1000) == TWT_LOST)
		b->lost++;
	return 0;
}

/*
 * The TIME_WAITs older than tcpstat, from one netlink dump after the
 * program is attached, so their end can say how long they lasted (60 s
 * minus what their timer had left). Only those the filter may match: the
 * others' timer events do not come to remove them. Where the dump fails
 * they are told without a time, as before.
 */
static void tw_at_start(struct bpfsrc *b)
{
	struct dump_request req = *b->cfg.dump;
	struct dump_result res;
	struct tcpstat_error ignored;
	struct filter tw;

	filter_init(&tw);
	if (filter_require(&tw, filter_leaf_states(&tw, 1u << TCPSTAT_TIME_WAIT)) < 0)
		return;
	req.filter = &tw;
	req.backend = DUMP_NETLINK;
	req.owners = false;
	req.owners_later = true;
	req.want = 0;
	dump_run(&req, on_start_tw, b, &res, &ignored);
}

/*
 * The address of the kernel's TIME_WAIT timer handler, from /proc/kallsyms;
 * 0 where it is hidden (kptr_restrict shows zeros) or not there, or with
 * TCPSTAT_BPF_TW_LOOKUP on (internal: tests of the lookup path).
 */
static uint64_t tw_timer_fn(void)
{
	char line[256], name[128], type;
	unsigned long long addr = 0, a;
	FILE *f;

	if (env_switch("TCPSTAT_BPF_TW_LOOKUP") || !(f = fopen("/proc/kallsyms", "re")))
		return 0;
	while (addr == 0 && fgets(line, sizeof(line), f))
		if (strstr(line, " tw_timer_handler") &&
		    sscanf(line, "%llx %c %127s", &a, &type, name) == 3 &&
		    strcmp(name, "tw_timer_handler") == 0)
			addr = a;
	fclose(f);
	return addr;
}

/* The timer programs only where the handler is known. */
static void want_timers(struct tcpstates *skel, bool on)
{
	bpf_program__set_autoload(skel->progs.on_timer_start, on);
	bpf_program__set_autoload(skel->progs.on_timer_cancel, on);
	bpf_program__set_autoload(skel->progs.on_timer_expire, on);
}

static int load(struct bpfsrc *b, struct tcpstat_error *err)
{
	struct tcps_config kc;
	uint64_t ino = 0;
	int rc;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return err_set(err, errno, "eBPF: no kernel BTF (/sys/kernel/btf/vmlinux)");
	rc = libbpf_dl_open(err);
	if (rc < 0)
		return rc;
	rc = watched_netns(b, &ino, err);
	if (rc < 0)
		return rc;
	b->skel = tcpstates__open();
	if (!b->skel)
		return load_error(err, errno, "open");
	b->kernel_filter = bpfconf_build(b->cfg.dump->filter, ino, &kc);
	kc.owners = b->owners;
	kc.tw_timer_fn = tw_timer_fn();
	b->tw_timers = kc.tw_timer_fn != 0;
	want_timers(b->skel, b->tw_timers);
	memcpy((void *)&b->skel->rodata->cfg, &kc, sizeof(kc));
	/* The accept hook (on every system call's return) only where owners are kept. */
	bpf_program__set_autoload(b->skel->progs.on_accept, b->owners);
	if (tcpstates__load(b->skel) != 0)
		return load_error(err, errno, "load");
	if (tcpstates__attach(b->skel) != 0)
		return load_error(err, errno, "attach to its tracepoints");
	if (b->owners && (rc = owners_at_start(b, err)) < 0)
		return rc;
	if (b->tw_timers)
		tw_at_start(b);
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_ring, b, NULL);
	if (!b->rb)
		return load_error(err, errno, "ring buffer");
	return 0;
}

static void bpf_close(void *state, struct events_status *st)
{
	struct bpfsrc *b = state;
	int cpus = libbpf_num_possible_cpus();
	unsigned n_cpus = cpus > 0 ? (unsigned)cpus : 0;
	uint64_t *vals = n_cpus ? calloc(n_cpus, sizeof(*vals)) : NULL;

	st->lost = b->lost;
	st->kernel_filter = b->kernel_filter;
	st->tw_timers = b->tw_timers;
	for (uint32_t k = 0; vals && b->skel && k < TCPS_N_COUNTERS; k++) {
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.counters), &k, vals) != 0)
			continue;
		for (unsigned c = 0; c < n_cpus; c++)
			sum += vals[c];
		if (k == TCPS_SENT)
			st->sent = sum;
		else if (k == TCPS_LOST)
			st->lost += sum;
		else
			st->filtered = sum;
	}
	free(vals);
	ring_buffer__free(b->rb);
	tcpstates__destroy(b->skel);
	vec_free(&b->minisocks);
	twt_free(&b->tw);
	for (size_t i = 0; i < b->nsfds.len; i++) {
		const struct nsfd *n = vec_at(&b->nsfds, i);

		if (n->fd >= 0)
			close(n->fd);
	}
	vec_free(&b->nsfds);
	netns_list_free(&b->netns);
	free(b);
}

static int bpf_open(void **state, const struct events_config *cfg, struct events_status *st,
		    struct tcpstat_error *err)
{
	struct bpfsrc *b = calloc(1, sizeof(*b));
	int rc;

	memset(st, 0, sizeof(*st));
	if (!b)
		return err_set(err, ENOMEM, "events");
	b->cfg = *cfg;
	b->owners = cfg->owners;
	vec_init(&b->minisocks, sizeof(struct minisock), MAX_MINISOCKS);
	if (twt_init(&b->tw, MAX_MINISOCKS) < 0) {
		free(b);
		return err_set(err, ENOMEM, "events");
	}
	vec_init(&b->nsfds, sizeof(struct nsfd), 0);
	vec_init(&b->netns.all, sizeof(struct netns_entry), 0);
	b->wall_minus_mono_us = (int64_t)(now_us(CLOCK_REALTIME) - now_us(CLOCK_MONOTONIC));
	rc = load(b, err);
	if (rc < 0) {
		bpf_close(b, st);
		memset(st, 0, sizeof(*st));
		return rc;
	}
	*state = b;
	return 0;
}

/* "13:02:11.204117": local time to the microsecond. */
static void stamp_of(uint64_t wall_us, char *buf, size_t size)
{
	time_t sec = (time_t)(wall_us / 1000000u);
	struct tm tm;

	localtime_r(&sec, &tm);
	snprintf(buf, size, "%02d:%02d:%02d.%06u", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(wall_us % 1000000u));
}

/*
 * Emits one event at monotonic time mono_us, with the socket's owner (pid
 * 0: none known), if it passes the filter: --pid and --program judge the
 * owner carried, so a socket's TIME_WAIT is its owner's.
 */
static int emit_at(struct bpfsrc *b, struct out_event *e, uint64_t mono_us,
		   struct out_event_detail *d, const struct tcpstat_owner *owner)
{
	char stamp[32], when[48];
	struct tcpstat_sock old = *e->s;
	struct tcpstat_owners owners = { owner, owner->pid != 0 };
	const struct tcpstat_owners *known = b->owners ? &owners : NULL;
	unsigned unknown = b->owners ? FILTER_KNOW_ALL : FILTER_NO_OWNERS;
	bool match = filter_match(b->cfg.dump->filter, e->s, known, unknown);

	old.state = e->old_state;
	if (!match && e->kind == OUT_EVENT_CHANGE)
		match = filter_match(b->cfg.dump->filter, &old, known, unknown);
	if (!match)
		return 0;
	d->time_us = mono_us + (uint64_t)b->wall_minus_mono_us;
	stamp_of(d->time_us, stamp, sizeof(stamp));
	e->stamp = stamp;
	clock_rfc3339(d->time_us, when, sizeof(when));
	e->timestamp = when;
	e->detail = d;
	e->owners = known;
	return b->emit(e, b->arg);
}

/* The netns entry of ino as last listed, or NULL. */
static const struct netns_entry *netns_entry_of(const struct bpfsrc *b, uint64_t ino)
{
	for (size_t i = 0; i < b->netns.all.len; i++) {
		const struct netns_entry *e = vec_at(&b->netns.all, i);

		if (e->ino == ino)
			return e;
	}
	return NULL;
}

/*
 * --all-netns: a namespace made since the last listing is listed (and its
 * label told) before its first event is printed; at most every RELIST_MS.
 */
static void know_netns(struct bpfsrc *b, uint64_t ino)
{
	struct netns_list fresh;
	struct tcpstat_error ignored;
	uint64_t now = clock_now_ms();

	if (b->cfg.dump->netns != DUMP_NETNS_ALL || netns_entry_of(b, ino) || now < b->relist_ms)
		return;
	b->relist_ms = now + RELIST_MS;
	/* Listing failed: the label is "-", as for a namespace never seen. */
	if (netns_list_all(&fresh, &ignored) < 0)
		return;
	tell_netns(b, &fresh);
	netns_list_free(&b->netns);
	b->netns = fresh;
}

/*
 * The descriptor of namespace ino for a lookup there: -1 for tcpstat's
 * own, -2 when it cannot be opened (gone; then so are its sockets).
 */
static int netns_fd_of(struct bpfsrc *b, uint64_t ino)
{
	const struct netns_entry *e;
	struct nsfd n = { .ino = ino, .fd = -1 };

	if (!b->netns_asked)
		return -1;
	for (size_t i = 0; i < b->nsfds.len; i++) {
		const struct nsfd *k = vec_at(&b->nsfds, i);

		if (k->ino == ino)
			return k->fd;
	}
	know_netns(b, ino);
	e = netns_entry_of(b, ino);
	if (!e)
		return -2;
	if (!e->own && (n.fd = netns_open(e)) < 0)
		return -2;
	if (!vec_push(&b->nsfds, &n)) {
		if (n.fd >= 0)
			close(n.fd);
		return -2;
	}
	return n.fd;
}

static void record_of(const struct bpfsrc *b, const struct tcps_event *ev,
		      struct tcpstat_sock *s)
{
	memset(s, 0, sizeof(*s));
	if (b->netns_asked)
		s->netns = ev->netns;
	s->family = ev->family;
	s->local_port = ev->sport;
	s->peer_port = ev->dport;
	memcpy(s->local_addr, ev->saddr, 16);
	memcpy(s->peer_addr, ev->daddr, 16);
	s->state = ev->new_state;
}

/* The task's name as printable text: comm is whatever the task set. */
static void comm_of(const char *in, char *out)
{
	size_t i;

	for (i = 0; i + 1 < TCPSTAT_COMM_MAX && in[i]; i++)
		out[i] = (unsigned char)in[i] < 0x20 || in[i] == 0x7f ? '?' : in[i];
	out[i] = '\0';
}

/* When to look at a minisocket again: when its timer ends, or soon. */
static uint32_t recheck_after(const struct tcpstat_sock *s)
{
	if (s->state != TCPSTAT_TIME_WAIT)
		return FIN_WAIT2_RECHECK_MS;
	return s->timer_ms > 0 ? s->timer_ms + 1 : TIME_WAIT_OVERDUE_MS;
}

/* Follows a minisocket from now on, with its socket's owner. */
static void follow(struct bpfsrc *b, const struct tcpstat_sock *s, uint64_t since_us,
		   const struct tcpstat_owner *owner)
{
	struct minisock m = { .s = *s, .since_us = since_us, .owner = *owner };
	uint32_t wait = recheck_after(s);

	m.s.timer_ms = 0;
	m.due_ms = clock_now_ms() + wait;
	if (!vec_push(&b->minisocks, &m))
		b->lost++;
}

/*
 * OLD -> CLOSE from a closing state: whether a minisocket took the
 * socket's place. Returns 1 when the change was told (as -> TIME_WAIT, or
 * held back while the minisocket is still FIN_WAIT2), 0 when it is a real
 * CLOSE, or a negative errno.
 */
static int into_minisock(struct bpfsrc *b, const struct tcps_event *ev, struct tcpstat_sock *s,
			 struct out_event *e, struct out_event_detail *d,
			 const struct tcpstat_owner *owner)
{
	struct tcpstat_sock mini;
	int fd = netns_fd_of(b, s->netns);
	int rc;

	if (fd == -2) {
		/* Its namespace is gone: what became of it cannot be told. */
		b->lost++;
		return 1;
	}
	rc = nl_lookup_in(fd, s, &mini, b->err);
	if (rc <= 0)
		return rc;
	if (mini.state != TCPSTAT_TIME_WAIT && mini.state != TCPSTAT_FIN_WAIT2)
		return 0;
	mini.netns = s->netns;
	if (mini.state == ev->old_state) {
		/* Still FIN_WAIT2 as a minisocket: its change is told when it comes. */
		follow(b, &mini, ev->time_ns / 1000 - ev->in_state_ns / 1000, owner);
		return 1;
	}
	follow(b, &mini, ev->time_ns / 1000, owner);
	s->state = mini.state;
	rc = emit_at(b, e, ev->time_ns / 1000, d, owner);
	return rc != 0 ? rc : 1;
}

/* The owner the kernel half carried with ev (pid 0: none). */
static void owner_of(const struct tcps_event *ev, struct tcpstat_owner *o)
{
	memset(o, 0, sizeof(*o));
	if (!ev->has_owner)
		return;
	o->pid = ev->owner.pid;
	memcpy(o->comm, ev->owner.comm, sizeof(o->comm) - 1);
}

/* Tells what the minisockets' table said, at the kernel's time of it. */
static int tell_tracked(struct bpfsrc *b, const struct twt_told *t, enum twt_tell tell)
{
	struct out_event_detail d = { .in_state_known = t->in_state_known,
				      .in_state_us = t->in_state_us };
	struct out_event e = { .kind = tell == TWT_GONE ? OUT_EVENT_GONE : OUT_EVENT_CHANGE,
			       .s = &t->s, .old_state = t->old_state,
			       .older = tell == TWT_GONE && t->older };

	return emit_at(b, &e, t->at_us, &d, &t->owner);
}

static int on_gone(const struct twt_told *t, void *arg)
{
	return tell_tracked(arg, t, TWT_GONE);
}

/* A minisocket's timer armed, stopped or expired. */
static int on_timer(struct bpfsrc *b, const struct tcps_event *ev)
{
	struct tcpstat_sock s;
	struct tcpstat_owner owner;
	struct twt_told t;
	enum twt_tell tell = TWT_NOTHING;
	uint64_t at = ev->time_ns / 1000;

	record_of(b, ev, &s);
	owner_of(ev, &owner);
	if (b->netns_asked)
		know_netns(b, ev->netns);
	if (ev->kind == TCPS_TW_ARM)
		tell = twt_arm(&b->tw, ev->cookie, &s, &owner, at, &t);
	else if (ev->kind == TCPS_TW_STOP)
		tell = twt_stop(&b->tw, ev->cookie, &s, at, &t);
	else if (ev->kind == TCPS_TW_EXPIRE)
		tell = twt_expire(&b->tw, ev->cookie, &s, at, &t);
	if (tell == TWT_LOST)
		b->lost++;
	return tell == TWT_CHANGE || tell == TWT_GONE ? tell_tracked(b, &t, tell) : 0;
}

/*
 * OLD -> CLOSE from a closing state, with the timers followed: whether
 * its minisocket's timer was armed just before. Returns 1 when the change
 * was told (as -> TIME_WAIT, or held back while the minisocket is still
 * FIN_WAIT2), 0 when it is a real CLOSE, or emit's non-zero value.
 */
static int into_tracked(struct bpfsrc *b, const struct tcps_event *ev, struct tcpstat_sock *s,
			struct out_event *e, struct out_event_detail *d,
			const struct tcpstat_owner *owner)
{
	struct twt_told t;
	bool held;
	enum twt_tell tell = twt_close(&b->tw, ev->cookie, ev->old_state, ev->time_ns / 1000,
				       ev->in_state_ns / 1000, owner, &held, &t);
	struct minisock m = { .s = *s, .owner = *owner, .cookie = ev->cookie };
	int rc;

	if (held) {
		/* Its FIN may move it to TIME_WAIT without a timer event: looked up. */
		m.s.state = ev->old_state;
		m.due_ms = clock_now_ms() + FIN_WAIT2_RECHECK_MS;
		if (!vec_push(&b->minisocks, &m))
			b->lost++;
		return 1;
	}
	if (tell != TWT_CHANGE)
		return 0;
	s->state = t.s.state;
	rc = emit_at(b, e, t.at_us, d, &t.owner);
	return rc != 0 ? rc : 1;
}

static int on_event(struct bpfsrc *b, const struct tcps_event *ev)
{
	struct tcpstat_sock s;
	struct out_event_detail d = { .task_pid = ev->pid, .in_state_known = ev->known,
				      .in_state_us = ev->in_state_ns / 1000 };
	struct out_event e = { .kind = OUT_EVENT_CHANGE, .s = &s, .old_state = ev->old_state };
	struct tcpstat_owner owner;
	int rc;

	if (ev->kind != TCPS_CHANGE)
		return on_timer(b, ev);
	record_of(b, ev, &s);
	owner_of(ev, &owner);
	comm_of(ev->comm, d.task_comm);
	if (b->netns_asked)
		know_netns(b, ev->netns);
	if (ev->new_state == TCPSTAT_CLOSE &&
	    (ev->old_state == TCPSTAT_FIN_WAIT1 || ev->old_state == TCPSTAT_FIN_WAIT2 ||
	     ev->old_state == TCPSTAT_CLOSING)) {
		rc = b->tw_timers ? into_tracked(b, ev, &s, &e, &d, &owner)
				  : into_minisock(b, ev, &s, &e, &d, &owner);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	return emit_at(b, &e, ev->time_ns / 1000, &d, &owner);
}

static int on_ring(void *ctx, void *data, size_t size)
{
	struct bpfsrc *b = ctx;
	struct tcps_event ev;

	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	b->rc = on_event(b, &ev);
	/* A negative return stops libbpf's loop; the reason waits in b->rc. */
	return b->rc != 0 ? -ECANCELED : 0;
}

/*
 * With the timers followed, a FIN_WAIT2 minisocket looked up (found: s):
 * its change to TIME_WAIT is told; its end the timer's events tell.
 */
static int fin_wait2_again(struct bpfsrc *b, struct minisock *m, const struct tcpstat_sock *s,
			   uint64_t mono_us, uint64_t now_ms)
{
	struct twt_told t;

	if (s && s->state == TCPSTAT_FIN_WAIT2 && twt_find(&b->tw, m->cookie)) {
		m->due_ms = now_ms + FIN_WAIT2_RECHECK_MS;
		return 0;
	}
	if (s && s->state == TCPSTAT_TIME_WAIT &&
	    twt_change(&b->tw, m->cookie, TCPSTAT_TIME_WAIT, mono_us, &t) == TWT_CHANGE) {
		int rc = tell_tracked(b, &t, TWT_CHANGE);

		return rc != 0 ? rc : 1;
	}
	return 1;
}

/*
 * Looks at one minisocket whose time has come. Returns 1 when it is to be
 * followed no more, 0 to keep it, or emit's non-zero value or a negative
 * errno.
 */
static int look_again(struct bpfsrc *b, struct minisock *m, uint64_t now_ms)
{
	struct tcpstat_sock s;
	uint64_t mono = now_us(CLOCK_MONOTONIC);
	struct out_event_detail d = { .in_state_known = true, .in_state_us = mono - m->since_us };
	struct out_event e = { .kind = OUT_EVENT_GONE, .s = &m->s };
	int fd = netns_fd_of(b, m->s.netns);
	int rc = fd == -2 ? 0 : nl_lookup_in(fd, &m->s, &s, b->err);

	/* A namespace gone takes its minisockets with it. */
	if (rc < 0)
		return rc;
	if (b->tw_timers)
		return fin_wait2_again(b, m, rc > 0 ? &s : NULL, mono, now_ms);
	if (rc == 0 || (s.state != TCPSTAT_TIME_WAIT && s.state != TCPSTAT_FIN_WAIT2)) {
		rc = emit_at(b, &e, mono, &d, &m->owner);
		return rc != 0 ? rc : 1;
	}
	s.netns = m->s.netns;
	if (s.state != m->s.state) {
		e.kind = OUT_EVENT_CHANGE;
		e.old_state = m->s.state;
		e.s = &s;
		rc = emit_at(b, &e, mono, &d, &m->owner);
		m->s.state = s.state;
		m->since_us = mono;
		if (rc != 0)
			return rc;
	}
	m->due_ms = now_ms + recheck_after(&s);
	return 0;
}

/* Looks at the minisockets that are due; returns 0, emit's value or a negative errno. */
static int look_at_minisocks(struct bpfsrc *b)
{
	uint64_t now = clock_now_ms();
	size_t keep = 0;
	int rc = 0;

	for (size_t i = 0; i < b->minisocks.len; i++) {
		struct minisock *m = vec_at(&b->minisocks, i);
		int done = rc == 0 && m->due_ms <= now ? look_again(b, m, now) : 0;

		if (done < 0 || done > 1)
			rc = done;
		if (done != 1)
			*(struct minisock *)vec_at(&b->minisocks, keep++) = *m;
	}
	b->minisocks.len = keep;
	return rc;
}

/* The earliest deadline: the next minisocket due, or WAIT_MAX_MS from now. */
static uint64_t next_due(const struct bpfsrc *b)
{
	uint64_t due = clock_now_ms() + WAIT_MAX_MS;
	uint64_t settle = twt_next_settle(&b->tw);

	if (settle != UINT64_MAX && settle / 1000 + 1 < due)
		due = settle / 1000 + 1;
	for (size_t i = 0; i < b->minisocks.len; i++) {
		const struct minisock *m = vec_at(&b->minisocks, i);

		if (m->due_ms < due)
			due = m->due_ms;
	}
	return due;
}

static int drain(struct bpfsrc *b, struct tcpstat_error *err)
{
	int n = ring_buffer__consume(b->rb);

	if (n == -ECANCELED || b->rc != 0)
		return b->rc;
	if (n < 0)
		return err_set(err, -n, "eBPF: ring buffer");
	return 0;
}

static int bpf_step(void *state, events_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct bpfsrc *b = state;
	struct pollfd pfd = { .fd = ring_buffer__epoll_fd(b->rb), .events = POLLIN };
	int rc;

	b->emit = emit;
	b->arg = arg;
	b->err = err;
	b->rc = 0;
	clock_ppoll(&pfd, 1, next_due(b), b->cfg.stop);
	rc = drain(b, err);
	if (rc == 0)
		rc = look_at_minisocks(b);
	if (rc == 0)
		rc = twt_settle(&b->tw, now_us(CLOCK_MONOTONIC), on_gone, b);
	if (rc != 0)
		return rc;
	return *b->cfg.stop ? 1 : 0;
}

const struct events_source events_bpf_source = {
	.name = "bpf",
	.open = bpf_open,
	.step = bpf_step,
	.close = bpf_close,
};
