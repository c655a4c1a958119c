/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The subcommands. Each takes the arguments after its own name (argv[0] is
 * the subcommand) and returns the process exit status:
 * 0 success, 1 runtime error, 2 usage error, or run's own statuses.
 */
#ifndef __LW_COMMANDS_H
#define __LW_COMMANDS_H

#define EXIT_USAGE 2

struct policy;

/* The built-in policy plus config (NULL: none). 0; or, with one line on
 * stderr prefixed by who and nothing left allocated, 1 (out of memory) or
 * EXIT_USAGE (the config does not parse). */
int command_load_policy(struct policy *p, const char *config, const char *who);

/* One line for an option getopt refused (its own messages are off:
 * opterr = 0, optstring starting with ':'), naming who and --help.
 * Returns EXIT_USAGE. */
int command_option_error(const char *who, int opt, char **argv);

int cmd_classify(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_daemon(int argc, char **argv);

#endif /* __LW_COMMANDS_H */
