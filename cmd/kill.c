/*
 * kill.c - -K: end the matching sockets with SOCK_DESTROY. The matches
 * are kept first (the dump is not disturbed by sockets going away under
 * it), then ended one by one; each ended socket is printed as a listing
 * would print it, each that could not be is said on errf.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "modes.h"
#include "netlink.h"

/* "127.0.0.1:9999 127.0.0.1:40002 TIME_WAIT", for a message on errf. */
static void describe(char *buf, size_t size, const struct out_row *row)
{
	char local[64], peer[64];

	out_field_text(local, sizeof(local), OUT_F_LOCAL, row, true);
	out_field_text(peer, sizeof(peer), OUT_F_PEER, row, true);
	snprintf(buf, size, "%s %s %s", local, peer, out_state_name(row->s->state));
}

/* The kernel refuses every socket alike: stop at the first and say why. */
static int refused_all(int rc, struct tcpstat_error *err)
{
	if (rc == -EPERM || rc == -EACCES)
		return err_set(err, -rc, "cannot end sockets: SOCK_DESTROY needs root "
			       "(CAP_NET_ADMIN)");
	return err_set(err, -rc, "cannot end sockets: this kernel has no SOCK_DESTROY for "
		       "TCP (CONFIG_INET_DIAG_DESTROY)");
}

struct killing {
	const struct tcpstat_opts *opts;
	struct out out;
	bool begun, write_failed;
};

static void print_row(struct killing *k, const struct out_row *row)
{
	if (k->opts->report == OPTS_REPORT_NONE || k->write_failed)
		return;
	if (!k->begun && k->out.fmt->begin(&k->out) < 0)
		k->write_failed = true;
	k->begun = true;
	if (!k->write_failed && k->out.fmt->row(&k->out, row) < 0)
		k->write_failed = true;
}

static int end_rows(struct killing *k, const struct rows *rows, FILE *errf,
		    struct kill_result *res, struct tcpstat_error *err)
{
	struct mnl_socket *nl = NULL;
	uint32_t seq = (uint32_t)time(NULL);

	if (!k->opts->dry_run && rows_count(rows) > 0 && !(nl = nl_destroy_open(err)))
		return -err->errnum;
	for (size_t i = 0; i < rows_count(rows); i++) {
		struct tcpstat_owners owners;
		struct out_row row;
		char what[160];
		int rc = 0;

		rows_get(rows, i, &row, &owners);
		if (!k->opts->dry_run)
			rc = nl_destroy(nl, row.s, ++seq);
		if (rc == -EPERM || rc == -EACCES || rc == -EOPNOTSUPP) {
			nl_destroy_close(nl);
			return refused_all(rc, err);
		}
		if (rc < 0) {
			/* -ENOENT: it ended by itself between the dump and now. */
			describe(what, sizeof(what), &row);
			fprintf(errf, "tcpstat: cannot end %s: %s\n", what, strerror(-rc));
			res->failed++;
			continue;
		}
		if (!k->opts->dry_run)
			res->ended++;
		print_row(k, &row);
	}
	nl_destroy_close(nl);
	return 0;
}

int kill_run(const struct tcpstat_opts *o, FILE *f, FILE *errf, struct kill_result *res,
	     struct tcpstat_error *err)
{
	struct killing k = { .opts = o };
	struct rows rows;
	int rc;

	memset(res, 0, sizeof(*res));
	out_open(&k.out, &o->out, f);
	rows_init(&rows);
	rc = dump_run(&o->dump, rows_keep, &rows, &res->dump, err);
	if (rows.out_of_memory)
		rc = err_set(err, ENOMEM, "keeping %zu sockets for --kill", rows_count(&rows));
	res->matched = rows_count(&rows);
	if (rc == 0)
		rc = end_rows(&k, &rows, errf, res, err);
	rows_free(&rows);
	if (rc < 0)
		return rc;
	if (out_flush(&k.out) < 0)
		k.write_failed = true;
	if (k.write_failed || fflush(f) == EOF || ferror(f))
		return err_set(err, errno ? errno : EIO, "write error");
	return 0;
}
