// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The policy engine: names, addresses, answers (userspace/policy.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "addr.h"
#include "config.h"
#include "policy.h"

static struct policy pol;

static bool fresh(void)
{
	policy_free(&pol);
	return ASSERT_OK(policy_init(&pol), "policy_init");
}

static bool apply(const char *line)
{
	char err[POLICY_ERR_LEN] = "";
	int ret = config_apply_line(&pol, line, err, sizeof(err));

	if (ret)
		fprintf(stderr, "  %s: %s\n", line, err);
	return ASSERT_OK(ret, line);
}

/* ---- addresses --------------------------------------------------------- */

struct addr_case {
	const char *addr;
	bool global;
	const char *label;
	const char *block;
};

static void check_addr(const struct addr_case *c)
{
	struct addr_class out;
	uint8_t a[16];

	if (!ASSERT_OK(addr_parse(c->addr, a), c->addr))
		return;
	policy_classify_addr(&pol, a, &out);
	if (!ASSERT_EQ(out.global, c->global, c->addr))
		fprintf(stderr, "    (block %s, label %s)\n", out.block, out.label);
	ASSERT_STREQ(out.label, c->label, c->addr);
	if (c->block)
		ASSERT_STREQ(out.block, c->block, c->addr);
}

#define CHECK_ADDRS(cases)                                                                         \
	do {                                                                                       \
		size_t ___i;                                                                       \
		for (___i = 0; ___i < sizeof(cases) / sizeof(cases[0]); ___i++)                    \
			check_addr(&cases[___i]);                                                  \
	} while (0)

/* One address inside each row of the IANA IPv4 Special-Purpose registry
 * (2025-10-09), with the row's Globally Reachable value. */
static void test_ipv4_registry_rows(void)
{
	static const struct addr_case cases[] = {
		{ "0.1.2.3", false, "This network", "0.0.0.0/8" },
		{ "0.0.0.0", false, "This host on this network", "0.0.0.0/32" },
		{ "10.200.1.1", false, "Private-Use", "10.0.0.0/8" },
		{ "100.64.0.1", false, "Shared Address Space", "100.64.0.0/10" },
		{ "100.127.255.254", false, "Shared Address Space", NULL },
		{ "127.0.0.1", false, "Loopback", "127.0.0.0/8" },
		{ "169.254.169.254", false, "Link Local", "169.254.0.0/16" },
		{ "172.16.0.1", false, "Private-Use", "172.16.0.0/12" },
		{ "172.31.255.255", false, "Private-Use", NULL },
		{ "192.0.0.200", false, "IETF Protocol Assignments", "192.0.0.0/24" },
		{ "192.0.0.1", false, "IPv4 Service Continuity Prefix", "192.0.0.0/29" },
		{ "192.0.0.8", false, "IPv4 dummy address", "192.0.0.8/32" },
		{ "192.0.0.9", true, "Port Control Protocol Anycast", "192.0.0.9/32" },
		{ "192.0.0.10", true, "Traversal Using Relays around NAT Anycast", NULL },
		{ "192.0.0.11", false, "IETF Protocol Assignments", "192.0.0.0/24" },
		{ "192.0.0.170", false, "NAT64/DNS64 Discovery", "192.0.0.170/32" },
		{ "192.0.0.171", false, "NAT64/DNS64 Discovery", "192.0.0.171/32" },
		{ "192.0.2.1", false, "Documentation (TEST-NET-1)", "192.0.2.0/24" },
		{ "192.31.196.1", true, "AS112-v4", "192.31.196.0/24" },
		{ "192.52.193.1", true, "AMT", "192.52.193.0/24" },
		{ "192.88.99.1", false, "Deprecated (6to4 Relay Anycast)", "192.88.99.0/24" },
		{ "192.88.99.2", false, "6a44-relay anycast address", "192.88.99.2/32" },
		{ "192.168.1.1", false, "Private-Use", "192.168.0.0/16" },
		{ "192.175.48.6", true, "Direct Delegation AS112 Service", "192.175.48.0/24" },
		{ "198.18.5.5", false, "Benchmarking", "198.18.0.0/15" },
		{ "198.19.255.255", false, "Benchmarking", NULL },
		{ "198.51.100.7", false, "Documentation (TEST-NET-2)", "198.51.100.0/24" },
		{ "203.0.113.9", false, "Documentation (TEST-NET-3)", "203.0.113.0/24" },
		{ "240.0.0.1", false, "Reserved", "240.0.0.0/4" },
		{ "255.255.255.254", false, "Reserved", NULL },
		{ "255.255.255.255", false, "Limited Broadcast", "255.255.255.255/32" },
		/* no special-purpose row: global */
		{ "8.8.8.8", true, "IPv4 unicast", "0.0.0.0/0" },
		{ "133.242.1.10", true, "IPv4 unicast", NULL },
		{ "1.0.0.0", true, "IPv4 unicast", NULL },
		{ "100.128.0.1", true, "IPv4 unicast", NULL },
		{ "172.32.0.1", true, "IPv4 unicast", NULL },
		{ "192.0.1.1", true, "IPv4 unicast", NULL },
		{ "223.255.255.255", true, "IPv4 unicast", NULL },
	};

	if (fresh())
		CHECK_ADDRS(cases);
}

