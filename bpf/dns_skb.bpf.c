// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The `skb` DNS capture backend: cgroup_skb egress reads queries, ingress
 * reads responses. These hooks run for every packet of every socket under
 * the cgroup, so anything that is not DNS must leave at once, decided from
 * the socket before a packet byte is read: a TCP packet costs a protocol
 * check and a port check (DNS over TCP: the remote port is 53), a UDP
 * packet a port check and one sk_storage lookup.
 *
 * Egress also reports the first datagram of a connected UDP socket that
 * connect4/6 armed (a UDP connect alone is not traffic), and with
 * --payload scans the first segments of the TCP sockets connect4/6 marked
 * (payload.bpf.h): other TCP packets pay a port switch more.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "dns_skb.bpf.h"
#include "dest.bpf.h"
#include "payload.bpf.h"

/* The socket's remote port. A 4-byte load: 5.8 kernels only allow that
 * width, newer ones keep allowing it (the port is in the low 16 bits), see
 * commit 4421a582718a ("bpf: Make dst_port field in struct bpf_sock 16-bit"). */
static __always_inline __u16 sk_dst_port(struct bpf_sock *sk)
{
	__u32 v = *(volatile __u32 *)&sk->dst_port;

	return bpf_ntohs((__u16)v);
}

/* First datagram of an armed connected UDP socket: report it once. */
static __always_inline int udp_first_datagram(struct lw_sock_owner *owner)
{
	owner->flags &= ~LW_SOCK_UDP_PENDING;
	return dest_check_owner(owner, owner->udp_dst, owner->udp_dport, IPPROTO_UDP);
}

/*
 * The fast path, from the socket alone: UDP sockets with an owner (they
 * talk DNS or await their first datagram) or a remote port 53 go on; TCP
 * goes on only with a remote port 53 (client side of DNS over TCP); the
 * rest leaves.
 */
SEC("cgroup_skb/egress")
int lw_dns_egress(struct __sk_buff *skb)
{
	struct lw_sock_owner *owner;
	struct bpf_sock *sk = skb->sk;
	struct skb_l4 u;
	__u8 proto;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	proto = sk->protocol;
	if (cfg_egress_pending_only) { /* --enforce with fentry: DNS is fentry's */
		owner = proto == IPPROTO_UDP ? bpf_sk_storage_get(&sock_owner, sk, 0, 0) : NULL;
		if (owner && (owner->flags & LW_SOCK_UDP_PENDING))
			return udp_first_datagram(owner);
		return 1;
	}
	if (proto == IPPROTO_TCP) {
		if (sk_dst_port(sk) != LW_DNS_PORT) {
			/* --payload: a constant; off, the branch is gone */
			if (cfg_payload != LW_PAYLOAD_OFF && payload_class(sk_dst_port(sk)))
				return payload_tcp_egress(skb, sk);
			return 1;
		}
		owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	} else if (proto == IPPROTO_UDP) {
		owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
		if (!owner && sk_dst_port(sk) != LW_DNS_PORT)
			return 1;
		if (owner && (owner->flags & LW_SOCK_UDP_PENDING))
			return udp_first_datagram(owner);
	} else {
		return 1;
	}

	if (skb_parse_l4(skb, &u, proto) || u.dport != LW_DNS_PORT)
		return 1;
	if (!owner) {
		/* A socket connected to :53 before we attached: its owner is
		 * unknown here (cgroup_skb may not read the current task on
		 * kernels before 6.10), so the query is counted, not seen.
		 * For `run` (hooks at the root) it is almost always a process
		 * that is not watched: nothing was lost. */
		if (cfg_watch_all)
			stat_inc(LW_STAT_SKSTORAGE_FAIL);
		return 1;
	}
	skb_dns_query(skb, &u, bpf_get_socket_cookie(skb), owner);
	return 1;
}

SEC("cgroup_skb/ingress")
int lw_dns_ingress(struct __sk_buff *skb)
{
	struct lw_sock_owner *owner;
	struct bpf_sock *sk = skb->sk;
	struct skb_l4 u;
	__u8 proto;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk)
		return 1;
	proto = sk->protocol;
	if (proto == IPPROTO_TCP) {
		if (sk_dst_port(sk) != LW_DNS_PORT)
			return 1;
	} else if (proto != IPPROTO_UDP) {
		return 1;
	}
	owner = bpf_sk_storage_get(&sock_owner, sk, 0, 0);
	if (!owner || !(owner->flags & LW_SOCK_DNS))
		return 1;
	if (skb_parse_l4(skb, &u, proto) || u.sport != LW_DNS_PORT)
		return 1;
	skb_dns_response(skb, &u, bpf_get_socket_cookie(skb), owner);
	return 1;
}
