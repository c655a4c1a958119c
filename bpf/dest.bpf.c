// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Destinations, from the cgroup sock_addr hooks: connect4/6 for TCP (and
 * for UDP sockets, which only arms the first datagram), sendmsg4/6 for UDP
 * datagrams that carry an address. They run in the caller's context before
 * the route lookup (an unroutable connect is still seen), for every network
 * namespace under the cgroup, and cost nothing on unrelated syscalls.
 *
 * Sockets that talk to port 53 get their owner stored in sk_storage: the
 * DNS response arrives in softirq, where the current task is the sender.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "addr.bpf.h"
#include "dest.bpf.h"
#include "payload.bpf.h"

/* Each ctx field read must be a constant offset from ctx itself. */
#define ADDR6_COPY(ctx, out)                                                                       \
	do {                                                                                       \
		__u32 ___w[4] = { (ctx)->user_ip6[0], (ctx)->user_ip6[1], (ctx)->user_ip6[2],      \
				  (ctx)->user_ip6[3] };                                            \
		__builtin_memcpy(out, ___w, 16);                                                   \
	} while (0)

/* Remember who owns a socket that talks DNS (a watched process's). */
static __always_inline void mark_dns_socket(struct bpf_sock_addr *ctx)
{
	struct lw_sock_owner *owner;

	if (!proc_watched())
		return;
	owner = proc_sock_owner_create(ctx->sk);
	if (owner)
		proc_own_dns_socket(owner);
}

/*
 * A UDP connect() sends nothing: glibc and musl connect a UDP socket to
 * every getaddrinfo() answer only to sort them (RFC 6724). Arm the socket
 * instead; egress reports it when a datagram really leaves.
 */
static __always_inline void arm_udp_socket(struct bpf_sock_addr *ctx, const __u8 addr[16],
					   __u16 port)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct lw_sock_owner *owner;
	struct lw_taint *t;
	struct lw_answer *a;

	if (!dest_lookup(tgid, addr, &t, &a) || !proc_watched())
		return;
	owner = proc_sock_owner_create(ctx->sk);
	if (!owner)
		return;
	proc_fill_owner(owner);
	__builtin_memcpy(owner->udp_dst, addr, 16);
	owner->udp_dport = port;
	owner->flags |= LW_SOCK_UDP_PENDING;
}

static __always_inline int on_connect(struct bpf_sock_addr *ctx, const __u8 addr[16])
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	if (port == LW_DNS_PORT) {
		mark_dns_socket(ctx);
		return 1;
	}
	if (ctx->type == SOCK_DGRAM) {
		arm_udp_socket(ctx, addr, port);
		return 1;
	}
	payload_mark(ctx, addr, port);
	return dest_check(addr, port, IPPROTO_TCP);
}

static __always_inline int on_sendmsg(struct bpf_sock_addr *ctx, const __u8 addr[16])
{
	__u16 port = bpf_ntohs((__u16)ctx->user_port);

	if (port == LW_DNS_PORT) {
		mark_dns_socket(ctx);
		return 1;
	}
	return dest_check(addr, port, IPPROTO_UDP);
}

SEC("cgroup/connect4")
int lw_connect4(struct bpf_sock_addr *ctx)
{
	__u32 ip4 = ctx->user_ip4;
	__u8 addr[16];

	v4mapped(addr, &ip4);
	return on_connect(ctx, addr);
}

/* A v4-mapped destination on an IPv6 socket shows here as ::ffff:a.b.c.d,
 * the same key as connect4's. */
SEC("cgroup/connect6")
int lw_connect6(struct bpf_sock_addr *ctx)
{
	__u8 addr[16];

	ADDR6_COPY(ctx, addr);
	return on_connect(ctx, addr);
}

SEC("cgroup/sendmsg4")
int lw_sendmsg4(struct bpf_sock_addr *ctx)
{
	__u32 ip4 = ctx->user_ip4;
	__u8 addr[16];

	v4mapped(addr, &ip4);
	return on_sendmsg(ctx, addr);
}

SEC("cgroup/sendmsg6")
int lw_sendmsg6(struct bpf_sock_addr *ctx)
{
	__u8 addr[16];

	ADDR6_COPY(ctx, addr);
	return on_sendmsg(ctx, addr);
}
