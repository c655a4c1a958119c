// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Identity in the process table (userspace/proctable.c info_read and
 * proctable_get), fed through the verdict engine's handle function, from
 * synthetic event headers: the pid in leakwatch's pid namespace (ns_tgid)
 * is the one /proc is read by, never the kernel's when they differ; a
 * process not visible there is reported without exe/cmdline; a process
 * gone before /proc is read gets its container from the kernel's cgroup
 * ids and the cgroup-creation events; an id nobody knows is counted.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"
#include "policy.h"
#include "report.h"
#include "test.h"
#include "verdict.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_UID "5f1a3b2c-7d4e-4f60-8a9b-0c1d2e3f4a5b"
#define GONE_PID 0x7ff00000u	      /* above pid_max: /proc has nothing */
#define FAKE_CG 0x7ffe000000000000ull /* cgroup ids no real cgroup has */

static struct policy pol;
static struct verdict_engine *eng;

static bool setup(void)
{
	if (!ASSERT_OK(policy_init(&pol), "policy_init"))
		return false;
	eng = verdict_engine_new(&pol, NULL, NULL);
	return ASSERT_NOT_NULL(eng, "verdict_engine_new");
}

static void teardown(void)
{
	verdict_engine_free(eng);
	eng = NULL;
	policy_free(&pol);
}

/* An exit event: the simplest that makes a process record. */
static int exit_event(uint32_t tgid, uint32_t ns_tgid, uint64_t start_ns, uint64_t cg2,
		      uint64_t cg1)
{
	struct lw_exit_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = LW_EV_EXIT;
	e.hdr.size = sizeof(e);
	e.hdr.proc.tgid = tgid;
	e.hdr.proc.start_ns = start_ns;
	e.hdr.ns_tgid = ns_tgid;
	e.hdr.cgroup_id = cg2;
	e.hdr.cgroup_v1_id = cg1;
	e.hdr.ppid = 1;
	memcpy(e.hdr.comm, "fake", 5);
	return verdict_engine_handle(eng, &e, sizeof(e));
}

static int mkdir_event(uint8_t kind, uint64_t id, const char *path)
{
	static struct lw_cgroup_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = LW_EV_CGROUP_MKDIR;
	e.hdr.size = sizeof(e);
	e.hdr.proc.tgid = GONE_PID + 99; /* the maker: gets no record */
	e.id = id;
	e.kind = kind;
	e.path_len = (uint16_t)strlen(path);
	memcpy(e.path, path, e.path_len);
	return verdict_engine_handle(eng, &e, sizeof(e));
}

static struct watched_proc *find(uint32_t tgid)
{
	struct watched_proc *p;

	for (p = verdict_engine_first(eng); p; p = verdict_engine_next(eng, p))
		if (p->tgid == tgid)
			return p;
	return NULL;
}

/* The report line of p, as the daemon writes it. */
static char *report_of(const struct watched_proc *p)
{
	static char buf[65536];
	struct json j;
	FILE *f = tmpfile();
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return buf;
	json_init(&j);
	if (report_json(&j, fileno(f), p, true) == 0) {
		rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
	}
	buf[n] = '\0';
	json_free(&j);
	fclose(f);
	return buf;
}

static bool has(const char *json, const char *frag)
{
	if (strstr(json, frag))
		return true;
	fprintf(stderr, "  report lacks %s: %s\n", frag, json);
	return false;
}

/* A child that waits on a pipe: a real process to read /proc of. */
static pid_t sleeper(int *wfd)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	*wfd = fds[1];
	return pid;
}

static void reap(pid_t pid, int wfd)
{
	close(wfd);
	waitpid(pid, NULL, 0);
}

/* The kernel's pid differs from ours (ns_tgid): /proc is read by ours. */
static void test_ns_tgid_translated(void)
{
	char want[64];
	struct watched_proc *p;
	const char *r;
	int wfd;
	pid_t kid;

	if (!setup())
		goto out;
	kid = sleeper(&wfd);
	if (!ASSERT_TRUE(kid > 0, "fork"))
		goto out;
	ASSERT_OK(exit_event(GONE_PID + 1, (uint32_t)kid, proc_start_ns(kid), 0, 0), "event");
	p = find(GONE_PID + 1);
	if (ASSERT_NOT_NULL(p, "keyed by the kernel's tgid")) {
		ASSERT_TRUE(p->info_read, "read through ns_tgid");
		ASSERT_EQ(watched_proc_pid(p), kid, "shown pid: ours");
		ASSERT_EQ(p->ppid, getpid(), "ppid from our /proc, not the kernel's");
		r = report_of(p);
		snprintf(want, sizeof(want), "\"pid\":%d,", (int)kid);
		ASSERT_TRUE(has(r, want), "pid");
		snprintf(want, sizeof(want), "\"host_pid\":%u,", GONE_PID + 1);
		ASSERT_TRUE(has(r, want), "host_pid");
		ASSERT_TRUE(has(r, "\"outside_pid_namespace\":false"), "inside");
		ASSERT_TRUE(has(r, "\"exited_before_read\":false"), "read");
		ASSERT_TRUE(has(r, "\"exe\":\"/"), "exe read");
	}
	reap(kid, wfd);
out:
	teardown();
}

