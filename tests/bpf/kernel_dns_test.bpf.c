// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test programs for BPF_PROG_TEST_RUN: the real packet parser and DNS logic
 * (bpf/dns_skb.bpf.h, linked with bpf/dns.bpf.c) without the socket checks
 * of the production hooks, which a test run's dummy socket cannot pass.
 * The socket cookie is fixed so a query and its response join.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dns_skb.bpf.h"

#define TEST_COOKIE 0x1eaf

SEC("cgroup_skb/egress")
int test_query(struct __sk_buff *skb)
{
	struct skb_udp u;

	if (skb_parse_udp(skb, &u) || u.dport != 53)
		return 1;
	skb_dns_query(skb, &u, TEST_COOKIE);
	return 1;
}

SEC("cgroup_skb/ingress")
int test_response(struct __sk_buff *skb)
{
	struct lw_sock_owner owner = {};
	struct skb_udp u;

	if (skb_parse_udp(skb, &u) || u.sport != 53)
		return 1;
	proc_fill_owner(&owner);
	owner.flags = LW_SOCK_DNS;
	skb_dns_response(skb, &u, TEST_COOKIE, &owner);
	return 1;
}
