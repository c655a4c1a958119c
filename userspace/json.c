// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * JSON-lines writer. Whatever bytes come in (comm, cmdline, DNS names are
 * all attacker-chosen), what goes out is one line of valid JSON in valid
 * UTF-8: a forged "\n{...}" inside a string can never start a line of its
 * own, and a consumer's UTF-8 decoder never sees an invalid sequence.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

#define JSON_INITIAL_CAP 256

/* ---- UTF-8 decoding, shared by json_string_n() and text_escape() ---- */

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

/* ---- buffer ---- */

void json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
	j->oom = false;
	if (j->buf)
		j->buf[0] = '\0';
}

/* Room for n more bytes plus the NUL that keeps buf a C string. */
static bool reserve(struct json *j, size_t n)
{
	size_t cap;
	char *p;

	if (j->oom)
		return false;
	if (j->len + n + 1 <= j->cap)
		return true;
	cap = j->cap ? j->cap : JSON_INITIAL_CAP;
	while (cap < j->len + n + 1) {
		if (cap > SIZE_MAX / 2)
			goto lost;
		cap *= 2;
	}
	p = realloc(j->buf, cap);
	if (!p)
		goto lost;
	j->buf = p;
	j->cap = cap;
	return true;
lost:
	j->oom = true;
	return false;
}

static void put(struct json *j, const char *s, size_t n)
{
	if (!reserve(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void putc_(struct json *j, char c)
{
	put(j, &c, 1);
}

/* The comma (or nothing) that goes before a value or a key. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		putc_(j, ',');
	j->first[j->depth] = false;
}

/* ---- strings ---- */

static void put_u_escape(struct json *j, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {
		'\\',	      'u', hex[cp >> 12 & 0xf], hex[cp >> 8 & 0xf], hex[cp >> 4 & 0xf],
		hex[cp & 0xf]
	};

	put(j, e, sizeof(e));
}

static void put_ascii(struct json *j, uint8_t c)
{
	switch (c) {
	case '"':
		put(j, "\\\"", 2);
		return;
	case '\\':
		put(j, "\\\\", 2);
		return;
	case '\n':
		put(j, "\\n", 2);
		return;
	case '\r':
		put(j, "\\r", 2);
		return;
	case '\t':
		put(j, "\\t", 2);
		return;
	case '\b':
		put(j, "\\b", 2);
		return;
	case '\f':
		put(j, "\\f", 2);
		return;
	}
	if (c < 0x20 || c == 0x7f)
		put_u_escape(j, c);
	else
		putc_(j, (char)c);
}

static void put_string_body(struct json *j, const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);

		if (cp < 0x80)
			put_ascii(j, (uint8_t)cp);
		else if (cp == UTF8_BAD)
			put(j, "\xef\xbf\xbd", 3); /* U+FFFD */
		else if (cp == 0x2028 || cp == 0x2029)
			put_u_escape(j, cp); /* line breaks to JavaScript */
		else
			put(j, (const char *)s + i, k);
		i += k;
	}
}

void json_string_n(struct json *j, const char *s, size_t n)
{
	if (!s) {
		json_null(j);
		return;
	}
	before_value(j);
	putc_(j, '"');
	put_string_body(j, (const uint8_t *)s, n);
	putc_(j, '"');
}

void json_string(struct json *j, const char *s)
{
	json_string_n(j, s, s ? strlen(s) : 0);
}

/* ---- structure ---- */

/*
 * Nesting deeper than JSON_MAX_DEPTH, or closing more than was opened, is a
 * bug in the caller: the line is marked lost (oom) rather than written
 * broken.
 */
static void open_(struct json *j, char c)
{
	before_value(j);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->oom = true;
		return;
	}
	putc_(j, c);
	j->first[++j->depth] = true;
}

static void close_(struct json *j, char c)
{
	if (j->depth <= 0 || j->after_key) {
		j->oom = true;
		return;
	}
	j->depth--;
	putc_(j, c);
}

void json_object_begin(struct json *j)
{
	open_(j, '{');
}

void json_object_end(struct json *j)
{
	close_(j, '}');
}

void json_array_begin(struct json *j)
{
	open_(j, '[');
}

void json_array_end(struct json *j)
{
	close_(j, ']');
}

void json_key(struct json *j, const char *key)
{
	if (j->after_key)
		j->oom = true; /* two keys in a row: a caller bug, never written */
	json_string(j, key ? key : "");
	putc_(j, ':');
	j->after_key = true;
}

/* ---- scalars ---- */

static void put_scalar(struct json *j, const char *s, size_t n)
{
	before_value(j);
	put(j, s, n);
}

void json_int(struct json *j, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);

	put_scalar(j, tmp, (size_t)n);
}

void json_uint(struct json *j, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);

	put_scalar(j, tmp, (size_t)n);
}

void json_bool(struct json *j, bool v)
{
	if (v)
		put_scalar(j, "true", 4);
	else
		put_scalar(j, "false", 5);
}

void json_null(struct json *j)
{
	put_scalar(j, "null", 4);
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

/* ---- output ---- */

const char *json_str(struct json *j)
{
	return j->buf ? j->buf : "";
}

/*
 * One write() for the whole line so concurrent writers to the same file
 * (O_APPEND, a pipe under PIPE_BUF) never interleave; partial writes and
 * EINTR are retried for the rest.
 */
int json_write_line(struct json *j, int fd)
{
	size_t off = 0;
	int err = 0;

	if (j->oom || j->depth || j->after_key) {
		err = j->oom ? -ENOMEM : -EINVAL;
		goto reset;
	}
	putc_(j, '\n');
	if (j->oom) {
		err = -ENOMEM;
		goto reset;
	}
	while (off < j->len) {
		ssize_t n = write(fd, j->buf + off, j->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
reset:
	json_reset(j);
	return err;
}

/* ---- text reports ---- */

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
