/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The DNS logic every capture backend shares: copy and lowercase the
 * question name, match it against the reserved suffixes, taint the asker,
 * and on a response record the global answers of reserved questions.
 * A backend loads the message into a per-CPU scratch slot, fills a
 * struct dns_ctx and calls dns_on_query() or dns_on_response().
 *
 * Every loop is bounded for the verifier of a 5.8 kernel (no bpf_loop), and
 * every index into the scratch buffers is masked to its power-of-two size.
 * The kernel parser is deliberately partial: it gives up (and flags the
 * event) on anything unusual; userspace re-parses the payload in full.
 */
#ifndef __LW_DNS_BPF_H
#define __LW_DNS_BPF_H

#include <bpf/bpf_endian.h>
#include "addr.bpf.h"
#include "maps.bpf.h"
#include "proc.bpf.h"
#include "taint.bpf.h"

#define MSG_MASK (LW_DNS_CAPTURE - 1)
#define NAME_MASK 0xff
#define DNS_HDR_LEN 12

/* Scratch slots: egress may run in process context and be interrupted by
 * ingress in softirq on the same CPU, so each direction has its own. */
#define SCRATCH_EGRESS 0
#define SCRATCH_INGRESS 1
#define SCRATCH_LIBC 2 /* the libc uprobes (process context) */

struct dns_ctx {
	struct lw_scratch *s;
	__u32 slot;	/* scratch slot holding the message */
	__u32 len;	/* bytes of the message in s->msg */
	__u32 wire_len; /* bytes of the message on the wire */
	__u64 cookie;	/* socket cookie: joins queries and responses */
	__u8 peer[16];	/* the resolver */
	__u16 peer_port;
	__u8 proto;
	__u8 pad;
};

/*
 * Defined once in dns.bpf.c as global functions, so the verifier checks
 * each a single time with unknown arguments instead of once per path of
 * every caller (an inlined name walk times a suffix walk times an answer
 * walk exceeds its 1M-instruction budget). They take scalars only (the
 * 5.8 rule for global functions) and find the message in scratch[slot].
 */
/* Copy the uncompressed name at off into name[], lowercased and zero
 * padded. Its wire length, or -1 (compression, bad label, short capture). */
extern int dns_copy_name(__u32 slot, __u32 len, __u32 off);
/* Longest reserved suffix of name[]: (flags << 40 | family << 32 | suffix
 * id), or -1; flags are LW_SUFFIX_* (the payload scanner's). */
extern long dns_match_suffix(__u32 slot, __u32 name_len);
/* Offset past the (possibly compressed) name at off, or 0. */
extern __u32 dns_skip_name(__u32 slot, __u32 len, __u32 off);
/* Walk up to LW_DNS_MAX_ANSWERS answers from off: record global A/AAAA in
 * the answer set for scratch.owner; returns LW_DNS_* flags. */
extern int dns_walk_answers(__u32 slot, __u32 len, __u32 off);
/* One answer's A/AAAA record data at off: recorded when global; returns
 * LW_DNS_SUSPICIOUS when it breaks its family's rule, else 0. */
extern int dns_one_answer(__u32 slot, __u32 type, __u32 rdlen, __u32 off);
/* Convert the dotted name text in msg[0, len) (NUL terminated or not) to
 * lowercase wire form in name[], zero padded. Its wire length, or -1 for
 * an empty label, a label over 63 bytes or a name over 255. */
extern int dns_text_to_wire(__u32 slot, __u32 len);

static __always_inline __u16 dns_u16(const struct lw_scratch *s, __u32 off)
{
	return ((__u16)s->msg[off & MSG_MASK] << 8) | s->msg[(off + 1) & MSG_MASK];
}

/*
 * Does an answer address break its family's rule? The rules of userspace's
 * policy_answer_violates() but one: for `fixed` (ipv4only.arpa) only an A
 * record is judged here, and every AAAA passes, where userspace flags a
 * global AAAA outside the DNS64 prefix 64:ff9b::/96. Such an answer is
 * global, so it is in the answer set (and refused by --enforce) either
 * way; the kernel only does not open its own follow-on window for it.
 * Userspace re-parses every reserved response, so the report still has
 * the answer verdict and opens its window.
 */
static __always_inline bool answer_violates(__u8 family, const __u8 addr[16], __u8 kind)
{
	bool v4 = is_v4mapped(addr);

	switch (family) {
	case LW_FAMILY_NXDOMAIN:
		return true;
	case LW_FAMILY_LOOPBACK:
		if (v4)
			return addr[12] != 127;
		return ((const __u32 *)addr)[0] || ((const __u32 *)addr)[1] ||
		       ((const __u32 *)addr)[2] || ((const __u32 *)addr)[3] != bpf_htonl(1);
	case LW_FAMILY_LOCAL:
		return kind == LW_ADDR_GLOBAL;
	case LW_FAMILY_FIXED:
		return v4 && !(addr[12] == 192 && addr[13] == 0 && addr[14] == 0 &&
			       (addr[15] == 170 || addr[15] == 171));
	default:
		return false;
	}
}

/* A matched suffix, unpacked from dns_match_suffix(). */
struct dns_match {
	__u32 id;
	__u8 family;
};

