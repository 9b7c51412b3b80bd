/*
 * iterparse.c - the eBPF owner source's records (bpf/ownrec.h), read back
 * from the iterator as untrusted bytes: every record is checked before
 * its owner is kept, and the name is cut as the /proc walk reads it.
 * Built with or without eBPF, so its tests always run.
 */
#include <errno.h>
#include <string.h>

#include <linux/types.h>

#include "owners.h"
#include "ownrec.h"

_Static_assert(sizeof(struct ownrec) == 32, "struct ownrec has no padding");
_Static_assert(sizeof(((struct ownrec *)0)->comm) == TCPSTAT_COMM_MAX,
	       "the kernel's comm is the record's");

static bool pid_wanted(uint32_t pid, const uint32_t *pids, size_t n_pids)
{
	if (n_pids == 0)
		return true;
	for (size_t i = 0; i < n_pids; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * /proc/PID/comm is the name and a newline, of which the walk reads 15
 * bytes and drops a last newline: a 15-byte name ending in a newline
 * loses it there, so it does here.
 */
static void proc_comm(const char raw[TCPSTAT_COMM_MAX], char comm[TCPSTAT_COMM_MAX])
{
	size_t n = strnlen(raw, TCPSTAT_COMM_MAX);

	memcpy(comm, raw, n);
	memset(comm + n, 0, TCPSTAT_COMM_MAX - n);
	if (n == TCPSTAT_COMM_MAX - 1 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}

long owners_iter_parse(const void *buf, size_t len, const struct u64set *want,
		       const uint32_t *pids, size_t n_pids, struct owners_table *t,
		       struct tcpstat_error *err)
{
	const unsigned char *p = buf;
	size_t whole = len - len % sizeof(struct ownrec);

	for (size_t off = 0; off < whole; off += sizeof(struct ownrec)) {
		struct ownrec r;
		struct tcpstat_owner o = { 0 };

		/* buf need not be aligned for the record. */
		memcpy(&r, p + off, sizeof(r));
		if (r.tag != OWNREC_TAG || r.tgid == 0 ||
		    memchr(r.comm, '\0', sizeof(r.comm)) == NULL)
			return err_set(err, EPROTO, "eBPF owners: bad record at byte %zu "
				       "(tag %#x, pid %u)", off, r.tag, r.tgid);
		if ((want && !u64set_has(want, r.inode)) || !pid_wanted(r.tgid, pids, n_pids))
			continue;
		o.inode = r.inode;
		o.pid = r.tgid;
		proc_comm(r.comm, o.comm);
		if (!vec_push(&t->all, &o))
			return err_set(err, ENOMEM, "eBPF owners");
	}
	return (long)whole;
}
