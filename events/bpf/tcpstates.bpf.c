// SPDX-License-Identifier: MIT
/*
 * tcpstates.bpf.c - the kernel half of -E's eBPF source: every change of a
 * TCP socket's state, from the tracepoint sock:inet_sock_set_state, judged
 * by the filter tree the loader put in cfg, into a ring buffer. Built CO-RE
 * against the running kernel's BTF (vmlinux.h, made at build time).
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "tcpstates.h"

/* Not in vmlinux.h: they are macros in the kernel. */
#define TCPS_AF_INET 2
#define TCPS_AF_INET6 10

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader before the program is loaded (the skeleton's rodata). */
const volatile struct tcps_config cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/*
 * What is kept of each socket between its changes: when it entered its
 * state, and its ports, which the kernel has already released when a
 * socket goes to CLOSE (so the port filter and TIME_WAIT's lookup have
 * them). By socket cookie; an LRU, so it cannot fill up.
 */
struct seen {
	__u64 since_ns;
	__u16 sport, dport;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct seen);
} since SEC(".maps");

/*
 * Owners by socket cookie (struct tcps_owner), with cfg.owners: written
 * here at connect() and accept(), and by the loader for older sockets.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct tcps_owner);
} owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCPS_N_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static void count(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &which);

	if (n)
		(*n)++;
}

static bool prefix_match(const volatile struct tcps_node *n, const struct tcps_event *ev)
{
	__u32 a[4];

	__builtin_memcpy(a, n->side ? ev->daddr : ev->saddr, sizeof(a));
	if (n->family == TCPS_AF_INET) {
		/* An IPv4 prefix matches IPv4-mapped IPv6 too, as the evaluator does. */
		if (ev->family == TCPS_AF_INET6) {
			if (a[0] || a[1] || a[2] != bpf_htonl(0xffff))
				return false;
			a[0] = a[3];
		}
		return (a[0] & n->mask[0]) == n->addr[0];
	}
	if (ev->family != TCPS_AF_INET6)
		return false;
	return (a[0] & n->mask[0]) == n->addr[0] && (a[1] & n->mask[1]) == n->addr[1] &&
	       (a[2] & n->mask[2]) == n->addr[2] && (a[3] & n->mask[3]) == n->addr[3];
}

/*
 * The tree's value at each node for up to three states of one socket: the
 * old one, the new one, and TIME_WAIT when the minisocket may be replacing
 * it (the loader finds out which; see ../bpf.c).
 */
#define TCPS_JUDGED 3

struct eval {
	const struct tcps_event *ev;
	__u8 state[TCPS_JUDGED];
	__u64 in[TCPS_JUDGED];
};

static bool bit(__u64 set, __u16 i)
{
	return (set >> (i & 63)) & 1;
}

static bool node_value(const volatile struct tcps_node *n, const struct tcps_event *ev,
		       __u64 in, __u8 state)
{
	__u16 port;

	switch (n->op) {
	case TCPS_TRUE:
		return true;
	case TCPS_AND:
		return bit(in, n->a) && bit(in, n->b);
	case TCPS_OR:
		return bit(in, n->a) || bit(in, n->b);
	case TCPS_NOT:
		return !bit(in, n->a);
	case TCPS_STATES:
		return (n->states >> (state & 31)) & 1;
	case TCPS_FAMILY:
		return ev->family == n->family;
	case TCPS_PORT:
		port = n->side ? ev->dport : ev->sport;
		return port >= n->lo && port <= n->hi;
	case TCPS_PREFIX:
		return prefix_match(n, ev);
	default:   /* TCPS_FALSE */
		return false;
	}
}

static long eval_node(__u32 i, struct eval *c)
{
	const volatile struct tcps_node *n;

	if (i >= cfg.n_nodes)
		return 1;
	/* Tested apart, after a barrier, so the verifier sees the bound on the index. */
	barrier_var(i);
	if (i >= TCPS_MAX_NODES)
		return 1;
	n = &cfg.nodes[i];
	for (int k = 0; k < TCPS_JUDGED; k++)
		c->in[k] |= (__u64)node_value(n, c->ev, c->in[k], c->state[k]) << (i & 63);
	return 0;
}

/*
 * A change matters when the socket matches in its old state or its new
 * one, or, going from a closing state to CLOSE, in TIME_WAIT.
 */
