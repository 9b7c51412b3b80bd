/*
 * rawdump - the floor for listing TCP sockets: dump them and only count.
 *
 * Part of tcpstat's benchmark (bench/run); built by bench/meson.build.
 *
 * Netlink mode (default): one SOCK_DIAG_BY_FAMILY dump request per family
 * (AF_INET, then AF_INET6) over NETLINK_SOCK_DIAG with libmnl, optionally
 * restricted by a state mask (idiag_states) and a port (inet_diag bytecode
 * "sport == P or dport == P"), so the kernel does all the filtering. Each
 * reply is validated by mnl_cb_run() and counted; nothing is decoded. This
 * is what a netlink-based tool cannot beat.
 *
 * Procfs mode (--proc): read /proc/net/tcp and /proc/net/tcp6 to EOF with
 * 1 MiB read() calls and count lines. This is what a /proc-based tool cannot
 * beat (the kernel formats every socket, unfiltered).
 *
 * Prints the total count on stdout; -v adds counts per family and state
 * (still cheap: one byte per record) to check a population.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#define NSTATES 14              /* TCP states 0..13, include/net/tcp_states.h */
/*
 * "All" means what ss -a asks for: states 0..11 (the kernel adds
 * NEW_SYN_RECV to SYN_RECV by itself). Bit 13, BOUND_INACTIVE (kernel >= 6.8),
 * makes the kernel walk the bind hash as well: about 8 ms more per 100k
 * bound sockets, for sockets no netstat-like listing shows. Ask for it by
 * name (bound-inactive) or by mask.
 */
#define ALL_STATES 0xfffu
#define DUMP_BUF 32768          /* the kernel never fills more per recvmsg */
#define PROC_BUF (1 << 20)
#define MAX_DUMP_TRIES 3        /* on NLM_F_DUMP_INTR */

/* ss filter words, indexed by kernel state number. */
static const char *const state_name[NSTATES] = {
	"unknown", "established", "syn-sent", "syn-recv", "fin-wait-1",
	"fin-wait-2", "time-wait", "closed", "close-wait", "last-ack",
	"listening", "closing", "new-syn-recv", "bound-inactive",
};

struct counts {
	unsigned long total;
	unsigned long by_state[2][NSTATES + 1];   /* [v6?][state], last = bad */
	bool verbose;
	int v6;
};

static int usage(FILE *f, int rc)
{
	fputs("usage: rawdump [-4|-6] [-s STATES] [-p PORT] [-v]\n"
	      "       rawdump --proc [-4|-6] [-v]\n"
	      "  -s STATES  comma list of ss state words (established, syn-sent,\n"
	      "             syn-recv, fin-wait-1, fin-wait-2, time-wait, closed,\n"
	      "             close-wait, last-ack, listening, closing, bound-inactive,\n"
	      "             all) or a numeric idiag_states mask (default: all =\n"
	      "             0xfff, what ss -a asks for)\n"
	      "  -p PORT    only sockets with local or remote port PORT (bytecode)\n"
	      "  --proc     read /proc/net/tcp{,6} instead of netlink\n"
	      "  -v         print counts per family and state as well\n", f);
	return rc;
}

static int parse_states(const char *arg, uint32_t *mask)
{
	char *copy, *tok, *save, *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (!errno && end != arg && !*end && v <= UINT32_MAX) {
		*mask = (uint32_t)v;
		return 0;
	}
	*mask = 0;
	copy = strdup(arg);
	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int s;

		if (!strcasecmp(tok, "all")) {
			*mask |= ALL_STATES;
			continue;
		}
		if (!strcasecmp(tok, "listen"))
			tok = "listening";
		for (s = 1; s < NSTATES; s++)
			if (!strcasecmp(tok, state_name[s]))
				break;
		if (s == NSTATES) {
			fprintf(stderr, "rawdump: invalid state '%s'\n", tok);
			free(copy);
			return -1;
		}
		*mask |= 1u << s;
	}
	free(copy);
	return 0;
}

/* ---- netlink ------------------------------------------------------------ */

/*
 * "sport == port || dport == port" in inet_diag bytecode. A program accepts
 * when it runs exactly to its end and rejects when it jumps past it (end+4);
 * the kernel's audit also wants every `no` target on the chain of `yes`
 * jumps, hence the JMP in the middle (ss builds OR the same way).
 */
static size_t port_bytecode(struct inet_diag_bc_op *bc, uint16_t port)
{
	bc[0] = (struct inet_diag_bc_op){ INET_DIAG_BC_S_EQ, 8, 12 };
	bc[1] = (struct inet_diag_bc_op){ 0, 0, port };
	bc[2] = (struct inet_diag_bc_op){ INET_DIAG_BC_JMP, 4, 12 };
	bc[3] = (struct inet_diag_bc_op){ INET_DIAG_BC_D_EQ, 8, 12 };
	bc[4] = (struct inet_diag_bc_op){ 0, 0, port };
	return 5 * sizeof(*bc);
}

