/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Who is running: the current process's identity for map keys and event
 * headers, and whether it is watched. Valid only in process context (cgroup
 * sock_addr hooks, egress, uprobes); on ingress the current task is the
 * sender, so owners come from sk_storage.
 */
#ifndef __LW_PROC_BPF_H
#define __LW_PROC_BPF_H

#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "maps.bpf.h"

/* tgid plus the group leader's start time: a reused pid differs in the
 * start time, so it never inherits a dead process's taint. */
static __always_inline void proc_current_id(struct lw_proc_id *id)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	id->tgid = bpf_get_current_pid_tgid() >> 32;
	id->pad = 0;
	id->start_ns = task_start_boottime(BPF_CORE_READ(task, group_leader));
}

/* How deep the pid namespaces nest that task_ns_tgid() looks through. */
#define LW_PIDNS_LEVELS 8

/*
 * The tgid of task as leakwatch's /proc shows it: in a pid namespace of
 * its own (nspawn, a pod without hostPID) the kernel's pids are not the
 * ones /proc names. struct pid holds one number per namespace level, from
 * the initial one down; the one whose namespace is leakwatch's is wanted.
 * 0: the process is not visible there (it runs outside the namespace).
 */
static __always_inline __u32 task_ns_tgid(struct task_struct *task)
{
	struct pid *pid;
	unsigned int level;
	__u64 base, size;
	int i;

	if (!cfg_pidns_ino)
		return BPF_CORE_READ(task, tgid);
	pid = BPF_CORE_READ(task, group_leader, thread_pid);
	level = BPF_CORE_READ(pid, level);
	base = (__u64)pid + bpf_core_field_offset(struct pid, numbers);
	size = bpf_core_type_size(struct upid);
#pragma unroll
	for (i = 0; i < LW_PIDNS_LEVELS; i++) {
		struct upid up = {};

		if (i > level)
			break;
		if (bpf_probe_read_kernel(&up, sizeof(up), (void *)(base + i * size)))
			break;
		if (BPF_CORE_READ(up.ns, ns.inum) == cfg_pidns_ino)
			return up.nr;
	}
	return 0;
}

/* The kernfs id of task's cgroup in the v1 hierarchy with the memory
 * controller (hybrid and v1 hosts: runtimes may leave the v2 membership at
 * the root and name the container there only). 0 when there is none. */
static __always_inline __u64 task_cgroup_v1_id(struct task_struct *task)
{
	int memory;

	if (!cfg_v1_memory || !bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return 0;
	memory = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (memory < 0 || memory >= 16)
		return 0;
	return BPF_CORE_READ(task, cgroups, subsys[memory], cgroup, kn, id);
}

static __always_inline __u64 task_cgroup_v2_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

/* The header of an event about task (not necessarily current). */
static __always_inline void proc_fill_hdr_task(struct lw_event_hdr *hdr, __u32 type, __u32 size,
					       struct task_struct *task)
{
	hdr->type = type;
	hdr->size = size;
	hdr->time_ns = bpf_ktime_get_ns();
	hdr->proc.tgid = BPF_CORE_READ(task, tgid);
	hdr->proc.pad = 0;
	hdr->proc.start_ns = task_start_boottime(BPF_CORE_READ(task, group_leader));
	hdr->ppid = BPF_CORE_READ(task, real_parent, tgid);
	hdr->uid = BPF_CORE_READ(task, real_cred, uid.val);
	hdr->cgroup_id = task_cgroup_v2_id(task);
	BPF_CORE_READ_STR_INTO(&hdr->comm, task, comm);
	hdr->ns_tgid = task_ns_tgid(task);
	hdr->hdr_pad = 0;
	hdr->cgroup_v1_id = task_cgroup_v1_id(task);
}

static __always_inline void proc_fill_hdr(struct lw_event_hdr *hdr, __u32 type, __u32 size)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	hdr->type = type;
	hdr->size = size;
	hdr->time_ns = bpf_ktime_get_ns();
	proc_current_id(&hdr->proc);
	hdr->ppid = BPF_CORE_READ(task, real_parent, tgid);
	hdr->uid = (__u32)bpf_get_current_uid_gid();
	hdr->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));
	hdr->ns_tgid = task_ns_tgid(task);
	hdr->hdr_pad = 0;
	hdr->cgroup_v1_id = task_cgroup_v1_id(task);
}

/* Header for an event about a socket's owner (ingress: not current). */
static __always_inline void proc_fill_hdr_owner(struct lw_event_hdr *hdr, __u32 type, __u32 size,
						const struct lw_sock_owner *owner)
{
	hdr->type = type;
	hdr->size = size;
	hdr->time_ns = bpf_ktime_get_ns();
	hdr->proc = owner->id;
	hdr->ppid = 0;
	hdr->uid = owner->uid;
	hdr->cgroup_id = owner->cgroup_id;
	__builtin_memcpy(hdr->comm, owner->comm, sizeof(hdr->comm));
	hdr->ns_tgid = owner->ns_tgid;
	hdr->hdr_pad = 0;
	hdr->cgroup_v1_id = owner->cgroup_v1_id;
}

/* The owner's uid, comm and the rest of its header, its id already filled. */
static __always_inline void proc_fill_owner_rest(struct lw_sock_owner *owner)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	owner->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
	owner->ns_tgid = task_ns_tgid(task);
	owner->cgroup_id = bpf_get_current_cgroup_id();
	owner->cgroup_v1_id = task_cgroup_v1_id(task);
}

static __always_inline void proc_fill_owner(struct lw_sock_owner *owner)
{
	proc_current_id(&owner->id);
	proc_fill_owner_rest(owner);
}

/* The owner record of socket sk (a BTF or a bpf_sock pointer), created
 * empty when it has none. NULL, counted, when sk_storage refuses. */
static __always_inline struct lw_sock_owner *proc_sock_owner_create(void *sk)
{
	struct lw_sock_owner *owner;

	owner = bpf_sk_storage_get(&sock_owner, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!owner)
		stat_inc(LW_STAT_SKSTORAGE_FAIL);
	return owner;
}

/* The socket talks DNS: mark it, owned by the current process unless it
 * already was a DNS socket (then its first owner stays). */
static __always_inline void proc_own_dns_socket(struct lw_sock_owner *owner)
{
	if (owner->flags & LW_SOCK_DNS)
		return;
	proc_fill_owner(owner);
	owner->flags |= LW_SOCK_DNS;
}

/*
 * Is the current process watched? For the cgroup hooks, which are already
 * scoped by where they are attached: `daemon` watches everything there;
 * `run` hangs them off the root and watches the processes in the map (its
 * COMMAND, their descendants, adopted containers).
 */
static __always_inline bool proc_watched(void)
{
	__u32 tgid;

	if (cfg_watch_all)
		return true;
	tgid = bpf_get_current_pid_tgid() >> 32;
	return bpf_map_lookup_elem(&watched, &tgid) != NULL;
}

/* The same for the host-wide hooks (uprobes, fentry), their one scope
 * check: for `daemon`, only tasks under watched_cgroup, the cgroup its
 * cgroup hooks are attached to; for `run`, the watched map. */
static __always_inline bool proc_in_scope(void)
{
	if (cfg_watch_all)
		return bpf_current_task_under_cgroup(&watched_cgroup, 0) == 1;
	return proc_watched();
}

#endif /* __LW_PROC_BPF_H */
