// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the DNS parser (userspace/dns.c): real captures, messages
 * built with tests/dns_build.h, and hostile ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "dns_build.h"
#include "dns.h"

/*
 * Real captures (2026-11-29, Debian 12, dnsmasq 2.90, glibc 2.36, dig 9.18)
 * in a private network namespace: a glibc getaddrinfo() A query, dnsmasq's
 * answers (an A, a CNAME for an AAAA query), and dnsmasq as the
 * authoritative server of "test" answering NXDOMAIN with the SOA.
 */
static const uint8_t glibc_query_a[] = { 0x77, 0xf8, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
					 0x00, 0x00, 0x00, 0x0c, 0x61, 0x75, 0x74, 0x6f, 0x64,
					 0x69, 0x73, 0x63, 0x6f, 0x76, 0x65, 0x72, 0x07, 0x65,
					 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f,
					 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01 };
static const uint8_t dig_query_edns[] = { 0xf6, 0xf8, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x01, 0x07, 0x6e, 0x6f, 0x74, 0x68, 0x69,
					  0x6e, 0x67, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00,
					  0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00,
					  0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
					  0x75, 0x27, 0xf1, 0xff, 0x52, 0xbe, 0x83, 0x69 };
static const uint8_t dnsmasq_answer_a[] = {
	0x10, 0x52, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x61, 0x75,
	0x74, 0x6f, 0x64, 0x69, 0x73, 0x63, 0x6f, 0x76, 0x65, 0x72, 0x07, 0x65, 0x78, 0x61, 0x6d,
	0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00,
	0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01
};
static const uint8_t dnsmasq_cname_aaaa[] = {
	0xdc, 0x7a, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x6d,
	0x61, 0x69, 0x6c, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f,
	0x6d, 0x00, 0x00, 0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x1a, 0x0c, 0x61, 0x75, 0x74, 0x6f, 0x64, 0x69, 0x73, 0x63, 0x6f,
	0x76, 0x65, 0x72, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f,
	0x6d, 0x00, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};
static const uint8_t dnsmasq_nxdomain_soa[] = {
	0xf6, 0xf8, 0x85, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x07, 0x6e,
	0x6f, 0x74, 0x68, 0x69, 0x6e, 0x67, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00,
	0x02, 0x58, 0x00, 0x31, 0x02, 0x6e, 0x73, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x0a,
	0x68, 0x6f, 0x73, 0x74, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72, 0x02, 0x6e, 0x73, 0x04,
	0x74, 0x65, 0x73, 0x74, 0x00, 0x6b, 0x0b, 0x71, 0x09, 0x00, 0x00, 0x04, 0xb0, 0x00,
	0x00, 0x00, 0xb4, 0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x29,
	0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};

static struct dns_msg msg; /* big: keep it off the stack */

static const uint8_t ip_a[4] = { 192, 0, 2, 1 };
static const uint8_t ip_b[4] = { 198, 51, 100, 7 };

static bool is_v4mapped(const uint8_t *a, const uint8_t v4[4])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a, prefix, 12) && !memcmp(a + 12, v4, 4);
}

static const char *text(const struct dns_name *n)
{
	static char buf[DNS_TEXT_MAX];

	dns_name_to_text(n, buf, sizeof(buf));
	return buf;
}

/* Fill a dns_name from wire bytes (for to_text tests). */
/* ---- real captures ---- */

static void test_capture_glibc_query(void)
{
	int err = dns_parse(glibc_query_a, sizeof(glibc_query_a), &msg);

	ASSERT_OK(err, "parse");
	ASSERT_EQ(msg.id, 0x77f8, "id");
	ASSERT_FALSE(msg.qr, "qr");
	ASSERT_EQ(msg.opcode, 0, "opcode");
	ASSERT_EQ(msg.n_q, 1, "n_q");
	ASSERT_EQ(msg.n_rr, 0, "n_rr");
	ASSERT_EQ(msg.q[0].type, DNS_T_A, "qtype");
	ASSERT_EQ(msg.q[0].qclass, 1, "qclass");
	ASSERT_EQ(msg.q[0].name.len, 26, "wire len");
	ASSERT_STREQ(text(&msg.q[0].name), "autodiscover.example.com", "name");
}