static bool judge(const struct tcps_event *ev)
{
	struct eval c = { .ev = ev };
	bool to_tw = ev->new_state == TCP_CLOSE &&
		     (ev->old_state == TCP_FIN_WAIT1 || ev->old_state == TCP_FIN_WAIT2 ||
		      ev->old_state == TCP_CLOSING);

	if (cfg.n_nodes == 0)
		return true;
	c.state[0] = ev->old_state;
	c.state[1] = ev->new_state;
	c.state[2] = to_tw ? TCP_TIME_WAIT : ev->new_state;
	bpf_loop(TCPS_MAX_NODES, eval_node, &c, 0);
	return bit(c.in[0], cfg.root) || bit(c.in[1], cfg.root) || bit(c.in[2], cfg.root);
}

static void read_endpoints(const struct sock *sk, struct tcps_event *ev)
{
	ev->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	ev->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	ev->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (ev->family == TCPS_AF_INET6) {
		BPF_CORE_READ_INTO(&ev->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&ev->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)ev->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)ev->daddr, sk, __sk_common.skc_daddr);
	}
}

/* The socket's network namespace's inode (nsfs's, as stat shows it). */
static __u32 netns_of(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* The current task, as an owner. */
static void owner_now(struct tcps_owner *o)
{
	o->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/*
 * The owner carried into this change: CLOSE -> SYN_SENT runs in
 * connect(), CLOSE -> LISTEN in listen(), and that task becomes the
 * owner; a CLOSE is the socket's last change, so its owner is let go once
 * read.
 */
static void carry_owner(struct tcps_event *ev)
{
	struct tcps_owner *o;

	if (ev->old_state == TCP_CLOSE &&
	    (ev->new_state == TCP_SYN_SENT || ev->new_state == TCP_LISTEN)) {
		owner_now(&ev->owner);
		ev->has_owner = 1;
		bpf_map_update_elem(&owners, &ev->cookie, &ev->owner, BPF_ANY);
		return;
	}
	o = bpf_map_lookup_elem(&owners, &ev->cookie);
	if (o) {
		__builtin_memcpy(&ev->owner, o, sizeof(ev->owner));
		ev->has_owner = 1;
	}
	if (ev->new_state == TCP_CLOSE)
		bpf_map_delete_elem(&owners, &ev->cookie);
}

/* Into the ring buffer, if the filter may match: 0. */
static int send(struct tcps_event *ev)
{
	struct tcps_event *out;

	if (!judge(ev)) {
		count(TCPS_FILTERED);
		return 0;
	}
	out = bpf_ringbuf_reserve(&events, sizeof(*out), 0);
	if (!out) {
		count(TCPS_LOST);
		return 0;
	}
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	__builtin_memcpy(out, ev, sizeof(*ev));
	bpf_ringbuf_submit(out, 0);
	count(TCPS_SENT);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_set_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct tcps_event ev = {};
	__u64 key;
	struct seen *then, now = {};

	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	ev.netns = netns_of(sk);
	if (cfg.netns && ev.netns != cfg.netns)
		return 0;
	ev.time_ns = bpf_ktime_get_ns();
	/* Made here if the socket had none yet, so accept() finds it set. */
	ev.cookie = bpf_get_socket_cookie((void *)sk);
	ev.skaddr = (__u64)sk;
	/*
	 * Kept by cookie, never reused, not by address: a socket's memory is
	 * reused, and an entry left by a change never seen here (its CLOSE
	 * missed) would give a new socket at that address an old one's port.
	 */
	key = ev.cookie;
	ev.old_state = oldstate;
	ev.new_state = newstate;
	read_endpoints(sk, &ev);
	then = bpf_map_lookup_elem(&since, &key);
	if (then) {
		ev.in_state_ns = ev.time_ns - then->since_ns;
		ev.known = 1;
		if (ev.sport == 0 && ev.dport == then->dport)
			ev.sport = then->sport;
	}
	/* Every socket's time is kept, so a change into a matching state has it. */
	if (newstate == TCP_CLOSE) {
		bpf_map_delete_elem(&since, &key);
	} else {
		now.since_ns = ev.time_ns;
		now.sport = ev.sport;
		now.dport = ev.dport;
		bpf_map_update_elem(&since, &key, &now, BPF_ANY);
	}
	if (cfg.owners)
		carry_owner(&ev);
	return send(&ev);
}

/*
 * The minisocket whose timer this is, or NULL: a timer of the kernel's
 * TIME_WAIT sockets (their handler's address, which the loader found),
 * of the namespace watched. Its struct sock_common comes first, as a
 * sock's does, so the sock's readers read it.
 */
static const struct sock *minisock_of(const struct timer_list *timer)
{
	const struct inet_timewait_sock *tw;

	if (!cfg.tw_timer_fn || (__u64)BPF_CORE_READ(timer, function) != cfg.tw_timer_fn)
		return NULL;
	tw = (const void *)((const char *)timer -
			    bpf_core_field_offset(struct inet_timewait_sock, tw_timer));
	if (cfg.netns && netns_of((const struct sock *)tw) != cfg.netns)
		return NULL;
	return (const struct sock *)tw;
}

/* A minisocket's timer event: its endpoints, substate and owner. */
static int send_timer(const struct timer_list *timer, __u32 kind)
{
	const struct sock *mini = minisock_of(timer);
	const struct inet_timewait_sock *tw = (const void *)mini;
	struct tcps_event ev = {};
	struct tcps_owner *o;

	if (!mini)
		return 0;
	ev.kind = kind;
	ev.time_ns = bpf_ktime_get_ns();
	ev.netns = netns_of(mini);
	ev.skaddr = (__u64)mini;
	/* The socket's cookie, which the minisocket took over. */
	ev.cookie = BPF_CORE_READ(mini, __sk_common.skc_cookie.counter);
	ev.old_state = ev.new_state = BPF_CORE_READ(tw, tw_substate);
	read_endpoints(mini, &ev);
	if (cfg.owners && (o = bpf_map_lookup_elem(&owners, &ev.cookie))) {
		__builtin_memcpy(&ev.owner, o, sizeof(ev.owner));
		ev.has_owner = 1;
	}
	return send(&ev);
}

SEC("tp_btf/timer_start")
int BPF_PROG(on_timer_start, struct timer_list *timer)
{
	return send_timer(timer, TCPS_TW_ARM);
}

SEC("tp_btf/timer_cancel")
int BPF_PROG(on_timer_cancel, struct timer_list *timer)
{
	return send_timer(timer, TCPS_TW_STOP);
}

SEC("tp_btf/timer_expire_entry")
int BPF_PROG(on_timer_expire, struct timer_list *timer)
{
	return send_timer(timer, TCPS_TW_EXPIRE);
}

/*
 * An accepted socket's owner is the task that accepted it. The kernel has
 * no tracepoint in accept() and this program may not use fexit (kernels
 * refuse trampolines where tracing is locked down), so the one exact
 * place is the return of the accept and accept4 system calls, in that
 * task: the descriptor returned is the new socket's. Loaded only with
 * cfg.owners, and its cost (a compare on every system call's return) is
 * paid only then. The socket's cookie was made at its first change
 * (SYN_RECV, above), before it could be accepted.
 */
#if defined(__TARGET_ARCH_x86)
#define TCPS_NR_ACCEPT 43
#define TCPS_NR_ACCEPT4 288
#define TCPS_SYSCALL_NR(regs) BPF_CORE_READ(regs, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define TCPS_NR_ACCEPT 202
#define TCPS_NR_ACCEPT4 242
#define TCPS_SYSCALL_NR(regs) BPF_CORE_READ(regs, syscallno)
#endif

#ifdef TCPS_NR_ACCEPT
/* The socket behind the current task's descriptor fd, or NULL. */
static const struct sock *sock_of_fd(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct socket *sock;

	if (fd < 0 || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_accept, struct pt_regs *regs, long ret)
{
	struct tcps_owner o = {};
	const struct sock *sk;
	long nr = TCPS_SYSCALL_NR(regs);
	__u64 cookie;

	if ((nr != TCPS_NR_ACCEPT && nr != TCPS_NR_ACCEPT4) || ret < 0)
		return 0;
	sk = sock_of_fd(ret);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (cfg.netns && netns_of(sk) != cfg.netns)
		return 0;
	cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	if (cookie == 0)
		return 0;
	owner_now(&o);
	bpf_map_update_elem(&owners, &cookie, &o, BPF_ANY);
	return 0;
}
#else
/* Elsewhere accepted sockets' owners are those found at start only. */
SEC("tp_btf/sys_exit")
int BPF_PROG(on_accept, struct pt_regs *regs, long ret)
{
	return 0;
}
#endif
