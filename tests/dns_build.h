/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small DNS message builder for tests: well-formed messages as real
 * resolvers send them, and hostile ones (loops, forward pointers, lying
 * counts) byte by byte. Self-contained (only <stdint.h> and <string.h>) so
 * the BPF_PROG_TEST_RUN tests can wrap its output in a frame.
 *
 *	uint8_t buf[512];
 *	struct dnsb b;
 *
 *	dnsb_init(&b, buf, sizeof(buf));
 *	dnsb_header(&b, 0x1234, DNSB_RESPONSE, 1, 1, 0, 0);
 *	dnsb_question(&b, "example.com", 1, 1);		// name at offset 12
 *	dnsb_a_p(&b, DNSB_QNAME, 300, (uint8_t[4]){ 93, 184, 215, 14 });
 *	// b.len bytes of buf are the message; b.err is set if it overflowed
 *
 * Names are given as dotted text without escapes ("." or "" is the root);
 * dnsb_label() writes any bytes as one label, dnsb_ptr() a pointer.
 */
#ifndef __LW_DNS_BUILD_H
#define __LW_DNS_BUILD_H

#include <stdint.h>
#include <string.h>

#define DNSB_QUERY 0x0100    /* RD */
#define DNSB_RESPONSE 0x8180 /* QR RD RA, NOERROR */
#define DNSB_NXDOMAIN 0x8183 /* QR RD RA, NXDOMAIN */
#define DNSB_QNAME 12	     /* offset of the first question's name */

#define DNSB_T_A 1
#define DNSB_T_NS 2
#define DNSB_T_CNAME 5
#define DNSB_T_SOA 6
#define DNSB_T_MX 15
#define DNSB_T_AAAA 28
#define DNSB_T_SRV 33
#define DNSB_T_OPT 41
#define DNSB_C_IN 1

struct dnsb {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* set once anything did not fit; len stops growing */
};

static inline void dnsb_init(struct dnsb *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
}

static inline void dnsb_raw(struct dnsb *b, const void *p, size_t n)
{
	if (b->err || n > b->cap - b->len) {
		b->err = 1;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void dnsb_u8(struct dnsb *b, uint8_t v)
{
	dnsb_raw(b, &v, 1);
}

static inline void dnsb_u16(struct dnsb *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	dnsb_raw(b, p, 2);
}

static inline void dnsb_u32(struct dnsb *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	dnsb_raw(b, p, 4);
}

/* Overwrite a big-endian u16 already written (counts, rdlength). */
static inline void dnsb_patch16(struct dnsb *b, size_t off, uint16_t v)
{
	if (off + 2 > b->len)
		return;
	b->buf[off] = (uint8_t)(v >> 8);
	b->buf[off + 1] = (uint8_t)v;
}

static inline void dnsb_header(struct dnsb *b, uint16_t id, uint16_t flags, uint16_t qd,
			       uint16_t an, uint16_t ns, uint16_t ar)
{
	dnsb_u16(b, id);
	dnsb_u16(b, flags);
	dnsb_u16(b, qd);
	dnsb_u16(b, an);
	dnsb_u16(b, ns);
	dnsb_u16(b, ar);
}

/* Header counts: 0 qd, 1 an, 2 ns, 3 ar. */
static inline void dnsb_set_count(struct dnsb *b, int which, uint16_t n)
{
	dnsb_patch16(b, 4 + 2 * (size_t)which, n);
}

/* One label of arbitrary bytes (no check: hostile lengths are the point). */
static inline void dnsb_label(struct dnsb *b, const void *p, size_t n)
{
	dnsb_u8(b, (uint8_t)n);
	dnsb_raw(b, p, n);
}

static inline void dnsb_ptr(struct dnsb *b, uint16_t off)
{
	dnsb_u16(b, (uint16_t)(0xc000 | off));
}

/* The labels of a dotted name, without the root label. */
static inline void dnsb_labels(struct dnsb *b, const char *name)
{
	while (name && *name && !(name[0] == '.' && !name[1])) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);

		dnsb_label(b, name, n);
		name += n + (dot ? 1 : 0);
	}
}

/* A full name; returns its offset, for pointers to it. */
static inline uint16_t dnsb_name(struct dnsb *b, const char *name)
{
	uint16_t off = (uint16_t)b->len;

	dnsb_labels(b, name);
	dnsb_u8(b, 0);
	return off;
}

/* prefix labels (may be NULL or "") then a pointer to ptr; returns offset. */
static inline uint16_t dnsb_name_ptr(struct dnsb *b, const char *prefix, uint16_t ptr)
{
	uint16_t off = (uint16_t)b->len;

	dnsb_labels(b, prefix);
	dnsb_ptr(b, ptr);
	return off;
}

