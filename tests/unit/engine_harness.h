/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The verdict engine (userspace/verdict.c) fed synthetic ring buffer
 * events, as the kernel sends them, through its public handle function,
 * for processes that do not exist (pids far above pid_max: /proc has
 * nothing, which the process table handles). One engine and one policy at
 * a time: engine_setup() before a case, engine_teardown() after.
 *
 *	if (!engine_setup(lines, n))
 *		goto out;
 *	libc_lookup(pid, 1 * SEC, "x.invalid", "198.18.0.7");
 *	connect_to(pid, 2 * SEC, "198.18.0.7", 443, LW_CONN_IN_ANSWERS);
 *	... find(pid), dest(p, addr), verdict_of(p, kind) ...
 * out:
 *	engine_teardown();
 */
#ifndef __LW_ENGINE_HARNESS_H
#define __LW_ENGINE_HARNESS_H

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "dns_build.h"
#include "addr.h"
#include "config.h"
#include "policy.h"
#include "verdict.h"

#define SEC 1000000000ull

static struct policy pol;
static struct verdict_engine *eng;
static unsigned int n_verdicts; /* verdict callbacks since engine_setup() */

static void harness_on_verdict(void *ctx, const struct watched_proc *p, const struct verdict *v)
{
	(void)ctx;
	(void)p;
	(void)v;
	n_verdicts++;
}

/* The built-in policy plus config lines; 198.18.0.0/15 is the internet
 * here, as in the end-to-end sandbox. */
static inline bool engine_setup(const char *const *lines, size_t n)
{
	char err[POLICY_ERR_LEN];
	size_t i;

	if (!ASSERT_OK(policy_init(&pol), "policy_init"))
		return false;
	if (!ASSERT_OK(config_apply_line(&pol, "global = 198.18.0.0/15", err, sizeof(err)), err))
		return false;
	for (i = 0; i < n; i++)
		if (!ASSERT_OK(config_apply_line(&pol, lines[i], err, sizeof(err)), err))
			return false;
	n_verdicts = 0;
	eng = verdict_engine_new(&pol, harness_on_verdict, NULL);
	return ASSERT_NOT_NULL(eng, "verdict_engine_new");
}

static inline void engine_teardown(void)
{
	verdict_engine_free(eng);
	eng = NULL;
	policy_free(&pol);
}

static inline void hdr(struct lw_event_hdr *h, uint32_t type, uint32_t size, uint32_t pid,
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

static inline void v4(const char *text, uint8_t a[16])
{
	ASSERT_OK(addr_parse(text, a), text);
}

/* The kernel's suffix id and family for a name, as the event carries them. */
static inline void suffix_of(const char *name, uint32_t *suffix_id, uint8_t *family)
{
	const struct reserved_suffix *s = policy_match_name(&pol, name);

	*suffix_id = s ? (uint32_t)(s - pol.suffixes) : ~0u;
	*family = s ? s->family : 0;
}

/* The C library resolved name to addr (one address; none when NULL);
 * reserved when the policy says so. */
static inline void libc_lookup(uint32_t pid, uint64_t t, const char *name, const char *addr)
{
	struct lw_libc_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_LIBC_LOOKUP, sizeof(e), pid, t);
	snprintf(e.name, sizeof(e.name), "%s", name);
	suffix_of(name, &e.suffix_id, &e.family);
	e.flags = policy_match_name(&pol, name) ? LW_DNS_RESERVED : 0;
	e.func = LW_LIBC_GETADDRINFO;
	if (addr) {
		v4(addr, e.addrs[0]);
		e.n_addrs = 1;
	}
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "libc event");
}

/* A DNS query for `name A` sent to resolver:53 over UDP. */
static inline void dns_query(uint32_t pid, uint64_t t, const char *name, const char *resolver)
{
	struct lw_dns_event e;
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
	suffix_of(name, &e.suffix_id, &e.family);
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "dns event");
}

/* A response from 127.0.0.1:53 to `name qtype`: for A one address
 * (rdata), for MX (preference 10, or 0 for the null MX "") and SRV
 * (port 443) one target. reserved: the flags the kernel sets for a
 * reserved question, else those of a tainted owner's ordinary one. */
