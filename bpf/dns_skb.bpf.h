/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The `skb` DNS capture backend's packet half: find the DNS message in a UDP
 * datagram or TCP segment of an IPv4 or IPv6 packet (cgroup_skb data starts at the network header), load
 * it into a scratch slot and hand it to the shared DNS logic. Kept apart from
 * the SEC programs so BPF_PROG_TEST_RUN tests can drive it directly.
 */
#ifndef __LW_DNS_SKB_BPF_H
#define __LW_DNS_SKB_BPF_H

#include <bpf/bpf_endian.h>
#include "addr.bpf.h"
#include "dns.bpf.h"

#define ETH_P_IP_BE 0x0008   /* bpf_htons(ETH_P_IP) */
#define ETH_P_IPV6_BE 0xdd86 /* bpf_htons(ETH_P_IPV6) */

struct skb_l4 {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u32 payload_off; /* first byte of the DNS message */
	__u32 payload_len; /* its length on the wire: UDP header or TCP prefix */
	__u8 proto;	   /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 pad[3];
};

/*
 * Parse the IP and UDP or TCP header (proto: the socket's protocol). 0, or
 * -1 for anything but a first (or only) fragment without IPv6 extension
 * headers, and for a TCP segment without payload. DNS over TCP (RFC 7766)
 * prefixes each message with its 2-byte length: a segment is taken as the
 * start of a message, so a message is seen when it begins a segment (the
 * first data segment of each direction, and every later one that starts a
 * message); the pending join and the question match reject the rest.
 */
static __always_inline int skb_parse_l4(struct __sk_buff *skb, struct skb_l4 *u, __u8 proto)
{
	__u8 hdr[40];
	__u16 ports[4];
	__u32 off, ip_len;
	__u8 doff, pfx[2];

	__builtin_memset(u, 0, sizeof(*u));
	if (skb->protocol == ETH_P_IP_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 20))
			return -1;
		/* IPv4: version/IHL, protocol, no offset fragment */
		if (hdr[9] != proto || ((hdr[6] & 0x1f) | hdr[7]))
			return -1;
		off = (hdr[0] & 0x0f) * 4;
		if (off < 20)
			return -1;
		ip_len = ((__u32)hdr[2] << 8) | hdr[3];
		v4mapped(u->saddr, &hdr[12]);
		v4mapped(u->daddr, &hdr[16]);
	} else if (skb->protocol == ETH_P_IPV6_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 40))
			return -1;
		if (hdr[6] != proto)
			return -1;
		off = 40;
		ip_len = 40 + (((__u32)hdr[4] << 8) | hdr[5]);
		__builtin_memcpy(u->saddr, &hdr[8], 16);
		__builtin_memcpy(u->daddr, &hdr[24], 16);
	} else {
		return -1;
	}
	if (bpf_skb_load_bytes(skb, off, ports, 8))
		return -1;
	u->sport = bpf_ntohs(ports[0]);
	u->dport = bpf_ntohs(ports[1]);
	u->proto = proto;
	if (proto == IPPROTO_UDP) {
		u->payload_off = off + 8;
		u->payload_len = bpf_ntohs(ports[2]) >= 8 ? bpf_ntohs(ports[2]) - 8 : 0;
		return 0;
	}
	/* TCP: data offset, then the length prefix; GSO packets carry a
	 * zero IP length, so fall back on the skb's. */
	if (bpf_skb_load_bytes(skb, off + 12, &doff, 1))
		return -1;
	off += (doff >> 4) * 4;
	if (!ip_len || ip_len > skb->len)
		ip_len = skb->len;
	if ((doff >> 4) < 5 || off + 2 + DNS_HDR_LEN > ip_len)
		return -1;
	if (bpf_skb_load_bytes(skb, off, pfx, 2))
		return -1;
	u->payload_off = off + 2;
	u->payload_len = ((__u32)pfx[0] << 8) | pfx[1];
	return u->payload_len >= DNS_HDR_LEN ? 0 : -1;
}

/* UDP only (the test programs' entry point). */
static __always_inline int skb_parse_udp(struct __sk_buff *skb, struct skb_l4 *u)
{
	return skb_parse_l4(skb, u, IPPROTO_UDP);
}

/* Load the DNS message into scratch slot and fill c. 0 or -1. */
static __always_inline int skb_load_dns(struct __sk_buff *skb, const struct skb_l4 *u, __u32 slot,
					struct dns_ctx *c)
{
	long n = (long)skb->len - u->payload_off;

	c->s = bpf_map_lookup_elem(&scratch, &slot);
	if (!c->s || n < DNS_HDR_LEN)
		return -1;
	if (n > LW_DNS_CAPTURE)
		n = LW_DNS_CAPTURE;
	/* The verifier needs the length visibly in [1, LW_DNS_CAPTURE]. */
	if (n <= 0 || bpf_skb_load_bytes(skb, u->payload_off, c->s->msg, n))
		return -1;
	/* Bytes past n are stale from an earlier message: every read is
	 * bounded by c->len, and userspace gets payload_len. */
	c->slot = slot;
	c->len = n;
	c->wire_len = u->payload_len;
	c->proto = u->proto;
	/* TCP: a segment may also carry the start of the next message. */
	if (u->proto == IPPROTO_TCP && c->len > c->wire_len)
		c->len = c->wire_len;
	return 0;
}

/* A DNS query leaving owner's socket (its owner was stored at connect or
 * sendmsg time: this runs in softirq for some TCP segments, and cgroup_skb
 * may not read the current task on older kernels anyway). */
static __always_inline void skb_dns_query(struct __sk_buff *skb, const struct skb_l4 *u,
					  __u64 cookie, const struct lw_sock_owner *owner)
{
	struct dns_ctx c = {};

	if (skb_load_dns(skb, u, SCRATCH_EGRESS, &c))
		return;
	c.cookie = cookie;
	__builtin_memcpy(c.peer, u->daddr, 16);
	c.peer_port = u->dport;
	dns_on_query(&c, owner);
}

/* A DNS response arriving for owner's socket. */
static __always_inline void skb_dns_response(struct __sk_buff *skb, const struct skb_l4 *u,
					     __u64 cookie, const struct lw_sock_owner *owner)
{
	struct dns_ctx c = {};

	if (skb_load_dns(skb, u, SCRATCH_INGRESS, &c))
		return;
	c.cookie = cookie;
	__builtin_memcpy(c.peer, u->saddr, 16);
	c.peer_port = u->sport;
	dns_on_response(&c, owner);
}

#endif /* __LW_DNS_SKB_BPF_H */
