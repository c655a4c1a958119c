// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The `fentry` DNS capture backend: fentry on the kernel's UDP send
 * functions reads queries, fentry+fexit on its UDP receive functions read
 * responses, through the msghdr's iterator (the user buffer, ubuf or first
 * iovec, bounded by LW_DNS_CAPTURE). Only UDP sends and receives pay
 * anything, unlike the skb backend's per-packet hooks. The messages go to
 * the same shared DNS logic (dns.bpf.h) in the same scratch slots.
 *
 * Every program here is compiled into the object with autoload off (the
 * "?" sections). The loader (userspace/sensor.c, backend_order()) turns
 * them on, and the skb programs off, for --dns-capture=fentry, and for
 * `auto` (the default) whenever a probe fentry program loads and attaches
 * on the running kernel; `auto` keeps skb when the probe is refused, or
 * when this object then fails to load. Needs bpf_get_func_ret (v5.17),
 * bpf_sk_storage_get on BTF sockets (v5.11), bpf_get_socket_cookie on BTF
 * sockets (v5.12) and iov_iter.iter_type (v5.14).
 *
 * DNS over TCP: fentry on tcp_sendmsg and fentry+fexit on tcp_recvmsg
 * (IPv4 and IPv6 sockets share them). Every other TCP socket leaves after
 * one load of its remote port; a socket to port 53 goes on only when
 * connect4/6 marked it LW_SOCK_DNS in sk_storage. Like the skb backend,
 * which takes each segment as the start of a message, a message is seen
 * when a send or a receive starts with it: a send's 2-byte length prefix
 * and the message (one buffer, or the prefix and the message in the first
 * two iovecs: glibc and bind write both with one writev), a receive of the
 * prefix and the message, or of the prefix alone followed by a receive of
 * the message (glibc reads the two apart). Only the first message of a
 * send is read (glibc's A+AAAA pair in one writev: the second is not seen,
 * as with skb). Neither backend joins a message split over several
 * receives.
 *
 * The first datagram of a connected UDP socket is reported at
 * udp_sendmsg, which cannot refuse it: with --enforce the loader attaches
 * the skb egress program too, in cfg_egress_pending_only mode (it acts on
 * that datagram alone), and this backend leaves the socket to it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "addr.bpf.h"
#include "dns.bpf.h"
#include "dest.bpf.h"

/*
 * commit de4f5fed3f23 ("iov_iter: add iter_iovec() helper", v6.4) and its
 * series renamed iov_iter.iov to __iov (and later overlaid ubuf/count with
 * a struct iovec): older kernels name the iovec pointer `iov`.
 */
struct iov_iter___pre64 {
	const struct iovec *iov;
} __attribute__((preserve_access_index));

/* A receive in flight: the user buffer, saved at entry (at exit the
 * iterator has been advanced past what was copied). */
struct recv_buf {
	__u64 base;
	__u64 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* pid_tgid */
	__type(value, struct recv_buf);
} fentry_recv SEC(".maps");

/* The user buffer behind a msghdr's iterator: its ubuf, or its first
 * iovec (a DNS message is one datagram in one buffer). 0 or -1. */
static __always_inline int msg_user_buf(struct msghdr *msg, struct recv_buf *b)
{
	struct iov_iter *it = &msg->msg_iter;
	__u8 type = BPF_CORE_READ(it, iter_type);
	__u64 off = BPF_CORE_READ(it, iov_offset), count = BPF_CORE_READ(it, count);
	const struct iovec *iov;
	struct iovec v;

	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
	    type == bpf_core_enum_value(enum iter_type, ITER_UBUF)) {
		b->base = (__u64)BPF_CORE_READ(it, ubuf) + off;
		b->len = count;
		return 0;
	}
	if (type != bpf_core_enum_value(enum iter_type, ITER_IOVEC))
		return -1;
	if (bpf_core_field_exists(it->__iov))
		iov = BPF_CORE_READ(it, __iov);
	else
		iov = BPF_CORE_READ((struct iov_iter___pre64 *)it, iov);
	if (!iov || bpf_probe_read_kernel(&v, sizeof(v), iov) || v.iov_len <= off)
		return -1;
	b->base = (__u64)v.iov_base + off;
	b->len = v.iov_len - off;
	if (b->len > count)
		b->len = count;
	return 0;
}

/* The socket's connected peer (v4-mapped for IPv4) and its port. */
static __always_inline __u16 sk_peer(struct sock *sk, __u8 peer[16])
{
	__be32 ip4;

	/* 16 bytes: peer is a pointer here, so BPF_CORE_READ_INTO's
	 * sizeof(*peer) would read one. */
	if (BPF_CORE_READ(sk, __sk_common.skc_family) == LW_AF_INET6) {
		bpf_core_read(peer, 16, &sk->__sk_common.skc_v6_daddr);
	} else {
		ip4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		v4mapped(peer, &ip4);
	}
	return bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
}