/* One address inside each row of the IANA IPv6 Special-Purpose registry. */
static void test_ipv6_registry_rows(void)
{
	static const struct addr_case cases[] = {
		{ "::1", false, "Loopback Address", "::1/128" },
		{ "::", false, "Unspecified Address", "::/128" },
		{ "64:ff9b:1::1", false, "IPv4-IPv6 Translat.", "64:ff9b:1::/48" },
		{ "100::1", false, "Discard-Only Address Block", "100::/64" },
		{ "100:0:0:1::1", false, "Dummy IPv6 Prefix", "100:0:0:1::/64" },
		{ "2001:5::1", false, "IETF Protocol Assignments", "2001::/23" },
		{ "2001:1::4", false, "IETF Protocol Assignments", "2001::/23" },
		{ "2001:1ff::1", false, "IETF Protocol Assignments", "2001::/23" },
		{ "2001:1::1", true, "Port Control Protocol Anycast", "2001:1::1/128" },
		{ "2001:1::2", true, "Traversal Using Relays around NAT Anycast", NULL },
		{ "2001:1::3", true, "DNS-SD Service Registration Protocol Anycast", NULL },
		{ "2001:2::1", false, "Benchmarking", "2001:2::/48" },
		{ "2001:3::1", true, "AMT", "2001:3::/32" },
		{ "2001:4:112::1", true, "AS112-v6", "2001:4:112::/48" },
		{ "2001:10::1", false, "Deprecated (previously ORCHID)", "2001:10::/28" },
		{ "2001:20::1", true, "ORCHIDv2", "2001:20::/28" },
		{ "2001:30::1", true, "Drone Remote ID Protocol Entity Tags (DETs) Prefix", NULL },
		{ "2001:db8::1", false, "Documentation", "2001:db8::/32" },
		{ "2620:4f:8000::1", true, "Direct Delegation AS112 Service", "2620:4f:8000::/48" },
		{ "3fff::1", false, "Documentation", "3fff::/20" },
		{ "3fff:fff::1", false, "Documentation", NULL },
		{ "5f00::1", false, "Segment Routing (SRv6) SIDs", "5f00::/16" },
		{ "fd12:3456::1", false, "Unique-Local", "fc00::/7" },
		{ "fc00::1", false, "Unique-Local", NULL },
		{ "fe80::1", false, "Link-Local Unicast", "fe80::/10" },
		/* global unicast, no row */
		{ "2606:4700::1111", true, "Global Unicast", "2000::/3" },
		{ "2001:200::1", true, "Global Unicast", NULL },
		{ "3fff:1000::1", true, "Global Unicast", NULL },
		{ "2620:4f:8001::1", true, "Global Unicast", NULL },
		/* outside 2000::/3: reserved by the IETF, not global */
		{ "4000::1", false, "Reserved by IETF", "::/0" },
		{ "::2", false, "Reserved by IETF", NULL },
		{ "fec0::1", false, "Reserved by IETF", NULL },
		{ "1fff:ffff::1", false, "Reserved by IETF", NULL },
		{ "e000::1", false, "Reserved by IETF", NULL },
	};

	if (fresh())
		CHECK_ADDRS(cases);
}

/* Every built-in row: its first and last address classify to that row or to
 * a more specific one, and at the row itself with the row's global value. */
