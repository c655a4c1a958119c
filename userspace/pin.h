/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pinned state for `daemon`: the taint map, the answer set, pending
 * queries, socket owners and the ring buffer live under bpffs, so a
 * restarted daemon goes on where the last one stopped (a process tainted
 * before the restart is still tainted after it, and events the last daemon
 * had not read yet are read by the next).
 */
#ifndef __LW_PIN_H
#define __LW_PIN_H

#include <stdbool.h>
#include <stddef.h>

struct leakwatch_bpf;

#define PIN_DIR_DEFAULT "/sys/fs/bpf/leakwatch"

/* bpffs under dir, mounting /sys/fs/bpf when it is missing: 0, or -errno
 * with err set (no bpffs and none can be mounted: a container without
 * CAP_SYS_ADMIN on a node that has none). */
int pin_bpffs(const char *dir, char *err, size_t len);
/* bpffs mounted under dir (mounting /sys/fs/bpf when missing), dir made
 * 0700 and locked (one daemon per directory): the lock's fd, or -errno
 * with err set. Closing the fd (in every process holding it) unlocks. */
int pin_prepare(const char *dir, char *err, size_t len);
/* Ask libbpf to reuse (or create and pin) the state maps under dir.
 * Returns true when pins from an earlier daemon were found. */
bool pin_maps(struct leakwatch_bpf *skel, const char *dir);
/* Remove the pins (a crashed older daemon's that no longer fit). */
void pin_remove(const char *dir);

#endif /* __LW_PIN_H */
