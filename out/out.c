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
	line_init(&o->line, o->batch, sizeof(o->batch), f);
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
	unsigned n = 0;

	for (int c = OUT_F_PROTO; c <= OUT_F_PEER; c++)
		cfg->columns[n++] = (uint8_t)c;
	cfg->columns[n++] = OUT_F_STATE;
	if (extend) {
		cfg->columns[n++] = OUT_F_UID;
		cfg->columns[n++] = OUT_F_INODE;
	}
	if (processes)
		cfg->columns[n++] = OUT_F_PROCESS;
	if (timers)
		cfg->columns[n++] = OUT_F_TIMER;
	cfg->n_columns = n;
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
	for (int i = 0; i < OUT_F_COUNT; i++)
		if (out_fields[i].name)
			fprintf(f, "  %-11s %s\n", out_fields[i].name, out_fields[i].help);
	return ferror(f) ? -1 : 0;
}
