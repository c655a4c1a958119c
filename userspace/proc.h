/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What /proc says of a process, read as early as possible (the process may
 * be gone by the time its report is written), and the container and pod
 * identity its cgroup path encodes.
 */
#ifndef __LW_PROC_H
#define __LW_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h" /* cgroup_parse_identity(), which proc_read() uses */

#define PROC_CMDLINE_MAX 4096
#define PROC_PATH_MAX 4096
#define PROC_SOURCE_MAX 40

struct proc_info {
	pid_t pid;
	pid_t ppid;
	uint32_t uid;
	char comm[16 + 1];
	char exe[PROC_PATH_MAX];	/* "" when unreadable */
	char cmdline[PROC_CMDLINE_MAX]; /* NUL-separated arguments */
	size_t cmdline_len;		/* bytes used in cmdline, incl. NULs */
	char cgroup[PROC_PATH_MAX];	/* cgroup v2 path ("0::" line), "" if none */
	/* Which line of /proc/PID/cgroup the identity below came from: "v2",
	 * "v1:name=systemd", "v1:memory", "v1:<controllers>"; "" when the
	 * file had no line at all. */
	char cgroup_source[PROC_SOURCE_MAX];
	char container_id[65]; /* "" when not in a container */
	char runtime[16];      /* "docker", "containerd", "cri-o", "podman", "nspawn", "" */
	char pod_uid[37];      /* "" when not in a Kubernetes pod */
	char qos[16];	       /* "guaranteed", "burstable", "besteffort", "" */
	bool gone;	       /* the process had exited (or pid was reused) */
};

/* Start time of a process in ns since boot, from /proc/PID/stat field 22
 * (clock ticks), comparable to the kernel's task->start_time at tick
 * precision. 0 when the process is gone. */
uint64_t proc_start_ns(pid_t pid);
/* Do a start time from /proc (ticks) and one from the kernel (ns) name the
 * same process? Tolerates the tick rounding. */
bool proc_same_start(uint64_t proc_ns, uint64_t kernel_ns);

/* Is leakwatch in the initial pid namespace (so the kernel's pids are the
 * pids of its /proc)? */
bool proc_pidns_initial(void);

/* Read what /proc has of pid. When start_ns is non-zero and /proc's start
 * time does not match (pid reuse), or the process is gone, info->gone is
 * set and only pid is filled. Returns 0, or -ESRCH when gone. */
int proc_read(pid_t pid, uint64_t start_ns, struct proc_info *info);

/*
 * Parse the text of /proc/PID/cgroup: info->cgroup gets the v2 path (the
 * "0::" line) and the identity comes from it; when it names no container
 * or pod (a runtime that leaves the v2 membership at "/" on a hybrid or v1
 * host), from the v1 lines: name=systemd first, then memory, then any
 * other, in file order. info->cgroup_source says which line gave it.
 */
void proc_parse_cgroup(const char *text, struct proc_info *info);

/* Does info carry a container or pod identity? */
bool proc_has_identity(const struct proc_info *info);

#endif /* __LW_PROC_H */
