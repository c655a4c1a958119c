/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Names from the C library: what getaddrinfo() and the gethostbyname()
 * family returned, read at their return. This is the only view of names
 * that never reach port 53 as the asking process: /etc/hosts, nss-resolve
 * over varlink to systemd-resolved, nscd, a DoT/DoH stub. A reserved name
 * taints the caller and its global answers join the answer set exactly as
 * a DNS response's would. Kept apart from the SEC programs so that a
 * BPF_PROG_TEST_RUN test (raw_tp, running in the test process) can drive
 * libc_lookup_done() on its own memory.
 */
#ifndef __LW_LIBC_BPF_H
#define __LW_LIBC_BPF_H

#include "dns.bpf.h"

/* The libc scratch layout: name text, then the addresses. */
#define LIBC_ADDRS_OFF LW_LIBC_NAME_MAX

/*
 * Defined once in libc.bpf.c as global functions, for the reason the DNS
 * walkers are (dns.bpf.h). Collect the distinct addresses of a struct
 * addrinfo list (user memory) or of a struct hostent's h_addr_list into
 * msg[LIBC_ADDRS_OFF...], v4-mapped; how many (at most LW_LIBC_MAX_ADDRS).
 */
extern int libc_walk_addrinfo(__u32 slot, __u64 ai);
extern int libc_walk_hostent(__u32 slot, __u64 he);

/* A resolver function was entered: remember its arguments. A thread
 * already inside one (a lower stack pointer: gethostbyname() calls
 * gethostbyname_r() in both glibc and musl) only counts the nesting; an
 * entry at the same or a higher stack pointer is left over from a call
 * whose return we missed (longjmp, thread cancelled), and is replaced. */
static __always_inline void libc_enter(__u32 func, __u64 name, __u64 result, __u64 sp)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct lw_libc_call *c = bpf_map_lookup_elem(&libc_calls, &key);
	struct lw_libc_call fresh = {};

	if (c && sp < c->sp) {
		c->depth++;
		return;
	}
	fresh.name = name;
	fresh.result = result;
	fresh.sp = sp;
	fresh.func = func;
	bpf_map_update_elem(&libc_calls, &key, &fresh, BPF_ANY);
}

/* Where the answers are, from the call and its return value. */
static __always_inline int libc_collect(const struct lw_libc_call *call, long ret)
{
	__u64 p = 0;

	switch (call->func) {
	case LW_LIBC_GETADDRINFO: /* int getaddrinfo(..., struct addrinfo **res) */
		if ((int)ret != 0 || bpf_probe_read_user(&p, sizeof(p), (const void *)call->result))
			return 0;
		return libc_walk_addrinfo(SCRATCH_LIBC, p);
	case LW_LIBC_GETHOSTBYNAME: /* struct hostent *gethostbyname(...) */
	case LW_LIBC_GETHOSTBYNAME2:
		return libc_walk_hostent(SCRATCH_LIBC, (__u64)ret);
	case LW_LIBC_GETHOSTBYNAME_R: /* int ..._r(..., struct hostent **result, ...) */
	case LW_LIBC_GETHOSTBYNAME2_R:
		if ((int)ret != 0 || bpf_probe_read_user(&p, sizeof(p), (const void *)call->result))
			return 0;
		return libc_walk_hostent(SCRATCH_LIBC, p);
	default:
		return 0;
	}
}

/* --payload: remember where an ordinary name went (payload_names), to
 * name the destination of a payload verdict later. The name is in msg[]. */
static __always_inline void libc_remember_names(const struct lw_libc_call *call, long ret,
						const struct lw_proc_id *id, struct lw_scratch *s)
{
	struct lw_payload_name_key key = { .tgid = id->tgid };
	int i, n = libc_collect(call, ret);

	for (i = 0; i < LW_LIBC_MAX_ADDRS && i < n; i++) {
		__builtin_memcpy(key.addr, &s->msg[(LIBC_ADDRS_OFF + i * 16) & MSG_MASK], 16);
		bpf_map_update_elem(&payload_names, &key, s->msg, BPF_ANY);
	}
}

