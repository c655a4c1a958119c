// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attaching the libc uprobes (bpf/libc.bpf.c) to every C library in use.
 *
 * Where the libraries come from: the well-known paths of this host (glibc's
 * libc.so.6 as leakwatch itself maps it, musl's /lib/ld-musl-*.so.1, which a
 * dynamically linked musl program maps only once it runs), then the maps of
 * every process, each library opened through /proc/PID/map_files so that a
 * container's libc is its own file. Files are told apart by (st_dev, st_ino): a uprobe sits on
 * an inode, whatever the path it was attached by. Processes are scanned
 * once (a bitmap of pids seen); a rescan looks only at new ones.
 *
 * Symbols are looked up here with libelf before libbpf is asked to attach,
 * so a stripped library gives one clear line instead of libbpf's warnings.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "leakwatch.h"
#include "leakwatch.skel.h"
#include "libc_probe.h"
#include "libscan.h"

#define PID_BITMAP_MAX (1u << 22) /* PID_MAX_LIMIT on 64-bit */

/* The resolver functions and their entry programs; every one also gets the
 * shared return program. */
struct libc_func {
	const char *name;
	size_t prog_off; /* offset of the program pointer in skel->progs */
};

#define PROG(p) offsetof(struct leakwatch_bpf, progs.p)
static const struct libc_func funcs[] = {
	{ "getaddrinfo", PROG(lw_getaddrinfo) },
	{ "gethostbyname", PROG(lw_gethostbyname) },
	{ "gethostbyname2", PROG(lw_gethostbyname2) },
	{ "gethostbyname_r", PROG(lw_gethostbyname_r) },
	{ "gethostbyname2_r", PROG(lw_gethostbyname2_r) },
};
#define N_FUNCS (sizeof(funcs) / sizeof(funcs[0]))

/* The same functions by the code the kernel reports (lw_libc_event.func):
 * what names[].function says of a lookup seen in the C library. */
static const char *const libc_func_names[LW_LIBC_FUNC_MAX] = {
	[LW_LIBC_GETADDRINFO] = "getaddrinfo",
	[LW_LIBC_GETHOSTBYNAME] = "gethostbyname",
	[LW_LIBC_GETHOSTBYNAME2] = "gethostbyname2",
	[LW_LIBC_GETHOSTBYNAME_R] = "gethostbyname_r",
	[LW_LIBC_GETHOSTBYNAME2_R] = "gethostbyname2_r",
};

const char *libc_func_name(uint8_t func)
{
	return func < LW_LIBC_FUNC_MAX ? libc_func_names[func] : NULL;
}

struct libc_file {
	dev_t dev;
	ino_t ino;
};

struct libc_probe {
	struct leakwatch_bpf *skel;
	bool verbose;
	struct libc_file *files;
	size_t n_files, cap_files;
	size_t n_attached; /* files with probes */
	struct bpf_link **links;
	size_t n_links, cap_links;
	uint8_t *seen, *seen_next; /* pid bitmaps: scanned, present now */
};

static const char *const libc_globs[] = {
	"libc.so.6",
	"libc-2.*.so",
	"ld-musl-*.so.1",
	"libc.musl-*.so.1",
};

bool libc_probe_is_libc_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(libc_globs) / sizeof(libc_globs[0]); i++)
		if (!fnmatch(libc_globs[i], base, 0))
			return true;
	return false;
}

struct libc_probe *libc_probe_new(struct leakwatch_bpf *skel, bool verbose)
{
	struct libc_probe *lp = calloc(1, sizeof(*lp));

	if (!lp)
		return NULL;
	lp->skel = skel;
	lp->verbose = verbose;
	lp->seen = calloc(PID_BITMAP_MAX / 8, 1);
	lp->seen_next = calloc(PID_BITMAP_MAX / 8, 1);
	if (!lp->seen || !lp->seen_next) {
		free(lp->seen);
		free(lp->seen_next);
		free(lp);
		return NULL;
	}
	return lp;
}

/* Which of funcs[] the ELF file defines (.dynsym or .symtab). */
static int elf_find_funcs(const char *path, bool found[N_FUNCS])
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, n = 0;
	size_t i;

	memset(found, 0, N_FUNCS * sizeof(found[0]));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		close(fd);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t k, count;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_SYMTAB))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			continue;
		count = sh.sh_size / sh.sh_entsize;
		for (k = 0; k < count; k++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, k, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name)
				continue;
			for (i = 0; i < N_FUNCS; i++) {
				if (!found[i] && !strcmp(name, funcs[i].name)) {
					found[i] = true;
					n++;
				}
			}
		}
	}
	elf_end(elf);
	close(fd);
	return n;
}

