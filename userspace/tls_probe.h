/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --payload tls: the TLS library probes' loader half (tls_probe.c): find
 * every OpenSSL and GnuTLS in use, on the host and in containers, and
 * attach bpf/tls.bpf.c's uprobe to their write functions.
 */
#ifndef __LW_TLS_PROBE_H
#define __LW_TLS_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct leakwatch_bpf;
struct tls_probe;

struct tls_probe *tls_probe_new(struct leakwatch_bpf *skel, bool verbose);
/* Probe TLS libraries not probed yet (well-known paths, every process's
 * maps). Also the rescan for containers started later. */
void tls_probe_scan(struct tls_probe *tp);
/* Library files with probes attached. */
size_t tls_probe_count(const struct tls_probe *tp);
/* "path, path" of the libraries probed (for the start line), or "none". */
const char *tls_probe_libraries(const struct tls_probe *tp);
void tls_probe_free(struct tls_probe *tp);

#endif /* __LW_TLS_PROBE_H */