static inline uint16_t dnsb_question(struct dnsb *b, const char *name, uint16_t type,
				     uint16_t qclass)
{
	uint16_t off = dnsb_name(b, name);

	dnsb_u16(b, type);
	dnsb_u16(b, qclass);
	return off;
}

/*
 * The fixed part of an RR after its owner name, with rdlength left for
 * dnsb_rr_end() to fill in; returns where the rdlength is.
 */
static inline size_t dnsb_rr_begin(struct dnsb *b, uint16_t type, uint16_t rclass, uint32_t ttl)
{
	size_t at;

	dnsb_u16(b, type);
	dnsb_u16(b, rclass);
	dnsb_u32(b, ttl);
	at = b->len;
	dnsb_u16(b, 0);
	return at;
}

static inline void dnsb_rr_end(struct dnsb *b, size_t rdlen_at)
{
	dnsb_patch16(b, rdlen_at, (uint16_t)(b->len - rdlen_at - 2));
}

/* An RR whose rdata is given raw, rdlength as given (it may lie). */
static inline void dnsb_rr_raw(struct dnsb *b, uint16_t type, uint32_t ttl, uint16_t rdlength,
			       const void *rdata, size_t n)
{
	dnsb_u16(b, type);
	dnsb_u16(b, DNSB_C_IN);
	dnsb_u32(b, ttl);
	dnsb_u16(b, rdlength);
	dnsb_raw(b, rdata, n);
}

/* A / AAAA, owner as text (dnsb_a) or as a pointer (dnsb_a_p). */
static inline void dnsb_a(struct dnsb *b, const char *owner, uint32_t ttl, const uint8_t a[4])
{
	dnsb_name(b, owner);
	dnsb_rr_raw(b, DNSB_T_A, ttl, 4, a, 4);
}

static inline void dnsb_a_p(struct dnsb *b, uint16_t owner, uint32_t ttl, const uint8_t a[4])
{
	dnsb_ptr(b, owner);
	dnsb_rr_raw(b, DNSB_T_A, ttl, 4, a, 4);
}

static inline void dnsb_aaaa(struct dnsb *b, const char *owner, uint32_t ttl, const uint8_t a[16])
{
	dnsb_name(b, owner);
	dnsb_rr_raw(b, DNSB_T_AAAA, ttl, 16, a, 16);
}

static inline void dnsb_aaaa_p(struct dnsb *b, uint16_t owner, uint32_t ttl, const uint8_t a[16])
{
	dnsb_ptr(b, owner);
	dnsb_rr_raw(b, DNSB_T_AAAA, ttl, 16, a, 16);
}

/* CNAME owner -> target, both as text; returns the target's offset. */
static inline uint16_t dnsb_cname(struct dnsb *b, const char *owner, uint32_t ttl,
				  const char *target)
{
	size_t at;
	uint16_t off;

	dnsb_name(b, owner);
	at = dnsb_rr_begin(b, DNSB_T_CNAME, DNSB_C_IN, ttl);
	off = dnsb_name(b, target);
	dnsb_rr_end(b, at);
	return off;
}

/*
 * CNAME, owner a pointer, target = target_prefix labels + a pointer to
 * target_ptr (as dnsmasq and BIND compress). Returns the target's offset.
 */
static inline uint16_t dnsb_cname_p(struct dnsb *b, uint16_t owner, uint32_t ttl,
				    const char *target_prefix, uint16_t target_ptr)
{
	size_t at;
	uint16_t off;

	dnsb_ptr(b, owner);
	at = dnsb_rr_begin(b, DNSB_T_CNAME, DNSB_C_IN, ttl);
	off = dnsb_name_ptr(b, target_prefix, target_ptr);
	dnsb_rr_end(b, at);
	return off;
}

/* An EDNS(0) OPT pseudo-RR (RFC 6891), as glibc/dnsmasq add it. */
static inline void dnsb_opt(struct dnsb *b, uint16_t udp_size)
{
	dnsb_u8(b, 0);
	dnsb_u16(b, DNSB_T_OPT);
	dnsb_u16(b, udp_size);
	dnsb_u32(b, 0);
	dnsb_u16(b, 0);
}

/* DNS over TCP: msg with its 2-byte length prefix, into out. Returns
 * 2 + len, or 0 if it does not fit. */
static inline size_t dnsb_tcp_frame(uint8_t *out, size_t cap, const uint8_t *msg, size_t len)
{
	if (len > 0xffff || len + 2 > cap)
		return 0;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, msg, len);
	return len + 2;
}

#endif /* __LW_DNS_BUILD_H */
