/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A complete, strict DNS message parser (RFC 1035, 3596, 2782) for the
 * reports. Every length is checked against the buffer; compression pointers
 * must point strictly backwards and a name may not exceed 255 wire bytes, so
 * loops and forward pointers are refused. Names are kept as raw
 * uncompressed wire bytes (struct dns_name, dns_name.h): matching and
 * escaping happen later, on exactly the bytes the kernel saw.
 */
#ifndef __LW_DNS_H
#define __LW_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_name.h"

#define DNS_MAX_QUESTIONS 4
#define DNS_MAX_RRS 64	  /* kept per message; more are counted, not kept */
#define DNS_TEXT_MAX 1024 /* presentation form, worst case \DDD escapes */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_OPT = 41,
	DNS_T_SVCB = 64,
	DNS_T_HTTPS = 65,
	DNS_T_ANY = 255,
};

enum dns_section { DNS_SEC_ANSWER = 0, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL };

/* Results of dns_parse(); negative values are errors. */
enum dns_status {
	DNS_OK = 0,
	DNS_ERR_TRUNCATED = -1, /* buffer ended inside the message */
	DNS_ERR_MALFORMED = -2, /* bad pointer, label, length or count */
};

struct dns_question {
	struct dns_name name;
	uint16_t type;
	uint16_t qclass;
};

struct dns_rr {
	struct dns_name name;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlength;
	uint8_t section; /* enum dns_section */
	/* Decoded rdata, by type: */
	uint8_t addr[16];	/* A (v4-mapped) and AAAA */
	struct dns_name target; /* CNAME, PTR, NS, MX exchange, SRV target */
	uint16_t pref;		/* MX preference, SRV priority */
	uint16_t weight;	/* SRV */
	uint16_t port;		/* SRV */
};

struct dns_msg {
	uint16_t id;
	uint16_t flags; /* raw header flags */
	bool qr;	/* response */
	bool tc;	/* the TC bit */
	uint8_t opcode;
	uint8_t rcode;
	uint16_t qdcount, ancount, nscount, arcount;
	struct dns_question q[DNS_MAX_QUESTIONS];
	size_t n_q; /* questions kept */
	struct dns_rr rr[DNS_MAX_RRS];
	size_t n_rr;	     /* records kept, all sections in order */
	size_t n_rr_dropped; /* records parsed but not kept (over DNS_MAX_RRS) */
};

/* Parse a DNS message. On DNS_ERR_TRUNCATED the records parsed before the
 * end of the buffer are kept in msg (useful for a capture that was cut). */
int dns_parse(const uint8_t *buf, size_t len, struct dns_msg *msg);
/* Same, for DNS over TCP: a 2-byte big-endian length prefix first. A
 * buffer shorter than the prefixed length is DNS_ERR_TRUNCATED. */
int dns_parse_tcp(const uint8_t *buf, size_t len, struct dns_msg *msg);

/* The addresses the question's name resolves to in this message: follow the
 * CNAME chain from q[0] through the answer section (bounded, loops refused)
 * and collect A/AAAA records of the final names. Returns how many were
 * written to out (at most max). */
size_t dns_answer_addrs(const struct dns_msg *msg, uint8_t (*out)[16], size_t max);

const char *dns_type_name(uint16_t type);  /* "A", "AAAA", ..., "TYPE123" */
const char *dns_rcode_name(uint8_t rcode); /* "NOERROR", "NXDOMAIN", ... */

#endif /* __LW_DNS_H */
