// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names derived from reserved names in the verdict engine
 * (userspace/verdict.c): an MX or SRV answer of a reserved name keeps its
 * targets, is an `answer` verdict for example.com/net/org (a null MX is
 * what they publish), and a later resolution of the target makes traffic to
 * its address `direct`, via the chain, across processes too (asked_by).
 * Synthetic ring buffer events (engine_harness.h).
 */
#include "engine_harness.h"

#define PID_BASE 0x7fe00000u

/* example.com MX -> a third party: kept, an answer verdict; the target's
 * address, connected to by the same process, is direct via the chain. */
static void test_mx_chain_same_process(void)
{
	const uint32_t pid = PID_BASE + 1;
	const struct verdict *v;
	struct watched_proc *p;

	if (!engine_setup(NULL, 0))
		goto out;
	dns_response(pid, 1 * SEC, "example.com", DNSB_T_MX, "mx1.mail-sei.co.jp", true);
	libc_lookup(pid, 2 * SEC, "mx1.mail-sei.co.jp", "198.18.0.40");
	connect_to(pid, 3 * SEC, "198.18.0.40", 25, LW_CONN_IN_WINDOW);
	p = find(pid);
	if (!ASSERT_NOT_NULL(p, "tracked"))
		goto out;
	ASSERT_TRUE(p->n_names == 1 && p->names[0].n_targets == 1 &&
			    !strcmp(p->names[0].targets[0], "mx1.mail-sei.co.jp"),
		    "names[].targets");
	v = verdict_of(p, VERDICT_ANSWER);
	ASSERT_TRUE(v && !strcmp(v->target, "mx1.mail-sei.co.jp") && v->severity == SEV_MEDIUM,
		    "answer verdict naming the MX target");
	v = verdict_of(p, VERDICT_DIRECT);
	ASSERT_TRUE(v && !strcmp(v->name, "example.com MX mx1.mail-sei.co.jp") && v->port == 25,
		    "direct via the chain");
	ASSERT_TRUE(p->n_dests == 1 && !strcmp(p->dests[0].name, "mx1.mail-sei.co.jp") &&
			    !p->dests[0].asked_by_pid,
		    "destination named, asked by itself");
out:
	engine_teardown();
}

/* SRV target resolved and connected to by another process: asked_by. */
static void test_srv_chain_other_process(void)
{
	const uint32_t asker = PID_BASE + 2, user = PID_BASE + 3;
	const struct verdict *v;
	struct watched_proc *p;

	if (!engine_setup(NULL, 0))
		goto out;
	dns_response(asker, 1 * SEC, "_autodiscover._tcp.example.com", DNSB_T_SRV,
		     "autod.thirdparty.co", true);
	libc_lookup(user, 2 * SEC, "autod.thirdparty.co", "198.18.0.41");
	connect_to(user, 3 * SEC, "198.18.0.41", 443, LW_CONN_IN_WINDOW);
	p = find(asker);
	ASSERT_TRUE(p && p->n_names && p->names[0].n_targets == 1 &&
			    !strcmp(p->names[0].targets[0], "autod.thirdparty.co:443"),
		    "SRV target with its port");
	p = find(user);
	v = verdict_of(p, VERDICT_DIRECT);
	ASSERT_TRUE(v && !strcmp(v->name, "_autodiscover._tcp.example.com SRV autod.thirdparty.co"),
		    "direct via the SRV chain");
	ASSERT_TRUE(p && p->n_dests == 1 && p->dests[0].asked_by_pid == asker, "asked_by");
out:
	engine_teardown();
}

/* A null MX (preference 0, exchange "."), what example.net publishes: no
 * target, no verdict; an ordinary name that is no target stays follow-on. */
static void test_null_mx_quiet(void)
{
	const uint32_t pid = PID_BASE + 4;
	struct watched_proc *p;

	if (!engine_setup(NULL, 0))
		goto out;
	dns_response(pid, 1 * SEC, "example.net", DNSB_T_MX, "", true);
	libc_lookup(pid, 2 * SEC, "www.ordinary.co", "198.18.0.30");
	connect_to(pid, 3 * SEC, "198.18.0.30", 443, LW_CONN_IN_WINDOW);
	p = find(pid);
	ASSERT_TRUE(p && p->n_names == 1 && !p->names[0].n_targets, "no target");
	ASSERT_TRUE(!verdict_of(p, VERDICT_ANSWER), "no answer verdict");
	ASSERT_TRUE(!verdict_of(p, VERDICT_DIRECT), "not direct");
out:
	engine_teardown();
}

int main(void)
{
	RUN_TEST(test_mx_chain_same_process);
	RUN_TEST(test_srv_chain_other_process);
	RUN_TEST(test_null_mx_quiet);
	return test_summary();
}
