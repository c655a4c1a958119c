// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --payload tls: the plaintext a TLS library is asked to send, scanned by
 * the payload scanner (payload.bpf.c) in the writing thread.
 *
 *   uprobe lw_tls_write     OpenSSL SSL_write / SSL_write_ex, GnuTLS
 *                           gnutls_record_send2 (buffer and length are the
 *                           2nd and 3rd arguments of each): the tokens
 *                           found wait in tls_pending for this thread
 *   tp_btf/sock_send_length the thread's next send (6.3+): its socket is
 *                           the destination; the tokens are emitted when
 *                           it is global, with LW_PAYLOAD_TLS_PLAIN
 *
 * Below 6.3 the tokens are tied at once to the process's last connect to
 * a global address within LW_TLS_WINDOW_NS (LW_PAYLOAD_ATTR_WINDOW):
 * right for one connection at a time, a guess with several.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "addr.bpf.h"
#include "payload.bpf.h"

/* Emit the pending tokens of a thread for destination addr:port. */
static __always_inline void tls_flush(struct lw_tls_pending *p, const __u8 addr[16], __u16 port,
				      __u64 cookie, __u8 flags)
{
	struct lw_payload_name_key key = { .tgid = bpf_get_current_pid_tgid() >> 32 };
	struct lw_payload_event *e;
	char *name;
	__u32 i;

	__builtin_memcpy(key.addr, addr, 16);
	name = bpf_map_lookup_elem(&payload_names, &key);
	for (i = 0; i < LW_TLS_PENDING_TOKENS; i++) {
		if (i >= p->n)
			break;
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
		if (!e) {
			stat_inc(LW_STAT_RINGBUF_FULL);
			break;
		}
		__builtin_memcpy(e, &p->ev[i], sizeof(*e));
		proc_fill_hdr(&e->hdr, LW_EV_PAYLOAD, sizeof(*e));
		__builtin_memcpy(e->addr, addr, 16);
		e->port = port;
		e->cookie = cookie;
		e->flags |= LW_PAYLOAD_TLS_PLAIN | flags;
		if (name)
			__builtin_memcpy(e->dest_name, name, sizeof(e->dest_name));
		stat_inc(LW_STAT_PAYLOAD_TOKENS);
		bpf_ringbuf_submit(e, ringbuf_wake_flags(true));
	}
}

/* Below 6.3: the process's last connect to a global address, if recent. */
static __always_inline void tls_flush_window(__u64 thread)
{
	__u32 tgid = thread >> 32;
	struct lw_tls_pending *p = bpf_map_lookup_elem(&tls_pending, &thread);
	struct lw_tls_dst *d;

	if (!p)
		return;
	d = bpf_map_lookup_elem(&tls_last_dst, &tgid);
	if (d && bpf_ktime_get_ns() - d->time_ns < LW_TLS_WINDOW_NS)
		tls_flush(p, d->addr, d->port, d->cookie, LW_PAYLOAD_ATTR_WINDOW);
	bpf_map_delete_elem(&tls_pending, &thread);
}

static __always_inline void tls_plaintext(const void *buf, __u64 num)
{
	__u64 thread = bpf_get_current_pid_tgid();
	struct pl_scratch *s;
	__u32 slot = 0;
	long n;

	if (!buf || !num)
		return;
	s = pl_slot(&slot);
	if (!s)
		return;
	n = num > LW_PAYLOAD_BYTES ? LW_PAYLOAD_BYTES : num;
	barrier_var(n);
	/* bounds checked right before the call (see payload_segment()) */
	if (n <= 0 || n > LW_PAYLOAD_BYTES || bpf_probe_read_user(s->buf, n, buf)) {
		s->busy = 0;
		return;
	}
	__builtin_memset(&s->sock, 0, sizeof(s->sock));
	proc_fill_owner(&s->sock.owner);
	s->seg = 1; /* plaintext: no TLS record check */
	s->thread = thread;
	payload_scan(slot, n, PL_TLS);
	s->busy = 0;
	if (!cfg_tls_send_length)
		tls_flush_window(thread);
}

SEC("?uprobe")
int BPF_KPROBE(lw_tls_write, void *tls, const void *buf, __u64 num)
{
	if (cfg_payload == LW_PAYLOAD_TLS && proc_in_scope())
		tls_plaintext(buf, num);
	return 0;
}

/* The socket's peer, v4-mapped for IPv4. False for other families. */
static __always_inline bool sock_peer(struct sock *sk, __u8 addr[16], __u16 *port)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u32 v4;

	__builtin_memset(addr, 0, 16);
	*port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == LW_AF_INET) {
		v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		v4mapped(addr, &v4);
		return true;
	}
	if (family == LW_AF_INET6) {
		BPF_CORE_READ_INTO(addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		return true;
	}
	return false;
}

/* 6.3+: the writing thread's next send names the socket. Attached only
 * with --payload tls: every send on the host pays a hash lookup then. */
SEC("?tp_btf/sock_send_length")
int BPF_PROG(lw_tls_send, struct sock *sk, int ret, int flags)
{
	__u64 thread = bpf_get_current_pid_tgid();
	struct lw_tls_pending *p = bpf_map_lookup_elem(&tls_pending, &thread);
	__u8 addr[16];
	__u16 port;

	if (!p)
		return 0;
	/* tokens of a write whose send never came (the write failed) are
	 * not this send's */
	if (bpf_ktime_get_ns() - p->time_ns < LW_TLS_WINDOW_NS && sock_peer(sk, addr, &port) &&
	    addr_kind(addr) == LW_ADDR_GLOBAL)
		tls_flush(p, addr, port, bpf_get_socket_cookie(sk), 0);
	bpf_map_delete_elem(&tls_pending, &thread);
	return 0;
}
