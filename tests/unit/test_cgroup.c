// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * userspace/cgroup.c: finding the hierarchies, the private cgroup2 mount
 * when none is visible (as under `ip netns exec`, made here by hiding the
 * mounts in a mount namespace of the test's own) and the way back to the
 * original mount namespace for a child, and what a mount lets us watch.
 * The mount namespace parts run as root, in a forked child.
 */
#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "test.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

static uint64_t mnt_ns(void)
{
	struct stat st;

	return stat("/proc/self/ns/mnt", &st) ? 0 : (uint64_t)st.st_ino;
}

static void test_find_mounts(void)
{
	char v2[PATH_MAX], mem[PATH_MAX];
	struct statfs sf;

	if (!ASSERT_OK(cgroup2_mount(v2, sizeof(v2)), "cgroup2 mount"))
		return;
	ASSERT_OK(statfs(v2, &sf), "statfs");
	ASSERT_EQ(sf.f_type, CGROUP2_SUPER_MAGIC, "it is cgroup2");
	ASSERT_TRUE(cgroup_any_mounted(), "something is mounted");
	ASSERT_EQ(cgroup2_mount(v2, 3), -ENAMETOOLONG, "short buffer");
	if (cgroup_v1_mount("memory", mem, sizeof(mem)) == 0)
		ASSERT_TRUE(strcmp(mem, v2) != 0, "v1 memory is another mount");
	ASSERT_EQ(cgroup_v1_mount("no-such-controller", mem, sizeof(mem)), -ENOENT, "unknown");
	/* the host's own mount: its root is the root cgroup */
	ASSERT_EQ(cgroup_scope(v2, mem, sizeof(mem)), 0, "host root");
	ASSERT_EQ(cgroup_scope("/nonexistent", mem, sizeof(mem)), -ENOENT, "no such mount");
}

/* Unmount every cgroup file system in this (private) mount namespace. */
static int hide_cgroups(void)
{
	char dirs[64][PATH_MAX];
	struct mntent *m;
	int n = 0, i;
	FILE *f;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return -1;
	while ((m = getmntent(f)) && n < 64)
		if (!strcmp(m->mnt_type, "cgroup") || !strcmp(m->mnt_type, "cgroup2"))
			snprintf(dirs[n++], PATH_MAX, "%s", m->mnt_dir);
	endmntent(f);
	for (i = n - 1; i >= 0; i--)
		if (umount2(dirs[i], MNT_DETACH))
			return -1;
	return 0;
}

/* In a child: 0 when every check held, else the number of the failed one. */
static int private_mount_child(void)
{
	char path[PATH_MAX], cwd[PATH_MAX], sub[PATH_MAX + 32];
	uint64_t before, inside;
	struct statfs sf;

	if (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
		return 1;
	if (hide_cgroups() || cgroup_any_mounted())
		return 2;
	if (chdir("/tmp"))
		return 3;
	before = mnt_ns();
	if (cgroup2_mount_or_private(path, sizeof(path), "test_cgroup"))
		return 4;
	if (strcmp(path, CGROUP_PRIVATE_DIR) || !cgroup_private_mounted())
		return 5;
	if (statfs(path, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC)
		return 6;
	inside = mnt_ns();
	if (inside == before)
		return 7;
	/* the same hierarchy as the host's: its root is the root cgroup */
	if (cgroup_scope(path, sub, sizeof(sub)) != 0)
		return 8;
	/* a cgroup made there is a real one */
	snprintf(sub, sizeof(sub), "%s/lwut%d", path, (int)getpid());
	if (mkdir(sub, 0755) || rmdir(sub))
		return 9;
	/* found again: the private mount is listed now */
	if (cgroup2_mount(cwd, sizeof(cwd)) || strcmp(cwd, path))
		return 10;
	if (cgroup_restore_mount_ns_in_child())
		return 11;
	if (mnt_ns() != before || cgroup_private_mounted())
		return 12;
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/tmp"))
		return 13;
	/* back where we were: nothing mounted there, nothing visible */
	if (cgroup_any_mounted())
		return 14;
	if (cgroup_restore_mount_ns_in_child())
		return 15; /* a second call does nothing */
	return 0;
}

static void test_private_mount(void)
{
	int status = -1;
	pid_t pid;

	if (geteuid() != 0) {
		test_skip("needs root (mount namespaces, mount)");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(private_mount_child());
	if (!ASSERT_TRUE(pid > 0, "fork"))
		return;
	ASSERT_EQ(waitpid(pid, &status, 0), pid, "waitpid");
	ASSERT_TRUE(WIFEXITED(status), "child exited");
	ASSERT_EQ(WEXITSTATUS(status), 0, "every check in the child (number of the failed one)");
	/* nothing of it is left in this mount namespace */
	ASSERT_FALSE(cgroup_private_mounted(), "parent untouched");
}

/* A cgroup namespace rooted at a child cgroup: the mount made there is not
 * the host's root, and says so. */
static int cgroupns_child(const char *dir)
{
	char what[PATH_MAX + 256], want[64], mp[] = "/tmp/lwut-cgns.XXXXXX", procs[PATH_MAX + 64];
	struct stat st;
	FILE *f;
	int rc;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	f = fopen(procs, "w");
	if (!f || fprintf(f, "%d", (int)getpid()) < 0 || fclose(f))
		return 1;
	if (unshare(CLONE_NEWCGROUP | CLONE_NEWNS) ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) || !mkdtemp(mp))
		return 2;
	if (mount("cgroup2", mp, "cgroup2", 0, NULL)) {
		rmdir(mp);
		return 3;
	}
	rc = cgroup_scope(mp, what, sizeof(what));
	if (stat(dir, &st))
		return 4;
	snprintf(want, sizeof(want), "cgroup id %llu are watched", (unsigned long long)st.st_ino);
	umount2(mp, MNT_DETACH);
	rmdir(mp);
	if (rc != 1)
		return 5;
	if (!strstr(what, want) || !strstr(what, "only processes under"))
		return 6;
	return 0;
}

static void test_scope_cgroupns(void)
{
	char v2[PATH_MAX], dir[PATH_MAX + 32];
	int status = -1;
	pid_t pid;

	if (geteuid() != 0) {
		test_skip("needs root (cgroup namespaces, mount)");
		return;
	}
	if (!ASSERT_OK(cgroup2_mount(v2, sizeof(v2)), "cgroup2 mount"))
		return;
	snprintf(dir, sizeof(dir), "%s/lwut-cgns%d", v2, (int)getpid());
	if (!ASSERT_OK(mkdir(dir, 0755), dir))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(cgroupns_child(dir));
	if (ASSERT_TRUE(pid > 0, "fork")) {
		ASSERT_EQ(waitpid(pid, &status, 0), pid, "waitpid");
		ASSERT_TRUE(WIFEXITED(status), "child exited");
		ASSERT_EQ(WEXITSTATUS(status), 0, "every check in the child");
	}
	for (int i = 0; i < 50 && rmdir(dir) && errno == EBUSY; i++)
		usleep(20000);
}

/* A bind mount of part of the hierarchy: named by its path. */
static int bind_child(const char *dir, const char *rel)
{
	char what[PATH_MAX + 256], want[PATH_MAX + 64], mp[] = "/tmp/lwut-bind.XXXXXX";
	int rc;

	if (unshare(CLONE_NEWNS) || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(mp))
		return 1;
	if (mount(dir, mp, "none", MS_BIND, NULL)) {
		rmdir(mp);
		return 2;
	}
	rc = cgroup_scope(mp, what, sizeof(what));
	umount2(mp, MNT_DETACH);
	rmdir(mp);
	snprintf(want, sizeof(want), "only processes under cgroup %s are watched", rel);
	if (rc != 1)
		return 3;
	return strstr(what, want) ? 0 : 4;
}

static void test_scope_bind_mount(void)
{
	char v2[PATH_MAX], dir[PATH_MAX + 64], rel[64];
	int status = -1;
	pid_t pid;

	if (geteuid() != 0) {
		test_skip("needs root (mount namespaces, mount)");
		return;
	}
	if (!ASSERT_OK(cgroup2_mount(v2, sizeof(v2)), "cgroup2 mount"))
		return;
	snprintf(rel, sizeof(rel), "/lwut-bind%d", (int)getpid());
	snprintf(dir, sizeof(dir), "%s%s", v2, rel);
	if (!ASSERT_OK(mkdir(dir, 0755), dir))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(bind_child(dir, rel));
	if (ASSERT_TRUE(pid > 0, "fork")) {
		ASSERT_EQ(waitpid(pid, &status, 0), pid, "waitpid");
		ASSERT_TRUE(WIFEXITED(status), "child exited");
		ASSERT_EQ(WEXITSTATUS(status), 0, "every check in the child");
	}
	rmdir(dir);
}

int main(void)
{
	RUN_TEST(test_find_mounts);
	RUN_TEST(test_private_mount);
	RUN_TEST(test_scope_cgroupns);
	RUN_TEST(test_scope_bind_mount);
	return test_summary();
}