/* ns_tgid 0 in the initial pid namespace: the kernel's pid is ours. */
static void test_ns_tgid_zero_initial(void)
{
	struct watched_proc *p;
	int wfd;
	pid_t kid;

	if (!proc_pidns_initial()) {
		test_skip("not in the initial pid namespace");
		return;
	}
	if (!setup())
		goto out;
	kid = sleeper(&wfd);
	if (!ASSERT_TRUE(kid > 0, "fork"))
		goto out;
	ASSERT_OK(exit_event((uint32_t)kid, 0, proc_start_ns(kid), 0, 0), "event");
	p = find((uint32_t)kid);
	if (ASSERT_NOT_NULL(p, "record")) {
		ASSERT_TRUE(p->info_read, "read by the kernel's pid");
		ASSERT_EQ(watched_proc_pid(p), kid, "pid");
		ASSERT_FALSE(p->outside_pidns, "not outside");
	}
	reap(kid, wfd);
out:
	teardown();
}

/* In a pid namespace of its own (a grandchild after unshare), with
 * ns_tgid 0: the kernel's pid names a real process here (our parent), but
 * it must not be read: exe and cmdline null, outside_pid_namespace. */
static int outside_child(pid_t real)
{
	struct watched_proc *p;
	const char *r;
	int rc = 0;

	if (proc_pidns_initial())
		return 1;
	if (!setup())
		return 2;
	if (exit_event((uint32_t)real, 0, proc_start_ns(real), 0, 0))
		rc = 3;
	p = find((uint32_t)real);
	if (!rc && (!p || p->info_read || !p->outside_pidns || p->ns_pid))
		rc = 4;
	if (!rc) {
		r = report_of(p);
		if (!strstr(r, "\"exe\":null") || !strstr(r, "\"cmdline\":null") ||
		    !strstr(r, "\"outside_pid_namespace\":true") ||
		    !strstr(r, "\"exited_before_read\":false"))
			rc = 5;
	}
	teardown();
	return rc;
}

static void test_ns_tgid_zero_elsewhere(void)
{
	pid_t outer = getpid(), pid;
	int status = -1;

	if (geteuid() != 0) {
		test_skip("needs root (a pid namespace)");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		pid_t g;
		int st = -1;

		if (unshare(CLONE_NEWPID))
			_exit(90);
		g = fork(); /* the first process in the new namespace */
		if (g == 0)
			_exit(outside_child(outer));
		waitpid(g, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 91);
	}
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status), "exited");
	ASSERT_EQ(WEXITSTATUS(status), 0, "checks in the namespace (number of the failed one)");
}

