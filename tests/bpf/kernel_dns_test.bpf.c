// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test programs for BPF_PROG_TEST_RUN: the real packet parser and DNS logic
 * (bpf/dns_skb.bpf.h, linked with bpf/dns.bpf.c and bpf/libc.bpf.c)
 * without the socket checks of the production hooks, which a test run's
 * dummy socket cannot pass.
 * The socket cookie is fixed so a query and its response join.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dns_skb.bpf.h"
#include "libc.bpf.h"

#define TEST_COOKIE 0x1eaf

/* The asker the DNS programs are told of, set by the test: cgroup_skb
 * programs get it from the socket, never from the current task. */
__u32 test_tgid;
__u64 test_start_ns;

static __always_inline void test_owner(struct lw_sock_owner *o)
{
	o->id.tgid = test_tgid;
	o->id.start_ns = test_start_ns;
	o->uid = 0;
	__builtin_memcpy(o->comm, "test_kernel_dns", 16);
	o->flags = LW_SOCK_DNS;
}

SEC("cgroup_skb/egress")
int test_query(struct __sk_buff *skb)
{
	struct lw_sock_owner owner = {};
	struct skb_l4 u;

	if (skb_parse_udp(skb, &u) || u.dport != LW_DNS_PORT)
		return 1;
	test_owner(&owner);
	skb_dns_query(skb, &u, TEST_COOKIE, &owner);
	return 1;
}

SEC("cgroup_skb/ingress")
int test_response(struct __sk_buff *skb)
{
	struct lw_sock_owner owner = {};
	struct skb_l4 u;

	if (skb_parse_udp(skb, &u) || u.sport != LW_DNS_PORT)
		return 1;
	test_owner(&owner);
	skb_dns_response(skb, &u, TEST_COOKIE, &owner);
	return 1;
}

/* DNS over TCP: the same parser as lw_dns_egress/ingress take for a TCP
 * socket to port 53; the owner is the test process. */
SEC("cgroup_skb/egress")
int test_tcp_query(struct __sk_buff *skb)
{
	struct lw_sock_owner owner = {};
	struct skb_l4 u;

	if (skb_parse_l4(skb, &u, IPPROTO_TCP) || u.dport != LW_DNS_PORT)
		return 1;
	test_owner(&owner);
	skb_dns_query(skb, &u, TEST_COOKIE, &owner);
	return 1;
}

SEC("cgroup_skb/ingress")
int test_tcp_response(struct __sk_buff *skb)
{
	struct lw_sock_owner owner = {};
	struct skb_l4 u;

	if (skb_parse_l4(skb, &u, IPPROTO_TCP) || u.sport != LW_DNS_PORT)
		return 1;
	test_owner(&owner);
	skb_dns_response(skb, &u, TEST_COOKIE, &owner);
	return 1;
}

/* The libc uretprobe's work, run by BPF_PROG_TEST_RUN in the test process
 * (raw_tp runs in the caller, so user pointers are the test's own):
 * args[0] = func, args[1] = name, args[2] = result pointer, args[3] = ret. */
SEC("raw_tp")
int test_libc(__u64 *args)
{
	struct lw_libc_call call = {};

	call.func = args[0];
	call.name = args[1];
	call.result = args[2];
	libc_lookup_done(&call, (long)args[3]);
	return 0;
}
