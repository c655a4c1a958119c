/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reporters: JSON lines exactly as README "The report (JSON lines)" states (report, event, summary)
 * and a readable text report for people. Every string goes through the JSON
 * writer's or text_escape()'s escaping: comm, cmdline and DNS names are
 * chosen by whoever is being watched.
 */
#ifndef __LW_REPORT_H
#define __LW_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "verdict.h"

/* run: how its watched set changed (the kernel's LW_EV_WATCH events). */
#define WATCH_MAX_ESCAPES 8
struct watch_escape {
	uint32_t pid;
	char comm[LW_COMM_LEN + 1];
	char cgroup[256]; /* escaped text */
};

struct watch_stats {
	bool run;	 /* a run: followed / escaped are part of the summary */
	uint64_t engine; /* processes a container engine's shim forked */
	uint64_t entered, moved;
	uint64_t escaped; /* watched processes that left the watched tree */
	struct watch_escape escapes[WATCH_MAX_ESCAPES];
	size_t n_escapes;
};

struct summary {
	unsigned long processes;    /* reports written */
	unsigned long leaks;	    /* of which with a verdict */
	uint64_t lost[LW_STAT_MAX]; /* kernel counters */
	const struct verdict_stats *engine_stats;
	const char *dns_capture;
	uint64_t ktime_offset_ns;	 /* realtime - monotonic */
	const struct watch_stats *watch; /* run only, else NULL */
};

/* Kernel-side losses (the LW_STAT_LOST_MASK counters) plus userspace's. */
uint64_t summary_events_lost(const struct summary *s);
/* Nothing lost and nothing escaped: everything watched was seen. */
bool summary_complete(const struct summary *s);

/* A resolver verdict's "clients" array (key included). */
void report_clients_json(struct json *j, const struct verdict *v);
/* complete: false when the sensor has lost evidence since it started, so
 * this report may lack some of the process's lookups or traffic. */
int report_json(struct json *j, int fd, const struct watched_proc *p, bool complete);
int report_event_json(struct json *j, int fd, const struct watched_proc *p,
		      const struct verdict *v);
int report_summary_json(struct json *j, int fd, const struct summary *s);
/* The daemon's periodic line: the summary's counters so far, type "stats". */
int report_stats_json(struct json *j, int fd, const struct summary *s);

void report_text(FILE *out, const struct watched_proc *p);
void report_summary_text(FILE *out, const struct summary *s);

#endif /* __LW_REPORT_H */
