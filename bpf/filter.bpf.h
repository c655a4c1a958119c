/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The hot-path filter over the taint map and the answer set (struct
 * lw_filter in leakwatch.h): every connect() and sendmsg() on the host asks
 * "is this process tainted, is this address an answer?", and almost always
 * the answer is no. A byte load says so without hashing into either map.
 * Writers set the slot after the map entry exists; readers that see a set
 * slot still look in the map.
 */
#ifndef __LW_FILTER_BPF_H
#define __LW_FILTER_BPF_H

#include "maps.bpf.h"

#define FILTER_MASK (LW_FILTER_SLOTS - 1)

static __always_inline void filter_add_taint(__u32 tgid)
{
	__u32 i = lw_filter_slot_tgid(tgid) & FILTER_MASK;

	lw_filter.taint[0][i] = 1;
	lw_filter.taint[1][i] = 1;
}

static __always_inline void filter_add_answer(const __u8 addr[16])
{
	__u32 i = lw_filter_slot_addr(addr) & FILTER_MASK;

	lw_filter.answer[0][i] = 1;
	lw_filter.answer[1][i] = 1;
}

static __always_inline bool filter_may_taint(__u32 tgid)
{
	__u32 i = lw_filter_slot_tgid(tgid) & FILTER_MASK;

	return lw_filter.taint[lw_filter.active & 1][i];
}

static __always_inline bool filter_may_answer(const __u8 addr[16])
{
	__u32 i = lw_filter_slot_addr(addr) & FILTER_MASK;

	return lw_filter.answer[lw_filter.active & 1][i];
}

#endif /* __LW_FILTER_BPF_H */
