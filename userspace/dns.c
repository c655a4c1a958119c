// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * DNS message parser (RFC 1035 §4, RFC 3596, RFC 2782) for the reports.
 *
 * Why not glibc's libresolv (ns_initparse/ns_parserr/ns_name_uncompress):
 * it hands names back only in presentation form, already unescaped and
 * re-escaped its own way, while the report must match exactly the wire
 * bytes the kernel matched and flag hostile bytes (dots, NULs, controls
 * inside labels) instead of silently rewriting them. It also answers EMSGSIZE
 * for both a capture that was cut short and a message that is broken, and
 * we must tell the two apart: a cut capture (LW_DNS_CAPTURE bytes) still
 * carries the records before the cut, a broken one is an anomaly.
 *
 * Strictness: every length is checked against the buffer; a compression
 * pointer must point strictly before the start of the label sequence it
 * appears in (so each jump goes further back and loops cannot exist); an
 * expanded name is at most 255 wire bytes; label types 01 and 10 are refused.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "dns.h"

#define DNS_HDR_LEN 12
#define DNS_RR_FIXED 10 /* type, class, ttl, rdlength */
#define DNS_CNAME_HOPS 16

struct cursor {
	const uint8_t *buf;
	size_t len;
	size_t off;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Read the name at c->off into out and move c->off past it (past the first
 * pointer when compressed). Running off the end of the buffer in the name's
 * own bytes is a truncation; doing so after a jump is malformed, because a
 * valid pointer only ever refers to bytes already seen.
 */
static int parse_name(struct cursor *c, struct dns_name *out)
{
	size_t pos = c->off, end = 0;
	size_t seq_start = pos; /* start of the current label run */
	bool jumped = false;

	out->len = 0;
	for (;;) {
		uint8_t l;

		if (pos >= c->len)
			return jumped ? DNS_ERR_MALFORMED : DNS_ERR_TRUNCATED;
		l = c->buf[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 2 > c->len)
				return jumped ? DNS_ERR_MALFORMED : DNS_ERR_TRUNCATED;
			target = get16(c->buf + pos) & 0x3fff;
			/* Strictly before this label sequence: each jump goes back. */
			if (target >= seq_start)
				return DNS_ERR_MALFORMED;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			pos = seq_start = target;
			continue;
		}
		if (l & 0xc0) /* 01 (extended, RFC 6891) and 10 are not used */
			return DNS_ERR_MALFORMED;
		if (out->len + 1 + l > DNS_NAME_MAX)
			return DNS_ERR_MALFORMED;
		if (pos + 1 + l > c->len)
			return jumped ? DNS_ERR_MALFORMED : DNS_ERR_TRUNCATED;
		memcpy(out->wire + out->len, c->buf + pos, 1 + (size_t)l);
		out->len += 1 + l;
		pos += 1 + (size_t)l;
		if (!l)
			break;
	}
	c->off = jumped ? end : pos;
	return DNS_OK;
}

static int parse_question(struct cursor *c, struct dns_msg *msg)
{
	struct dns_question q;
	int err;

	err = parse_name(c, &q.name);
	if (err)
		return err;
	if (c->off + 4 > c->len)
		return DNS_ERR_TRUNCATED;
	q.type = get16(c->buf + c->off);
	q.qclass = get16(c->buf + c->off + 2);
	c->off += 4;
	if (msg->n_q < DNS_MAX_QUESTIONS)
		msg->q[msg->n_q++] = q;
	return DNS_OK;
}

/*
 * A name inside rdata: it may be compressed, but must end exactly where
 * rdlength says. The cursor is bounded by the rdata, so running past it is
 * malformed, not truncated (the whole rdata is known to be in the buffer).
 */
static int parse_rdata_name(const struct cursor *c, size_t off, size_t rdend, struct dns_name *out)
{
	struct cursor rc = { .buf = c->buf, .len = rdend, .off = off };
	int err;

	err = parse_name(&rc, out);
	if (err)
		return DNS_ERR_MALFORMED;
	return rc.off == rdend ? DNS_OK : DNS_ERR_MALFORMED;
}

