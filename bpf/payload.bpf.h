/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --payload clear: reserved identities in what a watched process sends,
 * with no reserved lookup needed (the seed incident: `LOGIN
 * test@example.com <password>` to a host an ordinary name gave).
 *
 *   connect4/6   a watched process's TCP connect to a global address on a
 *                scanned port marks the socket (sk_storage payload_socks)
 *   egress       a marked socket's first data segments (LW_PAYLOAD_SEGS,
 *                LW_PAYLOAD_BYTES, until STARTTLS) are scanned; every
 *                other TCP packet leaves after the port check, as before
 *
 * The scan (payload.bpf.c, global functions verified once each) finds the
 * '.'s eight bytes at a time and looks closely only around each: the run
 * of host-name bytes holding it, the mail address's local part before an
 * '@', the line's head for the verb. A host name under a reserved suffix
 * (whole labels, the DNS walk's own suffix match) is emitted as the token
 * alone, with its suffix and the verb: never the bytes around it.
 */
#ifndef __LW_PAYLOAD_BPF_H
#define __LW_PAYLOAD_BPF_H

#include <bpf/bpf_endian.h>
#include "dns_skb.bpf.h"

#define PL_MASK (LW_PAYLOAD_BYTES - 1)
#define PL_TOKEN_MASK 511 /* token[] indices, masked (LW_PAYLOAD_TOKEN_MAX < 512) */
#define SCRATCH_PAYLOAD 3 /* and 4: the scratch slots of the suffix match */

/* The protocol, from the destination port. */
enum pl_class {
	PL_NONE = 0,
	PL_SMTP, /* 25, 587 */
	PL_IMAP, /* 143 */
	PL_POP,	 /* 110 */
	PL_HTTP, /* 80 */
	PL_TLS,	 /* a TLS library's plaintext: the protocol from the line */
};

/*
 * The cleartext ports scanned. 465, 993 and 995 are TLS from the first
 * byte (nothing to read without the library probes); a STARTTLS on 25,
 * 587, 143 or 110 ends the scan.
 */
static __always_inline __u32 payload_class(__u16 port)
{
	switch (port) {
	case 25:
	case 587:
		return PL_SMTP;
	case 143:
		return PL_IMAP;
	case 110:
		return PL_POP;
	case 80:
		return PL_HTTP;
	default:
		return PL_NONE;
	}
}

/* Sockets marked for a scan. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lw_payload_sock);
} payload_socks SEC(".maps") __weak;

/* Per-CPU: the segment's bytes and what an event about it needs (global
 * functions take scalars only). Slot 1 is for an egress run in softirq
 * that interrupts one in process context on the same CPU. */
struct pl_scratch {
	union {
		__u8 buf[LW_PAYLOAD_BYTES];
		__u64 w[LW_PAYLOAD_BYTES / 8]; /* the '.' search's words */
	};
	struct lw_payload_sock sock; /* the socket, for the event */
	__u32 busy;		     /* a run is using this slot */
	__u32 seg;		     /* the segment's index on the socket */
	__u64 thread;		     /* TLS: the writing thread's pid_tgid */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct pl_scratch);
} payload_scratch SEC(".maps") __weak;

/* --payload tls: tokens waiting for their thread's next send. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct lw_tls_pending);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} tls_pending SEC(".maps") __weak;

/* A zeroed value to create tls_pending entries from (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lw_tls_pending);
} tls_zero SEC(".maps") __weak;

/* Below 6.3 (no sock_send_length): each watched process's last connect. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lw_tls_dst);
} tls_last_dst SEC(".maps") __weak;

/* The kernel has tp_btf/sock_send_length (6.3+): set by the loader. */
extern const volatile bool cfg_tls_send_length;

/* payload.bpf.c. Scan the len bytes of payload_scratch[slot] (a segment
 * of a pclass socket) and emit each reserved token; returns how many, or
 * -1 on STARTTLS or a TLS record (the rest of the socket is not clear). */
extern int payload_scan(__u32 slot, __u32 len, __u32 pclass);

/*
 * connect4/6, TCP: mark a watched process's socket to a global address on
 * a scanned port. Everything else pays the mode check (a constant the
 * verifier folds) and the port switch.
 */
static __always_inline void payload_mark(struct bpf_sock_addr *ctx, const __u8 addr[16], __u16 port)
{
	bool window = cfg_payload == LW_PAYLOAD_TLS && !cfg_tls_send_length;
	struct lw_payload_sock *ps;
	struct lw_tls_dst d = {};
	__u32 tgid;

	if (cfg_payload == LW_PAYLOAD_OFF || (payload_class(port) == PL_NONE && !window))
		return;
	/* watched first: for `run` it turns every other process on the host
	 * away with one hash lookup, before the address class's */
	if (!proc_watched() || addr_kind_cached(addr) != LW_ADDR_GLOBAL)
		return;
	if (window) {
		/* the time-window fallback's destination, any port */
		tgid = bpf_get_current_pid_tgid() >> 32;
		__builtin_memcpy(d.addr, addr, 16);
		d.port = port;
		d.time_ns = bpf_ktime_get_ns();
		d.cookie = bpf_get_socket_cookie(ctx);
		bpf_map_update_elem(&tls_last_dst, &tgid, &d, BPF_ANY);
		if (payload_class(port) == PL_NONE)
			return;
	}
	ps = bpf_sk_storage_get(&payload_socks, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!ps) {
		stat_inc(LW_STAT_SKSTORAGE_FAIL);
		return;
	}
	__builtin_memset(ps, 0, sizeof(*ps));
	proc_fill_owner(&ps->owner);
	__builtin_memcpy(ps->dst, addr, 16);
	ps->dport = port;
	ps->cookie = bpf_get_socket_cookie(ctx);
	stat_inc(LW_STAT_PAYLOAD_SOCKETS);
}

