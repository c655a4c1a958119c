// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libscan.h"

int libscan_maps(const char *pid, bool (*is_name)(const char *file),
		 int (*found)(void *ctx, const char *path, const char *file, const char *pid),
		 void *ctx)
{
	char path[PATH_MAX], line[PATH_MAX + 128], full[PATH_MAX + 160];
	FILE *f;
	int added = 0;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/'), *nl, *sp;

		if (!file)
			continue;
		nl = strchr(file, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(file, " (deleted)") || !is_name(file))
			continue;
		sp = strchr(line, ' ');
		if (!sp || sp - line > 64)
			continue;
		*sp = '\0';
		snprintf(full, sizeof(full), "/proc/%.20s/map_files/%.64s", pid, line);
		/* map_files needs CAP_CHECKPOINT_RESTORE (or CAP_SYS_ADMIN),
		 * which a daemon that dropped privileges may lack: the
		 * process's root is the next best view of its file. */
		if (access(full, F_OK) && errno == EPERM)
			snprintf(full, sizeof(full), "/proc/%.20s/root%.*s", pid, PATH_MAX, file);
		added += found(ctx, full, file, pid);
	}
	fclose(f);
	return added;
}