/* Gone before /proc was read: the container from the kernel's ids. */
static void test_kernel_identity(void)
{
	struct watched_proc *p;
	const char *r;

	if (!setup())
		goto out;
	ASSERT_OK(mkdir_event(LW_CG_V2, FAKE_CG + 1, "/system.slice/docker-" ID64 ".scope"),
		  "v2 mkdir");
	ASSERT_OK(mkdir_event(LW_CG_V2, FAKE_CG + 2, "/"), "v2 root-ish");
	ASSERT_OK(mkdir_event(LW_CG_V1_MEMORY, FAKE_CG + 3,
			      "/kubepods/besteffort/pod" POD_UID "/" ID64),
		  "v1 mkdir");
	ASSERT_NULL(find(GONE_PID + 99), "the maker of a cgroup gets no record");

	/* v2 */
	ASSERT_OK(exit_event(GONE_PID + 2, GONE_PID + 2, 1, FAKE_CG + 1, 0), "v2 event");
	p = find(GONE_PID + 2);
	if (ASSERT_NOT_NULL(p, "v2 record")) {
		ASSERT_FALSE(p->info_read, "gone");
		ASSERT_STREQ(p->info.container_id, ID64, "v2 container");
		ASSERT_STREQ(p->info.cgroup_source, "kernel", "v2 source");
		r = report_of(p);
		ASSERT_TRUE(has(r, "\"container_id\":\"" ID64 "\""), "v2 report id");
		ASSERT_TRUE(has(r, "\"cgroup\":\"/system.slice/docker-" ID64 ".scope\""),
			    "v2 report cgroup");
		ASSERT_TRUE(has(r, "\"container_runtime\":\"docker\""), "runtime");
		ASSERT_TRUE(has(r, "\"cgroup_source\":\"kernel\""), "source");
		ASSERT_TRUE(has(r, "\"exited_before_read\":true"), "exited before read");
	}
	/* v2 names nothing: the v1 memory hierarchy's */
	ASSERT_OK(exit_event(GONE_PID + 3, GONE_PID + 3, 1, FAKE_CG + 2, FAKE_CG + 3), "v1");
	p = find(GONE_PID + 3);
	if (ASSERT_NOT_NULL(p, "v1 record")) {
		ASSERT_STREQ(p->info.container_id, ID64, "v1 container");
		ASSERT_STREQ(p->info.pod_uid, POD_UID, "v1 pod");
		ASSERT_STREQ(p->info.qos, "besteffort", "v1 qos");
		ASSERT_STREQ(p->info.cgroup_source, "kernel", "v1 source");
		r = report_of(p);
		ASSERT_TRUE(has(r, "\"cgroup\":\"/\""), "v2 path kept");
		ASSERT_TRUE(has(r, "\"pod_uid\":\"" POD_UID "\""), "pod in report");
	}
	/* known ids without identity: the path, no container */
	ASSERT_OK(exit_event(GONE_PID + 4, GONE_PID + 4, 1, FAKE_CG + 2, 0), "plain");
	p = find(GONE_PID + 4);
	if (ASSERT_NOT_NULL(p, "plain record")) {
		ASSERT_STREQ(p->info.container_id, "", "no container");
		ASSERT_STREQ(p->info.cgroup_source, "kernel", "plain source");
	}
	ASSERT_EQ(verdict_engine_stats(eng)->procs.cgroup_unresolved, 0, "nothing unresolved yet");
	/* ids nobody knows (and no file handle finds): counted, no guess */
	ASSERT_OK(exit_event(GONE_PID + 5, GONE_PID + 5, 1, FAKE_CG + 50, FAKE_CG + 51), "unknown");
	p = find(GONE_PID + 5);
	if (ASSERT_NOT_NULL(p, "unknown record")) {
		ASSERT_STREQ(p->info.container_id, "", "unknown: no container");
		r = report_of(p);
		ASSERT_TRUE(has(r, "\"cgroup_source\":null"), "unknown: no source");
		ASSERT_TRUE(has(r, "\"cgroup\":null"), "unknown: no cgroup");
	}
	ASSERT_EQ(verdict_engine_stats(eng)->procs.cgroup_unresolved, 1, "unresolved counted");
	/* no ids at all (events of sockets' owners): not counted */
	ASSERT_OK(exit_event(GONE_PID + 6, GONE_PID + 6, 1, 0, 0), "no ids");
	ASSERT_EQ(verdict_engine_stats(eng)->procs.cgroup_unresolved, 1, "no ids: not counted");
out:
	teardown();
}

static void test_bad_mkdir(void)
{
	static struct lw_cgroup_event e;
	uint64_t bad;

	if (!setup())
		goto out;
	bad = verdict_engine_stats(eng)->bad_events;
	memset(&e, 0, sizeof(e));
	e.hdr.type = LW_EV_CGROUP_MKDIR;
	e.hdr.size = sizeof(e);
	e.id = FAKE_CG + 9;
	e.kind = LW_CG_V2;
	e.path_len = 600;
	ASSERT_EQ(verdict_engine_handle(eng, &e, sizeof(e)), -EINVAL, "path_len too long");
	e.hdr.size = sizeof(e) - 1;
	ASSERT_EQ(verdict_engine_handle(eng, &e, sizeof(e)), -EINVAL, "wrong size");
	ASSERT_EQ(verdict_engine_stats(eng)->bad_events, bad + 2, "counted");
	ASSERT_NULL(verdict_engine_first(eng), "no record");
out:
	teardown();
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	/* first: proc_pidns_initial() caches its answer, and the child must
	 * not inherit this process's */
	RUN_TEST(test_ns_tgid_zero_elsewhere);
	RUN_TEST(test_ns_tgid_translated);
	RUN_TEST(test_ns_tgid_zero_initial);
	RUN_TEST(test_kernel_identity);
	RUN_TEST(test_bad_mkdir);
	return test_summary();
}
