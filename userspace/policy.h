/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The policy: which DNS names are reserved (and what a correct answer for
 * them looks like), which addresses are globally reachable, and the tunables
 * of the verdict engine. Built-in tables come from the IANA special-use
 * names registry, the IANA IPv4/IPv6 special-purpose address registries and
 * ICANN's .internal; a config file (config.h) extends or overrides them.
 */
#ifndef __LW_POLICY_H
#define __LW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "leakwatch.h"

#define POLICY_ERR_LEN 512
#define POLICY_MAX_MAIL_PORTS 32
#define POLICY_DEFAULT_WINDOW 60
#define POLICY_MAX_ALLOW_NAMES 1024 /* of each: allow-name, allow-destination */

struct reserved_suffix {
	char name[LW_DNS_NAME_MAX + 1]; /* lowercase text, no trailing dot */
	uint8_t wire[LW_SUFFIX_MAX];	/* lowercase wire form, zero padded */
	uint8_t wire_len;		/* bytes of wire incl. the root label */
	uint8_t family;			/* enum lw_family */
	const char *rfc;		/* "RFC 6761", NULL for user entries */
	bool user;			/* from the config file */
};

enum addr_kind {
	ADDR_KIND_LOCAL = 0, /* not globally reachable */
	ADDR_KIND_GLOBAL,
	ADDR_KIND_ALLOW,       /* `allow =`: never a leak */
	ADDR_KIND_EMBEDDED_V4, /* 6to4/Teredo/NAT64: classify the IPv4 inside */
};

/* `allow-name = NAME`: names at or under NAME give no verdict.
 * `allow-destination = NAME`: traffic to an ordinary name at or under
 * NAME gives no verdict (the same form). */
struct allow_name {
	char name[LW_DNS_NAME_MAX + 1]; /* lowercase text, no trailing dot */
	uint8_t wire[LW_DNS_NAME_MAX];	/* lowercase wire form */
	uint8_t wire_len;		/* bytes of wire incl. the root label */
};

struct addr_block {
	uint8_t prefix[16]; /* masked, IPv4 mapped */
	int plen;	    /* 0..128, IPv4 as 96 + len */
	uint8_t kind;	    /* enum addr_kind */
	const char *label;  /* registry name, or "config" */
	const char *rfc;
	bool user;
};

struct addr_class {
	bool global;  /* a leak target */
	bool allowed; /* matched an `allow =` range */
	bool multicast;
	char block[64]; /* the most specific block, as text */
	const char *label;
	const char *rfc;
};

struct policy {
	struct reserved_suffix *suffixes;
	size_t n_suffixes;
	struct addr_block *blocks;
	size_t n_blocks;
	unsigned int window_s; /* follow-on window */
	uint16_t mail_ports[POLICY_MAX_MAIL_PORTS];
	size_t n_mail_ports;
	struct allow_name *allow_names; /* config order */
	size_t n_allow_names;
	struct allow_name *allow_dests; /* `allow-destination`, config order */
	size_t n_allow_dests;
};

/* The built-in tables (policy_tables.c), as text, in registry order.
 * policy_init() turns them into the struct policy arrays above. */
struct builtin_name {
	const char *name;
	uint8_t family; /* enum lw_family */
	const char *rfc;
};

struct builtin_block {
	const char *prefix; /* "192.0.0.0/24", "2001::/23" */
	uint8_t kind;	    /* enum addr_kind */
	const char *label;
	const char *rfc;
};

extern const struct builtin_name builtin_names[];
extern const size_t n_builtin_names;
extern const struct builtin_block builtin_blocks[];
extern const size_t n_builtin_blocks;

/* Built-in tables only. 0 or -ENOMEM. The config file (config.h) adds to
 * them through the policy_put_*() calls below. */
int policy_init(struct policy *p);
void policy_free(struct policy *p);

/* A suffix entry from its text (dns_name_from_text() rules, not the root,
 * at most LW_SUFFIX_MAX wire bytes); the caller sets family, rfc, user.
 * 0, or -EINVAL with *why set. */
int policy_suffix_fill(struct reserved_suffix *s, const char *name, const char **why);
/* Add a suffix, or replace the one with the same name: the last word wins.
 * 0, -E2BIG (LW_SUFFIX_ENTRIES) or -ENOMEM. */
int policy_put_suffix(struct policy *p, const struct reserved_suffix *s);
/* Add a block. A config block replaces an earlier config block with the
 * same prefix; built-in blocks stay, and lose ties to config blocks.
 * 0, -E2BIG (LW_ADDRCLASS_ENTRIES) or -ENOMEM. */
int policy_put_block(struct policy *p, const struct addr_block *b);
/* Add to the allow-name / allow-destination list; the same name twice is
 * one entry. 0, -E2BIG (POLICY_MAX_ALLOW_NAMES) or -ENOMEM. */
int policy_put_allow_name(struct policy *p, const struct allow_name *a);
int policy_put_allow_dest(struct policy *p, const struct allow_name *a);

/* Longest reserved suffix of a name, whole labels, case-insensitive;
 * NULL when the name is not reserved. */
const struct reserved_suffix *policy_match_name(const struct policy *p, const char *name);
/* Same on an uncompressed wire-form name (any case, raw label bytes). */
const struct reserved_suffix *policy_match_wire(const struct policy *p, const uint8_t *wire,
						size_t len);

/* True when a name is at or under an `allow-name` (whole labels,
 * case-insensitive, one trailing dot ignored): it produces no verdict. */
bool policy_name_allowed(const struct policy *p, const char *name);
/* Same on an uncompressed wire-form name. */
bool policy_wire_allowed(const struct policy *p, const uint8_t *wire, size_t len);
/* True when a destination's ordinary name (destinations[].name) is at or
 * under an `allow-destination` (the same matching as allow-name). */
bool policy_dest_allowed(const struct policy *p, const char *name);

void policy_classify_addr(const struct policy *p, const uint8_t a[16], struct addr_class *out);
bool policy_is_mail_port(const struct policy *p, uint16_t port);
/* Mail addresses under s may be real people's: family `local` (.internal,
 * .local, home.arpa, a site's own suffix), except .test, which has no
 * real mailboxes. The payload scan withholds their local part. */
bool policy_suffix_private(const struct reserved_suffix *s);
/* True when an answer address breaks the rule of its suffix's family. */
bool policy_answer_violates(const struct policy *p, uint8_t family, const uint8_t a[16]);

const char *family_name(uint8_t family);
/* enum lw_family from its name, or -EINVAL. */
int family_parse(const char *name);

#endif /* __LW_POLICY_H */
