// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Container names and images from the engines' state files, parsed with
 * jansson. Every file is read whole with a size cap and parsed in memory;
 * podman's containers.json and images.json (one file for every container)
 * are parsed again only when their mtime changes.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container_meta.h"

#define CMETA_ENTRIES 1024
#define CMETA_ROOTS 8
#define CMETA_ROOTS_S 30	    /* the engines' roots are searched again at most this often */
#define CMETA_MISS_S 1		    /* an id not found is looked for again at most this often */
#define STATE_FILE_MAX (1u << 20)   /* docker's config.v2.json */
#define PODMAN_FILE_MAX (64u << 20) /* podman's containers.json, images.json */
#define CMDLINE_MAX 16384

struct cmeta_entry {
	char id[65];
	bool podman; /* else docker */
	bool known;
	char *name, *image;
	time_t when;
};

/* A parsed file kept while its mtime holds. */
struct json_file {
	char *path;
	struct timespec mtime;
	json_t *root;
};

struct podman_root {
	char *dir;
	struct json_file containers, images;
};

struct cmeta {
	bool system; /* find roots on this host */
	time_t roots_found;
	char *docker[CMETA_ROOTS];
	size_t n_docker;
	struct podman_root podman[CMETA_ROOTS];
	size_t n_podman;
	struct cmeta_entry e[CMETA_ENTRIES];
	size_t next;
};

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

struct cmeta *cmeta_new(void)
{
	return calloc(1, sizeof(struct cmeta));
}

struct cmeta *cmeta_new_system(void)
{
	struct cmeta *c = cmeta_new();

	if (c)
		c->system = true;
	return c;
}

static void json_file_drop(struct json_file *f)
{
	json_decref(f->root);
	f->root = NULL;
	free(f->path);
	f->path = NULL;
}

static void roots_clear(struct cmeta *c)
{
	size_t i;

	for (i = 0; i < c->n_docker; i++)
		free(c->docker[i]);
	for (i = 0; i < c->n_podman; i++) {
		free(c->podman[i].dir);
		json_file_drop(&c->podman[i].containers);
		json_file_drop(&c->podman[i].images);
	}
	c->n_docker = c->n_podman = 0;
}

void cmeta_free(struct cmeta *c)
{
	size_t i;

	if (!c)
		return;
	roots_clear(c);
	for (i = 0; i < CMETA_ENTRIES; i++) {
		free(c->e[i].name);
		free(c->e[i].image);
	}
	free(c);
}

int cmeta_add_docker_root(struct cmeta *c, const char *dir)
{
	size_t i;

	for (i = 0; i < c->n_docker; i++)
		if (!strcmp(c->docker[i], dir))
			return 0;
	if (c->n_docker >= CMETA_ROOTS)
		return -ENOSPC;
	c->docker[c->n_docker] = strdup(dir);
	if (!c->docker[c->n_docker])
		return -ENOMEM;
	c->n_docker++;
	return 0;
}

int cmeta_add_podman_root(struct cmeta *c, const char *dir)
{
	size_t i;

	for (i = 0; i < c->n_podman; i++)
		if (!strcmp(c->podman[i].dir, dir))
			return 0;
	if (c->n_podman >= CMETA_ROOTS)
		return -ENOSPC;
	memset(&c->podman[c->n_podman], 0, sizeof(c->podman[0]));
	c->podman[c->n_podman].dir = strdup(dir);
	if (!c->podman[c->n_podman].dir)
		return -ENOMEM;
	c->n_podman++;
	return 0;
}

/* A whole file, at most max bytes (larger: -EFBIG), NUL-terminated. */
static char *slurp(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (size_t)st.st_size > max)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto out;
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	*len = off;
out:
	close(fd);
	return buf;
}

static json_t *load_json(const char *path, size_t max)
{
	json_error_t err;
	size_t len = 0;
	char *buf = slurp(path, max, &len);
	json_t *root;

	if (!buf)
		return NULL;
	root = json_loadb(buf, len, 0, &err);
	free(buf);
	return root;
}

/* f parsed from path, again only when the file changed. */
static json_t *json_file_get(struct json_file *f, const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		json_file_drop(f);
		return NULL;
	}
	if (f->root && f->path && !strcmp(f->path, path) && f->mtime.tv_sec == st.st_mtim.tv_sec &&
	    f->mtime.tv_nsec == st.st_mtim.tv_nsec)
		return f->root;
	json_file_drop(f);
	f->path = strdup(path);
	f->root = load_json(path, PODMAN_FILE_MAX);
	f->mtime = st.st_mtim;
	return f->root;
}

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void set_result(struct cmeta_entry *e, const char *name, const char *image)
{
	free(e->name);
	free(e->image);
	e->name = name && *name ? strdup(name) : NULL;
	e->image = image && *image ? strdup(image) : NULL;
	e->known = e->name || e->image;
}

