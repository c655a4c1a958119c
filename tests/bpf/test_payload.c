// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kernel's payload scanner (bpf/payload.bpf.[ch]) in the running
 * kernel, with BPF_PROG_TEST_RUN on crafted TCP segments: which tokens it
 * finds, with which verb, what it refuses to read (Authorization, Cookie,
 * AUTH, PASS, LOGIN's password), the local part it withholds, the
 * per-socket caps, retransmissions, STARTTLS and TLS records. Every event
 * is cross-checked against the userspace policy (the same suffix), and
 * its bytes are searched for the secrets the segment carried.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "leakwatch.h" /* before the skeleton: its types */
#include "payload_test.skel.h"
#include "policy.h"
#include "sensor.h"
#include "test.h"

#define MAX_EVENTS 16

static struct payload_bpf *skel;
static struct ring_buffer *rb;
static struct policy policy;
static struct lw_payload_event events[MAX_EVENTS];
static int n_events;

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size == sizeof(events[0]) && n_events < MAX_EVENTS)
		memcpy(&events[n_events], data, size);
	n_events++;
	return 0;
}

/* Ethernet + IPv4 or IPv6 + TCP (no options) + data, to port dport. */
static size_t frame(uint8_t *out, const char *data, size_t len, bool v6, uint32_t seq)
{
	uint16_t sport = htons(40000), dport = htons(skel->bss->test_sock.dport);
	uint32_t nseq = htonl(seq);
	size_t off = 14, ip;

	memset(out, 0, 14 + 40 + 20);
	out[12] = v6 ? 0x86 : 0x08;
	out[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		uint16_t plen = htons(20 + len);

		out[off] = 0x60;
		memcpy(&out[off + 4], &plen, 2);
		out[off + 6] = 6;
		out[off + 7] = 64;
		out[off + 23] = 1;
		out[off + 39] = 2;
		ip = 40;
	} else {
		uint16_t tlen = htons(20 + 20 + len);

		out[off] = 0x45;
		memcpy(&out[off + 2], &tlen, 2);
		out[off + 8] = 64;
		out[off + 9] = 6;
		out[off + 12] = 198, out[off + 13] = 18, out[off + 15] = 1;
		out[off + 16] = 198, out[off + 17] = 18, out[off + 19] = 31;
		ip = 20;
	}
	memcpy(&out[off + ip], &sport, 2);
	memcpy(&out[off + ip + 2], &dport, 2);
	memcpy(&out[off + ip + 4], &nseq, 4);
	out[off + ip + 12] = 5 << 4;
	out[off + ip + 13] = 0x18;
	memcpy(&out[off + ip + 20], data, len);
	return off + ip + 20 + len;
}

/* A fresh socket to port, as connect4 marks it. */
static void new_socket(uint16_t port)
{
	struct lw_payload_sock *ps = &skel->bss->test_sock;

	memset(ps, 0, sizeof(*ps));
	ps->owner.id.tgid = getpid();
	memcpy(ps->owner.comm, "test_payload", 13);
	ps->dst[10] = ps->dst[11] = 0xff;
	ps->dst[12] = 198, ps->dst[13] = 18, ps->dst[15] = 31;
	ps->dport = port;
	ps->cookie = 0x5eed;
}

static uint32_t next_seq = 1000;

/* Send one segment of the current socket; the events it gave. */
static int segment_v(const char *data, size_t len, bool v6, uint32_t seq)
{
	static uint8_t pkt[14 + 40 + 20 + 4096];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .repeat = 1);
	int err;

	opts.data_size_in = frame(pkt, data, len, v6, seq);
	n_events = 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.test_payload), &opts);
	if (err)
		return err;
	ring_buffer__consume(rb);
	return n_events;
}

static int segment(const char *data)
{
	int n = segment_v(data, strlen(data), false, next_seq);

	next_seq += strlen(data);
	return n;
}

/* The event's token and verb are what the test expects, its suffix is the
 * one userspace's policy gives the token's host, and none of the
 * secrets (NULL-terminated list) is anywhere in the event's bytes. */
