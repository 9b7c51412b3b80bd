/*
 * fuzz_ownrec.c - libFuzzer target for the eBPF owner source's record
 * parser (owners/iterparse.c): the iterator's output is bytes from the
 * kernel, so any bytes, fed in reads of any size as iter.c feeds them,
 * must give exactly the owners a model written here from bpf/ownrec.h's
 * layout gives (offsets, not the struct), or the error it predicts.
 *
 * Input: byte 0's low 2 bits are how many pids the filter names (0-3),
 * its high 6 bits one less than the read size in bytes (1-64); then 4
 * bytes per pid; the rest is the iterator's output. The wanted inodes are
 * 1-63 (so records for others must be dropped).
 *
 *   clang -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude \
 *     -Ibase -Iowners -Iowners/bpf tests/fuzz/fuzz_ownrec.c \
 *     owners/iterparse.c owners/owners.c base/*.c -o fuzz_ownrec
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "owners.h"
#include "ownrec.h"

#define REC 32            /* the record's size: bpf/ownrec.h, asserted in iterparse.c */
#define WANT_MAX 63       /* inodes 1..WANT_MAX are wanted */
#define READ_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The model: is the record at r one the parser must refuse? */
static bool model_bad(const uint8_t *r)
{
	return get32(r + 12) != OWNREC_TAG || get32(r + 8) == 0 ||
	       memchr(r + 16, '\0', 16) == NULL;
}

static bool model_kept(const uint8_t *r, const uint32_t *pids, size_t n_pids)
{
	uint64_t inode = get64(r);
	bool pid_ok = n_pids == 0;

	for (size_t i = 0; i < n_pids; i++)
		pid_ok = pid_ok || pids[i] == get32(r + 8);
	return inode >= 1 && inode <= WANT_MAX && pid_ok;
}

/* The name as /proc/PID/comm reads it: 15 bytes, a last newline dropped. */
static void model_comm(const uint8_t *r, char comm[16])
{
	size_t n = strnlen((const char *)r + 16, 16);

	memset(comm, 0, 16);
	memcpy(comm, r + 16, n);
	if (n == 15 && comm[14] == '\n')
		comm[14] = '\0';
}

static void check_owner(const struct tcpstat_owner *o, const uint8_t *r)
{
	char comm[16];

	model_comm(r, comm);
	if (o->inode != get64(r) || o->pid != get32(r + 8) || memcmp(o->comm, comm, 16) != 0)
		abort();
}

/* Feeds stream in reads of step bytes, as iter.c's read_iter does. */
static int feed(const uint8_t *stream, size_t len, size_t step, const struct u64set *want,
		const uint32_t *pids, size_t n_pids, struct owners_table *t,
		struct tcpstat_error *err)
{
	uint8_t buf[READ_MAX + REC];
	size_t have = 0, off = 0;

	while (off < len) {
		size_t n = len - off < step ? len - off : step;
		long used;

		memcpy(buf + have, stream + off, n);
		off += n;
		have += n;
		used = owners_iter_parse(buf, have, want, pids, n_pids, t, err);
		if (used < 0)
			return (int)used;
		if ((size_t)used != have - have % REC)
			abort();
		have -= (size_t)used;
		memmove(buf, buf + used, have);
	}
	return have == 0 ? 0 : -EMSGSIZE;
}

static void run(const uint8_t *stream, size_t len, size_t step, const uint32_t *pids,
		size_t n_pids, const struct u64set *want)
{
	struct owners_table t;
	struct tcpstat_error err = { 0 };
	size_t kept = 0, bad_at = len;
	int rc;

	vec_init(&t.all, sizeof(struct tcpstat_owner), 0);
	rc = feed(stream, len, step, want, pids, n_pids, &t, &err);
	for (size_t off = 0; off + REC <= len; off += REC)
		if (model_bad(stream + off)) {
			bad_at = off;
			break;
		}
	if (bad_at < len) {
		if (rc != -EPROTO || err.errnum != EPROTO ||
		    strncmp(err.msg, "eBPF owners: bad record at byte ", 32) != 0)
			abort();
	} else if (rc != (len % REC == 0 ? 0 : -EMSGSIZE)) {
		abort();
	}
	/* Up to the first bad record: the wanted ones, in order. */
	for (size_t off = 0; off + REC <= len && off < bad_at; off += REC) {
		if (!model_kept(stream + off, pids, n_pids))
			continue;
		if (kept >= t.all.len)
			abort();
		check_owner((const struct tcpstat_owner *)t.all.data + kept++, stream + off);
	}
	if (kept != t.all.len)
		abort();
	/* Sorted: each wanted inode's owners in pid order, each pid once. */
	owners_table_sort(&t);
	for (uint64_t inode = 1; inode <= WANT_MAX; inode++) {
		const struct tcpstat_owner *o;
		size_t n = owners_of(&t, inode, &o);

		for (size_t i = 0; i < n; i++)
			if (o[i].inode != inode || (i > 0 && o[i].pid <= o[i - 1].pid))
				abort();
	}
	owners_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct u64set want;
	static bool ready;
	uint32_t pids[3];
	size_t n_pids, step;

	if (!ready) {
		if (u64set_init(&want, WANT_MAX) != 0)
			abort();
		for (uint64_t i = 1; i <= WANT_MAX; i++)
			if (u64set_add(&want, i) != 0)
				abort();
		ready = true;
	}
	if (size < 1)
		return 0;
	n_pids = data[0] & 3;
	step = (size_t)(data[0] >> 2) + 1;
	if (size < 1 + 4 * n_pids)
		return 0;
	for (size_t i = 0; i < n_pids; i++)
		pids[i] = get32(data + 1 + 4 * i);
	run(data + 1 + 4 * n_pids, size - 1 - 4 * n_pids, step, pids, n_pids, &want);
	return 0;
}