/* The remote end: msg_name (a kernel copy) when given, else the connected
 * peer. Its port, 0 if unknown. On receive (recv), msg_namelen is set by
 * the caller only after udp_recvmsg returns: msg_name is what it filled. */
static __always_inline __u16 msg_peer(struct sock *sk, struct msghdr *msg, __u8 peer[16], bool recv)
{
	void *name = BPF_CORE_READ(msg, msg_name);
	int namelen = recv ? (int)sizeof(struct sockaddr_in6) : BPF_CORE_READ(msg, msg_namelen);
	struct sockaddr_in6 sa6;
	struct sockaddr_in sa4;
	__u16 family = 0;

	if (name && namelen >= (int)sizeof(sa4)) {
		if (bpf_probe_read_kernel(&family, sizeof(family), name))
			return 0;
		if (family == LW_AF_INET) {
			if (bpf_probe_read_kernel(&sa4, sizeof(sa4), name))
				return 0;
			v4mapped(peer, &sa4.sin_addr.s_addr);
			return bpf_ntohs(sa4.sin_port);
		}
		if (family == LW_AF_INET6 && namelen >= (int)sizeof(sa6)) {
			if (bpf_probe_read_kernel(&sa6, sizeof(sa6), name))
				return 0;
			__builtin_memcpy(peer, &sa6.sin6_addr, 16);
			return bpf_ntohs(sa6.sin6_port);
		}
		return 0;
	}
	return sk_peer(sk, peer);
}

/* Copy n bytes of the user buffer into scratch slot and fill c. */
static __always_inline int load_user_dns(__u64 base, long n, __u64 wire_len, __u32 slot,
					 struct dns_ctx *c, __u8 proto)
{
	c->s = bpf_map_lookup_elem(&scratch, &slot);
	if (!c->s || n < DNS_HDR_LEN)
		return -1;
	if (n > LW_DNS_CAPTURE)
		n = LW_DNS_CAPTURE;
	if (n <= 0 || bpf_probe_read_user(c->s->msg, n, (const void *)base))
		return -1;
	c->slot = slot;
	c->len = n;
	c->wire_len = wire_len;
	c->proto = proto;
	return 0;
}

/*
 * A UDP send, in the sender's context. The first datagram of an armed
 * connected socket is reported (connect4/6 armed it); a datagram to port
 * 53 is a query. v6: a v4-mapped destination is left to udp_sendmsg,
 * which udpv6_sendmsg calls for it.
 */
static __always_inline void on_send(struct sock *sk, struct msghdr *msg, __u64 len, bool v6)
{
	struct lw_sock_owner *owner;
	struct dns_ctx c = {};
	struct recv_buf b;
	__u8 peer[16] = {}; /* msg_peer() leaves it alone when it fails */
	__u16 port;

	/* Every UDP send on the host comes here: a connected socket with no
	 * owner (not armed, not DNS) and a remote port other than 53 leaves
	 * after one lookup and two direct loads, before any helper call. */
	owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	if (!owner && !msg->msg_name && sk->__sk_common.skc_dport != bpf_htons(LW_DNS_PORT))
		return;
	if (!proc_in_scope()) /* these hooks are host-wide */
		return;
	port = msg_peer(sk, msg, peer, false);
	if (v6 && is_v4mapped(peer))
		return;
	/* With --enforce the skb egress program reports and refuses it. */
	if (owner && (owner->flags & LW_SOCK_UDP_PENDING) && !cfg_egress_pending_only) {
		owner->flags &= ~LW_SOCK_UDP_PENDING;
		dest_check(owner->udp_dst, owner->udp_dport, IPPROTO_UDP);
		return;
	}
	if (port != LW_DNS_PORT)
		return;
	if (!owner)
		owner = proc_sock_owner_create(sk);
	if (!owner)
		return;
	proc_own_dns_socket(owner);
	if (msg_user_buf(msg, &b))
		return;
	if (b.len > len)
		b.len = len;
	if (load_user_dns(b.base, (long)b.len, len, SCRATCH_EGRESS, &c, IPPROTO_UDP))
		return;
	c.cookie = bpf_get_socket_cookie(sk);
	__builtin_memcpy(c.peer, peer, 16);
	c.peer_port = port;
	dns_on_query(&c, owner); /* fentry runs in the sender: owner was just filled from current */
}

