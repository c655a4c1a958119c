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
#include "text.h"

#define JSON_INITIAL_CAP 256

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
		size_t k = utf8_next((const char *)s + i, n - i, &cp);

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
