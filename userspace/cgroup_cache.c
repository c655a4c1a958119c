// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cgroup id -> path per hierarchy: a chained hash over a fixed pool of
 * entries, evicted oldest first (ids are never reused while the system
 * runs, so the oldest are the likeliest to be gone).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_cache.h"

#define CGCACHE_BUCKETS 8192
#define CGCACHE_KINDS 2
#define WALK_DEPTH_MAX 32
#define FILEID_KERNFS 0xfe

struct cg_entry {
	uint64_t id;
	char *path; /* NULL: free slot */
	int32_t next;
};

struct cg_hier {
	char *mount; /* NULL: not mounted (events only) */
	int mount_fd;
	struct cg_entry *e; /* CGCACHE_MAX, allocated at first use */
	int32_t bucket[CGCACHE_BUCKETS];
	uint32_t used, evict; /* slots handed out; next slot to reuse */
};

struct cgroup_cache {
	struct cg_hier h[CGCACHE_KINDS];
	struct cgroup_cache_stats stats;
};

static struct cg_hier *hier(struct cgroup_cache *c, int kind)
{
	return kind == LW_CG_V2 || kind == LW_CG_V1_MEMORY ? &c->h[kind - 1] : NULL;
}

static uint32_t bucket_of(uint64_t id)
{
	return (uint32_t)((id * 0x9E3779B97F4A7C15ull) >> 51) % CGCACHE_BUCKETS;
}

static struct cg_entry *find(const struct cg_hier *h, uint64_t id)
{
	int32_t i;

	if (!h->e)
		return NULL;
	for (i = h->bucket[bucket_of(id)]; i >= 0; i = h->e[i].next)
		if (h->e[i].id == id)
			return &h->e[i];
	return NULL;
}

static void unlink_slot(struct cg_hier *h, int32_t slot)
{
	int32_t *pp = &h->bucket[bucket_of(h->e[slot].id)];

	while (*pp >= 0 && *pp != slot)
		pp = &h->e[*pp].next;
	if (*pp == slot)
		*pp = h->e[slot].next;
	free(h->e[slot].path);
	h->e[slot].path = NULL;
}

static int hier_init(struct cg_hier *h)
{
	size_t i;

	if (h->e)
		return 0;
	h->e = calloc(CGCACHE_MAX, sizeof(*h->e));
	if (!h->e)
		return -ENOMEM;
	for (i = 0; i < CGCACHE_BUCKETS; i++)
		h->bucket[i] = -1;
	return 0;
}

int cgroup_cache_add(struct cgroup_cache *c, int kind, uint64_t id, const char *path, size_t len)
{
	struct cg_hier *h = hier(c, kind);
	struct cg_entry *e;
	char *copy;
	int32_t slot;

	if (!h || !id || !len || path[0] != '/' || memchr(path, '\0', len))
		return -EINVAL;
	if (hier_init(h))
		return -ENOMEM;
	copy = strndup(path, len);
	if (!copy)
		return -ENOMEM;
	e = find(h, id);
	if (e) { /* the same id again (a walk after an event): newest wins */
		free(e->path);
		e->path = copy;
		return 0;
	}
	if (h->used < CGCACHE_MAX) {
		slot = (int32_t)h->used++;
	} else {
		slot = (int32_t)h->evict;
		h->evict = (h->evict + 1) % CGCACHE_MAX;
		unlink_slot(h, slot);
		c->stats.evicted++;
	}
	e = &h->e[slot];
	e->id = id;
	e->path = copy;
	e->next = h->bucket[bucket_of(id)];
	h->bucket[bucket_of(id)] = slot;
	return 0;
}

/* Depth-first over the directories under dirfd; rel is dirfd's path from
 * the hierarchy's root ("" for the root itself). Files are skipped by
 * d_type: a cgroup directory holds dozens of them. */
