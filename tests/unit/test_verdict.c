// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The verdict rules (userspace/verdict.c, README "The report"), one case
 * per verdict kind and severity and one per rule that says "not a leak",
 * each named after its rule. Synthetic ring buffer events through
 * verdict_engine_handle() (engine_harness.h); 198.18.0.0/15 is the
 * internet, 127.0.0.53 a local stub, 198.18.0.53 a public resolver.
 */
#include "engine_harness.h"

#define PID_BASE 0x7fd00000u
#define STUB "127.0.0.53"
#define PUBLIC_DNS "198.18.0.53"

static bool setup(void)
{
	static const char *const lines[] = {
		"allow = 198.18.5.0/24",
		"allow-name = allowed.test",
		"allow-name = ok.invalid",
		"allow-destination = smtp.sendgrid.net",
	};

	return engine_setup(lines, sizeof(lines) / sizeof(lines[0]));
}

/* The process has exactly one verdict, of this kind and severity, and the
 * callback saw it. */
static const struct verdict *only_verdict(const struct watched_proc *p, uint8_t kind,
					  uint8_t severity)
{
	const struct verdict *v = verdict_of(p, kind);

	if (!ASSERT_NOT_NULL(p, "process tracked") || !ASSERT_EQ(p->n_verdicts, 1, "one verdict") ||
	    !ASSERT_EQ(n_verdicts, 1, "one verdict callback") ||
	    !ASSERT_NOT_NULL(v, verdict_kind_name(kind)))
		return NULL;
	ASSERT_STREQ(severity_name(v->severity), severity_name(severity), "severity");
	return v;
}

static void no_verdict(const struct watched_proc *p)
{
	if (p)
		ASSERT_EQ(p->n_verdicts, 0, "no verdict");
	ASSERT_EQ(n_verdicts, 0, "no verdict callback");
}

/* --- direct: traffic to an answer of a reserved name (high) --------------- */