static void expect_event(int i, const char *token, uint8_t verb, const char *const *secrets)
{
	const struct lw_payload_event *e = &events[i];
	const struct reserved_suffix *sfx;
	char tok[LW_PAYLOAD_TOKEN_MAX + 1] = "";
	const char *host;

	if (!ASSERT_TRUE(i < n_events, "event present"))
		return;
	memcpy(tok, e->token, e->token_len < LW_PAYLOAD_TOKEN_MAX ? e->token_len : 0);
	ASSERT_STREQ(tok, token, "token");
	ASSERT_EQ(e->verb, verb, "verb");
	ASSERT_EQ(e->hdr.type, LW_EV_PAYLOAD, "type");
	ASSERT_EQ(e->port, skel->bss->test_sock.dport, "port");
	ASSERT_EQ(e->cookie, 0x5eed, "cookie");
	host = strchr(tok, '@') ? strchr(tok, '@') + 1 : tok;
	sfx = policy_match_name(&policy, host);
	if (ASSERT_TRUE(sfx != NULL, "userspace agrees the host is reserved"))
		ASSERT_EQ(e->suffix_id, sfx - policy.suffixes, "same suffix");
	for (; secrets && *secrets; secrets++)
		ASSERT_TRUE(!memmem(e, sizeof(*e), *secrets, strlen(*secrets)),
			    "no secret in the event");
}

static void test_smtp_verbs(void)
{
	new_socket(25);
	ASSERT_EQ(segment("EHLO build.test\r\n"), 1, "EHLO");
	expect_event(0, "build.test", LW_VERB_SMTP_HELO, NULL);
	ASSERT_EQ(segment("MAIL FROM:<Test@Example.COM> SIZE=100\r\n"), 1, "MAIL FROM");
	expect_event(0, "test@example.com", LW_VERB_SMTP_MAIL_FROM, NULL);
	ASSERT_TRUE(events[0].flags & LW_PAYLOAD_MAIL, "a mail address");
	ASSERT_EQ(segment("RCPT TO:<qa@staging.invalid>\r\n"), 1, "RCPT TO");
	expect_event(0, "qa@staging.invalid", LW_VERB_SMTP_RCPT_TO, NULL);
	/* whole labels only; a sentence's full stop is not the root */
	ASSERT_EQ(segment("From: x@notexample.com\r\nTo: see y@example.net.\r\n"), 1, "DATA");
	expect_event(0, "y@example.net", LW_VERB_SMTP_DATA, NULL);
}

static void test_smtp_auth_never(void)
{
	static const char *const secrets[] = { "dGVzdEBleGFtcGxl", NULL };

	new_socket(587);
	ASSERT_EQ(segment("AUTH PLAIN dGVzdEBleGFtcGxlLmNvbQ== u@example.com\r\n"), 0, "AUTH");
	ASSERT_EQ(segment("MAIL FROM:<ci@example.org>\r\n"), 1, "MAIL FROM after AUTH");
	expect_event(0, "ci@example.org", LW_VERB_SMTP_MAIL_FROM, secrets);
}

static void test_imap_login_password_never(void)
{
	static const char *const secrets[] = { "s3cr3t", "evil", NULL };

	new_socket(143);
	ASSERT_EQ(segment("a1 CAPABILITY\r\n"), 0, "CAPABILITY");
	ASSERT_EQ(segment("a2 LOGIN test@example.com s3cr3t.pw@evil.test\r\n"), 1, "LOGIN");
	expect_event(0, "test@example.com", LW_VERB_IMAP_LOGIN, secrets);
	ASSERT_EQ(segment("a3 LOGIN \"qa@example.com\" \"s3cr3t@x.test\"\r\n"), 1, "quoted");
	expect_event(0, "qa@example.com", LW_VERB_IMAP_LOGIN, secrets);
	ASSERT_EQ(segment("a4 LOGIN alice s3cr3t@pw.test\r\n"), 0, "password only");
}

static void test_private_local_part_withheld(void)
{
	static const char *const secrets[] = { "jane", NULL };

	new_socket(143);
	ASSERT_EQ(segment("a1 LOGIN jane.doe@corp.internal pw\r\n"), 1, "LOGIN");
	expect_event(0, "corp.internal", LW_VERB_IMAP_LOGIN, secrets);
	ASSERT_TRUE(events[0].flags & LW_PAYLOAD_LOCAL_DROPPED, "withheld");
	/* .test has no real mailboxes: kept */
	ASSERT_EQ(segment("a2 LOGIN jane@app.test pw\r\n"), 1, ".test");
	expect_event(0, "jane@app.test", LW_VERB_IMAP_LOGIN, NULL);
}

static void test_pop(void)
{
	new_socket(110);
	ASSERT_EQ(segment("USER qa@example.org\r\n"), 1, "USER");
	expect_event(0, "qa@example.org", LW_VERB_POP_USER, NULL);
	ASSERT_EQ(segment("PASS hunter2@pw.test\r\n"), 0, "PASS");
}