static void test_capture_dig_query_edns(void)
{
	int err = dns_parse(dig_query_edns, sizeof(dig_query_edns), &msg);

	ASSERT_OK(err, "parse");
	ASSERT_EQ(msg.arcount, 1, "arcount");
	ASSERT_EQ(msg.n_rr, 1, "OPT kept");
	ASSERT_EQ(msg.rr[0].type, DNS_T_OPT, "OPT");
	ASSERT_EQ(msg.rr[0].section, DNS_SEC_ADDITIONAL, "section");
	ASSERT_EQ(msg.rr[0].rdlength, 12, "cookie option skipped");
	ASSERT_STREQ(text(&msg.q[0].name), "nothing.test", "name");
}

static void test_capture_dnsmasq_answer(void)
{
	uint8_t addrs[4][16];
	int err = dns_parse(dnsmasq_answer_a, sizeof(dnsmasq_answer_a), &msg);

	ASSERT_OK(err, "parse");
	ASSERT_TRUE(msg.qr, "qr");
	ASSERT_EQ(msg.rcode, 0, "rcode");
	ASSERT_EQ(msg.n_rr, 1, "n_rr");
	ASSERT_EQ(msg.rr[0].type, DNS_T_A, "A");
	ASSERT_EQ(msg.rr[0].section, DNS_SEC_ANSWER, "section");
	ASSERT_TRUE(dns_name_equal(&msg.rr[0].name, &msg.q[0].name), "owner via pointer");
	ASSERT_TRUE(is_v4mapped(msg.rr[0].addr, (const uint8_t[4]){ 127, 0, 0, 1 }), "addr");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 1, "answer addrs");
	ASSERT_TRUE(is_v4mapped(addrs[0], (const uint8_t[4]){ 127, 0, 0, 1 }), "answer addr");
}

static void test_capture_dnsmasq_cname(void)
{
	uint8_t addrs[4][16];
	int err = dns_parse(dnsmasq_cname_aaaa, sizeof(dnsmasq_cname_aaaa), &msg);

	ASSERT_OK(err, "parse");
	ASSERT_EQ(msg.q[0].type, DNS_T_AAAA, "qtype");
	ASSERT_EQ(msg.n_rr, 2, "CNAME + OPT");
	ASSERT_EQ(msg.rr[0].type, DNS_T_CNAME, "CNAME");
	ASSERT_STREQ(text(&msg.rr[0].name), "mail.example.com", "owner");
	ASSERT_STREQ(text(&msg.rr[0].target), "autodiscover.example.com", "target");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 0, "no address");
}

static void test_capture_nxdomain_soa(void)
{
	int err = dns_parse(dnsmasq_nxdomain_soa, sizeof(dnsmasq_nxdomain_soa), &msg);

	ASSERT_OK(err, "parse");
	ASSERT_EQ(msg.rcode, 3, "rcode");
	ASSERT_STREQ(dns_rcode_name(msg.rcode), "NXDOMAIN", "rcode name");
	ASSERT_EQ(msg.n_rr, 2, "SOA + OPT");
	ASSERT_EQ(msg.rr[0].type, DNS_T_SOA, "SOA");
	ASSERT_EQ(msg.rr[0].section, DNS_SEC_AUTHORITY, "authority");
	ASSERT_EQ(msg.rr[0].ttl, 600, "ttl");
	ASSERT_STREQ(text(&msg.rr[0].name), "test", "SOA owner");
	ASSERT_EQ(msg.rr[1].section, DNS_SEC_ADDITIONAL, "OPT additional");
}

/* Every strict prefix of a valid message is a truncation, never malformed. */
static void test_capture_prefixes_truncated(void)
{
	const struct {
		const uint8_t *p;
		size_t n;
	} caps[] = {
		{ glibc_query_a, sizeof(glibc_query_a) },
		{ dig_query_edns, sizeof(dig_query_edns) },
		{ dnsmasq_answer_a, sizeof(dnsmasq_answer_a) },
		{ dnsmasq_cname_aaaa, sizeof(dnsmasq_cname_aaaa) },
		{ dnsmasq_nxdomain_soa, sizeof(dnsmasq_nxdomain_soa) },
	};
	size_t i, n;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		for (n = 0; n < caps[i].n; n++)
			if (!ASSERT_EQ(dns_parse(caps[i].p, n, &msg), DNS_ERR_TRUNCATED, "prefix"))
				return;
}

