/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Finding the cgroup v2 hierarchy and making the one `run` watches. */
#ifndef __LW_CGROUP_H
#define __LW_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* The cgroup v2 mount point from /proc/mounts (never assumed). 0 or
 * -ENOENT when there is none. */
int cgroup2_mount(char *buf, size_t len);
/* Create a fresh child cgroup under the mount; path returned in buf. */
int cgroup_create_child(const char *mount, char *buf, size_t len);
/* Move pid into the cgroup at path. */
int cgroup_enter(const char *path, pid_t pid);
/* Move any process left in path to its parent, then remove it. */
int cgroup_remove(const char *path);

#endif /* __LW_CGROUP_H */
