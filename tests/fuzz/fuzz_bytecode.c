/*
 * fuzz_bytecode.c - the bytecode compiler on filter trees built from the
 * input bytes (leaves: ports, prefixes, TRUE, FALSE, states, families,
 * pids; inner nodes: not, and, or). Each program nl_bytecode_build writes
 * must pass tests/kernel_bc.h's copy of the kernel's inet_diag_bc_audit,
 * and inet_diag_bc_run on sockets made from the rest of the input must
 * agree with filter_match: exactly when the tree has only leaves the
 * kernel can judge, otherwise never refusing what the filter passes (it
 * widens what it cannot judge).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "kernel_bc.h"
#include "netlink.h"

struct input {
	const uint8_t *p;
	size_t left;
	bool exact;         /* no leaf the kernel cannot judge so far */
};

static uint8_t byte(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* Ports and addresses from small pools mostly, so that they meet. */
static uint16_t port(struct input *in)
{
	static const uint16_t pool[] = { 1, 80, 443, 9999, 10000, 40000, 65535, 0 };
	uint8_t b = byte(in);

	return b < 0xf0 ? pool[b % 8] : (uint16_t)(byte(in) << 8 | byte(in));
}

static void addr(struct input *in, int family, uint8_t out[16])
{
	static const char *const v4[] = { "127.0.0.1", "127.0.0.2", "10.1.2.3", "0.0.0.0" };
	static const char *const v6[] = { "::1", "::", "fe80::1", "::ffff:127.0.0.1",
					  "::ffff:10.1.2.3", "2001:db8::8000" };
	uint8_t b = byte(in);

	memset(out, 0, 16);
	if (b >= 0xf0) {
		for (int i = 0; i < (family == AF_INET ? 4 : 16); i++)
			out[i] = byte(in);
	} else if (family == AF_INET) {
		inet_pton(AF_INET, v4[b % 4], out);
	} else {
		inet_pton(AF_INET6, v6[b % 6], out);
	}
}

static void prefix(struct input *in, struct tcpstat_prefix *p)
{
	unsigned max;

	memset(p, 0, sizeof(*p));
	p->family = byte(in) & 1 ? AF_INET6 : AF_INET;
	max = p->family == AF_INET ? 32 : 128;
	addr(in, p->family, p->addr);
	p->len = (uint8_t)(byte(in) % (max + 1));
	/* Bits past the length are zero, as opts_parse_prefix leaves them. */
	for (unsigned i = 0; i < 16; i++) {
		if (p->len >= 8 * (i + 1))
			continue;
		p->addr[i] &= p->len > 8 * i ? (uint8_t)(0xff << (8 - (p->len - 8 * i))) : 0;
	}
}

static int tree(struct input *in, struct filter *f, unsigned depth)
{
	uint8_t b = byte(in);
	enum filter_side side = b & 0x80 ? FILTER_PEER : FILTER_LOCAL;
	struct tcpstat_port_range r;
	struct tcpstat_prefix p;
	uint16_t a, c;

	switch ((b & 0x7f) % (depth == 0 ? 7 : 10)) {
	case 0:
		a = port(in);
		c = port(in);
		r = (struct tcpstat_port_range){ a < c ? a : c, a < c ? c : a };
		return filter_leaf_ports(f, side, r);
	case 1:
		prefix(in, &p);
		return filter_leaf_prefix(f, side, &p);
	case 2:
		return filter_add(f, &(struct filter_node){ .op = FILTER_TRUE });
	case 3:
		return filter_add(f, &(struct filter_node){ .op = FILTER_FALSE });
	case 4:
		in->exact = false;
		return filter_leaf_states(f, (uint32_t)(byte(in) << 8 | byte(in)) & TCPSTAT_STATES_ALL);
	case 5:
		in->exact = false;
		return filter_leaf_family(f, byte(in) & 1 ? AF_INET6 : AF_INET);
	case 6:
		in->exact = false;
		return filter_leaf_pid(f, byte(in) % 3);
	case 7:
		a = 0;
		break;
	case 8:
		a = 1;
		break;
	default:
		a = 2;
		break;
	}
	/* Children first; one that did not fit fails the whole tree. */
	int x = tree(in, f, depth - 1), y = a == 0 ? 0 : tree(in, f, depth - 1);

	if (x < 0 || y < 0)
		return -1;
	return a == 0 ? filter_not(f, x) : a == 1 ? filter_or(f, x, y) : filter_and(f, x, y);
}

static void sock(struct input *in, struct tcpstat_sock *s)
{
	memset(s, 0, sizeof(*s));
	s->family = byte(in) & 1 ? AF_INET6 : AF_INET;
	s->state = (uint8_t)(1 + byte(in) % TCPSTAT_STATE_MAX);
	addr(in, s->family, s->local_addr);
	addr(in, s->family, s->peer_addr);
	s->local_port = port(in);
	s->peer_port = port(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct filter f;
	static uint8_t bc[NL_BYTECODE_MAX];
	struct input in = { data, size, true };
	int root, len;

	filter_init(&f);
	root = tree(&in, &f, 6);
	/* A tree too big for the node table is refused, never misbuilt. */
	if (root < 0 || filter_require(&f, root) < 0)
		return 0;
	len = nl_bytecode_build(bc, sizeof(bc), &f);
	if (len < 0)
		return 0;       /* too long for the kernel: dump/ filters in user space */
	if (len > 0 && kernel_audit(bc, len) != 0)
		abort();
	for (int i = 0; i < 16 && (i == 0 || in.left > 0); i++) {
		struct tcpstat_sock s;
		bool want, got;

		sock(&in, &s);
		want = filter_match(&f, &s, NULL, in.exact ? FILTER_KNOW_ALL : FILTER_NO_OWNERS);
		got = len == 0 || kernel_run(bc, len, &s);
		if (in.exact ? want != got : want && !got)
			abort();
	}
	return 0;
}