/* ---- built messages ---- */

static void test_build_all_types(void)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t buf[512];
	struct dnsb b;
	size_t at;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 5, 1, 0);
	dnsb_question(&b, "example.com", DNS_T_ANY, DNSB_C_IN);
	dnsb_a_p(&b, DNSB_QNAME, 60, ip_a);
	dnsb_aaaa_p(&b, DNSB_QNAME, 60, v6);
	dnsb_ptr(&b, DNSB_QNAME); /* MX 10 mx.example.com (compressed) */
	at = dnsb_rr_begin(&b, DNSB_T_MX, DNSB_C_IN, 60);
	dnsb_u16(&b, 10);
	dnsb_name_ptr(&b, "mx", DNSB_QNAME);
	dnsb_rr_end(&b, at);
	dnsb_name_ptr(&b, "_imaps._tcp", DNSB_QNAME); /* SRV 0 5 993 imap.example.com */
	at = dnsb_rr_begin(&b, DNSB_T_SRV, DNSB_C_IN, 60);
	dnsb_u16(&b, 0);
	dnsb_u16(&b, 5);
	dnsb_u16(&b, 993);
	dnsb_name(&b, "imap.example.com");
	dnsb_rr_end(&b, at);
	dnsb_ptr(&b, DNSB_QNAME); /* TXT: skipped by rdlength */
	dnsb_rr_raw(&b, 16, 60, 6, "\x05hello", 6);
	dnsb_ptr(&b, DNSB_QNAME); /* NS in authority */
	at = dnsb_rr_begin(&b, DNSB_T_NS, DNSB_C_IN, 60);
	dnsb_name_ptr(&b, "ns1", DNSB_QNAME);
	dnsb_rr_end(&b, at);
	if (!ASSERT_FALSE(b.err, "built"))
		return;

	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	if (!ASSERT_EQ(msg.n_rr, 6, "n_rr"))
		return;
	ASSERT_TRUE(is_v4mapped(msg.rr[0].addr, ip_a), "A");
	ASSERT_TRUE(!memcmp(msg.rr[1].addr, v6, 16), "AAAA");
	ASSERT_EQ(msg.rr[2].pref, 10, "MX pref");
	ASSERT_STREQ(text(&msg.rr[2].target), "mx.example.com", "MX exchange");
	ASSERT_STREQ(text(&msg.rr[3].name), "_imaps._tcp.example.com", "SRV owner");
	ASSERT_EQ(msg.rr[3].pref, 0, "SRV prio");
	ASSERT_EQ(msg.rr[3].weight, 5, "SRV weight");
	ASSERT_EQ(msg.rr[3].port, 993, "SRV port");
	ASSERT_STREQ(text(&msg.rr[3].target), "imap.example.com", "SRV target");
	ASSERT_EQ(msg.rr[4].type, 16, "TXT");
	ASSERT_EQ(msg.rr[5].section, DNS_SEC_AUTHORITY, "NS section");
	ASSERT_STREQ(text(&msg.rr[5].target), "ns1.example.com", "NS");
}

static void test_root_name(void)
{
	uint8_t buf[64];
	struct dnsb b;
	char t[8];

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_question(&b, ".", DNS_T_NS, DNSB_C_IN);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(msg.q[0].name.len, 1, "root is one byte");
	ASSERT_FALSE(dns_name_to_text(&msg.q[0].name, t, sizeof(t)), "no escape");
	ASSERT_STREQ(t, ".", "root text");
}

static void test_short_header(void)
{
	uint8_t buf[12] = { 0 };

	ASSERT_EQ(dns_parse(buf, 11, &msg), DNS_ERR_TRUNCATED, "11 bytes");
	ASSERT_EQ(msg.n_q + msg.n_rr, 0, "nothing kept");
	ASSERT_OK(dns_parse(buf, 12, &msg), "empty message");
	ASSERT_EQ(dns_parse(NULL, 0, &msg), DNS_ERR_TRUNCATED, "empty buffer");
}

