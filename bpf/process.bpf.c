// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Process exit, for tainted processes only: the loader writes a process's
 * report when it ends. tp_btf (no tracefs needed) on sched_process_exit,
 * which runs in the exiting task for every thread; the process has ended
 * when the last thread leaves (signal->live reached zero in do_exit()).
 * A process `run` watched leaves the watched set (a reused pid inherits
 * nothing).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "proc.bpf.h"

SEC("tp_btf/sched_process_exit")
int BPF_PROG(lw_process_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct lw_exit_event *e;
	struct lw_taint *t;

	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	if (!cfg_watch_all)
		bpf_map_delete_elem(&watched, &tgid);
	t = bpf_map_lookup_elem(&taint, &tgid);
	if (!t)
		return 0;
	if (t->start_ns != task_start_boottime(BPF_CORE_READ(p, group_leader)))
		goto out_delete; /* a dead namesake's entry */

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		goto out_delete;
	}
	proc_fill_hdr(&e->hdr, LW_EV_EXIT, sizeof(*e));
	e->taint = *t;
	e->exit_code = BPF_CORE_READ(p, signal, group_exit_code) ?: BPF_CORE_READ(p, exit_code);
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
out_delete:
	bpf_map_delete_elem(&taint, &tgid);
	return 0;
}