static void test_direct_to_answer_of_reserved_name(void)
{
	const uint32_t pid = PID_BASE + 1;
	const struct destination *d;
	const struct verdict *v;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.example.com", "198.18.0.7");
	connect_to(pid, 2 * SEC, "198.18.0.7", 443, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	p = find(pid);
	v = only_verdict(p, VERDICT_DIRECT, SEV_HIGH);
	ASSERT_STREQ(v ? v->name : NULL, "www.example.com", "the reserved name");
	d = dest(p, "198.18.0.7");
	ASSERT_TRUE(d && d->verdict == VERDICT_DIRECT && d->severity == SEV_HIGH, "destination");
	ASSERT_STREQ(d ? d->via : NULL, "www.example.com", "via");
	ASSERT_EQ(d ? d->asked_by_pid : 1, 0, "asked by itself");
out:
	engine_teardown();
}

/* The kernel's answer set knows the address, userspace's copy does not
 * (answered before leakwatch started, or evicted): still direct. */
static void test_direct_from_kernel_answer_set(void)
{
	const uint32_t pid = PID_BASE + 2, owner = PID_BASE + 3;
	const struct destination *d;
	struct watched_proc *p;

	if (!setup())
		goto out;
	connect_as(pid, 1 * SEC, "198.18.0.8", 443, LW_CONN_IN_ANSWERS, owner);
	p = find(pid);
	only_verdict(p, VERDICT_DIRECT, SEV_HIGH);
	d = dest(p, "198.18.0.8");
	ASSERT_EQ(d ? d->asked_by_pid : 0, owner, "asked_by the kernel's answer owner");
out:
	engine_teardown();
}

static void test_direct_asked_by_other_process(void)
{
	const uint32_t asker = PID_BASE + 4, user = PID_BASE + 5;
	const struct destination *d;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(asker, 1 * SEC, "api.example.net", "198.18.0.9");
	n_verdicts = 0;
	connect_as(user, 2 * SEC, "198.18.0.9", 443, LW_CONN_IN_ANSWERS, asker);
	p = find(user);
	only_verdict(p, VERDICT_DIRECT, SEV_HIGH);
	d = dest(p, "198.18.0.9");
	ASSERT_EQ(d ? d->asked_by_pid : 0, asker, "asked_by");
	ASSERT_STREQ(d ? d->asked_by_comm : NULL, "tester", "asked_by comm");
	ASSERT_STREQ(d ? d->via : NULL, "api.example.net", "via");
out:
	engine_teardown();
}

/* --enforce refused it: still the verdict, marked blocked. */
static void test_direct_blocked_is_still_direct(void)
{
	const uint32_t pid = PID_BASE + 6;
	const struct verdict *v;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.example.org", "198.18.0.10");
	connect_to(pid, 2 * SEC, "198.18.0.10", 443, LW_CONN_IN_ANSWERS | LW_CONN_BLOCKED);
	v = only_verdict(find(pid), VERDICT_DIRECT, SEV_HIGH);
	ASSERT_TRUE(v && v->blocked, "blocked");
out:
	engine_teardown();
}

/* An MX target of a reserved name, resolved and connected to: direct, via
 * the chain (beside its answer verdict). */
static void test_direct_via_mx_target(void)
{
	const uint32_t pid = PID_BASE + 7;
	const struct verdict *v;
	struct watched_proc *p;

	if (!setup())
		goto out;
	dns_response(pid, 1 * SEC, "example.com", DNSB_T_MX, "mx1.thirdparty.co", true);
	libc_lookup(pid, 2 * SEC, "mx1.thirdparty.co", "198.18.0.40");
	connect_to(pid, 3 * SEC, "198.18.0.40", 25, LW_CONN_IN_WINDOW);
	p = find(pid);
	v = verdict_of(p, VERDICT_DIRECT);
	ASSERT_TRUE(v && v->severity == SEV_HIGH, "direct, high");
	ASSERT_STREQ(v ? v->name : NULL, "example.com MX mx1.thirdparty.co", "via the chain");
	ASSERT_EQ(kinds(p, VERDICT_ANSWER), 1, "and the MX answer");
out:
	engine_teardown();
}

/* --- follow-on: other global traffic inside a window ---------------------- */

static void test_follow_on_medium(void)
{
	const uint32_t pid = PID_BASE + 10;
	const struct destination *d;
	const struct verdict *v;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "wpad.invalid", STUB);
	connect_to(pid, 2 * SEC, "198.18.0.30", 443, LW_CONN_IN_WINDOW);
	v = only_verdict(find(pid), VERDICT_FOLLOW_ON, SEV_MEDIUM);
	ASSERT_STREQ(v ? v->name : NULL, "wpad.invalid", "the name that opened the window");
	d = dest(find(pid), "198.18.0.30");
	ASSERT_TRUE(d && d->verdict == VERDICT_FOLLOW_ON, "destination");
out:
	engine_teardown();
}

static void test_follow_on_mail_port_high(void)
{
	const uint32_t pid = PID_BASE + 11;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "wpad.invalid", STUB);
	connect_to(pid, 2 * SEC, "198.18.0.31", 993, LW_CONN_IN_WINDOW);
	only_verdict(find(pid), VERDICT_FOLLOW_ON, SEV_HIGH);
out:
	engine_teardown();
}

/* The seed incident's shape: autodiscover.example.com, then anywhere. */
static void test_follow_on_iana_window_high(void)
{
	const uint32_t pid = PID_BASE + 12;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "autodiscover.example.com", STUB);
	connect_to(pid, 2 * SEC, "198.18.0.32", 443, LW_CONN_IN_WINDOW);
	only_verdict(find(pid), VERDICT_FOLLOW_ON, SEV_HIGH);
out:
	engine_teardown();
}

/* A bad answer opens a window too, whatever its family (here one of its
 * own beside an allowed name's). */
