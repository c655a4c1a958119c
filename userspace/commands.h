/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The subcommands. Each takes the arguments after its own name (argv[0] is
 * the subcommand) and returns the process exit status:
 * 0 success, 1 runtime error, 2 usage error, or run's own statuses.
 */
#ifndef __LW_COMMANDS_H
#define __LW_COMMANDS_H

#define EXIT_USAGE 2

int cmd_classify(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_daemon(int argc, char **argv);

#endif /* __LW_COMMANDS_H */
