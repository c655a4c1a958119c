// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Address parsing and formatting (userspace/addr.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "addr.h"

/* Parse then format: the text we print for what the user typed. */
static const char *roundtrip(const char *in, char *buf, size_t len)
{
	uint8_t a[16];

	if (addr_parse(in, a))
		return "(invalid)";
	addr_format(a, buf, len);
	return buf;
}

static void test_parse_v4_is_mapped(void)
{
	static const uint8_t want[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };
	uint8_t a[16];

	if (!ASSERT_OK(addr_parse("192.0.2.1", a), "parse"))
		return;
	ASSERT_TRUE(!memcmp(a, want, 16), "stored v4-mapped");
	ASSERT_TRUE(addr_is_v4(a), "addr_is_v4");
	ASSERT_OK(addr_parse("::ffff:192.0.2.1", a), "parse mapped text");
	ASSERT_TRUE(!memcmp(a, want, 16), "mapped text is the same address");
}

static void test_parse_v6(void)
{
	uint8_t a[16];

	ASSERT_OK(addr_parse("2001:db8::1", a), "2001:db8::1");
	ASSERT_EQ(a[0], 0x20, "byte 0");
	ASSERT_EQ(a[3], 0xb8, "byte 3");
	ASSERT_EQ(a[15], 1, "byte 15");
	ASSERT_FALSE(addr_is_v4(a), "not v4");
	ASSERT_OK(addr_parse("::", a), "::");
	ASSERT_FALSE(addr_is_v4(a), ":: is not v4");
}

static void test_parse_rejects(void)
{
	static const char *const bad[] = {
		"",	     "1.2.3",	      "1.2.3.4.5",   "256.1.1.1",
		" 1.2.3.4",  "1.2.3.4 ",      "[::1]",	     "::1%eth0",
		"1.2.3.4/8", "2001:db8::/32", "example.com", "1:2:3:4:5:6:7:8:9",
		":::",	     "0x7f.1",
	};
	uint8_t a[16];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_EQ(addr_parse(bad[i], a), -EINVAL, bad[i]);
	ASSERT_EQ(addr_parse(NULL, a), -EINVAL, "NULL");
}

