// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * leakwatch daemon: watch the whole host (the cgroup v2 root) until
 * SIGINT/SIGTERM, writing JSON lines: an `event` per verdict as it is
 * made, a `report` per process when it ends, reports for the living on
 * SIGUSR1 and at shutdown, then a `summary`. SIGHUP reloads the config.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "output.h"
#include "pin.h"
#include "privilege.h"
#include "session.h"

#define POLL_MS 100

static const char usage[] =
	"Usage: leakwatch daemon [OPTIONS]\n"
	"\n"
	"Watch every process on the host for lookups of reserved DNS names and\n"
	"where their traffic goes. Writes JSON lines (one object per line, see\n"
	"README): `event` per verdict, `report` per process at its exit,\n"
	"`summary` at shutdown.\n"
	"\n"
	"Options:\n"
	"  -o, --output FILE     append JSON lines to FILE (0600) instead of stdout\n"
	"  --pin-dir DIR         keep taint, answers and unread events pinned in DIR\n"
	"                        (e.g. /sys/fs/bpf/leakwatch; bpffs is mounted when\n"
	"                        missing, or pinning is off when it cannot be), so a\n"
	"                        restarted daemon goes on where the last one\n"
	"                        stopped; one daemon per DIR\n"
	"  --no-pin              keep no state across restarts (the default)\n"
	"  --format FORMAT       json (the default) or ocsf: each `event` line is an\n"
	"                        OCSF 1.1 event, no `report` lines; summary as is\n"
	"  --rotate-size SIZE    rotate FILE at SIZE (default 100M; K, M, G); rotated\n"
	"                        files are gzipped to FILE.1.gz, FILE.2.gz, ...\n"
	"  --rotate-keep N       rotated files kept (1..1000, default 5)\n"
	"  --metrics-file FILE   Prometheus textfile (node_exporter), rewritten every\n"
	"                        --metrics-interval seconds\n"
	"  --metrics-interval S  seconds between metrics-file writes (default 10)\n"
	"  --stats-interval S    a `stats` line with every loss counter every S\n"
	"                        seconds (default 60, 0 turns it off)\n"
	"  -c, --config FILE     policy additions; SIGHUP reloads it\n" SESSION_USAGE
	"  --payload=MODE        off (default), clear or tls: look for reserved names\n"
	"                        and mail addresses in what processes send to global\n"
	"                        SMTP, POP, IMAP and HTTP servers (tls: also through\n"
	"                        OpenSSL and GnuTLS)\n"
	"  -v, --verbose         libbpf and verifier messages\n"
	"  -h, --help            this text\n"
	"\n"
	"Signals: SIGINT/SIGTERM stop (reports for the living, then a summary),\n"
	"SIGUSR1 writes reports for the living, SIGHUP reloads --config.\n"
	"\n"
	"Examples:\n"
	"  leakwatch daemon --output /var/log/leakwatch.jsonl\n"
	"  leakwatch daemon --config /etc/leakwatch.conf | your-siem-shipper\n";

enum {
	OPT_PIN_DIR = 2900,
	OPT_NO_PIN,
	OPT_ROTATE_SIZE = 3000,
	OPT_ROTATE_KEEP,
	OPT_METRICS_FILE,
	OPT_METRICS_INTERVAL,
	OPT_STATS_INTERVAL
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "rotate-size", required_argument, NULL, OPT_ROTATE_SIZE },
	{ "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	{ "no-pin", no_argument, NULL, OPT_NO_PIN },
	{ "rotate-keep", required_argument, NULL, OPT_ROTATE_KEEP },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "metrics-interval", required_argument, NULL, OPT_METRICS_INTERVAL },
	{ "stats-interval", required_argument, NULL, OPT_STATS_INTERVAL },
	SESSION_LONG_OPTS,
	{},
};

/* exiting: the signal that stops the daemon (for its last line). */
static volatile sig_atomic_t exiting, want_reports, want_reload;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_reports = 1;
	else if (sig == SIGHUP)
		want_reload = 1;
	else
		exiting = sig;
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const int sigs[] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	return 0;
}

