/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Who is running: the current process's identity for map keys and event
 * headers. Valid only in process context (cgroup sock_addr hooks, egress);
 * on ingress the current task is the sender, so owners come from sk_storage.
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
	hdr->cgroup_id = 0;
	__builtin_memcpy(hdr->comm, owner->comm, sizeof(hdr->comm));
}

/* The owner's uid and comm, its id already filled. */
static __always_inline void proc_fill_owner_rest(struct lw_sock_owner *owner)
{
	owner->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(owner->comm, sizeof(owner->comm));
}

static __always_inline void proc_fill_owner(struct lw_sock_owner *owner)
{
	proc_current_id(&owner->id);
	proc_fill_owner_rest(owner);
}

#endif /* __LW_PROC_BPF_H */
