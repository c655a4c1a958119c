/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A minimal harness in the manner of the kernel's selftests test_progs.h.
 * Every test prints one line the runner (tests/run.sh) counts:
 *   PASS: name        FAIL: name: why        SKIP: name: why
 * ASSERT_* are statement expressions that return whether they held, and
 * print the failing values; a test fails when any assertion in it failed.
 *
 *	static void test_foo(void)
 *	{
 *		if (!ASSERT_EQ(foo(1), 2, "foo(1)"))
 *			return;
 *	}
 *	int main(void) { RUN_TEST(test_foo); return test_summary(); }
 */
#ifndef __LW_TEST_H
#define __LW_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int test_failed_asserts;
static int test_passed, test_failed, test_skipped;
static const char *test_skip_reason;

#define ASSERT_TRUE(cond, name)                                                                    \
	({                                                                                         \
		bool ___ok = (cond);                                                               \
		if (!___ok) {                                                                      \
			fprintf(stderr, "  %s:%d: %s: expected true\n", __FILE__, __LINE__,        \
				(name));                                                           \
			test_failed_asserts++;                                                     \
		}                                                                                  \
		___ok;                                                                             \
	})

#define ASSERT_FALSE(cond, name) ASSERT_TRUE(!(cond), name)

#define ASSERT_EQ(actual, expected, name)                                                          \
	({                                                                                         \
		long long ___a = (long long)(actual), ___e = (long long)(expected);                \
		bool ___ok = ___a == ___e;                                                         \
		if (!___ok) {                                                                      \
			fprintf(stderr, "  %s:%d: %s: got %lld, expected %lld\n", __FILE__,        \
				__LINE__, (name), ___a, ___e);                                     \
			test_failed_asserts++;                                                     \
		}                                                                                  \
		___ok;                                                                             \
	})

#define ASSERT_STREQ(actual, expected, name)                                                       \
	({                                                                                         \
		const char *___a = (actual), *___e = (expected);                                   \
		bool ___ok = ___a && ___e && !strcmp(___a, ___e);                                  \
		if (!___ok) {                                                                      \
			fprintf(stderr, "  %s:%d: %s: got \"%s\", expected \"%s\"\n", __FILE__,    \
				__LINE__, (name), ___a ? ___a : "(null)", ___e ? ___e : "(null)"); \
			test_failed_asserts++;                                                     \
		}                                                                                  \
		___ok;                                                                             \
	})

#define ASSERT_OK(err, name) ASSERT_EQ(err, 0, name)
#define ASSERT_NULL(p, name) ASSERT_TRUE((p) == NULL, name)
#define ASSERT_NOT_NULL(p, name) ASSERT_TRUE((p) != NULL, name)

/* Call from a test to mark it skipped (counted apart, never as passed). */
static inline void test_skip(const char *reason)
{
	test_skip_reason = reason;
}

#define RUN_TEST(fn)                                                                               \
	do {                                                                                       \
		test_failed_asserts = 0;                                                           \
		test_skip_reason = NULL;                                                           \
		fn();                                                                              \
		if (test_failed_asserts) {                                                         \
			printf("FAIL: %s: %d assertion(s) failed\n", #fn, test_failed_asserts);    \
			test_failed++;                                                             \
		} else if (test_skip_reason) {                                                     \
			printf("SKIP: %s: %s\n", #fn, test_skip_reason);                           \
			test_skipped++;                                                            \
		} else {                                                                           \
			printf("PASS: %s\n", #fn);                                                 \
			test_passed++;                                                             \
		}                                                                                  \
		fflush(stdout);                                                                    \
	} while (0)

/* Exit status of a test program: 1 when anything failed. */
static inline int test_summary(void)
{
	return test_failed ? 1 : 0;
}

#endif /* __LW_TEST_H */
