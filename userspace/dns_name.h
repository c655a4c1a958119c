/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * DNS names, the one codec the policy and the message parser share: text to
 * lowercase wire form with a reason when the text is no name, wire form to
 * presentation text, the label walk, and ASCII case folding (RFC 4343: only
 * A-Z fold; every other byte, length octets included, is itself).
 */
#ifndef __LW_DNS_NAME_H
#define __LW_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_NAME_MAX 255 /* wire bytes, RFC 1035 §2.3.4 */
#define DNS_LABEL_MAX 63
/* Labels of a name: each takes at least two wire bytes. */
#define DNS_NAME_LABELS (DNS_NAME_MAX / 2 + 1)

struct dns_name {
	uint8_t wire[256]; /* uncompressed, ends with the root label */
	uint16_t len;	   /* bytes in wire[] */
};

static inline uint8_t dns_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

/* Case-insensitive comparison of n wire bytes. */
bool dns_wire_equal(const uint8_t *a, const uint8_t *b, size_t n);

/* Text to lowercase wire form: labels 1..63 bytes, at most 255 wire bytes,
 * no control characters, one optional trailing dot ("." is the root). With
 * wire NULL the text is only checked. Returns the wire length incl. the root
 * label, or -EINVAL with *why (when why is set) saying what is wrong. */
int dns_name_from_text(const char *text, uint8_t *wire, size_t cap, const char **why);
/* Same check, the reason written to err (when set). 0 or -EINVAL. */
int dns_name_validate(const char *text, char *err, size_t errlen);
/* The canonical text of a name dns_name_from_text() accepted: lowercase, no
 * trailing dot. out holds DNS_NAME_MAX + 1 bytes. Returns its length. */
size_t dns_name_canon(const char *text, char *out);

/* The label boundaries of an uncompressed wire-form name: starts[] (room
 * for DNS_NAME_LABELS) gets the offset of each label, *total the length
 * including the root label. Returns the number of labels, or -1 for
 * pointers, bad lengths and overruns. */
int dns_wire_labels(const uint8_t *wire, size_t len, uint16_t *starts, size_t *total);

/* Presentation form: labels joined by '.', no trailing dot ("." for the
 * root); '.', '\\' and '"' inside a label are escaped with '\\', bytes
 * outside printable ASCII as \DDD (RFC 1035 §5.1). Always NUL terminated.
 * Returns true when the name needed escaping (report it as malformed). */
bool dns_name_to_text(const struct dns_name *n, char *buf, size_t len);
/* Case-insensitive wire comparison. */
bool dns_name_equal(const struct dns_name *a, const struct dns_name *b);

#endif /* __LW_DNS_NAME_H */
