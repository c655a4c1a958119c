// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "proc.h"

int cgroup2_mount(char *buf, size_t len)
{
	struct mntent *m;
	FILE *f;
	int err = -ENOENT;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup2"))
			continue;
		if (strlen(m->mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

int cgroup_v1_mount(const char *controller, char *buf, size_t len)
{
	struct mntent *m;
	FILE *f;
	int err = -ENOENT;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "cgroup") || !hasmntopt(m, controller))
			continue;
		if (strlen(m->mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, m->mnt_dir);
		err = 0;
		break;
	}
	endmntent(f);
	return err;
}

bool cgroup_any_mounted(void)
{
	struct mntent *m;
	bool any = false;
	FILE *f;

	f = setmntent("/proc/mounts", "re");
	if (!f)
		return false;
	while (!any && (m = getmntent(f)))
		any = !strcmp(m->mnt_type, "cgroup") || !strcmp(m->mnt_type, "cgroup2");
	endmntent(f);
	return any;
}

/* The mount namespace leakwatch started in, once it left it, and its root
 * directory there: under chroot (a build chroot, a VM's initramfs) that is
 * not the namespace's root, and setns() would put COMMAND at the latter. */
static int original_mnt_ns = -1;
static int original_root = -1;

bool cgroup_private_mounted(void)
{
	return original_mnt_ns >= 0;
}

/* mkdir that accepts an existing directory, never a symlink or a file. */
static int make_dir(const char *path)
{
	struct stat st;

	if (!mkdir(path, 0700))
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Back into mount namespace ns with root as the root directory and the
 * same working directory: setns() puts the caller at the namespace's root,
 * which under chroot is not the caller's root. */
static int return_to_mount_ns(int ns, int root)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	if (setns(ns, CLONE_NEWNS) || fchdir(root) || chroot("."))
		return -errno;
	if (cwd[0] && chdir(cwd))
		return -errno;
	return 0;
}

static int mount_private(char *buf, size_t len)
{
	int ns, root, back, err;

	if (len <= strlen(CGROUP_PRIVATE_DIR))
		return -ENAMETOOLONG;
	ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return -errno;
	/* Opened before unshare: a directory of the caller's namespace. */
	root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		err = -errno;
		goto out_close;
	}
	err = make_dir("/run/leakwatch") ?: make_dir(CGROUP_PRIVATE_DIR);
	if (err)
		goto out_close_root;
	if (unshare(CLONE_NEWNS)) {
		err = -errno;
		goto out_close_root;
	}
	/* A slave: the host's later mounts still reach us, ours never leave. */
	if (mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) ||
	    mount("cgroup2", CGROUP_PRIVATE_DIR, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		err = -errno;
		goto out_setns;
	}
	strcpy(buf, CGROUP_PRIVATE_DIR);
	original_mnt_ns = ns;
	original_root = root;
	return 0;
out_setns:
	/* Not back where we started is the worse failure: say that one. */
	back = return_to_mount_ns(ns, root);
	if (back)
		err = back;
out_close_root:
	close(root);
out_close:
	close(ns);
	return err;
}

int cgroup2_mount_or_private(char *buf, size_t len, const char *who)
{
	int err = cgroup2_mount(buf, len);

	if (err != -ENOENT) {
		if (err)
			fprintf(stderr, "%s: cannot find the cgroup v2 mount in /proc/mounts: %s\n",
				who, strerror(-err));
		return err;
	}
	err = mount_private(buf, len);
	if (!err)
		return 0;
	/* Never suggest mounting over /sys/fs/cgroup where v1 hierarchies
	 * are mounted: it would hide every one of them. */
	if (cgroup_any_mounted())
		fprintf(stderr,
			"%s: no cgroup v2 hierarchy is mounted (only v1 ones, see /proc/mounts) "
			"and mounting one for leakwatch failed: %s\n",
			who, strerror(-err));
	else
		fprintf(stderr,
			"%s: no cgroup hierarchy is mounted and mounting one for leakwatch "
			"failed: %s (mount it: mount -t cgroup2 cgroup2 /sys/fs/cgroup)\n",
			who, strerror(-err));
	return err;
}

int cgroup_restore_mount_ns_in_child(void)
{
	int err;

	if (original_mnt_ns < 0)
		return 0;
	err = return_to_mount_ns(original_mnt_ns, original_root);
	if (err)
		return err;
	close(original_mnt_ns);
	close(original_root);
	original_mnt_ns = original_root = -1;
	return 0;
}

/* The "root" field of mountpoint's line in /proc/self/mountinfo: the
 * path of the mount's root within its file system. */
static int mount_root(const char *mountpoint, char *buf, size_t len)
{
	char line[PATH_MAX * 2 + 256], root[PATH_MAX], mp[PATH_MAX];
	int err = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* id parent major:minor root mountpoint ... (octal escapes
		 * for spaces: a path with one simply does not match) */
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    strcmp(mp, mountpoint) || !strstr(line, " - cgroup2 "))
			continue;
		snprintf(buf, len, "%s", root);
		err = 0;
	}
	fclose(f);
	return err;
}