/* SIGHUP: a config that no longer parses keeps the running policy. */
static void reload(struct session *s)
{
	struct session fresh = { .opts = s->opts };
	int err;

	if (!s->opts.config) {
		fprintf(stderr,
			"leakwatch: SIGHUP: no --config file to reload, policy unchanged\n");
		return;
	}
	err = session_load_policy(&fresh);
	if (err) {
		if (fresh.policy_loaded)
			policy_free(&fresh.policy);
		fprintf(stderr, "leakwatch: config reload failed, keeping the old policy\n");
		return;
	}
	err = sensor_apply_policy(&s->sensor, &fresh.policy);
	if (err) {
		fprintf(stderr, "leakwatch: reload: %s\n", s->sensor.err);
		sensor_apply_policy(&s->sensor, &s->policy);
		policy_free(&fresh.policy);
		return;
	}
	policy_free(&s->policy);
	s->policy = fresh.policy;
	verdict_engine_set_policy(s->engine, &s->policy);
	fprintf(stderr, "leakwatch: config reloaded\n");
}

/* The metrics file is replaced (written beside it, renamed): its directory
 * must be writable now, not only at the first write, ten seconds in. */
static int metrics_dir_check(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	if (!stat(dir, &st) && !S_ISDIR(st.st_mode))
		errno = ENOTDIR;
	else if (!stat(dir, &st) && !access(dir, W_OK))
		return 0;
	fprintf(stderr, "leakwatch daemon: --metrics-file %s: cannot write in %s: %s\n", path, dir,
		strerror(errno));
	return -1;
}

struct daemon_opts {
	struct session_opts common;
	const char *output;
	uint64_t rotate_size;
	int rotate_keep;
	const char *metrics_file;
	int metrics_interval;
	int stats_interval;
};

static int parse_count(const char *opt, const char *arg, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > max) {
		fprintf(stderr, "leakwatch daemon: %s: '%s' is not a number from %d to %d\n", opt,
			arg, min, max);
		return EXIT_USAGE;
	}
	*out = (int)v;
	return 0;
}

static int parse_seconds(const char *opt, const char *arg, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < min || v > 86400) {
		fprintf(stderr,
			"leakwatch daemon: %s: '%s' is not a number of seconds (%d..86400)\n", opt,
			arg, min);
		return EXIT_USAGE;
	}
	*out = (int)v;
	return 0;
}

static char **argv_for_errors; /* parse_args()'s, for command_option_error() */

static int parse_daemon_opt(struct daemon_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
		o->output = arg;
		return 0;
	case OPT_PIN_DIR:
		o->common.pin_dir = arg;
		return 0;
	case OPT_NO_PIN:
		o->common.pin_dir = NULL;
		return 0;
	case OPT_ROTATE_SIZE:
		if (output_parse_size(arg, &o->rotate_size) || o->rotate_size < 4096) {
			fprintf(stderr,
				"leakwatch daemon: --rotate-size: '%s' is not a size of at least "
				"4K (bytes, or with K, M, G)\n",
				arg);
			return EXIT_USAGE;
		}
		return 0;
	case OPT_ROTATE_KEEP:
		return parse_count("--rotate-keep", arg, 1, 1000, &o->rotate_keep);
	case OPT_METRICS_FILE:
		o->metrics_file = arg;
		return 0;
	case OPT_METRICS_INTERVAL:
		return parse_seconds("--metrics-interval", arg, 1, &o->metrics_interval);
	case OPT_STATS_INTERVAL:
		return parse_seconds("--stats-interval", arg, 0, &o->stats_interval);
	default:
		return command_option_error("leakwatch daemon", opt, argv_for_errors);
	}
}

