// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Address helpers. Every address is 16 bytes, IPv4 v4-mapped, so that the
 * policy, the reports and the BPF maps share one key type.
 *
 * The IPv6 formatter is our own rather than inet_ntop(): glibc and musl
 * disagree on when to print an embedded IPv4 tail, and the reports (and the
 * tests) must not depend on which C library the binary was linked with.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

const uint8_t addr_v4_mapped[16] = { [10] = 0xff, [11] = 0xff };
const uint8_t addr_nat64_wkp[16] = { 0x00, 0x64, 0xff, 0x9b };

bool addr_is_v4(const uint8_t a[16])
{
	return !memcmp(a, addr_v4_mapped, ADDR_V4_MAPPED_PLEN / 8);
}

void addr_from_v4(uint32_t be_addr, uint8_t out[16])
{
	memcpy(out, addr_v4_mapped, ADDR_V4_MAPPED_PLEN / 8);
	memcpy(out + 12, &be_addr, 4);
}

int addr_parse(const char *text, uint8_t out[16])
{
	struct in_addr v4;

	if (!text)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &v4) == 1) {
		addr_from_v4(v4.s_addr, out);
		return 0;
	}
	if (inet_pton(AF_INET6, text, out) == 1)
		return 0;
	return -EINVAL;
}

static void prefix_mask(uint8_t a[16], int plen)
{
	int i;

	for (i = 0; i < 16; i++) {
		int bits = plen - i * 8;

		if (bits >= 8)
			continue;
		a[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

/* A prefix length is plain decimal: no sign, no blanks, no hex. */
static int parse_plen(const char *s, int max)
{
	int v = 0;

	if (!*s || strlen(s) > 3)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	return v <= max ? v : -EINVAL;
}

int prefix_parse(const char *text, uint8_t out[16], int *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	int len;

	if (!text)
		return -EINVAL;
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	if (addr_parse(buf, out))
		return -EINVAL;

	/* The length is counted on the 128-bit form, so IPv4 lengths shift by 96
	 * unless the text itself was IPv6 (::ffff:10.0.0.0/104). */
	if (strchr(buf, ':')) {
		len = slash ? parse_plen(slash + 1, 128) : 128;
	} else {
		len = slash ? parse_plen(slash + 1, 32) : 32;
		if (len >= 0)
			len += 96;
	}
	if (len < 0)
		return -EINVAL;
	prefix_mask(out, len);
	*plen = len;
	return 0;
}

/* RFC 5952: lowercase, no leading zeros, the longest run (first on a tie) of
 * two or more zero groups compressed to "::". */
static void format_v6(const uint8_t a[16], char *buf, size_t len)
{
	int best = -1, best_len = 0, run = -1, run_len = 0;
	uint16_t g[8];
	size_t off = 0;
	int i;

	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		if (g[i]) {
			run = -1;
			continue;
		}
		if (run < 0) {
			run = i;
			run_len = 0;
		}
		if (++run_len > best_len) {
			best = run;
			best_len = run_len;
		}
	}
	if (best_len < 2)
		best = -1;

	buf[0] = '\0';
	for (i = 0; i < 8 && off < len; i++) {
		int n;

		if (i == best) {
			n = snprintf(buf + off, len - off, "::");
			i += best_len - 1;
		} else {
			n = snprintf(buf + off, len - off, "%s%x",
				     i > 0 && i != best + best_len ? ":" : "", g[i]);
		}
		if (n < 0)
			return;
		off += (size_t)n;
	}
}

void addr_format(const uint8_t a[16], char *buf, size_t len)
{
	if (!len)
		return;
	if (addr_is_v4(a))
		snprintf(buf, len, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
	else
		format_v6(a, buf, len);
}

void addr_format_port(const uint8_t a[16], uint16_t port, char *buf, size_t len)
{
	char text[ADDR_STRLEN];

	addr_format(a, text, sizeof(text));
	if (addr_is_v4(a))
		snprintf(buf, len, "%s:%u", text, port);
	else
		snprintf(buf, len, "[%s]:%u", text, port);
}

void prefix_format(const uint8_t a[16], int plen, char *buf, size_t len)
{
	char text[ADDR_STRLEN];

	addr_format(a, text, sizeof(text));
	if (addr_is_v4(a) && plen >= 96)
		snprintf(buf, len, "%s/%d", text, plen - 96);
	else
		snprintf(buf, len, "%s/%d", text, plen);
}

bool prefix_contains(const uint8_t prefix[16], int plen, const uint8_t a[16])
{
	int full = plen / 8, bits = plen % 8;
	uint8_t mask;

	if (plen < 0 || plen > 128)
		return false;
	if (memcmp(prefix, a, (size_t)full) != 0)
		return false;
	if (!bits)
		return true;
	mask = (uint8_t)(0xff << (8 - bits));
	return (prefix[full] & mask) == (a[full] & mask);
}

bool addr_is_multicast(const uint8_t a[16])
{
	if (addr_is_v4(a))
		return (a[12] & 0xf0) == 0xe0;
	return a[0] == 0xff;
}

bool addr_is_loopback(const uint8_t a[16])
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (addr_is_v4(a))
		return a[12] == 127;
	return !memcmp(a, v6_loopback, 16);
}

bool addr_embedded_v4(const uint8_t prefix[16], int plen, const uint8_t a[16], uint8_t v4[16])
{
	static const uint8_t teredo[16] = { 0x20, 0x01, 0x00, 0x00 };
	static const uint8_t six_to_four[16] = { 0x20, 0x02 };
	uint32_t be;

	if (plen == 96 && prefix_contains(addr_nat64_wkp, 32, prefix)) {
		memcpy(&be, a + 12, 4); /* RFC 6052: the last 32 bits */
	} else if (plen == 32 && prefix_contains(teredo, 32, prefix)) {
		memcpy(&be, a + 12, 4); /* RFC 4380 §4: the client, obfuscated */
		be = ~be;
	} else if (plen == 16 && prefix_contains(six_to_four, 16, prefix)) {
		memcpy(&be, a + 2, 4); /* RFC 3056: 2002:AABB:CCDD::/48 */
	} else {
		return false;
	}
	addr_from_v4(be, v4);
	return true;
}
