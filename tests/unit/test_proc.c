// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * userspace/proc.c: /proc parsing (start time, comm with spaces and ')',
 * processes that vanish, pid reuse), and container / pod identity from real
 * cgroup path shapes (cgroup_parse_identity(), userspace/cgroup.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "test.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID64B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD_UID "5f1a3b2c-7d4e-4f60-8a9b-0c1d2e3f4a5b"
#define POD_UID_US "5f1a3b2c_7d4e_4f60_8a9b_0c1d2e3f4a5b"

static char *self_argv0;

struct ident {
	const char *path;
	const char *container_id;
	const char *runtime;
	const char *pod_uid;
	const char *qos;
};

static bool check_ident(const struct ident *c)
{
	struct proc_info info;
	bool ok = true;

	memset(&info, 0x5a, sizeof(info)); /* stale garbage must be cleared */
	cgroup_parse_identity(c->path, &info);
	ok &= ASSERT_STREQ(info.container_id, c->container_id, c->path);
	ok &= ASSERT_STREQ(info.runtime, c->runtime, c->path);
	ok &= ASSERT_STREQ(info.pod_uid, c->pod_uid, c->path);
	ok &= ASSERT_STREQ(info.qos, c->qos, c->path);
	return ok;
}

static void check_idents(const struct ident *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_ident(&cases[i]);
}

#define CHECK_IDENTS(cases) check_idents(cases, sizeof(cases) / sizeof(cases[0]))

static void test_cgroup_docker(void)
{
	static const struct ident cases[] = {
		{ "/docker/" ID64, ID64, "docker", "", "" },
		{ "/system.slice/docker-" ID64 ".scope", ID64, "docker", "", "" },
		/* seen from outside the reader's cgroup namespace */
		{ "/../../docker/" ID64, ID64, "docker", "", "" },
		/* docker in docker: the innermost container is the process's */
		{ "/docker/" ID64 "/docker/" ID64B, ID64B, "docker", "", "" },
		/* a sub-cgroup of the container */
		{ "/system.slice/docker-" ID64 ".scope/init.scope", ID64, "docker", "", "" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_containerd(void)
{
	static const struct ident cases[] = {
		{ "/kubepods/burstable/pod" POD_UID "/" ID64, ID64, "containerd", POD_UID,
		  "burstable" },
		{ "/kubepods/besteffort/pod" POD_UID "/" ID64, ID64, "containerd", POD_UID,
		  "besteffort" },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US
		  ".slice/cri-containerd-" ID64 ".scope",
		  ID64, "containerd", POD_UID, "burstable" },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_UID_US
		  ".slice/cri-containerd-" ID64 ".scope",
		  ID64, "containerd", POD_UID, "besteffort" },
		/* kind: the kubelet's cgroup root is itself a slice */
		{ "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/"
		  "kubelet-kubepods-burstable-pod" POD_UID_US ".slice/cri-containerd-" ID64
		  ".scope",
		  ID64, "containerd", POD_UID, "burstable" },
		/* the pod's own cgroup (pause / sandbox not yet placed) */
		{ "/kubepods/burstable/pod" POD_UID, "", "", POD_UID, "burstable" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_guaranteed(void)
{
	static const struct ident cases[] = {
		{ "/kubepods/pod" POD_UID "/" ID64, ID64, "containerd", POD_UID, "guaranteed" },
		{ "/kubepods.slice/kubepods-pod" POD_UID_US ".slice/cri-containerd-" ID64 ".scope",
		  ID64, "containerd", POD_UID, "guaranteed" },
		{ "/kubepods.slice/kubepods-pod" POD_UID_US ".slice/crio-" ID64 ".scope", ID64,
		  "cri-o", POD_UID, "guaranteed" },
		/* static pod: uid is a 32-hex hash of the manifest */
		{ "/kubepods/pod0123456789abcdef0123456789abcdef/" ID64, ID64, "containerd",
		  "0123456789abcdef0123456789abcdef", "guaranteed" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_crio(void)
{
	static const struct ident cases[] = {
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US
		  ".slice/crio-" ID64 ".scope",
		  ID64, "cri-o", POD_UID, "burstable" },
		/* cgroup v2: the payload sits in a "container" child */
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_UID_US
		  ".slice/crio-" ID64 ".scope/container",
		  ID64, "cri-o", POD_UID, "besteffort" },
		/* cgroupfs driver */
		{ "/kubepods/burstable/pod" POD_UID "/crio-" ID64, ID64, "cri-o", POD_UID,
		  "burstable" },
		/* conmon, the monitor, is not the container */
		{ "/kubepods.slice/kubepods-pod" POD_UID_US ".slice/crio-conmon-" ID64 ".scope", "",
		  "", POD_UID, "guaranteed" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_podman(void)
{
	static const struct ident cases[] = {
		{ "/machine.slice/libpod-" ID64 ".scope", ID64, "podman", "", "" },
		{ "/machine.slice/libpod-" ID64 ".scope/container", ID64, "podman", "", "" },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
		  ID64, "podman", "", "" },
		{ "/libpod_parent/libpod-" ID64, ID64, "podman", "", "" },
		{ "/machine.slice/libpod-conmon-" ID64 ".scope", "", "", "", "" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_nspawn(void)
{
	static const struct ident cases[] = {
		{ "/machine.slice/systemd-nspawn@debian.service", "debian", "nspawn", "", "" },
		{ "/machine.slice/systemd-nspawn@debian.service/payload/system.slice/cron.service",
		  "debian", "nspawn", "", "" },
		/* systemd escapes '-' in instance names */
		{ "/machine.slice/systemd-nspawn@my\\x2dbox.service", "my-box", "nspawn", "", "" },
		{ "/machine.slice/systemd-nspawn@.service", "", "", "", "" },
		/* a control character after unescaping is refused */
		{ "/machine.slice/systemd-nspawn@a\\x0ab.service", "", "", "", "" },
		/* a machine name longer than 64 characters is refused */
		{ "/machine.slice/systemd-nspawn@" ID64 "x.service", "", "", "", "" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_host(void)
{
	static const struct ident cases[] = {
		{ "/", "", "", "", "" },
		{ "", "", "", "", "" },
		{ "/user.slice/user-1000.slice/session-3.scope", "", "", "", "" },
		{ "/system.slice/ssh.service", "", "", "", "" },
		{ "/init.scope", "", "", "", "" },
		/* a bare id outside docker/kubepods: unknown runtime, no guess */
		{ "/default/" ID64, "", "", "", "" },
	};

	CHECK_IDENTS(cases);
}

static void test_cgroup_hostile(void)
{
	static const struct ident cases[] = {
		{ "/docker/0123", "", "", "", "" },
		{ "/docker/" ID64 "0", "", "", "", "" },
		{ "/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "",
		  "", "", "" },
		{ "/docker/g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "",
		  "", "", "" },
		{ "/system.slice/docker-" ID64 ".scop", "", "", "", "" },
		{ "/system.slice/docker-.scope", "", "", "", "" },
		{ "/system.slice/docker-" ID64, "", "", "", "" },
		{ "/system.slice/cri-containerd-.scope", "", "", "", "" },
		{ "docker-", "", "", "", "" },
		{ "////", "", "", "", "" },
		{ "/kubepods", "", "", "", "" },
		{ "/kubepods/", "", "", "", "" },
		{ "/kubepods/burstable", "", "", "", "" },
		{ "/kubepods/pod", "", "", "", "" },
		{ "/kubepods/podnot-a-uid", "", "", "", "" },
		{ "/kubepods/pod" POD_UID "x/" ID64, ID64, "containerd", "", "" },
		{ "/kubepods/pod5f1a3b2c-7d4e-4f60-8a9b-0c1d2e3f4a5g", "", "", "", "" },
		{ "/kubepods.slice/kubepods-pod.slice", "", "", "", "" },
		{ "/kubepods.slice/kubepods-pod_.slice", "", "", "", "" },
		{ "/kubepods.slice/kubepods-.slice", "", "", "", "" },
		{ ".slice", "", "", "", "" },
		{ "-kubepods.slice", "", "", "", "" },
		{ "kubepods-", "", "", "", "" },
		{ "/notkubepods.slice/notkubepods-pod" POD_UID_US ".slice", "", "", "", "" },
		/* pod-looking components outside a kubepods hierarchy */
		{ "/pod" POD_UID "/" ID64, "", "", "", "" },
		{ "/system.slice/systemd-nspawn@", "", "", "", "" },
		{ "/systemd-nspawn@x\\", "", "", "", "" },
		{ "/machine.slice/systemd-nspawn@x\\x.service", "x\\x", "nspawn", "", "" },
		{ "\x01\x02\xff/docker/\xfe", "", "", "", "" },
	};
	struct proc_info info;
	char *big;
	size_t i;

	CHECK_IDENTS(cases);

	memset(&info, 0x5a, sizeof(info));
	cgroup_parse_identity(NULL, &info);
	ASSERT_STREQ(info.container_id, "", "NULL path");
	ASSERT_STREQ(info.qos, "", "NULL path qos");

	/* a huge path of repeated shapes: no overflow, the last one wins */
	big = malloc(1 << 20);
	if (!ASSERT_NOT_NULL(big, "malloc"))
		return;
	big[0] = '\0';
	for (i = 0; strlen(big) + 200 < (1 << 20); i++)
		strcat(big, i % 2 ? "/docker/" ID64 : "/kubepods/burstable/pod" POD_UID);
	cgroup_parse_identity(big, &info);
	ASSERT_TRUE(strlen(info.container_id) <= 64, "big path id length");
	ASSERT_STREQ(info.pod_uid, POD_UID, "big path pod");

	/* every prefix of real paths, and random bytes: just must not crash */
	for (i = 0; i < 200000; i++)
		big[i] = "/-_.@\\xkubepodslicescope0123456789abcdef"[rand() % 41];
	big[i] = '\0';
	cgroup_parse_identity(big, &info);
	ASSERT_TRUE(strlen(info.container_id) <= 64, "random path id length");
	ASSERT_TRUE(strlen(info.pod_uid) <= 36, "random path pod length");
	ASSERT_TRUE(strlen(info.runtime) < sizeof(info.runtime), "random runtime length");
	ASSERT_TRUE(strlen(info.qos) < sizeof(info.qos), "random qos length");
	free(big);
}

static void test_cgroup_truncated_prefixes(void)
{
	static const char *const paths[] = {
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US
		".slice/cri-containerd-" ID64 ".scope",
		"/machine.slice/systemd-nspawn@my\\x2dbox.service",
		"/kubepods/burstable/pod" POD_UID "/crio-" ID64,
	};
	struct proc_info info;
	char buf[512];
	size_t i, n;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		for (n = 0; n <= strlen(paths[i]); n++) {
			memcpy(buf, paths[i], n);
			buf[n] = '\0';
			cgroup_parse_identity(buf, &info);
			ASSERT_TRUE(strlen(info.container_id) <= 64, buf);
		}
	}
}

/* Whole /proc/PID/cgroup files as real hosts write them. */
struct cgfile {
	const char *what, *text;
	const char *cgroup, *source, *container_id, *runtime, *pod_uid, *qos;
};

static void check_cgfile(const struct cgfile *c)
{
	struct proc_info info;

	memset(&info, 0x5a, sizeof(info));
	proc_parse_cgroup(c->text, &info);
	ASSERT_STREQ(info.cgroup, c->cgroup, c->what);
	ASSERT_STREQ(info.cgroup_source, c->source, c->what);
	ASSERT_STREQ(info.container_id, c->container_id, c->what);
	ASSERT_STREQ(info.runtime, c->runtime, c->what);
	ASSERT_STREQ(info.pod_uid, c->pod_uid, c->what);
	ASSERT_STREQ(info.qos, c->qos, c->what);
	ASSERT_EQ(proc_has_identity(&info), c->container_id[0] || c->pod_uid[0], c->what);
}

#define KUBE_V1_SCOPE                                                                              \
	"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_UID_US               \
	".slice/cri-containerd-" ID64 ".scope"

static void test_cgroup_file_v1(void)
{
	static const struct cgfile cases[] = {
		/* docker, cgroupfs driver, cgroup v1 host (no v2 line at all) */
		{ "docker cgroupfs on v1",
		  "12:pids:/docker/" ID64 "\n11:hugetlb:/docker/" ID64
		  "\n10:net_cls,net_prio:/docker/" ID64 "\n9:perf_event:/docker/" ID64
		  "\n8:cpuset:/docker/" ID64 "\n7:blkio:/docker/" ID64 "\n6:memory:/docker/" ID64
		  "\n5:devices:/docker/" ID64 "\n4:freezer:/docker/" ID64
		  "\n3:cpu,cpuacct:/docker/" ID64 "\n2:rdma:/\n1:name=systemd:/docker/" ID64 "\n",
		  "", "v1:name=systemd", ID64, "docker", "", "" },
		/* the same on a hybrid systemd host: the v2 line stays with
		 * the service that started the shim */
		{ "docker cgroupfs on hybrid",
		  "6:memory:/docker/" ID64 "\n1:name=systemd:/docker/" ID64
		  "\n0::/system.slice/containerd.service\n",
		  "/system.slice/containerd.service", "v1:name=systemd", ID64, "docker", "", "" },
		/* kubelet, systemd driver, cgroup v1 node */
		{ "kubepods systemd driver on v1",
		  "11:memory:" KUBE_V1_SCOPE "\n10:pids:" KUBE_V1_SCOPE
		  "\n3:cpu,cpuacct:" KUBE_V1_SCOPE "\n1:name=systemd:" KUBE_V1_SCOPE "\n",
		  "", "v1:name=systemd", ID64, "containerd", POD_UID, "burstable" },
		/* hybrid, v2 at "/", systemd's hierarchy at "/" too: memory */
		{ "hybrid v2 root, memory names it",
		  "9:name=systemd:/\n8:pids:/\n4:memory:/kubepods/besteffort/pod" POD_UID "/" ID64
		  "\n0::/\n",
		  "/", "v1:memory", ID64, "containerd", POD_UID, "besteffort" },
		/* only some other controller names it */
		{ "hybrid, pids only",
		  "9:name=systemd:/\n8:pids:/docker/" ID64 "\n4:memory:/\n0::/\n", "/", "v1:pids",
		  ID64, "docker", "", "" },
		/* two controllers in one hierarchy: the source names both */
		{ "cpu,cpuacct", "3:cpu,cpuacct:/docker/" ID64 "\n0::/\n", "/", "v1:cpu,cpuacct",
		  ID64, "docker", "", "" },
		/* name=systemd is preferred over memory */
		{ "systemd before memory",
		  "4:memory:/docker/" ID64B "\n1:name=systemd:/docker/" ID64 "\n0::/\n", "/",
		  "v1:name=systemd", ID64, "docker", "", "" },
		/* the v2 line, when it names a container, wins over v1 */
		{ "v2 wins",
		  "4:memory:/docker/" ID64B "\n1:name=systemd:/docker/" ID64B "\n0::/docker/" ID64
		  "\n",
		  "/docker/" ID64, "v2", ID64, "docker", "", "" },
		/* this development machine's own shape: nothing anywhere */
		{ "no container (this host)",
		  "9:name=systemd:/\n4:memory:/process_api/ecd813b98cb5af3bf7d090f41d12e14f\n0::/\n",
		  "/", "v2", "", "", "", "" },
		/* pure v1, no container: the preferred line is named */
		{ "pure v1, host process",
		  "4:memory:/user.slice\n1:name=systemd:/user.slice/user-0.slice/session-1.scope\n",
		  "", "v1:name=systemd", "", "", "", "" },
		/* pure v2 */
		{ "pure v2 podman", "0::/machine.slice/libpod-" ID64 ".scope/container\n",
		  "/machine.slice/libpod-" ID64 ".scope/container", "v2", ID64, "podman", "", "" },
		{ "pure v2 host", "0::/init.scope\n", "/init.scope", "v2", "", "", "", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_cgfile(&cases[i]);
}

static void test_cgroup_file_hostile(void)
{
	static const struct cgfile cases[] = {
		{ "empty", "", "", "", "", "", "", "" },
		{ "no colons", "garbage\nmore garbage\n", "", "", "", "", "", "" },
		{ "one colon", "0:/docker/" ID64 "\n", "", "", "", "", "", "" },
		/* no newline at the end, NUL-free but odd */
		{ "no final newline", "1:name=systemd:/docker/" ID64, "", "v1:name=systemd", ID64,
		  "docker", "", "" },
		/* a v1 line whose hierarchy id is 0 but names controllers is not v2 */
		{ "0 with controllers", "0:memory:/docker/" ID64 "\n", "", "v1:memory", ID64,
		  "docker", "", "" },
		/* two v2 lines: the first counts */
		{ "two v2 lines", "0::/a\n0::/docker/" ID64 "\n", "/a", "v2", "", "", "", "" },
		/* a path with colons is still one path */
		{ "colons in path", "1:name=systemd:/x:y:/docker/" ID64 "\n0::/\n", "/",
		  "v1:name=systemd", ID64, "docker", "", "" },
	};
	struct proc_info info;
	char *big;
	size_t i, off;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_cgfile(&cases[i]);

	/* a source label longer than the field: cut, NUL-terminated */
	big = malloc(1 << 16);
	if (!ASSERT_NOT_NULL(big, "malloc"))
		return;
	off = (size_t)snprintf(big, 1 << 16, "1:");
	for (i = 0; i < 200; i++)
		off += (size_t)snprintf(big + off, (1 << 16) - off, "c%zu,", i);
	snprintf(big + off, (1 << 16) - off, "memory:/docker/" ID64 "\n");
	proc_parse_cgroup(big, &info);
	ASSERT_STREQ(info.container_id, ID64, "long controller list");
	ASSERT_TRUE(strlen(info.cgroup_source) < sizeof(info.cgroup_source), "source cut");
	ASSERT_TRUE(!strncmp(info.cgroup_source, "v1:c0,c1,", 9), "source prefix");

	/* more lines than are kept: no overflow, the first ones count */
	off = 0;
	for (i = 0; i < 100; i++)
		off += (size_t)snprintf(big + off, (1 << 16) - off, "%zu:pids:/\n", i + 1);
	snprintf(big + off, (1 << 16) - off, "200:memory:/docker/" ID64 "\n");
	proc_parse_cgroup(big, &info);
	ASSERT_STREQ(info.container_id, "", "line past the limit ignored");
	ASSERT_STREQ(info.cgroup_source, "v1:pids", "many lines: source");

	/* random bytes: must not crash */
	for (i = 0; i < 60000; i++)
		big[i] = ":\n/0123456789abcdefdockerpods,=name"[rand() % 36];
	big[i] = '\0';
	proc_parse_cgroup(big, &info);
	ASSERT_TRUE(strlen(info.cgroup_source) < sizeof(info.cgroup_source), "random source");
	ASSERT_TRUE(strlen(info.container_id) <= 64, "random id");
	free(big);
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

static void test_read_self(void)
{
	static struct proc_info info;
	char comm[32], exe[PROC_PATH_MAX], cg[PROC_PATH_MAX], line[PROC_PATH_MAX];
	uint64_t start;
	ssize_t n;
	FILE *f;

	start = proc_start_ns(getpid());
	if (!ASSERT_TRUE(start > 0, "proc_start_ns(self)"))
		return;
	if (!ASSERT_OK(proc_read(getpid(), 0, &info), "proc_read(self)"))
		return;
	ASSERT_FALSE(info.gone, "self not gone");
	ASSERT_EQ(info.pid, getpid(), "pid");
	ASSERT_EQ(info.ppid, getppid(), "ppid");
	ASSERT_EQ(info.uid, getuid(), "uid");

	read_line("/proc/self/comm", comm, sizeof(comm));
	ASSERT_STREQ(info.comm, comm, "comm");

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	ASSERT_STREQ(info.exe, exe, "exe");

	ASSERT_TRUE(info.cmdline_len > 0, "cmdline_len");
	ASSERT_EQ(info.cmdline[info.cmdline_len - 1], '\0', "cmdline NUL-terminated");
	ASSERT_STREQ(info.cmdline, self_argv0, "cmdline argv[0]");

	cg[0] = '\0';
	f = fopen("/proc/self/cgroup", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::", 3)) {
				line[strcspn(line, "\n")] = '\0';
				strcpy(cg, line + 3);
			}
		fclose(f);
	}
	ASSERT_STREQ(info.cgroup, cg, "cgroup");
	ASSERT_TRUE(info.cgroup_source[0] != '\0', "cgroup_source set");

	/* with the right start time, still the same process */
	ASSERT_OK(proc_read(getpid(), start, &info), "proc_read(self, start)");
	ASSERT_FALSE(info.gone, "self with start not gone");
	/* a kernel-side ns value inside the same tick matches too */
	ASSERT_OK(proc_read(getpid(), start + 1000, &info), "proc_read(self, start+1us)");
}

static void test_read_pid_reuse(void)
{
	static struct proc_info info;
	uint64_t start = proc_start_ns(getpid());

	/* a start time that is not this process's: the pid was reused */
	ASSERT_EQ(proc_read(getpid(), start + 10ULL * 1000000000ULL, &info), -ESRCH, "later start");
	ASSERT_TRUE(info.gone, "later start: gone");
	ASSERT_EQ(info.pid, getpid(), "later start: pid kept");
	ASSERT_STREQ(info.comm, "", "later start: comm cleared");
	ASSERT_STREQ(info.exe, "", "later start: exe cleared");
	ASSERT_EQ(info.cmdline_len, 0, "later start: cmdline cleared");
	ASSERT_EQ(info.ppid, 0, "later start: ppid cleared");

	if (start > 1000000000ULL) {
		ASSERT_EQ(proc_read(getpid(), start - 1000000000ULL, &info), -ESRCH,
			  "earlier start");
		ASSERT_TRUE(info.gone, "earlier start: gone");
	}
}

static void test_same_start(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick = 1000000000ULL / (uint64_t)(hz > 0 ? hz : 100);
	uint64_t p = 12345 * tick;

	ASSERT_TRUE(proc_same_start(p, p), "equal");
	ASSERT_TRUE(proc_same_start(p, p + tick - 1), "truncated within a tick");
	ASSERT_TRUE(proc_same_start(p, p + tick / 2), "half a tick");
	ASSERT_TRUE(proc_same_start(p, p - 1), "slightly below");
	ASSERT_FALSE(proc_same_start(p, p + 5 * tick), "five ticks later");
	ASSERT_FALSE(proc_same_start(p, p - 5 * tick), "five ticks earlier");
	ASSERT_FALSE(proc_same_start(p, p + 1000000000ULL), "a second later");
	ASSERT_FALSE(proc_same_start(0, p), "proc 0");
	ASSERT_FALSE(proc_same_start(p, 0), "kernel 0");
	ASSERT_FALSE(proc_same_start(0, 0), "both 0");
}

static void test_read_reaped_child(void)
{
	static struct proc_info info;
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0)
		_exit(0);
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	ASSERT_EQ(waitpid(pid, &status, 0), pid, "waitpid");
	ASSERT_EQ(proc_read(pid, 0, &info), -ESRCH, "reaped child");
	ASSERT_TRUE(info.gone, "reaped child gone");
	ASSERT_EQ(info.pid, pid, "reaped child pid");
	ASSERT_STREQ(info.comm, "", "reaped child comm");
	ASSERT_EQ(proc_start_ns(pid), 0, "reaped child start");
	ASSERT_EQ(proc_read(-1, 0, &info), -ESRCH, "pid -1");
	ASSERT_EQ(proc_read(0, 0, &info), -ESRCH, "pid 0");
	ASSERT_EQ(proc_read(0x7ffffff0, 0, &info), -ESRCH, "pid out of range");
}

static void test_read_zombie_child(void)
{
	static struct proc_info info;
	struct timespec ts = { 0, 1000000 };
	char path[64], buf[256];
	pid_t pid;
	int i;

	pid = fork();
	if (pid == 0)
		_exit(0);
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	/* wait for the zombie state without reaping */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (i = 0; i < 2000; i++) {
		read_line(path, buf, sizeof(buf));
		if (strstr(buf, ") Z "))
			break;
		nanosleep(&ts, NULL);
	}
	ASSERT_EQ(proc_read(pid, 0, &info), -ESRCH, "zombie");
	ASSERT_TRUE(info.gone, "zombie gone");
	waitpid(pid, NULL, 0);
}

/* A comm with spaces and parentheses: stat must be parsed from the last ')'. */
static void test_read_odd_comm(void)
{
	static struct proc_info info;
	static const char *const names[] = { "a) b (c)", ") 1 2 3 (", "x y", "))))", "(" };
	int fds[2], i;
	pid_t pid;
	char c;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		if (!ASSERT_OK(pipe(fds), "pipe"))
			return;
		pid = fork();
		if (pid == 0) {
			close(fds[1]);
			prctl(PR_SET_NAME, names[i]);
			/* tell the parent the name is set by closing nothing;
			 * it polls /proc; wait for EOF on the pipe */
			while (read(fds[0], &c, 1) > 0)
				;
			_exit(0);
		}
		close(fds[0]);
		if (!ASSERT_TRUE(pid > 0, "fork"))
			return;
		/* wait until the child has renamed itself */
		for (int tries = 0; tries < 2000; tries++) {
			if (proc_read(pid, 0, &info) == 0 && !strcmp(info.comm, names[i]))
				break;
			usleep(1000);
		}
		ASSERT_STREQ(info.comm, names[i], "odd comm");
		ASSERT_EQ(info.ppid, getpid(), "odd comm ppid");
		ASSERT_TRUE(proc_start_ns(pid) > 0, "odd comm start");
		ASSERT_TRUE(proc_same_start(proc_start_ns(pid), proc_start_ns(pid)),
			    "odd comm same start");
		close(fds[1]);
		waitpid(pid, NULL, 0);
	}
}

static void test_read_kernel_thread(void)
{
	static struct proc_info info;

	/* kthreadd: no exe, no cmdline; must read without trouble */
	if (proc_read(2, 0, &info)) {
		test_skip("no pid 2 visible (pid namespace?)");
		return;
	}
	ASSERT_STREQ(info.exe, "", "kthread exe");
	ASSERT_EQ(info.cmdline_len, 0, "kthread cmdline");
	ASSERT_TRUE(info.comm[0] != '\0', "kthread comm");
}

/* Many processes exiting while being read: each result is either a whole,
 * consistent process or gone, never a crash or a mix. */
static void test_read_racing_exit(void)
{
	static struct proc_info info;
	int i, ok = 0, gone = 0;
	pid_t pid;

	for (i = 0; i < 300; i++) {
		pid = fork();
		if (pid == 0) {
			if (i % 3)
				usleep((useconds_t)(i % 7) * 100);
			_exit(0);
		}
		if (pid < 0)
			break;
		if (proc_read(pid, 0, &info) == 0) {
			ok++;
			if (!ASSERT_FALSE(info.gone, "read ok: not gone") ||
			    !ASSERT_EQ(info.ppid, getpid(), "read ok: ppid"))
				break;
		} else {
			gone++;
			if (!ASSERT_TRUE(info.gone, "read failed: gone") ||
			    !ASSERT_EQ(info.ppid, 0, "read failed: ppid cleared"))
				break;
		}
		waitpid(pid, NULL, 0);
	}
	ASSERT_EQ(ok + gone, 300, "all read");
}

int main(int argc, char **argv)
{
	(void)argc;
	self_argv0 = argv[0];
	signal(SIGPIPE, SIG_IGN);

	RUN_TEST(test_cgroup_docker);
	RUN_TEST(test_cgroup_containerd);
	RUN_TEST(test_cgroup_guaranteed);
	RUN_TEST(test_cgroup_crio);
	RUN_TEST(test_cgroup_podman);
	RUN_TEST(test_cgroup_nspawn);
	RUN_TEST(test_cgroup_host);
	RUN_TEST(test_cgroup_hostile);
	RUN_TEST(test_cgroup_truncated_prefixes);
	RUN_TEST(test_cgroup_file_v1);
	RUN_TEST(test_cgroup_file_hostile);
	RUN_TEST(test_read_self);
	RUN_TEST(test_read_pid_reuse);
	RUN_TEST(test_same_start);
	RUN_TEST(test_read_reaped_child);
	RUN_TEST(test_read_zombie_child);
	RUN_TEST(test_read_odd_comm);
	RUN_TEST(test_read_kernel_thread);
	RUN_TEST(test_read_racing_exit);
	return test_summary();
}
