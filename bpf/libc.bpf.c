// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The libc probes: uprobe at the entry of getaddrinfo(), gethostbyname(),
 * gethostbyname2() and their _r forms, one uretprobe for all of their
 * returns. The loader attaches each program to every C library in use
 * (glibc and musl, the host's and the containers'), by symbol. Uprobes are
 * host-wide: only watched tasks are considered, at entry (proc_in_scope()).
 *
 * And the walkers of what they return (an addrinfo list, a hostent), as
 * global functions (libc.bpf.h), which the BPF tests link on their own.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "libc.bpf.h"

/* Append addr (v4-mapped when 4 bytes) unless it repeats the last one
 * (glibc lists each address once per socket type, consecutively). The
 * count lives in the scratch slot (s->n_addrs) for the verifier's sake. */
static __always_inline void libc_add_addr(struct lw_scratch *s, const __u8 *a, bool v4)
{
	__u32 n = s->n_addrs;
	__u8 *dst, *prev;

	if (n >= LW_LIBC_MAX_ADDRS)
		return;
	dst = &s->msg[(LIBC_ADDRS_OFF + (n & 15) * 16) & MSG_MASK];
	if (v4)
		v4mapped(dst, a);
	else
		__builtin_memcpy(dst, a, 16);
	if (n > 0) {
		prev = &s->msg[(LIBC_ADDRS_OFF + ((n - 1) & 15) * 16) & MSG_MASK];
		if (((__u64 *)prev)[0] == ((__u64 *)dst)[0] &&
		    ((__u64 *)prev)[1] == ((__u64 *)dst)[1])
			return;
	}
	s->n_addrs = n + 1;
}

#define LIBC_MAX_NODES 48 /* addrinfo nodes walked: 16 addresses x 3 socket types */

/* struct addrinfo, the same on glibc and musl (LP64). */
struct lw_addrinfo {
	__s32 ai_flags;
	__s32 ai_family;
	__s32 ai_socktype;
	__s32 ai_protocol;
	__u32 ai_addrlen;
	__u32 pad;
	__u64 ai_addr;
	__u64 ai_canonname;
	__u64 ai_next;
};

int libc_walk_addrinfo(__u32 slot, __u64 ai)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	struct lw_addrinfo node;
	__u8 a[16];
	int i;

	if (!s)
		return 0;
	s->n_addrs = 0;
	for (i = 0; i < LIBC_MAX_NODES && ai; i++) {
		if (bpf_probe_read_user(&node, sizeof(node), (const void *)ai))
			break;
		/* sockaddr_in: address at 4; sockaddr_in6: at 8 */
		if (node.ai_family == LW_AF_INET && node.ai_addr &&
		    !bpf_probe_read_user(a, 4, (const void *)(node.ai_addr + 4)))
			libc_add_addr(s, a, true);
		else if (node.ai_family == LW_AF_INET6 && node.ai_addr &&
			 !bpf_probe_read_user(a, 16, (const void *)(node.ai_addr + 8)))
			libc_add_addr(s, a, false);
		ai = node.ai_next;
	}
	return s->n_addrs;
}

/* struct hostent (LP64): h_name, h_aliases, h_addrtype, h_length, h_addr_list. */
struct lw_hostent {
	__u64 h_name;
	__u64 h_aliases;
	__s32 h_addrtype;
	__s32 h_length;
	__u64 h_addr_list;
};

int libc_walk_hostent(__u32 slot, __u64 he)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	struct lw_hostent h;
	__u64 p;
	__u8 a[16];
	int i;

	if (!s)
		return 0;
	s->n_addrs = 0;
	if (!he || bpf_probe_read_user(&h, sizeof(h), (const void *)he))
		return 0;
	if (!h.h_addr_list || !((h.h_addrtype == LW_AF_INET && h.h_length == 4) ||
				(h.h_addrtype == LW_AF_INET6 && h.h_length == 16)))
		return 0;
	for (i = 0; i < LW_LIBC_MAX_ADDRS; i++) {
		if (bpf_probe_read_user(&p, sizeof(p), (const void *)(h.h_addr_list + i * 8)) || !p)
			break;
		if (h.h_length == 4) {
			if (bpf_probe_read_user(a, 4, (const void *)p))
				break;
			libc_add_addr(s, a, true);
		} else {
			if (bpf_probe_read_user(a, 16, (const void *)p))
				break;
			libc_add_addr(s, a, false);
		}
	}
	return s->n_addrs;
}

/* The sixth argument (gethostbyname2_r's result), which libbpf 1.1's
 * bpf_tracing.h does not name. */
#if defined(__TARGET_ARCH_x86)
#define LW_PARM6(ctx) ((ctx)->r9)
#elif defined(__TARGET_ARCH_arm64)
#define LW_PARM6(ctx) (((struct user_pt_regs *)(ctx))->regs[5])
#else
#define LW_PARM6(ctx) 0
#endif

SEC("uprobe")
int BPF_KPROBE(lw_getaddrinfo, const char *node, const char *service, const void *hints, void *res)
{
	if (proc_in_scope())
		libc_enter(LW_LIBC_GETADDRINFO, (__u64)node, (__u64)res, PT_REGS_SP(ctx));
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(lw_gethostbyname, const char *name)
{
	if (proc_in_scope())
		libc_enter(LW_LIBC_GETHOSTBYNAME, (__u64)name, 0, PT_REGS_SP(ctx));
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(lw_gethostbyname2, const char *name)
{
	if (proc_in_scope())
		libc_enter(LW_LIBC_GETHOSTBYNAME2, (__u64)name, 0, PT_REGS_SP(ctx));
	return 0;
}

/* gethostbyname_r(name, ret, buf, buflen, result, h_errnop) */
SEC("uprobe")
int BPF_KPROBE(lw_gethostbyname_r, const char *name, void *ret, void *buf, __u64 buflen,
	       void *result)
{
	if (proc_in_scope())
		libc_enter(LW_LIBC_GETHOSTBYNAME_R, (__u64)name, (__u64)result, PT_REGS_SP(ctx));
	return 0;
}

/* gethostbyname2_r(name, af, ret, buf, buflen, result, h_errnop) */
SEC("uprobe")
int BPF_KPROBE(lw_gethostbyname2_r, const char *name)
{
	if (proc_in_scope())
		libc_enter(LW_LIBC_GETHOSTBYNAME2_R, (__u64)name, (__u64)LW_PARM6(ctx),
			   PT_REGS_SP(ctx));
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(lw_libc_return, long ret)
{
	libc_exit(ret);
	return 0;
}