static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	int opt, err = 0;

	optind = 1;
	opterr = 0;
	argv_for_errors = argv;
	while ((opt = getopt_long(argc, argv, ":o:c:vh", long_opts, NULL)) != -1) {
		if (session_parse_opt(&o->common, opt, optarg, &err)) {
			if (err)
				return err;
			continue;
		}
		if (opt == 'h') {
			fputs(usage, stdout);
			exit(0);
		}
		err = parse_daemon_opt(o, opt, optarg);
		if (err)
			return err;
	}
	if (optind < argc) {
		fprintf(stderr,
			"leakwatch daemon: unexpected argument '%s' (see leakwatch daemon --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static int loop(struct session *s, const struct daemon_opts *o)
{
	int n;

	/* Rescan, filter and metrics file at the first tick (the file is
	 * there at once), the first stats line one interval in. */
	session_every(s, SESSION_RESCAN, LIBC_RESCAN_S, 0);
	session_every(s, SESSION_FILTER, SENSOR_FILTER_REBUILD_S, 0);
	session_every(s, SESSION_STATS, o->stats_interval, o->stats_interval);
	s->metrics_file = o->metrics_file;
	session_every(s, SESSION_METRICS, o->metrics_file ? o->metrics_interval : 0, 0);
	while (!exiting) {
		n = session_poll(s, POLL_MS);
		if (n < 0) {
			fprintf(stderr, "leakwatch: reading events: %s\n", strerror(-n));
			return 1;
		}
		if (want_reports) {
			want_reports = 0;
			session_report_all(s, NULL);
		}
		if (want_reload) {
			want_reload = 0;
			reload(s);
		}
		session_tick(s, session_now());
	}
	return 0;
}

/*
 * A pin directory on a node with no bpffs, where none can be mounted (a
 * container without CAP_SYS_ADMIN): run without pins, saying so once,
 * rather than exit and be restarted into the same failure for ever.
 */
static void pins_or_none(struct session *s)
{
	char why[256];

	if (!s->opts.pin_dir || !pin_bpffs(s->opts.pin_dir, why, sizeof(why)))
		return;
	fprintf(stderr, "leakwatch: pinning off: %s; state will not survive a restart\n", why);
	s->opts.pin_dir = NULL;
}

/* The last line on stderr: why the daemon stopped and what it wrote. */
static void say_stopped(int ret, const struct summary *sum)
{
	const char *why = ret ? "after an error" : exiting == SIGINT ? "on SIGINT" : "on SIGTERM";

	fprintf(stderr, "leakwatch: stopped %s: %lu reports, %lu with leaks, %llu events lost\n",
		why, sum->processes, sum->leaks, (unsigned long long)summary_events_lost(sum));
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon_opts o = { .common.who = "leakwatch daemon",
				 .common.window_s = -1,
				 .rotate_size = 100ull << 20,
				 .rotate_keep = 5,
				 .metrics_interval = 10,
				 .stats_interval = 60 };
	char mount[PATH_MAX];
	struct session s;
	struct summary sum;
	int err, cgfd = -1, ret = 1;

	memset(&s, 0, sizeof(s));
	s.out.fd = -1;
	err = parse_args(argc, argv, &o);
	if (err)
		return err;
	s.opts = o.common;
	s.write_events = true;
	err = session_load_policy(&s);
	if (err) {
		ret = err;
		goto out;
	}
	/* A refusal is one line: the capabilities before the first line, and
	 * before a private cgroup2 mount, which would fail for want of them. */
	if (session_check_privileges(&s))
		goto out;
	if (cgroup2_mount_or_private(mount, sizeof(mount), "leakwatch"))
		goto out;
	if (o.metrics_file && metrics_dir_check(o.metrics_file))
		goto out;
	err = output_open(&s.out, o.output, o.rotate_size, o.rotate_keep);
	if (err) {
		fprintf(stderr, "leakwatch: cannot write %s: %s\n", o.output, strerror(-err));
		s.out.fd = -1;
		goto out;
	}
	/* The first line: the notices session_start may print (DNS capture
	 * fallback, libc probes, pins) come after it, then "watching". The
	 * refusals above are one line each. */
	fprintf(stderr, "leakwatch: daemon %s starting, cgroup v2 at %s\n", LW_VERSION, mount);
	cgfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		fprintf(stderr, "leakwatch: cannot open %s: %s\n", mount, strerror(errno));
		goto out;
	}
	pins_or_none(&s);
	if (install_signals() || session_start(&s, cgfd))
		goto out;
	/* Attached: from here on the daemon only reads events and /proc (and
	 * attaches uprobes to C libraries that appear). */
	err = privilege_drop(s.sensor.libc != NULL, false);
	if (err)
		fprintf(stderr, "leakwatch: cannot drop capabilities: %s\n", strerror(-err));
	fprintf(stderr, "leakwatch: watching the host (cgroup %s), DNS capture: %s (%s)%s\n", mount,
		s.sensor.dns_capture, s.sensor.dns_why ?: "asked for",
		o.common.enforce ? ", enforcing" : "");
	cgroup_print_scope(mount, "leakwatch");
	session_say_payload(&s);
	if (s.sensor.pins_reused)
		fprintf(stderr, "leakwatch: resumed the state pinned in %s\n", o.common.pin_dir);

	ret = loop(&s, &o);
	/* A signal that lands while a batch is being handled ends the loop
	 * before the next poll: what the kernel submitted meanwhile (the
	 * connect after a lookup, an exit) is still in the ring buffer. */
	while (session_poll(&s, 0) > 0)
		;
	session_report_all(&s, NULL);
	session_summary(&s, &sum);
	report_summary_json(&s.json, s.out.fd, &sum);
	if (o.metrics_file)
		unlink(o.metrics_file); /* a stale file must not look alive */
	say_stopped(ret, &sum);
out:
	session_stop(&s);
	if (cgfd >= 0)
		close(cgfd);
	output_close(&s.out);
	return ret;
}
