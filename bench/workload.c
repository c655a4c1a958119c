// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * leakwatch benchmark workloads: each runs one operation in a loop for a
 * fixed time (or a fixed rate) and prints the nanoseconds per operation.
 * Every socket is on loopback; the DNS floods go to a sink bound on
 * 127.0.0.2:53 (port 53 so the skb backend inspects each query) and are
 * meant to run inside a network namespace that has only `lo`.
 *
 *	workload MODE [-t MS] [-r OPS_PER_S] [--taint NAME] [--name QNAME]
 *
 * Output, one line: MODE ns_per_op=N ops=N elapsed_ns=N
 *
 * Modes: getppid, tcp_connect, udp_sendto, udp_send, dns_sendto,
 * dns_sendmmsg, resolve_connect, tcp_stream64, tcp_stream64k,
 * connect_global (TCP connect to 198.18.0.7:80: ENETUNREACH in a namespace
 * with only lo, but the cgroup hooks see it), fill (taint many processes
 * and fill the answer set; see usage), mail_session (--payload clear's
 * case: connect to 127.0.0.1:25, a global address in the bench's config,
 * send 8 SMTP lines as 8 segments, close: every segment scanned),
 * ssl_write (--payload tls's case: OpenSSL's SSL_write on a session with no
 * connection, dlopen()ed: the uprobe and the scan of 64 bytes, then
 * OpenSSL's own quick failure).
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SINK_ADDR "127.0.0.2"
#define MAX_OPS_CAP 100000000ull

static const char usage[] =
	"Usage: workload MODE [OPTIONS]\n"
	"\n"
	"Modes: getppid tcp_connect udp_sendto udp_send dns_sendto dns_sendmmsg\n"
	"       resolve_connect tcp_stream64 tcp_stream64k connect_global fork fill\n"
	"       mail_session ssl_write\n"
	"\n"
	"Options:\n"
	"  -t, --time MS        run for MS milliseconds (default 300)\n"
	"  -r, --rate OPS       pace to OPS operations per second (default: flat out)\n"
	"  --taint NAME         getaddrinfo(NAME) first (a reserved name taints us)\n"
	"  --name QNAME         DNS question for dns_* (default www.ordinary.co)\n"
	"                       or the name resolved by resolve_connect\n"
	"                       (default svc.ordinary.co, must answer 127.0.0.1)\n"
	"  --procs N            fill: N child processes that each send one\n"
	"                       reserved query and stay alive (default 1000)\n"
	"  --answers N          fill: N reserved responses with distinct\n"
	"                       198.18.0.0/15 answers (default 1000)\n"
	"  --hold MS            fill: keep the children alive MS ms (default 3000)\n";

static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* --- DNS messages --------------------------------------------------------- */

/* A query for name (dotted) of qtype; returns its length. */
static size_t dns_query(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	size_t n = 12, lab;
	const char *p = name, *dot;

	if (cap < 12 + strlen(name) + 6)
		return 0;
	memset(buf, 0, 12);
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;    /* QDCOUNT */
	while (*p) {
		dot = strchr(p, '.');
		lab = dot ? (size_t)(dot - p) : strlen(p);
		if (lab == 0 || lab > 63)
			return 0;
		buf[n++] = lab;
		memcpy(buf + n, p, lab);
		n += lab;
		p += lab;
		if (*p == '.')
			p++;
	}
	buf[n++] = 0;
	buf[n++] = qtype >> 8;
	buf[n++] = qtype & 0xff;
	buf[n++] = 0;
	buf[n++] = 1; /* IN */
	return n;
}

/* Turn query q (len n) into a response with one A record; returns length. */
static size_t dns_answer(uint8_t *q, size_t n, uint32_t addr_be)
{
	static const uint8_t rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };

	q[2] = 0x81; /* QR RD */
	q[3] = 0x80; /* RA */
	q[7] = 1;    /* ANCOUNT */
	memcpy(q + n, rr, sizeof(rr));
	memcpy(q + n + sizeof(rr), &addr_be, 4);
	return n + sizeof(rr) + 4;
}