int cgroup_scope(const char *mount, char *what, size_t len)
{
	char root[PATH_MAX];
	struct stat st;

	if (stat(mount, &st))
		return -errno;
	if (st.st_ino == 1)
		return 0;
	if (!mount_root(mount, root, sizeof(root)) && strcmp(root, "/"))
		snprintf(what, len,
			 "only processes under cgroup %s are watched: the cgroup v2 mount at %s "
			 "is that part of the hierarchy, not its root",
			 root, mount);
	else
		snprintf(what, len,
			 "only processes under cgroup id %llu are watched: the cgroup v2 mount at "
			 "%s is the root of a private cgroup namespace, not the host's root cgroup",
			 (unsigned long long)st.st_ino, mount);
	return 1;
}

void cgroup_print_scope(const char *mount, const char *who)
{
	char what[PATH_MAX + 256];

	if (cgroup_scope(mount, what, sizeof(what)) == 1)
		fprintf(stderr, "%s: %s\n", who, what);
}

int cgroup_create_child(const char *mount, char *buf, size_t len)
{
	struct timespec ts;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(buf, len, "%s/leakwatch-run-%d-%lx", mount, (int)getpid(),
		     (unsigned long)ts.tv_nsec);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755))
		return -errno;
	return 0;
}

static int write_pid(const char *dir, pid_t pid)
{
	char path[PATH_MAX], num[32];
	int fd, n, err = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(num, sizeof(num), "%d", (int)pid);
	if (write(fd, num, n) != n)
		err = -errno;
	close(fd);
	return err;
}

int cgroup_enter(const char *path, pid_t pid)
{
	return write_pid(path, pid);
}

int cgroup_remove(const char *path)
{
	char procs[PATH_MAX], parent[PATH_MAX], *slash;
	int pid, tries;
	FILE *f;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	/* Leftover daemons of the command keep running, outside our cgroup. */
	for (tries = 0; tries < 10; tries++) {
		f = fopen(procs, "re");
		if (!f)
			break;
		while (fscanf(f, "%d", &pid) == 1)
			write_pid(parent, pid);
		fclose(f);
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		usleep(10000);
	}
	return rmdir(path) ? -errno : 0;
}

/* --- cgroup path → container / pod identity ------------------------------- */

static bool is_hex_lower(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/* A container id: exactly 64 lowercase hex digits. */
static bool is_container_id(const char *s, size_t len)
{
	return len == 64 && is_hex_lower(s, len);
}

/* Does the component [s, s+len) equal prefix + 64 hex + suffix? Then
 * return the id's start. */
static const char *match_id(const char *s, size_t len, const char *prefix, const char *suffix)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (len != pl + 64 + sl || strncmp(s, prefix, pl) || strncmp(s + pl + 64, suffix, sl))
		return NULL;
	return is_container_id(s + pl, 64) ? s + pl : NULL;
}

static bool comp_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !strncmp(s, word, len);
}

static bool comp_has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);

	return len >= sl && !strncmp(s + len - sl, suffix, sl);
}

/*
 * A pod uid as written in a cgroup path: a UUID (36 characters, dashes at
 * 8, 13, 18, 23; the systemd driver writes '_' for '-') or, for static
 * pods, a 32-hex hash. Writes the canonical form (dashes, lowercase) to out.
 */
static bool parse_pod_uid(const char *s, size_t len, char out[37])
{
	size_t i;
	char c;

	if (len == 32) {
		if (!is_hex_lower(s, len))
			return false;
		memcpy(out, s, len);
		out[len] = '\0';
		return true;
	}
	if (len != 36)
		return false;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-' && c != '_')
				return false;
			out[i] = '-';
		} else if (isxdigit((unsigned char)c)) {
			out[i] = (char)tolower((unsigned char)c);
		} else {
			return false;
		}
	}
	out[len] = '\0';
	return true;
}

static bool parse_qos(const char *s, size_t len, char out[16])
{
	static const char *const levels[] = { "burstable", "besteffort", "guaranteed" };
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (len == strlen(levels[i]) && !strncasecmp(s, levels[i], len)) {
			strcpy(out, levels[i]);
			return true;
		}
	}
	return false;
}

/*
 * A systemd slice of the kubelet's systemd driver, e.g.
 *   kubepods.slice, kubepods-burstable.slice,
 *   kubepods-burstable-pod<uid_with_underscores>.slice, kubepods-pod<uid>.slice
 * (kind and others prefix it: kubelet-kubepods-...). Returns whether the
 * component is a kubepods slice; fills qos / pod_uid when it names them.
 */
