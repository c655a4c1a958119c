/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Addresses as every map key and event holds them: 16 bytes, IPv4
 * v4-mapped (::ffff:a.b.c.d, headers/leakwatch.h), so one key type serves
 * both families. Every hook that reads an IPv4 address maps it here.
 */
#ifndef __LW_ADDR_BPF_H
#define __LW_ADDR_BPF_H

#include <bpf/bpf_endian.h>

/* The socket families, which vmlinux.h does not define (they are macros). */
#define LW_AF_INET 2
#define LW_AF_INET6 10

/* out = ::ffff:ip4, ip4 the 4 bytes of an IPv4 address in network order. */
static __always_inline void v4mapped(__u8 out[16], const void *ip4)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(&out[12], ip4, 4);
}

static __always_inline bool is_v4mapped(const __u8 a[16])
{
	return ((const __u32 *)a)[0] == 0 && ((const __u32 *)a)[1] == 0 &&
	       ((const __u32 *)a)[2] == bpf_htonl(0xffff);
}

#endif /* __LW_ADDR_BPF_H */
