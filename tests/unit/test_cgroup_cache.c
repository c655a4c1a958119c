// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * userspace/cgroup_cache.c: the walk (over a fake tree made with mkdir in
 * a temp dir: st_ino stands for the kernfs id there), the kernel's mkdir
 * events, eviction, and the file handle lookup on the real cgroup v2 mount
 * (and the v1 memory one when mounted), as root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_cache.h"
#include "test.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static uint64_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

static void test_walk_fake_tree(void)
{
	static const char *const dirs[] = {
		"/docker",
		"/docker/" ID64,
		"/kubepods",
		"/kubepods/burstable",
		"/kubepods/burstable/pod5f1a3b2c-7d4e-4f60-8a9b-0c1d2e3f4a5b",
		"/kubepods/burstable/pod5f1a3b2c-7d4e-4f60-8a9b-0c1d2e3f4a5b/" ID64,
		"/with space",
	};
	char root[] = "/tmp/lw-cgcache.XXXXXX", path[PATH_MAX];
	struct cgroup_cache *c;
	const char *got;
	size_t i;
	FILE *f;

	if (!ASSERT_NOT_NULL(mkdtemp(root), "mkdtemp"))
		return;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		ASSERT_OK(mkdir(path, 0755), path);
	}
	/* files are not cgroups */
	snprintf(path, sizeof(path), "%s/docker/cgroup.procs", root);
	f = fopen(path, "w");
	if (f)
		fclose(f);

	c = cgroup_cache_new(root, NULL);
	if (!ASSERT_NOT_NULL(c, "cgroup_cache_new"))
		goto out;
	ASSERT_EQ(cgroup_cache_stats(c)->walked, 1 + sizeof(dirs) / sizeof(dirs[0]), "walked");
	got = cgroup_cache_peek(c, LW_CG_V2, ino_of(root));
	ASSERT_STREQ(got, "/", "the root");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		ASSERT_STREQ(cgroup_cache_peek(c, LW_CG_V2, ino_of(path)), dirs[i], dirs[i]);
	}
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V2, ino_of(path) ^ 0x4000000000000000ull),
		    "unknown id");
	snprintf(path, sizeof(path), "%s/docker/cgroup.procs", root);
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V2, ino_of(path)), "a file is no cgroup");
	/* the other hierarchy knows none of these */
	snprintf(path, sizeof(path), "%s/docker", root);
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V1_MEMORY, ino_of(path)), "other hierarchy");
	/* tmpfs has no kernfs file handles: a miss stays a miss, counted */
	ASSERT_NULL(cgroup_cache_path(c, LW_CG_V2, 0x7fffffff00000001ull), "miss");
	ASSERT_EQ(cgroup_cache_stats(c)->unresolved, 1, "miss counted");
	ASSERT_NULL(cgroup_cache_path(c, LW_CG_V2, 0), "id 0");
	ASSERT_NULL(cgroup_cache_path(c, 7, 1), "bad kind");
	cgroup_cache_free(c);
out:
	for (i = sizeof(dirs) / sizeof(dirs[0]); i-- > 0;) {
		if (i == 0) {
			snprintf(path, sizeof(path), "%s/docker/cgroup.procs", root);
			unlink(path);
		}
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		rmdir(path);
	}
	rmdir(root);
}

static void mkdir_event(struct lw_cgroup_event *e, uint8_t kind, uint64_t id, const char *path)
{
	memset(e, 0, sizeof(*e));
	e->hdr.type = LW_EV_CGROUP_MKDIR;
	e->hdr.size = sizeof(*e);
	e->id = id;
	e->kind = kind;
	e->path_len = (uint16_t)strlen(path);
	memcpy(e->path, path, e->path_len);
}

static void test_events(void)
{
	struct cgroup_cache *c = cgroup_cache_new(NULL, NULL);
	static struct lw_cgroup_event e;

	if (!ASSERT_NOT_NULL(c, "cgroup_cache_new"))
		return;
	mkdir_event(&e, LW_CG_V2, 1001, "/docker/" ID64);
	ASSERT_OK(cgroup_cache_event(c, &e), "v2 event");
	mkdir_event(&e, LW_CG_V1_MEMORY, 1001, "/kubepods/pod1/" ID64);
	ASSERT_OK(cgroup_cache_event(c, &e), "v1 event, same id number");
	ASSERT_STREQ(cgroup_cache_peek(c, LW_CG_V2, 1001), "/docker/" ID64, "v2 path");
	ASSERT_STREQ(cgroup_cache_path(c, LW_CG_V1_MEMORY, 1001), "/kubepods/pod1/" ID64,
		     "v1 path");
	/* no mount: a miss asks nobody */
	ASSERT_NULL(cgroup_cache_path(c, LW_CG_V2, 1002), "miss without a mount");
	/* the same id again: the newest path */
	mkdir_event(&e, LW_CG_V2, 1001, "/renamed");
	ASSERT_OK(cgroup_cache_event(c, &e), "again");
	ASSERT_STREQ(cgroup_cache_peek(c, LW_CG_V2, 1001), "/renamed", "newest wins");
	ASSERT_EQ(cgroup_cache_stats(c)->events, 3, "events counted");

	/* malformed: refused, nothing kept */
	mkdir_event(&e, LW_CG_V2, 1003, "/x");
	e.path_len = LW_CGROUP_PATH_MAX;
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "path_len too long");
	mkdir_event(&e, LW_CG_V2, 1003, "/x");
	e.path_len = 10; /* claims more than there is before the NUL */
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "path_len past the NUL");
	mkdir_event(&e, 9, 1003, "/x");
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "unknown kind");
	mkdir_event(&e, LW_CG_V2, 0, "/x");
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "id 0");
	mkdir_event(&e, LW_CG_V2, 1003, "relative");
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "relative path");
	mkdir_event(&e, LW_CG_V2, 1003, "");
	ASSERT_EQ(cgroup_cache_event(c, &e), -EINVAL, "empty path");
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V2, 1003), "nothing kept");
	/* a path of 511 bytes, the longest the kernel sends */
	mkdir_event(&e, LW_CG_V2, 1004, "/");
	memset(e.path + 1, 'a', LW_CGROUP_PATH_MAX - 2);
	e.path_len = LW_CGROUP_PATH_MAX - 1;
	ASSERT_OK(cgroup_cache_event(c, &e), "511-byte path");
	ASSERT_EQ(strlen(cgroup_cache_peek(c, LW_CG_V2, 1004) ?: ""), LW_CGROUP_PATH_MAX - 1,
		  "511 bytes kept");
	cgroup_cache_free(c);
}

