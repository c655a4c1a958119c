// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The shared DNS helpers, as global functions (see dns.bpf.h for why):
 * each finds the message in its scratch slot, takes scalars and returns a
 * scalar. Every loop is bounded and every index masked.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "dns.bpf.h"

int dns_copy_name(__u32 slot, __u32 len, __u32 off)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	__u32 next = off, i;

	if (!s)
		return -1;
	__builtin_memset(s->name, 0, sizeof(s->name));
	__builtin_memset(s->pad, 0, sizeof(s->pad));
	for (i = 0; i < LW_DNS_NAME_MAX; i++) {
		__u32 pos = off + i;
		__u8 c;

		if (pos >= len)
			return -1;
		c = s->msg[pos & MSG_MASK];
		if (pos == next) {
			if (c == 0)
				return i + 1;
			if (c > 63)
				return -1;
			next = pos + c + 1;
		} else if (c >= 'A' && c <= 'Z') {
			c += 'a' - 'A';
		}
		s->name[i & NAME_MASK] = c;
	}
	return -1;
}

/*
 * Try every label start from the left whose remaining bytes fit a suffix
 * key and have the length of some suffix; the first hit is the longest. Whole labels only, so
 * notexample.com never matches example.com.
 */
long dns_match_suffix(__u32 slot, __u32 name_len)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	struct lw_suffix_val *v;
	__u32 start = 0, rem, i;

	if (!s)
		return -1;
	for (i = 0; i < LW_DNS_MAX_LABELS; i++) {
		__u8 c;

		if (start >= name_len || start > NAME_MASK)
			return -1;
		c = s->name[start & NAME_MASK];
		if (c == 0)
			return -1;
		/* One branch, not two: a second one doubles the states the
		 * verifier walks (and the time it takes) for this loop. */
		rem = name_len - start;
		if ((rem <= LW_SUFFIX_MAX) & cfg_suffix_len[rem & 127]) {
			v = bpf_map_lookup_elem(&suffixes, &s->name[start & NAME_MASK]);
			if (v)
				return ((long)v->flags << 40) | ((long)v->family << 32) | v->id;
		}
		start += c + 1;
	}
	return -1;
}

__u32 dns_skip_name(__u32 slot, __u32 len, __u32 off)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	__u32 i;

	if (!s)
		return 0;
	for (i = 0; i < LW_DNS_MAX_LABELS; i++) {
		__u8 c;

		if (off >= len)
			return 0;
		c = s->msg[off & MSG_MASK];
		if (c == 0)
			return off + 1;
		if ((c & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (c > 63)
			return 0;
		off += c + 1;
	}
	return 0;
}

static __always_inline bool read_answer_addr(struct lw_scratch *s, __u16 type, __u16 rdlen,
					     __u32 off, __u8 addr[16])
{
	__u8 ip4[4];
	__u32 j;

	if (type == 1 && rdlen == 4) {
		for (j = 0; j < 4; j++)
			ip4[j] = s->msg[(off + j) & MSG_MASK];
		v4mapped(addr, ip4);
		return true;
	}
	if (type == 28 && rdlen == 16) {
		for (j = 0; j < 16; j++)
			addr[j] = s->msg[(off + j) & MSG_MASK];
		return true;
	}
	return false;
}

/*
 * One answer's record data at off (type, rdlen already read): a global
 * A/AAAA goes to the answer set for scratch.owner; LW_DNS_SUSPICIOUS when
 * it breaks its family's rule. A global function of its own: inlined in
 * the walk below, its branches multiplied the verifier's states at every
 * unrolled iteration (840k instructions processed for the ingress program
 * on 6.1, 84 % of the limit and 10 s of load time under qemu); called,
 * it is checked once and returns an unknown scalar the walk just ORs in.
 */
int dns_one_answer(__u32 slot, __u32 type, __u32 rdlen, __u32 off)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	__u8 addr[16] = {};
	__u8 kind;

	if (!s || !read_answer_addr(s, type, rdlen, off, addr))
		return 0;
	kind = addr_kind(addr);
	if (kind == LW_ADDR_GLOBAL)
		answer_record(addr, &s->owner, s->suffix_id, s->family);
	return answer_violates(s->family, addr, kind) ? LW_DNS_SUSPICIOUS : 0;
}

int dns_walk_answers(__u32 slot, __u32 len, __u32 off)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	__u32 ancount, i;
	int flags = 0;

	if (!s)
		return LW_DNS_KERNEL_GAVEUP;
	ancount = dns_u16(s, 6);
	for (i = 0; i < LW_DNS_MAX_ANSWERS && i < ancount; i++) {
		__u16 type, rdlen;

		off = dns_skip_name(slot, len, off);
		if (!off || off + 10 > len)
			return flags | LW_DNS_KERNEL_GAVEUP;
		type = dns_u16(s, off);
		rdlen = dns_u16(s, off + 8);
		off += 10;
		if (off + rdlen > len)
			return flags | LW_DNS_KERNEL_GAVEUP;
		flags |= dns_one_answer(slot, type, rdlen, off);
		off += rdlen;
	}
	if (ancount > LW_DNS_MAX_ANSWERS)
		flags |= LW_DNS_KERNEL_GAVEUP;
	return flags;
}

/*
 * Dotted text to wire form: the length byte of the label that starts at
 * text index k sits at name[k] (name[0] for the first label), and text[i]
 * lands at name[i + 1]. One trailing dot is the root label.
 */
int dns_text_to_wire(__u32 slot, __u32 len)
{
	struct lw_scratch *s = bpf_map_lookup_elem(&scratch, &slot);
	__u32 i;

	if (!s)
		return -1;
	__builtin_memset(s->name, 0, sizeof(s->name));
	__builtin_memset(s->pad, 0, sizeof(s->pad));
	s->lab = 0;
	for (i = 0; i < LW_DNS_NAME_MAX; i++) {
		__u8 c = i < len ? s->msg[i & MSG_MASK] : 0;
		__u32 lab = s->lab, n;

		if (c != '.' && c != 0) {
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			s->name[(i + 1) & NAME_MASK] = c;
			continue;
		}
		n = i - lab;
		if (n > 63)
			return -1;
		if (n == 0) /* empty label: a trailing dot's root, or an error */
			return c == 0 && i > 0 ? (int)i + 1 : -1;
		s->name[lab & NAME_MASK] = n;
		s->lab = i + 1;
		if (c == 0)
			return i + 2 <= LW_DNS_NAME_MAX ? (int)i + 2 : -1;
	}
	return -1;
}
