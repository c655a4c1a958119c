// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `allow-name` in the verdict engine (userspace/tracker.c): synthetic ring
 * buffer events, as the kernel sends them, for processes that do not exist
 * (pids far above pid_max: /proc has nothing, which the tracker handles).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "dns_build.h"
#include "addr.h"
#include "config.h"
#include "policy.h"
#include "tracker.h"

#define SEC 1000000000ull
#define PID_BASE 0x7ff00000u

static struct policy pol;
static struct tracker *trk;
static unsigned int n_verdicts;

static void on_verdict(void *ctx, const struct tproc *p, const struct tverdict *v)
{
	(void)ctx;
	(void)p;
	(void)v;
	n_verdicts++;
}

static bool setup(void)
{
	static const char *const lines[] = {
		"global = 198.18.0.0/15",
		"allow-name = leak.example.net",
		"allow-name = allowed.test",
		"allow-name = ok.invalid",
	};
	char err[POLICY_ERR_LEN];
	size_t i;

	if (!ASSERT_OK(policy_init(&pol), "policy_init"))
		return false;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (!ASSERT_OK(config_apply_line(&pol, lines[i], err, sizeof(err)), err))
			return false;
	n_verdicts = 0;
	trk = tracker_new(&pol, on_verdict, NULL);
	return ASSERT_NOT_NULL(trk, "tracker_new");
}

static void teardown(void)
{
	tracker_free(trk);
	trk = NULL;
	policy_free(&pol);
}

static void hdr(struct lw_event_hdr *h, uint32_t type, uint32_t size, uint32_t pid,
		uint64_t time_ns)
{
	h->type = type;
	h->size = size;
	h->time_ns = time_ns;
	h->proc.tgid = pid;
	h->proc.start_ns = 1000 + pid;
	h->uid = 1000;
	memcpy(h->comm, "tester", 7);
}

static void v4(const char *text, uint8_t a[16])
{
	ASSERT_OK(addr_parse(text, a), text);
}

/* The C library resolved name to addr (one A record). */
static void libc_lookup(uint32_t pid, uint64_t t, const char *name, const char *addr)
{
	struct lw_libc_event e;
	const struct reserved_suffix *s = policy_match_name(&pol, name);

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_LIBC_LOOKUP, sizeof(e), pid, t);
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.flags = s ? LW_DNS_RESERVED : 0;
	e.suffix_id = s ? (uint32_t)(s - pol.suffixes) : ~0u;
	e.family = s ? s->family : 0;
	e.func = LW_LIBC_GETADDRINFO;
	if (addr) {
		v4(addr, e.addrs[0]);
		e.n_addrs = 1;
	}
	ASSERT_OK(tracker_handle(trk, &e, sizeof(e)), "libc event");
}

/* A DNS query for name sent to resolver:53. */
static void dns_query(uint32_t pid, uint64_t t, const char *name, const char *resolver)
{
	struct lw_dns_event e;
	const struct reserved_suffix *s = policy_match_name(&pol, name);
	struct dnsb b;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_DNS_QUERY, sizeof(e), pid, t);
	dnsb_init(&b, e.payload, sizeof(e.payload));
	dnsb_header(&b, 0x4242, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_question(&b, name, DNSB_T_A, DNSB_C_IN);
	e.payload_len = (uint16_t)b.len;
	e.wire_len = (uint16_t)b.len;
	v4(resolver, e.peer);
	e.peer_port = 53;
	e.proto = IPPROTO_UDP;
	e.flags = LW_DNS_RESERVED;
	e.suffix_id = s ? (uint32_t)(s - pol.suffixes) : ~0u;
	e.family = s ? s->family : 0;
	ASSERT_OK(tracker_handle(trk, &e, sizeof(e)), "dns event");
}

static void connect_to(uint32_t pid, uint64_t t, const char *addr, uint16_t port, uint8_t flags)
{
	struct lw_connect_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_CONNECT, sizeof(e), pid, t);
	v4(addr, e.addr);
	e.port = port;
	e.proto = IPPROTO_TCP;
	e.flags = flags | LW_CONN_GLOBAL;
	if (flags & LW_CONN_IN_ANSWERS)
		e.answer.owner.tgid = pid;
	ASSERT_OK(tracker_handle(trk, &e, sizeof(e)), "connect event");
}

static struct tproc *find(uint32_t pid)
{
	struct tproc *p;

	for (p = tracker_first(trk); p; p = tracker_next(trk, p))
		if (p->tgid == pid)
			return p;
	return NULL;
}

static const struct tdest *dest(const struct tproc *p, const char *addr)
{
	uint8_t a[16];
	size_t i;

	v4(addr, a);
	for (i = 0; p && i < p->n_dests; i++)
		if (!memcmp(p->dests[i].addr, a, 16))
			return &p->dests[i];
	return NULL;
}

static unsigned int kinds(const struct tproc *p, uint8_t kind)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; p && i < p->n_verdicts; i++)
		n += p->verdicts[i].kind == kind;
	return n;
}

/* An allowed name (any case, trailing dot): in names[] as allowed; its
 * answer, connected to, is no direct leak; the window it would open is none. */
