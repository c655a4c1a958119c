/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The `skb` DNS capture backend's packet half: find the UDP payload of an
 * IPv4 or IPv6 packet (cgroup_skb data starts at the network header), load
 * it into a scratch slot and hand it to the shared DNS logic. Kept apart from
 * the SEC programs so BPF_PROG_TEST_RUN tests can drive it directly.
 */
#ifndef __LW_DNS_SKB_BPF_H
#define __LW_DNS_SKB_BPF_H

#include <bpf/bpf_endian.h>
#include "dns.bpf.h"

#define ETH_P_IP_BE 0x0008   /* bpf_htons(ETH_P_IP) */
#define ETH_P_IPV6_BE 0xdd86 /* bpf_htons(ETH_P_IPV6) */

struct skb_udp {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u32 payload_off; /* first byte of the UDP payload */
	__u32 payload_len; /* per the UDP header */
};

/* Parse the IP and UDP headers. 0, or -1 for anything but a first (or
 * only) fragment of UDP without IPv6 extension headers. */
static __always_inline int skb_parse_udp(struct __sk_buff *skb, struct skb_udp *u)
{
	__u8 hdr[40];
	__u16 ports[4];
	__u32 off;

	__builtin_memset(u, 0, sizeof(*u));
	if (skb->protocol == ETH_P_IP_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 20))
			return -1;
		/* IPv4: version/IHL, protocol, no offset fragment */
		if (hdr[9] != IPPROTO_UDP || ((hdr[6] & 0x1f) | hdr[7]))
			return -1;
		off = (hdr[0] & 0x0f) * 4;
		if (off < 20)
			return -1;
		u->saddr[10] = u->saddr[11] = 0xff;
		u->daddr[10] = u->daddr[11] = 0xff;
		__builtin_memcpy(&u->saddr[12], &hdr[12], 4);
		__builtin_memcpy(&u->daddr[12], &hdr[16], 4);
	} else if (skb->protocol == ETH_P_IPV6_BE) {
		if (bpf_skb_load_bytes(skb, 0, hdr, 40))
			return -1;
		if (hdr[6] != IPPROTO_UDP)
			return -1;
		off = 40;
		__builtin_memcpy(u->saddr, &hdr[8], 16);
		__builtin_memcpy(u->daddr, &hdr[24], 16);
	} else {
		return -1;
	}
	if (bpf_skb_load_bytes(skb, off, ports, 8))
		return -1;
	u->sport = bpf_ntohs(ports[0]);
	u->dport = bpf_ntohs(ports[1]);
	u->payload_off = off + 8;
	u->payload_len = bpf_ntohs(ports[2]) >= 8 ? bpf_ntohs(ports[2]) - 8 : 0;
	return 0;
}

/* Load the DNS message into scratch slot and fill c. 0 or -1. */
static __always_inline int skb_load_dns(struct __sk_buff *skb, const struct skb_udp *u, __u32 slot,
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
	c->proto = IPPROTO_UDP;
	return 0;
}

/* A DNS query leaving on a UDP socket; current is the asker. */
static __always_inline void skb_dns_query(struct __sk_buff *skb, const struct skb_udp *u,
					  __u64 cookie)
{
	struct dns_ctx c = {};

	if (skb_load_dns(skb, u, SCRATCH_EGRESS, &c))
		return;
	c.cookie = cookie;
	__builtin_memcpy(c.peer, u->daddr, 16);
	c.peer_port = u->dport;
	dns_on_query(&c);
}

/* A DNS response arriving for owner's UDP socket. */
static __always_inline void skb_dns_response(struct __sk_buff *skb, const struct skb_udp *u,
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
