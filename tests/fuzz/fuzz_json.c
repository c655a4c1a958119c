// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the JSON writer and text_escape(): the input as a
 * raw string, and the input as a program of writer calls (always a legal
 * sequence, so the result must always be one valid JSON value). Traps on
 * invalid UTF-8, raw control bytes or a line break in the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "text.h"
#include "json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct json js;
static int devnull = -1;

static void check_string(const uint8_t *data, size_t size)
{
	const char *out;

	json_reset(&js);
	json_string_n(&js, (const char *)data, size);
	CHECK(!js.oom);
	out = json_str(&js);
	CHECK(check_json(out, strlen(out)));
	CHECK(!strchr(out, '\n'));
}

/* Nothing a terminal acts on survives: no C0, DEL, C1, U+2028/9, bad UTF-8. */
static void check_text_escape(const uint8_t *data, size_t size, size_t outlen)
{
	static char out[65536];
	const uint8_t *o = (const uint8_t *)out;
	size_t len, i = 0;

	CHECK(text_escape((const char *)data, size, out, outlen) == out);
	len = strlen(out);
	CHECK(len < outlen);
	CHECK(check_utf8(o, len));
	while (i < len) {
		size_t k = check_utf8_seq(o + i, len - i);

		CHECK(o[i] >= 0x20 && o[i] != 0x7f);
		CHECK(!(o[i] == 0xc2 && o[i + 1] < 0xa0));
		CHECK(!(o[i] == 0xe2 && o[i + 1] == 0x80 && (o[i + 2] & 0xfe) == 0xa8));
		i += k;
	}
}

struct prog {
	const uint8_t *p;
	size_t n;
	char stack[64]; /* 'o' object, 'a' array */
	int depth;
	bool too_deep;
};

static uint8_t next(struct prog *g)
{
	if (!g->n)
		return 0;
	g->n--;
	return *g->p++;
}

/* Up to 31 input bytes, as a string value or (NUL-terminated) a key. */
static void prog_string(struct prog *g, bool key)
{
	size_t len = next(g) % 32;
	char k[32];

	if (len > g->n)
		len = g->n;
	if (key) {
		memcpy(k, g->p, len);
		k[len] = '\0';
		json_key(&js, k);
	} else {
		json_string_n(&js, (const char *)g->p, len);
	}
	g->p += len;
	g->n -= len;
}

/* One value; containers open a level that later steps fill and close. */
static void prog_value(struct prog *g, uint8_t op)
{
	uint64_t v;

	switch (op % 7) {
	case 0:
	case 1:
		if (op % 7)
			json_array_begin(&js);
		else
			json_object_begin(&js);
		if (g->depth + 1 >= JSON_MAX_DEPTH)
			g->too_deep = true;
		if (g->depth < (int)sizeof(g->stack))
			g->stack[g->depth] = op % 7 ? 'a' : 'o';
		g->depth++;
		break;
	case 2:
		prog_string(g, false);
		break;
	case 3:
		v = (uint64_t)next(g) << 56;
		v |= next(g);
		json_int(&js, (int64_t)(v - 1)); /* wraps to INT64_MIN too */
		break;
	case 4:
		json_uint(&js, (uint64_t)next(g) << 40);
		break;
	case 5:
		json_bool(&js, op & 8);
		break;
	default:
		json_null(&js);
	}
}

static void prog_close(struct prog *g)
{
	g->depth--;
	if (g->stack[g->depth] == 'o')
		json_object_end(&js);
	else
		json_array_end(&js);
}

static void check_program(const uint8_t *data, size_t size)
{
	struct prog g = { .p = data, .n = size };
	bool done = false;
	const char *out;
	int err;

	json_reset(&js);
	while (g.n && !done && !g.too_deep) {
		uint8_t op = next(&g);

		if (g.depth && g.stack[g.depth - 1] == 'o') {
			if (op & 1) {
				prog_close(&g);
			} else {
				prog_string(&g, true);
				prog_value(&g, op >> 1);
			}
		} else if (g.depth && (op & 0xf0) == 0xf0) {
			prog_close(&g);
		} else {
			prog_value(&g, op);
		}
		done = !g.depth;
	}
	if (g.too_deep) {
		CHECK(js.oom);
		CHECK(json_write_line(&js, devnull) == -ENOMEM);
		return;
	}
	while (g.depth)
		prog_close(&g);
	out = json_str(&js);
	if (!*out)
		return;
	CHECK(!js.oom);
	CHECK(check_json(out, strlen(out)));
	err = json_write_line(&js, devnull);
	CHECK(err == 0);
	CHECK(!*json_str(&js));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		json_init(&js);
		devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		ready = true;
	}
	check_string(data, size);
	check_text_escape(data, size, size * 4 + 1 < 65536 ? size * 4 + 1 : 65536);
	if (size)
		check_text_escape(data + 1, size - 1, 1 + data[0] % 64);
	check_program(data, size);
	return 0;
}
