// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The config file: the text format leakwatch reads (--config, the daemon's
 * SIGHUP) and `leakwatch policy` writes. One "KEY = VALUE" per line, '#'
 * comments; each line becomes a call on the policy's own tables (policy.c),
 * which decide what replaces what. What config_print() writes reads back as
 * the same policy (tests/fuzz/fuzz_config.c checks it).
 *
 * Errors quote the offending text made printable and short: a config line
 * may hold anything, the terminal that shows the message should not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "config.h"
#include "dns_name.h"

#define CONFIG_LINE_MAX 1024
#define CONFIG_WINDOW_MAX 86400

/* The keys of the address blocks, as the file spells them. */
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

/* ---- reading ----------------------------------------------------------------- */

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
	if (policy_suffix_fill(&s, tok[0], &why))
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
	ret = policy_put_suffix(p, &s);
	if (ret == -E2BIG)
		return fail(err, errlen, "reserved: more than %d suffixes", LW_SUFFIX_ENTRIES);
	return ret;
}

/* `allow-name` and `allow-destination`: one name each, matched by whole
 * labels; put() is the policy's list to add it to. */
static int key_name_list(struct policy *p, const char *key,
			 int (*put)(struct policy *, const struct allow_name *), char *value,
			 char *err, size_t errlen)
{
	struct allow_name a;
	char *tok[1], q[40], bad;
	const char *why;
	int len, ret;

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
	ret = put(p, &a);
	if (ret == -E2BIG)
		return fail(err, errlen, "%s: more than %d names", key, POLICY_MAX_ALLOW_NAMES);
	return ret;
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
	ret = policy_put_block(p, &b);
	if (ret == -E2BIG)
		return fail(err, errlen, "%s: more than %d address blocks", key,
			    LW_ADDRCLASS_ENTRIES);
	return ret;
}

static int key_window(struct policy *p, char *value, char *err, size_t errlen)
{
	unsigned long v;
	char q[40];

	if (parse_uint(value, 1, CONFIG_WINDOW_MAX, &v))
		return fail(err, errlen, "window: '%s' is not a number of seconds in 1..%d",
			    quote(value, q, sizeof(q)), CONFIG_WINDOW_MAX);
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
		return key_name_list(p, key, policy_put_allow_name, value, err, errlen);
	if (!strcmp(key, "allow-destination"))
		return key_name_list(p, key, policy_put_allow_dest, value, err, errlen);
	if (!strcmp(key, "window"))
		return key_window(p, value, err, errlen);
	if (!strcmp(key, "mail-ports"))
		return key_mail_ports(p, value, err, errlen);
	return fail(err, errlen,
		    "unknown key '%s' (reserved, global, local, allow, allow-name, "
		    "allow-destination, window or mail-ports)",
		    quote(key, q, sizeof(q)));
}

int config_apply_line(struct policy *p, const char *line, char *err, size_t errlen)
{
	char buf[CONFIG_LINE_MAX + 1], *s, *eq, *key, *value, q[40];
	size_t len = strlen(line);

	if (len > CONFIG_LINE_MAX)
		return fail(err, errlen, "line longer than %d bytes", CONFIG_LINE_MAX);
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
int config_load_file(struct policy *p, const char *path, char *err, size_t errlen)
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
		if ((size_t)n > CONFIG_LINE_MAX) {
			ret = fail(err, errlen, "%s:%lu: line longer than %d bytes", path, lineno,
				   CONFIG_LINE_MAX);
			goto out_free;
		}
		ret = config_apply_line(p, line, msg, sizeof(msg));
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

void config_print(const struct policy *p, FILE *out)
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
