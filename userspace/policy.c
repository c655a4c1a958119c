// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The policy engine: reserved-name matching, address classification, answer
 * rules and the config file. The data lives in policy_tables.c.
 *
 * Everything here is pure and bounded: it runs on the daemon's hot path
 * (one call per DNS event or destination), in the offline `classify`
 * command, and under libFuzzer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "dns_name.h"
#include "policy.h"

#define POLICY_LINE_MAX 1024
#define POLICY_WINDOW_MAX 86400

static const uint16_t default_mail_ports[] = { 25, 465, 587, 110, 995, 143, 993 };

static const char *const family_names[LW_FAMILY_MAX] = {
	[LW_FAMILY_NONE] = "none",	   [LW_FAMILY_NXDOMAIN] = "nxdomain",
	[LW_FAMILY_LOOPBACK] = "loopback", [LW_FAMILY_LOCAL] = "local",
	[LW_FAMILY_IANA] = "iana",	   [LW_FAMILY_FIXED] = "fixed",
	[LW_FAMILY_DDR] = "ddr",
};

static const char *const kind_keys[] = {
	[ADDR_KIND_LOCAL] = "local",
	[ADDR_KIND_GLOBAL] = "global",
	[ADDR_KIND_ALLOW] = "allow",
	[ADDR_KIND_EMBEDDED_V4] = NULL,
};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	if (!err || !errlen)
		return -EINVAL;
	va_start(ap, fmt);
	/* clang-tidy 14 sees an uninitialized va_list here, but only when it is
	 * given several files at once: a false positive. */
	vsnprintf(err, errlen, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	return -EINVAL;
}

/* Config text quoted in an error message: one line, printable, short. */
static const char *quote(const char *s, char *buf, size_t len)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n && i + 4 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < n && i >= 3)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

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

static int suffix_fill(struct reserved_suffix *s, const char *name, const char **why)
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
static int suffix_put(struct policy *p, const struct reserved_suffix *s)
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
static int block_put(struct policy *p, const struct addr_block *b)
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

