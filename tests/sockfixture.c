/*
 * sockfixture - make a known set of TCP sockets on loopback and hold them,
 * for the integration tests (run it inside a private network namespace).
 *
 * For each of 127.0.0.1 and ::1, with the server on port 9999 (v4) or
 * 9998 (v6) and clients bound to fixed ports so the output is exact:
 *   LISTEN      server
 *   ESTABLISHED client port+1 <-> server (both sides)
 *   TIME_WAIT   client port+2 (closed first; the server side is gone)
 *   FIN_WAIT2   client port+3 (shutdown(SHUT_WR)) / CLOSE_WAIT on the server
 * plus a dual-stack listener on [::]:9997 with an IPv4 client from port
 * 40021, whose accepted side is [::ffff:127.0.0.1]:9997.
 * Client ports: 40001-40003 (v4), 40011-40013 (v6).
 *
 * Prints "ready" once every socket is in its state, then holds them until
 * SIGTERM or SIGINT, or 120 s at most.
 *
 * --name NAME sets the process name (comm) first, any bytes; --fork then
 * forks a child that holds the same sockets (and prints "child PID" before
 * "ready"); it ends with its parent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "sockfixture: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(struct sockaddr_storage *ss, int family, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &sin->sin_addr);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, ip, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static int bound_socket(int family, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, ip, port);
	int one = 1, fd = socket(family, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (family == AF_INET6 && strcmp(ip, "::") == 0) {
		int zero = 0;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
			die("IPV6_V6ONLY");
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	return fd;
}

static int listener(int family, const char *ip, int port)
{
	int fd = bound_socket(family, ip, port);

	if (listen(fd, 16) < 0)
		die("listen");
	return fd;
}

/* Connects a client bound to client_port; returns it, *server_side the accepted fd. */
static int connect_pair(int lfd, int family, const char *cip, int client_port,
			const char *sip, int server_port, int *server_side)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, sip, server_port);
	int fd = bound_socket(family, cip, client_port);

	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		die("connect");
	*server_side = accept(lfd, NULL, NULL);
	if (*server_side < 0)
		die("accept");
	return fd;
}

static void make_family(int family, const char *ip, int port, int client_base)
{
	int lfd = listener(family, ip, port);
	int srv;

	/* ESTABLISHED, both ends held open. */
	connect_pair(lfd, family, ip, client_base + 1, ip, port, &srv);
	/* TIME_WAIT on the client: it closes first, then the server. */
	int tw = connect_pair(lfd, family, ip, client_base + 2, ip, port, &srv);
	close(tw);
	poll(NULL, 0, 50);
	close(srv);
	/* FIN_WAIT2 / CLOSE_WAIT: the client half-closes, the server does not. */
	int hc = connect_pair(lfd, family, ip, client_base + 3, ip, port, &srv);
	if (shutdown(hc, SHUT_WR) < 0)
		die("shutdown");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The child shares every socket, and goes when its parent goes. */
static pid_t fork_holder(void)
{
	pid_t child = fork();

	if (child < 0)
		die("fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		for (int i = 0; i < 1200 && !stop; i++)
			poll(NULL, 0, 100);
		_exit(0);
	}
	return child;
}

int main(int argc, char **argv)
{
	int mapped_srv;
	bool want_fork = false;
	pid_t child = 0;

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--fork") == 0) {
			want_fork = true;
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			if (prctl(PR_SET_NAME, argv[++i]) < 0)
				die("PR_SET_NAME");
		} else {
			fprintf(stderr, "usage: sockfixture [--fork] [--name NAME]\n");
			return 2;
		}
	}
	make_family(AF_INET, "127.0.0.1", 9999, 40000);
	make_family(AF_INET6, "::1", 9998, 40010);
	int dual = listener(AF_INET6, "::", 9997);
	connect_pair(dual, AF_INET, "127.0.0.1", 40021, "127.0.0.1", 9997, &mapped_srv);
	/* Let the last ACKs land (LAST_ACK -> gone, FIN_WAIT1 -> FIN_WAIT2). */
	poll(NULL, 0, 300);
	if (want_fork) {
		child = fork_holder();
		printf("child %d\n", (int)child);
	}
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 1200 && !stop; i++)
		poll(NULL, 0, 100);
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	return 0;
}