static void test_every_builtin_row_is_reachable(void)
{
	size_t i, k;

	if (!fresh())
		return;
	for (i = 0; i < n_builtin_blocks; i++) {
		const struct builtin_block *r = &builtin_blocks[i];
		uint8_t p[16], a[16], got[16];
		struct addr_class c;
		int plen, got_len;

		if (!ASSERT_OK(prefix_parse(r->prefix, p, &plen), r->prefix))
			continue;
		if (r->kind == ADDR_KIND_EMBEDDED_V4)
			continue;
		for (k = 0; k < 2; k++) {
			int b;

			memcpy(a, p, 16);
			for (b = plen; k == 1 && b < 128; b++)
				a[b / 8] |= (uint8_t)(0x80 >> (b % 8));
			policy_classify_addr(&pol, a, &c);
			if (!ASSERT_OK(prefix_parse(c.block, got, &got_len), c.block))
				continue;
			ASSERT_TRUE(got_len >= plen, r->prefix);
			if (got_len != plen || memcmp(got, p, 16))
				continue;
			ASSERT_EQ(c.global, r->kind == ADDR_KIND_GLOBAL, r->prefix);
			ASSERT_STREQ(c.label, r->label, r->prefix);
			ASSERT_STREQ(c.rfc, r->rfc, r->prefix);
		}
	}
}

static void test_most_specific_wins(void)
{
	static const struct addr_case cases[] = {
		{ "192.0.0.8", false, "IPv4 dummy address", "192.0.0.8/32" },
		{ "192.0.0.9", true, "Port Control Protocol Anycast", "192.0.0.9/32" },
		{ "192.0.0.10", true, "Traversal Using Relays around NAT Anycast",
		  "192.0.0.10/32" },
		{ "192.0.0.7", false, "IPv4 Service Continuity Prefix", "192.0.0.0/29" },
		{ "2001:1::1", true, "Port Control Protocol Anycast", "2001:1::1/128" },
		{ "2001:db8::1", false, "Documentation", "2001:db8::/32" },
		{ "0.0.0.0", false, "This host on this network", "0.0.0.0/32" },
	};

	if (fresh())
		CHECK_ADDRS(cases);
}

static void test_v4_mapped_is_ipv4(void)
{
	static const struct addr_case cases[] = {
		{ "::ffff:8.8.8.8", true, "IPv4 unicast", "0.0.0.0/0" },
		{ "::ffff:10.0.0.1", false, "Private-Use", "10.0.0.0/8" },
		{ "::ffff:127.0.0.1", false, "Loopback", "127.0.0.0/8" },
		{ "::ffff:192.0.0.9", true, "Port Control Protocol Anycast", NULL },
		{ "::ffff:0:0", false, "This host on this network", NULL },
	};

	if (fresh())
		CHECK_ADDRS(cases);
}

static void test_embedded_ipv4(void)
{
	static const struct addr_case cases[] = {
		/* NAT64 well-known prefix: the last 32 bits */
		{ "64:ff9b::8.8.8.8", true, "IPv4 unicast", "0.0.0.0/0" },
		{ "64:ff9b::a00:1", false, "Private-Use", "10.0.0.0/8" },
		{ "64:ff9b::192.0.0.170", false, "NAT64/DNS64 Discovery", NULL },
		{ "64:ff9b::c000:9", true, "Port Control Protocol Anycast", NULL },
		/* 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD */
		{ "2002:808:808::1", true, "IPv4 unicast", NULL },
		{ "2002:c0a8:101::1", false, "Private-Use", "192.168.0.0/16" },
		{ "2002:c000:204:1::1", false, "Documentation (TEST-NET-1)", "192.0.2.0/24" },
		{ "2002:7f00:1::", false, "Loopback", NULL },
		/* Teredo (RFC 4380 §4 example): client 192.0.2.45, obfuscated */
		{ "2001:0:4136:e378:8000:63bf:3fff:fdd2", false, "Documentation (TEST-NET-1)",
		  "192.0.2.0/24" },
		/* client 8.8.8.8 = ~0xf7f7f7f7 */
		{ "2001:0:4136:e378:8000:63bf:f7f7:f7f7", true, "IPv4 unicast", NULL },
		/* client 10.0.0.1 */
		{ "2001::f5ff:fffe", false, "Private-Use", NULL },
	};

	if (fresh())
		CHECK_ADDRS(cases);
}

