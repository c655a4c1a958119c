// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The loop timers run and daemon share (userspace/session.c): when each is
 * due, and when it is due again.
 */
#include <string.h>

#include "test.h"
#include "session.h"

#define BIT(t) (1u << (t))

static void test_timers_off(void)
{
	struct session_timers t;

	memset(&t, 0, sizeof(t));
	ASSERT_EQ(session_timers_due(&t, 0), 0u, "all off at 0");
	ASSERT_EQ(session_timers_due(&t, 1e6), 0u, "all off later");
}

/* The daemon's schedule: rescan, filter and metrics at the first tick,
 * the stats line one interval in. */
static void test_daemon_schedule(void)
{
	struct session_timers t = {
		.every = { [SESSION_RESCAN] = LIBC_RESCAN_S,
			   [SESSION_FILTER] = SENSOR_FILTER_REBUILD_S,
			   [SESSION_STATS] = 60,
			   [SESSION_METRICS] = 10 },
		.next = { [SESSION_RESCAN] = 100,
			  [SESSION_FILTER] = 100,
			  [SESSION_STATS] = 160,
			  [SESSION_METRICS] = 100 },
	};

	ASSERT_EQ(session_timers_due(&t, 100.1),
		  BIT(SESSION_RESCAN) | BIT(SESSION_FILTER) | BIT(SESSION_METRICS), "first tick");
	ASSERT_EQ(session_timers_due(&t, 100.2), 0u, "nothing again at once");
	ASSERT_EQ(session_timers_due(&t, 105.0), 0u, "rescan not before 5 s after it ran");
	ASSERT_EQ(session_timers_due(&t, 105.1), BIT(SESSION_RESCAN), "rescan 5 s on");
	ASSERT_EQ(session_timers_due(&t, 110.1), BIT(SESSION_RESCAN) | BIT(SESSION_METRICS),
		  "metrics 10 s on");
	ASSERT_EQ(session_timers_due(&t, 160.0) & BIT(SESSION_STATS), BIT(SESSION_STATS),
		  "stats one interval in");
}

/* Due again `every` after the tick that ran it, not after when it was due:
 * a late tick (a long batch) pushes the next one back. */
static void test_rearm_from_now(void)
{
	struct session_timers t = {
		.every = { [SESSION_RESCAN] = 5 },
		.next = { [SESSION_RESCAN] = 5 },
	};

	ASSERT_EQ(session_timers_due(&t, 8), BIT(SESSION_RESCAN), "late tick runs it");
	ASSERT_EQ(session_timers_due(&t, 12), 0u, "not at due + every");
	ASSERT_EQ(session_timers_due(&t, 13), BIT(SESSION_RESCAN), "at tick + every");
}

int main(void)
{
	RUN_TEST(test_timers_off);
	RUN_TEST(test_daemon_schedule);
	RUN_TEST(test_rearm_from_now);
	return test_summary();
}
