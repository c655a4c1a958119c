// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The client inside the engine tests' containers (tests/e2e/engines.sh):
 * statically linked with musl, so it needs nothing of the image but itself
 * and /etc/resolv.conf (images are built FROM scratch: no registry here).
 *
 *   leak [--hold SECONDS] [--exit N] NAME PORT
 *
 * Resolves NAME with musl's stub resolver (the nameserver in
 * /etc/resolv.conf, UDP sendto), prints each answer, TCP-connects to the
 * first one and prints what connect() returned. In the test's namespace
 * there is no route out, so a "global" answer fails with ENETUNREACH; the
 * sensor's hooks see the attempt before routing.
 *
 * --hold keeps the process alive SECONDS after the connect (so its /proc
 * entry is read while it lives); without it the process exits at once,
 * the case where identity must not depend on /proc. Exit status: N
 * (default 0) when NAME resolved, whatever connect() returned; 2 when it
 * did not; 64 on usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

static void usage(void)
{
	fprintf(stderr, "usage: leak [--hold SECONDS] [--exit N] NAME PORT\n");
	exit(64);
}

static void numeric(const struct addrinfo *ai, char *host, size_t len)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, len, NULL, 0, NI_NUMERICHOST))
		snprintf(host, len, "?");
}

static void try_connect(const struct addrinfo *ai, const char *port)
{
	char host[64];
	int fd, err;

	numeric(ai, host, sizeof(host));
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0) {
		err = errno;
		printf("socket: errno %d (%s)\n", err, strerror(err));
		return;
	}
	err = connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 ? errno : 0;
	if (err)
		printf("tcp %s port %s: connect: errno %d (%s)\n", host, port, err, strerror(err));
	else
		printf("tcp %s port %s: connected\n", host, port);
	close(fd);
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int hold = 0, status = 0, rc;
	char host[64];

	while (argc > 3 && !strncmp(argv[1], "--", 2)) {
		if (!strcmp(argv[1], "--hold"))
			hold = atoi(argv[2]);
		else if (!strcmp(argv[1], "--exit"))
			status = atoi(argv[2]);
		else
			usage();
		argc -= 2;
		argv += 2;
	}
	if (argc != 3)
		usage();
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (rc) {
		printf("resolve %s: %s\n", argv[1], gai_strerror(rc));
		return 2;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		numeric(ai, host, sizeof(host));
		printf("resolved %s: %s\n", argv[1], host);
	}
	try_connect(res, argv[2]);
	freeaddrinfo(res);
	fflush(stdout);
	if (hold > 0)
		sleep(hold);
	return status;
}