static void test_multicast(void)
{
	static const char *const mc[] = { "224.0.0.251",      "239.255.255.250", "232.1.1.1",
					  "ff02::fb",	      "ff05::1:3",	 "ff0e::1",
					  "::ffff:224.0.0.1", "64:ff9b::e000:fb" };
	struct addr_class c;
	uint8_t a[16];
	size_t i;

	if (!fresh())
		return;
	for (i = 0; i < sizeof(mc) / sizeof(mc[0]); i++) {
		addr_parse(mc[i], a);
		policy_classify_addr(&pol, a, &c);
		ASSERT_TRUE(c.multicast, mc[i]);
		ASSERT_FALSE(c.global, mc[i]);
		ASSERT_STREQ(c.label, "Multicast", mc[i]);
	}
	addr_parse("8.8.8.8", a);
	policy_classify_addr(&pol, a, &c);
	ASSERT_FALSE(c.multicast, "8.8.8.8");
	addr_parse("2001:db8::1", a);
	policy_classify_addr(&pol, a, &c);
	ASSERT_FALSE(c.multicast, "2001:db8::1");
}

static void test_user_overrides(void)
{
	static const struct addr_case cases[] = {
		{ "198.18.5.5", true, "config", "198.18.0.0/15" },
		{ "8.8.8.8", false, "config", "8.8.8.0/24" },
		{ "8.8.4.4", true, "IPv4 unicast", NULL },
		{ "192.0.0.9", false, "config", "192.0.0.9/32" },
		{ "10.1.2.3", true, "config", "10.1.0.0/16" },
		{ "10.2.0.1", false, "Private-Use", NULL },
		{ "2001:db8:1::1", true, "config", "2001:db8:1::/48" },
		{ "2001:db8:2::1", false, "Documentation", NULL },
		/* overrides reach embedded addresses too */
		{ "64:ff9b::c612:505", true, "config", "198.18.0.0/15" },
	};
	struct addr_class c;
	uint8_t a[16];

	if (!fresh())
		return;
	if (!apply("global = 198.18.0.0/15") || !apply("local = 8.8.8.0/24") ||
	    !apply("local = 192.0.0.9/32") || !apply("global = 10.1.0.0/16") ||
	    !apply("global = 2001:db8:1::/48") || !apply("allow = 192.0.2.0/24"))
		return;
	CHECK_ADDRS(cases);

	addr_parse("192.0.2.1", a);
	policy_classify_addr(&pol, a, &c);
	ASSERT_TRUE(c.allowed, "allow sets allowed");
	ASSERT_FALSE(c.global, "allowed is never a leak target");

	/* A later config line for the same prefix replaces the earlier one. */
	apply("local = 198.18.0.0/15");
	addr_parse("198.18.5.5", a);
	policy_classify_addr(&pol, a, &c);
	ASSERT_FALSE(c.global, "last word wins");
}

static void test_no_blocks_is_not_global(void)
{
	struct policy empty = { 0 };
	struct addr_class c;
	uint8_t a[16];

	addr_parse("8.8.8.8", a);
	policy_classify_addr(&empty, a, &c);
	ASSERT_FALSE(c.global, "empty policy");
	ASSERT_STREQ(c.block, "none", "block");
}

/* ---- names --------------------------------------------------------------- */

static void check_family(const char *const *names, size_t n, uint8_t family)
{
	char sub[300];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct reserved_suffix *s = policy_match_name(&pol, names[i]);

		if (!ASSERT_NOT_NULL(s, names[i]))
			continue;
		ASSERT_STREQ(s->name, names[i], names[i]);
		ASSERT_EQ(s->family, family, names[i]);
		ASSERT_NOT_NULL(s->rfc, names[i]);
		ASSERT_FALSE(s->user, names[i]);
		snprintf(sub, sizeof(sub), "a.b.%s", names[i]);
		s = policy_match_name(&pol, sub);
		if (ASSERT_NOT_NULL(s, sub))
			ASSERT_STREQ(s->name, names[i], sub);
	}
}

#define CHECK_FAMILY(arr, fam) check_family(arr, sizeof(arr) / sizeof(arr[0]), fam)

