/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Finding the cgroup v2 hierarchy and making the one `run` watches, and
 * the container and pod identity a cgroup path encodes.
 */
#ifndef __LW_CGROUP_H
#define __LW_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The cgroup v2 mount point from /proc/mounts (never assumed). 0 or
 * -ENOENT when there is none. */
int cgroup2_mount(char *buf, size_t len);
/* The mount point of the v1 hierarchy holding controller ("memory"), or
 * of a named one ("name=systemd"). 0 or -ENOENT. */
int cgroup_v1_mount(const char *controller, char *buf, size_t len);
/* Is any cgroup hierarchy (v1 or v2) mounted? */
bool cgroup_any_mounted(void);

/*
 * The cgroup v2 mount point, as cgroup2_mount(); when none is visible
 * (`ip netns exec` remounts /sys), leakwatch mounts cgroup2 for itself:
 * it moves to a mount namespace of its own (/ made a slave, so nothing it
 * mounts leaks out) and mounts cgroup2 on CGROUP_PRIVATE_DIR. The mount
 * goes with the namespace when leakwatch exits; the empty directory stays
 * for the next one. On failure prints one line, prefixed with who
 * ("leakwatch run"), and returns -errno.
 */
#define CGROUP_PRIVATE_DIR "/run/leakwatch/cgroup2"
int cgroup2_mount_or_private(char *buf, size_t len, const char *who);
/* Did cgroup2_mount_or_private() leave the original mount namespace? */
bool cgroup_private_mounted(void);
/*
 * In a child about to exec a command (run's COMMAND): go back to the mount
 * namespace leakwatch started in, so that COMMAND sees the mounts its
 * caller sees, in the same working directory. Call it after
 * cgroup_enter() (the private mount is not visible from there). Nothing to
 * do (0) when cgroup2_mount_or_private() did not leave it; else 0 or
 * -errno.
 */
int cgroup_restore_mount_ns_in_child(void);

/*
 * What a cgroup v2 mount lets leakwatch watch. 0 when its root is the
 * host's root cgroup (kernfs id 1). 1 when it is not (a private cgroup
 * namespace, or a bind mount of a subtree): only processes under it are
 * watched, and what gets one line saying so. -errno when it cannot tell.
 */
int cgroup_scope(const char *mount, char *what, size_t len);
/* cgroup_scope()'s line on stderr, prefixed with who, when it has one. */
void cgroup_print_scope(const char *mount, const char *who);

/* Create a fresh child cgroup under the mount; path returned in buf. */
int cgroup_create_child(const char *mount, char *buf, size_t len);
/* Move pid into the cgroup at path. */
int cgroup_enter(const char *path, pid_t pid);
/* Move any process left in path to its parent, then remove it. */
int cgroup_remove(const char *path);

struct proc_info;

/* Fill container_id, runtime, pod_uid and qos from a cgroup path (docker,
 * containerd/cri, CRI-O, podman, systemd-nspawn; kubepods under the systemd
 * and cgroupfs drivers). Unknown shapes leave the fields "". */
void cgroup_parse_identity(const char *path, struct proc_info *info);

#endif /* __LW_CGROUP_H */
