// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * leakwatch run: start COMMAND in a fresh cgroup and watch it, everything
 * forked from it wherever it moves, and the containers engines start
 * meanwhile (bpf/watch.bpf.c decides, in the kernel); report when COMMAND
 * exits. The hooks hang off the cgroup v2 root so that a container moved
 * to the engine's own cgroup is still seen; they act for watched
 * processes only.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "ci_report.h"
#include "commands.h"
#include "privilege.h"
#include "session.h"

#define EXIT_LEAK_DEFAULT 3
#define EXIT_INCOMPLETE 4 /* no leak, but not everything watched was seen */
#define POLL_MS 50
#define DRAIN_MS 300 /* after COMMAND exits: late events (exit, responses) */

static const char usage[] =
	"Usage: leakwatch run [OPTIONS] -- COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND with leakwatch watching it and all its descendants. When it\n"
	"exits, print a report of every process that looked up a reserved name to\n"
	"stderr, and exit with COMMAND's own status, or 3 when a leak at or above\n"
	"--fail-on was found.\n"
	"\n"
	"Options:\n"
	"  --report FILE         also write the JSON-lines report to FILE (0600)\n"
	"  --format FORMAT       --report lines: json (the default) or ocsf (an OCSF\n"
	"                        1.1 event per verdict, then the summary)\n"
	"  --fail-on SEVERITY    low, medium (default), high, or none (never fail)\n"
	"  --leak-exit-code N    exit status on a leak (default 3)\n"
	"  --allow-incomplete    keep COMMAND's status when the watch was incomplete\n"
	"                        (events lost, a process left the watched cgroup\n"
	"                        tree); without it run exits 4 then\n"
	"  --engine-containers=MODE\n"
	"                        follow (default): also watch what container engines'\n"
	"                        shims (containerd-shim, conmon) start during the run,\n"
	"                        e.g. `docker run`'s container; ignore: only COMMAND\n"
	"                        and its descendants (which are followed into any\n"
	"                        container or cgroup they move to)\n" CI_USAGE
	"  -c, --config FILE     policy additions (reserved/global/local/allow = ...)\n" SESSION_USAGE
	"  --payload=MODE        clear (default): look for reserved names and mail\n"
	"                        addresses in what watched processes send in cleartext\n"
	"                        to global SMTP (25, 587), POP (110), IMAP (143) and\n"
	"                        HTTP (80) servers (a `payload` verdict); tls: also\n"
	"                        what they hand OpenSSL and GnuTLS to send; off\n"
	"  -v, --verbose         libbpf and verifier messages\n"
	"  -h, --help            this text\n"
	"\n"
	"Examples:\n"
	"  leakwatch run -- make test\n"
	"  leakwatch run --report leaks.jsonl --fail-on high -- ./integration-tests\n"
	"  leakwatch run --config .leakwatch.conf -- pytest\n";

struct run_opts {
	struct session_opts common;
	const char *report;
	int fail_on;
	int leak_exit;
	bool allow_incomplete;
	struct ci_opts ci;    /* GitHub, JUnit, baseline (ci_report.c) */
	char *const *command; /* COMMAND and its arguments */
};

enum { OPT_REPORT = 2000, OPT_FAIL_ON, OPT_LEAK_EXIT, OPT_ALLOW_INCOMPLETE, OPT_ENGINES };

static const struct option long_opts[] = {
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "leak-exit-code", required_argument, NULL, OPT_LEAK_EXIT },
	{ "allow-incomplete", no_argument, NULL, OPT_ALLOW_INCOMPLETE },
	{ "engine-containers", required_argument, NULL, OPT_ENGINES },
	{ "annotations", required_argument, NULL, OPT_CI_ANNOTATIONS },
	{ "step-summary", required_argument, NULL, OPT_CI_STEP_SUMMARY },
	{ "junit", required_argument, NULL, OPT_CI_JUNIT },
	{ "write-baseline", required_argument, NULL, OPT_CI_BASELINE },
	SESSION_LONG_OPTS,
	{},
};

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	int opt, err = 0, sev;
	char *end;
	long v;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:c:vh", long_opts, NULL)) != -1) {
		if (session_parse_opt(&o->common, opt, optarg, &err)) {
			if (err)
				return err;
			continue;
		}
		if (ci_parse_opt(&o->ci, opt, optarg, &err)) {
			if (err)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_FAIL_ON:
			sev = severity_parse(optarg);
			if (sev < 0) {
				fprintf(stderr,
					"leakwatch run: --fail-on: '%s' is not one of "
					"low, medium, high, none\n",
					optarg);
				return EXIT_USAGE;
			}
			o->fail_on = sev;
			break;
		case OPT_LEAK_EXIT:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < 0 || v > 255) {
				fprintf(stderr,
					"leakwatch run: --leak-exit-code: '%s' is not "
					"0..255\n",
					optarg);
				return EXIT_USAGE;
			}
			o->leak_exit = (int)v;
			break;
		case OPT_ALLOW_INCOMPLETE:
			o->allow_incomplete = true;
			break;
		case OPT_ENGINES:
			if (strcmp(optarg, "follow") && strcmp(optarg, "ignore")) {
				fprintf(stderr,
					"leakwatch run: --engine-containers: '%s' is not follow or "
					"ignore\n",
					optarg);
				return EXIT_USAGE;
			}
			o->common.follow_engines = !strcmp(optarg, "follow");
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			return command_option_error("leakwatch run", opt, argv);
		}
	}
	if (optind >= argc) {
		fputs("leakwatch run: no COMMAND given (see leakwatch run --help)\n", stderr);
		return EXIT_USAGE;
	}
	o->command = argv + optind;
	return 0;
}

