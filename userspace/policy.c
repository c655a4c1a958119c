// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The policy itself: its tables (built from policy_tables.c, extended by
 * config.c through the policy_put_*() calls), the match and allow rules on
 * names and addresses, and the rule a reserved name's answer must follow.
 * Names are matched in the wire form of dns_name.c, addresses in the
 * v4-mapped form of addr.c.
 *
 * Everything here is pure and bounded: it runs on the daemon's hot path
 * (one call per DNS event or destination), in the offline `classify`
 * command, and under libFuzzer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dns_name.h"
#include "policy.h"

static const uint16_t default_mail_ports[] = { 25, 465, 587, 110, 995, 143, 993 };

static const char *const family_names[LW_FAMILY_MAX] = {
	[LW_FAMILY_NONE] = "none",	   [LW_FAMILY_NXDOMAIN] = "nxdomain",
	[LW_FAMILY_LOOPBACK] = "loopback", [LW_FAMILY_LOCAL] = "local",
	[LW_FAMILY_IANA] = "iana",	   [LW_FAMILY_FIXED] = "fixed",
	[LW_FAMILY_DDR] = "ddr",
};

const char *family_name(uint8_t family)
{
	return family < LW_FAMILY_MAX ? family_names[family] : "unknown";
}

int family_parse(const char *name)
{
	int f;

	/* "none" is not a family a suffix can have. */
	for (f = LW_FAMILY_NONE + 1; f < LW_FAMILY_MAX; f++)
		if (!strcmp(name, family_names[f]))
			return f;
	return -EINVAL;
}

/* ---- names ---------------------------------------------------------------- */

static const struct reserved_suffix *suffix_at(const struct policy *p, const uint8_t *wire,
					       size_t n)
{
	size_t i;

	if (n > LW_SUFFIX_MAX)
		return NULL;
	for (i = 0; i < p->n_suffixes; i++) {
		const struct reserved_suffix *s = &p->suffixes[i];

		if (s->wire_len == n && dns_wire_equal(wire, s->wire, n))
			return s;
	}
	return NULL;
}

const struct reserved_suffix *policy_match_wire(const struct policy *p, const uint8_t *wire,
						size_t len)
{
	uint16_t starts[DNS_NAME_LABELS];
	size_t total, i;
	int n;

	if (!p || !wire)
		return NULL;
	n = dns_wire_labels(wire, len, starts, &total);
	if (n < 0)
		return NULL;
	/* The leftmost boundary that matches is the longest suffix. */
	for (i = 0; i < (size_t)n; i++) {
		const struct reserved_suffix *s;

		s = suffix_at(p, wire + starts[i], total - starts[i]);
		if (s)
			return s;
	}
	return NULL;
}

/* Is the wire-form name at or under one of list[]? Whole labels, any case. */
static bool wire_under(const struct allow_name *list, size_t n_list, const uint8_t *wire,
		       size_t len)
{
	uint16_t starts[DNS_NAME_LABELS];
	size_t total, i, k;
	int n;

	if (!list || !n_list || !wire)
		return false;
	n = dns_wire_labels(wire, len, starts, &total);
	if (n < 0)
		return false;
	for (i = 0; i < (size_t)n; i++) {
		size_t rest = total - starts[i];

		for (k = 0; k < n_list; k++) {
			const struct allow_name *a = &list[k];

			if (a->wire_len == rest && dns_wire_equal(wire + starts[i], a->wire, rest))
				return true;
		}
	}
	return false;
}

static bool name_under(const struct allow_name *list, size_t n_list, const char *name)
{
	uint8_t wire[LW_DNS_NAME_MAX];
	int len;

	if (!list || !n_list || !name)
		return false;
	len = dns_name_from_text(name, wire, sizeof(wire), NULL);
	if (len < 0)
		return false;
	return wire_under(list, n_list, wire, (size_t)len);
}

bool policy_wire_allowed(const struct policy *p, const uint8_t *wire, size_t len)
{
	return p && wire_under(p->allow_names, p->n_allow_names, wire, len);
}

bool policy_name_allowed(const struct policy *p, const char *name)
{
	return p && name_under(p->allow_names, p->n_allow_names, name);
}

