// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * leakwatch: report (and optionally block) traffic that follows lookups of
 * reserved DNS names. This file only dispatches to the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const char usage[] =
	"Usage: leakwatch COMMAND [OPTIONS]\n"
	"\n"
	"Watch processes for lookups of reserved DNS names (example.com, .test,\n"
	".invalid, .localhost, .internal, ...) and report where their traffic goes.\n"
	"\n"
	"Commands:\n"
	"  run [OPTIONS] -- COMMAND [ARG...]  run COMMAND watched; report when it exits\n"
	"  daemon [OPTIONS]                   watch the whole host, JSON lines out\n"
	"  classify NAME|ADDRESS...           what the policy says of names and addresses\n"
	"  policy [--config FILE]             print the effective policy\n"
	"  version                            print the version\n"
	"\n"
	"Run `leakwatch COMMAND --help` for a command's options.\n"
	"\n"
	"Examples:\n"
	"  leakwatch run -- make test          fail the build (exit 3) on a leak\n"
	"  leakwatch daemon --output /var/log/leakwatch.jsonl\n"
	"  leakwatch classify autodiscover.example.com 198.51.100.7\n";

static const char version_usage[] = "Usage: leakwatch version\n"
				    "\n"
				    "Print leakwatch's version.\n";

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(version_usage, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr,
			"leakwatch version: unexpected argument '%s' (see leakwatch "
			"version --help)\n",
			argv[1]);
		return EXIT_USAGE;
	}
	printf("leakwatch %s\n", LW_VERSION);
	return 0;
}

/* Run subcommand cmd with its own argv (argv[0] is its name). */
static int dispatch(const char *cmd, int argc, char **argv)
{
	if (!strcmp(cmd, "run"))
		return cmd_run(argc, argv);
	if (!strcmp(cmd, "daemon"))
		return cmd_daemon(argc, argv);
	if (!strcmp(cmd, "classify"))
		return cmd_classify(argc, argv);
	if (!strcmp(cmd, "policy"))
		return cmd_policy(argc, argv);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version"))
		return cmd_version(argc, argv);
	fprintf(stderr, "leakwatch: unknown command '%s' (see leakwatch --help)\n", cmd);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	/* `leakwatch help run` is `leakwatch run --help` */
	if (!strcmp(cmd, "help") && argc > 2 && strcmp(argv[2], "help")) {
		char *help[] = { argv[2], "--help", NULL };

		return dispatch(argv[2], 2, help);
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	return dispatch(cmd, argc - 1, argv + 1);
}