/* --- sockets ----------------------------------------------------------------- */

static int udp_sink(const char *addr, uint16_t port, struct sockaddr_in *out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	socklen_t len = sizeof(sa);
	int fd, small = 4096;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	/* Never read: a small queue that overflows at once keeps the
	 * receive side's cost the same in every condition. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind the UDP sink (127.0.0.2 needs a namespace with lo up)");
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*out = sa;
	return fd;
}

static int tcp_listener(struct sockaddr_in *out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1024))
		die("listen");
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*out = sa;
	return fd;
}

/* Client side closes with RST (linger 0): no TIME_WAIT pile-up. */
static void tcp_connect_once(int lfd, const struct sockaddr_in *sa)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int c, a;

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket");
	if (connect(c, (const struct sockaddr *)sa, sizeof(*sa)))
		die("connect");
	a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		die("accept");
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	close(a);
}

static void taint(const char *name)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int err = getaddrinfo(name, "80", &hints, &res);

	if (err) {
		fprintf(stderr, "workload: getaddrinfo(%s): %s\n", name, gai_strerror(err));
		exit(1);
	}
	freeaddrinfo(res);
}

/* --- the loop ------------------------------------------------------------------ */

struct state {
	const char *mode;
	const char *name;
	int fd, fd2, lfd;
	struct sockaddr_in sa;
	uint8_t msg[512];
	size_t len;
	uint16_t id;
	uint8_t *big;
	size_t big_len;
	struct mmsghdr mm[2];
	struct iovec iov[2];
	uint8_t q2[2][512];
};

static void op_getppid(struct state *s)
{
	(void)s;
	syscall(SYS_getppid);
}

/* fork + wait of a child that exits at once: what `run`'s fork hook
 * (bpf/watch.bpf.c) costs every process on the host while a run lasts. */
static void op_fork(struct state *s)
{
	pid_t pid = fork();

	(void)s;
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		die("fork");
	waitpid(pid, NULL, 0);
}

static void op_tcp_connect(struct state *s)
{
	tcp_connect_once(s->lfd, &s->sa);
}

static void op_udp_sendto(struct state *s)
{
	if (sendto(s->fd, s->msg, s->len, 0, (struct sockaddr *)&s->sa, sizeof(s->sa)) < 0)
		die("sendto");
}

static void op_udp_send(struct state *s)
{
	if (send(s->fd, s->msg, s->len, 0) < 0 && errno != ECONNREFUSED)
		die("send");
}

static void op_dns_sendto(struct state *s)
{
	s->id++;
	s->msg[0] = s->id >> 8;
	s->msg[1] = s->id & 0xff;
	op_udp_sendto(s);
}

static void op_dns_sendmmsg(struct state *s)
{
	s->id++;
	s->q2[0][0] = s->q2[1][0] = s->id >> 8;
	s->q2[0][1] = s->q2[1][1] = s->id & 0xff;
	s->q2[1][1] ^= 1;
	if (sendmmsg(s->fd, s->mm, 2, 0) < 0 && errno != ECONNREFUSED)
		die("sendmmsg");
}

static void op_resolve_connect(struct state *s)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int err = getaddrinfo(s->name, NULL, &hints, &res);

	if (err) {
		fprintf(stderr, "workload: getaddrinfo(%s): %s\n", s->name, gai_strerror(err));
		exit(1);
	}
	((struct sockaddr_in *)res->ai_addr)->sin_port = s->sa.sin_port;
	tcp_connect_once(s->lfd, (struct sockaddr_in *)res->ai_addr);
	freeaddrinfo(res);
}

static void op_connect_global(struct state *s)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (c < 0)
		die("socket");
	if (connect(c, (struct sockaddr *)&s->sa, sizeof(s->sa)) == 0) {
		fprintf(stderr, "workload: connect_global reached 198.18.0.7: not in a sandbox\n");
		exit(1);
	}
	close(c);
}

