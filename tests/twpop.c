/*
 * twpop - leave N TIME_WAIT sockets on N distinct local ports, for the
 * --metrics tests (run it inside a private network namespace).
 *
 *   twpop N FIRST_PORT
 *   twpop --queue K
 *
 * Listens on 127.0.0.1:9990, then N times: a client bound to 127.0.0.1 port
 * FIRST_PORT + i connects, is accepted, closes first and the server side
 * closes after it has read the EOF, so the client's side (local port
 * FIRST_PORT + i) ends in TIME_WAIT. The kernel keeps those sockets 60 s
 * after twpop exits. One connection at a time, so a few descriptors do.
 * Prints "ready N" and exits 0, or a line on stderr and exits 1.
 *
 * With --queue, a listener on 127.0.0.1:9991 (backlog QUEUE_BACKLOG) with
 * K connections in its accept queue, never accepted: prints "ready K" and
 * holds them until SIGTERM or SIGINT, or 120 s at most.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SERVER_PORT 9990
#define QUEUE_PORT 9991
#define QUEUE_BACKLOG 8
#define HOLD_MAX_S 120

static struct sockaddr_in loopback(unsigned port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int listener(unsigned port, int backlog)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, backlog) < 0)
		return -1;
	return fd;
}

/* K connections left in a listener's accept queue, held until a signal. */
static int hold_queue(long k)
{
	struct sockaddr_in server = loopback(QUEUE_PORT);
	int lfd = listener(QUEUE_PORT, QUEUE_BACKLOG);

	if (lfd < 0 || k < 1 || k > QUEUE_BACKLOG) {
		fprintf(stderr, "twpop: --queue 1-%d on 127.0.0.1:%d: %s\n", QUEUE_BACKLOG,
			QUEUE_PORT, strerror(errno));
		return 1;
	}
	for (long i = 0; i < k; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&server, sizeof(server)) < 0) {
			fprintf(stderr, "twpop: connect: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("ready %ld\n", k);
	fflush(stdout);
	/* SIGTERM's default action ends us; sleep is the bound. */
	sleep(HOLD_MAX_S);
	return 0;
}

/* One connection from local port port, closed by the client first. */
static int one_time_wait(int lfd, unsigned port)
{
	struct sockaddr_in local = loopback(port), server = loopback(SERVER_PORT);
	int c = socket(AF_INET, SOCK_STREAM, 0), s = -1, rc = -1;
	char byte;

	if (c < 0)
		return -1;
	if (bind(c, (struct sockaddr *)&local, sizeof(local)) == 0 &&
	    connect(c, (struct sockaddr *)&server, sizeof(server)) == 0 &&
	    (s = accept(lfd, NULL, NULL)) >= 0) {
		close(c);
		c = -1;
		/* The EOF: the client's FIN is in, so the server's close comes second. */
		if (read(s, &byte, 1) == 0)
			rc = 0;
	}
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	return rc;
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? strtol(argv[1], NULL, 10) : 0;
	long first = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
	int lfd;

	if (argc == 3 && strcmp(argv[1], "--queue") == 0)
		return hold_queue(strtol(argv[2], NULL, 10));
	if (n < 1 || first < 1 || first + n - 1 > 65535) {
		fprintf(stderr, "usage: twpop N FIRST_PORT (ports within 1-65535) | twpop --queue K\n");
		return 1;
	}
	lfd = listener(SERVER_PORT, 16);
	if (lfd < 0) {
		fprintf(stderr, "twpop: listen on 127.0.0.1:%d: %s\n", SERVER_PORT, strerror(errno));
		return 1;
	}
	for (long i = 0; i < n; i++) {
		if (one_time_wait(lfd, (unsigned)(first + i)) < 0) {
			fprintf(stderr, "twpop: connection from port %ld: %s\n", first + i,
				strerror(errno));
			return 1;
		}
	}
	close(lfd);
	printf("ready %ld\n", n);
	return 0;
}