static void test_allowed_direct_and_window(void)
{
	const uint32_t pid = PID_BASE + 1;
	const struct tdest *d;
	struct tproc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.LEAK.example.net.", "198.18.0.7");
	connect_to(pid, 2 * SEC, "198.18.0.7", 80, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	connect_to(pid, 3 * SEC, "198.18.0.30", 993, LW_CONN_IN_WINDOW);
	p = find(pid);
	if (!ASSERT_NOT_NULL(p, "process tracked"))
		goto out;
	ASSERT_EQ(p->n_names, 1, "the name is reported");
	ASSERT_TRUE(p->n_names && p->names[0].allowed, "names[].allowed");
	ASSERT_EQ(p->n_verdicts, 0, "no verdict");
	ASSERT_EQ(n_verdicts, 0, "no verdict callback");
	d = dest(p, "198.18.0.7");
	ASSERT_TRUE(d && d->global && d->verdict == VERDICT_NONE, "answer: verdict null");
	d = dest(p, "198.18.0.30");
	ASSERT_TRUE(d && d->verdict == VERDICT_NONE, "window of an allowed name: none");
	ASSERT_TRUE(tproc_has_findings(p), "still reported (names[])");
	ASSERT_EQ(tproc_max_severity(p), SEV_NONE, "nothing to fail on");
out:
	teardown();
}

/* A name that is not allowed still leaks; its window still counts, also
 * toward an address another name (allowed) was answered with. */
static void test_not_allowed_still_leaks(void)
{
	const uint32_t pid = PID_BASE + 2, other = PID_BASE + 3;
	const struct tdest *d;
	struct tproc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "leak.example.net", "198.18.0.7");
	libc_lookup(other, 2 * SEC, "xleak.example.net", "198.18.0.9");
	connect_to(other, 3 * SEC, "198.18.0.9", 80, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	connect_to(other, 3 * SEC, "198.18.0.7", 80, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	p = find(other);
	if (!ASSERT_NOT_NULL(p, "process tracked"))
		goto out;
	ASSERT_FALSE(p->names[0].allowed, "xleak.example.net is not under leak.example.net");
	d = dest(p, "198.18.0.9");
	ASSERT_TRUE(d && d->verdict == VERDICT_DIRECT, "its own answer: direct");
	d = dest(p, "198.18.0.7");
	ASSERT_TRUE(d && d->verdict == VERDICT_FOLLOW_ON, "allowed answer, own window: follow-on");
	ASSERT_STREQ(d ? d->via : "", "xleak.example.net", "via the name not allowed");
	ASSERT_EQ(kinds(p, VERDICT_DIRECT), 1, "one direct");
	ASSERT_EQ(kinds(p, VERDICT_FOLLOW_ON), 1, "one follow-on");
	/* the allowed process itself stays clean */
	ASSERT_EQ(kinds(find(pid), VERDICT_DIRECT), 0, "allowed process: no direct");
out:
	teardown();
}

/* A window opened by a name not allowed ends `window` seconds after it,
 * however long allowed names kept the kernel's window open. */
static void test_window_not_extended_by_allowed(void)
{
	const uint32_t pid = PID_BASE + 4;
	const struct tdest *d;
	struct tproc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "autodiscover.example.com", "127.0.0.1");
	libc_lookup(pid, 50 * SEC, "leak.example.net", "198.18.0.7");
	connect_to(pid, 55 * SEC, "198.18.0.30", 993, LW_CONN_IN_WINDOW);
	connect_to(pid, 70 * SEC, "198.18.0.31", 993, LW_CONN_IN_WINDOW);
	p = find(pid);
	if (!ASSERT_NOT_NULL(p, "process tracked"))
		goto out;
	d = dest(p, "198.18.0.30");
	ASSERT_TRUE(d && d->verdict == VERDICT_FOLLOW_ON, "inside its own window");
	ASSERT_STREQ(d ? d->via : "", "autodiscover.example.com", "via");
	d = dest(p, "198.18.0.31");
	ASSERT_TRUE(d && d->verdict == VERDICT_NONE, "only the allowed name's window left");
out:
	teardown();
}

/* answer and resolver verdicts of allowed names are not made. */
static void test_allowed_answer_and_resolver(void)
{
	const uint32_t pid = PID_BASE + 5;
	struct tproc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "db.allowed.test", "198.18.0.12"); /* .test -> global */
	libc_lookup(pid, 1 * SEC, "foo.ok.invalid", "198.18.0.13");  /* .invalid -> any */
	dns_query(pid, 2 * SEC, "api.allowed.test", "198.18.0.53");  /* to a global resolver */
	connect_to(pid, 3 * SEC, "198.18.0.40", 443, LW_CONN_IN_WINDOW);
	p = find(pid);
	if (!ASSERT_NOT_NULL(p, "process tracked"))
		goto out;
	ASSERT_EQ(p->n_names, 3, "three names");
	ASSERT_EQ(p->n_verdicts, 0, "no answer, resolver or follow-on verdict");
	dns_query(pid, 4 * SEC, "api.other.test", "198.18.0.53");
	libc_lookup(pid, 5 * SEC, "db.other.test", "198.18.0.14");
	ASSERT_EQ(kinds(p, VERDICT_RESOLVER), 1, "a name not allowed: resolver");
	ASSERT_EQ(kinds(p, VERDICT_ANSWER), 1, "a name not allowed: answer");
out:
	teardown();
}

int main(void)
{
	RUN_TEST(test_allowed_direct_and_window);
	RUN_TEST(test_not_allowed_still_leaks);
	RUN_TEST(test_window_not_extended_by_allowed);
	RUN_TEST(test_allowed_answer_and_resolver);
	return test_summary();
}
