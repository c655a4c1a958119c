/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* run's watched set (watch.bpf.c): adding to it, and telling userspace. */
#ifndef __LW_WATCH_BPF_H
#define __LW_WATCH_BPF_H

#include "maps.bpf.h"
#include "proc.bpf.h"

/* The cgroup levels cgroup_under() climbs; deeper trees are not followed
 * past it (kubepods trees are 4-5 levels deep). */
#define LW_CGROUP_MAX_DEPTH 32

/* Is cgrp the cgroup with kernfs id `id`, or under it? */
static __always_inline bool cgroup_under(struct cgroup *cgrp, __u64 id)
{
	int i;

	if (id == 1)
		return true; /* the root: everything is under it */
	for (i = 0; i < LW_CGROUP_MAX_DEPTH && cgrp; i++) {
		if (BPF_CORE_READ(cgrp, kn, id) == id)
			return true;
		/* struct cgroup starts with its own css, whose parent is the
		 * parent cgroup's css (NULL at the root) */
		cgrp = (struct cgroup *)BPF_CORE_READ(cgrp, self.parent);
	}
	return false;
}

/*
 * Container engines' per-container monitors: containerd's shim (docker,
 * containerd, Kubernetes; containerd-shim-runc-v2 shows as the 15
 * characters below) and conmon (podman, CRI-O). What they fork runs in a
 * container: runc, then the container's own processes.
 */
static __always_inline bool is_engine_shim(struct task_struct *task)
{
	char comm[LW_COMM_LEN] = {};
	__u64 w[2];

	BPF_CORE_READ_STR_INTO(&comm, task, comm);
	__builtin_memcpy(w, comm, sizeof(w));
	/* "containerd-shim\0" and "conmon\0", as little-endian words */
	return (w[0] == 0x656e6961746e6f63ull && w[1] == 0x006d6968732d6472ull) ||
	       (w[0] == 0x00006e6f6d6e6f63ull && w[1] == 0);
}

/* Watch task's process. True when it was not watched before. */
static __always_inline bool watch_add(struct task_struct *task, __u32 kind)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct lw_watched w = {
		.start_ns = task_start_boottime(BPF_CORE_READ(task, group_leader)),
		.kind = kind,
	};

	if (bpf_map_update_elem(&watched, &tgid, &w, BPF_NOEXIST) == 0)
		return true;
	if (!bpf_map_lookup_elem(&watched, &tgid))
		stat_inc(LW_STAT_WATCH_FULL);
	return false;
}

/* Tell userspace (run prints a line and counts it in the summary). */
static __always_inline void watch_emit(struct task_struct *task, __u32 kind,
				       struct task_struct *parent, struct cgroup *dst,
				       const char *path)
{
	struct lw_watch_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return;
	}
	proc_fill_hdr_task(&e->hdr, LW_EV_WATCH, sizeof(*e), task);
	e->kind = kind;
	e->cgroup_id = dst ? BPF_CORE_READ(dst, kn, id) : 0;
	e->parent_tgid = parent ? BPF_CORE_READ(parent, tgid) : 0;
	__builtin_memset(e->parent_comm, 0, sizeof(e->parent_comm));
	if (parent)
		BPF_CORE_READ_STR_INTO(&e->parent_comm, parent, comm);
	e->path[0] = '\0';
	if (path)
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
	bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
}

#endif /* __LW_WATCH_BPF_H */
