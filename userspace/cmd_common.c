// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What every subcommand does the same way. */
#include <stdio.h>

#include "commands.h"
#include "policy.h"

int command_load_policy(struct policy *p, const char *config, const char *who)
{
	char err[POLICY_ERR_LEN];

	if (policy_init(p)) {
		fprintf(stderr, "%s: out of memory\n", who);
		return 1;
	}
	if (config && policy_load_file(p, config, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", who, err);
		policy_free(p);
		return EXIT_USAGE;
	}
	return 0;
}
