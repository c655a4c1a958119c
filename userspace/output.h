/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The daemon's JSON-lines file: opened 0600 for appending, rotated by size
 * between whole lines (so no line is ever split or lost across a rotation),
 * rotated files compressed with zlib to FILE.1.gz, FILE.2.gz, ...; and
 * which format (--format) the lines written to it take.
 */
#ifndef __LW_OUTPUT_H
#define __LW_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

enum output_format {
	FORMAT_JSON = 0, /* README, The report (JSON lines) */
	FORMAT_OCSF,
};

/* enum output_format from "json" or "ocsf", or -EINVAL. */
int output_format_parse(const char *s);

struct output {
	char *path; /* NULL: standard output, never rotated */
	int fd;
	uint64_t max_bytes; /* rotate when a file reaches this; 0: never */
	int keep;	    /* rotated files kept */
	uint64_t rotations;
	uint64_t rotate_errors;
};

/* 0, or -errno with nothing opened. */
int output_open(struct output *o, const char *path, uint64_t max_bytes, int keep);
/* Call after writing whole lines: rotates when the file is over size. A
 * rotation that fails keeps writing to the current file (and is counted). */
void output_maybe_rotate(struct output *o);
void output_close(struct output *o);
/* "10M", "512K", "1G", bytes: 0 or -EINVAL. */
int output_parse_size(const char *s, uint64_t *out);

#endif /* __LW_OUTPUT_H */
