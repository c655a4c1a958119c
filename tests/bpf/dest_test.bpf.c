// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Test programs for BPF_PROG_TEST_RUN: the production destination decision
 * (bpf/dest.bpf.h: is it evidence, is it refused under --enforce) without
 * the sock_addr context of the hooks. raw_tp runs in the test process, so
 * "current" is the test itself, as it is the caller of connect() for the
 * hooks. The destination is test_addr; the result lands in test_ret.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dest.bpf.h"

__u8 test_addr[16];
__u16 test_port;
__u8 test_proto;
int test_ret;
/* dest_check_owner()'s socket owner, as egress finds it in sk_storage. */
struct lw_sock_owner test_owner;
/* Who the test process is to the kernel (test_whoami). */
struct lw_proc_id test_me;

/* connect() and sendmsg(): dest_check() for the current process. */
SEC("raw_tp")
int test_check(void *ctx)
{
	__u8 addr[16];

	__builtin_memcpy(addr, test_addr, 16);
	test_ret = dest_check(addr, test_port, test_proto);
	return 0;
}

/* Egress, a connected UDP socket's first datagram: dest_check_owner(). */
SEC("raw_tp")
int test_check_owner(void *ctx)
{
	__u8 addr[16];

	__builtin_memcpy(addr, test_addr, 16);
	test_ret = dest_check_owner(&test_owner, addr, test_port, test_proto);
	return 0;
}

SEC("raw_tp")
int test_whoami(void *ctx)
{
	proc_current_id(&test_me);
	return 0;
}

/* A reserved lookup by the test process, as the DNS and libc paths taint
 * it: args[0] set, a suspicious one (its follow-on window opens). */
SEC("raw_tp")
int test_taint(__u64 *args)
{
	struct lw_proc_id id;

	proc_current_id(&id);
	taint_mark(&id, args[0] != 0);
	return 0;
}

/* test_addr answered to a reserved query of the test process (suffix
 * args[0], family args[1]), as the answer walks record it. */
SEC("raw_tp")
int test_answer(__u64 *args)
{
	struct lw_proc_id id;
	__u8 addr[16];

	proc_current_id(&id);
	__builtin_memcpy(addr, test_addr, 16);
	answer_record(addr, &id, (__u32)args[0], (__u8)args[1]);
	return 0;
}
