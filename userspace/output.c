// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Size-based rotation. zlib (the design card's dependency, already linked
 * for libbpf) compresses rotated files; writing our own deflate would be
 * absurd, and shelling out to gzip is not allowed in a sensor.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "output.h"

static int open_append(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

int output_open(struct output *o, const char *path, uint64_t max_bytes, int keep)
{
	memset(o, 0, sizeof(*o));
	o->max_bytes = max_bytes;
	o->keep = keep;
	if (!path) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	o->path = strdup(path);
	if (!o->path)
		return -ENOMEM;
	o->fd = open_append(path);
	if (o->fd < 0) {
		int err = -errno;

		free(o->path);
		o->path = NULL;
		return err;
	}
	return 0;
}

/* Compress src into dst (0600), then remove src. */
static int gzip_file(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	gzFile gz;
	int in, out, err = 0;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		err = -errno;
		goto out_close_in;
	}
	gz = gzdopen(out, "wb");
	if (!gz) {
		close(out);
		err = -ENOMEM;
		goto out_close_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (gzwrite(gz, buf, (unsigned int)n) != n) {
			err = -EIO;
			break;
		}
	}
	if (n < 0)
		err = -errno;
	if (gzclose(gz) != Z_OK && !err)
		err = -EIO;
	if (err)
		unlink(dst);
	else
		unlink(src);
out_close_in:
	close(in);
	return err;
}

/* FILE.N.gz -> FILE.N+1.gz, oldest dropped beyond keep. */
static void shift_rotated(const struct output *o)
{
	char from[PATH_MAX], to[PATH_MAX];
	int i;

	snprintf(from, sizeof(from), "%s.%d.gz", o->path, o->keep);
	unlink(from);
	for (i = o->keep - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "%s.%d.gz", o->path, i);
		snprintf(to, sizeof(to), "%s.%d.gz", o->path, i + 1);
		rename(from, to);
	}
}

void output_maybe_rotate(struct output *o)
{
	char moved[PATH_MAX], gz[PATH_MAX];
	struct stat st;
	int fd;

	if (!o->path || !o->max_bytes || fstat(o->fd, &st) || (uint64_t)st.st_size < o->max_bytes)
		return;
	/* Every line so far is whole in the file we move away; the next
	 * line goes to a fresh file. */
	snprintf(moved, sizeof(moved), "%s.rotating", o->path);
	if (rename(o->path, moved)) {
		o->rotate_errors++;
		return;
	}
	fd = open_append(o->path);
	if (fd < 0) {
		/* Keep writing where we were rather than lose lines. */
		rename(moved, o->path);
		o->rotate_errors++;
		return;
	}
	close(o->fd);
	o->fd = fd;
	shift_rotated(o);
	snprintf(gz, sizeof(gz), "%s.1.gz", o->path);
	if (gzip_file(moved, gz)) {
		o->rotate_errors++;
		return; /* FILE.rotating stays: nothing is lost */
	}
	o->rotations++;
}

void output_close(struct output *o)
{
	if (o->path && o->fd >= 0)
		close(o->fd);
	free(o->path);
	o->path = NULL;
	o->fd = -1;
}

int output_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (shift)
		end++;
	if (*end || v > (~0ull >> shift))
		return -EINVAL;
	v <<= shift;
	*out = v;
	return 0;
}

int output_format_parse(const char *s)
{
	if (!strcmp(s, "json"))
		return FORMAT_JSON;
	if (!strcmp(s, "ocsf"))
		return FORMAT_OCSF;
	return -EINVAL;
}