static void test_trailing_garbage_accepted(void)
{
	uint8_t buf[64];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_raw(&b, "\xc0\xff\x3f junk", 8);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(msg.n_q, 1, "question");
}

static void test_too_many_questions_and_rrs(void)
{
	uint8_t buf[2048];
	struct dnsb b;
	int i;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 6, 70, 0, 0);
	for (i = 0; i < 6; i++)
		dnsb_question(&b, "q.test", DNS_T_A, DNSB_C_IN);
	for (i = 0; i < 70; i++)
		dnsb_a_p(&b, DNSB_QNAME, 1, ip_a);
	if (!ASSERT_FALSE(b.err, "built"))
		return;
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(msg.n_q, DNS_MAX_QUESTIONS, "questions kept");
	ASSERT_EQ(msg.n_rr, DNS_MAX_RRS, "rrs kept");
	ASSERT_EQ(msg.n_rr_dropped, 70 - DNS_MAX_RRS, "rrs dropped");
}

/* ---- names: lengths ---- */

/* A name of exactly total wire bytes (labels of up to 63). */
static void build_long_name(struct dnsb *b, size_t total)
{
	uint8_t label[63];
	size_t left = total - 1;

	memset(label, 'x', sizeof(label));
	while (left) {
		size_t l = left - 1 > 63 ? 63 : left - 1;

		dnsb_label(b, label, l);
		left -= l + 1;
	}
	dnsb_u8(b, 0);
}

static int parse_qname_of_len(size_t total)
{
	uint8_t buf[400];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	build_long_name(&b, total);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	return dns_parse(buf, b.len, &msg);
}

static void test_name_255_256(void)
{
	ASSERT_OK(parse_qname_of_len(255), "255 bytes");
	ASSERT_EQ(msg.q[0].name.len, 255, "len");
	ASSERT_EQ(strlen(text(&msg.q[0].name)), 253, "text len");
	ASSERT_EQ(parse_qname_of_len(256), DNS_ERR_MALFORMED, "256 bytes");
	ASSERT_EQ(parse_qname_of_len(300), DNS_ERR_MALFORMED, "300 bytes");
}

static void test_label_types(void)
{
	uint8_t buf[128];
	uint8_t label[64];
	struct dnsb b;

	memset(label, 'y', sizeof(label));
	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_label(&b, label, 64); /* 0x40: type 01 */
	dnsb_u8(&b, 0);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "64-byte label");

	buf[12] = 0x80; /* type 10 */
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "label type 10");
	buf[12] = 63;
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "63 then garbage label");
	buf[12] = 62; /* 62 'y' then a 'y' (0x79) label type 01 */
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "0x79 label");
}

/* ---- names: compression, hostile ---- */

static void test_pointer_to_itself(void)
{
	uint8_t buf[64];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "c00c at 12");

	/* label "a" then a pointer back to the name's own start */
	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_name_ptr(&b, "a", DNSB_QNAME);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "a + c00c");
}

/*
 * RR1 has an unknown type whose rdata is a pointer to RR2's owner; RR2's
 * owner is a pointer to RR1's rdata: the first jump goes back, the second
 * forward, and is refused.
 */
static void test_pointer_pair_loop(void)
{
	uint8_t buf[64];
	struct dnsb b;
	size_t rdata;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 0, 2, 0, 0);
	dnsb_u8(&b, 0);
	rdata = b.len + 10;
	dnsb_rr_raw(&b, 999, 0, 2, "\xc0\x00", 2);
	buf[rdata + 1] = (uint8_t)b.len; /* RR2 starts here */
	dnsb_ptr(&b, (uint16_t)rdata);
	dnsb_rr_raw(&b, DNS_T_A, 0, 4, ip_a, 4);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "mutual pointers");
	ASSERT_EQ(msg.n_rr, 1, "RR1 kept");
}

static void test_forward_pointer(void)
{
	uint8_t buf[64];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_ptr(&b, 18); /* to the "a.test" just after */
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	dnsb_name(&b, "a.test");
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "forward");
}

