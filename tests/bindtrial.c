/*
 * bindtrial.c - the bind-check integration test's helper.
 *
 *   bindtrial listen [-a] [-p] [-6] [-n] ADDR PORT
 *       a listener with SO_REUSEADDR (-a), SO_REUSEPORT (-p), IPV6_V6ONLY
 *       on (-6; off otherwise, whatever net.ipv6.bindv6only says), or with
 *       -n a socket that is bound but never listens (bound-inactive);
 *       prints "ready" and waits for SIGTERM or SIGINT.
 *   bindtrial trial [ADDR:]PORT
 *       explain/'s four trial binds, one "NAME RESULT" line each; exit 0
 *       when the plain bind succeeded, 1 when not, 2 on bad input.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "explain.h"

static int set_opt(int fd, int level, int name, int value)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) < 0) {
		perror("bindtrial: setsockopt");
		return -1;
	}
	return 0;
}

static int do_listen(int argc, char **argv)
{
	bool reuseaddr = false, reuseport = false, v6only = false, no_listen = false;
	struct sockaddr_storage ss = { 0 };
	sigset_t set;
	int c, fd, sig;

	while ((c = getopt(argc, argv, "ap6n")) != -1) {
		if (c == 'n')
			no_listen = true;
		else if (c == 'a')
			reuseaddr = true;
		else if (c == 'p')
			reuseport = true;
		else if (c == '6')
			v6only = true;
		else
			return 2;
	}
	if (argc - optind != 2)
		return 2;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	int family = strchr(argv[optind], ':') ? AF_INET6 : AF_INET;
	uint16_t port = htons((uint16_t)atoi(argv[optind + 1]));

	if (family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		if (inet_pton(AF_INET6, argv[optind], &s6->sin6_addr) != 1)
			return 2;
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = port;
		if (inet_pton(AF_INET, argv[optind], &s4->sin_addr) != 1)
			return 2;
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0 || (reuseaddr && set_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1)) ||
	    (reuseport && set_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1)) ||
	    (family == AF_INET6 && set_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only)))
		return 1;
	if (bind(fd, (struct sockaddr *)&ss, sizeof(ss)) < 0 || (!no_listen && listen(fd, 16) < 0)) {
		perror("bindtrial: bind/listen");
		return 1;
	}
	/* Block the signals first, so one sent right after "ready" is not lost. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	close(fd);
	return 0;
}

static int do_trial(const char *arg)
{
	struct explain_target t;
	struct tcpstat_error err;
	int errnums[EXPLAIN_NTRIALS];

	if (explain_parse_target(arg, false, &t, &err) < 0 ||
	    explain_try_binds(&t, errnums, &err) < 0) {
		fprintf(stderr, "bindtrial: %s%s%s\n", err.msg, err.errnum ? ": " : "",
			err.errnum ? strerror(err.errnum) : "");
		return 2;
	}
	for (int i = 0; i < EXPLAIN_NTRIALS; i++)
		printf("%s %s\n", explain_trial_name((enum explain_trial)i),
		       explain_errno_name(errnums[i]));
	return errnums[EXPLAIN_PLAIN] == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "listen") == 0)
		return do_listen(argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "trial") == 0)
		return do_trial(argv[2]);
	fprintf(stderr, "usage: bindtrial listen [-a] [-p] [-6] [-n] ADDR PORT | "
		"bindtrial trial [ADDR:]PORT\n");
	return 2;
}