static void test_builtin_names(void)
{
	static const char *const nxdomain[] = { "invalid", "example",	  "alt",
						"onion",   "6tisch.arpa", "eap-noob.arpa" };
	static const char *const loopback[] = { "localhost" };
	static const char *const local[] = {
		"test",
		"home.arpa",
		"internal",
		"local",
		"service.arpa",
		"10.in-addr.arpa",
		"16.172.in-addr.arpa",
		"17.172.in-addr.arpa",
		"18.172.in-addr.arpa",
		"19.172.in-addr.arpa",
		"20.172.in-addr.arpa",
		"21.172.in-addr.arpa",
		"22.172.in-addr.arpa",
		"23.172.in-addr.arpa",
		"24.172.in-addr.arpa",
		"25.172.in-addr.arpa",
		"26.172.in-addr.arpa",
		"27.172.in-addr.arpa",
		"28.172.in-addr.arpa",
		"29.172.in-addr.arpa",
		"30.172.in-addr.arpa",
		"31.172.in-addr.arpa",
		"168.192.in-addr.arpa",
		"254.169.in-addr.arpa",
		"8.e.f.ip6.arpa",
		"9.e.f.ip6.arpa",
		"a.e.f.ip6.arpa",
		"b.e.f.ip6.arpa",
	};
	static const char *const iana[] = { "example.com", "example.net", "example.org" };
	static const char *const fixed[] = { "ipv4only.arpa", "170.0.0.192.in-addr.arpa",
					     "171.0.0.192.in-addr.arpa" };
	static const char *const ddr[] = { "resolver.arpa" };

	if (!fresh())
		return;
	CHECK_FAMILY(nxdomain, LW_FAMILY_NXDOMAIN);
	CHECK_FAMILY(loopback, LW_FAMILY_LOOPBACK);
	CHECK_FAMILY(local, LW_FAMILY_LOCAL);
	CHECK_FAMILY(iana, LW_FAMILY_IANA);
	CHECK_FAMILY(fixed, LW_FAMILY_FIXED);
	CHECK_FAMILY(ddr, LW_FAMILY_DDR);
	ASSERT_EQ(pol.n_suffixes,
		  sizeof(nxdomain) / sizeof(nxdomain[0]) + sizeof(loopback) / sizeof(loopback[0]) +
			  sizeof(local) / sizeof(local[0]) + sizeof(iana) / sizeof(iana[0]) +
			  sizeof(fixed) / sizeof(fixed[0]) + sizeof(ddr) / sizeof(ddr[0]),
		  "every built-in name, and no other");
}

static void test_not_reserved(void)
{
	static const char *const plain[] = {
		"notexample.com",
		"example.co",
		"com",
		"arpa",
		"in-addr.arpa",
		"172.in-addr.arpa",
		"15.172.in-addr.arpa",
		"32.172.in-addr.arpa",
		"c.e.f.ip6.arpa",
		"e.f.ip6.arpa",
		"testing",
		"localhostx",
		"x-invalid",
		"onion.com",
		"example.com.au",
		"jnet.sei.co.jp",
		".",
		"arpa.",
		"9.168.192.in-addr.arpa.evil",
	};
	size_t i;

	if (!fresh())
		return;
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		ASSERT_NULL(policy_match_name(&pol, plain[i]), plain[i]);
}

static void test_case_and_trailing_dot(void)
{
	static const char *const names[] = {
		"EXAMPLE.COM", "Autodiscover.Example.Com.", "foo.LOCALHOST",
		"x.TeSt.",     "a.b.c.d.e.f.g.home.ARPA",
	};
	size_t i;

	if (!fresh())
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ASSERT_NOT_NULL(policy_match_name(&pol, names[i]), names[i]);
	ASSERT_STREQ(policy_match_name(&pol, "Autodiscover.Example.Com.")->name, "example.com",
		     "suffix name is lowercase");
	ASSERT_NULL(policy_match_name(&pol, "example.com.."), "two trailing dots");
	ASSERT_NULL(policy_match_name(&pol, "..example.com"), "leading empty label");
}

