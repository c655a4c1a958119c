// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `allow-name` in the verdict engine (userspace/verdict.c), fed synthetic
 * ring buffer events (engine_harness.h).
 */
#include "engine_harness.h"

#define PID_BASE 0x7ff00000u

static bool setup(void)
{
	static const char *const lines[] = {
		"allow-name = leak.example.net",
		"allow-name = allowed.test",
		"allow-name = ok.invalid",
	};

	return engine_setup(lines, sizeof(lines) / sizeof(lines[0]));
}

/* An allowed name (any case, trailing dot): in names[] as allowed; its
 * answer, connected to, is no direct leak; the window it would open is none. */
static void test_allowed_direct_and_window(void)
{
	const uint32_t pid = PID_BASE + 1;
	const struct destination *d;
	struct watched_proc *p;

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
	ASSERT_TRUE(watched_proc_has_findings(p), "still reported (names[])");
	ASSERT_EQ(watched_proc_max_severity(p), SEV_NONE, "nothing to fail on");
out:
	engine_teardown();
}

/* A name that is not allowed still leaks; its window still counts, also
 * toward an address another name (allowed) was answered with. */
static void test_not_allowed_still_leaks(void)
{
	const uint32_t pid = PID_BASE + 2, other = PID_BASE + 3;
	const struct destination *d;
	struct watched_proc *p;

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
	engine_teardown();
}

/* A window opened by a name not allowed ends `window` seconds after it,
 * however long allowed names kept the kernel's window open. */
static void test_window_not_extended_by_allowed(void)
{
	const uint32_t pid = PID_BASE + 4;
	const struct destination *d;
	struct watched_proc *p;

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
	engine_teardown();
}

/* answer and resolver verdicts of allowed names are not made. */
static void test_allowed_answer_and_resolver(void)
{
	const uint32_t pid = PID_BASE + 5;
	struct watched_proc *p;

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
	engine_teardown();
}

int main(void)
{
	RUN_TEST(test_allowed_direct_and_window);
	RUN_TEST(test_not_allowed_still_leaks);
	RUN_TEST(test_window_not_extended_by_allowed);
	RUN_TEST(test_allowed_answer_and_resolver);
	return test_summary();
}
