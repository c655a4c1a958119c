// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
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
