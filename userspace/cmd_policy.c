// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * `leakwatch policy [--config FILE]`: the effective policy, in the config
 * file's own syntax, so that it can be saved, edited and fed back.
 */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "config.h"
#include "policy.h"

static const char usage[] =
	"Usage: leakwatch policy [--config FILE]\n"
	"\n"
	"Print the effective policy (the built-in reserved names and address\n"
	"blocks plus the config file) in the config file's own syntax. Built-in\n"
	"entries are printed as comments: they are always in effect.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   apply this config file on top of the built-in policy\n"
	"  -h, --help          show this help\n"
	"\n"
	"Examples:\n"
	"  leakwatch policy\n"
	"  leakwatch policy --config /etc/leakwatch.conf > effective.conf\n";

int cmd_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct policy p;
	int c, status = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return command_option_error("leakwatch policy", c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"leakwatch policy: unexpected argument '%s' (see leakwatch policy --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}

	status = command_load_policy(&p, config, "leakwatch policy");
	if (status)
		return status;
	config_print(&p, stdout);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "leakwatch policy: cannot write the output\n");
		status = 1;
	}
	policy_free(&p);
	return status;
}