static void test_follow_on_window_from_bad_answer(void)
{
	const uint32_t pid = PID_BASE + 13;
	const struct verdict *v;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "a.ok.invalid", NULL);
	libc_lookup(pid, 2 * SEC, "db.corp.test", "198.18.0.12");
	connect_to(pid, 3 * SEC, "198.18.0.33", 443, LW_CONN_IN_WINDOW);
	p = find(pid);
	v = verdict_of(p, VERDICT_FOLLOW_ON);
	ASSERT_TRUE(v && v->severity == SEV_MEDIUM, "follow-on, medium");
	ASSERT_STREQ(v ? v->name : NULL, "db.corp.test", "via the badly answered name");
out:
	engine_teardown();
}

/* A window opened by a name not allowed lasts `window` seconds from its
 * last lookup, however long allowed names keep the kernel's open. */
static void test_follow_on_window_ends_after_window_seconds(void)
{
	const uint32_t pid = PID_BASE + 14;
	const struct destination *d;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "wpad.invalid", NULL);
	libc_lookup(pid, 50 * SEC, "b.ok.invalid", NULL);
	connect_to(pid, 60 * SEC, "198.18.0.34", 443, LW_CONN_IN_WINDOW);
	connect_to(pid, 62 * SEC, "198.18.0.35", 443, LW_CONN_IN_WINDOW);
	p = find(pid);
	d = dest(p, "198.18.0.34");
	ASSERT_TRUE(d && d->verdict == VERDICT_FOLLOW_ON && d->severity == SEV_MEDIUM,
		    "inside: follow-on, medium");
	d = dest(p, "198.18.0.35");
	ASSERT_TRUE(d && d->verdict == VERDICT_NONE, "after: no verdict");
	ASSERT_EQ(kinds(p, VERDICT_FOLLOW_ON), 1, "one follow-on");
out:
	engine_teardown();
}

/* --- resolver: a name that must stay local sent to a public resolver ------ */

static void resolver_case(const char *name)
{
	const uint32_t pid = PID_BASE + 20;
	const struct verdict *v;
	uint8_t a[16];

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, name, PUBLIC_DNS);
	v = only_verdict(find(pid), VERDICT_RESOLVER, SEV_MEDIUM);
	v4(PUBLIC_DNS, a);
	ASSERT_TRUE(v && v->has_addr && !memcmp(v->addr, a, 16) && v->port == 53,
		    "the resolver asked");
	ASSERT_STREQ(v ? v->name : NULL, name, "the name");
out:
	engine_teardown();
}

static void test_resolver_local_family(void)
{
	resolver_case("db.corp.test");
}

static void test_resolver_loopback_family(void)
{
	resolver_case("app.localhost");
}

static void test_resolver_nxdomain_family(void)
{
	resolver_case("wpad.invalid");
}

/* A local stub forwarding: the clients that asked it just before are
 * named in its verdict. */
static void test_resolver_names_stub_clients(void)
{
	const uint32_t client = PID_BASE + 21, stub = PID_BASE + 22;
	const struct verdict *v;

	if (!setup())
		goto out;
	dns_query(client, 1 * SEC, "api.corp.test", STUB);
	no_verdict(find(client)); /* asked a local stub */
	dns_query(stub, 2 * SEC, "api.corp.test", PUBLIC_DNS);
	v = only_verdict(find(stub), VERDICT_RESOLVER, SEV_MEDIUM);
	ASSERT_TRUE(v && v->n_clients == 1 && v->clients[0].pid == client, "the client");
out:
	engine_teardown();
}

/* The C library reports at return, after the stub forwarded: the client
 * joins the stub's verdict late. */
static void test_resolver_joins_late_client(void)
{
	const uint32_t client = PID_BASE + 23, stub = PID_BASE + 24;
	const struct verdict *v;

	if (!setup())
		goto out;
	dns_query(stub, 1 * SEC, "api.corp.test", PUBLIC_DNS);
	libc_lookup(client, 1 * SEC + SEC / 2, "api.corp.test", NULL);
	v = only_verdict(find(stub), VERDICT_RESOLVER, SEV_MEDIUM);
	ASSERT_TRUE(v && v->n_clients == 1 && v->clients[0].pid == client, "the late client");
out:
	engine_teardown();
}

