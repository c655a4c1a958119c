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

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("leakwatch %s\n", LW_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "daemon"))
		return cmd_daemon(argc - 1, argv + 1);
	if (!strcmp(cmd, "classify"))
		return cmd_classify(argc - 1, argv + 1);
	if (!strcmp(cmd, "policy"))
		return cmd_policy(argc - 1, argv + 1);

	fprintf(stderr, "leakwatch: unknown command '%s'\n\n%s", cmd, usage);
	return EXIT_USAGE;
}
