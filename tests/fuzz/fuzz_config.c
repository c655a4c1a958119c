// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target for the config parser: arbitrary bytes, split into lines
 * as config_load_file() would, applied to a built-in policy, then printed.
 * Finds overruns in the line, token and name handling, and checks that what
 * config_print() writes always parses again (the round-trip contract).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "policy.h"

static void apply_lines(struct policy *p, const uint8_t *data, size_t size)
{
	char err[POLICY_ERR_LEN];
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		char *line;

		if (i < size && data[i] != '\n')
			continue;
		/* A NUL byte ends the C string early, as a file line would be
		 * refused: either way nothing may read past the copy. */
		line = strndup((const char *)data + start, i - start);
		if (!line)
			return;
		config_apply_line(p, line, err, sizeof(err));
		free(line);
		start = i + 1;
	}
}

/* What config_print() writes must load again without error. */
static void check_reprint(const struct policy *p)
{
	char err[POLICY_ERR_LEN], *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	struct policy q;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return;
	config_print(p, f);
	fclose(f);
	if (policy_init(&q))
		goto out_free;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (config_apply_line(&q, line, err, sizeof(err))) {
			fprintf(stderr, "reprinted line refused: %s: %s\n", line, err);
			abort();
		}
	}
	if (q.n_suffixes != p->n_suffixes || q.n_blocks != p->n_blocks ||
	    q.window_s != p->window_s || q.n_mail_ports != p->n_mail_ports)
		abort();
	policy_free(&q);
out_free:
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct policy p;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (policy_init(&p))
		return 0;
	apply_lines(&p, data, size);
	if (devnull)
		config_print(&p, devnull);
	check_reprint(&p);
	policy_free(&p);
	return 0;
}
