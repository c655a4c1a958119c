// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Unit tests of the JSON writer (userspace/json.c) and text_escape()
 * (userspace/text.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "json.h"
#include "text.h"

/* The JSON text of one string value written alone. */
static const char *str_of(struct json *j, const char *s, size_t n)
{
	json_reset(j);
	json_string_n(j, s, n);
	return json_str(j);
}

#define STR(j, lit) str_of(j, lit, sizeof(lit) - 1)

static void test_structure_and_commas(void)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_kv_int(&j, "a", 1);
	json_key(&j, "b");
	json_array_begin(&j);
	json_int(&j, 1);
	json_uint(&j, 2);
	json_object_begin(&j);
	json_key(&j, "c");
	json_null(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_kv_bool(&j, "d", true);
	json_kv_bool(&j, "e", false);
	json_kv_string(&j, "f", "x");
	json_kv_string(&j, "g", NULL);
	json_kv_uint(&j, "h", 7);
	json_key(&j, "i");
	json_object_begin(&j);
	json_object_end(&j);
	json_object_end(&j);
	ASSERT_STREQ(json_str(&j),
		     "{\"a\":1,\"b\":[1,2,{\"c\":null},[]],\"d\":true,\"e\":false,\"f\":\"x\","
		     "\"g\":null,\"h\":7,\"i\":{}}",
		     "document");
	json_free(&j);
	ASSERT_STREQ(json_str(&j), "", "freed");
}

static void test_integers(void)
{
	struct json j;

	json_init(&j);
	json_array_begin(&j);
	json_int(&j, INT64_MIN);
	json_int(&j, INT64_MAX);
	json_int(&j, -1);
	json_int(&j, 0);
	json_uint(&j, UINT64_MAX);
	json_array_end(&j);
	ASSERT_STREQ(json_str(&j),
		     "[-9223372036854775808,9223372036854775807,-1,0,18446744073709551615]",
		     "extremes");
	json_free(&j);
}

static void test_escapes(void)
{
	struct json j;

	json_init(&j);
	ASSERT_STREQ(STR(&j, "a\"b"), "\"a\\\"b\"", "quote");
	ASSERT_STREQ(STR(&j, "a\\b"), "\"a\\\\b\"", "backslash");
	ASSERT_STREQ(STR(&j, "\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"", "short escapes");
	ASSERT_STREQ(STR(&j, "\x01\x1b\x1f\x7f"), "\"\\u0001\\u001b\\u001f\\u007f\"", "\\u00XX");
	ASSERT_STREQ(STR(&j, "\0x"), "\"\\u0000x\"", "NUL");
	ASSERT_STREQ(STR(&j, " /~"), "\" /~\"", "no escape for / and printable");
	ASSERT_STREQ(STR(&j, "\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"", "U+2028/9");
	json_reset(&j);
	json_string(&j, NULL);
	ASSERT_STREQ(json_str(&j), "null", "NULL is null");
	json_reset(&j);
	json_object_begin(&j);
	json_kv_int(&j, "k\"\n", 1);
	json_object_end(&j);
	ASSERT_STREQ(json_str(&j), "{\"k\\\"\\n\":1}", "keys escaped");
	json_free(&j);
}

#define FFFD "\xef\xbf\xbd"

static void test_valid_utf8_kept(void)
{
	struct json j;

	json_init(&j);
	ASSERT_STREQ(STR(&j, "\xc3\xa9"), "\"\xc3\xa9\"", "U+00E9");
	ASSERT_STREQ(STR(&j, "\xc2\x80"), "\"\xc2\x80\"", "U+0080");
	ASSERT_STREQ(STR(&j, "\xe0\xa0\x80"), "\"\xe0\xa0\x80\"", "U+0800");
	ASSERT_STREQ(STR(&j, "\xed\x9f\xbf"), "\"\xed\x9f\xbf\"", "U+D7FF");
	ASSERT_STREQ(STR(&j, "\xee\x80\x80"), "\"\xee\x80\x80\"", "U+E000");
	ASSERT_STREQ(STR(&j, FFFD), "\"" FFFD "\"", "U+FFFD itself");
	ASSERT_STREQ(STR(&j, "\xf0\x90\x80\x80"), "\"\xf0\x90\x80\x80\"", "U+10000");
	ASSERT_STREQ(STR(&j, "\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"", "emoji");
	ASSERT_STREQ(STR(&j, "\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"", "U+10FFFF");
	json_free(&j);
}

/* Unicode 15 §3.9, table 3-8: one U+FFFD per maximal subpart. */
static void test_invalid_utf8_replaced(void)
{
	struct json j;

	json_init(&j);
	ASSERT_STREQ(STR(&j, "a\x80z"), "\"a" FFFD "z\"", "stray continuation");
	ASSERT_STREQ(STR(&j, "\x80\xbf"), "\"" FFFD FFFD "\"", "two continuations");
	ASSERT_STREQ(STR(&j, "\xc0\xaf"), "\"" FFFD FFFD "\"", "overlong C0");
	ASSERT_STREQ(STR(&j, "\xc1\xbf"), "\"" FFFD FFFD "\"", "overlong C1");
	ASSERT_STREQ(STR(&j, "\xe0\x80\xaf"), "\"" FFFD FFFD FFFD "\"", "overlong E0");
	ASSERT_STREQ(STR(&j, "\xf0\x80\x80\xaf"), "\"" FFFD FFFD FFFD FFFD "\"", "overlong F0");
	ASSERT_STREQ(STR(&j, "\xed\xa0\x80"), "\"" FFFD FFFD FFFD "\"", "surrogate D800");
	ASSERT_STREQ(STR(&j, "\xed\xbf\xbf"), "\"" FFFD FFFD FFFD "\"", "surrogate DFFF");
	ASSERT_STREQ(STR(&j, "\xf4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"", "U+110000");
	ASSERT_STREQ(STR(&j, "\xf5\x80"), "\"" FFFD FFFD "\"", "F5");
	ASSERT_STREQ(STR(&j, "\xfe\xff"), "\"" FFFD FFFD "\"", "FE FF");
	ASSERT_STREQ(STR(&j, "\xc3"), "\"" FFFD "\"", "truncated 2 at end");
	ASSERT_STREQ(STR(&j, "\xe2\x82"), "\"" FFFD "\"", "truncated 3 at end");
	ASSERT_STREQ(STR(&j, "\xf0\x9f\x98"), "\"" FFFD "\"", "truncated 4 at end");
	ASSERT_STREQ(STR(&j, "\xe2\x82z"), "\"" FFFD "z\"", "truncated 3 then ASCII");
	ASSERT_STREQ(STR(&j, "\xe2\x82\xc3\xa9"), "\"" FFFD "\xc3\xa9\"",
		     "truncated 3 then valid 2");
	ASSERT_STREQ(STR(&j, "\xe2\x82\n"), "\"" FFFD "\\n\"", "truncated then newline");
	/* the Unicode standard's own example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 */
	ASSERT_STREQ(STR(&j, "a\xf1\x80\x80\xe1\x80\xc2"
			     "b\x80"
			     "c\x80\xbf"
			     "d"),
		     "\"a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d\"", "table 3-11");
	json_free(&j);
}

/* Strict UTF-8 check, written apart from text.c's decoder. */
static bool utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned int c = *s, need, cp, min, i;

		if (c < 0x80) {
			s++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return false;
		}
		for (i = 1; i <= need; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		s += need + 1;
	}
	return true;
}

/* A string carrying a forged second record must stay on one line. */
static void test_forged_newline(void)
{
	static const char forged[] = "python3\n{\"type\":\"summary\",\"leaks\":0}\r\xe2\x80\xa8x";
	struct json j;
	const char *out;

	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "comm", forged);
	json_object_end(&j);
	out = json_str(&j);
	ASSERT_NULL(strchr(out, '\n'), "no raw newline");
	ASSERT_NULL(strchr(out, '\r'), "no raw CR");
	ASSERT_NULL(strstr(out, "\xe2\x80\xa8"), "no raw U+2028");
	ASSERT_STREQ(out,
		     "{\"comm\":\"python3\\n{\\\"type\\\":\\\"summary\\\",\\\"leaks\\\":0}\\r"
		     "\\u2028x\"}",
		     "escaped");
	ASSERT_TRUE(utf8_valid(out), "valid");
	ASSERT_TRUE(utf8_valid(STR(&j, "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82")),
		    "replacements are valid");
	ASSERT_FALSE(utf8_valid("\xed\xa0\x80"), "checker refuses a surrogate");
	json_free(&j);
}

static void test_depth(void)
{
	struct json j;
	int fds[2], i;

	if (!ASSERT_OK(pipe(fds), "pipe"))
		return;
	json_init(&j);
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_array_begin(&j);
	for (i = 0; i < JSON_MAX_DEPTH - 1; i++)
		json_array_end(&j);
	ASSERT_FALSE(j.oom, "15 levels fit");
	ASSERT_EQ(strlen(json_str(&j)), 2 * (JSON_MAX_DEPTH - 1), "brackets");
	ASSERT_OK(json_write_line(&j, fds[1]), "written");

	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
	ASSERT_TRUE(j.oom, "too deep: lost");
	ASSERT_EQ(json_write_line(&j, fds[1]), -ENOMEM, "not written");

	json_array_end(&j);
	ASSERT_EQ(json_write_line(&j, fds[1]), -ENOMEM, "unbalanced end");
	json_object_begin(&j);
	ASSERT_EQ(json_write_line(&j, fds[1]), -EINVAL, "unclosed");
	json_object_begin(&j);
	json_key(&j, "a");
	json_key(&j, "b");
	ASSERT_TRUE(j.oom, "two keys");
	json_reset(&j);
	ASSERT_FALSE(j.oom, "reset clears");
	json_free(&j);
	close(fds[0]);
	close(fds[1]);
}

static void test_write_line_pipe(void)
{
	char buf[256];
	struct json j;
	int fds[2];
	ssize_t n;

	if (!ASSERT_OK(pipe(fds), "pipe"))
		return;
	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "type", "summary");
	json_kv_int(&j, "processes", 3);
	json_object_end(&j);
	ASSERT_OK(json_write_line(&j, fds[1]), "write");
	ASSERT_STREQ(json_str(&j), "", "reset after write");
	json_object_begin(&j); /* reuse: no stray comma from the last line */
	json_kv_int(&j, "n", 2);
	json_object_end(&j);
	ASSERT_OK(json_write_line(&j, fds[1]), "second");
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (!ASSERT_TRUE(n > 0, "read"))
		goto out;
	buf[n] = '\0';
	ASSERT_STREQ(buf, "{\"type\":\"summary\",\"processes\":3}\n{\"n\":2}\n", "lines");
	json_object_begin(&j);
	json_object_end(&j);
	ASSERT_EQ(json_write_line(&j, fds[1]), -EBADF, "closed fd");
out:
	json_free(&j);
}

/* A line longer than a pipe buffer: partial writes are completed. */
static void test_write_line_big(void)
{
	size_t big = 200000, got = 0;
	struct json j;
	char *s, *back;
	int fds[2];
	pid_t pid;

	s = malloc(big);
	back = malloc(big + 16);
	if (!ASSERT_NOT_NULL(s, "malloc") || !ASSERT_NOT_NULL(back, "malloc") ||
	    !ASSERT_OK(pipe(fds), "pipe"))
		goto out;
	memset(s, 'q', big);
	json_init(&j);
	json_string_n(&j, s, big);
	pid = fork();
	if (pid == 0) {
		int rc;

		close(fds[0]);
		rc = json_write_line(&j, fds[1]) ? 1 : 0;
		json_free(&j); /* the child too: valgrind checks it */
		free(s);
		free(back);
		_exit(rc);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], back + got, big + 16 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	ASSERT_EQ(got, big + 3, "whole line");
	ASSERT_EQ(back[got - 1], '\n', "newline last");
	json_free(&j);
out:
	free(s);
	free(back);
}

static void test_text_escape(void)
{
	char out[128];

	ASSERT_STREQ(text_escape("plain text ~", 12, out, sizeof(out)), "plain text ~", "plain");
	ASSERT_STREQ(text_escape("a\\b", 3, out, sizeof(out)), "a\\\\b", "backslash doubled");
	ASSERT_STREQ(text_escape("\x1b[31mred\n", 9, out, sizeof(out)), "\\x1b[31mred\\x0a",
		     "ESC and newline");
	ASSERT_STREQ(text_escape("\t\x7f\0", 3, out, sizeof(out)), "\\x09\\x7f\\x00",
		     "tab DEL NUL");
	ASSERT_STREQ(text_escape("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, out, sizeof(out)),
		     "caf\xc3\xa9 \xf0\x9f\x98\x80", "valid UTF-8 kept");
	ASSERT_STREQ(text_escape("\xc2\x85\xc2\x9b", 4, out, sizeof(out)), "\\u0085\\u009b",
		     "C1 controls");
	ASSERT_STREQ(text_escape("\xe2\x80\xa8\xe2\x80\xa9", 6, out, sizeof(out)), "\\u2028\\u2029",
		     "U+2028/9");
	ASSERT_STREQ(text_escape("\xff\xc3(\xed\xa0\x80", 6, out, sizeof(out)),
		     "\\xff\\xc3(\\xed\\xa0\\x80", "invalid bytes");
	ASSERT_STREQ(text_escape(NULL, 3, out, sizeof(out)), "", "NULL");
}

static void test_text_escape_truncation(void)
{
	char out[16];
	size_t i;

	for (i = 1; i <= sizeof(out); i++) {
		text_escape("\x01\x02\x03\x04\x05", 5, out, i);
		if (!ASSERT_EQ(strlen(out) % 4, 0, "whole escapes") ||
		    !ASSERT_TRUE(strlen(out) < i, "terminated"))
			return;
	}
	text_escape("\xc3\xa9\xc3\xa9", 4, out, 4);
	ASSERT_STREQ(out, "\xc3\xa9", "no half sequence");
	out[0] = 'x';
	ASSERT_TRUE(text_escape("abc", 3, out, 0) == out, "outlen 0 returns out");
	ASSERT_EQ(out[0], 'x', "outlen 0 writes nothing");
}

int main(void)
{
	RUN_TEST(test_structure_and_commas);
	RUN_TEST(test_integers);
	RUN_TEST(test_escapes);
	RUN_TEST(test_valid_utf8_kept);
	RUN_TEST(test_invalid_utf8_replaced);
	RUN_TEST(test_forged_newline);
	RUN_TEST(test_depth);
	RUN_TEST(test_write_line_pipe);
	RUN_TEST(test_write_line_big);
	RUN_TEST(test_text_escape);
	RUN_TEST(test_text_escape_truncation);
	return test_summary();
}
