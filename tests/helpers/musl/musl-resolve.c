// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A statically linked musl client (built with musl-gcc -static): musl's own
 * stub resolver sends its queries with sendto() on an unconnected UDP
 * socket, one per query type, and bypasses glibc entirely, so neither a
 * libc uprobe nor a connect4 hook on port 53 sees them; only the DNS
 * backend and sendmsg4 do.
 *
 *   musl-resolve NAME PORT
 *
 * Resolves NAME with getaddrinfo(), prints every answer, TCP-connects to the
 * first one and prints the connect result. Exit status: 0 when the name
 * resolved, whatever connect() returned; 2 when it did not; 64 on usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	char host[64];
	int fd, rc, err;

	if (argc != 3) {
		fprintf(stderr, "usage: musl-resolve NAME PORT\n");
		return 64;
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (rc) {
		printf("resolve %s: %s\n", argv[1], gai_strerror(rc));
		return 2;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0,
				NI_NUMERICHOST))
			strcpy(host, "?");
		printf("resolved %s: %s\n", argv[1], host);
	}
	fflush(stdout);
	ai = res;
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST))
		strcpy(host, "?");
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0) {
		err = errno;
		printf("socket: errno %d (%s)\n", err, strerror(err));
	} else {
		err = connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 ? errno : 0;
		if (err)
			printf("tcp %s port %s: connect: errno %d (%s)\n", host, argv[2], err,
			       strerror(err));
		else
			printf("tcp %s port %s: connected\n", host, argv[2]);
		close(fd);
	}
	freeaddrinfo(res);
	return 0;
}