static void test_http(void)
{
	static const char *const secrets[] = { "sess1", "Basic", "cookie", NULL };
	static const char req[] = "POST /v1/signup?ref=ci.example.net HTTP/1.1\r\n"
				  "Host: API.Shop.Test\r\n"
				  "Cookie: sess1=u@example.com\r\n"
				  "Authorization: Basic a@example.com\r\n"
				  "X-Client: agent.example.org\r\n"
				  "\r\n"
				  "{\"email\": \"test@example.com\", \"password\": \"hunter2\"}";
	int n;

	new_socket(80);
	n = segment(req);
	ASSERT_EQ(n, 4, "tokens");
	expect_event(0, "ci.example.net", LW_VERB_HTTP_REQUEST, secrets);
	expect_event(1, "api.shop.test", LW_VERB_HTTP_HOST, secrets);
	expect_event(2, "agent.example.org", LW_VERB_HTTP_HEADER, secrets);
	expect_event(3, "test@example.com", LW_VERB_HTTP_BODY, secrets);
	ASSERT_TRUE(!memmem(events, sizeof(events), "hunter2", 7), "no password");
}

static void test_ipv6_and_long_line(void)
{
	char buf[1800];

	new_socket(80);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf + sizeof(buf) - 20, " x@shop.example\r\n", 17);
	ASSERT_EQ(segment_v(buf, sizeof(buf) - 3, true, 1), 1, "IPv6, far from the line head");
	expect_event(0, "x@shop.example", LW_VERB_HTTP_BODY, NULL);
}

static void test_caps_retransmit_starttls(void)
{
	int i;

	new_socket(25);
	ASSERT_EQ(segment_v("EHLO a.test\r\n", 13, false, 5000), 1, "first");
	ASSERT_EQ(segment_v("EHLO a.test\r\n", 13, false, 5000), 0, "retransmission skipped");
	next_seq = 5013;
	for (i = 1; i < LW_PAYLOAD_SEGS; i++)
		segment("NOOP\r\n");
	ASSERT_TRUE(skel->bss->test_sock.flags & LW_PSOCK_DONE, "done after the cap");
	ASSERT_EQ(segment("RCPT TO:<late@example.com>\r\n"), 0, "past the cap");

	new_socket(25);
	ASSERT_EQ(segment("STARTTLS\r\n"), 0, "STARTTLS");
	ASSERT_TRUE(skel->bss->test_sock.flags & LW_PSOCK_DONE, "done after STARTTLS");
	ASSERT_EQ(segment("MAIL FROM:<a@example.com>\r\n"), 0, "TLS after it");

	new_socket(143);
	ASSERT_EQ(segment("\x16\x03\x01\x02\x00 a@example.com"), 0, "a TLS record");
	ASSERT_TRUE(skel->bss->test_sock.flags & LW_PSOCK_DONE, "done on TLS");
}

/* Many '.'s: the scan stops at its candidate bound, and stays correct. */
static void test_dots(void)
{
	char buf[1024] = "";
	int i;

	new_socket(80);
	for (i = 0; i < 20; i++)
		strcat(buf, "v1.2 ");
	strcat(buf, "u@a.example.com\r\n");
	ASSERT_EQ(segment(buf), 1, "after 20 other dotted words");
	expect_event(0, "u@a.example.com", LW_VERB_HTTP_BODY, NULL);
}

static int setup(void)
{
	int err;

	skel = payload_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "open/load: %s\n", strerror(errno));
		return -1;
	}
	if (policy_init(&policy))
		return -1;
	err = sensor_fill_suffixes(bpf_map__fd(skel->maps.suffixes), &policy);
	err = err ?: sensor_fill_addr_class(bpf_map__fd(skel->maps.addr_class), &policy);
	if (err) {
		fprintf(stderr, "fill maps: %s\n", strerror(-err));
		return -1;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	return rb ? 0 : -1;
}

int main(void)
{
	if (geteuid() != 0) {
		printf("SKIP: test_payload: needs root to load BPF programs\n");
		return 0;
	}
	if (setup()) {
		printf("FAIL: test_payload: setup failed\n");
		return 1;
	}
	RUN_TEST(test_smtp_verbs);
	RUN_TEST(test_smtp_auth_never);
	RUN_TEST(test_imap_login_password_never);
	RUN_TEST(test_private_local_part_withheld);
	RUN_TEST(test_pop);
	RUN_TEST(test_http);
	RUN_TEST(test_ipv6_and_long_line);
	RUN_TEST(test_caps_retransmit_starttls);
	RUN_TEST(test_dots);
	ring_buffer__free(rb);
	payload_bpf__destroy(skel);
	policy_free(&policy);
	return test_summary();
}