static void walk(struct cgroup_cache *c, int kind, int dirfd, char *rel, size_t rel_len, int depth)
{
	struct dirent *d;
	struct stat st;
	size_t n;
	DIR *dir;
	int fd;

	if (fstat(dirfd, &st) == 0 &&
	    cgroup_cache_add(c, kind, (uint64_t)st.st_ino, rel_len ? rel : "/",
			     rel_len ? rel_len : 1) == 0)
		c->stats.walked++;
	if (depth >= WALK_DEPTH_MAX || hier(c, kind)->used >= CGCACHE_MAX)
		return;
	dir = fdopendir(dirfd);
	if (!dir) {
		close(dirfd);
		return;
	}
	while ((d = readdir(dir))) {
		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		n = strlen(d->d_name);
		if (rel_len + 1 + n >= PATH_MAX)
			continue;
		fd = openat(dirfd, d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue; /* removed meanwhile */
		rel[rel_len] = '/';
		memcpy(rel + rel_len + 1, d->d_name, n + 1);
		walk(c, kind, fd, rel, rel_len + 1 + n, depth + 1);
		rel[rel_len] = '\0';
	}
	closedir(dir); /* closes dirfd */
}

static void hier_open(struct cgroup_cache *c, int kind, const char *mount)
{
	struct cg_hier *h = hier(c, kind);
	char rel[PATH_MAX];
	int fd;

	h->mount_fd = -1;
	if (!mount)
		return;
	h->mount = strdup(mount);
	h->mount_fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!h->mount || h->mount_fd < 0)
		return;
	fd = dup(h->mount_fd);
	if (fd < 0)
		return;
	rel[0] = '\0';
	walk(c, kind, fd, rel, 0, 0);
}

struct cgroup_cache *cgroup_cache_new(const char *v2_mount, const char *v1_memory_mount)
{
	struct cgroup_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	hier_open(c, LW_CG_V2, v2_mount);
	hier_open(c, LW_CG_V1_MEMORY, v1_memory_mount);
	return c;
}

struct cgroup_cache *cgroup_cache_new_system(void)
{
	char v2[PATH_MAX], v1[PATH_MAX];
	bool has_v2 = cgroup2_mount(v2, sizeof(v2)) == 0;
	bool has_v1 = cgroup_v1_mount("memory", v1, sizeof(v1)) == 0;

	return cgroup_cache_new(has_v2 ? v2 : NULL, has_v1 ? v1 : NULL);
}

void cgroup_cache_free(struct cgroup_cache *c)
{
	struct cg_hier *h;
	size_t k, i;

	if (!c)
		return;
	for (k = 0; k < CGCACHE_KINDS; k++) {
		h = &c->h[k];
		for (i = 0; h->e && i < h->used; i++)
			free(h->e[i].path);
		free(h->e);
		free(h->mount);
		if (h->mount_fd >= 0)
			close(h->mount_fd);
	}
	free(c);
}

int cgroup_cache_event(struct cgroup_cache *c, const struct lw_cgroup_event *e)
{
	size_t len = e->path_len;

	if (len >= LW_CGROUP_PATH_MAX || strnlen(e->path, len) != len)
		return -EINVAL;
	if (cgroup_cache_add(c, e->kind, e->id, e->path, len))
		return -EINVAL;
	c->stats.events++;
	return 0;
}

const char *cgroup_cache_peek(const struct cgroup_cache *c, int kind, uint64_t id)
{
	const struct cg_entry *e;

	if (kind != LW_CG_V2 && kind != LW_CG_V1_MEMORY)
		return NULL;
	e = find(&c->h[kind - 1], id);
	return e ? e->path : NULL;
}

/* Ask the kernel: the cgroup's directory by file handle, then its path
 * from /proc/self/fd (relative to the mount, as the walk's). */
static int by_handle(struct cgroup_cache *c, int kind, uint64_t id)
{
	struct cg_hier *h = hier(c, kind);
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} u;
	char link[64], path[PATH_MAX];
	size_t ml;
	ssize_t n;
	int fd, err;

	if (!h->mount || h->mount_fd < 0)
		return -ENOENT;
	u.fh.handle_bytes = sizeof(uint64_t);
	u.fh.handle_type = FILEID_KERNFS;
	memcpy(u.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(h->mount_fd, &u.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	path[n] = '\0';
	ml = strlen(h->mount);
	if (!strncmp(path, h->mount, ml) && (path[ml] == '/' || !path[ml]))
		return cgroup_cache_add(c, kind, id, path[ml] ? path + ml : "/",
					path[ml] ? strlen(path + ml) : 1);
	/* not under the mount as we know it (a lazily detached mount):
	 * d_path gave the path from the mount's own root */
	return cgroup_cache_add(c, kind, id, path, (size_t)n);
}

const char *cgroup_cache_path(struct cgroup_cache *c, int kind, uint64_t id)
{
	const char *p;

	if (!id || !hier(c, kind))
		return NULL;
	p = cgroup_cache_peek(c, kind, id);
	if (p)
		return p;
	if (by_handle(c, kind, id) == 0) {
		c->stats.by_handle++;
		return cgroup_cache_peek(c, kind, id);
	}
	c->stats.unresolved++;
	return NULL;
}

const struct cgroup_cache_stats *cgroup_cache_stats(const struct cgroup_cache *c)
{
	return &c->stats;
}