static bool parse_kube_slice(const char *s, size_t len, struct proc_info *info)
{
	const char *k, *tok, *end = s + len - strlen(".slice");
	char uid[37];
	size_t tl;

	if (!comp_has_suffix(s, len, ".slice"))
		return false;
	/* "kubepods" must be a whole dash-separated token */
	for (k = s; k + 8 <= end; k++) {
		if (strncmp(k, "kubepods", 8))
			continue;
		if ((k == s || k[-1] == '-') && (k + 8 == end || k[8] == '-'))
			break;
	}
	if (k + 8 > end)
		return false;
	tok = k + 8;
	while (tok < end) {
		tok++; /* the '-' */
		tl = 0;
		while (tok + tl < end && tok[tl] != '-')
			tl++;
		if (tl > 3 && !strncmp(tok, "pod", 3)) {
			if (parse_pod_uid(tok + 3, tl - 3, uid))
				strcpy(info->pod_uid, uid);
		} else {
			parse_qos(tok, tl, info->qos);
		}
		tok += tl;
	}
	return true;
}

/* systemd unit name unescaping ("\x2d" → '-'), for a machine name. */
static bool unescape_unit(const char *s, size_t len, char *out, size_t size)
{
	size_t i, o = 0;
	unsigned int v;
	char hex[3];

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    isxdigit((unsigned char)s[i + 2]) && isxdigit((unsigned char)s[i + 3])) {
			hex[0] = s[i + 2];
			hex[1] = s[i + 3];
			hex[2] = '\0';
			v = (unsigned int)strtoul(hex, NULL, 16);
			c = (char)v;
			i += 3;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f || c == '/')
			return false;
		if (o + 1 >= size)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0;
}

void cgroup_parse_identity(const char *path, struct proc_info *info)
{
	bool in_kube = false, under_docker = false, kube_qos_next = false;
	const char *comp, *end, *id;
	char name[65], uid[37];
	size_t len;

	info->container_id[0] = '\0';
	info->runtime[0] = '\0';
	info->pod_uid[0] = '\0';
	info->qos[0] = '\0';
	if (!path)
		return;

	for (comp = path; *comp; comp = *end ? end + 1 : end) {
		end = strchr(comp, '/');
		if (!end)
			end = comp + strlen(comp);
		len = (size_t)(end - comp);
		if (len == 0)
			continue;

		/* Kubernetes, cgroupfs driver: /kubepods[/QOS]/pod<uid>/<id> */
		if (comp_eq(comp, len, "kubepods")) {
			in_kube = true;
			kube_qos_next = true;
			continue;
		}
		if (in_kube && kube_qos_next) {
			kube_qos_next = false;
			if (parse_qos(comp, len, info->qos))
				continue;
		}
		if (in_kube && len > 3 && !strncmp(comp, "pod", 3) &&
		    parse_pod_uid(comp + 3, len - 3, uid)) {
			strcpy(info->pod_uid, uid);
			continue;
		}
		/* Kubernetes, systemd driver */
		if (parse_kube_slice(comp, len, info)) {
			in_kube = true;
			continue;
		}
		if (comp_eq(comp, len, "docker")) {
			under_docker = true;
			continue;
		}

		if ((id = match_id(comp, len, "docker-", ".scope"))) {
			memcpy(info->container_id, id, 64);
			strcpy(info->runtime, "docker");
		} else if ((id = match_id(comp, len, "cri-containerd-", ".scope"))) {
			memcpy(info->container_id, id, 64);
			strcpy(info->runtime, "containerd");
		} else if ((id = match_id(comp, len, "crio-", ".scope")) ||
			   (id = match_id(comp, len, "crio-", ""))) {
			memcpy(info->container_id, id, 64);
			strcpy(info->runtime, "cri-o");
		} else if ((id = match_id(comp, len, "libpod-", ".scope")) ||
			   (id = match_id(comp, len, "libpod-", ""))) {
			memcpy(info->container_id, id, 64);
			strcpy(info->runtime, "podman");
		} else if (is_container_id(comp, len) && (under_docker || in_kube)) {
			memcpy(info->container_id, comp, 64);
			/* a bare id: /docker/<id> is docker's cgroupfs driver,
			 * /kubepods/.../pod<uid>/<id> a CRI runtime (containerd) */
			strcpy(info->runtime, under_docker ? "docker" : "containerd");
		} else if (len > strlen("systemd-nspawn@.service") &&
			   !strncmp(comp, "systemd-nspawn@", 15) &&
			   comp_has_suffix(comp, len, ".service")) {
			if (unescape_unit(comp + 15, len - 15 - 8, name, sizeof(name))) {
				strcpy(info->container_id, name);
				strcpy(info->runtime, "nspawn");
			}
		}
		info->container_id[64] = '\0';
	}

	/* A pod without a QoS level in its path is a guaranteed pod. */
	if (info->pod_uid[0] && !info->qos[0])
		strcpy(info->qos, "guaranteed");
	/* Pod fields only ever come from a kubepods hierarchy, and a QoS
	 * level alone (a kubepods slice, no pod) identifies nothing. */
	if (!in_kube || !info->pod_uid[0]) {
		info->pod_uid[0] = '\0';
		info->qos[0] = '\0';
	}
}
