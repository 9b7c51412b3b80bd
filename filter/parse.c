/*
 * parse.c - ss's filter language into the filter tree, by recursive
 * descent over a stream of tokens.
 *
 *   applet  := { ("state" | "exclude" | "excl") STATE } [list]
 *   list    := expr { [("and" | "&&" | "&" | "or" | "||" | "|")] expr }
 *   expr    := "(" list ")" | ("!" | "not") expr | predicate
 *
 * As in ss's grammar, "and" and "or" have the same precedence and group
 * from the left ("a or b and c" is "(a or b) and c"), and two expressions
 * side by side mean "and". Tokens are the words split on white space;
 * "(", ")" and a leading "!" are tokens of their own even when glued to a
 * word ("(sport", ":80)"), so quoted and unquoted expressions read alike.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"
#include "states.h"

/* The kernel's PID_MAX_LIMIT, as --pid checks it. */
#define PID_MAX 4194304
/* Words shown after "after" in a message, and bytes of each. */
#define CONTEXT_WORDS 4
#define SHOWN_BYTES 24

struct tok {
	const char *s;    /* NULL: the end */
	size_t len;
};

struct parser {
	struct filter *f;
	const struct filter_parse_env *env;
	struct tcpstat_error *err;
	char *const *words;
	size_t n_words, next_word;
	const char *p;                  /* the rest of the word being split */
	struct tok cur;                 /* the token to judge next */
	unsigned word;                  /* its number, from 1 */
	struct tok prev[CONTEXT_WORDS]; /* the tokens before it, oldest first */
	unsigned n_prev;
	unsigned depth;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void remember(struct parser *ps)
{
	if (ps->n_prev == CONTEXT_WORDS) {
		memmove(ps->prev, ps->prev + 1, sizeof(ps->prev) - sizeof(ps->prev[0]));
		ps->n_prev--;
	}
	ps->prev[ps->n_prev++] = ps->cur;
}

/* Moves to the next token. */
static void lex(struct parser *ps)
{
	const char *s;

	if (ps->cur.s)
		remember(ps);
	ps->word++;
	for (;;) {
		while (ps->p && is_space(*ps->p))
			ps->p++;
		if (ps->p && *ps->p)
			break;
		if (ps->next_word == ps->n_words) {
			ps->cur = (struct tok){ NULL, 0 };
			return;
		}
		ps->p = ps->words[ps->next_word++];
	}
	s = ps->p;
	if (*s == '(' || *s == ')' || (*s == '!' && s[1] != '='))
		ps->cur.len = 1;
	else
		ps->cur.len = strcspn(s, " \t\n\r\v\f()");
	ps->cur.s = s;
	ps->p += ps->cur.len;
}

static bool is(const struct tok *t, const char *word)
{
	return t->s && t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

static bool is_and(const struct tok *t)
{
	return is(t, "and") || is(t, "&&") || is(t, "&");
}

static bool is_or(const struct tok *t)
{
	return is(t, "or") || is(t, "||") || is(t, "|");
}

/* Tokens that can never be a value: their place says the value is missing. */
static bool is_syntax(const struct tok *t)
{
	return !t->s || is_and(t) || is_or(t) || is(t, "not") || is(t, "!") ||
	       is(t, "(") || is(t, ")");
}

/* " (after 'a b c')", or nothing at the start. */
static void context(const struct parser *ps, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (ps->n_prev == 0)
		return;
	n += (size_t)snprintf(buf, size, " (after '");
	for (unsigned i = 0; i < ps->n_prev && n < size; i++) {
		const struct tok *t = &ps->prev[i];
		int shown = t->len > SHOWN_BYTES ? SHOWN_BYTES : (int)t->len;

		n += (size_t)snprintf(buf + n, size - n, "%s%.*s%s", i ? " " : "", shown, t->s,
				      t->len > SHOWN_BYTES ? "..." : "");
	}
	if (n < size)
		snprintf(buf + n, size - n, "')");
}

static int unexpected(struct parser *ps)
{
	char after[CONTEXT_WORDS * (SHOWN_BYTES + 4) + 16];
	int shown = ps->cur.len > SHOWN_BYTES ? SHOWN_BYTES : (int)ps->cur.len;

	context(ps, after, sizeof(after));
	if (!ps->cur.s)
		return err_set(ps->err, 0, "filter: unexpected end at word %u%s", ps->word, after);
	return err_set(ps->err, 0, "filter: unexpected '%.*s%s' at word %u%s", shown, ps->cur.s,
		       ps->cur.len > SHOWN_BYTES ? "..." : "", ps->word, after);
}

/* The current token is a bad value: what it was meant to be, and what is allowed. */
static int invalid(struct parser *ps, const char *what, const char *expected)
{
	int shown = ps->cur.len > SHOWN_BYTES ? SHOWN_BYTES : (int)ps->cur.len;

	return err_set(ps->err, 0, "filter: invalid %s '%.*s%s' at word %u (expected %s)", what,
		       shown, ps->cur.s, ps->cur.len > SHOWN_BYTES ? "..." : "", ps->word,
		       expected);
}

/* A value token: present and not syntax, else the error is "unexpected". */
static int need_value(struct parser *ps)
{
	return is_syntax(&ps->cur) ? unexpected(ps) : 0;
}

enum cmp { CMP_NONE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

static enum cmp cmp_of(const struct tok *t)
{
	if (is(t, "=") || is(t, "==") || is(t, "eq"))
		return CMP_EQ;
	if (is(t, "!=") || is(t, "ne") || is(t, "neq"))
		return CMP_NE;
	if (is(t, "<") || is(t, "lt"))
		return CMP_LT;
	if (is(t, "<=") || is(t, "le") || is(t, "leq"))
		return CMP_LE;
	if (is(t, ">") || is(t, "gt"))
		return CMP_GT;
	if (is(t, ">=") || is(t, "ge") || is(t, "geq"))
		return CMP_GE;
	return CMP_NONE;
}

/* The comparison at the current token, consumed; CMP_NONE (nothing consumed) if none. */
static enum cmp take_cmp(struct parser *ps)
{
	enum cmp c = cmp_of(&ps->cur);

	if (c != CMP_NONE)
		lex(ps);
	return c;
}

/* Digits only, no sign, at most max. */
static bool parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* A port: digits or a service name (s, len bytes). */
static bool parse_port(const char *s, size_t len, uint64_t *port)
{
	char name[64];
	const struct servent *se;

	if (parse_u64(s, len, 65535, port))
		return true;
	if (len == 0 || len >= sizeof(name) || (s[0] >= '0' && s[0] <= '9'))
		return false;
	memcpy(name, s, len);
	name[len] = '\0';
	se = getservbyname(name, "tcp");
	if (!se)
		return false;
	*port = ntohs((uint16_t)se->s_port);
	return true;
}

static int false_node(struct filter *f)
{
	return filter_add(f, &(struct filter_node){ .op = FILTER_FALSE });
}

static int true_node(struct filter *f)
{
	return filter_add(f, &(struct filter_node){ .op = FILTER_TRUE });
}

/* What a comparison is about. */
#define SIDE_EITHER 2
struct subject {
	enum filter_op op;   /* FILTER_PORT, or a number leaf */
	int side;            /* for PORT: FILTER_LOCAL, FILTER_PEER or SIDE_EITHER */
	uint64_t max;
};

static int range_leaf(struct filter *f, const struct subject *w, uint64_t lo, uint64_t hi)
{
	struct tcpstat_port_range r = { (uint16_t)lo, (uint16_t)hi };

	if (w->op != FILTER_PORT)
		return filter_leaf_num(f, w->op, lo, hi);
	if (w->side != SIDE_EITHER)
		return filter_leaf_ports(f, (enum filter_side)w->side, r);
	return filter_or(f, filter_leaf_ports(f, FILTER_LOCAL, r),
			 filter_leaf_ports(f, FILTER_PEER, r));
}

/* subject c v: a range leaf, FALSE when the range is empty, != as NOT =. */
static int compare(struct filter *f, const struct subject *w, enum cmp c, uint64_t v)
{
	uint64_t lo = 0, hi = w->max;

	switch (c) {
	case CMP_NONE:
	case CMP_EQ:
	case CMP_NE:
		lo = hi = v;
		break;
	case CMP_LT:
		if (v == 0)
			return false_node(f);
		hi = v - 1;
		break;
	case CMP_LE:
		hi = v;
		break;
	case CMP_GT:
		if (v == w->max)
			return false_node(f);
		lo = v + 1;
		break;
	case CMP_GE:
		lo = v;
		break;
	}
	return c == CMP_NE ? filter_not(f, range_leaf(f, w, lo, hi)) : range_leaf(f, w, lo, hi);
}

/* sport, dport, port [OP] [*]:PORT */
static int port_predicate(struct parser *ps, int side)
{
	struct subject w = { FILTER_PORT, side, 65535 };
	enum cmp c = take_cmp(ps);
	const char *s = ps->cur.s;
	size_t len = ps->cur.len;
	uint64_t port;
	int rc = need_value(ps);

	if (rc < 0)
		return rc;
	if (len >= 2 && s[0] == '*' && s[1] == ':') {
		s += 2;
		len -= 2;
	} else if (len >= 1 && s[0] == ':') {
		s++;
		len--;
	}
	if (!parse_port(s, len, &port))
		return invalid(ps, "port", "0-65535 or a service name, as :80 or :http");
	lex(ps);
	return compare(ps->f, &w, c, port);
}

static void clear_past_prefix(uint8_t *addr, unsigned bytes, unsigned bits)
{
	for (unsigned i = 0; i < bytes; i++) {
		if (bits >= 8 * (i + 1))
			continue;
		addr[i] &= bits > 8 * i ? (uint8_t)(0xff << (8 - (bits - 8 * i))) : 0;
	}
}

/* ADDR[/LEN] (text, NUL-terminated; v6 only if bracketed or bare) into p. */
static bool parse_addr(char *text, bool v4_ok, struct tcpstat_prefix *p)
{
	char *slash = strchr(text, '/');
	unsigned max;
	uint64_t bits;

	if (slash)
		*slash = '\0';
	memset(p, 0, sizeof(*p));
	if (v4_ok && inet_pton(AF_INET, text, p->addr) == 1) {
		p->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, p->addr) == 1) {
		p->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	bits = max;
	if (slash && !parse_u64(slash + 1, strlen(slash + 1), max, &bits))
		return false;
	p->len = (uint8_t)bits;
	clear_past_prefix(p->addr, max / 8, p->len);
	return true;
}

/* Splits a host condition into address (maybe "") and port (maybe NULL). */
static bool split_host(char *text, char **addr, char **port)
{
	char *close, *colon;

	*port = NULL;
	if (text[0] == '*') {
		bool ok = text[1] == '\0' || text[1] == ':';

		if (text[1] == ':')
			*port = text + 2;
		text[0] = '\0';
		*addr = text;   /* empty: any address */
		return ok;
	}
	if (text[0] == '[') {
		close = strchr(text, ']');
		if (!close)
			return false;
		*close = '\0';
		*addr = text + 1;
		/* "[::1]/64" as "[::1/64]": the length moves inside. */
		if (close[1] == '/') {
			char *rest = close + 1, *after = strchr(rest, ':');

			if (after) {
				*after = '\0';
				*port = after + 1;
			}
			memmove(close, rest, strlen(rest) + 1);
			return true;
		}
		if (close[1] == ':')
			*port = close + 2;
		return close[1] == '\0' || close[1] == ':';
	}
	*addr = text;
	colon = strchr(text, ':');
	/* Two colons or more: a bare IPv6 address; a port only after "/LEN", as ss. */
	if (colon && strchr(colon + 1, ':')) {
		char *slash = strchr(text, '/');

		colon = slash ? strchr(slash, ':') : NULL;
		if (colon) {
			*colon = '\0';
			*port = colon + 1;
		}
		return true;
	}
	if (colon) {
		*colon = '\0';
		*port = colon + 1;
	}
	return true;
}

/* src, dst [= | !=] HOST: ADDR[/LEN][:PORT], [V6][/LEN][:PORT], *:PORT */
static int host_predicate(struct parser *ps, enum filter_side side)
{
	struct subject w = { FILTER_PORT, side, 65535 };
	enum cmp c = cmp_of(&ps->cur);
	char text[96], *addr, *port;
	struct tcpstat_prefix p;
	uint64_t port_no = 0;
	int node = -1, rc;
	bool bracketed;

	/* Only = and != mean something for an address. */
	if (c != CMP_NONE && c != CMP_EQ && c != CMP_NE)
		return unexpected(ps);
	if (c != CMP_NONE)
		lex(ps);
	if ((rc = need_value(ps)) < 0)
		return rc;
	if (ps->cur.len >= sizeof(text))
		goto bad;
	memcpy(text, ps->cur.s, ps->cur.len);
	text[ps->cur.len] = '\0';
	bracketed = text[0] == '[';
	if (!split_host(text, &addr, &port))
		goto bad;
	if (port && strcmp(port, "*") != 0 && !parse_port(port, strlen(port), &port_no))
		goto bad;
	if (port && strcmp(port, "*") == 0)
		port = NULL;
	if (addr[0] != '\0') {
		if (!parse_addr(addr, !bracketed, &p))
			goto bad;
		/* As ss: 0.0.0.0/0 is any address, of either family. */
		node = p.len == 0 && p.family == AF_INET ? true_node(ps->f)
							 : filter_leaf_prefix(ps->f, side, &p);
	}
	if (port)
		node = node == -1 ? compare(ps->f, &w, CMP_EQ, port_no)
				  : filter_and(ps->f, node, compare(ps->f, &w, CMP_EQ, port_no));
	if (node == -1)
		node = true_node(ps->f);
	lex(ps);
	return c == CMP_NE ? filter_not(ps->f, node) : node;
bad:
	return invalid(ps, "address", "ADDR[/LEN][:PORT], [IPV6][:PORT] or *:PORT");
}

/* A number after a comparison, which must be there. */
static int number_predicate(struct parser *ps, enum filter_op op, uint64_t max)
{
	struct subject w = { op, 0, max };
	enum cmp c = take_cmp(ps);
	char expected[48];
	uint64_t v;
	int rc;

	if (c == CMP_NONE)
		return unexpected(ps);
	if ((rc = need_value(ps)) < 0)
		return rc;
	if (!parse_u64(ps->cur.s, ps->cur.len, max, &v)) {
		snprintf(expected, sizeof(expected), "0-%llu", (unsigned long long)max);
		return invalid(ps, "number", expected);
	}
	lex(ps);
	return compare(ps->f, &w, c, v);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "5s", "1.5s", "200ms": milliseconds, at most UINT32_MAX. */
static bool parse_duration(const char *s, size_t len, uint64_t *ms)
{
	uint64_t whole = 0, thousandths = 0, total;
	unsigned frac_digits = 0;
	size_t i = 0;

	for (; i < len && is_digit(s[i]); i++) {
		if (whole > UINT32_MAX)
			return false;
		whole = whole * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return false;
	if (i < len && s[i] == '.') {
		for (i++; i < len && is_digit(s[i]); i++) {
			if (++frac_digits > 3)
				return false;
			thousandths = thousandths * 10 + (uint64_t)(s[i] - '0');
		}
		if (frac_digits == 0)
			return false;
		for (unsigned k = frac_digits; k < 3; k++)
			thousandths *= 10;
	}
	if (len - i == 1 && s[i] == 's')
		total = whole * 1000 + thousandths;
	else if (len - i == 2 && s[i] == 'm' && s[i + 1] == 's' && frac_digits == 0)
		total = whole;
	else
		return false;
	if (total > UINT32_MAX)
		return false;
	*ms = total;
	return true;
}

static int timer_predicate(struct parser *ps)
{
	struct subject w = { FILTER_TIMER, 0, UINT32_MAX };
	enum cmp c = take_cmp(ps);
	uint64_t ms;
	int rc;

	if (c == CMP_NONE)
		return unexpected(ps);
	if ((rc = need_value(ps)) < 0)
		return rc;
	if (!parse_duration(ps->cur.s, ps->cur.len, &ms))
		return invalid(ps, "duration", "a number of s or ms, as 5s or 1.5s or 200ms");
	lex(ps);
	return compare(ps->f, &w, c, ms);
}

/* pid = N, program = NAME, and their !=. */
static int owner_predicate(struct parser *ps, bool pid)
{
	enum cmp c = cmp_of(&ps->cur);
	char name[TCPSTAT_COMM_MAX];
	uint64_t v;
	int rc, node;

	if (c != CMP_EQ && c != CMP_NE)
		return unexpected(ps);
	lex(ps);
	if ((rc = need_value(ps)) < 0)
		return rc;
	if (pid) {
		if (!parse_u64(ps->cur.s, ps->cur.len, PID_MAX, &v) || v == 0)
			return invalid(ps, "pid", "1-4194304");
		node = filter_leaf_pid(ps->f, (uint32_t)v);
	} else {
		size_t len = ps->cur.len < sizeof(name) - 1 ? ps->cur.len : sizeof(name) - 1;

		memcpy(name, ps->cur.s, len);
		name[len] = '\0';
		node = filter_leaf_program(ps->f, name);
	}
	lex(ps);
	return c == CMP_NE ? filter_not(ps->f, node) : node;
}

static int predicate(struct parser *ps)
{
	struct tok t = ps->cur;

	if (is(&t, "sport") || is(&t, "dport") || is(&t, "port")) {
		lex(ps);
		return port_predicate(ps, is(&t, "sport") ? FILTER_LOCAL
					  : is(&t, "dport") ? FILTER_PEER : SIDE_EITHER);
	}
	if (is(&t, "src") || is(&t, "dst")) {
		lex(ps);
		return host_predicate(ps, is(&t, "src") ? FILTER_LOCAL : FILTER_PEER);
	}
	if (is(&t, "autobound")) {
		lex(ps);
		return filter_leaf_autobound(ps->f, ps->env->ephemeral);
	}
	if (is(&t, "uid") || is(&t, "rq") || is(&t, "sq")) {
		lex(ps);
		return number_predicate(ps, is(&t, "uid") ? FILTER_UID : is(&t, "rq") ? FILTER_RQ
										     : FILTER_SQ,
					UINT32_MAX);
	}
	if (is(&t, "inode")) {
		lex(ps);
		return number_predicate(ps, FILTER_INODE, UINT64_MAX);
	}
	if (is(&t, "timer")) {
		lex(ps);
		return timer_predicate(ps);
	}
	if (is(&t, "pid") || is(&t, "program")) {
		lex(ps);
		return owner_predicate(ps, is(&t, "pid"));
	}
	return unexpected(ps);
}

static int list(struct parser *ps);

static int expr_inner(struct parser *ps)
{
	int node;

	if (is(&ps->cur, "(")) {
		lex(ps);
		node = list(ps);
		if (node < 0)
			return node;
		if (!is(&ps->cur, ")"))
			return unexpected(ps);
		lex(ps);
		return node;
	}
	if (is(&ps->cur, "!") || is(&ps->cur, "not")) {
		lex(ps);
		if (++ps->depth > FILTER_MAX_DEPTH)
			return err_set(ps->err, 0, "filter: nested too deep at word %u (at most %d levels)",
				       ps->word, FILTER_MAX_DEPTH);
		node = expr_inner(ps);
		ps->depth--;
		return node < 0 ? node : filter_not(ps->f, node);
	}
	return predicate(ps);
}

static int expr(struct parser *ps)
{
	int node;

	if (++ps->depth > FILTER_MAX_DEPTH)
		return err_set(ps->err, 0, "filter: nested too deep at word %u (at most %d levels)",
			       ps->word, FILTER_MAX_DEPTH);
	node = expr_inner(ps);
	ps->depth--;
	return node;
}

static int list(struct parser *ps)
{
	int node = expr(ps);

	while (node >= 0 && ps->cur.s && !is(&ps->cur, ")")) {
		bool or = is_or(&ps->cur);

		if (or || is_and(&ps->cur))
			lex(ps);
		node = or ? filter_or(ps->f, node, expr(ps)) : filter_and(ps->f, node, expr(ps));
	}
	return node;
}

/* ss's leading "state NAME" and "exclude NAME" words: -1 if none, else a STATES leaf. */
static int leading_states(struct parser *ps)
{
	uint32_t states = 0, mask;
	bool seen = false;

	while (is(&ps->cur, "state") || is(&ps->cur, "exclude") || is(&ps->cur, "excl")) {
		bool exclude = !is(&ps->cur, "state");
		int rc;

		lex(ps);
		if ((rc = need_value(ps)) < 0)
			return rc;
		if (!filter_state_word(ps->cur.s, ps->cur.len, &mask))
			return invalid(ps, "state", "a state or group name, see --help");
		if (!seen)
			states = exclude ? TCPSTAT_STATES_ALL : 0;
		seen = true;
		states = exclude ? states & ~mask : states | mask;
		lex(ps);
	}
	return seen ? filter_leaf_states(ps->f, states) : -1;
}

static int applet(struct parser *ps)
{
	int states = leading_states(ps), node = -1;

	if (states < -1)
		return states;
	if (ps->cur.s) {
		node = list(ps);
		if (node >= 0 && ps->cur.s)
			return unexpected(ps);   /* a ")" without its "(" */
		if (node < 0)
			return node;
	}
	if (states >= 0)
		node = node < 0 ? states : filter_and(ps->f, states, node);
	return node;
}

int filter_parse(struct filter *f, size_t n, char *const *words,
		 const struct filter_parse_env *env, struct tcpstat_error *err)
{
	struct parser ps = { .f = f, .env = env, .err = err, .words = words, .n_words = n };
	int node;

	lex(&ps);
	node = applet(&ps);
	if (node == -ENOSPC)
		return err_set(err, 0, "filter: too long at word %u (at most %d nodes)", ps.word,
			       FILTER_MAX_NODES);
	if (node < -1)
		return node;
	if (node == -1)
		return 0;
	node = filter_require(f, node);
	if (node < 0)
		return err_set(err, 0, "filter: too long at word %u (at most %d nodes)", ps.word,
			       FILTER_MAX_NODES);
	return 0;
}
