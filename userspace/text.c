// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Terminal-safe text and the UTF-8 decoder behind it. The text reports
 * (report.c, ci_report.c, baseline.c, session.c's notices) show
 * attacker-chosen bytes (comm, cmdline, DNS names, cgroup paths) with
 * nothing a terminal would act on; the JSON writer (json.c) decodes with
 * the same utf8_next().
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text.h"

/*
 * Decode one sequence at s. Returns the bytes it spans; *cp is the code
 * point, or UTF8_BAD when those bytes are a maximal invalid subpart
 * (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts"): the longest
 * prefix of a well-formed sequence, or one byte when even the lead byte is
 * wrong. Overlongs, surrogates and values past U+10FFFF are caught by the
 * second byte's allowed range, as in the standard's table 3-7.
 */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t lo = 0x80, hi = 0xbf, b = s[0];
	size_t need, i;
	uint32_t v;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		need = 1;
		v = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 2;
		v = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0; /* overlong */
		else if (b == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 3;
		v = b & 0x07;
		if (b == 0xf0)
			lo = 0x90; /* overlong */
		else if (b == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		*cp = UTF8_BAD; /* continuation byte, C0/C1 overlong lead, F5..FF */
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = UTF8_BAD;
			return i;
		}
		v = v << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

struct esc_out {
	char *buf;
	size_t len, pos;
	bool full;
};

static void esc_put(struct esc_out *o, const char *s, size_t n)
{
	if (o->full || o->pos + n >= o->len) {
		o->full = true; /* never cut an escape or a sequence in half */
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
}

static void esc_bytes(struct esc_out *o, const uint8_t *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char e[4] = { '\\', 'x', hex[s[i] >> 4], hex[s[i] & 0xf] };

		esc_put(o, e, sizeof(e));
	}
}

/*
 * Valid code points a terminal would act on (C1 controls, the Unicode line
 * and paragraph separators) are shown as \uXXXX: distinct from \xNN, which
 * always means a raw byte that was not valid UTF-8 or an ASCII control.
 */
static void esc_code_point(struct esc_out *o, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {
		'\\',	      'u', hex[cp >> 12 & 0xf], hex[cp >> 8 & 0xf], hex[cp >> 4 & 0xf],
		hex[cp & 0xf]
	};

	esc_put(o, e, sizeof(e));
}

size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
	return utf8_decode((const uint8_t *)s, n, cp);
}

char *text_escape(const char *s, size_t n, char *out, size_t outlen)
{
	struct esc_out o = { .buf = out, .len = outlen };
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	if (!out || !outlen)
		return out;
	while (s && i < n && !o.full) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);

		if (cp == '\\')
			esc_put(&o, "\\\\", 2);
		else if (cp == UTF8_BAD || cp < 0x20 || cp == 0x7f)
			esc_bytes(&o, p + i, k);
		else if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
			esc_code_point(&o, cp);
		else
			esc_put(&o, s + i, k);
		i += k;
	}
	out[o.pos] = '\0';
	return out;
}
