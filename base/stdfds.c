/* stdfds.c - see stdfds.h. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "stdfds.h"

int stdfds_ensure(struct tcpstat_error *err)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd itself, as the ones below are open. */
		got = open("/dev/null", O_RDONLY);
		if (got < 0)
			return err_set(err, errno, "cannot open /dev/null onto closed descriptor %d", fd);
		if (got != fd) {
			close(got);
			return err_set(err, EBADF, "cannot reopen closed descriptor %d", fd);
		}
	}
	return 0;
}