static void test_longest_suffix_wins(void)
{
	const struct reserved_suffix *s;

	if (!fresh())
		return;
	s = policy_match_name(&pol, "www.example.com");
	if (ASSERT_NOT_NULL(s, "example.com"))
		ASSERT_EQ(s->family, LW_FAMILY_IANA, "example.com beats example");
	s = policy_match_name(&pol, "foo.example");
	if (ASSERT_NOT_NULL(s, "example"))
		ASSERT_EQ(s->family, LW_FAMILY_NXDOMAIN, "example");
	s = policy_match_name(&pol, "_dns.resolver.arpa");
	if (ASSERT_NOT_NULL(s, "resolver.arpa"))
		ASSERT_EQ(s->family, LW_FAMILY_DDR, "resolver.arpa");

	if (!apply("reserved = corp.example.com local") ||
	    !apply("reserved = deep.corp.example.com nxdomain"))
		return;
	s = policy_match_name(&pol, "mail.corp.example.com");
	if (ASSERT_NOT_NULL(s, "corp.example.com")) {
		ASSERT_STREQ(s->name, "corp.example.com", "user suffix beats example.com");
		ASSERT_EQ(s->family, LW_FAMILY_LOCAL, "its family");
		ASSERT_TRUE(s->user, "from the config");
		ASSERT_NULL(s->rfc, "no RFC");
	}
	s = policy_match_name(&pol, "a.deep.corp.example.com");
	if (ASSERT_NOT_NULL(s, "deep"))
		ASSERT_STREQ(s->name, "deep.corp.example.com", "deepest wins");
	s = policy_match_name(&pol, "notcorp.example.com");
	if (ASSERT_NOT_NULL(s, "notcorp"))
		ASSERT_STREQ(s->name, "example.com", "whole labels only");
}

static void test_user_replaces_builtin_suffix(void)
{
	const struct reserved_suffix *s;
	size_t n;

	if (!fresh())
		return;
	n = pol.n_suffixes;
	if (!apply("reserved = TEST. nxdomain"))
		return;
	ASSERT_EQ(pol.n_suffixes, n, "replaced, not added");
	s = policy_match_name(&pol, "x.test");
	if (ASSERT_NOT_NULL(s, "test")) {
		ASSERT_EQ(s->family, LW_FAMILY_NXDOMAIN, "new family");
		ASSERT_TRUE(s->user, "now a config entry");
		ASSERT_STREQ(s->name, "test", "stored lowercase without the dot");
	}
	apply("reserved = corp.internal");
	s = policy_match_name(&pol, "db.corp.internal");
	if (ASSERT_NOT_NULL(s, "corp.internal"))
		ASSERT_EQ(s->family, LW_FAMILY_LOCAL, "family defaults to local");
}

/* The name rules themselves are tests/unit/test_dns_name.c's. */
static void test_invalid_name_matches_nothing(void)
{
	char name[400];

	/* 3 x 63 + 62 bytes of labels: 256 wire bytes, one too many. */
	memset(name, 'a', 254);
	name[63] = name[127] = name[191] = '.';
	name[254] = '\0';
	ASSERT_NULL(policy_match_name(&pol, name), "an invalid name matches nothing");
	ASSERT_NULL(policy_match_name(&pol, "a..test"), "empty label");
}

static void test_suffix_wire_field(void)
{
	static const uint8_t want[] = "\x07"
				      "example\x03"
				      "com";
	const struct reserved_suffix *s;
	size_t i, j;

	if (!fresh())
		return;
	s = policy_match_name(&pol, "example.com");
	if (!ASSERT_NOT_NULL(s, "example.com"))
		return;
	ASSERT_EQ(s->wire_len, sizeof(want), "wire_len");
	ASSERT_TRUE(!memcmp(s->wire, want, sizeof(want)), "wire");
	for (i = 0; i < pol.n_suffixes; i++) {
		s = &pol.suffixes[i];
		for (j = s->wire_len; j < LW_SUFFIX_MAX; j++)
			ASSERT_EQ(s->wire[j], 0, s->name);
	}
}

