// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * run's watched set, decided in the kernel so that nothing a watched
 * process starts runs a single instruction unwatched (a set kept from
 * userspace would lose the race with a container's first lookup):
 *
 *   sched_process_fork   a process forked by a watched one is watched,
 *                        wherever it moves later (podman's conmon + runc,
 *                        `runc run`, unshare, systemd-run --scope); so is
 *                        one a container engine's shim forks during the
 *                        run (a container dockerd starts for COMMAND)
 *   cgroup_attach_task   a process moved into run's cgroup is watched; a
 *                        watched one moved elsewhere is reported, and when
 *                        the new cgroup is outside the hierarchy the hooks
 *                        hang off (leakwatch sees only a subtree), it has
 *                        escaped: run says so and the report is incomplete
 *
 * Attached by `run` only: `daemon` watches everything. Both are tp_btf
 * (no tracefs); fork runs for every fork on the host while a run lasts:
 * one hash lookup for a process that is not watched.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "watch.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(lw_watch_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);

	if (BPF_CORE_READ(child, tgid) == ptgid)
		return 0; /* a new thread */
	if (bpf_map_lookup_elem(&watched, &ptgid)) {
		watch_add(child, LW_WATCH_LINEAGE);
		return 0;
	}
	if (cfg_follow_engines && is_engine_shim(parent) && watch_add(child, LW_WATCH_ENGINE))
		watch_emit(child, LW_WATCH_ENGINE, parent, NULL, NULL);
	return 0;
}

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(lw_watch_attach, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);
	struct lw_watched *w;

	if (BPF_CORE_READ(dst, root, hierarchy_id) != 0)
		return 0; /* a v1 hierarchy: the hooks follow v2 only */
	w = bpf_map_lookup_elem(&watched, &tgid);
	if (!w) {
		if (cgroup_under(dst, cfg_run_cgroup_id) && watch_add(task, LW_WATCH_ENTERED))
			watch_emit(task, LW_WATCH_ENTERED, NULL, dst, path);
		return 0;
	}
	if (!cgroup_under(dst, cfg_attach_root_id))
		watch_emit(task, LW_WATCH_ESCAPED, NULL, dst, path);
	else if (!cgroup_under(dst, cfg_run_cgroup_id))
		watch_emit(task, LW_WATCH_MOVED, NULL, dst, path);
	return 0;
}
