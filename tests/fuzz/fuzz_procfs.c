/*
 * fuzz_procfs.c - the /proc/net/tcp{,6} parser on any bytes: every line
 * through procfs_parse_line, and the whole input as a file through
 * procfs_dump_fd (from a memfd) and through procfs_dump_chunks (two
 * chunks, as tcp6's read-ahead hands them over). The first byte's low bit
 * picks the family, its other bits where the chunks are cut.
 * Checked: no crash or sanitizer report; a parsed record has the family
 * asked for; a dump that succeeds gave exactly the lines procfs_parse_line
 * takes (after the header), every line ended by '\n'; a line it refuses
 * fails the dump; a failed dump says why; both dumps agree.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ahead.h"
#include "chunkq.h"
#include "procfs.h"

struct count {
	unsigned long n;
	int family;
};

static int on_sock(const struct tcpstat_sock *s, void *arg)
{
	struct count *c = arg;

	if (s->family != c->family)
		abort();
	c->n++;
	return 0;
}

/* The lines procfs_parse_line accepts, past the header; -1 if one is refused. */
static long parse_lines(const uint8_t *data, size_t size, int family, bool *all_ended)
{
	size_t start = 0;
	long ok = 0, line = 0;
	bool bad = false;

	*all_ended = size == 0 || data[size - 1] == '\n';
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		char *copy = malloc(len + 1);
		struct tcpstat_sock s;

		memcpy(copy, data + start, len);
		copy[len] = '\0';
		if (line++ > 0) {
			if (procfs_parse_line(copy, len, family, 100, &s) == 0) {
				if (s.family != family)
					abort();
				ok++;
			} else {
				bad = true;
			}
		}
		free(copy);
		start += len + 1;
	}
	return bad ? -1 : ok;
}

/*
 * The same bytes as tcp6's read-ahead hands them over: two chunks cut at
 * cut. Returns the dump's value; c counts the sockets.
 */
static int dump_chunks_cut(const uint8_t *data, size_t size, size_t cut, struct count *c)
{
	struct tcpstat_error err = { 0 };
	struct chunkq q;
	void *slot;
	int rc;

	if (chunkq_init(&q, 2, size > 0 ? size : 1) != 0)
		abort();
	slot = chunkq_slot(&q);
	memcpy(slot, data, cut);
	chunkq_publish(&q, cut);
	slot = chunkq_slot(&q);
	memcpy(slot, data + cut, size - cut);
	chunkq_publish(&q, size - cut);
	chunkq_end(&q, 0);
	rc = procfs_dump_chunks(&q, "fuzz", c->family, 100, on_sock, c, &err);
	chunkq_free(&q);
	if (rc < 0 && err.msg[0] == '\0')
		abort();
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct count c;
	struct tcpstat_error err = { 0 };
	bool all_ended;
	long lines;
	int fd, rc;

	struct count cc;
	size_t cut;
	int crc;

	if (size < 1)
		return 0;
	c = (struct count){ 0, data[0] & 1 ? AF_INET6 : AF_INET };
	cc = c;
	/* The first byte's other bits: where the chunks are cut. */
	cut = size > 1 ? (size_t)(data[0] >> 1) * (size - 1) / 127 : 0;
	data++;
	size--;
	lines = parse_lines(data, size, c.family, &all_ended);
	fd = memfd_create("fuzz_procfs", 0);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	rc = procfs_dump_fd(fd, "fuzz", c.family, 100, on_sock, &c, &err);
	close(fd);
	if (rc < 0 && err.msg[0] == '\0')
		abort();        /* an error always says what */
	/* A success took exactly the lines the line parser takes, all whole. */
	if (rc == 0 && (lines < 0 || !all_ended || c.n != (unsigned long)lines))
		abort();
	/* A line the line parser refuses fails the dump. */
	if (lines < 0 && rc == 0)
		abort();
	/* Read ahead in chunks, the same sockets and the same result. */
	crc = dump_chunks_cut(data, size, cut, &cc);
	if (crc != rc || cc.n != c.n)
		abort();
	return 0;
}