static void test_pointer_past_end(void)
{
	uint8_t buf[64];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 1, 0, 0, 0);
	dnsb_ptr(&b, 0x3fff);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "past end");
	/* and a pointer whose second byte is missing: a cut capture */
	ASSERT_EQ(dns_parse(buf, 13, &msg), DNS_ERR_TRUNCATED, "half a pointer");
}

/* A backwards pointer into the header: bytes there are read as labels. */
static void test_pointer_into_header(void)
{
	uint8_t buf[64];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 0x0000, 0x0000, 1, 0, 0, 0);
	dnsb_ptr(&b, 2); /* flags 00 00: the root name */
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "root via header");
	ASSERT_EQ(msg.q[0].name.len, 1, "root");
	dnsb_patch16(&b, 12, 0xc005); /* qdcount 00 [01, ancount 00, 00]: "\x01\x00\x00" */
	ASSERT_OK(dns_parse(buf, b.len, &msg), "label from the counts");
	ASSERT_STREQ(text(&msg.q[0].name), "\\000", "a one-NUL label");
}

/* A chain of backward pointers that expands past 255 bytes. */
static void test_pointer_chain_too_long(void)
{
	uint8_t buf[1024];
	struct dnsb b;
	uint16_t prev;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 3, 0, 0, 0);
	build_long_name(&b, 200); /* q1: 200 bytes */
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	prev = (uint16_t)b.len; /* q2: 50 bytes of labels + q1 = 250 */
	dnsb_labels(&b, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	dnsb_name_ptr(&b, "bbbbbbbbb", prev); /* q3: 10 + 250 = 260 */
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "260 bytes via pointers");
	ASSERT_EQ(msg.n_q, 2, "first two kept");
	ASSERT_EQ(msg.q[1].name.len, 250, "q2 len");

	dnsb_init(&b, buf, sizeof(buf)); /* and 255 exactly is fine */
	dnsb_header(&b, 1, DNSB_QUERY, 2, 0, 0, 0);
	build_long_name(&b, 250);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	dnsb_name_ptr(&b, "abcd", DNSB_QNAME);
	dnsb_u16(&b, DNS_T_A);
	dnsb_u16(&b, DNSB_C_IN);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "255 via pointer");
	ASSERT_EQ(msg.q[1].name.len, 255, "len 255");
}

/* ---- counts and lengths ---- */

static void test_lying_counts(void)
{
	uint8_t buf[128];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_QUERY, 2, 0, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_TRUNCATED, "qdcount 2, one question");
	ASSERT_EQ(msg.n_q, 1, "question kept");

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 3, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_a_p(&b, DNSB_QNAME, 1, ip_a);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_TRUNCATED, "ancount 3, one answer");
	ASSERT_EQ(msg.n_rr, 1, "answer kept");
	ASSERT_TRUE(is_v4mapped(msg.rr[0].addr, ip_a), "kept addr");

	dnsb_set_count(&b, 1, 0xffff);
	dnsb_set_count(&b, 3, 0xffff);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_TRUNCATED, "ancount 65535");
}

static void test_rdlength_past_end(void)
{
	uint8_t buf[128];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 2, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_a_p(&b, DNSB_QNAME, 1, ip_a);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, 16, 1, 200, "\x05short", 6);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_TRUNCATED, "rdlength 200");
	ASSERT_EQ(msg.n_rr, 1, "first kept");
}

static void test_bad_rdlength(void)
{
	uint8_t buf[128];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, DNS_T_A, 1, 5, "\x01\x02\x03\x04\x05", 5);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "A rdlength 5");

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_AAAA, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, DNS_T_AAAA, 1, 4, ip_a, 4);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "AAAA rdlength 4");

	/* CNAME whose name ends before rdlength */
	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, DNS_T_CNAME, 1, 5,
		    "\x01"
		    "b\x00zz",
		    5);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "CNAME shorter");

	/* CNAME whose name runs past rdlength (rdlength 2 of "\x01b\x00") */
	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, DNS_T_CNAME, 1, 2,
		    "\x01"
		    "b\x00",
		    3);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "CNAME longer");

	/* MX and SRV too short for their fixed fields */
	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 1, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_MX, DNSB_C_IN);
	dnsb_ptr(&b, DNSB_QNAME);
	dnsb_rr_raw(&b, DNS_T_MX, 1, 2, "\x00\x0a", 2);
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "MX rdlength 2");
	buf[b.len - 8] = DNS_T_SRV; /* type low byte: same rdata as SRV */
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "SRV rdlength 2");
}