/* --- answer: an answer the name's family forbids --------------------------- */

static void answer_case(const char *name, const char *addr, uint8_t severity)
{
	const uint32_t pid = PID_BASE + 30;
	const struct verdict *v;
	uint8_t a[16];

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, name, addr);
	v = only_verdict(find(pid), VERDICT_ANSWER, severity);
	v4(addr, a);
	ASSERT_TRUE(v && v->has_addr && !memcmp(v->addr, a, 16), "the answer");
	ASSERT_STREQ(v ? v->name : NULL, name, "the name");
out:
	engine_teardown();
}

/* nxdomain: no answer is ever right, even a private one. */
static void test_answer_nxdomain_family_medium(void)
{
	answer_case("wpad.invalid", "10.1.2.3", SEV_MEDIUM);
}

static void test_answer_loopback_family_not_loopback_medium(void)
{
	answer_case("app.localhost", "198.18.0.6", SEV_MEDIUM);
}

static void test_answer_local_family_global_low(void)
{
	answer_case("db.corp.test", "198.18.0.12", SEV_LOW);
}

static void test_answer_fixed_family_low(void)
{
	answer_case("ipv4only.arpa", "198.18.0.13", SEV_LOW);
}

/* example.com/net/org publish a null MX: any other target is an answer. */
static void test_answer_mx_target_of_iana_name_medium(void)
{
	const uint32_t pid = PID_BASE + 31;
	const struct verdict *v;

	if (!setup())
		goto out;
	dns_response(pid, 1 * SEC, "example.org", DNSB_T_MX, "mx.thirdparty.co", true);
	v = only_verdict(find(pid), VERDICT_ANSWER, SEV_MEDIUM);
	ASSERT_STREQ(v ? v->target : NULL, "mx.thirdparty.co", "the target");
	ASSERT_FALSE(v && v->has_addr, "no address");
out:
	engine_teardown();
}

static void test_answer_srv_target_of_iana_name_medium(void)
{
	const uint32_t pid = PID_BASE + 32;
	const struct verdict *v;

	if (!setup())
		goto out;
	dns_response(pid, 1 * SEC, "_imaps._tcp.example.com", DNSB_T_SRV, "imap.thirdparty.co",
		     true);
	v = only_verdict(find(pid), VERDICT_ANSWER, SEV_MEDIUM);
	ASSERT_STREQ(v ? v->target : NULL, "imap.thirdparty.co:443", "the target, with its port");
out:
	engine_teardown();
}

/* --- payload: a reserved identity sent to a global destination ------------ */

static void payload_case(const char *addr, uint16_t port, const char *token, uint8_t verb,
			 uint8_t severity)
{
	const uint32_t pid = PID_BASE + 40;
	const struct destination *d;
	const struct verdict *v;
	struct watched_proc *p;

	if (!setup())
		goto out;
	payload_sent(pid, 1 * SEC, addr, port, token, verb);
	p = find(pid);
	v = only_verdict(p, VERDICT_PAYLOAD, severity);
	ASSERT_STREQ(v ? v->name : NULL, token, "the token");
	ASSERT_EQ(v ? v->verb : LW_VERB_MAX, verb, "the verb");
	ASSERT_TRUE(p && p->n_payloads == 1, "payloads[]");
	d = dest(p, addr);
	ASSERT_TRUE(d && d->verdict == VERDICT_PAYLOAD && d->severity == severity,
		    "the destination");
	ASSERT_STREQ(d ? d->payload : NULL, token, "the destination received it");
out:
	engine_teardown();
}

