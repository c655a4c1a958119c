/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* CO-RE shims for kernel field renames, each citing the change. */
#ifndef __LW_CORE_FIXES_BPF_H
#define __LW_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * commit cf25e24db61c ("time: Rename tsk->real_start_time to
 * ->start_boottime", v5.5). We want the boot-based start time because it
 * is what /proc/PID/stat shows (since v5.3): userspace compares the two to
 * tell a living process from a successor with the same pid.
 */
struct task_struct___pre55 {
	u64 real_start_time;
} __attribute__((preserve_access_index));

static __always_inline __u64 task_start_boottime(struct task_struct *task)
{
	if (bpf_core_field_exists(task->start_boottime))
		return BPF_CORE_READ(task, start_boottime);
	return BPF_CORE_READ((struct task_struct___pre55 *)task, real_start_time);
}

#endif /* __LW_CORE_FIXES_BPF_H */
