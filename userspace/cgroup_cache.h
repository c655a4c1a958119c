/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgroup id -> path, per hierarchy (v2, and the v1 hierarchy holding the
 * memory controller), so that the cgroup ids every kernel event carries
 * still name a container once its process is gone and /proc says nothing.
 *
 * Filled three ways: a walk of each mounted hierarchy at start (a cgroup
 * directory's st_ino is its kernfs id on 64-bit), the kernel's
 * LW_EV_CGROUP_MKDIR events for cgroups made later, and on a miss the
 * hierarchy's file handles (open_by_handle_at() with a FILEID_KERNFS
 * handle, then the path of the descriptor), which need
 * CAP_DAC_READ_SEARCH. Bounded: the oldest entries make room.
 */
#ifndef __LW_CGROUP_CACHE_H
#define __LW_CGROUP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "leakwatch.h"

#define CGCACHE_MAX 16384 /* entries per hierarchy */

struct cgroup_cache_stats {
	uint64_t walked;     /* directories found by the walks */
	uint64_t events;     /* LW_EV_CGROUP_MKDIR events taken */
	uint64_t by_handle;  /* misses resolved by file handle */
	uint64_t unresolved; /* lookups that found nothing */
	uint64_t evicted;    /* entries dropped to make room */
};

struct cgroup_cache;

/* A cache over the given mounts (either may be NULL: that hierarchy is
 * then known only from events), each walked now. NULL when out of memory. */
struct cgroup_cache *cgroup_cache_new(const char *v2_mount, const char *v1_memory_mount);
/* The same over the mounts /proc/mounts names. */
struct cgroup_cache *cgroup_cache_new_system(void);
void cgroup_cache_free(struct cgroup_cache *c);

/* Remember path (from the hierarchy's root, "/docker/<id>") of cgroup id
 * in hierarchy kind (LW_CG_*). 0, -EINVAL or -ENOMEM. */
int cgroup_cache_add(struct cgroup_cache *c, int kind, uint64_t id, const char *path, size_t len);
/* Take a LW_EV_CGROUP_MKDIR event. 0, or -EINVAL for a malformed one. */
int cgroup_cache_event(struct cgroup_cache *c, const struct lw_cgroup_event *e);
/* The path of cgroup id in hierarchy kind; on a miss asks the kernel by
 * file handle (and keeps the answer). NULL when neither knows it. */
const char *cgroup_cache_path(struct cgroup_cache *c, int kind, uint64_t id);
/* Only what the cache holds: no file handle lookup. */
const char *cgroup_cache_peek(const struct cgroup_cache *c, int kind, uint64_t id);
const struct cgroup_cache_stats *cgroup_cache_stats(const struct cgroup_cache *c);

#endif /* __LW_CGROUP_CACHE_H */
