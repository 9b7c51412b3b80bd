/*
 * procfs.c - parse /proc/net/tcp and /proc/net/tcp6.
 *
 * The files are read with large read() calls and split into lines here,
 * not through stdio. Every field is checked: a line the parser cannot
 * account for stops the dump with an error naming the file, line and field.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "ahead.h"
#include "envswitch.h"
#include "filter.h"
#include "procfs.h"

/* The line buffer: one read's worth (lines are under 200 bytes). */
#define PROCFS_READ_BUF PROCFS_READ_SIZE

struct cursor {
	const char *p, *end;
};

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* The next token between blanks, or false at the end of the line. */
static bool next_token(struct cursor *c, const char **tok, size_t *len)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	if (c->p == c->end)
		return false;
	*tok = c->p;
	while (c->p < c->end && !is_blank(*c->p))
		c->p++;
	*len = (size_t)(c->p - *tok);
	return true;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Exactly len (1 to 16) hex digits. */
static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

/* 1 to max_digits hex digits holding a value up to max. */
static bool parse_hex_max(const char *s, size_t len, size_t max_digits, uint64_t max,
			  uint64_t *out)
{
	return len <= max_digits && parse_hex(s, len, out) && *out <= max;
}

static bool parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		/* Below 20 digits no value overflows: the division only for 20. */
		if (d > 9 || (len == 20 && v > (UINT64_MAX - d) / 10))
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* "A:B": splits a token at its only colon. */
static bool split_colon(const char *tok, size_t len, size_t *left_len,
			const char **right, size_t *right_len)
{
	const char *colon = memchr(tok, ':', len);

	if (!colon || memchr(colon + 1, ':', len - (size_t)(colon - tok) - 1))
		return false;
	*left_len = (size_t)(colon - tok);
	*right = colon + 1;
	*right_len = len - *left_len - 1;
	return true;
}

/*
 * "0100007F:270F": the address as the kernel printed it, each 32-bit word
 * in host byte order of a value that is in network order in memory, so
 * copying the parsed words back as they are restores the address bytes.
 */
