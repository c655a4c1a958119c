/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Every shared map and every loader-set global, defined once. Each BPF
 * source includes this file and bpftool links the objects into one; __weak
 * lets the linker merge the identical definitions (as Falco's maps.h does).
 * Maps of one concern only live beside it: the payload scanner's in
 * payload.bpf.h, the fentry backend's in dns_fentry.bpf.c.
 */
#ifndef __LW_MAPS_BPF_H
#define __LW_MAPS_BPF_H

#include "leakwatch.h"

/* Reserved suffixes, lowercase wire form (filled from the policy). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LW_SUFFIX_ENTRIES);
	__type(key, struct lw_suffix_key);
	__type(value, struct lw_suffix_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} suffixes SEC(".maps") __weak;

/* Global / local / allowed address blocks (filled from the policy). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LW_ADDRCLASS_ENTRIES);
	__type(key, struct lw_lpm_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} addr_class SEC(".maps") __weak;

/* Tainted processes, by tgid. Plain hash, not LRU: a full map must be
 * counted, never silently evict evidence. Entries go at process exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LW_TAINT_ENTRIES);
	__type(key, __u32);
	__type(value, struct lw_taint);
} taint SEC(".maps") __weak;

/* Global addresses answered to reserved queries. LRU: old answers age out
 * (an eviction is not evidence lost: the DNS event was reported). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LW_ANSWER_ENTRIES);
	__type(key, __u8[16]);
	__type(value, struct lw_answer);
} answers SEC(".maps") __weak;

/* Reserved queries awaiting their response: (socket cookie, DNS id). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LW_PENDING_ENTRIES);
	__type(key, struct lw_pending_key);
	__type(value, __u64);
} pending SEC(".maps") __weak;

/* The owner of sockets that talk DNS or await their first UDP datagram. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lw_sock_owner);
} sock_owner SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LW_RINGBUF_BYTES);
} events SEC(".maps") __weak;

/* Loss and anomaly counters (enum lw_stat). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps") __weak;

/* Per-CPU scratch for a DNS message and a lowercased name, plus what the
 * DNS helpers (global functions: scalar arguments only) need to know. */
struct lw_scratch {
	__u8 msg[LW_DNS_CAPTURE];
	__u8 name[LW_DNS_NAME_MAX + 1];
	__u8 pad[LW_SUFFIX_MAX]; /* lets a suffix key read past a short name */
	struct lw_proc_id owner; /* who asked */
	__u32 suffix_id;	 /* the question's reserved suffix */
	__u8 family;
	__u8 pad2[3];
	__u32 lab;     /* dns_text_to_wire(): kept here, not in a register, so the
		    * verifier does not follow each of its values separately */
	__u32 n_addrs; /* libc_walk_*(): addresses collected, likewise */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	/* SCRATCH_EGRESS, SCRATCH_INGRESS, SCRATCH_LIBC, then two for the
	 * payload scanner (SCRATCH_PAYLOAD: process context, and a softirq
	 * egress run that interrupts it) */
	__uint(max_entries, 5);
	__type(key, __u32);
	__type(value, struct lw_scratch);
} scratch SEC(".maps") __weak;

/* --payload: the ordinary names watched processes resolved through the C
 * library, by (tgid, address), to name a payload's destination (an
 * untainted process's lookups are otherwise never reported). LRU: old
 * lookups age out. The loader shrinks it to 1 entry with --payload off. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lw_payload_name_key);
	__type(value, char[LW_PAYLOAD_NAME_MAX]);
} payload_names SEC(".maps") __weak;

/* Resolver calls in progress in the C library, by pid_tgid. LRU: a thread
 * that dies inside getaddrinfo() leaves its entry to age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LW_LIBC_CALL_ENTRIES);
	__type(key, __u64);
	__type(value, struct lw_libc_call);
} libc_calls SEC(".maps") __weak;

/* The cgroup `daemon` watches (slot 0): the one its cgroup hooks are
 * attached to, which scopes them by itself. The host-wide hooks (uprobes,
 * fentry) check it through proc_in_scope(). `run` fills it too but scopes
 * by the watched map below. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} watched_cgroup SEC(".maps") __weak;

/* run: the watched processes, by tgid (proc.bpf.h). Plain hash: a full
 * map is counted (a process not watched is a blind spot). Entries go at
 * process exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LW_WATCHED_ENTRIES);
	__type(key, __u32);
	__type(value, struct lw_watched);
} watched SEC(".maps") __weak;

/* A per-CPU direct-mapped cache of addr_class lookups (taint.bpf.h): a
 * tainted process sending datagram after datagram to one address pays
 * the LPM trie walk once. Entries are valid for one policy generation. */
struct lw_kind_slot {
	__u8 addr[16];
	__u32 gen; /* cfg_policy_gen when filled; 0: empty */
	__u8 kind;
	__u8 pad[3];
};
#define LW_KIND_CACHE_SLOTS 64

struct lw_kind_cache {
	struct lw_kind_slot slot[LW_KIND_CACHE_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lw_kind_cache);
} kind_cache SEC(".maps") __weak;

/*
 * The globals, defined once in globals.bpf.c. Not __weak like the maps:
 * the linker keeps one symbol but concatenates every object's copy of the
 * section (six copies of the filter's 256 KiB of .bss).
 */
extern struct lw_filter lw_filter;		/* the hot-path filter (filter.bpf.h) */
extern const volatile bool cfg_enforce;		/* set before load */
extern __u64 cfg_window_ns;			/* the follow-on window */
extern __u8 cfg_suffix_len[128];		/* lengths of reserved suffixes */
extern __u32 cfg_policy_gen;			/* bumped on each addr_class refill */
extern const volatile bool cfg_watch_all;	/* daemon: every process under watched_cgroup */
extern const volatile bool cfg_follow_engines;	/* run: adopt what engine shims fork */
extern const volatile bool cfg_v1_memory;	/* a v1 hierarchy has the memory controller */
extern const volatile __u32 cfg_pidns_ino;	/* leakwatch's pid namespace, 0: the initial one */
extern const volatile __u64 cfg_run_cgroup_id;	/* run: its own cgroup */
extern const volatile __u64 cfg_attach_root_id; /* the cgroup the hooks hang off (1: the root) */
extern const volatile __u32 cfg_payload;	/* enum lw_payload_mode (payload.bpf.h) */

/* fentry with --enforce: skb egress refuses connected UDP's first datagram only. */
extern const volatile bool cfg_egress_pending_only;

/*
 * Submit flags for an event. The reader is not woken per bulk event (a
 * wakeup costs the watched program); it polls on a timer. But a burst
 * would then fill the ring between two polls and lose events the reader
 * had the time to read: once an eighth of the ring is waiting, wake it.
 */
static __always_inline __u64 ringbuf_wake_flags(bool wake)
{
	if (wake || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >
			    bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 8)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		*v += 1;
}

#endif /* __LW_MAPS_BPF_H */
