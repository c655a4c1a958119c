// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The kernel's own floor for the skb DNS backend: an empty cgroup_skb
 * egress + ingress pair. Attached at the same cgroup v2 root as leakwatch,
 * it measures what merely having a program on every packet costs; the skb
 * backend's body is judged against it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("cgroup_skb/egress")
int floor_egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("cgroup_skb/ingress")
int floor_ingress(struct __sk_buff *skb)
{
	return 1;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
