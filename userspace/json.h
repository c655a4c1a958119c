/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A small JSON writer for the JSON-lines reports. It builds one line in
 * memory and writes it with a single write(), so lines from the same
 * process never interleave. Strings are always valid JSON whatever the
 * input bytes: control characters are escaped, invalid UTF-8 is replaced by
 * U+FFFD, and U+2028/U+2029 are escaped for JavaScript consumers.
 */
#ifndef __LW_JSON_H
#define __LW_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* libjansson (container_meta.c reads the engines' state with it) exports a
 * json_string() and a json_null() of its own: ours link under other names,
 * or the static link fails and the dynamic one lets each shadow the other. */
#define json_string lw_json_string
#define json_null lw_json_null

#define JSON_MAX_DEPTH 16

struct json {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* no member written yet at this depth */
	bool after_key;		    /* a key was written, value comes next */
	bool oom;		    /* an allocation failed: the line is lost */
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_reset(struct json *j); /* keep the buffer, start a new value */

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);	     /* NULL writes null */
void json_string_n(struct json *j, const char *s, size_t n); /* raw bytes */
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Shorthands: key + value. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Write the finished value plus '\n' to fd with one write(); then reset.
 * Returns 0, -ENOMEM if the line was lost to allocation, or -errno. */
int json_write_line(struct json *j, int fd);
/* The value as a NUL-terminated string (owned by j). */
const char *json_str(struct json *j);

#endif /* __LW_JSON_H */