static void test_format_rfc5952(void)
{
	static const char *const cases[][2] = {
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8::A", "2001:db8::a" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		/* the first of two equal runs is compressed */
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		/* the longest run, not the first */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		/* a single zero group is not compressed */
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "1::", "1::" },
		{ "fe80::1", "fe80::1" },
		{ "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8" },
		/* v4-mapped prints as IPv4; deprecated v4-compatible as hex */
		{ "::ffff:1.2.3.4", "1.2.3.4" },
		{ "::1.2.3.4", "::102:304" },
		{ "64:ff9b::8.8.8.8", "64:ff9b::808:808" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
	};
	char buf[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_STREQ(roundtrip(cases[i][0], buf, sizeof(buf)), cases[i][1], cases[i][0]);
}

static void test_format_truncates_safely(void)
{
	char buf[8];
	uint8_t a[16];

	addr_parse("2001:db8:1:2:3:4:5:6", a);
	memset(buf, 'x', sizeof(buf));
	addr_format(a, buf, sizeof(buf));
	ASSERT_TRUE(memchr(buf, '\0', sizeof(buf)) != NULL, "NUL terminated");
}

static void test_format_port(void)
{
	char buf[ADDR_STRLEN];
	uint8_t a[16];

	addr_parse("127.0.0.1", a);
	addr_format_port(a, 53, buf, sizeof(buf));
	ASSERT_STREQ(buf, "127.0.0.1:53", "v4");
	addr_parse("2001:db8::53", a);
	addr_format_port(a, 853, buf, sizeof(buf));
	ASSERT_STREQ(buf, "[2001:db8::53]:853", "v6");
}

static void test_addr_from_v4(void)
{
	uint8_t a[16], b[16];
	uint32_t be = htonl(0xc0000209); /* 192.0.2.9 */

	addr_from_v4(be, a);
	addr_parse("192.0.2.9", b);
	ASSERT_TRUE(!memcmp(a, b, 16), "same as parsed");
}

static void test_prefix_parse(void)
{
	char buf[ADDR_STRLEN];
	uint8_t a[16];
	int plen;

	ASSERT_OK(prefix_parse("198.18.0.0/15", a, &plen), "198.18.0.0/15");
	ASSERT_EQ(plen, 96 + 15, "v4 length is mapped");
	ASSERT_OK(prefix_parse("10.1.2.3/8", a, &plen), "host bits");
	prefix_format(a, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "10.0.0.0/8", "masked");
	ASSERT_OK(prefix_parse("192.0.0.9", a, &plen), "bare v4");
	ASSERT_EQ(plen, 128, "bare v4 is a host route");
	ASSERT_OK(prefix_parse("2001:db8::/32", a, &plen), "v6");
	ASSERT_EQ(plen, 32, "v6 length");
	ASSERT_OK(prefix_parse("2001:db8::1", a, &plen), "bare v6");
	ASSERT_EQ(plen, 128, "bare v6 is a host route");
	ASSERT_OK(prefix_parse("::ffff:10.0.0.0/104", a, &plen), "mapped text");
	ASSERT_EQ(plen, 104, "mapped text keeps the v6 length");
	prefix_format(a, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "10.0.0.0/8", "mapped prints as v4");
	ASSERT_OK(prefix_parse("0.0.0.0/0", a, &plen), "v4 default");
	ASSERT_EQ(plen, 96, "all of IPv4");
	ASSERT_OK(prefix_parse("::/0", a, &plen), "v6 default");
	ASSERT_EQ(plen, 0, "everything");
	ASSERT_OK(prefix_parse("2001:db8::ff/121", a, &plen), "odd v6 length");
	prefix_format(a, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "2001:db8::80/121", "masked inside a byte");
}

static void test_prefix_parse_rejects(void)
{
	static const char *const bad[] = {
		"1.2.3.4/33",  "::/129",     "1.2.3.4/",     "/8",
		"1.2.3.4/-1",  "1.2.3.4/+8", "1.2.3.4/ 8",   "1.2.3.4/8 ",
		"1.2.3.4/0x8", "1.2.3.4//8", "1.2.3.4/8/8",  "1.2.3/8",
		"foo/8",       "",	     "1.2.3.4/0008",
	};
	uint8_t a[16];
	size_t i;
	int plen;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_EQ(prefix_parse(bad[i], a, &plen), -EINVAL, bad[i]);
}

static void test_prefix_contains(void)
{
	uint8_t p[16], a[16];
	int plen;

	prefix_parse("198.18.0.0/15", p, &plen);
	addr_parse("198.19.255.255", a);
	ASSERT_TRUE(prefix_contains(p, plen, a), "last of /15");
	addr_parse("198.20.0.0", a);
	ASSERT_FALSE(prefix_contains(p, plen, a), "past /15");
	addr_parse("198.17.255.255", a);
	ASSERT_FALSE(prefix_contains(p, plen, a), "before /15");

	prefix_parse("::/0", p, &plen);
	ASSERT_TRUE(prefix_contains(p, plen, a), "/0 contains everything");
	prefix_parse("192.0.0.9/32", p, &plen);
	addr_parse("192.0.0.9", a);
	ASSERT_TRUE(prefix_contains(p, plen, a), "/128 itself");
	addr_parse("192.0.0.10", a);
	ASSERT_FALSE(prefix_contains(p, plen, a), "/128 neighbour");
	ASSERT_FALSE(prefix_contains(p, 129, a), "bad length");
	ASSERT_FALSE(prefix_contains(p, -1, a), "negative length");

	/* IPv4 prefixes never contain IPv6 addresses and the reverse. */
	prefix_parse("0.0.0.0/0", p, &plen);
	addr_parse("::1", a);
	ASSERT_FALSE(prefix_contains(p, plen, a), "v4 /0 vs ::1");
}

static void test_prefix_format(void)
{
	char buf[ADDR_STRLEN];
	uint8_t p[16];
	int plen;

	prefix_parse("64:ff9b::/96", p, &plen);
	prefix_format(p, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "64:ff9b::/96", "NAT64");
	prefix_parse("::ffff:0:0/96", p, &plen);
	prefix_format(p, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "0.0.0.0/0", "the mapped block is all of IPv4");
	prefix_parse("255.255.255.255/32", p, &plen);
	prefix_format(p, plen, buf, sizeof(buf));
	ASSERT_STREQ(buf, "255.255.255.255/32", "host");
}

static void test_classes(void)
{
	uint8_t a[16];

	addr_parse("224.0.0.251", a);
	ASSERT_TRUE(addr_is_multicast(a), "IPv4 multicast");
	addr_parse("ff02::fb", a);
	ASSERT_TRUE(addr_is_multicast(a), "IPv6 multicast");
	addr_parse("::ffff:ff00:1", a);
	ASSERT_FALSE(addr_is_multicast(a), "255.0.0.1 is not");
	addr_parse("127.9.9.9", a);
	ASSERT_TRUE(addr_is_loopback(a), "127/8");
	addr_parse("::1", a);
	ASSERT_TRUE(addr_is_loopback(a), "::1");
	addr_parse("::2", a);
	ASSERT_FALSE(addr_is_loopback(a), "::2");
	ASSERT_TRUE(prefix_contains(addr_v4_mapped, ADDR_V4_MAPPED_PLEN, a) == addr_is_v4(a),
		    "v4-mapped prefix");
}

static void test_embedded_v4(void)
{
	uint8_t a[16], v4[16], pfx[16];
	char text[ADDR_STRLEN];
	int plen;

	ASSERT_OK(prefix_parse("64:ff9b::/96", pfx, &plen), "nat64 prefix");
	addr_parse("64:ff9b::c000:221", a);
	if (ASSERT_TRUE(addr_embedded_v4(pfx, plen, a, v4), "nat64")) {
		addr_format(v4, text, sizeof(text));
		ASSERT_STREQ(text, "192.0.2.33", "nat64 v4");
	}
	ASSERT_OK(prefix_parse("2001::/32", pfx, &plen), "teredo prefix");
	addr_parse("2001:0:4136:e378:8000:63bf:3fff:fdd2", a);
	if (ASSERT_TRUE(addr_embedded_v4(pfx, plen, a, v4), "teredo")) {
		addr_format(v4, text, sizeof(text));
		ASSERT_STREQ(text, "192.0.2.45", "teredo client, RFC 4380 example");
	}
	ASSERT_OK(prefix_parse("2002::/16", pfx, &plen), "6to4 prefix");
	addr_parse("2002:c633:6401::1", a);
	if (ASSERT_TRUE(addr_embedded_v4(pfx, plen, a, v4), "6to4")) {
		addr_format(v4, text, sizeof(text));
		ASSERT_STREQ(text, "198.51.100.1", "6to4 v4");
	}
	ASSERT_OK(prefix_parse("2001:db8::/32", pfx, &plen), "other prefix");
	ASSERT_FALSE(addr_embedded_v4(pfx, plen, a, v4), "not a transition block");
	ASSERT_OK(prefix_parse("64:ff9b::/32", pfx, &plen), "nat64 at /32");
	ASSERT_FALSE(addr_embedded_v4(pfx, plen, a, v4), "the length matters");
}

int main(void)
{
	RUN_TEST(test_parse_v4_is_mapped);
	RUN_TEST(test_parse_v6);
	RUN_TEST(test_parse_rejects);
	RUN_TEST(test_format_rfc5952);
	RUN_TEST(test_format_truncates_safely);
	RUN_TEST(test_format_port);
	RUN_TEST(test_addr_from_v4);
	RUN_TEST(test_prefix_parse);
	RUN_TEST(test_prefix_parse_rejects);
	RUN_TEST(test_prefix_contains);
	RUN_TEST(test_prefix_format);
	RUN_TEST(test_classes);
	RUN_TEST(test_embedded_v4);
	return test_summary();
}