/* The TCP payload of an IPv4 or IPv6 packet (no extension headers, not a
 * later fragment): its offset, length and sequence number. 0 or -1. */
static __always_inline int pl_tcp_payload(struct __sk_buff *skb, __u32 *off, __u32 *len, __u32 *seq)
{
	__u8 hdr[40], doff;
	__u32 ip_len, o, s;

	if (skb->protocol == ETH_P_IP_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 20))
			return -1;
		if (hdr[9] != IPPROTO_TCP || ((hdr[6] & 0x1f) | hdr[7]))
			return -1;
		o = (hdr[0] & 0x0f) * 4;
		ip_len = ((__u32)hdr[2] << 8) | hdr[3];
	} else if (skb->protocol == ETH_P_IPV6_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 40))
			return -1;
		if (hdr[6] != IPPROTO_TCP)
			return -1;
		o = 40;
		ip_len = 40 + (((__u32)hdr[4] << 8) | hdr[5]);
	} else {
		return -1;
	}
	if (o < 20 || bpf_skb_load_bytes(skb, o + 4, &s, 4) ||
	    bpf_skb_load_bytes(skb, o + 12, &doff, 1))
		return -1;
	/* GSO packets carry a zero IP length: the skb's is the truth */
	if (!ip_len || ip_len > skb->len)
		ip_len = skb->len;
	o += (doff >> 4) * 4;
	if ((doff >> 4) < 5 || o >= ip_len)
		return -1;
	*off = o;
	*len = ip_len - o;
	*seq = bpf_ntohl(s);
	return 0;
}

/* A free scratch slot for this CPU (1 when a softirq run interrupted a
 * process-context one), marked busy; -1 when both are in use. */
static __always_inline struct pl_scratch *pl_slot(__u32 *slot)
{
	/* Two lookups, not a loop: the key's address goes to the helper, so
	 * 6.1's verifier loses the counter and calls the loop infinite. */
	__u32 k0 = 0, k1 = 1;
	struct pl_scratch *s = bpf_map_lookup_elem(&payload_scratch, &k0);

	if (s && !s->busy) {
		s->busy = 1;
		*slot = 0;
		return s;
	}
	s = bpf_map_lookup_elem(&payload_scratch, &k1);
	if (s && !s->busy) {
		s->busy = 1;
		*slot = 1;
		return s;
	}
	return NULL;
}

/*
 * One egress segment of a marked socket: scan the bytes not scanned
 * before (a retransmission is skipped by its sequence number), at most
 * LW_PAYLOAD_BYTES per socket over LW_PAYLOAD_SEGS data segments.
 */
static __always_inline void payload_segment(struct __sk_buff *skb, struct lw_payload_sock *ps)
{
	__u32 off, len, seq, slot = 0;
	struct pl_scratch *s;
	long n;
	int r;

	if (pl_tcp_payload(skb, &off, &len, &seq))
		return;
	if ((ps->flags & LW_PSOCK_SEQ_VALID) && (__s32)(seq + len - ps->next_seq) <= 0)
		return;
	if (ps->bytes >= LW_PAYLOAD_BYTES) {
		ps->flags |= LW_PSOCK_DONE;
		return;
	}
	s = pl_slot(&slot);
	if (!s)
		return;
	n = LW_PAYLOAD_BYTES - (long)ps->bytes;
	if (n > len)
		n = len;
	/* the verifier needs the length visibly in [1, LW_PAYLOAD_BYTES]
	 * at the call: checked right before it, on a value clang cannot
	 * see through (it knows n <= LW_PAYLOAD_BYTES and drops the check;
	 * 6.1's verifier does not) */
	barrier_var(n);
	if (n <= 0 || n > LW_PAYLOAD_BYTES || bpf_skb_load_bytes(skb, off, s->buf, n)) {
		s->busy = 0;
		return;
	}
	s->sock = *ps;
	s->seg = ps->segs;
	r = payload_scan(slot, n, payload_class(ps->dport));
	s->busy = 0;
	ps->segs++;
	ps->bytes += n;
	ps->next_seq = seq + len;
	ps->flags |= LW_PSOCK_SEQ_VALID;
	if (r < 0 || ps->segs >= LW_PAYLOAD_SEGS || ps->bytes >= LW_PAYLOAD_BYTES)
		ps->flags |= LW_PSOCK_DONE;
}

/* Egress, a TCP socket whose remote port is a scanned one. */
static __always_inline int payload_tcp_egress(struct __sk_buff *skb, struct bpf_sock *sk)
{
	struct lw_payload_sock *ps = bpf_sk_storage_get(&payload_socks, sk, 0, 0);

	if (ps && !(ps->flags & LW_PSOCK_DONE))
		payload_segment(skb, ps);
	return 1;
}

#endif /* __LW_PAYLOAD_BPF_H */