/* --- docker ------------------------------------------------------------------ */

static bool docker_lookup(struct cmeta *c, const char *id, struct cmeta_entry *e)
{
	char path[PATH_MAX];
	const char *name;
	json_t *root;
	size_t i;

	for (i = 0; i < c->n_docker; i++) {
		snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", c->docker[i], id);
		root = load_json(path, STATE_FILE_MAX);
		if (!root)
			continue;
		if (!json_is_object(root) || strcmp(jstr(root, "ID") ?: "", id)) {
			json_decref(root);
			continue;
		}
		name = jstr(root, "Name"); /* "/name" */
		if (name && name[0] == '/')
			name++;
		set_result(e, name, jstr(json_object_get(root, "Config"), "Image"));
		json_decref(root);
		return e->known;
	}
	return false;
}

/* --- podman ------------------------------------------------------------------ */

static const char *first_name(json_t *obj)
{
	return json_string_value(json_array_get(json_object_get(obj, "names"), 0));
}

/* The image's name from images.json, by image id. */
static const char *podman_image_name(struct podman_root *r, const char *dir, const char *image_id)
{
	char pattern[PATH_MAX];
	const char *name = NULL;
	json_t *arr, *img;
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*-images/images.json", dir);
	if (glob(pattern, 0, NULL, &g))
		return NULL;
	arr = g.gl_pathc ? json_file_get(&r->images, g.gl_pathv[0]) : NULL;
	globfree(&g);
	for (i = 0; i < json_array_size(arr); i++) {
		img = json_array_get(arr, i);
		if (!strcmp(jstr(img, "id") ?: "", image_id)) {
			name = first_name(img);
			break;
		}
	}
	return name;
}

static bool podman_root_lookup(struct podman_root *r, const char *id, struct cmeta_entry *e)
{
	const char *name, *image = NULL, *image_id;
	char pattern[PATH_MAX];
	json_t *arr, *ctr, *meta = NULL;
	json_error_t err;
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*-containers/containers.json", r->dir);
	if (glob(pattern, 0, NULL, &g))
		return false;
	arr = g.gl_pathc ? json_file_get(&r->containers, g.gl_pathv[0]) : NULL;
	globfree(&g);
	for (i = 0; i < json_array_size(arr); i++) {
		ctr = json_array_get(arr, i);
		if (strcmp(jstr(ctr, "id") ?: "", id))
			continue;
		name = first_name(ctr);
		/* "metadata" is itself JSON, in a string: libpod's image-name */
		if (jstr(ctr, "metadata"))
			meta = json_loads(jstr(ctr, "metadata"), 0, &err);
		image = jstr(meta, "image-name");
		image_id = jstr(ctr, "image");
		if (!image && image_id)
			image = podman_image_name(r, r->dir, image_id);
		set_result(e, name ?: jstr(meta, "name"), image);
		json_decref(meta);
		return e->known;
	}
	return false;
}

static bool podman_lookup(struct cmeta *c, const char *id, struct cmeta_entry *e)
{
	size_t i;

	for (i = 0; i < c->n_podman; i++)
		if (podman_root_lookup(&c->podman[i], id, e))
			return true;
	return false;
}

/* --- finding the roots on this host -------------------------------------------- */

/* The value of option opt in argv (NUL-separated): "--opt V" or "--opt=V". */
static const char *arg_value(const char *cmdline, size_t len, const char *opt, const char *skip)
{
	size_t ol = strlen(opt), off, n;
	const char *a, *next;

	for (off = 0; off < len; off += n + 1) {
		a = cmdline + off;
		n = strnlen(a, len - off);
		if (!strncmp(a, opt, ol) && a[ol] == '=')
			return a + ol + 1;
		if (strcmp(a, opt) || off + n + 1 >= len)
			continue;
		next = a + n + 1;
		/* conmon passes podman's options as --exit-command-arg X */
		if (skip && !strcmp(next, skip)) {
			size_t sl = strlen(next) + 1;

			if (off + n + 1 + sl >= len)
				return NULL;
			next += sl;
		}
		return next;
	}
	return NULL;
}

static void config_data_root(const char *config, char *out, size_t size)
{
	json_t *root = load_json(config, STATE_FILE_MAX);
	const char *v = jstr(root, "data-root") ?: jstr(root, "graph");

	if (v && v[0] == '/')
		snprintf(out, size, "%s", v);
	json_decref(root);
}

