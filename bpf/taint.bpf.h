/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The in-kernel correlation state: which processes are tainted (asked for a
 * reserved name, with an open follow-on window or not) and which global
 * addresses were answered to reserved queries. Shared by every DNS capture
 * backend and read by the destination hooks.
 */
#ifndef __LW_TAINT_BPF_H
#define __LW_TAINT_BPF_H

#include "maps.bpf.h"
#include "filter.bpf.h"

/* Class of an address per the policy's LPM table (enum lw_addr_kind).
 * Addresses the loader did not cover are local: fail quiet, not loud. */
static __always_inline __u8 addr_kind(const __u8 addr[16])
{
	struct lw_lpm_key key = { .prefixlen = 128 };
	__u8 *kind;

	__builtin_memcpy(key.addr, addr, 16);
	kind = bpf_map_lookup_elem(&addr_class, &key);
	return kind ? *kind : LW_ADDR_LOCAL;
}

static __always_inline bool addr_equal(const __u8 a[16], const __u8 b[16])
{
	__u64 x[2], y[2];

	__builtin_memcpy(x, a, 16);
	__builtin_memcpy(y, b, 16);
	return x[0] == y[0] && x[1] == y[1];
}

/* addr_kind() through this CPU's cache (see kind_cache), for the
 * destination hooks: the DNS and libc walks use the trie directly (the
 * cache's branches multiply their verification states). */
static __always_inline __u8 addr_kind_cached(const __u8 addr[16])
{
	__u32 zero = 0, gen = cfg_policy_gen;
	struct lw_kind_cache *c = bpf_map_lookup_elem(&kind_cache, &zero);
	struct lw_kind_slot *e;
	__u8 kind;

	if (!c)
		return addr_kind(addr);
	e = &c->slot[lw_filter_slot_addr(addr) & (LW_KIND_CACHE_SLOTS - 1)];
	if (e->gen == gen && addr_equal(e->addr, addr))
		return e->kind;
	kind = addr_kind(addr);
	__builtin_memcpy(e->addr, addr, 16);
	e->kind = kind;
	e->gen = gen;
	return kind;
}

/* The taint of a process, if the entry is really its own: an entry whose
 * start time differs was left by a dead process with the same pid (its exit
 * was missed), so it is dropped. */
static __always_inline struct lw_taint *taint_own(struct lw_taint *t, const struct lw_proc_id *id)
{
	if (t && t->start_ns != id->start_ns) {
		bpf_map_delete_elem(&taint, &id->tgid);
		return NULL;
	}
	return t;
}

static __always_inline struct lw_taint *taint_get(const struct lw_proc_id *id)
{
	return taint_own(bpf_map_lookup_elem(&taint, &id->tgid), id);
}

/* Record a reserved lookup; a suspicious one (re)opens the window.
 * Returns true when the process was not tainted before. */
static __always_inline bool taint_mark(const struct lw_proc_id *id, bool suspicious)
{
	bool created = false;

	__u64 now = bpf_ktime_get_ns();
	struct lw_taint *t = taint_get(id);
	struct lw_taint fresh = {};

	if (!t) {
		fresh.start_ns = id->start_ns;
		fresh.first_ns = now;
		if (bpf_map_update_elem(&taint, &id->tgid, &fresh, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&taint, &id->tgid)) {
			stat_inc(LW_STAT_TAINT_FULL);
			return false;
		}
		t = bpf_map_lookup_elem(&taint, &id->tgid);
		if (!t)
			return false;
		filter_add_taint(id->tgid);
		created = true;
	}
	__sync_fetch_and_add(&t->lookups, 1);
	if (suspicious) {
		t->window_end_ns = now + cfg_window_ns;
		t->flags |= LW_TAINT_SUSPICIOUS;
	}
	return created;
}

/* Remember a global address answered to a reserved query of owner. */
static __always_inline void answer_record(const __u8 addr[16], const struct lw_proc_id *owner,
					  __u32 suffix_id, __u8 family)
{
	struct lw_answer a = {};
	__u8 key[16];

	__builtin_memcpy(key, addr, 16);
	a.owner = *owner;
	a.time_ns = bpf_ktime_get_ns();
	a.suffix_id = suffix_id;
	a.family = family;
	if (bpf_map_update_elem(&answers, key, &a, BPF_ANY))
		stat_inc(LW_STAT_ANSWER_FULL);
	else
		filter_add_answer(addr);
}

#endif /* __LW_TAINT_BPF_H */