/* The child: become watched (the kernel then watches everything it
 * forks), join run's cgroup, then become COMMAND. */
static void exec_command(const struct sensor *sensor, const char *cgroup, char **cmd)
{
	int err = sensor_watch_pid(sensor, getpid());

	if (err) {
		fprintf(stderr, "leakwatch run: cannot watch COMMAND: %s\n", strerror(-err));
		_exit(126);
	}
	err = cgroup_enter(cgroup, getpid());
	if (err) {
		fprintf(stderr, "leakwatch run: cannot enter cgroup %s: %s\n", cgroup,
			strerror(-err));
		_exit(126);
	}
	/* COMMAND sees the mounts its caller saw: a cgroup2 leakwatch mounted
	 * for itself (none was visible) stays leakwatch's. After the cgroup:
	 * the private mount is not visible from there. */
	err = cgroup_restore_mount_ns_in_child();
	if (err) {
		fprintf(stderr,
			"leakwatch run: cannot return to the caller's mount namespace: %s\n",
			strerror(-err));
		_exit(126);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	execvp(cmd[0], cmd);
	fprintf(stderr, "leakwatch run: cannot run %s: %s\n", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static volatile sig_atomic_t forward_sig;

static void on_signal(int sig)
{
	forward_sig = sig;
}

static int wait_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Poll events until COMMAND exits, then drain what is still in flight. */
static int watch(struct session *s, pid_t child, int *status)
{
	double drain_end;
	pid_t r;
	int n;

	/* The libraries and the filter are fresh from session_start(). */
	session_every(s, SESSION_RESCAN, LIBC_RESCAN_S, LIBC_RESCAN_S);
	session_every(s, SESSION_FILTER, SENSOR_FILTER_REBUILD_S, SENSOR_FILTER_REBUILD_S);
	for (;;) {
		n = session_poll(s, POLL_MS);
		if (n < 0) {
			fprintf(stderr, "leakwatch run: reading events: %s\n", strerror(-n));
			return n;
		}
		if (forward_sig) {
			kill(child, forward_sig);
			forward_sig = 0;
		}
		session_tick(s, session_now());
		r = waitpid(child, status, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
	drain_end = session_now() + DRAIN_MS / 1000.0;
	do
		n = session_poll(s, POLL_MS);
	while (n >= 0 && session_now() < drain_end);
	return 0;
}

static int open_report(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fprintf(stderr, "leakwatch run: cannot write %s: %s\n", path, strerror(errno));
	return fd;
}

/* The exit status, and one line saying where it comes from: a leak's 3
 * cannot be told from COMMAND's own 3 otherwise. */
static int exit_status(struct session *s, const struct run_opts *o, const struct summary *sum,
		       int cmd_status)
{
	if (o->fail_on != SEV_NONE && s->max_severity >= o->fail_on) {
		fprintf(stderr,
			"leakwatch run: exit %d: a leak at or above --fail-on %s was found\n",
			o->leak_exit, severity_name((uint8_t)o->fail_on));
		return o->leak_exit;
	}
	if (!summary_complete(sum) && !o->allow_incomplete) {
		fprintf(stderr,
			"leakwatch run: exit %d: the watch was incomplete (see above); "
			"--allow-incomplete keeps COMMAND's status\n",
			EXIT_INCOMPLETE);
		return EXIT_INCOMPLETE;
	}
	fprintf(stderr, "leakwatch run: exit %d: COMMAND's own status\n", cmd_status);
	return cmd_status;
}

static int finish(struct session *s, const struct run_opts *o, int cmd_status)
{
	struct ci_run ci = { .opts = &o->ci,
			     .fail_on = (uint8_t)o->fail_on,
			     .allow_incomplete = o->allow_incomplete,
			     .config = o->common.config,
			     .command = o->command,
			     .policy = &s->policy };
	struct summary sum;

	ci_apply_allow_destinations(s->engine, &s->policy);
	if (s->engine && verdict_engine_first(s->engine))
		fputs("\nleakwatch report:\n", stderr);
	session_report_all(s, stderr);
	session_summary(s, &sum);
	report_summary_text(stderr, &sum);
	if (s->out.fd >= 0)
		report_summary_json(&s->json, s->out.fd, &sum);
	ci_report(s->engine, &sum, &ci);
	return exit_status(s, o, &sum, cmd_status);
}

/* The kernfs id of a cgroup directory (its inode number, on 64-bit). */
static uint64_t cgroup_id_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .common.who = "leakwatch run",
			      .common.window_s = -1,
			      .common.run_scope = true,
			      .common.follow_engines = true,
			      .common.payload = LW_PAYLOAD_CLEAR,
			      .fail_on = SEV_MEDIUM,
			      .leak_exit = EXIT_LEAK_DEFAULT };
	char mount[PATH_MAX], cgroup[PATH_MAX];
	struct session s;
	int err, status = 0, cgfd = -1, ret = 1;
	pid_t child;

	memset(&s, 0, sizeof(s));
	s.out.fd = -1;
	err = parse_args(argc, argv, &o);
	if (err)
		return err;
	s.opts = o.common;
	s.keep_exited = true;
	err = session_load_policy(&s);
	if (err)
		goto out_policy;
	/* Before the cgroup: without privileges that fails with EACCES,
	 * which would not say what is missing. */
	if (session_check_privileges(&s))
		goto out_policy;
	if (cgroup2_mount_or_private(mount, sizeof(mount), "leakwatch run"))
		goto out_policy;
	if (o.report) {
		s.out.fd = open_report(o.report);
		if (s.out.fd < 0)
			goto out_policy;
	}
	err = cgroup_create_child(mount, cgroup, sizeof(cgroup));
	if (err) {
		fprintf(stderr, "leakwatch run: cannot create a cgroup under %s: %s\n", mount,
			strerror(-err));
		goto out_close;
	}
	/* The hooks hang off the hierarchy's root, so that processes that
	 * move (containers) are still seen; the kernel acts for watched ones. */
	s.opts.run_cgroup_id = cgroup_id_of(cgroup);
	s.opts.attach_root_id = cgroup_id_of(mount);
	cgfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0 || !s.opts.run_cgroup_id || session_start(&s, cgfd))
		goto out_cgroup;
	/* One line before COMMAND's output: which DNS capture is in use. */
	fprintf(stderr, "leakwatch run: DNS capture: %s (%s)%s%s\n", s.sensor.dns_capture,
		s.sensor.dns_why ?: "asked for", o.common.enforce ? ", enforcing" : "",
		o.common.follow_engines ? ", following containers" : "");
	session_say_payload(&s);
	if (s.opts.attach_root_id != 1)
		fprintf(stderr,
			"leakwatch run: %s is not the cgroup v2 root (a private cgroup "
			"namespace?): a process that leaves it is not watched, and is reported\n",
			mount);

	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "leakwatch run: fork: %s\n", strerror(errno));
		goto out_cgroup;
	}
	if (child == 0)
		exec_command(&s.sensor, cgroup, argv + optind);

	/* COMMAND has the caller's privileges; the watcher needs few now
	 * (those to probe C libraries of containers COMMAND starts). */
	err = privilege_drop(s.sensor.libc != NULL, true);
	if (err)
		fprintf(stderr, "leakwatch run: cannot drop capabilities: %s\n", strerror(-err));
	err = 0;
	/* Like system(): the terminal's ^C reaches COMMAND, which decides. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (watch(&s, child, &status) == 0)
		ret = finish(&s, &o, wait_status_code(status));
out_cgroup:
	session_stop(&s);
	if (cgfd >= 0)
		close(cgfd);
	cgroup_remove(cgroup);
out_close:
	if (s.out.fd >= 0)
		close(s.out.fd);
out_policy:
	if (s.policy_loaded)
		policy_free(&s.policy);
	return err == EXIT_USAGE ? EXIT_USAGE : ret;
}
