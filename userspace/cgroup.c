// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

int cgroup2_mount(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f;
	int err = -ENOENT;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		if (strlen(m->mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

int cgroup_v1_mount(const char *controller, char *buf, size_t len)
{
	struct mntent *m;
	FILE *f;
	int err = -ENOENT;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup") || !hasmntopt(m, controller))
			continue;
		if (strlen(m->mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

bool cgroup_any_mounted(void)
{
	struct mntent *m;
	bool any = false;
	FILE *f;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return false;
	while (!any && (m = getmntent(f)))
		any = !strcmp(m->mnt_type, "cgroup") || !strcmp(m->mnt_type, "cgroup2");
	endmntent(f);
	return any;
}

/* The mount namespace leakwatch started in, once it left it. */
static int original_mnt_ns = -1;

bool cgroup_private_mounted(void)
{
	return original_mnt_ns >= 0;
}

/* mkdir that accepts an existing directory, never a symlink or a file. */
static int make_dir(const char *path)
{
	struct stat st;

	if (!mkdir(path, 0700))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int mount_private(char *buf, size_t len)
{
	int ns, err;

	if (len <= strlen(CGROUP_PRIVATE_DIR))
		return -ENAMETOOLONG;
	ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return -errno;
	err = make_dir("/run/leakwatch") ?: make_dir(CGROUP_PRIVATE_DIR);
	if (err)
		goto out_close;
	if (unshare(CLONE_NEWNS)) {
		err = -errno;
		goto out_close;
	}
	/* A slave: the host's later mounts still reach us, ours never leave. */
	if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) ||
	    mount("cgroup2", CGROUP_PRIVATE_DIR, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		err = -errno;
		goto out_setns;
	}
	strcpy(buf, CGROUP_PRIVATE_DIR);
	original_mnt_ns = ns;
	return 0;
out_setns:
	if (setns(ns, CLONE_NEWNS))
		err = -errno;
out_close:
	close(ns);
	return err;
}

int cgroup2_mount_or_private(char *buf, size_t len, const char *who)
{
	int err = cgroup2_mount(buf, len);

	if (err != -ENOENT) {
		if (err)
			fprintf(stderr, "%s: cannot find the cgroup v2 mount in /proc/mounts: %s\n",
				who, strerror(-err));
		return err;
	}
	err = mount_private(buf, len);
	if (!err)
		return 0;
	/* Never suggest mounting over /sys/fs/cgroup where v1 hierarchies
	 * are mounted: it would hide every one of them. */
	if (cgroup_any_mounted())
		fprintf(stderr,
			"%s: no cgroup v2 hierarchy is mounted (only v1 ones, see /proc/mounts) "
			"and mounting one for leakwatch failed: %s\n",
			who, strerror(-err));
	else
		fprintf(stderr,
			"%s: no cgroup hierarchy is mounted and mounting one for leakwatch "
			"failed: %s (mount it: mount -t cgroup2 cgroup2 /sys/fs/cgroup)\n",
			who, strerror(-err));
	return err;
}

int cgroup_restore_mount_ns_in_child(void)
{
	char cwd[PATH_MAX];

	if (original_mnt_ns < 0)
		return 0;
	/* setns() puts the caller at the namespace's root: keep the cwd. */
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (setns(original_mnt_ns, CLONE_NEWNS))
		return -errno;
	close(original_mnt_ns);
	original_mnt_ns = -1;
	if (cwd[0] && chdir(cwd))
		return -errno;
	return 0;
}

/* The "root" field of mountpoint's line in /proc/self/mountinfo: the
 * path of the mount's root within its file system. */
static int mount_root(const char *mountpoint, char *buf, size_t len)
{
	char line[PATH_MAX * 2 + 256], root[PATH_MAX], mp[PATH_MAX];
	int err = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mountpoint ... (octal escapes
		 * for spaces: a path with one simply does not match) */
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    strcmp(mp, mountpoint) || !strstr(line, " - cgroup2 "))
			continue;
		snprintf(buf, len, "%s", root);
		err = 0;
	}
	fclose(f);
	return err;
}

int cgroup_scope(const char *mount, char *what, size_t len)
{
	char root[PATH_MAX];
	struct stat st;

	if (stat(mount, &st))
		return -errno;
	if (st.st_ino == 1)
		return 0;
	if (!mount_root(mount, root, sizeof(root)) && strcmp(root, "/"))
		snprintf(what, len,
			 "only processes under cgroup %s are watched: the cgroup v2 mount at %s "
			 "is that part of the hierarchy, not its root",
			 root, mount);
	else
		snprintf(what, len,
			 "only processes under cgroup id %llu are watched: the cgroup v2 mount at "
			 "%s is the root of a private cgroup namespace, not the host's root cgroup",
			 (unsigned long long)st.st_ino, mount);
	return 1;
}

void cgroup_print_scope(const char *mount, const char *who)
{
	char what[PATH_MAX + 256];

	if (cgroup_scope(mount, what, sizeof(what)) == 1)
		fprintf(stderr, "%s: %s\n", who, what);
}

int cgroup_create_child(const char *mount, char *buf, size_t len)
{
	struct timespec ts;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, len, "%s/leakwatch-run-%d-%lx", mount, (int)getpid(),
		     (unsigned long)ts.tv_nsec);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755))
		return -errno;
	return 0;
}

static int write_pid(const char *dir, pid_t pid)
{
	char path[PATH_MAX], num[32];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d", (int)pid);
	if (write(fd, num, n) != n)
		err = -errno;
	close(fd);
	return err;
}

int cgroup_enter(const char *path, pid_t pid)
{
	return write_pid(path, pid);
}

int cgroup_remove(const char *path)
{
	char procs[PATH_MAX], parent[PATH_MAX], *slash;
	int pid, tries;
	FILE *f;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	/* Leftover daemons of the command keep running, outside our cgroup. */
	for (tries = 0; tries < 10; tries++) {
		f = fopen(procs, "re");
		if (!f)
			break;
		while (fscanf(f, "%d", &pid) == 1)
			write_pid(parent, pid);
		fclose(f);
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		usleep(10000);
	}
	return rmdir(path) ? -errno : 0;
}
