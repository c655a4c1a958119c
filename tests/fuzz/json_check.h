/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Checkers the fuzz targets share, written apart from userspace/json.c and
 * text.c so a bug there is not mirrored here: strict UTF-8 and a strict
 * JSON grammar (RFC 8259, without the whitespace the writer never emits).
 */
#ifndef __LW_JSON_CHECK_H
#define __LW_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static inline size_t check_utf8_seq(const uint8_t *s, size_t n)
{
	uint32_t cp, min;
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 1;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 2;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 3;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (need >= n)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

static inline bool check_utf8(const uint8_t *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = check_utf8_seq(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

struct jcheck {
	const uint8_t *s;
	size_t n, i;
	int depth;
};

static inline bool jc_lit(struct jcheck *p, const char *lit)
{
	size_t k = 0;

	while (lit[k]) {
		if (p->i + k >= p->n || p->s[p->i + k] != (uint8_t)lit[k])
			return false;
		k++;
	}
	p->i += k;
	return true;
}

static inline bool jc_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool jc_string(struct jcheck *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		uint8_t c = p->s[p->i];
		size_t k;

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false; /* raw control: a forged line break */
		if (c == '\\') {
			if (p->i + 1 >= p->n)
				return false;
			c = p->s[p->i + 1];
			if (c == 'u') {
				if (p->i + 6 > p->n)
					return false;
				for (k = 2; k < 6; k++)
					if (!jc_hex(p->s[p->i + k]))
						return false;
				p->i += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || !c)
				return false;
			p->i += 2;
			continue;
		}
		k = check_utf8_seq(p->s + p->i, p->n - p->i);
		if (!k)
			return false;
		/* U+2028/2029 must reach JavaScript consumers escaped */
		if (k == 3 && c == 0xe2 && p->s[p->i + 1] == 0x80 &&
		    (p->s[p->i + 2] == 0xa8 || p->s[p->i + 2] == 0xa9))
			return false;
		p->i += k;
	}
	return false;
}

static inline bool jc_number(struct jcheck *p)
{
	size_t start;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	start = p->i;
	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	if (p->i == start)
		return false;
	return p->s[start] != '0' || p->i - start == 1;
}

static inline bool jc_value(struct jcheck *p);

/* Members of an object (keyed) or elements of an array, up to close. */
static inline bool jc_container(struct jcheck *p, bool keyed, uint8_t close)
{
	p->i++;
	if (++p->depth > 64)
		return false;
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return true;
	}
	for (;;) {
		if (keyed && !(jc_string(p) && jc_lit(p, ":")))
			return false;
		if (!jc_value(p) || p->i >= p->n)
			return false;
		if (p->s[p->i] == close) {
			p->i++;
			p->depth--;
			return true;
		}
		if (p->s[p->i++] != ',')
			return false;
	}
}

static inline bool jc_value(struct jcheck *p)
{
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{':
		return jc_container(p, true, '}');
	case '[':
		return jc_container(p, false, ']');
	case '"':
		return jc_string(p);
	case 't':
		return jc_lit(p, "true");
	case 'f':
		return jc_lit(p, "false");
	case 'n':
		return jc_lit(p, "null");
	default:
		return jc_number(p);
	}
}

/* One complete JSON value and nothing else. */
static inline bool check_json(const char *s, size_t n)
{
	struct jcheck p = {.s = (const uint8_t *)s, .n = n};

	return jc_value(&p) && p.i == n;
}

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#endif /* __LW_JSON_CHECK_H */