bool policy_dest_allowed(const struct policy *p, const char *name)
{
	return p && name_under(p->allow_dests, p->n_allow_dests, name);
}

const struct reserved_suffix *policy_match_name(const struct policy *p, const char *name)
{
	uint8_t wire[LW_DNS_NAME_MAX];
	int len;

	if (!p || !name)
		return NULL;
	len = dns_name_from_text(name, wire, sizeof(wire), NULL);
	if (len < 0)
		return NULL;
	return policy_match_wire(p, wire, (size_t)len);
}

/* ---- building the tables --------------------------------------------------- */

int policy_suffix_fill(struct reserved_suffix *s, const char *name, const char **why)
{
	uint8_t wire[LW_DNS_NAME_MAX];
	int len;

	len = dns_name_from_text(name, wire, sizeof(wire), why);
	if (len < 0)
		return len;
	if (len == 1) {
		*why = "the root cannot be a reserved suffix";
		return -EINVAL;
	}
	if (len > LW_SUFFIX_MAX) {
		*why = "suffix longer than 64 bytes in wire form";
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	memcpy(s->wire, wire, (size_t)len);
	s->wire_len = (uint8_t)len;
	dns_name_canon(name, s->name);
	return 0;
}

/* Add a suffix, or replace the one with the same name: the last word wins. */
int policy_put_suffix(struct policy *p, const struct reserved_suffix *s)
{
	struct reserved_suffix *grown;
	size_t i;

	for (i = 0; i < p->n_suffixes; i++) {
		if (p->suffixes[i].wire_len == s->wire_len &&
		    !memcmp(p->suffixes[i].wire, s->wire, s->wire_len)) {
			p->suffixes[i] = *s;
			return 0;
		}
	}
	if (p->n_suffixes >= LW_SUFFIX_ENTRIES)
		return -E2BIG;
	grown = realloc(p->suffixes, (p->n_suffixes + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->suffixes = grown;
	p->suffixes[p->n_suffixes++] = *s;
	return 0;
}

/* Add a block. A config block replaces an earlier config block with the same
 * prefix; built-in blocks stay, and lose ties to config blocks. */
int policy_put_block(struct policy *p, const struct addr_block *b)
{
	struct addr_block *grown;
	size_t i;

	for (i = 0; b->user && i < p->n_blocks; i++) {
		struct addr_block *o = &p->blocks[i];

		if (o->user && o->plen == b->plen && !memcmp(o->prefix, b->prefix, 16)) {
			*o = *b;
			return 0;
		}
	}
	if (p->n_blocks >= LW_ADDRCLASS_ENTRIES)
		return -E2BIG;
	grown = realloc(p->blocks, (p->n_blocks + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->blocks = grown;
	p->blocks[p->n_blocks++] = *b;
	return 0;
}

/* Add a name to an allow list; the same name twice is one entry. */
static int allow_put(struct allow_name **list, size_t *n_list, const struct allow_name *a)
{
	struct allow_name *grown;
	size_t i;

	for (i = 0; i < *n_list; i++)
		if ((*list)[i].wire_len == a->wire_len &&
		    !memcmp((*list)[i].wire, a->wire, a->wire_len))
			return 0;
	if (*n_list >= POLICY_MAX_ALLOW_NAMES)
		return -E2BIG;
	grown = realloc(*list, (*n_list + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	(*list)[(*n_list)++] = *a;
	return 0;
}

int policy_put_allow_name(struct policy *p, const struct allow_name *a)
{
	return allow_put(&p->allow_names, &p->n_allow_names, a);
}

int policy_put_allow_dest(struct policy *p, const struct allow_name *a)
{
	return allow_put(&p->allow_dests, &p->n_allow_dests, a);
}

static int builtins_load(struct policy *p)
{
	const char *why;
	size_t i;
	int err;

	for (i = 0; i < n_builtin_names; i++) {
		struct reserved_suffix s;

		err = policy_suffix_fill(&s, builtin_names[i].name, &why);
		if (err)
			return err;
		s.family = builtin_names[i].family;
		s.rfc = builtin_names[i].rfc;
		err = policy_put_suffix(p, &s);
		if (err)
			return err;
	}
	for (i = 0; i < n_builtin_blocks; i++) {
		struct addr_block b = {
			.kind = builtin_blocks[i].kind,
			.label = builtin_blocks[i].label,
			.rfc = builtin_blocks[i].rfc,
		};

		err = prefix_parse(builtin_blocks[i].prefix, b.prefix, &b.plen);
		if (err)
			return err;
		err = policy_put_block(p, &b);
		if (err)
			return err;
	}
	return 0;
}

int policy_init(struct policy *p)
{
	int err;

	memset(p, 0, sizeof(*p));
	p->window_s = POLICY_DEFAULT_WINDOW;
	memcpy(p->mail_ports, default_mail_ports, sizeof(default_mail_ports));
	p->n_mail_ports = sizeof(default_mail_ports) / sizeof(default_mail_ports[0]);
	err = builtins_load(p);
	if (err)
		policy_free(p);
	return err;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	free(p->suffixes);
	free(p->blocks);
	free(p->allow_names);
	free(p->allow_dests);
	memset(p, 0, sizeof(*p));
}

/* ---- addresses --------------------------------------------------------------- */

static const struct addr_block *block_match(const struct policy *p, const uint8_t a[16])
{
	const struct addr_block *best = NULL;
	size_t i;

	for (i = 0; i < p->n_blocks; i++) {
		const struct addr_block *b = &p->blocks[i];

		if (!prefix_contains(b->prefix, b->plen, a))
			continue;
		if (!best || b->plen > best->plen || (b->plen == best->plen && b->user))
			best = b;
	}
	return best;
}

void policy_classify_addr(const struct policy *p, const uint8_t a[16], struct addr_class *out)
{
	const struct addr_block *b;
	uint8_t v4[16];

	memset(out, 0, sizeof(*out));
	out->multicast = addr_is_multicast(a);
	b = block_match(p, a);
	if (b && b->kind == ADDR_KIND_EMBEDDED_V4) {
		if (addr_embedded_v4(b->prefix, b->plen, a, v4)) {
			out->multicast |= addr_is_multicast(v4);
			b = block_match(p, v4);
		} else {
			b = NULL;
		}
	}
	/* No block at all (a policy without the built-ins): not a leak target. */
	if (!b || b->kind == ADDR_KIND_EMBEDDED_V4) {
		snprintf(out->block, sizeof(out->block), "%s", "none");
		out->label = "unclassified";
		return;
	}
	out->global = b->kind == ADDR_KIND_GLOBAL;
	out->allowed = b->kind == ADDR_KIND_ALLOW;
	prefix_format(b->prefix, b->plen, out->block, sizeof(out->block));
	out->label = b->label;
	out->rfc = b->rfc;
}

bool policy_suffix_private(const struct reserved_suffix *s)
{
	return s->family == LW_FAMILY_LOCAL && strcmp(s->name, "test");
}

bool policy_is_mail_port(const struct policy *p, uint16_t port)
{
	size_t i;

	for (i = 0; i < p->n_mail_ports; i++)
		if (p->mail_ports[i] == port)
			return true;
	return false;
}

static bool is_ipv4only(const uint8_t a[16])
{
	return addr_is_v4(a) && a[12] == 192 && a[13] == 0 && a[14] == 0 &&
	       (a[15] == 170 || a[15] == 171);
}

bool policy_answer_violates(const struct policy *p, uint8_t family, const uint8_t a[16])
{
	struct addr_class c;

	switch (family) {
	case LW_FAMILY_NXDOMAIN:
		return true;
	case LW_FAMILY_LOOPBACK:
		return !addr_is_loopback(a);
	case LW_FAMILY_LOCAL:
		policy_classify_addr(p, a, &c);
		return c.global;
	case LW_FAMILY_FIXED:
		if (addr_is_v4(a))
			return !is_ipv4only(a);
		/* AAAA exist only as DNS64 synthesis (RFC 8880 §7). */
		if (prefix_contains(addr_nat64_wkp, ADDR_NAT64_WKP_PLEN, a))
			return false;
		policy_classify_addr(p, a, &c);
		return c.global;
	default: /* iana, ddr: global answers are normal */
		return false;
	}
}
