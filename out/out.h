/*
 * out.h - every output goes through one of these formats: the table
 * (netstat's columns, or -O's), JSON Lines, and more to come (Prometheus).
 * A format is a small set of operations over one struct out; the fields
 * they print are defined once, in fields.c. Formats know nothing of
 * backends or filters: they are handed records, events and counts.
 */
#ifndef TCPSTAT_OUT_H
#define TCPSTAT_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fields.h"
#include "ifnames.h"
#include "users.h"
#include "tcpstat.h"

enum out_kind { OUT_TABLE, OUT_JSON, OUT_PROM };

/* What the command line chose, resolved: the format and its columns. */
struct out_config {
	enum out_kind kind;
	bool header;          /* table: print the header line */
	bool plain;           /* table, -O with -H: one space between fields, no padding */
	bool owners;          /* rows carry owners that are to be shown (-P, -O process) */
	bool netns;           /* namespaces were asked for: JSON and -E name each row's */
	bool numeric_users;   /* -n: the User column shows uids, not names */
	unsigned n_columns;   /* table: the columns, field ids in order */
	uint8_t columns[OUT_MAX_COLUMNS];
	unsigned metrics_top; /* prom: TIME_WAIT ports shown on their own (--metrics-top) */
	bool metrics_info;    /* prom: -i, RTT and retransmission histograms */
};

/* A change of a socket, for -E. */
enum out_event_kind { OUT_EVENT_NEW, OUT_EVENT_CHANGE, OUT_EVENT_GONE, OUT_EVENT_GONE_UNSEEN };

/*
 * What a source that hears each change from the kernel (events/bpf.c)
 * knows beyond the polling source; the table and JSON show it only when
 * given.
 */
struct out_event_detail {
	uint64_t time_us;             /* the wall time of the change, us since the epoch */
	uint64_t in_state_us;         /* CHANGE: time in old_state; GONE: in its state */
	uint32_t task_pid;            /* the task running at the change; 0: none */
	bool in_state_known;          /* in_state_us is known */
	char task_comm[TCPSTAT_COMM_MAX];
};

struct out_event {
	enum out_event_kind kind;
	const char *stamp;            /* the time, "13:02:11.204" */
	const struct tcpstat_sock *s; /* its endpoints and (new) state */
	uint8_t old_state;            /* CHANGE */
	uint64_t seen_ms;             /* GONE: how long tcpstat saw it */
	const struct out_event_detail *detail;   /* NULL: the polling source */
	const char *netns;            /* its namespace's label (cfg->netns), else NULL */
	/* Its owners, carried from when it had a descriptor (cfg->owners), else NULL. */
	const struct tcpstat_owners *owners;
	const char *timestamp;        /* -j: RFC 3339 to the microsecond, else NULL */
	/*
	 * GONE: it was there before tcpstat (in its first poll; for the eBPF
	 * source, a minisocket it did not see begin), so seen_ms counts from
	 * tcpstat's start, not the socket's.
	 */
	bool older;
	/* GONE, the polling source: in_state_ms, its time in its state, is known (TIME_WAIT). */
	bool in_state_known;
	uint64_t in_state_ms;
};

/* The per-state counts of -S: by_state[1..11], and the total (any state). */
struct out_summary {
	unsigned long by_state[TCPSTAT_STATE_MAX + 1];
	unsigned long total;
	const char *netns;       /* one namespace's (--all-netns), else NULL: all */
	uint64_t netns_ino;
};

/* What the mode knows once the last row is out, for formats that write then (prom). */
struct out_end {
	const char *backend;    /* the backend that answered ("netlink", "proc") */
	bool backlog_known;     /* a listener's send_q is its backlog (not /proc's 0) */
	uint64_t duration_ns;   /* how long the listing took */
	/* Namespaces asked for: every one read, in order, by label (rows or not). */
	const char *const *netns;
	size_t n_netns;
};

struct out;

/*
 * A format. Each operation writes to o->line (which goes to o->f in large
 * pieces) and returns 0, or -1 when a write failed (and the stream's error
 * says why).
 */
struct out_format {
	int (*begin)(struct out *o);     /* before the first row: the header, if any */
	int (*row)(struct out *o, const struct out_row *r);
	int (*event)(struct out *o, const struct out_event *e);
	int (*summary)(struct out *o, const struct out_summary *s);
	int (*count)(struct out *o, unsigned long n);
	/* After the last row of a listing; a no-op but where rows are aggregated (prom). */
	int (*end)(struct out *o, const struct out_end *e);
	/* Frees what o->state holds besides itself (out_close); NULL: nothing. */
	void (*close)(struct out *o);
};

/* Output is gathered here and written in large pieces (and by out_flush). */
#define OUT_BATCH (64 * 1024)

/*
 * A table cell: how it is written, chosen once per listing from its
 * field's alignment and place (table.c), so a row is one call per cell.
 */
