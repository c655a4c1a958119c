// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The libc probes: uprobe at the entry of getaddrinfo(), gethostbyname(),
 * gethostbyname2() and their _r forms, one uretprobe for all of their
 * returns. The loader attaches each program to every C library in use
 * (glibc and musl, the host's and the containers'), by symbol. Uprobes are
 * host-wide: only watched tasks are considered, at entry (proc_in_scope()).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "libc.bpf.h"

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