static int count_msg(const struct nlmsghdr *nlh, void *data)
{
	struct counts *c = data;

	c->total++;
	if (c->verbose) {
		const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
		unsigned st = NSTATES;

		if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*m) && m->idiag_state < NSTATES)
			st = m->idiag_state;
		c->by_state[c->v6][st]++;
	}
	return MNL_CB_OK;
}

/* One dump for one family; returns 0, or -1 with errno (EINTR: retry). */
static int dump_family(struct mnl_socket *nl, char *buf, int family,
		       uint32_t states, int port, struct counts *c)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	unsigned seq = (unsigned)time(NULL) ^ (unsigned)family;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int ret = MNL_CB_OK;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = states;
	if (port >= 0) {
		struct inet_diag_bc_op bc[5];
		size_t len = port_bytecode(bc, (uint16_t)port);

		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, len, bc);
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	c->v6 = family == AF_INET6;
	while ((n = mnl_socket_recvfrom(nl, buf, DUMP_BUF)) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, count_msg, c);
		if (ret <= MNL_CB_STOP)
			break;
	}
	return n < 0 || ret < 0 ? -1 : 0;
}

static int run_netlink(const int *families, uint32_t states, int port, struct counts *c)
{
	static char buf[DUMP_BUF];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	int rc = 0;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "rawdump: netlink: %s\n", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return -1;
	}
	for (const int *f = families; *f && !rc; f++) {
		struct counts before = *c;
		int tries = 0;

		while (dump_family(nl, buf, *f, states, port, c) < 0) {
			if (errno != EINTR || ++tries >= MAX_DUMP_TRIES) {
				fprintf(stderr, "rawdump: %s dump: %s\n",
					*f == AF_INET ? "AF_INET" : "AF_INET6", strerror(errno));
				rc = -1;
				break;
			}
			*c = before;   /* interrupted dump: start again */
		}
	}
	mnl_socket_close(nl);
	return rc;
}

/* ---- procfs ------------------------------------------------------------- */

/* Lines after the header; with -v also the 4th field (st, hex). */
static int count_proc(const char *path, bool v6, struct counts *c)
{
	static char buf[PROC_BUF];
	unsigned long lines = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int field = 0;   /* for -v: whitespace-separated field of this line */
	bool in_field = false;
	unsigned st = 0;

	if (fd < 0) {
		if (errno == ENOENT && v6)
			return 0;   /* IPv6 disabled */
		fprintf(stderr, "rawdump: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (!c->verbose) {
			for (char *p = buf, *e = buf + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
				lines++;
			continue;
		}
		for (ssize_t i = 0; i < n; i++) {
			char ch = buf[i];

			if (ch == '\n') {
				if (lines++ > 0)
					c->by_state[v6][field > 3 && st < NSTATES ? st : NSTATES]++;
				field = 0;
				in_field = false;
				st = 0;
			} else if (ch == ' ') {
				in_field = false;
			} else {
				if (!in_field) {
					in_field = true;
					field++;
				}
				if (field == 4 && lines > 0) {
					unsigned d = ch <= '9' ? (unsigned)(ch - '0')
							       : (unsigned)((ch | 0x20) - 'a' + 10);
					st = st * 16 + (d & 15);
				}
			}
		}
	}
	if (n < 0) {
		fprintf(stderr, "rawdump: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	c->total += lines ? lines - 1 : 0;
	return 0;
}

static int run_proc(const int *families, struct counts *c)
{
	for (const int *f = families; *f; f++)
		if (count_proc(*f == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6",
			       *f == AF_INET6, c) < 0)
			return -1;
	return 0;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "proc", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int both[] = { AF_INET, AF_INET6, 0 }, only4[] = { AF_INET, 0 }, only6[] = { AF_INET6, 0 };
	const int *families = both;
	static struct counts c;
	uint32_t states = ALL_STATES;
	int port = -1, opt, rc;
	bool proc = false;

	while ((opt = getopt_long(argc, argv, "46s:p:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case '4': families = only4; break;
		case '6': families = only6; break;
		case 's':
			if (parse_states(optarg, &states) < 0)
				return 2;
			break;
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v < 0 || v > 65535) {
				fprintf(stderr, "rawdump: invalid port '%s' (expected 0-65535)\n", optarg);
				return 2;
			}
			port = (int)v;
			break;
		}
		case 'v': c.verbose = true; break;
		case 'P': proc = true; break;
		case 'h': return usage(stdout, 0);
		default: return usage(stderr, 2);
		}
	}
	if (optind < argc)
		return usage(stderr, 2);
	if (proc && (port >= 0 || states != ALL_STATES)) {
		fputs("rawdump: --proc counts every socket; -s and -p need netlink\n", stderr);
		return 2;
	}
	rc = proc ? run_proc(families, &c) : run_netlink(families, states, port, &c);
	if (rc < 0)
		return 1;
	printf("%lu\n", c.total);
	if (c.verbose)
		for (int v6 = 0; v6 < 2; v6++)
			for (int s = 0; s <= NSTATES; s++)
				if (c.by_state[v6][s])
					printf("%s %s %lu\n", v6 ? "tcp6" : "tcp",
					       s < NSTATES ? state_name[s] : "?",
					       c.by_state[v6][s]);
	return 0;
}
