// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names derived from reserved names in the verdict engine
 * (userspace/tracker.c): an MX or SRV answer of a reserved name keeps its
 * targets, is an `answer` verdict for example.com/net/org (a null MX is
 * what they publish), and a later resolution of the target makes traffic to
 * its address `direct`, via the chain, across processes too (asked_by).
 * Synthetic ring buffer events, as the kernel sends them, for pids /proc
 * has nothing of.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "dns_build.h"
#include "addr.h"
#include "config.h"
#include "policy.h"
#include "tracker.h"

#define SEC 1000000000ull
#define PID_BASE 0x7fe00000u

static struct policy pol;
static struct tracker *trk;

static bool setup(void)
{
	char err[POLICY_ERR_LEN];

	if (!ASSERT_OK(policy_init(&pol), "policy_init"))
		return false;
	if (!ASSERT_OK(config_apply_line(&pol, "global = 198.18.0.0/15", err, sizeof(err)), err))
		return false;
	trk = tracker_new(&pol, NULL, NULL);
	return ASSERT_NOT_NULL(trk, "tracker_new");
}

static void teardown(void)
{
	tracker_free(trk);
	trk = NULL;
	policy_free(&pol);
}

static void hdr(struct lw_event_hdr *h, uint32_t type, uint32_t size, uint32_t pid, uint64_t t)
{
	h->type = type;
	h->size = size;
	h->time_ns = t;
	h->proc.tgid = pid;
	h->proc.start_ns = 1000 + pid;
	memcpy(h->comm, "mailer", 7);
}

/* A response to `name qtype` with one MX (pref 10) or SRV (port 443)
 * target, as the kernel delivers it (reserved: flags say so). */
static void response(uint32_t pid, uint64_t t, const char *name, uint16_t qtype, const char *target,
		     bool reserved)
{
	const struct reserved_suffix *s = policy_match_name(&pol, name);
	struct lw_dns_event e;
	struct dnsb b;
	size_t at;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_DNS_RESPONSE, sizeof(e), pid, t);
	dnsb_init(&b, e.payload, sizeof(e.payload));
	dnsb_header(&b, 0x4243, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, name, qtype, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	at = dnsb_rr_begin(&b, qtype, DNSB_C_IN, 60);
	if (qtype == DNSB_T_SRV) {
		dnsb_u16(&b, 0);   /* priority */
		dnsb_u16(&b, 0);   /* weight */
		dnsb_u16(&b, 443); /* port */
	} else {
		dnsb_u16(&b, target[0] ? 10 : 0);
	}
	dnsb_name(&b, target);
	dnsb_rr_end(&b, at);
	e.payload_len = e.wire_len = (uint16_t)b.len;
	ASSERT_OK(addr_parse("127.0.0.1", e.peer), "resolver");
	e.peer_port = 53;
	e.proto = IPPROTO_UDP;
	e.flags = reserved ? LW_DNS_RESERVED : LW_DNS_TAINTED_OWNER;
	e.suffix_id = s ? (uint32_t)(s - pol.suffixes) : ~0u;
	e.family = s ? s->family : 0;
	ASSERT_OK(tracker_handle(trk, &e, sizeof(e)), "dns response");
}

/* The C library resolved an ordinary name (the process is in a window). */
static void libc_ordinary(uint32_t pid, uint64_t t, const char *name, const char *addr)
{
	struct lw_libc_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_LIBC_LOOKUP, sizeof(e), pid, t);
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.suffix_id = ~0u;
	e.func = LW_LIBC_GETADDRINFO;
	ASSERT_OK(addr_parse(addr, e.addrs[0]), addr);
	e.n_addrs = 1;
	ASSERT_OK(tracker_handle(trk, &e, sizeof(e)), "libc event");
}

static void connect_to(uint32_t pid, uint64_t t, const char *addr, uint16_t port)
{
	struct lw_connect_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_CONNECT, sizeof(e), pid, t);
	ASSERT_OK(addr_parse(addr, e.addr), addr);
	e.port = port;
	e.proto = IPPROTO_TCP;
	e.flags = LW_CONN_IN_WINDOW | LW_CONN_GLOBAL;
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

