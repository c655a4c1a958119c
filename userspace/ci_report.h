/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * run's outputs for CI systems, written once COMMAND has exited: GitHub
 * Actions workflow commands (an ::error or ::warning per verdict) and a
 * Markdown step summary, a JUnit XML file, and a baseline config of
 * today's findings (baseline.c). Each format has its own escaper: comm,
 * cmdline and DNS names are chosen by whoever is being watched.
 */
#ifndef __LW_CI_REPORT_H
#define __LW_CI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"
#include "report.h"
#include "verdict.h"

enum ci_annotations {
	CI_ANNOTATIONS_AUTO = 0, /* github when GITHUB_ACTIONS=true */
	CI_ANNOTATIONS_NONE,
	CI_ANNOTATIONS_GITHUB,
};

struct ci_opts {
	uint8_t annotations;	  /* enum ci_annotations */
	const char *step_summary; /* --step-summary FILE, else $GITHUB_STEP_SUMMARY */
	const char *junit;	  /* --junit FILE */
	const char *baseline;	  /* --write-baseline FILE */
};

/* run's getopt_long values for these options. */
enum {
	OPT_CI_ANNOTATIONS = 3000,
	OPT_CI_STEP_SUMMARY,
	OPT_CI_JUNIT,
	OPT_CI_BASELINE,
};

#define CI_USAGE                                                                                   \
	"  --annotations MODE    github: an ::error (at or above --fail-on) or\n"                  \
	"                        ::warning workflow command per verdict on stdout,\n"              \
	"                        and a Markdown summary to $GITHUB_STEP_SUMMARY;\n"                \
	"                        none; auto (default): github when GITHUB_ACTIONS=true\n"          \
	"  --step-summary FILE   append the Markdown summary to FILE\n"                            \
	"  --junit FILE          write a JUnit XML report: a testcase per process that\n"          \
	"                        touched reserved names, a failure per leaking one\n"              \
	"  --write-baseline FILE write today's findings as a config (allow-name,\n"                \
	"                        allow-destination, allow lines) to pass to --config\n"

/* What the outputs need to know of the run. */
struct ci_run {
	const struct ci_opts *opts;
	uint8_t fail_on; /* enum severity; SEV_NONE: nothing fails */
	bool allow_incomplete;
	const char *config;   /* --config FILE, copied into a baseline */
	char *const *command; /* COMMAND and its arguments */
	const struct policy *policy;
};

/* Parse one of the options above; true when it was one. *err is set to 2
 * (usage) on a bad value or a file that cannot be created. */
bool ci_parse_opt(struct ci_opts *o, int opt, const char *arg, int *err);

/* Drop the destination verdicts `allow-destination` allows from every
 * tracked process (call before anything is reported). */
void ci_apply_allow_destinations(struct verdict_engine *t, const struct policy *p);
/* The same for one process record. */
void ci_allow_destinations_of(struct watched_proc *p, const struct policy *pol);

/* Write every CI output asked for. 0, or 1 when one could not be written
 * (one line on stderr each). */
int ci_report(struct verdict_engine *t, const struct summary *sum, const struct ci_run *r);

/* The config line that allows a verdict: `allow-name = NAME` (the reserved
 * name behind it), `allow-destination = NAME` (a follow-on's ordinary
 * destination) or `allow = ADDR/32` (no usable name). "" when no config
 * line can express it (a name only escaped text can show). dest_name may
 * be NULL or "". */
const char *ci_allow_line(uint8_t kind, const char *reserved, const char *dest_name,
			  const uint8_t addr[16], bool has_addr, char *buf, size_t len);
/* One text-report line per finding: what to do about it. */
void ci_text_hint(FILE *out, const struct watched_proc *p, uint8_t kind, const char *reserved,
		  const char *dest_name, const uint8_t addr[16], bool has_addr);

/* The escapers, byte for byte as each format specifies (unit-tested).
 * GitHub workflow commands: data % CR LF as %25 %0D %0A; a property
 * value also : and , as %3A %2C. */
void ci_gh_escape(FILE *out, const char *s, size_t n, bool property);
/* Markdown (GitHub's): \ ` * _ [ ] | ~ backslash-escaped, < > & as
 * entities, CR LF and other control bytes as a space. */
void ci_md_escape(FILE *out, const char *s, size_t n);
/* XML 1.0: & < > " ' as entities (and TAB CR LF too in an attribute);
 * invalid UTF-8 and characters XML 1.0 forbids (C0 controls, U+FFFE,
 * U+FFFF) as U+FFFD. */
void ci_xml_escape(FILE *out, const char *s, size_t n, bool attribute);

/* For baseline.c: "kind (severity)" finding texts and process naming. */
struct ci_finding {
	const struct watched_proc *p;
	const struct verdict *v;
	const struct destination *d; /* direct/follow-on: its destination, or NULL */
};

const struct destination *ci_verdict_dest(const struct watched_proc *p, const struct verdict *v);
const char *ci_comm(const struct watched_proc *p);
/* The cmdline's first bytes, escaped text, "..." when cut. */
const char *ci_cmdline_head(const struct watched_proc *p, char *buf, size_t len);
void ci_iso_time(char *buf, size_t len, bool zone);

/* baseline.c: write --write-baseline FILE. 0, or 1 with a line on stderr. */
int baseline_write(struct verdict_engine *t, const struct ci_run *r);

#endif /* __LW_CI_REPORT_H */
