/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Address helpers. leakwatch keeps every address in 16 bytes, IPv4 as
 * v4-mapped IPv6 (::ffff:a.b.c.d), the same form the BPF maps use.
 */
#ifndef __LW_ADDR_H
#define __LW_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 64 /* fits "[v6]:port" and "v6/128" */

/* ::ffff:0:0/96, where IPv4 lives. */
#define ADDR_V4_MAPPED_PLEN 96
extern const uint8_t addr_v4_mapped[16];
/* 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052). */
#define ADDR_NAT64_WKP_PLEN 96
extern const uint8_t addr_nat64_wkp[16];

/* Parse IPv4 or IPv6 text (no brackets, no port). 0 or -EINVAL. */
int addr_parse(const char *text, uint8_t out[16]);
/* Parse "addr/len" (or a bare address as a host route). IPv4 lengths are
 * returned in mapped form (96 + len). The address is masked to the length.
 * 0 or -EINVAL. */
int prefix_parse(const char *text, uint8_t out[16], int *plen);
/* Format: IPv4 (v4-mapped) as dotted quad, else RFC 5952 IPv6. */
void addr_format(const uint8_t a[16], char *buf, size_t len);
/* "a.b.c.d:port" or "[v6]:port". */
void addr_format_port(const uint8_t a[16], uint16_t port, char *buf, size_t len);
/* Format a prefix back to text ("198.18.0.0/15", "2001:db8::/32"). */
void prefix_format(const uint8_t a[16], int plen, char *buf, size_t len);
bool addr_is_v4(const uint8_t a[16]);
void addr_from_v4(uint32_t be_addr, uint8_t out[16]);
bool prefix_contains(const uint8_t prefix[16], int plen, const uint8_t a[16]);

bool addr_is_multicast(const uint8_t a[16]);
bool addr_is_loopback(const uint8_t a[16]); /* 127/8 or ::1 */
/* The IPv4 address a carries inside the transition block prefix/plen:
 * NAT64 64:ff9b::/96, Teredo 2001::/32, 6to4 2002::/16. False for any
 * other block. */
bool addr_embedded_v4(const uint8_t prefix[16], int plen, const uint8_t a[16], uint8_t v4[16]);

#endif /* __LW_ADDR_H */
