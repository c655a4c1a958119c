// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The built-in policy data, transcribed from:
 *  - the IANA Special-Use Domain Names registry (RFC 6761 and later RFCs),
 *    plus ICANN's .internal (Board resolution 2024.07.29.06);
 *  - the IANA IPv4 and IPv6 Special-Purpose Address registries (RFC 6890 as
 *    amended by RFC 8190), "Globally Reachable" column, 2025-10-09 edition.
 * See reference/special-use.md for the sources. Keep registry order so a
 * diff against a newer registry is easy to read.
 */
#include "policy.h"

/*
 * The family says what a correct answer looks like (README, Configuration: the families):
 * names that are not DNS at all or never delegated are nxdomain; names
 * served by the site are local; example.com/net/org really resolve (iana).
 */
const struct builtin_name builtin_names[] = {
	{ "alt", LW_FAMILY_NXDOMAIN, "RFC 9476" },
	{ "6tisch.arpa", LW_FAMILY_NXDOMAIN, "RFC 9031" },
	{ "eap-noob.arpa", LW_FAMILY_NXDOMAIN, "RFC 9140" },
	{ "home.arpa", LW_FAMILY_LOCAL, "RFC 8375" },
	/* RFC 1918 reverse zones */
	{ "10.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "16.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "17.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "18.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "19.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "20.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "21.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "22.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "23.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "24.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "25.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "26.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "27.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "28.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "29.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "30.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "31.172.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	{ "168.192.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6761" },
	/* link-local reverse zones, answered by mDNS */
	{ "254.169.in-addr.arpa", LW_FAMILY_LOCAL, "RFC 6762" },
	{ "8.e.f.ip6.arpa", LW_FAMILY_LOCAL, "RFC 6762" },
	{ "9.e.f.ip6.arpa", LW_FAMILY_LOCAL, "RFC 6762" },
	{ "a.e.f.ip6.arpa", LW_FAMILY_LOCAL, "RFC 6762" },
	{ "b.e.f.ip6.arpa", LW_FAMILY_LOCAL, "RFC 6762" },
	/* NAT64 prefix discovery: only 192.0.0.170/171 are right */
	{ "ipv4only.arpa", LW_FAMILY_FIXED, "RFC 8880" },
	{ "170.0.0.192.in-addr.arpa", LW_FAMILY_FIXED, "RFC 8880" },
	{ "171.0.0.192.in-addr.arpa", LW_FAMILY_FIXED, "RFC 8880" },
	/* DDR: SVCB answers legitimately name global resolvers */
	{ "resolver.arpa", LW_FAMILY_DDR, "RFC 9462" },
	{ "service.arpa", LW_FAMILY_LOCAL, "RFC 9665" },
	{ "example", LW_FAMILY_NXDOMAIN, "RFC 6761" },
	{ "example.com", LW_FAMILY_IANA, "RFC 6761" },
	{ "example.net", LW_FAMILY_IANA, "RFC 6761" },
	{ "example.org", LW_FAMILY_IANA, "RFC 6761" },
	{ "invalid", LW_FAMILY_NXDOMAIN, "RFC 6761" },
	{ "local", LW_FAMILY_LOCAL, "RFC 6762" },
	{ "localhost", LW_FAMILY_LOOPBACK, "RFC 6761" },
	{ "onion", LW_FAMILY_NXDOMAIN, "RFC 7686" },
	{ "test", LW_FAMILY_LOCAL, "RFC 6761" },
	/* Not in the IANA registry: reserved for private use by ICANN. */
	{ "internal", LW_FAMILY_LOCAL, "ICANN 2024.07.29.06" },
};
const size_t n_builtin_names = sizeof(builtin_names) / sizeof(builtin_names[0]);

#define GLOBAL ADDR_KIND_GLOBAL
#define LOCAL ADDR_KIND_LOCAL
#define EMBEDDED ADDR_KIND_EMBEDDED_V4

/*
 * Globally Reachable True is GLOBAL; False and the empty cells of terminated
 * blocks are LOCAL; N/A (6to4, Teredo) is EMBEDDED: the IPv4 address inside
 * decides. The most specific match wins, which is how 192.0.0.9/32 stays
 * global inside 192.0.0.0/24.
 */
const struct builtin_block builtin_blocks[] = {
	/* IPv4 Special-Purpose Address Registry */
	{ "0.0.0.0/8", LOCAL, "This network", "RFC 791" },
	{ "0.0.0.0/32", LOCAL, "This host on this network", "RFC 1122" },
	{ "10.0.0.0/8", LOCAL, "Private-Use", "RFC 1918" },
	{ "100.64.0.0/10", LOCAL, "Shared Address Space", "RFC 6598" },
	{ "127.0.0.0/8", LOCAL, "Loopback", "RFC 1122" },
	{ "169.254.0.0/16", LOCAL, "Link Local", "RFC 3927" },
	{ "172.16.0.0/12", LOCAL, "Private-Use", "RFC 1918" },
	{ "192.0.0.0/24", LOCAL, "IETF Protocol Assignments", "RFC 6890" },
	{ "192.0.0.0/29", LOCAL, "IPv4 Service Continuity Prefix", "RFC 7335" },
	{ "192.0.0.8/32", LOCAL, "IPv4 dummy address", "RFC 7600" },
	{ "192.0.0.9/32", GLOBAL, "Port Control Protocol Anycast", "RFC 7723" },
	{ "192.0.0.10/32", GLOBAL, "Traversal Using Relays around NAT Anycast", "RFC 8155" },
	{ "192.0.0.170/32", LOCAL, "NAT64/DNS64 Discovery", "RFC 8880" },
	{ "192.0.0.171/32", LOCAL, "NAT64/DNS64 Discovery", "RFC 8880" },
	{ "192.0.2.0/24", LOCAL, "Documentation (TEST-NET-1)", "RFC 5737" },
	{ "192.31.196.0/24", GLOBAL, "AS112-v4", "RFC 7535" },
	{ "192.52.193.0/24", GLOBAL, "AMT", "RFC 7450" },
	{ "192.88.99.0/24", LOCAL, "Deprecated (6to4 Relay Anycast)", "RFC 7526" },
	{ "192.88.99.2/32", LOCAL, "6a44-relay anycast address", "RFC 6751" },
	{ "192.168.0.0/16", LOCAL, "Private-Use", "RFC 1918" },
	{ "192.175.48.0/24", GLOBAL, "Direct Delegation AS112 Service", "RFC 7534" },
	{ "198.18.0.0/15", LOCAL, "Benchmarking", "RFC 2544" },
	{ "198.51.100.0/24", LOCAL, "Documentation (TEST-NET-2)", "RFC 5737" },
	{ "203.0.113.0/24", LOCAL, "Documentation (TEST-NET-3)", "RFC 5737" },
	{ "240.0.0.0/4", LOCAL, "Reserved", "RFC 1112" },
	{ "255.255.255.255/32", LOCAL, "Limited Broadcast", "RFC 8190" },
	/* Not in the registry: multicast is never a unicast leak target. */
	{ "224.0.0.0/4", LOCAL, "Multicast", "RFC 5771" },
	/*
	 * The registry's IPv4-mapped row (::ffff:0:0/96, False) is about packets
	 * carrying such addresses on the wire. leakwatch unmaps first, so here
	 * the row stands for the rest of IPv4: allocated, routable, global.
	 */
	{ "::ffff:0:0/96", GLOBAL, "IPv4 unicast", "RFC 791" },

	/* IPv6 Special-Purpose Address Registry */
	{ "::1/128", LOCAL, "Loopback Address", "RFC 4291" },
	{ "::/128", LOCAL, "Unspecified Address", "RFC 4291" },
	/* GR True, but the IPv4 inside decides (RFC 6052 §3.1) */
	{ "64:ff9b::/96", EMBEDDED, "IPv4-IPv6 Translat.", "RFC 6052" },
	{ "64:ff9b:1::/48", LOCAL, "IPv4-IPv6 Translat.", "RFC 8215" },
	{ "100::/64", LOCAL, "Discard-Only Address Block", "RFC 6666" },
	{ "100:0:0:1::/64", LOCAL, "Dummy IPv6 Prefix", "RFC 9780" },
	{ "2001::/23", LOCAL, "IETF Protocol Assignments", "RFC 2928" },
	{ "2001::/32", EMBEDDED, "TEREDO", "RFC 4380" },
	{ "2001:1::1/128", GLOBAL, "Port Control Protocol Anycast", "RFC 7723" },
	{ "2001:1::2/128", GLOBAL, "Traversal Using Relays around NAT Anycast", "RFC 8155" },
	{ "2001:1::3/128", GLOBAL, "DNS-SD Service Registration Protocol Anycast", "RFC 9665" },
	{ "2001:2::/48", LOCAL, "Benchmarking", "RFC 5180" },
	{ "2001:3::/32", GLOBAL, "AMT", "RFC 7450" },
	{ "2001:4:112::/48", GLOBAL, "AS112-v6", "RFC 7535" },
	{ "2001:10::/28", LOCAL, "Deprecated (previously ORCHID)", "RFC 4843" },
	{ "2001:20::/28", GLOBAL, "ORCHIDv2", "RFC 7343" },
	{ "2001:30::/28", GLOBAL, "Drone Remote ID Protocol Entity Tags (DETs) Prefix",
	  "RFC 9374" },
	{ "2001:db8::/32", LOCAL, "Documentation", "RFC 3849" },
	{ "2002::/16", EMBEDDED, "6to4", "RFC 3056" },
	{ "2620:4f:8000::/48", GLOBAL, "Direct Delegation AS112 Service", "RFC 7534" },
	{ "3fff::/20", LOCAL, "Documentation", "RFC 9637" },
	{ "5f00::/16", LOCAL, "Segment Routing (SRv6) SIDs", "RFC 9602" },
	{ "fc00::/7", LOCAL, "Unique-Local", "RFC 4193" },
	{ "fe80::/10", LOCAL, "Link-Local Unicast", "RFC 4291" },
	/* Not in the registry: multicast, and the IANA IPv6 Address Space:
	 * only 2000::/3 is global unicast, the rest is reserved by the IETF. */
	{ "ff00::/8", LOCAL, "Multicast", "RFC 4291" },
	{ "2000::/3", GLOBAL, "Global Unicast", "RFC 4291" },
	{ "::/0", LOCAL, "Reserved by IETF", "RFC 4291" },
};
const size_t n_builtin_blocks = sizeof(builtin_blocks) / sizeof(builtin_blocks[0]);