static __always_inline bool dns_lookup_question(struct dns_ctx *c, struct dns_match *m, __u32 *end)
{
	int name_len;
	long hit;

	name_len = dns_copy_name(c->slot, c->len, DNS_HDR_LEN);
	/* The whole question (name, type, class) must be there, as the
	 * userspace parser requires: both sides must agree on every packet. */
	if (name_len <= 0 || DNS_HDR_LEN + name_len + 4 > c->len)
		return false;
	*end = DNS_HDR_LEN + name_len;
	hit = dns_match_suffix(c->slot, name_len);
	if (hit < 0)
		return false;
	m->id = (__u32)hit;
	m->family = (__u8)(hit >> 32);
	return true;
}

/*
 * Bulk events do not wake the reader (a wakeup per event costs the watched
 * program dearly); the first event of a newly tainted process does, so the
 * loader reads its /proc entry before a short-lived process is gone.
 */
static __always_inline void dns_emit(struct dns_ctx *c, __u32 type,
				     const struct lw_sock_owner *owner, const struct dns_match *m,
				     __u8 flags, bool wake)
{
	struct lw_dns_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(LW_STAT_RINGBUF_FULL);
		return;
	}
	proc_fill_hdr_owner(&e->hdr, type, sizeof(*e), owner);
	__builtin_memcpy(e->peer, c->peer, sizeof(e->peer));
	e->peer_port = c->peer_port;
	e->dns_id = dns_u16(c->s, 0);
	e->payload_len = c->len;
	e->wire_len = c->wire_len;
	e->suffix_id = m ? m->id : ~0u;
	e->family = m ? m->family : LW_FAMILY_NONE;
	e->proto = c->proto;
	e->flags = flags;
	e->pad = 0;
	__builtin_memcpy(e->payload, c->s->msg, sizeof(e->payload));
	bpf_ringbuf_submit(e, ringbuf_wake_flags(wake));
}

/*
 * A query left the host, asked by owner: the socket's owner for the skb
 * backend, current for those that run in the asker (fentry, uprobes). The
 * shared DNS logic never reads the current task itself: cgroup_skb
 * programs may not call those helpers before 6.10-6.13 (Debian's 6.1 and
 * 6.12 refuse bpf_get_current_pid_tgid/uid_gid there). A reserved question
 * taints the asker and is remembered until its response.
 */
static __always_inline void dns_on_query(struct dns_ctx *c, const struct lw_sock_owner *owner)
{
	struct lw_scratch *s = c->s;
	struct lw_pending_key pk = {};
	struct dns_match m;
	__u64 now;
	__u32 end;
	bool suspicious, created;

	if (c->len < DNS_HDR_LEN || (s->msg[2] & 0x80) || dns_u16(s, 4) == 0)
		return;
	if (!dns_lookup_question(c, &m, &end))
		return;

	stat_inc(LW_STAT_DNS_QUERIES);
	suspicious = lw_family_suspicious(m.family);
	created = taint_mark(&owner->id, suspicious);

	pk.cookie = c->cookie;
	pk.dns_id = dns_u16(s, 0);
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&pending, &pk, &now, BPF_ANY))
		stat_inc(LW_STAT_PENDING_FULL);
	if (c->wire_len > c->len)
		stat_inc(LW_STAT_DNS_TRUNCATED);
	dns_emit(c, LW_EV_DNS_QUERY, owner, &m,
		 LW_DNS_RESERVED | (suspicious ? LW_DNS_SUSPICIOUS : 0), created);
}

/*
 * A response arrived for owner's socket (softirq: current is the sender,
 * so the owner comes from the socket). Reserved questions must match a
 * query we saw leave (socket cookie + DNS id); others are reported only
 * for processes inside a follow-on window, to name their destinations.
 */
static __always_inline void dns_on_response(struct dns_ctx *c, const struct lw_sock_owner *owner)
{
	struct lw_scratch *s = c->s;
	struct lw_pending_key pk = {};
	struct dns_match m;
	struct lw_taint *t;
	__u32 end;
	__u8 flags;

	if (c->len < DNS_HDR_LEN || !(s->msg[2] & 0x80) || dns_u16(s, 4) == 0)
		return;
	if (!dns_lookup_question(c, &m, &end)) {
		/* Not reserved: only of interest to name a window's traffic. */
		t = taint_get(&owner->id);
		if (t && bpf_ktime_get_ns() < t->window_end_ns && dns_u16(s, 6))
			dns_emit(c, LW_EV_DNS_RESPONSE, owner, NULL, LW_DNS_TAINTED_OWNER, false);
		return;
	}

	pk.cookie = c->cookie;
	pk.dns_id = dns_u16(s, 0);
	if (!bpf_map_lookup_elem(&pending, &pk)) {
		stat_inc(LW_STAT_DNS_UNSOLICITED);
		return;
	}
	bpf_map_delete_elem(&pending, &pk);
	stat_inc(LW_STAT_DNS_RESPONSES);
	if (c->wire_len > c->len)
		stat_inc(LW_STAT_DNS_TRUNCATED);

	s->owner = owner->id;
	s->suffix_id = m.id;
	s->family = m.family;
	flags = dns_walk_answers(c->slot, c->len, end + 4) | LW_DNS_RESERVED;
	if (flags & LW_DNS_KERNEL_GAVEUP)
		stat_inc(LW_STAT_DNS_MALFORMED);
	if (flags & LW_DNS_SUSPICIOUS)
		taint_mark(&owner->id, true);
	dns_emit(c, LW_EV_DNS_RESPONSE, owner, &m, flags, false);
}

#endif /* __LW_DNS_BPF_H */