/* --payload clear: one SMTP client session of 8 lines (8 segments, no
 * reserved name in them: the scan's cost, not an event's) to 127.0.0.1:25. */
static void op_mail_session(struct state *s)
{
	static const char *const lines[] = {
		"EHLO client.ordinary.co\r\n",     "MAIL FROM:<alice@ordinary.co>\r\n",
		"RCPT TO:<bob@ordinary.co>\r\n",   "DATA\r\n",
		"From: alice@ordinary.co\r\n",     "To: bob@ordinary.co\r\n",
		"Subject: build 1234 passed\r\n", ".\r\nQUIT\r\n",
	};
	char buf[512];
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), a, one = 1;
	size_t i;

	if (c < 0 || connect(c, (struct sockaddr *)&s->sa, sizeof(s->sa)))
		die("connect :25");
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	a = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		die("accept");
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (send(c, lines[i], strlen(lines[i]), 0) < 0)
			die("send");
		if (recv(a, buf, sizeof(buf), 0) < 0)
			die("recv");
	}
	close(c);
	close(a);
}

/* OpenSSL, without its headers (libssl-dev is not needed): the few
 * functions ssl_write uses. */
struct ossl {
	void *ssl;
	int (*write)(void *ssl, const void *buf, int num);
};
static struct ossl ossl;

static void setup_ssl(void)
{
	void *lib = dlopen("libssl.so.3", RTLD_NOW), *(*method)(void), *(*ctx_new)(void *),
	     *(*ssl_new)(void *), *ctx;

	if (!lib)
		lib = dlopen("libssl.so.1.1", RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "workload: no libssl: %s\n", dlerror());
		exit(1);
	}
	*(void **)&method = dlsym(lib, "TLS_client_method");
	*(void **)&ctx_new = dlsym(lib, "SSL_CTX_new");
	*(void **)&ssl_new = dlsym(lib, "SSL_new");
	*(void **)&ossl.write = dlsym(lib, "SSL_write");
	if (!method || !ctx_new || !ssl_new || !ossl.write)
		die("dlsym libssl");
	ctx = ctx_new(method());
	ossl.ssl = ctx ? ssl_new(ctx) : NULL;
	if (!ossl.ssl)
		die("SSL_new");
}

/* --payload tls: one SSL_write of a 64-byte IMAP line (no reserved name);
 * the session has no connection, so OpenSSL fails it at once. */
static void op_ssl_write(struct state *s)
{
	static const char line[] = "a1 LOGIN alice@ordinary.co \"not-a-real-password\"\r\n";

	(void)s;
	ossl.write(ossl.ssl, line, sizeof(line) - 1);
}

/* One message over an established loopback connection: send it all, read it
 * all, in one thread (non-blocking both ends, so 64 KiB never deadlocks). */
static void op_stream(struct state *s)
{
	size_t sent = 0, got = 0;
	ssize_t n;

	while (got < s->big_len) {
		if (sent < s->big_len) {
			n = send(s->fd, s->big + sent, s->big_len - sent, MSG_DONTWAIT);
			if (n > 0)
				sent += n;
			else if (n < 0 && errno != EAGAIN)
				die("send");
		}
		n = recv(s->fd2, s->big, s->big_len - got, MSG_DONTWAIT);
		if (n > 0)
			got += n;
		else if (n < 0 && errno != EAGAIN)
			die("recv");
	}
}

static void setup_stream(struct state *s, size_t size)
{
	struct sockaddr_in sa;
	int lfd = tcp_listener(&sa), one = 1;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	s->fd2 = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->fd2 < 0)
		die("accept");
	close(lfd);
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->big_len = size;
	s->big = calloc(1, size);
	if (!s->big)
		die("calloc");
}

/* --- fill: many tainted processes, many reserved answers ------------------------ */