struct out_cell {
	void (*write)(struct line *l, const struct out_cell *c, const struct out_row *r);
	const struct out_field *f;
	/* The field's, copied here: one load less per cell of every row. */
	void (*put)(struct line *l, const struct out_row *r, bool plain);
	uint64_t (*number)(const struct out_row *r);
	uint8_t width;     /* the field's */
	char end;          /* ' ' between cells, '\n' after the last */
	bool pad_fast;     /* width 1 to 32: padded with one 32-byte copy */
};

/*
 * One key of -j's socket object and how its value is written, made once
 * per listing (jsonl.c): its text is ,"key": (the first key's {"key":).
 */
struct out_json_step {
	char *(*raw)(char *p, const struct out_row *r);   /* the field's json_raw */
	void (*json)(struct line *l, const struct out_row *r);
	char text[32];     /* line_put32 reads all 32 */
	uint8_t len;
	uint8_t id;
};

/* The most keys a socket object has before its info and memory objects. */
#define OUT_JSON_STEPS 24

/*
 * Steps [first, end) of -j's socket keys: room made once, the keys copied
 * without a check; the values of [first, raw_end) have a bound and are
 * written by their raw writers, the last one's (raw_end < end) may not.
 */
struct out_json_run {
	uint8_t first, raw_end, end;
	uint16_t room;     /* 32 a key (the copy's size), each value's json_max, OUT_JSON_RAW_ROOM */
};

struct out {
	const struct out_format *fmt;
	const struct out_config *cfg;
	FILE *f;
	const struct out_field *cols[OUT_MAX_COLUMNS];   /* the table's, resolved */
	unsigned n_cols;
	struct out_cell cells[OUT_MAX_COLUMNS];          /* and how each is written */
	struct out_json_step json_steps[OUT_JSON_STEPS]; /* -j's socket keys, in order */
	unsigned n_json_steps;
	bool json_planned;         /* every key fit its step (else: written one by one) */
	struct out_json_run json_runs[OUT_JSON_STEPS];   /* the steps, in runs */
	unsigned n_json_runs;
	unsigned json_scope_at;    /* ifindex and interface go before this step, when bound */
	struct line line;          /* over batch, spilling to f */
	char batch[OUT_BATCH];
	/*
	 * Each field's ,"key": made once, so a row copies it in one move
	 * (from text + 1 for the first key of an object, without the comma).
	 */
	struct out_json_key {
		char text[33];
		uint8_t len;       /* with the comma; 0: no key, or too long */
	} keys[OUT_F_COUNT];
	void *state;      /* a format's own, made by its begin, freed by out_close */
	bool want_users;           /* a row needs its uid's name (User column, JSON) */
	struct out_users users;
	struct out_ifnames ifnames;   /* for sockets bound to an interface */
};

extern const struct out_format out_table_format;   /* table.c */
extern const struct out_format out_json_format;    /* jsonl.c */
extern const struct out_format out_prom_format;    /* prom.c */

/* Sets o->cells from o->cols and o->cfg (table.c); out_open calls it. */
void out_table_plan(struct out *o);
/* Sets o->json_steps from o->cfg (jsonl.c); out_open calls it. */
void out_json_plan(struct out *o);

/* Sets o up to write cfg's format to f (cfg must outlive o). */
void out_open(struct out *o, const struct out_config *cfg, FILE *f);

/* Frees what the format kept between its ops (o->state); o can be opened again. */
void out_close(struct out *o);

/* An op that does nothing, for the formats with nothing to write at the end. */
int out_end_nothing(struct out *o, const struct out_end *e);

/*
 * Writes what the operations gathered to f (not fflush: f's own buffer is
 * the caller's). Returns 0, or -1 when a write since out_open failed.
 */
int out_flush(struct out *o);

/*
 * The netstat columns, with -e's User and Inode, -P's process and -o's
 * Timer added, into cfg->columns.
 */
void out_default_columns(struct out_config *cfg, bool extend, bool processes, bool timers);

/* Puts field id first, before cfg's other columns (dropping the last if full). */
void out_first_column(struct out_config *cfg, enum out_field_id id);
/* As out_default_columns, with -i's compact tcp_info columns and -m's memory ones. */
void out_default_columns_ext(struct out_config *cfg, bool extend, bool processes, bool timers,
			     bool info, bool memory);

/*
 * r with its user name filled in when o shows names, and its interface's
 * name when it is bound to one (into *copy), else r.
 */
const struct out_row *out_row_with_user(struct out *o, const struct out_row *r,
					struct out_row *copy);

/*
 * The column named name (len bytes) as -O spells it, or -1. Adds it to
 * cfg->columns: returns 0, -1 for an unknown name, -2 when there are
 * OUT_MAX_COLUMNS already.
 */
int out_add_column(struct out_config *cfg, const char *name, size_t len);

/*
 * One socket as -j writes it, without the newline: for an object that
 * holds sockets (--bind-check's blockers). Returns as the ops do.
 */
int out_json_socket(struct out *o, const struct out_row *r);

/* Lists -O's column names with what they hold, to f. Returns as the ops do. */
int out_columns_help(FILE *f);

#endif