static const struct tverdict *verdict(const struct tproc *p, uint8_t kind)
{
	size_t i;

	for (i = 0; p && i < p->n_verdicts; i++)
		if (p->verdicts[i].kind == kind)
			return &p->verdicts[i];
	return NULL;
}

/* example.com MX -> a third party: kept, an answer verdict; the target's
 * address, connected to by the same process, is direct via the chain. */
static void test_mx_chain_same_process(void)
{
	const uint32_t pid = PID_BASE + 1;
	const struct tverdict *v;
	struct tproc *p;

	if (!setup())
		goto out;
	response(pid, 1 * SEC, "example.com", DNSB_T_MX, "mx1.mail-sei.co.jp", true);
	libc_ordinary(pid, 2 * SEC, "mx1.mail-sei.co.jp", "198.18.0.40");
	connect_to(pid, 3 * SEC, "198.18.0.40", 25);
	p = find(pid);
	if (!ASSERT_NOT_NULL(p, "tracked"))
		goto out;
	ASSERT_TRUE(p->n_names == 1 && p->names[0].n_targets == 1 &&
			    !strcmp(p->names[0].targets[0], "mx1.mail-sei.co.jp"),
		    "names[].targets");
	v = verdict(p, VERDICT_ANSWER);
	ASSERT_TRUE(v && !strcmp(v->target, "mx1.mail-sei.co.jp") && v->severity == SEV_MEDIUM,
		    "answer verdict naming the MX target");
	v = verdict(p, VERDICT_DIRECT);
	ASSERT_TRUE(v && !strcmp(v->name, "example.com MX mx1.mail-sei.co.jp") && v->port == 25,
		    "direct via the chain");
	ASSERT_TRUE(p->n_dests == 1 && !strcmp(p->dests[0].name, "mx1.mail-sei.co.jp") &&
			    !p->dests[0].asked_by_pid,
		    "destination named, asked by itself");
out:
	teardown();
}

/* SRV target resolved and connected to by another process: asked_by. */
static void test_srv_chain_other_process(void)
{
	const uint32_t asker = PID_BASE + 2, user = PID_BASE + 3;
	const struct tverdict *v;
	struct tproc *p;

	if (!setup())
		goto out;
	response(asker, 1 * SEC, "_autodiscover._tcp.example.com", DNSB_T_SRV,
		 "autod.thirdparty.co", true);
	libc_ordinary(user, 2 * SEC, "autod.thirdparty.co", "198.18.0.41");
	connect_to(user, 3 * SEC, "198.18.0.41", 443);
	p = find(asker);
	ASSERT_TRUE(p && p->n_names && p->names[0].n_targets == 1 &&
			    !strcmp(p->names[0].targets[0], "autod.thirdparty.co:443"),
		    "SRV target with its port");
	p = find(user);
	v = verdict(p, VERDICT_DIRECT);
	ASSERT_TRUE(v && !strcmp(v->name, "_autodiscover._tcp.example.com SRV autod.thirdparty.co"),
		    "direct via the SRV chain");
	ASSERT_TRUE(p && p->n_dests == 1 && p->dests[0].asked_by_pid == asker, "asked_by");
out:
	teardown();
}

/* A null MX (preference 0, exchange "."), what example.net publishes: no
 * target, no verdict; an ordinary name that is no target stays follow-on. */
static void test_null_mx_quiet(void)
{
	const uint32_t pid = PID_BASE + 4;
	struct tproc *p;

	if (!setup())
		goto out;
	response(pid, 1 * SEC, "example.net", DNSB_T_MX, "", true);
	libc_ordinary(pid, 2 * SEC, "www.ordinary.co", "198.18.0.30");
	connect_to(pid, 3 * SEC, "198.18.0.30", 443);
	p = find(pid);
	ASSERT_TRUE(p && p->n_names == 1 && !p->names[0].n_targets, "no target");
	ASSERT_TRUE(!verdict(p, VERDICT_ANSWER), "no answer verdict");
	ASSERT_TRUE(!verdict(p, VERDICT_DIRECT), "not direct");
out:
	teardown();
}

int main(void)
{
	RUN_TEST(test_mx_chain_same_process);
	RUN_TEST(test_srv_chain_other_process);
	RUN_TEST(test_null_mx_quiet);
	return test_summary();
}