static int fill(const char *name, long procs, long answers, long hold_ms)
{
	struct sockaddr_in sink, cli = { .sin_family = AF_INET };
	uint8_t q[512], r[600];
	int sfd, cfd, pfd[2];
	long i, started = 0, answered = 0;
	size_t n;

	sfd = udp_sink(SINK_ADDR, 53, &sink);
	cfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sink, sizeof(sink)))
		die("connect the DNS client");
	int big = 1 << 20;
	setsockopt(sfd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	/* Answers: query on cfd, the sink answers it with 198.18.x.y. */
	for (i = 0; i < answers; i++) {
		socklen_t sl = sizeof(cli);
		uint32_t a = htonl(0xc6120000u | (uint32_t)(i % 131072));
		ssize_t got;
		uint8_t junk[600];

		n = dns_query(q, sizeof(q), (uint16_t)i, name, 1);
		if (send(cfd, q, n, 0) < 0)
			die("send query");
		for (int tries = 0; tries < 1000; tries++) {
			got = recvfrom(sfd, r, sizeof(r), 0, (struct sockaddr *)&cli, &sl);
			if (got > 0)
				break;
			usleep(10);
		}
		if (got <= 0)
			continue;
		n = dns_answer(r, got, a);
		sendto(sfd, r, n, 0, (struct sockaddr *)&cli, sl);
		if (recv(cfd, junk, sizeof(junk), 0) > 0)
			answered++;
	}
	/* Processes: each child sends one reserved query and waits. */
	if (pipe(pfd))
		die("pipe");
	signal(SIGCHLD, SIG_DFL);
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (pid == 0) {
			char c;
			int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

			close(pfd[1]);
			n = dns_query(q, sizeof(q), (uint16_t)getpid(), name, 1);
			sendto(fd, q, n, 0, (struct sockaddr *)&sink, sizeof(sink));
			close(fd);
			while (read(pfd[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		started++;
		/* Keep the sink from filling: drop what came in. */
		if ((i & 63) == 63)
			while (recv(sfd, r, sizeof(r), MSG_DONTWAIT) > 0)
				;
	}
	printf("fill procs=%ld answers=%ld\n", started, answered);
	fflush(stdout);
	usleep(hold_ms * 1000);
	close(pfd[1]);
	close(pfd[0]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' },
		{ "taint", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'N' },
		{ "procs", required_argument, NULL, 'P' },
		{ "answers", required_argument, NULL, 'A' },
		{ "hold", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	long time_ms = 300, procs = 1000, answers = 1000, hold_ms = 3000;
	double rate = 0;
	const char *taint_name = NULL, *qname = NULL;
	void (*op)(struct state *) = NULL;
	struct state s = { .fd = -1, .fd2 = -1, .lfd = -1 };
	uint64_t ops = 0, t0, t, deadline, batch = 16;
	int opt;

	while ((opt = getopt_long(argc, argv, "t:r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			time_ms = atol(optarg);
			break;
		case 'r':
			rate = atof(optarg);
			break;
		case 'T':
			taint_name = optarg;
			break;
		case 'N':
			qname = optarg;
			break;
		case 'P':
			procs = atol(optarg);
			break;
		case 'A':
			answers = atol(optarg);
			break;
		case 'H':
			hold_ms = atol(optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc - 1 || time_ms <= 0 || time_ms > 600000) {
		fputs(usage, stderr);
		return 2;
	}
	s.mode = argv[optind];
	if (taint_name)
		taint(taint_name);
	if (!strcmp(s.mode, "fill"))
		return fill(qname ? qname : "fill.example.com", procs, answers, hold_ms);

	if (!strcmp(s.mode, "getppid")) {
		op = op_getppid;
		batch = 256;
	} else if (!strcmp(s.mode, "fork")) {
		op = op_fork;
	} else if (!strcmp(s.mode, "tcp_connect")) {
		s.lfd = tcp_listener(&s.sa);
		op = op_tcp_connect;
	} else if (!strcmp(s.mode, "udp_sendto") || !strcmp(s.mode, "udp_send")) {
		s.fd2 = udp_sink("127.0.0.1", 0, &s.sa);
		s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s.fd < 0)
			die("socket");
		s.len = 64;
		op = op_udp_sendto;
		if (!strcmp(s.mode, "udp_send")) {
			if (connect(s.fd, (struct sockaddr *)&s.sa, sizeof(s.sa)))
				die("connect");
			op = op_udp_send;
		}
	} else if (!strcmp(s.mode, "dns_sendto")) {
		s.fd2 = udp_sink(SINK_ADDR, 53, &s.sa);
		s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s.fd < 0)
			die("socket");
		s.len = dns_query(s.msg, sizeof(s.msg), 1, qname ? qname : "www.ordinary.co", 1);
		op = op_dns_sendto;
	} else if (!strcmp(s.mode, "dns_sendmmsg")) {
		/* glibc's shape: connected UDP, A + AAAA in one sendmmsg(). */
		s.fd2 = udp_sink(SINK_ADDR, 53, &s.sa);
		s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s.fd < 0 || connect(s.fd, (struct sockaddr *)&s.sa, sizeof(s.sa)))
			die("connect");
		for (int i = 0; i < 2; i++) {
			s.iov[i].iov_base = s.q2[i];
			s.iov[i].iov_len = dns_query(s.q2[i], sizeof(s.q2[i]), 1,
						     qname ? qname : "www.ordinary.co", i ? 28 : 1);
			s.mm[i].msg_hdr.msg_iov = &s.iov[i];
			s.mm[i].msg_hdr.msg_iovlen = 1;
		}
		op = op_dns_sendmmsg;
	} else if (!strcmp(s.mode, "resolve_connect")) {
		s.lfd = tcp_listener(&s.sa);
		s.name = qname ? qname : "svc.ordinary.co";
		op = op_resolve_connect;
		batch = 4;
	} else if (!strcmp(s.mode, "mail_session")) {
		s.lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		s.sa.sin_family = AF_INET;
		s.sa.sin_port = htons(25);
		s.sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setsockopt(s.lfd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
		if (s.lfd < 0 || bind(s.lfd, (struct sockaddr *)&s.sa, sizeof(s.sa)) ||
		    listen(s.lfd, 64))
			die("listen :25");
		op = op_mail_session;
		batch = 4;
	} else if (!strcmp(s.mode, "ssl_write")) {
		setup_ssl();
		op = op_ssl_write;
	} else if (!strcmp(s.mode, "connect_global")) {
		s.sa.sin_family = AF_INET;
		s.sa.sin_port = htons(80);
		inet_pton(AF_INET, "198.18.0.7", &s.sa.sin_addr);
		op = op_connect_global;
	} else if (!strcmp(s.mode, "tcp_stream64") || !strcmp(s.mode, "tcp_stream64k")) {
		setup_stream(&s, strcmp(s.mode, "tcp_stream64") ? 65536 : 64);
		op = op_stream;
		if (s.big_len > 64)
			batch = 4;
	} else {
		fprintf(stderr, "workload: unknown mode '%s'\n\n%s", s.mode, usage);
		return 2;
	}

	/* Warm up (caches, first-use allocations), then the timed loop. */
	for (int i = 0; i < 32; i++)
		op(&s);
	t0 = now_ns();
	deadline = t0 + (uint64_t)time_ms * 1000000ull;
	if (rate > 0) {
		/* Paced: every 100 us, catch up to rate * elapsed. */
		for (t = t0; t < deadline; t = now_ns()) {
			uint64_t due = (uint64_t)(rate * (double)(t - t0) / 1e9);

			while (ops < due && ops < MAX_OPS_CAP) {
				op(&s);
				ops++;
			}
			struct timespec ts = { 0, 100000 };

			nanosleep(&ts, NULL);
		}
	} else {
		do {
			for (uint64_t i = 0; i < batch; i++)
				op(&s);
			ops += batch;
			t = now_ns();
		} while (t < deadline && ops < MAX_OPS_CAP);
	}
	t = now_ns();
	printf("%s ns_per_op=%.1f ops=%llu elapsed_ns=%llu\n", s.mode,
	       ops ? (double)(t - t0) / (double)ops : 0.0, (unsigned long long)ops,
	       (unsigned long long)(t - t0));
	return 0;
}
