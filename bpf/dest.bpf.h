/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Destinations: decide, for traffic a process is about to send, whether it
 * is evidence (the address was answered to a reserved query, or the
 * process is inside a follow-on window and the address is global), emit it,
 * and say whether --enforce refuses it. Used by the sock_addr hooks and by
 * egress for the first datagram of a connected UDP socket.
 */
#ifndef __LW_DEST_BPF_H
#define __LW_DEST_BPF_H

#include "maps.bpf.h"
#include "proc.bpf.h"
#include "taint.bpf.h"

/* Wakes the reader only for a process that is not tainted (it asked no
 * reserved name itself, so this is its first event): see dns_emit(). */
static __always_inline void dest_emit(const struct lw_sock_owner *owner, const __u8 addr[16],
				      __u16 port, __u8 proto, __u8 flags, const struct lw_answer *a,
				      bool wake)
{
	struct lw_connect_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return;
	}
	proc_fill_hdr_owner(&e->hdr, LW_EV_CONNECT, sizeof(*e), owner);
	__builtin_memcpy(e->addr, addr, 16);
	e->port = port;
	e->proto = proto;
	e->flags = flags;
	e->pad = 0;
	if (a)
		e->answer = *a;
	else
		__builtin_memset(&e->answer, 0, sizeof(e->answer));
	bpf_ringbuf_submit(e, ringbuf_wake_flags(wake));
}

/*
 * The slow path, after dest_lookup() said yes: the address is in the
 * answer set, or the process is tainted and the address global. Returns
 * LW_CONN_* flags, 0 when it is not evidence.
 */
static __always_inline __u8 dest_classify(const struct lw_sock_owner *owner, struct lw_taint *t,
					  const struct lw_answer *a)
{
	__u8 flags = 0;

	t = taint_own(t, &owner->id);
	if (t && bpf_ktime_get_ns() < t->window_end_ns)
		flags |= LW_CONN_IN_WINDOW;
	if (a)
		return flags | LW_CONN_IN_ANSWERS | LW_CONN_GLOBAL;
	return flags ? flags | LW_CONN_GLOBAL : 0;
}

/* Report evidence of owner (flags from dest_classify()) and say whether
 * --enforce refuses it. */
static __always_inline int dest_act(const struct lw_sock_owner *owner, __u8 flags, bool tainted,
				    const struct lw_answer *a, const __u8 addr[16], __u16 port,
				    __u8 proto)
{
	if (a && cfg_enforce)
		flags |= LW_CONN_BLOCKED;
	dest_emit(owner, addr, port, proto, flags, a, !tainted);
	if (flags & LW_CONN_BLOCKED) {
		stat_inc(LW_STAT_BLOCKED);
		return 0;
	}
	return 1;
}

/* The taint entry of tgid and the answer for addr, each looked up only
 * when the filter does not rule it out. False when the traffic cannot be
 * evidence: neither is there, or only the taint and the address is not
 * global (a tainted process's local traffic is judged by address alone). */
static __always_inline bool dest_lookup(__u32 tgid, const __u8 addr[16], struct lw_taint **t,
					struct lw_answer **a)
{
	bool may_t = filter_may_taint(tgid), may_a = filter_may_answer(addr);
	__u8 key[16];

	if (!may_t && !may_a)
		return false;
	*t = may_t ? bpf_map_lookup_elem(&taint, &tgid) : NULL;
	__builtin_memcpy(key, addr, 16);
	*a = may_a ? bpf_map_lookup_elem(&answers, key) : NULL;
	/* Keep clang from OR-ing the two pointers: the verifier refuses it. */
	barrier_var(*t);
	if (*a)
		return true;
	return *t && addr_kind_cached(addr) == LW_ADDR_GLOBAL;
}

static __always_inline int dest_check(const __u8 addr[16], __u16 port, __u8 proto)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct lw_sock_owner me;
	struct lw_taint *t;
	struct lw_answer *a;
	__u8 flags;

	/* The hot path: two byte loads; the maps only after a filter hit.
	 * `run` hangs its hooks off the root: an unwatched process reaching
	 * a watched one's answer is not its business. */
	if (!dest_lookup(tgid, addr, &t, &a) || !proc_watched())
		return 1;
	/* Zeroed here, not at the declaration: that put seven stores on the
	 * hot path of every connect and sendmsg on the host. The identity
	 * first; uid and comm only for an event (a tainted process's
	 * ordinary traffic is judged, not reported). */
	__builtin_memset(&me, 0, sizeof(me));
	proc_current_id(&me.id);
	flags = dest_classify(&me, t, a);
	if (!flags)
		return 1;
	proc_fill_owner_rest(&me);
	return dest_act(&me, flags, t != NULL, a, addr, port, proto);
}

/* Traffic of a socket's owner (cgroup_skb: no current-task helpers). */
static __always_inline int dest_check_owner(const struct lw_sock_owner *owner, const __u8 addr[16],
					    __u16 port, __u8 proto)
{
	struct lw_taint *t;
	struct lw_answer *a;
	__u8 flags;

	if (!dest_lookup(owner->id.tgid, addr, &t, &a))
		return 1;
	flags = dest_classify(owner, t, a);
	if (!flags)
		return 1;
	return dest_act(owner, flags, t != NULL, a, addr, port, proto);
}

#endif /* __LW_DEST_BPF_H */