static int parse_rdata(const struct cursor *c, struct dns_rr *rr)
{
	size_t off = c->off, end = c->off + rr->rdlength;
	const uint8_t *p = c->buf + off;
	uint32_t v4;

	switch (rr->type) {
	case DNS_T_A:
		if (rr->rdlength != 4)
			return DNS_ERR_MALFORMED;
		memcpy(&v4, p, 4);
		addr_from_v4(v4, rr->addr);
		return DNS_OK;
	case DNS_T_AAAA:
		if (rr->rdlength != 16)
			return DNS_ERR_MALFORMED;
		memcpy(rr->addr, p, 16);
		return DNS_OK;
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
		return parse_rdata_name(c, off, end, &rr->target);
	case DNS_T_MX:
		if (rr->rdlength < 3)
			return DNS_ERR_MALFORMED;
		rr->pref = get16(p);
		return parse_rdata_name(c, off + 2, end, &rr->target);
	case DNS_T_SRV:
		if (rr->rdlength < 7)
			return DNS_ERR_MALFORMED;
		rr->pref = get16(p);
		rr->weight = get16(p + 2);
		rr->port = get16(p + 4);
		return parse_rdata_name(c, off + 6, end, &rr->target);
	default:
		/* OPT, TXT, SOA, SVCB/HTTPS and unknown types: skipped by rdlength. */
		return DNS_OK;
	}
}

static int parse_rr(struct cursor *c, struct dns_msg *msg, uint8_t section)
{
	struct dns_rr rr;
	const uint8_t *p;
	int err;

	memset(&rr, 0, sizeof(rr));
	err = parse_name(c, &rr.name);
	if (err)
		return err;
	if (c->off + DNS_RR_FIXED > c->len)
		return DNS_ERR_TRUNCATED;
	p = c->buf + c->off;
	rr.type = get16(p);
	rr.rclass = get16(p + 2);
	rr.ttl = get32(p + 4);
	rr.rdlength = get16(p + 8);
	rr.section = section;
	c->off += DNS_RR_FIXED;
	if (c->off + rr.rdlength > c->len)
		return DNS_ERR_TRUNCATED;
	err = parse_rdata(c, &rr);
	if (err)
		return err;
	c->off += rr.rdlength;
	if (msg->n_rr < DNS_MAX_RRS)
		msg->rr[msg->n_rr++] = rr;
	else
		msg->n_rr_dropped++;
	return DNS_OK;
}

static void parse_header(const uint8_t *buf, struct dns_msg *msg)
{
	msg->id = get16(buf);
	msg->flags = get16(buf + 2);
	msg->qr = msg->flags >> 15;
	msg->opcode = (msg->flags >> 11) & 0xf;
	msg->tc = (msg->flags >> 9) & 1;
	msg->rcode = msg->flags & 0xf;
	msg->qdcount = get16(buf + 4);
	msg->ancount = get16(buf + 6);
	msg->nscount = get16(buf + 8);
	msg->arcount = get16(buf + 10);
}

/*
 * Counts that lie (more records than the buffer holds) end in a truncation:
 * every record costs at least 5 bytes, so the loops are bounded by len.
 */
int dns_parse(const uint8_t *buf, size_t len, struct dns_msg *msg)
{
	struct cursor c = { .buf = buf, .len = len, .off = DNS_HDR_LEN };
	const uint16_t *counts[] = { &msg->ancount, &msg->nscount, &msg->arcount };
	unsigned int i, s;
	int err;

	msg->n_q = msg->n_rr = msg->n_rr_dropped = 0;
	if (len < DNS_HDR_LEN) {
		msg->id = msg->flags = msg->qdcount = msg->ancount = 0;
		msg->nscount = msg->arcount = 0;
		msg->qr = msg->tc = false;
		msg->opcode = msg->rcode = 0;
		return DNS_ERR_TRUNCATED;
	}
	parse_header(buf, msg);
	for (i = 0; i < msg->qdcount; i++) {
		err = parse_question(&c, msg);
		if (err)
			return err;
	}
	for (s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++) {
		for (i = 0; i < *counts[s]; i++) {
			err = parse_rr(&c, msg, (uint8_t)s);
			if (err)
				return err;
		}
	}
	/*
	 * Bytes after the last counted record are accepted and ignored: some
	 * middleboxes pad, and nothing in them is ever used.
	 */
	return DNS_OK;
}

