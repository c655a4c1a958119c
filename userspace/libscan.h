/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Finding the shared libraries a process maps, for the probes that attach
 * to every copy in use: the C libraries (libc_probe.c) and the TLS
 * libraries (tls_probe.c).
 */
#ifndef __LW_LIBSCAN_H
#define __LW_LIBSCAN_H

#include <stdbool.h>

/*
 * For every file in /proc/PID/maps (pid: digits or "self") whose name
 * is_name() accepts, deleted ones aside, call found(ctx, path, file, pid):
 * path opens the mapping's own file, /proc/PID/map_files/START-END,
 * whatever the process's root or mount namespace (a container's
 * /lib/libc.so.6 is not the host's), so a uprobe lands on the inode the
 * process really runs; file is the name the process maps it by. Returns
 * the sum of found()'s returns (0 when the process is gone).
 */
int libscan_maps(const char *pid, bool (*is_name)(const char *file),
		 int (*found)(void *ctx, const char *path, const char *file, const char *pid),
		 void *ctx);

#endif /* __LW_LIBSCAN_H */
