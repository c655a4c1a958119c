/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Prometheus text format for node_exporter's textfile collector: written
 * to FILE.tmp and renamed over FILE, so the collector never reads half.
 */
#ifndef __LW_METRICS_H
#define __LW_METRICS_H

struct session;

/* 0 or -errno. */
int metrics_write(const char *path, struct session *s);

#endif /* __LW_METRICS_H */
