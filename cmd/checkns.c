/* checkns.c - the namespace a check looks at (see checkns.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checkns.h"

#define SYSCTL_ROOT "/proc/sys"

int check_netns_open(struct check_netns *ns, const struct dump_request *req,
		     struct tcpstat_error *err)
{
	struct netns_list list;
	const struct netns_entry *e;
	int rc;

	ns->fd = -1;
	ns->label[0] = '\0';
	if (req->netns == DUMP_NETNS_OWN)
		return 0;
	rc = netns_list_one(&list, req->netns_spec, req->netns_pid, err);
	if (rc < 0)
		return rc;
	e = vec_at(&list.all, 0);
	snprintf(ns->label, sizeof(ns->label), "%s", e->label);
	if (!e->own) {
		ns->fd = netns_open(e);
		if (ns->fd < 0)
			rc = err_set(err, ENOENT, "network namespace '%s': gone", e->label);
	}
	netns_list_free(&list);
	return rc;
}

void check_netns_close(struct check_netns *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
}

/* Prefixes err with the namespace, as dump/ does for its errors. */
static int named(const struct check_netns *ns, int rc, struct tcpstat_error *err)
{
	char msg[sizeof(err->msg)];

	if (rc >= 0 || ns->fd < 0)
		return rc;
	memcpy(msg, err->msg, sizeof(msg));
	err_set(err, err->errnum, "network namespace '%s': %s", ns->label, msg);
	return rc;
}

static int read_sysctl_here(void *arg, struct tcpstat_error *err)
{
	return explain_read_sysctl(SYSCTL_ROOT, arg, err);
}

int check_netns_sysctl(const struct check_netns *ns, struct explain_sysctl *sc,
		       struct tcpstat_error *err)
{
	if (ns->fd < 0)
		return explain_read_sysctl(SYSCTL_ROOT, sc, err);
	/* Read whole inside: each file must be opened there, and reading is short. */
	return named(ns, netns_run(ns->fd, read_sysctl_here, sc, err), err);
}

int check_netns_try_binds(const struct check_netns *ns, const struct explain_target *t,
			  int errnums[EXPLAIN_NTRIALS], struct tcpstat_error *err)
{
	return named(ns, explain_try_binds_in(ns->fd, t, errnums, err), err);
}