/* Entry of a receive on a DNS socket: remember the user buffer. */
static __always_inline void on_recv_entry(struct sock *sk, struct msghdr *msg)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct lw_sock_owner *owner;
	struct recv_buf b;

	if (!proc_in_scope()) /* these hooks are host-wide */
		return;
	owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	if (!owner || !(owner->flags & LW_SOCK_DNS))
		return;
	if (msg_user_buf(msg, &b))
		return;
	bpf_map_update_elem(&fentry_recv, &key, &b, BPF_ANY);
}

/* Exit of that receive: ret bytes (the datagram's length with MSG_TRUNC)
 * landed in the buffer; a response from port 53 goes to the DNS logic. */
static __always_inline void on_recv_exit(struct sock *sk, struct msghdr *msg, long ret)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct lw_sock_owner *owner;
	struct dns_ctx c = {};
	struct recv_buf *b;
	__u64 base, n;
	__u8 peer[16] = {};
	__u16 port;

	b = bpf_map_lookup_elem(&fentry_recv, &key);
	if (!b)
		return;
	base = b->base;
	n = b->len;
	bpf_map_delete_elem(&fentry_recv, &key);
	if (ret < DNS_HDR_LEN)
		return;
	if (n > (__u64)ret)
		n = ret;
	owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	if (!owner || !(owner->flags & LW_SOCK_DNS))
		return;
	port = msg_peer(sk, msg, peer, true);
	if (port != LW_DNS_PORT)
		return;
	if (load_user_dns(base, (long)n, ret, SCRATCH_INGRESS, &c, IPPROTO_UDP))
		return;
	c.cookie = bpf_get_socket_cookie(sk);
	__builtin_memcpy(c.peer, peer, 16);
	c.peer_port = port;
	dns_on_response(&c, owner);
}

/*
 * DNS over TCP. A receive that read only the 2-byte length prefix leaves
 * the message's length here, by socket cookie, for the next receive.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} fentry_tcp_len SEC(".maps");

/* A watched process's DNS-over-TCP client socket: its owner, else NULL.
 * Every other TCP socket costs one load of its remote port. */
static __always_inline struct lw_sock_owner *tcp_dns_owner(struct sock *sk)
{
	struct lw_sock_owner *owner;

	if (sk->__sk_common.skc_dport != bpf_htons(LW_DNS_PORT))
		return NULL;
	owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	return owner && (owner->flags & LW_SOCK_DNS) ? owner : NULL;
}

static __always_inline int read_prefix(__u64 base, __u32 *len)
{
	__u8 p[2];

	if (bpf_probe_read_user(p, 2, (const void *)base))
		return -1;
	*len = ((__u32)p[0] << 8) | p[1];
	return *len >= DNS_HDR_LEN ? 0 : -1;
}

/* The message a TCP send starts with, after its length prefix (*wire):
 * both in the first buffer, or the prefix alone in the first iovec and
 * the message in the second. 0 or -1. */
static __always_inline int tcp_send_buf(struct msghdr *msg, struct recv_buf *b, __u32 *wire)
{
	struct iov_iter *it = &msg->msg_iter;
	const struct iovec *iov;
	struct iovec v;

	if (msg_user_buf(msg, b))
		return -1;
	if (b->len == 2 &&
	    BPF_CORE_READ(it, iter_type) == bpf_core_enum_value(enum iter_type, ITER_IOVEC)) {
		if (BPF_CORE_READ(it, nr_segs) < 2 || read_prefix(b->base, wire))
			return -1;
		if (bpf_core_field_exists(it->__iov))
			iov = BPF_CORE_READ(it, __iov);
		else
			iov = BPF_CORE_READ((struct iov_iter___pre64 *)it, iov);
		if (!iov || bpf_probe_read_kernel(&v, sizeof(v), iov + 1))
			return -1;
		b->base = (__u64)v.iov_base;
		b->len = v.iov_len;
		return 0;
	}
	if (b->len < 2 + DNS_HDR_LEN || read_prefix(b->base, wire))
		return -1;
	b->base += 2;
	b->len -= 2;
	return 0;
}

/* A send on a DNS-over-TCP socket: the query it starts with. */
static __always_inline void on_tcp_send(struct sock *sk, struct msghdr *msg)
{
	struct lw_sock_owner *owner = tcp_dns_owner(sk);
	struct dns_ctx c = {};
	struct recv_buf b;
	__u32 wire;

	if (!owner || tcp_send_buf(msg, &b, &wire))
		return;
	if (b.len > wire)
		b.len = wire;
	if (load_user_dns(b.base, (long)b.len, wire, SCRATCH_EGRESS, &c, IPPROTO_TCP))
		return;
	c.cookie = bpf_get_socket_cookie(sk);
	c.peer_port = sk_peer(sk, c.peer);
	dns_on_query(&c, owner);
}