static bool parse_endpoint(const char *tok, size_t len, int family, uint8_t addr[16],
			   uint16_t *port)
{
	size_t words = family == AF_INET ? 1 : 4;
	size_t addr_len, port_len;
	const char *port_str;
	uint64_t v;

	if (!split_colon(tok, len, &addr_len, &port_str, &port_len) ||
	    addr_len != 8 * words || port_len != 4)
		return false;
	for (size_t i = 0; i < words; i++) {
		uint32_t word;

		if (!parse_hex(tok + 8 * i, 8, &v))
			return false;
		word = (uint32_t)v;
		memcpy(addr + 4 * i, &word, sizeof(word));
	}
	if (!parse_hex(port_str, 4, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/*
 * tm->when counts clock ticks (USER_HZ); rounded up to milliseconds as ss
 * does. Kernels before 3.6 printed an overdue timer as a negative number
 * (16 hex digits, top bit set): that is no time left, as netlink says.
 */
static uint32_t ticks_to_ms(uint64_t ticks, long hz)
{
	uint64_t ms;

	if (ticks >> 63)
		return 0;
	if (ticks > UINT32_MAX)
		return UINT32_MAX;
	ms = (ticks * 1000 + (uint64_t)hz - 1) / (uint64_t)hz;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

/* ---- the kernel's own layout, fast ---------------------------------------- */

/* A hex digit's value plus one; 0 for every other byte. */
static const uint8_t hex_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
	['E'] = 15, ['F'] = 16, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
	['f'] = 16,
};

/* n (1 to 16) hex digits at p, without a branch per digit. */
static bool hex_run(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned d = hex_plus1[(unsigned char)p[i]];

		bad |= d == 0;
		v = v << 4 | (d - 1u);
	}
	*out = v;
	return !bad;
}

#define BYTES(b) (0x0101010101010101u * (uint64_t)(b))

/* The 8 bytes at p as a number whose low byte is p[0], whatever the machine's order. */
static uint64_t load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* Per byte of x (all below 0x80): 0x80 where the byte is at least k (k <= 0x80). */
static uint64_t bytes_at_least(uint64_t x, unsigned k)
{
	return (x + BYTES(0x80 - k)) & BYTES(0x80);
}

/*
 * 8 hex digits at p (their first the most significant), 8 bytes at once:
 * most of a line's digits come in eights (addresses, queues, timers).
 */
static bool hex8(const char *p, uint64_t *out)
{
	uint64_t x, lower, digit, letter, v;

	x = load8(p);
	if (x & BYTES(0x80))
		return false;
	lower = x | BYTES(0x20);
	digit = bytes_at_least(x, '0') & ~bytes_at_least(x, '9' + 1);
	letter = bytes_at_least(lower, 'a') & ~bytes_at_least(lower, 'f' + 1);
	if ((digit | letter) != BYTES(0x80))
		return false;
	v = (x & BYTES(0x0f)) + (letter >> 7) * 9;
	/* Nibbles into bytes, bytes into 16-bit halves, halves into the word. */
	v = ((v << 4) | (v >> 8)) & 0x00ff00ff00ff00ffu;
	v = ((v << 8) | (v >> 16)) & 0x0000ffff0000ffffu;
	*out = ((v << 16) | (v >> 32)) & 0xffffffffu;
	return true;
}

/* n (1 to 16) hex digits at p. */
static bool hex_digits(const char *p, size_t n, uint64_t *out)
{
	uint64_t hi, lo;

	if (n == 8)
		return hex8(p, out);
	if (n == 16) {
		if (!hex8(p, &hi) || !hex8(p + 8, &lo))
			return false;
		*out = hi << 32 | lo;
		return true;
	}
	return hex_run(p, n, out);
}

/* Exactly n hex digits, then sep; c goes past both. */
static bool take_hex(struct cursor *c, size_t n, char sep, uint64_t *out)
{
	if ((size_t)(c->end - c->p) <= n || !hex_digits(c->p, n, out) || c->p[n] != sep)
		return false;
	c->p += n + 1;
	return true;
}

/*
 * Blanks, then a decimal number up to max that ends at a blank or the end
 * of the line: what next_token and parse_dec accept, in one pass.
 */
static bool take_dec(struct cursor *c, uint64_t max, uint64_t *out)
{
	const char *start;

	/* The kernel pads uid and timeout with spaces: skipped 8 at a time. */
	while (c->end - c->p >= 8) {
		uint64_t x = load8(c->p) ^ BYTES(' ');

		if (x) {
			c->p += __builtin_ctzll(x) / 8;
			break;
		}
		c->p += 8;
	}
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
	start = c->p;
	while (c->p < c->end && (unsigned)(*c->p - '0') <= 9)
		c->p++;
	if (c->p < c->end && !is_blank(*c->p))
		return false;
	return parse_dec(start, (size_t)(c->p - start), max, out);
}

/* An address of words 32-bit words, its port and a blank: "0100007F:270F ". */
static bool take_endpoint(struct cursor *c, size_t words, uint8_t addr[16], uint16_t *port)
{
	uint64_t v;

	if ((size_t)(c->end - c->p) <= 8 * words)
		return false;
	for (size_t i = 0; i < words; i++) {
		uint32_t word;

		if (!hex8(c->p + 8 * i, &v))
			return false;
		word = (uint32_t)v;
		memcpy(addr + 4 * i, &word, sizeof(word));
	}
	if (c->p[8 * words] != ':')
		return false;
	c->p += 8 * words + 1;
	if (!take_hex(c, 4, ' ', &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/*
 * Fields (2) to (7) as the kernel prints them, at fixed widths ("%08X:%04X
 * %08X:%04X %02X %08X:%08X %02X:%08lX %08X"), c->p at the blank before
 * (2). Returns false, with out partly set, for anything else: the caller
 * then parses them token by token, which names the field at fault.
 */
static bool middle_fixed(struct cursor *c, int family, long hz, struct tcpstat_sock *out)
{
	size_t words = family == AF_INET ? 1 : 4, n;
	uint64_t v, w;

	if (c->p == c->end || *c->p++ != ' ' ||
	    !take_endpoint(c, words, out->local_addr, &out->local_port) ||
	    !take_endpoint(c, words, out->peer_addr, &out->peer_port) ||
	    !take_hex(c, 2, ' ', &v))
		return false;
	out->state = (uint8_t)v;
	if (!take_hex(c, 8, ':', &v) || !take_hex(c, 8, ' ', &w))
		return false;
	out->send_q = (uint32_t)v;
	out->recv_q = (uint32_t)w;
	if (!take_hex(c, 2, ':', &v))
		return false;
	out->timer = (uint8_t)v;
	/* tm->when is %08lX: 8 digits, more for a large (or old kernels' negative) one. */
	for (n = 8; n < 16 && c->p + n < c->end && c->p[n] != ' '; n++)
		;
	if (!take_hex(c, n, ' ', &w))
		return false;
	out->timer_ms = out->timer == TCPSTAT_TIMER_OFF ? 0 : ticks_to_ms(w, hz);
	/* (7) ends at a blank, which (8) skips. */
	if ((size_t)(c->end - c->p) <= 8 || !hex8(c->p, &v) || c->p[8] != ' ')
		return false;
	out->retrans = (uint32_t)v;
	c->p += 8;
	return true;
}

/* Fields (2) to (7) token by token. Returns 0, or the field at fault. */
static int middle_tokens(struct cursor *c, int family, long hz, struct tcpstat_sock *out)
{
	const char *tok, *right;
	size_t tok_len, left_len, right_len;
	uint64_t v, w;

	/* (2) local_address, (3) rem_address */
	if (!next_token(c, &tok, &tok_len) ||
	    !parse_endpoint(tok, tok_len, family, out->local_addr, &out->local_port))
		return PROCFS_FIELD_LOCAL;
	if (!next_token(c, &tok, &tok_len) ||
	    !parse_endpoint(tok, tok_len, family, out->peer_addr, &out->peer_port))
		return PROCFS_FIELD_REMOTE;
	/* (4) st: "0A" */
	if (!next_token(c, &tok, &tok_len) || !parse_hex_max(tok, tok_len, 2, 0xff, &v))
		return PROCFS_FIELD_ST;
	out->state = (uint8_t)v;
	/* (5) tx_queue:rx_queue */
	if (!next_token(c, &tok, &tok_len) ||
	    !split_colon(tok, tok_len, &left_len, &right, &right_len) ||
	    !parse_hex_max(tok, left_len, 8, UINT32_MAX, &v) ||
	    !parse_hex_max(right, right_len, 8, UINT32_MAX, &w))
		return PROCFS_FIELD_QUEUES;
	out->send_q = (uint32_t)v;
	out->recv_q = (uint32_t)w;
	/* (6) tr:tm->when */
	if (!next_token(c, &tok, &tok_len) ||
	    !split_colon(tok, tok_len, &left_len, &right, &right_len) ||
	    !parse_hex_max(tok, left_len, 2, 0xff, &v) ||
	    !parse_hex_max(right, right_len, 16, UINT64_MAX, &w))
		return PROCFS_FIELD_TIMER;
	out->timer = (uint8_t)v;
	out->timer_ms = out->timer == TCPSTAT_TIMER_OFF ? 0 : ticks_to_ms(w, hz);
	/* (7) retrnsmt */
	if (!next_token(c, &tok, &tok_len) || !parse_hex_max(tok, tok_len, 8, UINT32_MAX, &v))
		return PROCFS_FIELD_RETRNSMT;
	out->retrans = (uint32_t)v;
	return 0;
}

int procfs_parse_line(const char *line, size_t len, int family, long hz,
		      struct tcpstat_sock *out)
{
	struct cursor c = { line, line + len }, middle;
	const char *tok;
	size_t tok_len;
	uint64_t v;
	int field;

	if (family != AF_INET && family != AF_INET6)
		return PROCFS_FIELD_LOCAL;
	if (hz <= 0)
		hz = 100;
	memset(out, 0, sizeof(*out));
	out->family = (uint8_t)family;

	/* (1) sl: "12:" */
	if (!next_token(&c, &tok, &tok_len) || tok_len < 2 || tok[tok_len - 1] != ':' ||
	    !parse_dec(tok, tok_len - 1, UINT64_MAX, &v))
		return PROCFS_FIELD_SL;
	/* (2) to (7): the kernel's fixed widths, else token by token. */
	middle = c;
	if (!middle_fixed(&middle, family, hz, out)) {
		field = middle_tokens(&c, family, hz, out);
		if (field != 0)
			return field;
		middle = c;
	}
	c = middle;
	/* (8) uid */
	if (!take_dec(&c, UINT32_MAX, &v))
		return PROCFS_FIELD_UID;
	out->uid = (uint32_t)v;
	/* (9) timeout: unanswered probes */
	if (!take_dec(&c, UINT32_MAX, &v))
		return PROCFS_FIELD_TIMEOUT;
	out->probes = (uint32_t)v;
	/* (10) inode; what follows (refcount, pointer, rto ...) is not used. */
	if (!take_dec(&c, UINT64_MAX, &v))
		return PROCFS_FIELD_INODE;
	out->inode = v;
	return 0;
}

const char *procfs_field_name(int field)
{
	static const char *const names[] = {
		[PROCFS_FIELD_SL] = "sl",
		[PROCFS_FIELD_LOCAL] = "local_address",
		[PROCFS_FIELD_REMOTE] = "rem_address",
		[PROCFS_FIELD_ST] = "st",
		[PROCFS_FIELD_QUEUES] = "tx_queue:rx_queue",
		[PROCFS_FIELD_TIMER] = "tr:tm->when",
		[PROCFS_FIELD_RETRNSMT] = "retrnsmt",
		[PROCFS_FIELD_UID] = "uid",
		[PROCFS_FIELD_TIMEOUT] = "timeout",
		[PROCFS_FIELD_INODE] = "inode",
	};

	if (field <= 0 || field > PROCFS_FIELD_INODE)
		return "?";
	return names[field];
}

static int bad_line(struct tcpstat_error *err, const char *name, unsigned long line_no,
		    const char *what)
{
	err->errnum = 0;
	snprintf(err->msg, sizeof(err->msg), "%s:%lu: %s", name, line_no, what);
	return -EBADMSG;
}

/* The header names the columns: "  sl  local_address rem_address   st ..." */
static bool is_header(const char *line, size_t len)
{
	struct cursor c = { line, line + len };
	const char *tok;
	size_t tok_len;

	return next_token(&c, &tok, &tok_len) && tok_len == 2 && !memcmp(tok, "sl", 2) &&
	       next_token(&c, &tok, &tok_len) && tok_len == 13 &&
	       !memcmp(tok, "local_address", 13);
}

struct line_reader {
	procfs_fill_fn *fill;
	void *ctx;
	char *buf;
	size_t start, end;     /* unconsumed bytes are buf[start, end) */
	bool eof;
};

/*
 * The next whole line (without '\n'), filled ahead as needed: a line may
 * straddle two fills, its head is moved to the front first. Returns 1 with
 * *line set, 0 at a clean end of file, -EBADMSG for a last line without
 * '\n' or a line longer than the buffer, or the fill's -errno.
 */
static int read_line(struct line_reader *r, const char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		ssize_t n;

		if (nl) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			return 1;
		}
		if (r->eof)
			return r->end == r->start ? 0 : -EBADMSG;
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == PROCFS_READ_BUF)
			return -EBADMSG;
		n = r->fill(r->ctx, r->buf + r->end, PROCFS_READ_BUF - r->end);
		if (n < 0)
			return (int)n;
		if (n == 0)
			r->eof = true;
		r->end += (size_t)n;
	}
}

static int dump_lines(struct line_reader *r, const char *name, int family, long hz,
		      tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	unsigned long line_no = 0;
	const char *line = NULL;
	size_t len = 0;
	int rc;

	while ((rc = read_line(r, &line, &len)) > 0) {
		struct tcpstat_sock sock;
		int field;

		if (++line_no == 1) {
			if (!is_header(line, len))
				return bad_line(err, name, line_no, "not a /proc/net/tcp header");
			continue;
		}
		field = procfs_parse_line(line, len, family, hz, &sock);
		if (field != 0) {
			char what[64];

			snprintf(what, sizeof(what), "malformed field %d (%s)", field,
				 procfs_field_name(field));
			return bad_line(err, name, line_no, what);
		}
		rc = emit(&sock, arg);
		if (rc != 0)
			return rc;
	}
	if (rc == -EBADMSG)
		return bad_line(err, name, line_no + 1, "truncated or overlong line");
	if (rc < 0)
		return err_set(err, -rc, "%s: read error", name);
	if (line_no == 0)
		return bad_line(err, name, 1, "empty file, expected a header");
	return 0;
}

int procfs_dump_from(procfs_fill_fn *fill, void *ctx, const char *name, int family, long hz,
		     tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	struct line_reader r = { .fill = fill, .ctx = ctx };
	int rc;

	/* On the heap: the buffer is as large as one read, which is large. */
	r.buf = malloc(PROCFS_READ_BUF);
	if (!r.buf)
		return err_set(err, ENOMEM, "%s: read buffer", name);
	rc = dump_lines(&r, name, family, hz, emit, arg, err);
	free(r.buf);
	return rc;
}

/* A read() of fd as a fill: bytes read, 0 at the end, or -errno. */
static ssize_t fill_fd(void *ctx, char *dst, size_t cap)
{
	int fd = *(const int *)ctx;

	for (;;) {
		ssize_t n = read(fd, dst, cap);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

int procfs_dump_fd(int fd, const char *name, int family, long hz,
		   tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	return procfs_dump_from(fill_fd, &fd, name, family, hz, emit, arg, err);
}

static int dump_file(const char *path, int family, bool missing_ok, long hz,
		     tcpstat_emit_fn *emit, void *arg, struct tcpstat_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return err_set(err, errno, "cannot open %s", path);
	}
	rc = procfs_dump_fd(fd, path, family, hz, emit, arg, err);
	close(fd);
	return rc;
}

int procfs_dump(const struct filter *f, tcpstat_emit_fn *emit, void *arg,
		struct tcpstat_error *err)
{
	return procfs_dump_root("/proc", f, emit, arg, err);
}

/* Opens path and starts reading it into a: the fd, or -1 with nothing started. */
static int open_ahead(const char *path, struct procfs_ahead *a)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && procfs_ahead_start(a, fd) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void stop_ahead(struct procfs_ahead *a, int fd)
{
	if (fd < 0)
		return;
	procfs_ahead_stop(a);
	close(fd);
}

/*
 * Both files at once: a reader thread for each reads its file into a
 * bounded queue (the kernel walks its table in the reader) while this
 * thread parses tcp's chunks, then tcp6's: the order is the sequential
 * one, and the two walks overlap each other and the parsing. A file that
 * cannot be opened, or whose thread does not start, is read here in its
 * turn, with the sequential path's errors.
 */
static int dump_both(const char *path4, const char *path6, long hz, tcpstat_emit_fn *emit,
		     void *arg, struct tcpstat_error *err)
{
	struct procfs_ahead a4, a6;
	int fd4 = open_ahead(path4, &a4);
	int fd6 = open_ahead(path6, &a6);
	int rc = fd4 >= 0 ? procfs_dump_chunks(&a4.q, path4, AF_INET, hz, emit, arg, err)
			  : dump_file(path4, AF_INET, false, hz, emit, arg, err);

	if (rc == 0)
		rc = fd6 >= 0 ? procfs_dump_chunks(&a6.q, path6, AF_INET6, hz, emit, arg, err)
			      : dump_file(path6, AF_INET6, true, hz, emit, arg, err);
	stop_ahead(&a4, fd4);
	stop_ahead(&a6, fd6);
	return rc;
}

int procfs_dump_root(const char *root, const struct filter *f, tcpstat_emit_fn *emit,
		     void *arg, struct tcpstat_error *err)
{
	long hz = sysconf(_SC_CLK_TCK);
	char path[PROCFS_ROOT_MAX + sizeof("/net/tcp6")];
	int rc = 0;

	if (strlen(root) > PROCFS_ROOT_MAX)
		return err_set(err, ENAMETOOLONG, "%s", root);
	/* TCPSTAT_PROC_SEQUENTIAL=1 (tests, benchmarks): tcp6 only after tcp. */
	if (filter_may_family(f, AF_INET) && filter_may_family(f, AF_INET6) &&
	    !env_switch("TCPSTAT_PROC_SEQUENTIAL")) {
		char path6[sizeof(path)];

		snprintf(path, sizeof(path), "%s/net/tcp", root);
		snprintf(path6, sizeof(path6), "%s/net/tcp6", root);
		return dump_both(path, path6, hz, emit, arg, err);
	}
	if (filter_may_family(f, AF_INET)) {
		snprintf(path, sizeof(path), "%s/net/tcp", root);
		rc = dump_file(path, AF_INET, false, hz, emit, arg, err);
	}
	/* Without IPv6 in the kernel there is no tcp6 file and no IPv6 socket. */
	if (rc == 0 && filter_may_family(f, AF_INET6)) {
		snprintf(path, sizeof(path), "%s/net/tcp6", root);
		rc = dump_file(path, AF_INET6, true, hz, emit, arg, err);
	}
	return rc;
}