static void test_match_wire(void)
{
	static const uint8_t upper[] = "\x03"
				       "FOO\x07"
				       "EXAMPLE\x03"
				       "COM";
	/* one label "evil.example": not under example */
	static const uint8_t dot_in_label[] = "\x0c"
					      "evil.example";
	/* "x.invalid" then "com": not under invalid */
	static const uint8_t dot_mid[] = "\x09x.invalid\x03"
					 "com";
	static const uint8_t raw[] = "\x04\x00\xff.\x01\x04test";
	static const uint8_t pointer[] = "\x03"
					 "foo\xc0\x0c";
	static const uint8_t overrun[] = { 3, 'f', 'o', 'o', 7, 'e', 'x' };
	static const uint8_t no_root[] = { 4, 't', 'e', 's', 't' };
	static const uint8_t bad_len[] = "\x40"
					 "aaaa";
	const struct reserved_suffix *s;

	if (!fresh())
		return;
	s = policy_match_wire(&pol, upper, sizeof(upper));
	if (ASSERT_NOT_NULL(s, "uppercase wire"))
		ASSERT_STREQ(s->name, "example.com", "upper");
	ASSERT_NULL(policy_match_wire(&pol, dot_in_label, sizeof(dot_in_label)), "dot in label");
	ASSERT_NULL(policy_match_wire(&pol, dot_mid, sizeof(dot_mid)), "dot mid");
	s = policy_match_wire(&pol, raw, sizeof(raw));
	if (ASSERT_NOT_NULL(s, "raw bytes"))
		ASSERT_STREQ(s->name, "test", "raw");
	ASSERT_NULL(policy_match_wire(&pol, pointer, sizeof(pointer)), "pointer");
	ASSERT_NULL(policy_match_wire(&pol, overrun, sizeof(overrun)), "overrun");
	ASSERT_NULL(policy_match_wire(&pol, no_root, sizeof(no_root)), "no root");
	ASSERT_NULL(policy_match_wire(&pol, bad_len, sizeof(bad_len)), "label > 63");
	ASSERT_NULL(policy_match_wire(&pol, upper, 0), "empty");
	ASSERT_NULL(policy_match_wire(&pol, (const uint8_t *)"", 1), "root only");
}

/* ---- answers and ports ---------------------------------------------------- */

static bool violates(uint8_t family, const char *addr)
{
	uint8_t a[16];

	if (addr_parse(addr, a)) {
		fprintf(stderr, "  bad test address %s\n", addr);
		return false;
	}
	return policy_answer_violates(&pol, family, a);
}

static void test_answer_rules(void)
{
	if (!fresh())
		return;
	/* nxdomain: any address at all */
	ASSERT_TRUE(violates(LW_FAMILY_NXDOMAIN, "127.0.0.1"), "nxdomain 127.0.0.1");
	ASSERT_TRUE(violates(LW_FAMILY_NXDOMAIN, "10.0.0.1"), "nxdomain 10.0.0.1");
	/* loopback: 127/8 and ::1 only */
	ASSERT_FALSE(violates(LW_FAMILY_LOOPBACK, "127.0.0.1"), "loopback 127.0.0.1");
	ASSERT_FALSE(violates(LW_FAMILY_LOOPBACK, "127.255.0.9"), "loopback 127.255.0.9");
	ASSERT_FALSE(violates(LW_FAMILY_LOOPBACK, "::1"), "loopback ::1");
	ASSERT_FALSE(violates(LW_FAMILY_LOOPBACK, "::ffff:127.0.0.1"), "loopback mapped");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "10.0.0.1"), "loopback 10.0.0.1");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "93.184.216.34"), "loopback global");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "::"), "loopback ::");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "::2"), "loopback ::2");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "fe80::1"), "loopback fe80::1");
	/* local: only a global address */
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "10.0.0.1"), "local 10.0.0.1");
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "169.254.169.254"), "local link-local");
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "fd00::1"), "local ULA");
	ASSERT_TRUE(violates(LW_FAMILY_LOCAL, "8.8.8.8"), "local 8.8.8.8");
	ASSERT_TRUE(violates(LW_FAMILY_LOCAL, "2606:4700::1"), "local GUA");
	ASSERT_TRUE(violates(LW_FAMILY_LOCAL, "2002:808:808::1"), "local 6to4 global");
	/* fixed: 192.0.0.170/171; AAAA only if global outside 64:ff9b::/96 */
	ASSERT_FALSE(violates(LW_FAMILY_FIXED, "192.0.0.170"), "fixed .170");
	ASSERT_FALSE(violates(LW_FAMILY_FIXED, "192.0.0.171"), "fixed .171");
	ASSERT_TRUE(violates(LW_FAMILY_FIXED, "192.0.0.172"), "fixed .172");
	ASSERT_TRUE(violates(LW_FAMILY_FIXED, "10.0.0.1"), "fixed 10.0.0.1");
	ASSERT_FALSE(violates(LW_FAMILY_FIXED, "64:ff9b::192.0.0.170"), "fixed DNS64");
	ASSERT_FALSE(violates(LW_FAMILY_FIXED, "64:ff9b::8.8.8.8"), "fixed in WKP");
	ASSERT_FALSE(violates(LW_FAMILY_FIXED, "fd00::c000:aa"), "fixed local AAAA");
	ASSERT_TRUE(violates(LW_FAMILY_FIXED, "2606:4700::1"), "fixed global AAAA");
	/* iana, ddr: never */
	ASSERT_FALSE(violates(LW_FAMILY_IANA, "23.220.75.232"), "iana");
	ASSERT_FALSE(violates(LW_FAMILY_IANA, "127.0.0.1"), "iana loopback");
	ASSERT_FALSE(violates(LW_FAMILY_DDR, "1.1.1.1"), "ddr");
	ASSERT_FALSE(violates(LW_FAMILY_NONE, "1.1.1.1"), "not reserved");
}

