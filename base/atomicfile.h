/*
 * atomicfile.h - a file replaced whole or not at all, as node_exporter's
 * textfile collector needs: written to a temporary file in the same
 * folder (so rename() cannot cross a file system), synced, then renamed
 * over the target. A reader sees the old file or the new one, never half.
 */
#ifndef TCPSTAT_BASE_ATOMICFILE_H
#define TCPSTAT_BASE_ATOMICFILE_H

#include <limits.h>
#include <stdio.h>

#include "error.h"

struct atomicfile {
	FILE *f;                 /* write here between open and commit */
	const char *path;        /* the target (borrowed) */
	char tmp[PATH_MAX];      /* the temporary file: ".NAME.XXXXXX" beside it */
};

/*
 * Creates the temporary file for path. Its name starts with a dot and does
 * not end in path's suffix, so the collector (which reads *.prom) skips
 * it. Returns 0 with a->f open, or a negative errno with err filled.
 */
int atomicfile_open(struct atomicfile *a, const char *path, struct tcpstat_error *err);

/*
 * Flushes and fsyncs the temporary file, gives it the mode a new file
 * would get (0666 less the umask), renames it over the target and fsyncs
 * the folder. Returns 0, or a negative errno with err filled; on error
 * the temporary file is removed and the target left as it was.
 */
int atomicfile_commit(struct atomicfile *a, struct tcpstat_error *err);

/* Closes and removes the temporary file; the target is left as it was. */
void atomicfile_abort(struct atomicfile *a);

#endif