int dns_parse_tcp(const uint8_t *buf, size_t len, struct dns_msg *msg)
{
	size_t mlen;
	int err;

	if (len < 2) {
		dns_parse(buf, 0, msg); /* clears msg */
		return DNS_ERR_TRUNCATED;
	}
	mlen = get16(buf);
	/* Bytes past the prefixed length belong to the next message. */
	if (len - 2 >= mlen)
		return dns_parse(buf + 2, mlen, msg);
	err = dns_parse(buf + 2, len - 2, msg);
	return err == DNS_OK ? DNS_ERR_TRUNCATED : err;
}

static const struct dns_rr *find_cname(const struct dns_msg *msg, const struct dns_name *owner)
{
	size_t i;

	for (i = 0; i < msg->n_rr; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		if (rr->section == DNS_SEC_ANSWER && rr->type == DNS_T_CNAME &&
		    dns_name_equal(&rr->name, owner))
			return rr;
	}
	return NULL;
}

static bool in_chain(const struct dns_name *const *chain, size_t n, const struct dns_name *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (dns_name_equal(chain[i], name))
			return true;
	return false;
}

/*
 * Addresses of every name on the chain are taken, not only the last one: a
 * resolver that answers both "a CNAME b" and "a A x" is broken, but x is
 * still an address the process may now connect to.
 */
size_t dns_answer_addrs(const struct dns_msg *msg, uint8_t (*out)[16], size_t max)
{
	const struct dns_name *chain[DNS_CNAME_HOPS + 1];
	size_t n_chain = 0, n = 0, i;

	if (!msg->n_q)
		return 0;
	chain[n_chain++] = &msg->q[0].name;
	while (n_chain < DNS_CNAME_HOPS + 1) {
		const struct dns_rr *cn = find_cname(msg, chain[n_chain - 1]);

		if (!cn || in_chain(chain, n_chain, &cn->target))
			break; /* end of the chain, or a loop */
		chain[n_chain++] = &cn->target;
	}
	for (i = 0; i < msg->n_rr && n < max; i++) {
		const struct dns_rr *rr = &msg->rr[i];

		if (rr->section != DNS_SEC_ANSWER ||
		    (rr->type != DNS_T_A && rr->type != DNS_T_AAAA))
			continue;
		if (in_chain(chain, n_chain, &rr->name))
			memcpy(out[n++], rr->addr, 16);
	}
	return n;
}

const char *dns_type_name(uint16_t type)
{
	static __thread char buf[16];

	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_NS:
		return "NS";
	case DNS_T_CNAME:
		return "CNAME";
	case DNS_T_SOA:
		return "SOA";
	case DNS_T_PTR:
		return "PTR";
	case DNS_T_MX:
		return "MX";
	case DNS_T_TXT:
		return "TXT";
	case DNS_T_AAAA:
		return "AAAA";
	case DNS_T_SRV:
		return "SRV";
	case DNS_T_OPT:
		return "OPT";
	case DNS_T_SVCB:
		return "SVCB";
	case DNS_T_HTTPS:
		return "HTTPS";
	case DNS_T_ANY:
		return "ANY";
	}
	snprintf(buf, sizeof(buf), "TYPE%u", type); /* RFC 3597 §5 */
	return buf;
}

const char *dns_rcode_name(uint8_t rcode)
{
	static const char *const names[] = {
		"NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
	};
	static __thread char buf[16];

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	snprintf(buf, sizeof(buf), "RCODE%u", rcode);
	return buf;
}
