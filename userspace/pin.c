// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "leakwatch.h"
#include "leakwatch.skel.h"
#include "pin.h"

#define BPF_FS_MAGIC_NR 0xcafe4a11
#define BPF_FS_ROOT "/sys/fs/bpf"

/* The maps whose contents are state worth keeping across a restart. The
 * policy maps are refilled at every start; the counters start afresh. */
static struct bpf_map **state_maps(struct leakwatch_bpf *k, size_t *n)
{
	static struct bpf_map *maps[5];

	maps[0] = k->maps.taint;
	maps[1] = k->maps.answers;
	maps[2] = k->maps.pending;
	maps[3] = k->maps.sock_owner;
	maps[4] = k->maps.events;
	*n = 5;
	return maps;
}

static const char *const state_names[] = { "taint", "answers", "pending", "sock_owner", "events" };

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && (unsigned long)st.f_type == BPF_FS_MAGIC_NR;
}

int pin_bpffs(const char *dir, char *err, size_t len)
{
	char parent[PATH_MAX], *slash;
	int e;

	if (!strncmp(dir, BPF_FS_ROOT "/", strlen(BPF_FS_ROOT) + 1) && !is_bpffs(BPF_FS_ROOT) &&
	    mount("bpf", BPF_FS_ROOT, "bpf", 0, "mode=0700")) {
		e = errno;
		snprintf(err, len, "cannot mount bpffs on %s: %s", BPF_FS_ROOT, strerror(e));
		return -e;
	}
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (!is_bpffs(parent)) {
		snprintf(err, len, "%s is not on a bpf file system", parent);
		return -ENOTSUP;
	}
	return 0;
}

int pin_prepare(const char *dir, char *err, size_t len)
{
	int fd;

	fd = pin_bpffs(dir, err, len);
	if (fd)
		return fd;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, len, "cannot create %s: %s", dir, strerror(errno));
		return -errno;
	}
	/* Two daemons on one ring buffer would split its events: one per
	 * directory. The lock goes with the process (the fd is kept). */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, len, "%s is in use by another leakwatch daemon", dir);
		if (fd >= 0)
			close(fd);
		return -EBUSY;
	}
	return fd;
}

bool pin_maps(struct leakwatch_bpf *skel, const char *dir)
{
	struct bpf_map **maps;
	char path[PATH_MAX];
	bool found = false;
	size_t i, n;

	maps = state_maps(skel, &n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, state_names[i]);
		found |= !access(path, F_OK);
		bpf_map__set_pin_path(maps[i], path);
	}
	return found;
}

void pin_remove(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, state_names[i]);
		unlink(path);
	}
}