static void test_answer_rules_follow_overrides(void)
{
	if (!fresh())
		return;
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "198.18.0.1"), "benchmarking is local");
	if (!apply("global = 198.18.0.0/15") || !apply("local = 203.0.113.0/24") ||
	    !apply("local = 8.8.8.0/24") || !apply("allow = 1.1.1.0/24"))
		return;
	ASSERT_TRUE(violates(LW_FAMILY_LOCAL, "198.18.0.1"), "now global");
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "8.8.8.8"), "now local");
	ASSERT_FALSE(violates(LW_FAMILY_LOCAL, "1.1.1.1"), "allowed");
	ASSERT_TRUE(violates(LW_FAMILY_LOOPBACK, "8.8.8.8"), "loopback ignores overrides");
}

static void test_mail_ports(void)
{
	static const uint16_t dflt[] = { 25, 465, 587, 110, 995, 143, 993 };
	size_t i;

	if (!fresh())
		return;
	for (i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++)
		ASSERT_TRUE(policy_is_mail_port(&pol, dflt[i]), "default mail port");
	ASSERT_FALSE(policy_is_mail_port(&pol, 443), "443");
	ASSERT_FALSE(policy_is_mail_port(&pol, 0), "0");
	ASSERT_EQ(pol.window_s, POLICY_DEFAULT_WINDOW, "default window");
	if (!apply("mail-ports = 2525, 25"))
		return;
	ASSERT_TRUE(policy_is_mail_port(&pol, 2525), "2525");
	ASSERT_TRUE(policy_is_mail_port(&pol, 25), "25");
	ASSERT_FALSE(policy_is_mail_port(&pol, 993), "list replaced");
}

static void test_family_names(void)
{
	int f;

	for (f = LW_FAMILY_NXDOMAIN; f < LW_FAMILY_MAX; f++)
		ASSERT_EQ(family_parse(family_name((uint8_t)f)), f, family_name((uint8_t)f));
	ASSERT_STREQ(family_name(LW_FAMILY_IANA), "iana", "iana");
	ASSERT_STREQ(family_name(200), "unknown", "out of range");
	ASSERT_EQ(family_parse("none"), -EINVAL, "none is no family");
	ASSERT_EQ(family_parse("LOCAL"), -EINVAL, "case matters");
	ASSERT_EQ(family_parse(""), -EINVAL, "empty");
}

int main(void)
{
	RUN_TEST(test_ipv4_registry_rows);
	RUN_TEST(test_ipv6_registry_rows);
	RUN_TEST(test_every_builtin_row_is_reachable);
	RUN_TEST(test_most_specific_wins);
	RUN_TEST(test_v4_mapped_is_ipv4);
	RUN_TEST(test_embedded_ipv4);
	RUN_TEST(test_multicast);
	RUN_TEST(test_user_overrides);
	RUN_TEST(test_no_blocks_is_not_global);
	RUN_TEST(test_builtin_names);
	RUN_TEST(test_not_reserved);
	RUN_TEST(test_case_and_trailing_dot);
	RUN_TEST(test_longest_suffix_wins);
	RUN_TEST(test_user_replaces_builtin_suffix);
	RUN_TEST(test_invalid_name_matches_nothing);
	RUN_TEST(test_suffix_wire_field);
	RUN_TEST(test_match_wire);
	RUN_TEST(test_answer_rules);
	RUN_TEST(test_answer_rules_follow_overrides);
	RUN_TEST(test_mail_ports);
	RUN_TEST(test_family_names);
	policy_free(&pol);
	return test_summary();
}