/* Entry of a receive on a DNS-over-TCP socket: remember the user buffer. */
static __always_inline void on_tcp_recv_entry(struct sock *sk, struct msghdr *msg)
{
	__u64 key = bpf_get_current_pid_tgid();
	struct recv_buf b;

	if (!tcp_dns_owner(sk) || msg_user_buf(msg, &b))
		return;
	bpf_map_update_elem(&fentry_recv, &key, &b, BPF_ANY);
}

/* Exit of that receive (ret bytes read): a length prefix alone is kept
 * for the next receive; a prefix and a message, or the message a kept
 * prefix announced, go to the DNS logic. */
static __always_inline void on_tcp_recv_exit(struct sock *sk, long ret)
{
	__u64 key = bpf_get_current_pid_tgid(), cookie, base, n;
	struct lw_sock_owner *owner;
	struct dns_ctx c = {};
	struct recv_buf *b;
	__u32 wire, *kept;

	owner = tcp_dns_owner(sk);
	if (!owner)
		return;
	b = bpf_map_lookup_elem(&fentry_recv, &key);
	if (!b)
		return;
	base = b->base;
	n = b->len;
	bpf_map_delete_elem(&fentry_recv, &key);
	if (ret <= 0)
		return;
	if (n > (__u64)ret)
		n = ret;
	cookie = bpf_get_socket_cookie(sk);
	if (n == 2) {
		if (!read_prefix(base, &wire))
			bpf_map_update_elem(&fentry_tcp_len, &cookie, &wire, BPF_ANY);
		return;
	}
	kept = bpf_map_lookup_elem(&fentry_tcp_len, &cookie);
	if (kept) {
		wire = *kept;
		bpf_map_delete_elem(&fentry_tcp_len, &cookie);
	} else {
		if (n < 2 + DNS_HDR_LEN || read_prefix(base, &wire))
			return;
		base += 2;
		n -= 2;
	}
	if (n > wire)
		n = wire;
	if (load_user_dns(base, (long)n, wire, SCRATCH_INGRESS, &c, IPPROTO_TCP))
		return;
	c.cookie = cookie;
	c.peer_port = sk_peer(sk, c.peer);
	dns_on_response(&c, owner);
}

SEC("?fentry/udp_sendmsg")
int BPF_PROG(lw_fentry_udp_send4, struct sock *sk, struct msghdr *msg, size_t len)
{
	on_send(sk, msg, len, false);
	return 0;
}

SEC("?fentry/udpv6_sendmsg")
int BPF_PROG(lw_fentry_udp_send6, struct sock *sk, struct msghdr *msg, size_t len)
{
	on_send(sk, msg, len, true);
	return 0;
}

SEC("?fentry/udp_recvmsg")
int BPF_PROG(lw_fentry_udp_recv4, struct sock *sk, struct msghdr *msg)
{
	on_recv_entry(sk, msg);
	return 0;
}

SEC("?fentry/udpv6_recvmsg")
int BPF_PROG(lw_fentry_udp_recv6, struct sock *sk, struct msghdr *msg)
{
	on_recv_entry(sk, msg);
	return 0;
}

/* The return value by helper: udp_recvmsg lost its noblock argument in
 * commit ec095263a965 ("net: remove noblock parameter from recvmsg()
 * entities", v5.19), so its position differs across kernels. */
SEC("?fexit/udp_recvmsg")
int BPF_PROG(lw_fexit_udp_recv4, struct sock *sk, struct msghdr *msg)
{
	__u64 ret = 0;

	if (!bpf_get_func_ret(ctx, &ret))
		on_recv_exit(sk, msg, (long)(int)ret);
	return 0;
}

SEC("?fexit/udpv6_recvmsg")
int BPF_PROG(lw_fexit_udp_recv6, struct sock *sk, struct msghdr *msg)
{
	__u64 ret = 0;

	if (!bpf_get_func_ret(ctx, &ret))
		on_recv_exit(sk, msg, (long)(int)ret);
	return 0;
}

SEC("?fentry/tcp_sendmsg")
int BPF_PROG(lw_fentry_tcp_send, struct sock *sk, struct msghdr *msg, size_t size)
{
	on_tcp_send(sk, msg);
	return 0;
}

SEC("?fentry/tcp_recvmsg")
int BPF_PROG(lw_fentry_tcp_recv, struct sock *sk, struct msghdr *msg)
{
	on_tcp_recv_entry(sk, msg);
	return 0;
}

SEC("?fexit/tcp_recvmsg")
int BPF_PROG(lw_fexit_tcp_recv, struct sock *sk, struct msghdr *msg)
{
	__u64 ret = 0;

	if (!bpf_get_func_ret(ctx, &ret))
		on_tcp_recv_exit(sk, (long)(int)ret);
	return 0;
}