static inline void dns_response(uint32_t pid, uint64_t t, const char *name, uint16_t qtype,
				const char *rdata, bool reserved)
{
	struct lw_dns_event e;
	struct dnsb b;
	uint8_t a[16];
	size_t at;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_DNS_RESPONSE, sizeof(e), pid, t);
	dnsb_init(&b, e.payload, sizeof(e.payload));
	dnsb_header(&b, 0x4243, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, name, qtype, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	at = dnsb_rr_begin(&b, qtype, DNSB_C_IN, 60);
	if (qtype == DNSB_T_A) {
		v4(rdata, a);
		dnsb_raw(&b, a + 12, 4);
	} else {
		if (qtype == DNSB_T_SRV) {
			dnsb_u16(&b, 0);   /* priority */
			dnsb_u16(&b, 0);   /* weight */
			dnsb_u16(&b, 443); /* port */
		} else {
			dnsb_u16(&b, rdata[0] ? 10 : 0);
		}
		dnsb_name(&b, rdata);
	}
	dnsb_rr_end(&b, at);
	e.payload_len = e.wire_len = (uint16_t)b.len;
	v4("127.0.0.1", e.peer);
	e.peer_port = 53;
	e.proto = IPPROTO_UDP;
	e.flags = reserved ? LW_DNS_RESERVED : LW_DNS_TAINTED_OWNER;
	suffix_of(name, &e.suffix_id, &e.family);
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "dns response");
}

/* A TCP connect the kernel reported with flags (LW_CONN_*); in the
 * kernel's answer set (LW_CONN_IN_ANSWERS) as an answer owner asked. */
static inline void connect_as(uint32_t pid, uint64_t t, const char *addr, uint16_t port,
			      uint8_t flags, uint32_t owner)
{
	struct lw_connect_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_CONNECT, sizeof(e), pid, t);
	v4(addr, e.addr);
	e.port = port;
	e.proto = IPPROTO_TCP;
	e.flags = flags | LW_CONN_GLOBAL;
	if (flags & LW_CONN_IN_ANSWERS)
		e.answer.owner.tgid = owner;
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "connect event");
}

static inline void connect_to(uint32_t pid, uint64_t t, const char *addr, uint16_t port,
			      uint8_t flags)
{
	connect_as(pid, t, addr, port, flags, pid);
}

/* --payload: the kernel found token (local@host or host) in what a socket
 * to addr:port sent, with verb (enum lw_payload_verb). */
static inline void payload_sent(uint32_t pid, uint64_t t, const char *addr, uint16_t port,
				const char *token, uint8_t verb)
{
	const char *host = strchr(token, '@') ? strchr(token, '@') + 1 : token;
	struct lw_payload_event e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_PAYLOAD, sizeof(e), pid, t);
	v4(addr, e.addr);
	e.port = port;
	e.verb = verb;
	e.flags = strchr(token, '@') ? LW_PAYLOAD_MAIL : 0;
	suffix_of(host, &e.suffix_id, &e.family);
	e.cookie = 0x5000 + pid;
	e.token_len = (uint16_t)strlen(token);
	memcpy(e.token, token, e.token_len);
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "payload event");
}

static inline struct watched_proc *find(uint32_t pid)
{
	struct watched_proc *p;

	for (p = verdict_engine_first(eng); p; p = verdict_engine_next(eng, p))
		if (p->tgid == pid)
			return p;
	return NULL;
}

static inline const struct destination *dest(const struct watched_proc *p, const char *addr)
{
	uint8_t a[16];
	size_t i;

	v4(addr, a);
	for (i = 0; p && i < p->n_dests; i++)
		if (!memcmp(p->dests[i].addr, a, 16))
			return &p->dests[i];
	return NULL;
}

/* The first verdict of a kind, or NULL. */
static inline const struct verdict *verdict_of(const struct watched_proc *p, uint8_t kind)
{
	size_t i;

	for (i = 0; p && i < p->n_verdicts; i++)
		if (p->verdicts[i].kind == kind)
			return &p->verdicts[i];
	return NULL;
}

static inline unsigned int kinds(const struct watched_proc *p, uint8_t kind)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; p && i < p->n_verdicts; i++)
		n += p->verdicts[i].kind == kind;
	return n;
}

#endif /* __LW_ENGINE_HARNESS_H */
