// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What every subcommand does the same way. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "policy.h"

int command_load_policy(struct policy *p, const char *config, const char *who)
{
	char err[POLICY_ERR_LEN];

	if (policy_init(p)) {
		fprintf(stderr, "%s: out of memory\n", who);
		return 1;
	}
	if (config && config_load_file(p, config, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", who, err);
		policy_free(p);
		return EXIT_USAGE;
	}
	return 0;
}

int command_option_error(const char *who, int opt, char **argv)
{
	const char *arg = argv[optind - 1];
	int len = (int)strcspn(arg, "=");
	char shortopt[3] = { '-', (char)optopt, '\0' };

	/* A short option's letter, or a long option up to its '=' */
	if (optopt && !(arg[0] == '-' && arg[1] == '-'))
		arg = shortopt, len = 2;
	if (opt == ':')
		fprintf(stderr, "%s: option '%.*s' needs a value (see %s --help)\n", who, len, arg,
			who);
	else
		fprintf(stderr, "%s: unknown option '%.*s' (see %s --help)\n", who, len, arg, who);
	return EXIT_USAGE;
}
