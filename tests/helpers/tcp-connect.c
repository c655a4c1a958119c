// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * An end-to-end test client (glibc): resolve NAME with getaddrinfo(), then
 * TCP-connect to the first answer, and say what happened. With --udp, send
 * one datagram with sendto() on an unconnected UDP socket (the send is
 * attempted, and seen by cgroup/sendmsg4, even where there is no route);
 * with --udp-connected, connect() a UDP socket and send() on it (needs a
 * route: in a namespace without one the connect already fails). With
 * --hold FILE, stay alive after the connect until FILE exists (30 s at
 * most): a test that checks what the sensor read from /proc/PID makes the
 * read certain, instead of racing the client's exit.
 *
 *   tcp-connect [--udp|--udp-connected] [-4|-6] [--all] [--hold FILE] NAME PORT
 *
 * Exit status: 0 when the name resolved, whatever connect() returned (the
 * tests run it in namespaces with no route out, where connect fails with
 * ENETUNREACH by design); 2 when it did not resolve; 64 on a usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

static int try_one(const struct addrinfo *ai, bool udp, bool connected)
{
	char host[INET6_ADDRSTRLEN], port[16];
	static const char payload[] = "leakwatch test datagram\n";
	int fd, err = 0;

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV))
		strcpy(host, "?");
	fd = socket(ai->ai_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0) {
		err = errno;
		printf("socket %s: errno %d (%s)\n", host, err, strerror(err));
		return err;
	}
	if (udp && !connected) {
		if (sendto(fd, payload, sizeof(payload) - 1, 0, ai->ai_addr, ai->ai_addrlen) < 0)
			err = errno;
		if (err)
			printf("udp %s port %s: sendto: errno %d (%s)\n", host, port, err,
			       strerror(err));
		else
			printf("udp %s port %s: sent 1 datagram\n", host, port);
		close(fd);
		return err;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		err = errno;
	} else if (udp && send(fd, payload, sizeof(payload) - 1, 0) < 0) {
		err = errno;
		printf("%s %s port %s: connected, send: errno %d (%s)\n", "udp", host, port, err,
		       strerror(err));
		close(fd);
		return err;
	}
	if (err)
		printf("%s %s port %s: connect: errno %d (%s)\n", udp ? "udp" : "tcp", host, port,
		       err, strerror(err));
	else
		printf("%s %s port %s: %s\n", udp ? "udp" : "tcp", host, port,
		       udp ? "connected, sent 1 datagram" : "connected");
	close(fd);
	return err;
}

static void usage(void)
{
	fprintf(stderr, "usage: tcp-connect [--udp|--udp-connected] [-4|-6] [--all] [--hold FILE] "
			"NAME PORT\n");
}

/* Until FILE exists, or 30 s have passed. */
static void hold_until(const char *file)
{
	int i;

	for (i = 0; i < 300 && access(file, F_OK); i++)
		usleep(100 * 1000);
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	bool udp = false, connected = true, all = false;
	char host[INET6_ADDRSTRLEN];
	const char *hold = NULL;
	int i, rc;

	hints.ai_family = AF_UNSPEC;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--udp")) {
			udp = true;
			connected = false;
		} else if (!strcmp(argv[i], "--udp-connected")) {
			udp = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--hold") && i + 1 < argc) {
			hold = argv[++i];
		} else if (!strcmp(argv[i], "-4")) {
			hints.ai_family = AF_INET;
		} else if (!strcmp(argv[i], "-6")) {
			hints.ai_family = AF_INET6;
		} else {
			usage();
			return 64;
		}
	}
	if (argc - i != 2) {
		usage();
		return 64;
	}
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	rc = getaddrinfo(argv[i], argv[i + 1], &hints, &res);
	if (rc) {
		printf("resolve %s: %s\n", argv[i], gai_strerror(rc));
		return 2;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0,
				NI_NUMERICHOST))
			strcpy(host, "?");
		printf("resolved %s: %s\n", argv[i], host);
	}
	fflush(stdout);
	for (ai = res; ai; ai = ai->ai_next) {
		try_one(ai, udp, connected);
		if (!all)
			break;
	}
	freeaddrinfo(res);
	if (hold)
		hold_until(hold);
	return 0;
}
