/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The config file, read and written: "KEY = VALUE" lines that extend or
 * override the built-in policy (reserved, global, local, allow, allow-name,
 * allow-destination, window, mail-ports), and the same syntax printed back.
 */
#ifndef __LW_CONFIG_H
#define __LW_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* Apply a config file on top of p. 0, or -errno / -EINVAL with err set to
 * "FILE:LINE: what is wrong" (or "FILE: strerror"). */
int config_load_file(struct policy *p, const char *path, char *err, size_t errlen);
/* Apply one config line (comments and blank lines are fine). */
int config_apply_line(struct policy *p, const char *line, char *err, size_t errlen);
/* Print the effective policy in the config file's own syntax. */
void config_print(const struct policy *p, FILE *out);

#endif /* __LW_CONFIG_H */
