// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the DNS name codec (userspace/dns_name.c): text to wire form
 * with the reason a text is no name, the label walk, and wire form back to
 * presentation text, hostile bytes included.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "dns.h"
#include "dns_name.h"

static void wire_name(struct dns_name *n, const void *wire, size_t len)
{
	memcpy(n->wire, wire, len);
	n->len = (uint16_t)len;
}

/* ---- text to wire ---- */

static void test_name_validate(void)
{
	char err[512], name[400];

	ASSERT_OK(dns_name_validate("example.com", err, sizeof(err)), "plain");
	ASSERT_OK(dns_name_validate("example.com.", err, sizeof(err)), "trailing dot");
	ASSERT_OK(dns_name_validate(".", err, sizeof(err)), "the root");
	ASSERT_OK(dns_name_validate("_dmarc.example.com", err, sizeof(err)), "underscore");
	ASSERT_OK(dns_name_validate("has space.test", err, sizeof(err)), "DNS allows any byte");
	ASSERT_OK(dns_name_validate("b\xc3\xbc"
				    "cher.test",
				    err, sizeof(err)),
		  "UTF-8");
	ASSERT_EQ(dns_name_validate("", err, sizeof(err)), -EINVAL, "empty");
	ASSERT_STREQ(err, "empty name", "why");
	ASSERT_EQ(dns_name_validate("a..b", err, sizeof(err)), -EINVAL, "a..b");
	ASSERT_STREQ(err, "empty label", "why");
	ASSERT_EQ(dns_name_validate("..", err, sizeof(err)), -EINVAL, "..");
	ASSERT_EQ(dns_name_validate(".a", err, sizeof(err)), -EINVAL, ".a");
	ASSERT_EQ(dns_name_validate("a..", err, sizeof(err)), -EINVAL, "a..");
	ASSERT_EQ(dns_name_validate("tab\there.test", err, sizeof(err)), -EINVAL, "control");
	ASSERT_STREQ(err, "control character in name", "why");
	ASSERT_EQ(dns_name_validate("del\x7f.test", err, sizeof(err)), -EINVAL, "DEL");

	memset(name, 'a', 63);
	strcpy(name + 63, ".test");
	ASSERT_OK(dns_name_validate(name, err, sizeof(err)), "63-byte label");
	memset(name, 'a', 64);
	strcpy(name + 64, ".test");
	ASSERT_EQ(dns_name_validate(name, err, sizeof(err)), -EINVAL, "64-byte label");
	ASSERT_STREQ(err, "label longer than 63 bytes", "why");

	/* 3 x 63 + 61 bytes of labels: 255 wire bytes, the maximum. */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	ASSERT_OK(dns_name_validate(name, err, sizeof(err)), "255 wire bytes");
	strcpy(name + 253, ".");
	ASSERT_OK(dns_name_validate(name, err, sizeof(err)), "255 wire bytes, trailing dot");
	name[253] = 'a';
	name[254] = '\0';
	ASSERT_EQ(dns_name_validate(name, err, sizeof(err)), -EINVAL, "256 wire bytes");
	ASSERT_STREQ(err, "name longer than 255 bytes in wire form", "why");
}

static void test_name_from_text(void)
{
	static const uint8_t want[] = "\x03www\x07"
				      "example\x03"
				      "com";
	uint8_t wire[256];
	int len;

	len = dns_name_from_text("WWW.Example.COM.", wire, sizeof(wire), NULL);
	ASSERT_EQ(len, sizeof(want), "length incl. root");
	ASSERT_TRUE(!memcmp(wire, want, sizeof(want)), "lowercase wire");
	ASSERT_EQ(dns_name_from_text(".", wire, sizeof(wire), NULL), 1, "root");
	ASSERT_EQ(wire[0], 0, "root byte");
	ASSERT_EQ(dns_name_from_text("www.example.com", wire, 16, NULL), -EINVAL, "too small");
	ASSERT_EQ(dns_name_from_text("www.example.com", wire, 17, NULL), 17, "exact fit");
	ASSERT_EQ(dns_name_from_text("a..b", wire, sizeof(wire), NULL), -EINVAL, "invalid");
}

static void test_name_canon(void)
{
	char out[DNS_NAME_MAX + 1];

	ASSERT_EQ(dns_name_canon("WWW.Example.COM.", out), 15, "length");
	ASSERT_STREQ(out, "www.example.com", "lowercase, no trailing dot");
	ASSERT_EQ(dns_name_canon("B\xc3\x9c.test", out), 8, "length, UTF-8");
	ASSERT_STREQ(out, "b\xc3\x9c.test", "only ASCII folds");
}

static void test_wire_labels(void)
{
	uint16_t starts[DNS_NAME_LABELS];
	uint8_t wire[DNS_NAME_MAX + 8];
	size_t total;
	int i;

	ASSERT_EQ(dns_wire_labels((const uint8_t *)"\x03www\x04test\x00", 10, starts, &total), 2,
		  "two labels");
	ASSERT_EQ(starts[0], 0, "first");
	ASSERT_EQ(starts[1], 4, "second");
	ASSERT_EQ(total, 10, "total incl. root");
	ASSERT_EQ(dns_wire_labels((const uint8_t *)"\x00", 1, starts, &total), 0, "root");
	ASSERT_EQ(total, 1, "root total");
	ASSERT_EQ(dns_wire_labels((const uint8_t *)"\x03www", 4, starts, &total), -1, "no root");
	ASSERT_EQ(dns_wire_labels((const uint8_t *)"\xc0\x0c", 2, starts, &total), -1, "pointer");
	ASSERT_EQ(dns_wire_labels((const uint8_t *)"\x40", 1, starts, &total), -1, "64-byte label");
	/* 128 one-byte labels: the root would sit at byte 256. */
	for (i = 0; i < 128; i++) {
		wire[2 * i] = 1;
		wire[2 * i + 1] = 'a';
	}
	wire[256] = 0;
	ASSERT_EQ(dns_wire_labels(wire, sizeof(wire), starts, &total), -1, "over 255 bytes");
	wire[254] = 0;
	ASSERT_EQ(dns_wire_labels(wire, sizeof(wire), starts, &total), 127, "255 bytes");
	ASSERT_EQ(total, 255, "255 total");
}

