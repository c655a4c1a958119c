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
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
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
	"  -c, --config FILE     policy additions; SIGHUP reloads it\n"
	"  --window SECONDS      follow-on window after a suspicious lookup (default 60)\n"
	"  --enforce             refuse traffic to addresses answered to reserved\n"
	"                        queries (the caller gets EPERM); reported as blocked\n"
	"  -v, --verbose         libbpf and verifier messages\n"
	"  -h, --help            this text\n"
	"\n"
	"Signals: SIGINT/SIGTERM stop (reports for the living, then a summary),\n"
	"SIGUSR1 writes reports for the living, SIGHUP reloads --config.\n"
	"\n"
	"Examples:\n"
	"  leakwatch daemon --output /var/log/leakwatch.jsonl\n"
	"  leakwatch daemon --config /etc/leakwatch.conf | your-siem-shipper\n";

static const struct option long_opts[] = {
	{"output", required_argument, NULL, 'o'},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"enforce", no_argument, NULL, OPT_ENFORCE},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
	{"help", no_argument, NULL, 'h'},
	{},
};

static volatile sig_atomic_t exiting, want_reports, want_reload;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_reports = 1;
	else if (sig == SIGHUP)
		want_reload = 1;
	else
		exiting = 1;
}

static int install_signals(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	const int sigs[] = {SIGINT, SIGTERM, SIGUSR1, SIGHUP};
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
	struct session fresh = {.opts = s->opts};
	int err;

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
	tracker_set_policy(s->tracker, &s->policy);
	fprintf(stderr, "leakwatch: config reloaded\n");
}

static int parse_args(int argc, char **argv, struct session_opts *o, const char **output)
{
	int opt, err = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:c:vh", long_opts, NULL)) != -1) {
		if (session_parse_opt(o, opt, optarg, &err)) {
			if (err)
				return err;
			continue;
		}
		switch (opt) {
		case 'o':
			*output = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "leakwatch daemon: unexpected argument '%s'\n\n%s", argv[optind],
			usage);
		return EXIT_USAGE;
	}
	return 0;
}

static int loop(struct session *s)
{
	int n;

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
	}
	return 0;
}

int cmd_daemon(int argc, char **argv)
{
	struct session_opts o = {.window_s = -1};
	char mount[PATH_MAX];
	const char *output = NULL;
	struct session s;
	struct summary sum;
	int err, cgfd = -1, ret = 1;

	memset(&s, 0, sizeof(s));
	s.out_fd = -1;
	err = parse_args(argc, argv, &o, &output);
	if (err)
		return err;
	s.opts = o;
	s.write_events = true;
	err = session_load_policy(&s);
	if (err) {
		ret = err;
		goto out;
	}
	if (cgroup2_mount(mount, sizeof(mount))) {
		fprintf(stderr,
			"leakwatch: no cgroup v2 hierarchy is mounted (see /proc/mounts)\n");
		goto out;
	}
	s.out_fd = output ? open(output, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) :
			    STDOUT_FILENO;
	if (s.out_fd < 0) {
		fprintf(stderr, "leakwatch: cannot write %s: %s\n", output, strerror(errno));
		goto out;
	}
	cgfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0) {
		fprintf(stderr, "leakwatch: cannot open %s: %s\n", mount, strerror(errno));
		goto out;
	}
	if (install_signals() || session_start(&s, cgfd))
		goto out;
	fprintf(stderr, "leakwatch: watching the host (cgroup %s), DNS capture: %s%s\n", mount,
		s.sensor.dns_capture, o.enforce ? ", enforcing" : "");

	ret = loop(&s);
	session_report_all(&s, NULL);
	session_summary(&s, &sum);
	report_summary_json(&s.json, s.out_fd, &sum);
out:
	session_stop(&s);
	if (cgfd >= 0)
		close(cgfd);
	if (output && s.out_fd >= 0)
		close(s.out_fd);
	return ret;
}
