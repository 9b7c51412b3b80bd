/* atomicfile.c - see atomicfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

/* The folder part of path ("." for none) into buf; false if it does not fit. */
static bool folder_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 1;

	if (slash == path)
		len = 1;     /* "/x": the root */
	if (len >= size)
		return false;
	memcpy(buf, slash ? path : ".", len);
	buf[len] = '\0';
	return true;
}

int atomicfile_open(struct atomicfile *a, const char *path, struct tcpstat_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
	int n, fd;

	a->f = NULL;
	a->path = path;
	n = snprintf(a->tmp, sizeof(a->tmp), "%.*s.%s.XXXXXX", (int)dir_len, path,
		     path + dir_len);
	if (n < 0 || (size_t)n >= sizeof(a->tmp))
		return err_set(err, ENAMETOOLONG, "metrics file '%s'", path);
	fd = mkstemp(a->tmp);
	if (fd < 0)
		return err_set(err, errno, "metrics file '%s': cannot create its temporary file",
			       path);
	a->f = fdopen(fd, "w");
	if (!a->f) {
		int e = errno;

		close(fd);
		unlink(a->tmp);
		return err_set(err, e, "metrics file '%s'", path);
	}
	return 0;
}

void atomicfile_abort(struct atomicfile *a)
{
	if (!a->f)
		return;
	fclose(a->f);
	a->f = NULL;
	unlink(a->tmp);
}

/* What a new file gets: 0666 less the umask (mkstemp made it 0600). */
static mode_t new_file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

/* The rename is durable only once the folder's entry is on disk too. */
static int sync_folder(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc;

	if (!folder_of(path, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = fsync(fd) < 0 && errno != EINVAL ? -errno : 0;
	close(fd);
	return rc;
}

int atomicfile_commit(struct atomicfile *a, struct tcpstat_error *err)
{
	int fd = fileno(a->f), rc;

	if (fflush(a->f) == EOF || ferror(a->f) || fsync(fd) < 0 ||
	    fchmod(fd, new_file_mode()) < 0) {
		int e = errno ? errno : EIO;

		atomicfile_abort(a);
		return err_set(err, e, "metrics file '%s': write error", a->path);
	}
	rc = fclose(a->f);
	a->f = NULL;
	if (rc == EOF || rename(a->tmp, a->path) < 0) {
		int e = errno;

		unlink(a->tmp);
		return err_set(err, e, "metrics file '%s'", a->path);
	}
	rc = sync_folder(a->path);
	return rc < 0 ? err_set(err, -rc, "metrics file '%s': syncing its folder", a->path) : 0;
}
