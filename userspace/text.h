/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Terminal-safe text for the text reports, and the UTF-8 decoder it shares
 * with the JSON writer (json.c) and the CI formats (ci_report.c).
 */
#ifndef __LW_TEXT_H
#define __LW_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* For text reports: copy bytes to out with everything a terminal could act
 * on escaped (controls and ESC as \xNN, invalid UTF-8 as \xNN, backslash
 * doubled). Always NUL terminated; returns out. */
char *text_escape(const char *s, size_t n, char *out, size_t outlen);

/* Decode the UTF-8 sequence at s (n > 0 bytes, which it never reads past):
 * returns the bytes it spans, *cp the code point or UTF8_BAD for a maximal
 * invalid subpart (what json_string_n() turns into U+FFFD). For the JSON
 * writer and writers of other formats (ci_report.c). */
#define UTF8_BAD UINT32_MAX
size_t utf8_next(const char *s, size_t n, uint32_t *cp);

#endif /* __LW_TEXT_H */