static void test_payload_mail_verb_high(void)
{
	payload_case("198.18.0.60", 2525, "test@example.com", LW_VERB_SMTP_MAIL_FROM, SEV_HIGH);
}

static void test_payload_mail_port_high(void)
{
	payload_case("198.18.0.61", 143, "test@example.com", LW_VERB_NONE, SEV_HIGH);
}

static void test_payload_http_medium(void)
{
	payload_case("198.18.0.62", 80, "api.example.com", LW_VERB_HTTP_HOST, SEV_MEDIUM);
}

/* --- not a leak ---------------------------------------------------------- */

/* A destination that is not global (private, loopback) is no leak. */
static void test_not_a_leak_local_destination(void)
{
	const uint32_t pid = PID_BASE + 50;
	const struct destination *d;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.example.com", "10.0.0.7");
	connect_to(pid, 2 * SEC, "10.0.0.7", 443, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	connect_to(pid, 3 * SEC, "127.0.0.1", 993, LW_CONN_IN_WINDOW);
	p = find(pid);
	no_verdict(p);
	d = dest(p, "10.0.0.7");
	ASSERT_TRUE(d && !d->global && d->verdict == VERDICT_NONE, "listed, not global");
out:
	engine_teardown();
}

static void test_not_a_leak_multicast(void)
{
	const uint32_t pid = PID_BASE + 51;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "wpad.invalid", STUB);
	connect_to(pid, 2 * SEC, "224.0.0.251", 5353, LW_CONN_IN_WINDOW);
	no_verdict(find(pid));
out:
	engine_teardown();
}

/* `allow = ADDR/N`: never a leak, in answers or in a window. */
static void test_not_a_leak_allowed_address(void)
{
	const uint32_t pid = PID_BASE + 52;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.example.com", "198.18.5.7");
	connect_to(pid, 2 * SEC, "198.18.5.7", 443, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	connect_to(pid, 3 * SEC, "198.18.5.8", 993, LW_CONN_IN_WINDOW);
	no_verdict(find(pid));
out:
	engine_teardown();
}

/* `allow-destination = NAME`: traffic to an address resolved from NAME. */
static void test_not_a_leak_allowed_destination(void)
{
	const uint32_t pid = PID_BASE + 53;
	const struct destination *d;
	struct watched_proc *p;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "autodiscover.example.com", STUB);
	libc_lookup(pid, 2 * SEC, "eu.smtp.sendgrid.net", "198.18.0.50");
	connect_to(pid, 3 * SEC, "198.18.0.50", 587, LW_CONN_IN_WINDOW);
	p = find(pid);
	no_verdict(p);
	d = dest(p, "198.18.0.50");
	ASSERT_STREQ(d ? d->name : NULL, "eu.smtp.sendgrid.net", "listed with its name");
out:
	engine_teardown();
}

/* Neither in the answer set nor inside a window. */
static void test_not_a_leak_outside_window(void)
{
	const uint32_t pid = PID_BASE + 54;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "www.example.com", "198.18.0.7");
	connect_to(pid, 2 * SEC, "198.18.0.70", 443, 0);
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(dest(p, "198.18.0.70") != NULL, "listed");
out:
	engine_teardown();
}

/* `allow-name`: no verdict of any kind from the name; its answers are not
 * direct, the window it would open is none. */
static void test_not_a_leak_allowed_name(void)
{
	const uint32_t pid = PID_BASE + 55;
	struct watched_proc *p;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "db.allowed.test", "198.18.0.14");
	libc_lookup(pid, 1 * SEC, "c.ok.invalid", "198.18.0.15");
	dns_query(pid, 2 * SEC, "api.allowed.test", PUBLIC_DNS);
	connect_to(pid, 3 * SEC, "198.18.0.15", 443, LW_CONN_IN_ANSWERS | LW_CONN_IN_WINDOW);
	connect_to(pid, 3 * SEC, "198.18.0.16", 993, LW_CONN_IN_WINDOW);
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(p && p->n_names == 3 && p->names[0].allowed, "listed, allowed");
out:
	engine_teardown();
}

