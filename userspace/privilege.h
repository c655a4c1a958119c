/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Capabilities: say exactly which are missing before trying to load, and
 * give up all but the few a running sensor still needs once it is attached.
 */
#ifndef __LW_PRIVILEGE_H
#define __LW_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>

/* 0 when the effective set can load and attach the sensor; otherwise
 * -EPERM with err naming the missing capabilities. */
int privilege_check(char *err, size_t len);

/*
 * After load and attach: keep only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH
 * (reading /proc/PID/exe and /proc/PID/root of other users' processes),
 * plus, when keep_attach (attaching uprobes to C libraries that appear
 * later), CAP_BPF, CAP_PERFMON, CAP_CHECKPOINT_RESTORE (/proc/PID/map_files)
 * and CAP_SYS_ADMIN (uprobe perf events need it on some kernels); clear the
 * bounding (when allowed) and ambient sets and set no_new_privs. 0 or -errno.
 */
/* keep_dac_override: `run` must still remove its cgroup at the end, and
 * the cgroup root is not always writable by uid 0 without it (0555 here). */
int privilege_drop(bool keep_attach, bool keep_dac_override);

#endif /* __LW_PRIVILEGE_H */
