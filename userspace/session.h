/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What `run` and `daemon` share: policy, sensor, ring buffer, process
 * table and the JSON output, the options both accept, and the periodic
 * work of their loops (session_tick()).
 */
#ifndef __LW_SESSION_H
#define __LW_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "ocsf.h"
#include "output.h"
#include "policy.h"
#include "report.h"
#include "sensor.h"
#include "verdict.h"

struct session_opts {
	const char *who; /* "leakwatch run", "leakwatch daemon": messages' prefix */
	const char *config;
	bool enforce;
	int window_s;		/* -1: the policy's */
	uint32_t ringbuf_bytes; /* 0: the default */
	const char *pin_dir;	/* daemon: pinned state, or NULL */
	bool verbose;
	uint8_t format;		 /* enum output_format of the JSON lines */
	const char *dns_capture; /* auto (NULL), fentry or skb */
	const char *btf_path;	 /* --btf FILE, or NULL */
	/* run: watch the kernel's watched set, not everything attached to */
	bool run_scope;
	bool follow_engines;	 /* run --engine-containers follow */
	uint64_t run_cgroup_id;	 /* run: its own cgroup's kernfs id */
	uint64_t attach_root_id; /* the attached cgroup's kernfs id (1: root) */
	uint8_t payload;	 /* --payload: enum lw_payload_mode */
};

/* Options shared by run and daemon, for getopt_long tables. */
enum {
	OPT_CONFIG = 'c',
	OPT_ENFORCE = 1000,
	OPT_WINDOW,
	OPT_RINGBUF_SIZE,
	OPT_DNS_CAPTURE,
	OPT_FORMAT,
	OPT_BTF,
	OPT_PAYLOAD,
	OPT_VERBOSE = 'v',
};

/* The --help lines of the options both commands take the same way (one
 * text, so run's and daemon's cannot drift apart). */
#define SESSION_USAGE                                                                              \
	"  --window SECONDS      follow-on window after a suspicious lookup (default 60)\n"        \
	"  --ringbuf-size SIZE   kernel-to-loader event buffer (default 4M; power of 2)\n"         \
	"  --dns-capture=MODE    auto (default: fentry where the kernel allows fentry\n"           \
	"                        programs, skb elsewhere), fentry or skb\n"                        \
	"  --btf FILE            kernel BTF to use when /sys/kernel/btf/vmlinux is\n"              \
	"                        missing (e.g. from btfhub or a vmlinux's .BTF)\n"                 \
	"  --enforce             refuse traffic to addresses answered to reserved\n"               \
	"                        queries (the caller gets EPERM); reported as blocked\n"

/* Their getopt_long entries (and --help), for the end of a command's table. */
/* clang-format off */
#define SESSION_LONG_OPTS						\
	{ "config", required_argument, NULL, OPT_CONFIG },		\
	{ "window", required_argument, NULL, OPT_WINDOW },		\
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF_SIZE },	\
	{ "dns-capture", required_argument, NULL, OPT_DNS_CAPTURE },	\
	{ "btf", required_argument, NULL, OPT_BTF },			\
	{ "format", required_argument, NULL, OPT_FORMAT },		\
	{ "enforce", no_argument, NULL, OPT_ENFORCE },			\
	{ "payload", required_argument, NULL, OPT_PAYLOAD },		\
	{ "verbose", no_argument, NULL, OPT_VERBOSE },			\
	{ "help", no_argument, NULL, 'h' }
/* clang-format on */

/*
 * The periodic work of a command's loop, done by session_tick() in this
 * order. Each timer is first due when its command says, then every so
 * many seconds after it ran; the command picks the intervals.
 */
enum session_timer {
	SESSION_RESCAN,	 /* C libraries of new processes; the daemon's sweep */
	SESSION_FILTER,	 /* the kernel's hot-path filter, rebuilt */
	SESSION_STATS,	 /* daemon: a `stats` line with every loss counter */
	SESSION_METRICS, /* daemon: the --metrics-file, rewritten */
	SESSION_TIMERS
};

#define LIBC_RESCAN_S 5 /* C libraries of processes started since (containers) */

struct session_timers {
	double every[SESSION_TIMERS]; /* seconds; 0: never due */
	double next[SESSION_TIMERS];  /* session_now() it is next due at */
};

struct session {
	struct session_opts opts;
	struct policy policy;
	bool policy_loaded;
	struct sensor sensor;
	struct ring_buffer *rb;
	struct verdict_engine *engine;
	struct json json;
	struct output out; /* JSON lines go here; out.fd -1 for none */
	bool write_events; /* an `event` line per verdict (daemon) */
	bool keep_exited;  /* run: report everything at the end */
	unsigned long reports, leaks;
	uint8_t max_severity;
	uint64_t verdicts[VERDICT_KIND_MAX + 1][SEV_HIGH + 1]; /* by kind, severity */
	struct watch_stats watch; /* run: followed and escaped processes */
	int dump_fd;		  /* LW_EVENT_DUMP=FILE: every ring buffer sample, raw (tests) */
	struct session_timers timers;
	const char *metrics_file; /* daemon --metrics-file, or NULL */
};

/* Monotonic seconds, for the commands' periodic work. */
double session_now(void);
/* Parse a shared option; true when it was one. Sets *err to EXIT_USAGE on
 * a bad value. */
bool session_parse_opt(struct session_opts *o, int opt, const char *arg, int *err);
/* Load the policy (built-in + --config + --window). 0 or EXIT_USAGE, with
 * one line on stderr naming the file and line. */
int session_load_policy(struct session *s);
/* Has leakwatch the capabilities it needs? 0, or 1 with one line on
 * stderr naming those missing. */
int session_check_privileges(struct session *s);
/* Probe, load, fill and attach to cgroup_fd; one line on stderr and
 * non-zero on failure. */
int session_start(struct session *s, int cgroup_fd);
/* Wait up to timeout_ms for events, fold in all there are, write reports
 * of processes that ended. Returns events handled or -errno. */
int session_poll(struct session *s, int timeout_ms);
/* Timer t every `every` seconds (0: never), first due `first` seconds
 * from now. */
void session_every(struct session *s, enum session_timer t, double every, double first);
/* The timers due at now, as bits (1 << t); each is then due again every
 * seconds after now. */
unsigned int session_timers_due(struct session_timers *timers, double now);
/* Do the periodic work due at now (enum session_timer); call it once per
 * loop, after session_poll(). */
void session_tick(struct session *s, double now);
/* Report every tracked process with findings (shutdown, SIGUSR1). */
void session_report_all(struct session *s, FILE *text);
void session_summary(struct session *s, struct summary *sum);
void session_stop(struct session *s);
/* One line on stderr saying what --payload scans (nothing when off). */
void session_say_payload(const struct session *s);

#endif /* __LW_SESSION_H */