/* Only nxdomain and iana lookups open a window: a .test lookup beside an
 * allowed name's leaves none (the kernel's flag came from the latter). */
static void test_not_a_leak_window_needs_suspicious_family(void)
{
	const uint32_t pid = PID_BASE + 56;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "d.ok.invalid", NULL);
	libc_lookup(pid, 2 * SEC, "db.corp.test", NULL);
	connect_to(pid, 3 * SEC, "198.18.0.36", 443, LW_CONN_IN_WINDOW);
	no_verdict(find(pid));
out:
	engine_teardown();
}

/* example.com and other IANA names are public: asking a public resolver
 * is what they are for. So are ipv4only.arpa and resolver.arpa. */
static void test_not_a_leak_public_name_to_public_resolver(void)
{
	const uint32_t pid = PID_BASE + 57;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "www.example.com", PUBLIC_DNS);
	dns_query(pid, 2 * SEC, "ipv4only.arpa", PUBLIC_DNS);
	dns_query(pid, 3 * SEC, "resolver.arpa", PUBLIC_DNS);
	no_verdict(find(pid));
out:
	engine_teardown();
}

static void test_not_a_leak_local_resolver(void)
{
	const uint32_t pid = PID_BASE + 58;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "db.corp.test", STUB);
	dns_query(pid, 2 * SEC, "app.localhost", "127.0.0.1");
	dns_query(pid, 3 * SEC, "nas.home.arpa", "10.0.0.1");
	no_verdict(find(pid));
out:
	engine_teardown();
}

/* Answers the family allows: loopback for .localhost, private for a local
 * name, anything global for an IANA name, 192.0.0.170 for ipv4only.arpa. */
static void test_not_a_leak_answers_the_family_allows(void)
{
	const uint32_t pid = PID_BASE + 59;

	if (!setup())
		goto out;
	libc_lookup(pid, 1 * SEC, "app.localhost", "127.0.0.1");
	libc_lookup(pid, 1 * SEC, "db.corp.test", "10.1.2.3");
	libc_lookup(pid, 1 * SEC, "www.example.com", "198.18.0.7");
	libc_lookup(pid, 1 * SEC, "ipv4only.arpa", "192.0.0.170");
	no_verdict(find(pid));
out:
	engine_teardown();
}

/* The null MX (RFC 7505) is what example.com/net/org publish. */
static void test_not_a_leak_null_mx(void)
{
	const uint32_t pid = PID_BASE + 60;
	struct watched_proc *p;

	if (!setup())
		goto out;
	dns_response(pid, 1 * SEC, "example.net", DNSB_T_MX, "", true);
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(p && p->n_names == 1 && !p->names[0].n_targets, "no target");
out:
	engine_teardown();
}

/* An MX of a name outside the iana family is kept (a derived name), not
 * judged: only IANA's names are known to publish a null MX. */
static void test_not_a_leak_mx_of_other_family(void)
{
	const uint32_t pid = PID_BASE + 61;
	struct watched_proc *p;

	if (!setup())
		goto out;
	dns_response(pid, 1 * SEC, "corp.test", DNSB_T_MX, "mx.thirdparty.co", true);
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(p && p->n_names == 1 && p->names[0].n_targets == 1, "the target kept");
out:
	engine_teardown();
}

/* --payload: a token the whole policy does not reserve, one under an
 * allowed name, or one sent to a destination that is not global. */
static void test_not_a_leak_payload(void)
{
	const uint32_t pid = PID_BASE + 62;
	struct watched_proc *p;

	if (!setup())
		goto out;
	payload_sent(pid, 1 * SEC, "198.18.0.63", 25, "bob@ordinary.co", LW_VERB_SMTP_MAIL_FROM);
	payload_sent(pid, 2 * SEC, "198.18.0.63", 25, "bob@db.allowed.test", LW_VERB_SMTP_RCPT_TO);
	payload_sent(pid, 3 * SEC, "10.0.0.25", 25, "test@example.com", LW_VERB_SMTP_MAIL_FROM);
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(p && !p->n_payloads && !p->n_dests, "nothing kept");
out:
	engine_teardown();
}

