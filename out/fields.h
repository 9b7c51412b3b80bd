/*
 * fields.h - the field registry: each thing tcpstat prints about a socket
 * is defined here once, with its -O name, header, width, alignment, JSON
 * key and how its text and its JSON value are written. The formats in
 * out/ only choose and arrange fields.
 */
#ifndef TCPSTAT_OUT_FIELDS_H
#define TCPSTAT_OUT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "line.h"
#include "tcpstat.h"

/*
 * One socket to print, its owners when they were looked up (else NULL),
 * and its network namespace's label when namespaces were asked for (else
 * NULL).
 */
struct out_row {
	const struct tcpstat_sock *s;
	const struct tcpstat_owners *owners;
	const char *netns;
	const char *user;    /* the uid's name, when the format looked it up (else NULL) */
	const char *ifname;  /* s->ifindex's name, when the format found one (else NULL) */
};

enum out_field_id {
	/* Table columns, in -O help's order. */
	OUT_F_PROTO,
	OUT_F_RECV_Q,
	OUT_F_SEND_Q,
	OUT_F_LOCAL,
	OUT_F_PEER,
	OUT_F_LOCAL_ADDR,
	OUT_F_LOCAL_PORT,
	OUT_F_PEER_ADDR,
	OUT_F_PEER_PORT,
	OUT_F_STATE,
	OUT_F_UID,
	OUT_F_INODE,
	OUT_F_TIMER,
	OUT_F_PROCESS,
	OUT_F_NETNS,
	OUT_F_USER,
	/* tcp_info (-i): columns, and the keys of the JSON "info" object. */
	OUT_F_RTT, OUT_F_RTTVAR, OUT_F_MIN_RTT, OUT_F_RTO, OUT_F_ATO,
	OUT_F_MSS, OUT_F_RCV_MSS, OUT_F_ADVMSS, OUT_F_PMTU,
	OUT_F_CWND, OUT_F_SSTHRESH, OUT_F_REORDERING,
	OUT_F_BYTES_SENT, OUT_F_BYTES_ACKED, OUT_F_BYTES_RECEIVED, OUT_F_BYTES_RETRANS,
	OUT_F_SEGS_IN, OUT_F_SEGS_OUT, OUT_F_DATA_SEGS_IN, OUT_F_DATA_SEGS_OUT,
	OUT_F_RETRANS_OUT, OUT_F_TOTAL_RETRANS, OUT_F_LOST, OUT_F_SACKED,
	OUT_F_UNACKED, OUT_F_NOTSENT,
	OUT_F_DELIVERY_RATE, OUT_F_PACING_RATE, OUT_F_SEND_RATE,
	OUT_F_BUSY, OUT_F_RWND_LIMITED, OUT_F_SNDBUF_LIMITED,
	OUT_F_LAST_SEND, OUT_F_LAST_RECV, OUT_F_LAST_ACK,
	OUT_F_SND_WSCALE, OUT_F_RCV_WSCALE, OUT_F_OPTIONS, OUT_F_APP_LIMITED, OUT_F_CONG,
	/* Socket memory (-m): columns, and the keys of the JSON "memory" object. */
	OUT_F_RMEM_ALLOC, OUT_F_RCVBUF, OUT_F_WMEM_ALLOC, OUT_F_SNDBUF, OUT_F_FWD_ALLOC,
	OUT_F_WMEM_QUEUED, OUT_F_OPTMEM, OUT_F_BACKLOG, OUT_F_DROPS,
	/* JSON keys that are no column of their own. */
	OUT_F_TIMER_MS,
	OUT_F_RETRANS,
	OUT_F_PROBES,
	OUT_F_PIDS,
	OUT_F_PROGRAMS,
	OUT_F_NETNS_INO,
	OUT_F_IFINDEX,       /* only for a socket bound to an interface */
	OUT_F_INTERFACE,
	OUT_F_COUNT,
};

#define OUT_F_INFO_FIRST OUT_F_RTT
#define OUT_F_INFO_LAST OUT_F_CONG
#define OUT_F_MEM_FIRST OUT_F_RMEM_ALLOC
#define OUT_F_MEM_LAST OUT_F_DROPS

#define OUT_MAX_COLUMNS 64

struct out_field {
	const char *name;       /* -O's name; NULL: no table column */
	const char *header;
	const char *json_key;   /* NULL: no JSON key */
	uint8_t width;          /* the cell is padded to this, unless last */
	bool right;             /* right-aligned (numbers, as netstat) */
	/* The cell's text; plain: -O with -H, so it must stay one word. */
	void (*put)(struct line *l, const struct out_row *r, bool plain);
	/* The JSON value. */
	void (*json)(struct line *l, const struct out_row *r);
	const char *help;
	/*
	 * A field that is one number: its value (put and json write just
	 * that), for right-aligned cells written in place and for sorting.
	 * NULL: not a plain number.
	 */
	uint64_t (*number)(const struct out_row *r);
	/* Whether r has the value (NULL: always); a missing one is an empty cell, no key. */
	bool (*has)(const struct out_row *r);
	/*
	 * For a number a row may lack (tcp_info, memory; number is NULL): its
	 * value for sorting, false when r lacks it.
	 */
	bool (*value)(const struct out_row *r, uint64_t *v);
	/*
	 * The most bytes its JSON value takes (tests check it), so -j makes
	 * room for a run of keys at once; 0: no bound (a name, a list).
	 */
	uint8_t json_max;
	/*
	 * A value with a bound (json_max), written straight to memory:
	 * puts it at p and returns its end, at most json_max past p, having
	 * stored at most OUT_JSON_RAW_ROOM bytes from p (tests check both).
	 * -j's runs of keys call it without a check for room; json is the
	 * same writer with one. NULL exactly when json_max is 0.
	 */
	char *(*json_raw)(char *p, const struct out_row *r);
};

/* The most bytes a json_raw writer stores (a quoted IPv6 address and its NUL: 47). */
#define OUT_JSON_RAW_ROOM 48

/* json_max of a number: UINT64_MAX's 20 digits. */
#define OUT_JSON_U64_MAX 20

extern const struct out_field out_fields[OUT_F_COUNT];

/* The netstat name of a state ("TIME_WAIT"), or "?" for a number it lacks. */
const char *out_state_name(unsigned state);

/*
 * Writes field id's text for r into buf (size at least 2), as a cell
 * would show it. Returns its length, without the NUL.
 */
size_t out_field_text(char *buf, size_t size, enum out_field_id id, const struct out_row *r,
		      bool plain);

/*
 * Orders a and b by field id for --sort: numerically where the field is a
 * number, addresses by family and bytes, else by text. A row without the
 * value comes before every row with it. Returns <0, 0 or >0.
 */
int out_field_compare(enum out_field_id id, const struct out_row *a, const struct out_row *b);

/* Puts ,"key": (first: no comma), for the JSON writers. */
void out_json_key(struct line *l, const char *key, bool first);

#endif
