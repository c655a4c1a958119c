// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * --payload with the fentry DNS backend, which attaches no cgroup_skb
 * egress program of its own: this one scans the marked sockets
 * (payload.bpf.h) and does nothing else. With the skb backend the DNS
 * egress program does the same, so that a packet runs one program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "payload.bpf.h"

SEC("?cgroup_skb/egress")
int lw_payload_egress(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	__u32 v;

	if (!sk)
		return 1;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->protocol != IPPROTO_TCP)
		return 1;
	v = *(volatile __u32 *)&sk->dst_port;
	if (cfg_payload != LW_PAYLOAD_OFF && payload_class(bpf_ntohs((__u16)v)))
		return payload_tcp_egress(skb, sk);
	return 1;
}