/* ---- presentation form ---- */

static void test_to_text_plain(void)
{
	struct dns_name n;
	char t[64];

	wire_name(&n,
		  "\x03www\x07"
		  "Example\x03"
		  "com\x00",
		  17);
	ASSERT_FALSE(dns_name_to_text(&n, t, sizeof(t)), "no escape");
	ASSERT_STREQ(t, "www.Example.com", "text");
	wire_name(&n, "\x01-\x01_\x01~\x01!\x00", 9);
	ASSERT_FALSE(dns_name_to_text(&n, t, sizeof(t)), "printable edges");
	ASSERT_STREQ(t, "-._.~.!", "text edges");
}

static void test_to_text_escapes(void)
{
	struct dns_name n;
	char t[DNS_TEXT_MAX];

	wire_name(&n,
		  "\x03"
		  "a.b\x00",
		  5);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "dot escaped");
	ASSERT_STREQ(t, "a\\.b", "dot");
	wire_name(&n,
		  "\x03"
		  "a\\b\x01\"\x00",
		  7);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "backslash/quote");
	ASSERT_STREQ(t, "a\\\\b.\\\"", "backslash/quote text");
	wire_name(&n,
		  "\x05"
		  "a\nb\x01\x7f\x00",
		  7);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "controls");
	ASSERT_STREQ(t, "a\\010b\\001\\127", "controls text");
	wire_name(&n, "\x04 \xff\xc3\xa9\x00", 6);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "space/high bytes");
	ASSERT_STREQ(t, "\\032\\255\\195\\169", "space/high text");
	wire_name(&n, "\x02\x00\x00\x00", 4);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "NUL bytes");
	ASSERT_STREQ(t, "\\000\\000", "NUL text");
	/* forged JSON in a label */
	wire_name(&n, "\x0d\"}\n{\"type\":\"x\x00", 15);
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "forged");
	ASSERT_STREQ(t, "\\\"}\\010{\\\"type\\\":\\\"x", "forged text");
}

static void test_to_text_worst_case_fits(void)
{
	struct dns_name n;
	char t[DNS_TEXT_MAX];
	size_t i;

	/* 255 bytes: 4 labels, every byte \DDD */
	memset(n.wire, 0xff, sizeof(n.wire));
	n.wire[0] = 63;
	n.wire[64] = 63;
	n.wire[128] = 63;
	n.wire[192] = 61;
	n.wire[254] = 0;
	n.len = 255;
	ASSERT_TRUE(dns_name_to_text(&n, t, sizeof(t)), "escaped");
	ASSERT_EQ(strlen(t), 250 * 4 + 3, "all of it");
	ASSERT_TRUE(strlen(t) < DNS_TEXT_MAX, "fits DNS_TEXT_MAX");

	/* small buffers: always terminated, never half an escape */
	for (i = 1; i < 12; i++) {
		dns_name_to_text(&n, t, i);
		if (!ASSERT_EQ(strlen(t) % 4, 0, "whole escapes") ||
		    !ASSERT_TRUE(strlen(t) < i, "terminated"))
			return;
	}
	ASSERT_FALSE(dns_name_to_text(&n, t, 0), "len 0");
}

static void test_to_text_bogus_len(void)
{
	struct dns_name n;
	char t[32];

	/* a label that claims more bytes than the name has */
	wire_name(&n,
		  "\x3f"
		  "ab",
		  3);
	dns_name_to_text(&n, t, sizeof(t));
	ASSERT_STREQ(t, "ab", "stops at len");
	n.len = 0;
	dns_name_to_text(&n, t, sizeof(t));
	ASSERT_STREQ(t, ".", "empty is root");
}

static void test_name_equal(void)
{
	struct dns_name a, b;

	wire_name(&a, "\x03WwW\x04TEST\x00", 10);
	wire_name(&b, "\x03www\x04test\x00", 10);
	ASSERT_TRUE(dns_name_equal(&a, &b), "case");
	wire_name(&b, "\x03www\x04tesu\x00", 10);
	ASSERT_FALSE(dns_name_equal(&a, &b), "differs");
	wire_name(&b, "\x03www\x00", 5);
	ASSERT_FALSE(dns_name_equal(&a, &b), "length");
	/* only ASCII folds: 0xc9 is not 0xe9 */
	wire_name(&a, "\x01\xc9\x00", 3);
	wire_name(&b, "\x01\xe9\x00", 3);
	ASSERT_FALSE(dns_name_equal(&a, &b), "no latin-1 folding");
}

int main(void)
{
	RUN_TEST(test_name_validate);
	RUN_TEST(test_name_from_text);
	RUN_TEST(test_name_canon);
	RUN_TEST(test_wire_labels);
	RUN_TEST(test_to_text_plain);
	RUN_TEST(test_to_text_escapes);
	RUN_TEST(test_to_text_worst_case_fits);
	RUN_TEST(test_to_text_bogus_len);
	RUN_TEST(test_name_equal);
	return test_summary();
}