static int push_link(struct libc_probe *lp, struct bpf_link *link)
{
	if (lp->n_links == lp->cap_links) {
		size_t ncap = lp->cap_links ? lp->cap_links * 2 : 32;
		/* an array of pointers: sizeof(*n) is a pointer's size */
		struct bpf_link **n =
			realloc(lp->links, ncap * sizeof(*n)); // NOLINT(bugprone-sizeof-expression)

		if (!n)
			return -ENOMEM;
		lp->links = n;
		lp->cap_links = ncap;
	}
	lp->links[lp->n_links++] = link;
	return 0;
}

static struct bpf_link *attach(struct bpf_program *prog, const char *path, const char *func,
			       bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = func, .retprobe = ret);

	return bpf_program__attach_uprobe_opts(prog, -1, path, 0, &opts);
}

/* One uprobe to attach; attach_all() runs each on its own thread. */
struct attach_job {
	struct bpf_program *prog;
	const char *path, *func;
	struct bpf_link *link;
	pthread_t thread;
	int err;
	bool ret;
	bool threaded;
};

static void *attach_job_run(void *arg)
{
	struct attach_job *j = arg;

	j->link = attach(j->prog, j->path, j->func, j->ret);
	j->err = j->link ? 0 : -errno;
	return NULL;
}

/*
 * Registering a uprobe takes the write side of the kernel's uprobe-vs-fork
 * lock, which waits for an RCU grace period: 200 ms each here, so the ten
 * probes of a glibc made start-up 2 s. Started together, the waits overlap.
 * The first runs alone so that libbpf's feature probes are cached before
 * the others read them. The threads end here: none outlives a privilege
 * drop.
 */
static void attach_all(struct attach_job *jobs, size_t n)
{
	size_t i;

	if (!n)
		return;
	attach_job_run(&jobs[0]);
	for (i = 1; i < n; i++)
		jobs[i].threaded = !pthread_create(&jobs[i].thread, NULL, attach_job_run, &jobs[i]);
	for (i = 1; i < n; i++) {
		if (jobs[i].threaded)
			pthread_join(jobs[i].thread, NULL);
		else
			attach_job_run(&jobs[i]);
	}
}

/* Attach to one library (path as this process can open it). Called with
 * the lock held, for a file not probed before. */
static int attach_file(struct libc_probe *lp, const char *path, const char *shown)
{
	struct attach_job jobs[2 * N_FUNCS];
	bool found[N_FUNCS];
	int n, attached = 0, err = 0;
	size_t i, n_jobs = 0;

	n = elf_find_funcs(path, found);
	if (n <= 0 || !found[0]) {
		fprintf(stderr,
			"leakwatch: %s has no getaddrinfo symbol (stripped?): lookups through "
			"it are seen on the wire only\n",
			shown);
		if (n <= 0)
			return 0;
	}
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < N_FUNCS; i++) {
		if (!found[i])
			continue;
		/* An entry probe, then the shared return probe. */
		jobs[n_jobs].prog = *(struct bpf_program **)((char *)lp->skel + funcs[i].prog_off);
		jobs[n_jobs].path = path;
		jobs[n_jobs++].func = funcs[i].name;
		jobs[n_jobs].prog = lp->skel->progs.lw_libc_return;
		jobs[n_jobs].path = path;
		jobs[n_jobs].func = funcs[i].name;
		jobs[n_jobs++].ret = true;
	}
	attach_all(jobs, n_jobs);
	for (i = 0; i < n_jobs; i += 2) {
		struct attach_job *entry = &jobs[i], *ret = &jobs[i + 1];

		if (!entry->link || !ret->link) {
			if (!err)
				err = entry->err ?: ret->err;
			bpf_link__destroy(entry->link);
			bpf_link__destroy(ret->link);
			continue;
		}
		if (push_link(lp, entry->link)) {
			bpf_link__destroy(entry->link);
			bpf_link__destroy(ret->link);
			return -ENOMEM;
		}
		if (push_link(lp, ret->link)) {
			bpf_link__destroy(ret->link);
			return -ENOMEM;
		}
		attached++;
	}
	if (!attached) {
		fprintf(stderr, "leakwatch: cannot attach the libc probes to %s: %s\n", shown,
			strerror(-err));
		return 0;
	}
	if (lp->verbose)
		fprintf(stderr, "leakwatch: libc probes on %s (%d functions)\n", shown, attached);
	return 1;
}