/* The kernel matched a suffix the policy no longer has, or a payload the
 * full parser refuses: no name, no verdict. */
static void test_not_a_leak_unmatched_or_unparsed_query(void)
{
	const uint32_t pid = PID_BASE + 63;
	const struct verdict_stats *st;
	struct lw_dns_event e;
	struct watched_proc *p;

	if (!setup())
		goto out;
	dns_query(pid, 1 * SEC, "www.ordinary.co", PUBLIC_DNS);
	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, LW_EV_DNS_QUERY, sizeof(e), pid, 2 * SEC);
	e.payload_len = e.wire_len = 5; /* shorter than a DNS header */
	e.flags = LW_DNS_RESERVED;
	v4(PUBLIC_DNS, e.peer);
	e.peer_port = 53;
	ASSERT_OK(verdict_engine_handle(eng, &e, sizeof(e)), "short query");
	p = find(pid);
	no_verdict(p);
	ASSERT_TRUE(p && !p->n_names, "no name");
	st = verdict_engine_stats(eng);
	ASSERT_EQ(st->dns_unparsed, 1, "the unparsed one counted");
out:
	engine_teardown();
}

int main(void)
{
	RUN_TEST(test_direct_to_answer_of_reserved_name);
	RUN_TEST(test_direct_from_kernel_answer_set);
	RUN_TEST(test_direct_asked_by_other_process);
	RUN_TEST(test_direct_blocked_is_still_direct);
	RUN_TEST(test_direct_via_mx_target);
	RUN_TEST(test_follow_on_medium);
	RUN_TEST(test_follow_on_mail_port_high);
	RUN_TEST(test_follow_on_iana_window_high);
	RUN_TEST(test_follow_on_window_from_bad_answer);
	RUN_TEST(test_follow_on_window_ends_after_window_seconds);
	RUN_TEST(test_resolver_local_family);
	RUN_TEST(test_resolver_loopback_family);
	RUN_TEST(test_resolver_nxdomain_family);
	RUN_TEST(test_resolver_names_stub_clients);
	RUN_TEST(test_resolver_joins_late_client);
	RUN_TEST(test_answer_nxdomain_family_medium);
	RUN_TEST(test_answer_loopback_family_not_loopback_medium);
	RUN_TEST(test_answer_local_family_global_low);
	RUN_TEST(test_answer_fixed_family_low);
	RUN_TEST(test_answer_mx_target_of_iana_name_medium);
	RUN_TEST(test_answer_srv_target_of_iana_name_medium);
	RUN_TEST(test_payload_mail_verb_high);
	RUN_TEST(test_payload_mail_port_high);
	RUN_TEST(test_payload_http_medium);
	RUN_TEST(test_not_a_leak_local_destination);
	RUN_TEST(test_not_a_leak_multicast);
	RUN_TEST(test_not_a_leak_allowed_address);
	RUN_TEST(test_not_a_leak_allowed_destination);
	RUN_TEST(test_not_a_leak_outside_window);
	RUN_TEST(test_not_a_leak_allowed_name);
	RUN_TEST(test_not_a_leak_window_needs_suspicious_family);
	RUN_TEST(test_not_a_leak_public_name_to_public_resolver);
	RUN_TEST(test_not_a_leak_local_resolver);
	RUN_TEST(test_not_a_leak_answers_the_family_allows);
	RUN_TEST(test_not_a_leak_null_mx);
	RUN_TEST(test_not_a_leak_mx_of_other_family);
	RUN_TEST(test_not_a_leak_payload);
	RUN_TEST(test_not_a_leak_unmatched_or_unparsed_query);
	return test_summary();
}
