// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --payload tls: the uprobe bpf/tls.bpf.c's lw_tls_write on every TLS
 * library in use: OpenSSL's SSL_write and SSL_write_ex (libssl.so.*),
 * GnuTLS's gnutls_record_send2, or gnutls_record_send where there is no
 * send2 (gnutls_record_send jumps to send2: probing both would count a
 * write twice). Found as the libc probes find C libraries: the well-known
 * paths, then every process's maps, each file opened through
 * /proc/PID/map_files (a container's libssl is its own file), told apart
 * by device and inode. Unlike the libc probes, a rescan reads every
 * process's maps again; only a library not yet attached is attached.
 */
#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <dirent.h>
#include <fcntl.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "leakwatch.h"
#include "leakwatch.skel.h"
#include "libscan.h"
#include "tls_probe.h"

#define TLS_MAX_FILES 256
#define TLS_MAX_LINKS 512

static const char *const tls_globs[] = { "libssl.so*", "libgnutls.so*" };
static const char *const tls_funcs[] = { "SSL_write", "SSL_write_ex", "gnutls_record_send2",
					 "gnutls_record_send" };
#define N_TLS_FUNCS (sizeof(tls_funcs) / sizeof(tls_funcs[0]))

struct tls_probe {
	struct leakwatch_bpf *skel;
	bool verbose;
	dev_t dev[TLS_MAX_FILES];
	ino_t ino[TLS_MAX_FILES];
	size_t n_files, n_attached, n_links;
	struct bpf_link *links[TLS_MAX_LINKS];
	char libs[512]; /* the libraries probed, for the start line */
};

static bool is_tls_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(tls_globs) / sizeof(tls_globs[0]); i++)
		if (!fnmatch(tls_globs[i], base, 0))
			return true;
	return false;
}

/* Which of tls_funcs[] the file defines. */
static int elf_funcs(const char *path, bool found[N_TLS_FUNCS])
{
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd, n = 0;

	memset(found, 0, N_TLS_FUNCS * sizeof(found[0]));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t k, i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		for (k = 0; data && k < sh.sh_size / sh.sh_entsize; k++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, k, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			for (i = 0; name && i < N_TLS_FUNCS; i++)
				if (!found[i] && !strcmp(name, tls_funcs[i]) && ++n)
					found[i] = true;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return n;
}

static int attach_file(struct tls_probe *tp, const char *path, const char *shown)
{
	bool found[N_TLS_FUNCS];
	int attached = 0;
	size_t i;

	if (elf_funcs(path, found) <= 0)
		return 0;
	found[3] = found[3] && !found[2]; /* gnutls_record_send only without send2 */
	for (i = 0; i < N_TLS_FUNCS && tp->n_links < TLS_MAX_LINKS; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = tls_funcs[i]);
		struct bpf_link *l;

		if (!found[i])
			continue;
		l = bpf_program__attach_uprobe_opts(tp->skel->progs.lw_tls_write, -1, path, 0,
						    &opts);
		if (!l) {
			fprintf(stderr, "leakwatch: cannot probe %s in %s: %s\n", tls_funcs[i],
				shown, strerror(errno));
			continue;
		}
		tp->links[tp->n_links++] = l;
		attached++;
	}
	if (attached && strlen(tp->libs) + strlen(shown) + 3 < sizeof(tp->libs))
		snprintf(tp->libs + strlen(tp->libs), sizeof(tp->libs) - strlen(tp->libs), "%s%s",
			 tp->libs[0] ? ", " : "", shown);
	if (attached && tp->verbose)
		fprintf(stderr, "leakwatch: TLS probes on %s (%d functions)\n", shown, attached);
	return attached > 0;
}

static void consider(struct tls_probe *tp, const char *path, const char *shown)
{
	struct stat st;
	size_t i;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || tp->n_files >= TLS_MAX_FILES)
		return;
	for (i = 0; i < tp->n_files; i++)
		if (tp->dev[i] == st.st_dev && tp->ino[i] == st.st_ino)
			return;
	tp->dev[tp->n_files] = st.st_dev;
	tp->ino[tp->n_files++] = st.st_ino;
	tp->n_attached += attach_file(tp, path, shown);
}

static int found_in_maps(void *ctx, const char *path, const char *file, const char *pid)
{
	char shown[PATH_MAX + 160];

	(void)pid;
	snprintf(shown, sizeof(shown), "%.*s", PATH_MAX, file);
	consider(ctx, path, shown);
	return 0;
}

/* The TLS libraries in /proc/PID/maps, through map_files. */
static void scan_maps(struct tls_probe *tp, const char *pid)
{
	libscan_maps(pid, is_tls_name, found_in_maps, tp);
}

struct tls_probe *tls_probe_new(struct leakwatch_bpf *skel, bool verbose)
{
	struct tls_probe *tp = calloc(1, sizeof(*tp));

	if (tp) {
		tp->skel = skel;
		tp->verbose = verbose;
	}
	return tp;
}

void tls_probe_scan(struct tls_probe *tp)
{
	static const char *const wellknown[] = {
		"/lib/*-linux-gnu/libssl.so*",	  "/usr/lib/*-linux-gnu/libssl.so*",
		"/lib/*-linux-gnu/libgnutls.so*", "/usr/lib/*-linux-gnu/libgnutls.so*",
		"/usr/lib64/libssl.so*",	  "/usr/lib64/libgnutls.so*",
	};
	struct dirent *de;
	glob_t g;
	size_t i, k;
	DIR *d;

	for (i = 0; i < sizeof(wellknown) / sizeof(wellknown[0]); i++) {
		if (glob(wellknown[i], 0, NULL, &g))
			continue;
		for (k = 0; k < g.gl_pathc; k++)
			consider(tp, g.gl_pathv[k], g.gl_pathv[k]);
		globfree(&g);
	}
	d = opendir("/proc");
	while (d && (de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			scan_maps(tp, de->d_name);
	if (d)
		closedir(d);
}

size_t tls_probe_count(const struct tls_probe *tp)
{
	return tp ? tp->n_attached : 0;
}

const char *tls_probe_libraries(const struct tls_probe *tp)
{
	return tp && tp->libs[0] ? tp->libs : "none";
}

void tls_probe_free(struct tls_probe *tp)
{
	size_t i;

	if (!tp)
		return;
	for (i = tp->n_links; i-- > 0;)
		bpf_link__destroy(tp->links[i]);
	free(tp);
}