static bool file_known(struct libc_probe *lp, const struct stat *st)
{
	size_t i;

	for (i = 0; i < lp->n_files; i++)
		if (lp->files[i].dev == st->st_dev && lp->files[i].ino == st->st_ino)
			return true;
	return false;
}

/* Probe path unless its file already is; remembers the file either way
 * (a library without symbols is reported once). 1 when attached. */
static int consider(struct libc_probe *lp, const char *path, const char *shown)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || file_known(lp, &st))
		return 0;
	if (lp->n_files == lp->cap_files) {
		size_t ncap = lp->cap_files ? lp->cap_files * 2 : 8;
		struct libc_file *n = realloc(lp->files, ncap * sizeof(*n));

		if (!n)
			return 0;
		lp->files = n;
		lp->cap_files = ncap;
	}
	lp->files[lp->n_files].dev = st.st_dev;
	lp->files[lp->n_files].ino = st.st_ino;
	lp->n_files++;
	if (attach_file(lp, path, shown) <= 0)
		return 0;
	lp->n_attached++;
	return 1;
}

/* One C library in a process's maps (libscan_maps()): shown with its pid,
 * but leakwatch's own by name alone. */
static int found_in_maps(void *ctx, const char *path, const char *file, const char *pid)
{
	char shown[PATH_MAX + 160];

	snprintf(shown, sizeof(shown), "%.*s (pid %.20s)", PATH_MAX, file, pid);
	return consider(ctx, path, !strcmp(pid, "self") ? file : shown);
}

static int scan_maps(struct libc_probe *lp, const char *pid)
{
	return libscan_maps(pid, libc_probe_is_libc_name, found_in_maps, lp);
}

static bool bit_test(const uint8_t *bm, unsigned long pid)
{
	return bm[pid / 8] & (1u << (pid % 8));
}

static void bit_set(uint8_t *bm, unsigned long pid)
{
	bm[pid / 8] |= 1u << (pid % 8);
}

int libc_probe_scan(struct libc_probe *lp)
{
	static const char *const wellknown[] = {
		"/lib/ld-musl-*.so.1", "/usr/lib/ld-musl-*.so.1", "/lib/*-linux-gnu/libc.so.6",
		"/lib64/libc.so.6",    "/usr/lib64/libc.so.6",	  "/usr/lib/libc.so.6",
	};
	struct dirent *de;
	uint8_t *tmp;
	glob_t g;
	DIR *d;
	int added = 0;
	size_t i, k;

	added += scan_maps(lp, "self");
	for (i = 0; i < sizeof(wellknown) / sizeof(wellknown[0]); i++) {
		if (glob(wellknown[i], 0, NULL, &g))
			continue;
		for (k = 0; k < g.gl_pathc; k++)
			added += consider(lp, g.gl_pathv[k], g.gl_pathv[k]);
		globfree(&g);
	}
	d = opendir("/proc");
	if (d) {
		memset(lp->seen_next, 0, PID_BITMAP_MAX / 8);
		while ((de = readdir(d))) {
			char *end;
			unsigned long pid = strtoul(de->d_name, &end, 10);

			if (*end || !pid || pid >= PID_BITMAP_MAX)
				continue;
			bit_set(lp->seen_next, pid);
			if (!bit_test(lp->seen, pid))
				added += scan_maps(lp, de->d_name);
		}
		closedir(d);
		tmp = lp->seen;
		lp->seen = lp->seen_next;
		lp->seen_next = tmp;
	}
	return added;
}

size_t libc_probe_count(struct libc_probe *lp)
{
	return lp->n_attached;
}

void libc_probe_free(struct libc_probe *lp)
{
	size_t i;

	if (!lp)
		return;
	for (i = lp->n_links; i-- > 0;)
		bpf_link__destroy(lp->links[i]);
	free(lp->links);
	free(lp->files);
	free(lp->seen);
	free(lp->seen_next);
	free(lp);
}