/* ---- CNAME chains ---- */

static void test_cname_chain(void)
{
	uint8_t buf[256], addrs[4][16];
	struct dnsb b;
	uint16_t b_off, c_off;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 5, 0, 0);
	dnsb_question(&b, "A.Example.COM", DNS_T_A, DNSB_C_IN);
	dnsb_a(&b, "other.example.com", 1, ip_b); /* not on the chain */
	b_off = dnsb_cname_p(&b, DNSB_QNAME, 1, "b", DNSB_QNAME + 2);
	c_off = dnsb_cname_p(&b, b_off, 1, "c", DNSB_QNAME + 2);
	dnsb_a_p(&b, c_off, 1, ip_a);
	dnsb_cname(&b, "x.example.com", 1, "c.example.com"); /* a side branch */
	if (!ASSERT_FALSE(b.err, "built"))
		return;
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_STREQ(text(&msg.rr[1].target), "b.Example.COM", "b");
	ASSERT_STREQ(text(&msg.rr[2].target), "c.Example.COM", "c");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 1, "one address");
	ASSERT_TRUE(is_v4mapped(addrs[0], ip_a), "c's address");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 0), 0, "max 0");
}

static void test_cname_loop(void)
{
	uint8_t buf[256], addrs[4][16];
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 3, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_cname(&b, "a.test", 1, "b.test");
	dnsb_cname(&b, "b.test", 1, "a.test");
	dnsb_a(&b, "z.test", 1, ip_a);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 0, "loop: nothing");

	dnsb_init(&b, buf, sizeof(buf)); /* a CNAME to itself, with an A */
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 2, 0, 0);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_cname(&b, "a.test", 1, "a.test");
	dnsb_a(&b, "a.test", 1, ip_b);
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse self");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 1, "self loop stops");
}

static void test_cname_chain_bounded(void)
{
	uint8_t buf[1024], addrs[4][16];
	char owner[16], target[16];
	struct dnsb b;
	int i;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 31, 0, 0);
	dnsb_question(&b, "h0.test", DNS_T_A, DNSB_C_IN);
	for (i = 0; i < 30; i++) {
		snprintf(owner, sizeof(owner), "h%d.test", i);
		snprintf(target, sizeof(target), "h%d.test", i + 1);
		dnsb_cname(&b, owner, 1, target);
	}
	dnsb_a(&b, "h30.test", 1, ip_a);
	if (!ASSERT_FALSE(b.err, "built"))
		return;
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 0, "30 hops: past the bound");
}

static void test_answer_addrs_only_answer_section(void)
{
	uint8_t buf[256], addrs[4][16];
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct dnsb b;

	dnsb_init(&b, buf, sizeof(buf));
	dnsb_header(&b, 1, DNSB_RESPONSE, 1, 2, 0, 1);
	dnsb_question(&b, "a.test", DNS_T_A, DNSB_C_IN);
	dnsb_a_p(&b, DNSB_QNAME, 1, ip_a);
	dnsb_aaaa_p(&b, DNSB_QNAME, 1, v6);
	dnsb_a_p(&b, DNSB_QNAME, 1, ip_b); /* additional: not an answer */
	ASSERT_OK(dns_parse(buf, b.len, &msg), "parse");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 4), 2, "two answers");
	ASSERT_TRUE(!memcmp(addrs[1], v6, 16), "AAAA");
	ASSERT_EQ(dns_answer_addrs(&msg, addrs, 1), 1, "max 1");

	dnsb_set_count(&b, 0, 0); /* no question: no chain to follow */
	ASSERT_EQ(dns_parse(buf, b.len, &msg), DNS_ERR_MALFORMED, "pointer to nothing");
}

/* ---- TCP ---- */

