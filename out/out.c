/* out.c - choosing a format and its columns (see out.h). */
#include <stdlib.h>
#include <string.h>

#include "out.h"

void out_open(struct out *o, const struct out_config *cfg, FILE *f)
{
	o->fmt = cfg->kind == OUT_JSON ? &out_json_format
		 : cfg->kind == OUT_PROM ? &out_prom_format : &out_table_format;
	o->cfg = cfg;
	o->state = NULL;
	o->f = f;
	o->n_cols = cfg->n_columns;
	for (unsigned i = 0; i < cfg->n_columns; i++)
		o->cols[i] = &out_fields[cfg->columns[i]];
	out_table_plan(o);
	out_json_plan(o);
	line_init(&o->line, o->batch, sizeof(o->batch), f);
	o->want_users = false;
	for (unsigned i = 0; i < cfg->n_columns && cfg->kind == OUT_TABLE; i++)
		o->want_users |= cfg->columns[i] == OUT_F_USER;
	if (cfg->kind == OUT_JSON)
		o->want_users = true;
	/* -n is the table's: JSON has the uid anyway, and always the name beside it. */
	if (cfg->numeric_users && cfg->kind == OUT_TABLE)
		o->want_users = false;
	if (o->want_users)
		out_users_init(&o->users);
	out_ifnames_init(&o->ifnames);
	for (int i = 0; i < OUT_F_COUNT; i++) {
		const char *key = out_fields[i].json_key;
		size_t n = key ? strlen(key) : 0;

		memset(&o->keys[i], 0, sizeof(o->keys[i]));
		if (n == 0 || n + 4 > sizeof(o->keys[i].text) - 1)
			continue;
		o->keys[i].text[0] = ',';
		o->keys[i].text[1] = '"';
		memcpy(o->keys[i].text + 2, key, n);
		memcpy(o->keys[i].text + 2 + n, "\":", 2);
		o->keys[i].len = (uint8_t)(n + 4);
	}
}

int out_flush(struct out *o)
{
	return line_flush(&o->line);
}

void out_close(struct out *o)
{
	if (o->state && o->fmt->close)
		o->fmt->close(o);
	free(o->state);
	o->state = NULL;
}

int out_end_nothing(struct out *o, const struct out_end *e)
{
	(void)o;
	(void)e;
	return 0;
}

void out_default_columns(struct out_config *cfg, bool extend, bool processes, bool timers)
{
	out_default_columns_ext(cfg, extend, processes, timers, false, false);
}

/* -i's compact set: how fast, how much in flight, how much moved, by what algorithm. */
static const uint8_t info_columns[] = {
	OUT_F_RTT, OUT_F_CWND, OUT_F_MSS, OUT_F_TOTAL_RETRANS, OUT_F_BYTES_ACKED,
	OUT_F_BYTES_RECEIVED, OUT_F_CONG,
};

void out_default_columns_ext(struct out_config *cfg, bool extend, bool processes, bool timers,
			     bool info, bool memory)
{
	unsigned n = 0;

	for (int c = OUT_F_PROTO; c <= OUT_F_PEER; c++)
		cfg->columns[n++] = (uint8_t)c;
	cfg->columns[n++] = OUT_F_STATE;
	if (extend) {
		cfg->columns[n++] = OUT_F_USER;
		cfg->columns[n++] = OUT_F_INODE;
	}
	for (size_t i = 0; info && i < sizeof(info_columns); i++)
		cfg->columns[n++] = info_columns[i];
	for (int c = OUT_F_MEM_FIRST; memory && c <= OUT_F_MEM_LAST; c++)
		cfg->columns[n++] = (uint8_t)c;
	if (processes)
		cfg->columns[n++] = OUT_F_PROCESS;
	if (timers)
		cfg->columns[n++] = OUT_F_TIMER;
	cfg->n_columns = n;
}

void out_first_column(struct out_config *cfg, enum out_field_id id)
{
	unsigned n = cfg->n_columns < OUT_MAX_COLUMNS ? cfg->n_columns : OUT_MAX_COLUMNS - 1;

	memmove(cfg->columns + 1, cfg->columns, n);
	cfg->columns[0] = (uint8_t)id;
	cfg->n_columns = n + 1;
}

const struct out_row *out_row_with_user(struct out *o, const struct out_row *r,
					struct out_row *copy)
{
	if (!o->want_users && !r->s->ifindex)
		return r;
	*copy = *r;
	if (o->want_users)
		copy->user = out_user_name(&o->users, r->s->uid);
	if (r->s->ifindex)
		copy->ifname = out_ifname(&o->ifnames, r->s->netns, r->s->ifindex);
	return copy;
}

int out_add_column(struct out_config *cfg, const char *name, size_t len)
{
	for (int i = 0; i < OUT_F_COUNT; i++) {
		const char *n = out_fields[i].name;

		if (!n || strlen(n) != len || memcmp(n, name, len) != 0)
			continue;
		if (cfg->n_columns == OUT_MAX_COLUMNS)
			return -2;
		cfg->columns[cfg->n_columns++] = (uint8_t)i;
		return 0;
	}
	return -1;
}

int out_columns_help(FILE *f)
{
	fputs("Columns for -O, --columns (comma-separated, in the order wanted):\n", f);
	for (int i = 0; i < OUT_F_COUNT; i++) {
		if (i == OUT_F_INFO_FIRST)
			fputs("tcp_info (netlink; empty for LISTEN and TIME_WAIT, and for fields\n"
			      "the kernel's tcp_info lacks):\n", f);
		if (i == OUT_F_MEM_FIRST)
			fputs("Socket memory (netlink; empty for TIME_WAIT):\n", f);
		if (out_fields[i].name)
			fprintf(f, "  %-*s %s\n", i >= OUT_F_INFO_FIRST ? 14 : 11,
				out_fields[i].name, out_fields[i].help);
	}
	fputs("Any column is also a --sort key.\n", f);
	return ferror(f) ? -1 : 0;
}