void cmeta_docker_root_of(const char *cmdline, size_t len, char *out, size_t size)
{
	const char *v = arg_value(cmdline, len, "--data-root", NULL);

	out[0] = '\0';
	v = v ?: arg_value(cmdline, len, "--graph", NULL);
	v = v ?: arg_value(cmdline, len, "-g", NULL);
	if (v && v[0] == '/') {
		snprintf(out, size, "%s", v);
		return;
	}
	v = arg_value(cmdline, len, "--config-file", NULL);
	config_data_root(v ?: "/etc/docker/daemon.json", out, size);
}

void cmeta_podman_root_of(const char *cmdline, size_t len, char *out, size_t size)
{
	const char *v = arg_value(cmdline, len, "--root", "--exit-command-arg");

	out[0] = '\0';
	if (v && v[0] == '/')
		snprintf(out, size, "%s", v);
}

/* graphroot = "..." in containers-storage's TOML (one key: a line). */
static void storage_conf_root(char *out, size_t size)
{
	char line[PATH_MAX + 64], *p, *q;
	FILE *f = fopen("/etc/containers/storage.conf", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " \t");
		if (strncmp(p, "graphroot", 9))
			continue;
		p = strchr(p, '"');
		q = p ? strchr(p + 1, '"') : NULL;
		if (p && q && p[1] == '/') {
			*q = '\0';
			snprintf(out, size, "%s", p + 1);
		}
		break;
	}
	fclose(f);
}

/* A /proc file (st_size says 0): up to size - 1 bytes, NUL-terminated. */
static size_t read_proc(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		while (len < size - 1 && (r = read(fd, buf + len, size - 1 - len)) > 0)
			len += (size_t)r;
		close(fd);
	}
	buf[len] = '\0';
	return len;
}

static void scan_process(struct cmeta *c, const char *pid)
{
	static char cmdline[CMDLINE_MAX];
	char path[PATH_MAX], comm[32], root[PATH_MAX];
	size_t len;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	read_proc(path, comm, sizeof(comm));
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "dockerd") && strcmp(comm, "podman") && strcmp(comm, "conmon"))
		return;
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	len = read_proc(path, cmdline, sizeof(cmdline));
	if (!strcmp(comm, "dockerd")) {
		cmeta_docker_root_of(cmdline, len, root, sizeof(root));
		cmeta_add_docker_root(c, root[0] ? root : "/var/lib/docker");
	} else {
		cmeta_podman_root_of(cmdline, len, root, sizeof(root));
		if (root[0])
			cmeta_add_podman_root(c, root);
	}
}

void cmeta_hint_process(struct cmeta *c, pid_t pid)
{
	char num[16];

	if (pid <= 0)
		return;
	snprintf(num, sizeof(num), "%d", (int)pid);
	scan_process(c, num);
}

static void find_roots(struct cmeta *c)
{
	char root[PATH_MAX] = "";
	struct dirent *d;
	DIR *dir;

	roots_clear(c);
	dir = opendir("/proc");
	while (dir && (d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]))
			scan_process(c, d->d_name);
	if (dir)
		closedir(dir);
	/* the defaults: a rootful podman leaves no process running */
	config_data_root("/etc/docker/daemon.json", root, sizeof(root));
	cmeta_add_docker_root(c, root[0] ? root : "/var/lib/docker");
	root[0] = '\0';
	storage_conf_root(root, sizeof(root));
	cmeta_add_podman_root(c, root[0] ? root : "/var/lib/containers/storage");
	c->roots_found = now_s();
}

static bool valid_id(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= 64 && strspn(id, "0123456789abcdef") == n;
}

bool cmeta_lookup(struct cmeta *c, const char *runtime, const char *id, const char **name,
		  const char **image)
{
	bool docker = !strcmp(runtime, "docker"), podman = !strcmp(runtime, "podman");
	struct cmeta_entry *e = NULL;
	size_t i;

	*name = *image = NULL;
	if ((!docker && !podman) || !valid_id(id))
		return false;
	for (i = 0; i < CMETA_ENTRIES; i++)
		if (!strcmp(c->e[i].id, id) && c->e[i].podman == podman) {
			e = &c->e[i];
			break;
		}
	if (e && (e->known || now_s() - e->when < CMETA_MISS_S))
		goto out;
	if (!e) {
		e = &c->e[c->next];
		c->next = (c->next + 1) % CMETA_ENTRIES;
		set_result(e, NULL, NULL);
		snprintf(e->id, sizeof(e->id), "%s", id);
		e->podman = podman;
	}
	e->when = now_s();
	/* a miss may be an engine started since: look for roots again */
	if (c->system && (!c->roots_found || now_s() - c->roots_found >= CMETA_ROOTS_S))
		find_roots(c);
	if (docker)
		docker_lookup(c, id, e);
	else
		podman_lookup(c, id, e);
out:
	*name = e->name;
	*image = e->image;
	return e->known;
}