static void test_tcp_prefix(void)
{
	uint8_t frame[128];
	size_t n = dnsb_tcp_frame(frame, sizeof(frame), dnsmasq_answer_a, sizeof(dnsmasq_answer_a));

	if (!ASSERT_EQ(n, sizeof(dnsmasq_answer_a) + 2, "framed"))
		return;
	ASSERT_OK(dns_parse_tcp(frame, n, &msg), "exact");
	ASSERT_EQ(msg.n_rr, 1, "answer via pointer, offsets from the message");
	ASSERT_EQ(dns_parse_tcp(frame, n - 1, &msg), DNS_ERR_TRUNCATED, "buffer shorter");
	ASSERT_EQ(dns_parse_tcp(frame, 1, &msg), DNS_ERR_TRUNCATED, "half a prefix");
	ASSERT_EQ(dns_parse_tcp(frame, 0, &msg), DNS_ERR_TRUNCATED, "nothing");

	memset(frame + n, 0xc0, 10); /* the next message's bytes follow */
	ASSERT_OK(dns_parse_tcp(frame, n + 10, &msg), "buffer longer");
	ASSERT_EQ(msg.n_rr, 1, "still one answer");

	/* prefix shorter than the message: cuts the answer */
	frame[1] = (uint8_t)(frame[1] - 3);
	ASSERT_EQ(dns_parse_tcp(frame, n, &msg), DNS_ERR_TRUNCATED, "prefix cuts the message");
	ASSERT_EQ(msg.n_rr, 0, "answer not kept");
	/* a complete message cut by the buffer but not by its own counts */
	n = dnsb_tcp_frame(frame, sizeof(frame), glibc_query_a, sizeof(glibc_query_a));
	frame[1] = (uint8_t)(frame[1] + 5);
	ASSERT_EQ(dns_parse_tcp(frame, n, &msg), DNS_ERR_TRUNCATED, "prefix longer than buffer");
	ASSERT_EQ(msg.n_q, 1, "question kept");
}

static void test_type_rcode_names(void)
{
	ASSERT_STREQ(dns_type_name(DNS_T_A), "A", "A");
	ASSERT_STREQ(dns_type_name(DNS_T_AAAA), "AAAA", "AAAA");
	ASSERT_STREQ(dns_type_name(DNS_T_HTTPS), "HTTPS", "HTTPS");
	ASSERT_STREQ(dns_type_name(123), "TYPE123", "unknown");
	ASSERT_STREQ(dns_type_name(65535), "TYPE65535", "max");
	ASSERT_STREQ(dns_rcode_name(0), "NOERROR", "0");
	ASSERT_STREQ(dns_rcode_name(2), "SERVFAIL", "2");
	ASSERT_STREQ(dns_rcode_name(5), "REFUSED", "5");
	ASSERT_STREQ(dns_rcode_name(15), "RCODE15", "15");
}

int main(void)
{
	RUN_TEST(test_capture_glibc_query);
	RUN_TEST(test_capture_dig_query_edns);
	RUN_TEST(test_capture_dnsmasq_answer);
	RUN_TEST(test_capture_dnsmasq_cname);
	RUN_TEST(test_capture_nxdomain_soa);
	RUN_TEST(test_capture_prefixes_truncated);
	RUN_TEST(test_build_all_types);
	RUN_TEST(test_root_name);
	RUN_TEST(test_short_header);
	RUN_TEST(test_trailing_garbage_accepted);
	RUN_TEST(test_too_many_questions_and_rrs);
	RUN_TEST(test_name_255_256);
	RUN_TEST(test_label_types);
	RUN_TEST(test_pointer_to_itself);
	RUN_TEST(test_pointer_pair_loop);
	RUN_TEST(test_forward_pointer);
	RUN_TEST(test_pointer_past_end);
	RUN_TEST(test_pointer_into_header);
	RUN_TEST(test_pointer_chain_too_long);
	RUN_TEST(test_lying_counts);
	RUN_TEST(test_rdlength_past_end);
	RUN_TEST(test_bad_rdlength);
	RUN_TEST(test_cname_chain);
	RUN_TEST(test_cname_loop);
	RUN_TEST(test_cname_chain_bounded);
	RUN_TEST(test_answer_addrs_only_answer_section);
	RUN_TEST(test_tcp_prefix);
	RUN_TEST(test_type_rcode_names);
	return test_summary();
}
