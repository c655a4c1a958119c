// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Cgroup creation, for identity: events carry only a process's cgroup ids,
 * and the loader keeps id -> path from these, so a container's or pod's
 * identity outlives a process that is gone before /proc could be read.
 * The v2 hierarchy, and on hybrid and v1 hosts the v1 one holding the
 * memory controller; for `run`, only those its watched processes make.
 * tp_btf (no tracefs); cgroups are made rarely.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"

static __always_inline __u8 hierarchy_kind(struct cgroup *cgrp)
{
	struct cgroup_root *root = BPF_CORE_READ(cgrp, root);
	int memory;

	if (BPF_CORE_READ(root, hierarchy_id) == 0)
		return LW_CG_V2;
	if (!cfg_v1_memory || !bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return 0;
	memory = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (memory < 0 || memory >= 32)
		return 0;
	return BPF_CORE_READ(root, subsys_mask) & (1u << memory) ? LW_CG_V1_MEMORY : 0;
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(lw_cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct lw_cgroup_event *e;
	__u8 kind = hierarchy_kind(cgrp);
	long n;

	/* `run`: only what its own processes make (runc of a followed
	 * container, a script's own cgroup), not the rest of the host's. */
	if (!kind || !proc_watched())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return 0;
	}
	proc_fill_hdr(&e->hdr, LW_EV_CGROUP_MKDIR, sizeof(*e));
	e->id = BPF_CORE_READ(cgrp, kn, id);
	e->hierarchy_id = BPF_CORE_READ(cgrp, root, hierarchy_id);
	e->kind = kind;
	e->pad = 0;
	n = bpf_probe_read_kernel_str(e->path, sizeof(e->path), path);
	e->path_len = n > 0 ? n - 1 : 0;
	if (n <= 0)
		e->path[0] = '\0';
	bpf_ringbuf_submit(e, ringbuf_wake_flags(false));
	return 0;
}