static int builtins_load(struct policy *p)
{
	const char *why;
	size_t i;
	int err;

	for (i = 0; i < n_builtin_names; i++) {
		struct reserved_suffix s;

		err = suffix_fill(&s, builtin_names[i].name, &why);
		if (err)
			return err;
		s.family = builtin_names[i].family;
		s.rfc = builtin_names[i].rfc;
		err = suffix_put(p, &s);
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
		err = block_put(p, &b);
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

/* ---- the config file ------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	return s;
}

/* Split s in place at any of seps; returns the count, or max + 1 when more. */
static int split(char *s, const char *seps, char **tok, int max)
{
	int n = 0;

	for (;;) {
		s += strspn(s, seps);
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		s += strcspn(s, seps);
		if (*s)
			*s++ = '\0';
	}
}

/* Plain decimal in [lo, hi]: no sign, no blanks, no hex, no overflow. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > hi)
			return -EINVAL;
	}
	if (v < lo)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool suffix_chars_ok(const char *s, char *bad)
{
	for (; *s; s++) {
		char c = *s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.')
			continue;
		*bad = c;
		return false;
	}
	return true;
}

static int key_reserved(struct policy *p, char *value, char *err, size_t errlen)
{
	struct reserved_suffix s;
	char *tok[2], q[40], bad;
	const char *why;
	int n, family = LW_FAMILY_LOCAL, ret;

	n = split(value, " \t", tok, 2);
	if (n < 1 || n > 2)
		return fail(err, errlen, "reserved: expected SUFFIX [FAMILY]");
	/* Config suffixes are host names: nothing print could not write back. */
	if (!suffix_chars_ok(tok[0], &bad)) {
		if (bad > 0x20 && bad < 0x7f)
			return fail(err, errlen,
				    "reserved: bad character '%c' in '%s' (letters, digits, "
				    "'-', '_' and '.' only)",
				    bad, quote(tok[0], q, sizeof(q)));
		return fail(err, errlen, "reserved: bad byte in '%s'", quote(tok[0], q, sizeof(q)));
	}
	if (suffix_fill(&s, tok[0], &why))
		return fail(err, errlen, "reserved: '%s': %s", quote(tok[0], q, sizeof(q)), why);
	if (n == 2) {
		family = family_parse(tok[1]);
		if (family < 0)
			return fail(err, errlen,
				    "reserved: unknown family '%s' (nxdomain, loopback, local, "
				    "iana, fixed or ddr)",
				    quote(tok[1], q, sizeof(q)));
	}
	s.family = (uint8_t)family;
	s.user = true;
	ret = suffix_put(p, &s);
	if (ret == -E2BIG)
		return fail(err, errlen, "reserved: more than %d suffixes", LW_SUFFIX_ENTRIES);
	return ret;
}

/* `allow-name` and `allow-destination`: a list of names, matched by whole
 * labels; the same name twice is one entry. */
static int key_name_list(const char *key, struct allow_name **list, size_t *n_list, char *value,
			 char *err, size_t errlen)
{
	struct allow_name a, *grown;
	char *tok[1], q[40], bad;
	const char *why;
	size_t i;
	int len;

	if (split(value, " \t", tok, 1) != 1)
		return fail(err, errlen, "%s: expected one NAME", key);
	if (!suffix_chars_ok(tok[0], &bad)) {
		if (bad > 0x20 && bad < 0x7f)
			return fail(err, errlen,
				    "%s: bad character '%c' in '%s' (letters, digits, "
				    "'-', '_' and '.' only)",
				    key, bad, quote(tok[0], q, sizeof(q)));
		return fail(err, errlen, "%s: bad byte in '%s'", key, quote(tok[0], q, sizeof(q)));
	}
	memset(&a, 0, sizeof(a));
	len = dns_name_from_text(tok[0], a.wire, sizeof(a.wire), &why);
	if (len < 0)
		return fail(err, errlen, "%s: '%s': %s", key, quote(tok[0], q, sizeof(q)), why);
	if (len == 1)
		return fail(err, errlen, "%s: the root would allow every name", key);
	a.wire_len = (uint8_t)len;
	dns_name_canon(tok[0], a.name);
	for (i = 0; i < *n_list; i++)
		if ((*list)[i].wire_len == a.wire_len &&
		    !memcmp((*list)[i].wire, a.wire, a.wire_len))
			return 0;
	if (*n_list >= POLICY_MAX_ALLOW_NAMES)
		return fail(err, errlen, "%s: more than %d names", key, POLICY_MAX_ALLOW_NAMES);
	grown = realloc(*list, (*n_list + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	(*list)[(*n_list)++] = a;
	return 0;
}

static int key_block(struct policy *p, enum addr_kind kind, const char *key, char *value, char *err,
		     size_t errlen)
{
	struct addr_block b = { .kind = (uint8_t)kind, .label = "config", .user = true };
	uint8_t unmasked[16];
	char *tok[1], *slash, q[64], fixed[ADDR_STRLEN];
	int ret;

	if (split(value, " \t", tok, 1) != 1)
		return fail(err, errlen, "%s: expected one ADDRESS[/LENGTH]", key);
	if (prefix_parse(tok[0], b.prefix, &b.plen))
		return fail(err, errlen, "%s: bad prefix '%s'", key, quote(tok[0], q, sizeof(q)));
	/* 10.1.2.3/8 is a typo for something: say so rather than guess. */
	slash = strchr(tok[0], '/');
	if (slash)
		*slash = '\0';
	if (!addr_parse(tok[0], unmasked) && memcmp(unmasked, b.prefix, 16) != 0) {
		prefix_format(b.prefix, b.plen, fixed, sizeof(fixed));
		return fail(err, errlen, "%s: host bits set in '%s/%s' (the prefix is %s)", key,
			    quote(tok[0], q, sizeof(q)), slash + 1, fixed);
	}
	ret = block_put(p, &b);
	if (ret == -E2BIG)
		return fail(err, errlen, "%s: more than %d address blocks", key,
			    LW_ADDRCLASS_ENTRIES);
	return ret;
}

static int key_window(struct policy *p, char *value, char *err, size_t errlen)
{
	unsigned long v;
	char q[40];

	if (parse_uint(value, 1, POLICY_WINDOW_MAX, &v))
		return fail(err, errlen, "window: '%s' is not a number of seconds in 1..%d",
			    quote(value, q, sizeof(q)), POLICY_WINDOW_MAX);
	p->window_s = (unsigned int)v;
	return 0;
}

static int key_mail_ports(struct policy *p, char *value, char *err, size_t errlen)
{
	char *tok[POLICY_MAX_MAIL_PORTS], q[40];
	uint16_t ports[POLICY_MAX_MAIL_PORTS];
	size_t n_ports = 0, j;
	int n, i;

	n = split(value, " \t,", tok, POLICY_MAX_MAIL_PORTS);
	if (n == 0)
		return fail(err, errlen, "mail-ports: expected a list of ports");
	if (n > POLICY_MAX_MAIL_PORTS)
		return fail(err, errlen, "mail-ports: more than %d ports", POLICY_MAX_MAIL_PORTS);
	for (i = 0; i < n; i++) {
		unsigned long v;

		if (parse_uint(tok[i], 1, 65535, &v))
			return fail(err, errlen, "mail-ports: '%s' is not a port in 1..65535",
				    quote(tok[i], q, sizeof(q)));
		for (j = 0; j < n_ports && ports[j] != v; j++)
			;
		if (j == n_ports)
			ports[n_ports++] = (uint16_t)v;
	}
	/* The list replaces the previous one (the default, at first). */
	memcpy(p->mail_ports, ports, n_ports * sizeof(ports[0]));
	p->n_mail_ports = n_ports;
	return 0;
}

static int apply_kv(struct policy *p, const char *key, char *value, char *err, size_t errlen)
{
	char q[40];

	if (!strcmp(key, "reserved"))
		return key_reserved(p, value, err, errlen);
	if (!strcmp(key, "global"))
		return key_block(p, ADDR_KIND_GLOBAL, key, value, err, errlen);
	if (!strcmp(key, "local"))
		return key_block(p, ADDR_KIND_LOCAL, key, value, err, errlen);
	if (!strcmp(key, "allow"))
		return key_block(p, ADDR_KIND_ALLOW, key, value, err, errlen);
	if (!strcmp(key, "allow-name"))
		return key_name_list(key, &p->allow_names, &p->n_allow_names, value, err, errlen);
	if (!strcmp(key, "allow-destination"))
		return key_name_list(key, &p->allow_dests, &p->n_allow_dests, value, err, errlen);
	if (!strcmp(key, "window"))
		return key_window(p, value, err, errlen);
	if (!strcmp(key, "mail-ports"))
		return key_mail_ports(p, value, err, errlen);
	return fail(err, errlen,
		    "unknown key '%s' (reserved, global, local, allow, allow-name, "
		    "allow-destination, window or mail-ports)",
		    quote(key, q, sizeof(q)));
}

int policy_apply_line(struct policy *p, const char *line, char *err, size_t errlen)
{
	char buf[POLICY_LINE_MAX + 1], *s, *eq, *key, *value, q[40];
	size_t len = strlen(line);

	if (len > POLICY_LINE_MAX)
		return fail(err, errlen, "line longer than %d bytes", POLICY_LINE_MAX);
	memcpy(buf, line, len + 1);
	s = strchr(buf, '#');
	if (s)
		*s = '\0';
	s = trim(buf);
	if (!*s)
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return fail(err, errlen, "missing '=' (expected KEY = VALUE)");
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (!*key)
		return fail(err, errlen, "missing key before '='");
	if (!*value)
		return fail(err, errlen, "%s: missing value after '='", quote(key, q, sizeof(q)));
	return apply_kv(p, key, value, err, errlen);
}

/*
 * On error the policy holds the lines before the bad one: load into a fresh
 * policy and swap only on success (the daemon's SIGHUP does that).
 */
int policy_load_file(struct policy *p, const char *path, char *err, size_t errlen)
{
	char *line = NULL, msg[POLICY_ERR_LEN];
	unsigned long lineno = 0;
	struct stat st;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		fclose(f);
		snprintf(err, errlen, "%s: is a directory, not a config file", path);
		return -EISDIR;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		/* Editors on some systems start UTF-8 files with a byte order
		 * mark: it is not part of the first key. */
		if (lineno == 1 && n >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) {
			memmove(line, line + 3, (size_t)n - 2);
			n -= 3;
		}
		if (memchr(line, '\0', (size_t)n)) {
			ret = fail(err, errlen, "%s:%lu: NUL byte in line", path, lineno);
			goto out_free;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((size_t)n > POLICY_LINE_MAX) {
			ret = fail(err, errlen, "%s:%lu: line longer than %d bytes", path, lineno,
				   POLICY_LINE_MAX);
			goto out_free;
		}
		ret = policy_apply_line(p, line, msg, sizeof(msg));
		if (ret) {
			snprintf(err, errlen, "%s:%lu: %s", path, lineno, msg);
			goto out_free;
		}
	}
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(EIO));
	}
out_free:
	free(line);
	fclose(f);
	return ret;
}

/* ---- printing ---------------------------------------------------------------- */

static void print_suffix(const struct reserved_suffix *s, FILE *out)
{
	/* Built-ins are always in effect: show them as comments, so that the
	 * output read back as a config yields the same policy. */
	fprintf(out, "%sreserved = %s %s", s->user ? "" : "#", s->name, family_name(s->family));
	if (s->user)
		fprintf(out, "\n");
	else
		fprintf(out, "\t# built-in: %s\n", s->rfc ? s->rfc : "");
}

static void print_block(const struct addr_block *b, FILE *out)
{
	char text[ADDR_STRLEN];

	prefix_format(b->prefix, b->plen, text, sizeof(text));
	if (b->kind == ADDR_KIND_EMBEDDED_V4) {
		fprintf(out, "# %s: %s, %s: the IPv4 address inside decides\n", text, b->label,
			b->rfc);
		return;
	}
	if (b->user) {
		fprintf(out, "%s = %s\n", kind_keys[b->kind], text);
		return;
	}
	fprintf(out, "#%s = %s\t# built-in: %s, %s\n", kind_keys[b->kind], text, b->label, b->rfc);
}

void policy_print(const struct policy *p, FILE *out)
{
	size_t i;

	fprintf(out, "# leakwatch policy: the built-in tables and the config file, in the\n"
		     "# config file's syntax. Built-in entries are comments because they are\n"
		     "# always in effect; uncomment and change one to override it.\n\n");
	fprintf(out, "# follow-on window after a suspicious lookup, seconds\n");
	fprintf(out, "window = %u\n", p->window_s);
	fprintf(out, "mail-ports =");
	for (i = 0; i < p->n_mail_ports; i++)
		fprintf(out, " %u", p->mail_ports[i]);
	fprintf(out, "\n\n# reserved = SUFFIX FAMILY (longest suffix wins)\n");
	for (i = 0; i < p->n_suffixes; i++)
		print_suffix(&p->suffixes[i], out);
	fprintf(out, "\n# allow-name = NAME (names at or under NAME give no verdict)\n");
	for (i = 0; i < p->n_allow_names; i++)
		fprintf(out, "allow-name = %s\n", p->allow_names[i].name);
	fprintf(out, "\n# allow-destination = NAME (traffic to ordinary names at or under NAME\n"
		     "# gives no verdict)\n");
	for (i = 0; i < p->n_allow_dests; i++)
		fprintf(out, "allow-destination = %s\n", p->allow_dests[i].name);
	fprintf(out, "\n# global|local|allow = PREFIX (most specific wins, config wins ties)\n");
	for (i = 0; i < p->n_blocks; i++)
		print_block(&p->blocks[i], out);
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