/* Bounded: past CGCACHE_MAX the oldest entries go. */
static void test_eviction(void)
{
	struct cgroup_cache *c = cgroup_cache_new(NULL, NULL);
	char path[64];
	uint64_t i;

	if (!ASSERT_NOT_NULL(c, "cgroup_cache_new"))
		return;
	for (i = 1; i <= CGCACHE_MAX + 10; i++) {
		snprintf(path, sizeof(path), "/c%llu", (unsigned long long)i);
		if (!ASSERT_OK(cgroup_cache_add(c, LW_CG_V2, i, path, strlen(path)), "add"))
			break;
	}
	ASSERT_EQ(cgroup_cache_stats(c)->evicted, 10, "evicted");
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V2, 1), "oldest gone");
	ASSERT_NULL(cgroup_cache_peek(c, LW_CG_V2, 10), "tenth gone");
	ASSERT_STREQ(cgroup_cache_peek(c, LW_CG_V2, 11), "/c11", "eleventh kept");
	ASSERT_STREQ(cgroup_cache_peek(c, LW_CG_V2, CGCACHE_MAX + 10), "/c16394", "newest kept");
	cgroup_cache_free(c);
}

/* On the real mount: a cgroup made after the walk is found by its file
 * handle; one removed is not. */
static void handle_lookup(int kind, const char *mount, const char *what)
{
	char top[PATH_MAX], dir[PATH_MAX + 128], want[PATH_MAX];
	struct cgroup_cache *c = NULL;
	uint64_t id, gone;

	snprintf(top, sizeof(top), "%s/lwut%d", mount, (int)getpid());
	snprintf(dir, sizeof(dir), "%s/docker-" ID64 ".scope", top);
	c = kind == LW_CG_V2 ? cgroup_cache_new(mount, NULL) : cgroup_cache_new(NULL, mount);
	if (!ASSERT_NOT_NULL(c, "cgroup_cache_new"))
		return;
	ASSERT_TRUE(cgroup_cache_stats(c)->walked >= 1, what);
	if (!ASSERT_OK(mkdir(top, 0755), top) || !ASSERT_OK(mkdir(dir, 0755), dir))
		goto out;
	id = ino_of(dir);
	ASSERT_NULL(cgroup_cache_peek(c, kind, id), "not in the cache yet");
	snprintf(want, sizeof(want), "/lwut%d/docker-" ID64 ".scope", (int)getpid());
	ASSERT_STREQ(cgroup_cache_path(c, kind, id), want, what);
	ASSERT_EQ(cgroup_cache_stats(c)->by_handle, 1, "resolved by handle");
	ASSERT_STREQ(cgroup_cache_peek(c, kind, id), want, "kept");
	/* the root of the hierarchy, by its walk */
	ASSERT_STREQ(cgroup_cache_path(c, kind, ino_of(mount)), "/", "root");
	gone = ino_of(top);
	rmdir(dir);
	rmdir(top);
	ASSERT_NULL(cgroup_cache_path(c, kind, gone), "removed cgroup: not found");
	ASSERT_EQ(cgroup_cache_stats(c)->unresolved, 1, "counted");
out:
	rmdir(dir);
	rmdir(top);
	cgroup_cache_free(c);
}

static void test_handle_v2(void)
{
	char mount[PATH_MAX];

	if (geteuid() != 0) {
		test_skip("needs root (CAP_DAC_READ_SEARCH, mkdir in the cgroup mount)");
		return;
	}
	if (!ASSERT_OK(cgroup2_mount(mount, sizeof(mount)), "cgroup2 mount"))
		return;
	handle_lookup(LW_CG_V2, mount, "v2");
}

static void test_handle_v1_memory(void)
{
	char mount[PATH_MAX];

	if (geteuid() != 0) {
		test_skip("needs root (CAP_DAC_READ_SEARCH, mkdir in the cgroup mount)");
		return;
	}
	if (cgroup_v1_mount("memory", mount, sizeof(mount))) {
		test_skip("no v1 memory hierarchy mounted (a pure v2 host)");
		return;
	}
	handle_lookup(LW_CG_V1_MEMORY, mount, "v1 memory");
}

int main(void)
{
	RUN_TEST(test_walk_fake_tree);
	RUN_TEST(test_events);
	RUN_TEST(test_eviction);
	RUN_TEST(test_handle_v2);
	RUN_TEST(test_handle_v1_memory);
	return test_summary();
}
