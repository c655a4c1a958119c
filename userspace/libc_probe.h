/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The libc probes' loader half: find every C library in use (glibc's
 * libc.so.6, musl's ld-musl-*.so.1), on the host and inside containers (a
 * container's libc is another file), and attach the uprobe programs to each
 * by symbol. A file is reached through /proc/PID/map_files, whatever the
 * process's root or mount namespace, or /proc/PID/root when map_files is
 * not allowed. The daemon rescans every few seconds for the libraries of
 * containers started later. Statically linked programs carry their own
 * resolver and cannot be probed generically: the DNS capture on the wire
 * sees them.
 */
#ifndef __LW_LIBC_PROBE_H
#define __LW_LIBC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct leakwatch_bpf;
struct libc_probe;

/* Set up (nothing attached yet). NULL on out of memory. */
struct libc_probe *libc_probe_new(struct leakwatch_bpf *skel, bool verbose);
/* Look for C libraries not yet probed (the well-known paths, then every
 * process's maps) and attach to them. Returns how many were added; a
 * library without the resolver symbols gets one line on stderr. */
int libc_probe_scan(struct libc_probe *lp);
/* C libraries with probes attached so far. */
size_t libc_probe_count(struct libc_probe *lp);
/* Is path a C library by its file name (glibc or musl)? */
bool libc_probe_is_libc_name(const char *path);
/* Detach everything, free. Safe on NULL. */
void libc_probe_free(struct libc_probe *lp);
/* "getaddrinfo", "gethostbyname", ... for enum lw_libc_func; NULL else. */
const char *libc_func_name(uint8_t func);

#endif /* __LW_LIBC_PROBE_H */