/*
 * The outermost resolver call of this thread returned ret. A reserved
 * name: taint, record global answers, check the family rule, report. An
 * ordinary name: report only inside a follow-on window (it names the
 * destinations that follow). Everything else costs a string copy.
 */
static __always_inline void libc_lookup_done(const struct lw_libc_call *call, long ret)
{
	__u32 slot = SCRATCH_LIBC, i;
	struct lw_libc_event *e;
	struct lw_scratch *s;
	struct lw_proc_id id;
	struct lw_taint *t;
	int len, wire_len, n;
	__u8 family = LW_FAMILY_NONE, flags = 0;
	__u32 suffix_id = ~0u;
	bool created = false;
	long hit = -1;

	s = bpf_map_lookup_elem(&scratch, &slot);
	if (!s || !call->name)
		return;
	len = bpf_probe_read_user_str(s->msg, LW_LIBC_NAME_MAX, (const void *)call->name);
	if (len <= 1)
		return;
	wire_len = dns_text_to_wire(slot, len);
	if (wire_len > 0)
		hit = dns_match_suffix(slot, wire_len);
	proc_current_id(&id);
	if (hit < 0) {
		t = taint_get(&id);
		if (!t || bpf_ktime_get_ns() >= t->window_end_ns) {
			if (cfg_payload != LW_PAYLOAD_OFF)
				libc_remember_names(call, ret, &id, s);
			return;
		}
	} else {
		suffix_id = (__u32)hit;
		family = (__u8)(hit >> 32);
		flags = LW_DNS_RESERVED;
		if (lw_family_suspicious(family))
			flags |= LW_DNS_SUSPICIOUS;
	}

	n = libc_collect(call, ret);
	if (flags & LW_DNS_RESERVED) {
		for (i = 0; i < LW_LIBC_MAX_ADDRS && i < (__u32)n; i++) {
			__u8 *a = &s->msg[(LIBC_ADDRS_OFF + i * 16) & MSG_MASK];
			__u8 addr[16], kind;

			__builtin_memcpy(addr, a, 16);
			kind = addr_kind(addr);
			if (kind == LW_ADDR_GLOBAL)
				answer_record(addr, &id, suffix_id, family);
			if (answer_violates(family, addr, kind))
				flags |= LW_DNS_SUSPICIOUS;
		}
		stat_inc(LW_STAT_LIBC_LOOKUPS);
		created = taint_mark(&id, flags & LW_DNS_SUSPICIOUS);
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return;
	}
	proc_fill_hdr(&e->hdr, LW_EV_LIBC_LOOKUP, sizeof(*e));
	__builtin_memcpy(e->name, s->msg, sizeof(e->name));
	e->name[LW_LIBC_NAME_MAX - 1] = 0;
	__builtin_memcpy(e->addrs, &s->msg[LIBC_ADDRS_OFF], sizeof(e->addrs));
	e->suffix_id = suffix_id;
	e->family = family;
	e->func = call->func;
	e->n_addrs = n > 0 ? n : 0;
	e->flags = flags;
	e->ret = (__s32)ret;
	e->pad = 0;
	bpf_ringbuf_submit(e, ringbuf_wake_flags(created));
}

/* A resolver function returned: act on the outermost call only. */
static __always_inline void libc_exit(long ret)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct lw_libc_call *c = bpf_map_lookup_elem(&libc_calls, &key);
	struct lw_libc_call call;

	if (!c)
		return;
	if (c->depth) {
		c->depth--;
		return;
	}
	call = *c;
	bpf_map_delete_elem(&libc_calls, &key);
	libc_lookup_done(&call, ret);
}

#endif /* __LW_LIBC_BPF_H */
