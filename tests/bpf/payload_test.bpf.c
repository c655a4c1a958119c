// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The production payload scanner (bpf/payload.bpf.h, linked with
 * bpf/payload.bpf.c and the DNS helpers) on a crafted TCP segment, for
 * BPF_PROG_TEST_RUN: a test run's dummy socket has no sk_storage, so the
 * socket's state is test_sock, which the test sets before each run.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "payload.bpf.h"

struct lw_payload_sock test_sock;

SEC("cgroup_skb/egress")
int test_payload(struct __sk_buff *skb)
{
	if (!(test_sock.flags & LW_PSOCK_DONE))
		payload_segment(skb, &test_sock);
	return 1;
}
