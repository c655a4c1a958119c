// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process details from /proc, and the container / pod identity a cgroup
 * path encodes.
 *
 * Every read may race with the process exiting (and its pid being reused):
 * a missing file is "gone", never an error worth crashing for, and the
 * start time is read again at the end so that fields of two different
 * processes are never mixed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc.h"

#define NSEC_PER_SEC 1000000000ULL
#define PROC_PID_INIT_INO 0xEFFFFFFCU /* include/linux/proc_ns.h */

static uint64_t tick_ns(void)
{
	static uint64_t cached;
	long hz;

	if (!cached) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
		cached = NSEC_PER_SEC / (uint64_t)hz;
	}
	return cached;
}

/* Read a whole (small) /proc file into buf, NUL-terminated. Returns the
 * number of bytes read, or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < size - 1) {
		n = read(fd, buf + off, size - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			buf[off] = '\0';
			return n;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
}

/*
 * Parse /proc/PID/stat. comm may hold spaces and ')' itself, so the fields
 * after it are found from the *last* ')'. Field numbers as in proc(5):
 * 1 pid, 2 (comm), 3 state, 4 ppid, ... 22 starttime.
 */
struct stat_fields {
	char comm[16 + 1];
	char state;
	pid_t ppid;
	unsigned int flags; /* the task's PF_* flags */
	uint64_t start_ticks;
};

/* include/linux/sched.h: set at the start of do_exit(), before the task
 * drops its mm (exe and cmdline read empty from then on) and long before
 * it is a zombie. */
#define PF_EXITING 0x00000004u

static int read_stat(pid_t pid, struct stat_fields *st)
{
	char path[64], buf[1024];
	char *open_paren, *close_paren, *p, *end;
	unsigned long long v;
	size_t len;
	ssize_t n;
	int field;

	/* Zeros on every failure too: the callers' `read_stat() ||
	 * stat_gone()` may be compiled to read the fields either way. */
	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_file(path, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 ? (int)n : -ESRCH;

	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	len = (size_t)(close_paren - open_paren - 1);
	if (len > sizeof(st->comm) - 1)
		len = sizeof(st->comm) - 1;
	memcpy(st->comm, open_paren + 1, len);
	st->comm[len] = '\0';

	p = close_paren + 1;
	for (field = 3; field <= 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EINVAL;
		if (field == 3) {
			st->state = *p;
			p++;
		} else {
			errno = 0;
			v = strtoull(p, &end, 10);
			if (end == p || errno)
				return -EINVAL;
			if (field == 4)
				st->ppid = (pid_t)v;
			else if (field == 9)
				st->flags = (unsigned int)v;
			else if (field == 22)
				st->start_ticks = v;
			p = end;
		}
		/* skip the rest of the field (negative numbers, odd text) */
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

static bool stat_gone(const struct stat_fields *st)
{
	/* a zombie (Z) or dead (X) task has exited: its exe, cmdline and
	 * cgroup are no longer its own; an exiting one (PF_EXITING) is on its
	 * way there and may already read with no exe and no cmdline (seen
	 * under load: a report with exe null and "exited_before_read": false) */
	return st->state == 'Z' || st->state == 'X' || st->state == 'x' || (st->flags & PF_EXITING);
}

uint64_t proc_start_ns(pid_t pid)
{
	struct stat_fields st;

	if (pid <= 0 || read_stat(pid, &st) || stat_gone(&st))
		return 0;
	return st.start_ticks * tick_ns();
}

bool proc_same_start(uint64_t proc_ns, uint64_t kernel_ns)
{
	uint64_t tick = tick_ns();

	if (!proc_ns || !kernel_ns)
		return false;
	/* /proc truncates the kernel's ns to ticks, so kernel_ns lies in
	 * [proc_ns, proc_ns + tick); allow one tick either way for a kernel
	 * value taken from a clock that rounds differently. */
	if (kernel_ns >= proc_ns)
		return kernel_ns - proc_ns < 2 * tick;
	return proc_ns - kernel_ns < tick;
}

static uint32_t read_uid(pid_t pid, bool *ok)
{
	char path[64], buf[4096] = { 0 }, *line, *end;
	unsigned long v;

	*ok = false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "Uid:", 4))
			continue;
		errno = 0;
		v = strtoul(line + 4, &end, 10); /* real uid: the first of four */
		if (end == line + 4 || errno)
			return 0;
		*ok = true;
		return (uint32_t)v;
	}
	return 0;
}

static void read_exe(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
}

static void read_cmdline(pid_t pid, struct proc_info *info)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_file(path, info->cmdline, sizeof(info->cmdline));
	if (n <= 0) {
		info->cmdline[0] = '\0';
		info->cmdline_len = 0;
		return;
	}
	/* read_file left a NUL after the data: count it when the last
	 * argument lacks its own (truncated, or a rewritten argv) */
	if (info->cmdline[n - 1] != '\0')
		n++;
	info->cmdline_len = (size_t)n;
}

/* /proc/PID/cgroup, whole: a v1 host has a line per hierarchy. */
static void read_cgroup(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_file(path, buf, size) <= 0)
		buf[0] = '\0';
}

bool proc_pidns_initial(void)
{
	static int cached = -1;
	struct stat st;

	if (cached < 0)
		cached = !stat("/proc/self/ns/pid", &st) && st.st_ino == PROC_PID_INIT_INO;
	return cached;
}

static void clear_all_but_pid(struct proc_info *info, pid_t pid)
{
	memset(info, 0, sizeof(*info));
	info->pid = pid;
	info->gone = true;
}

int proc_read(pid_t pid, uint64_t start_ns, struct proc_info *info)
{
	static char cgroups[4 * PROC_PATH_MAX]; /* proc_read() is not reentrant anyway */
	struct stat_fields st, again;
	bool uid_ok;

	memset(info, 0, sizeof(*info));
	info->pid = pid;
	if (pid <= 0 || read_stat(pid, &st) || stat_gone(&st))
		goto gone;
	if (start_ns && !proc_same_start(st.start_ticks * tick_ns(), start_ns))
		goto gone;

	info->ppid = st.ppid;
	memcpy(info->comm, st.comm, sizeof(info->comm));
	info->uid = read_uid(pid, &uid_ok);
	read_exe(pid, info->exe, sizeof(info->exe));
	read_cmdline(pid, info);
	read_cgroup(pid, cgroups, sizeof(cgroups));

	/* Still the same, living process? Otherwise some of the above may
	 * belong to a successor that got the pid, or be empty. */
	if (!uid_ok || read_stat(pid, &again) || stat_gone(&again) ||
	    again.start_ticks != st.start_ticks)
		goto gone;

	proc_parse_cgroup(cgroups, info);
	return 0;
gone:
	clear_all_but_pid(info, pid);
	return -ESRCH;
}

/* --- /proc/PID/cgroup: which line names the identity ------------------------ */

/* One line "hierarchy-ID:controller-list:path". */
struct cg_line {
	const char *ctrl, *path;
	size_t ctrl_len, path_len;
	bool v2; /* "0::path" */
};

static bool parse_cg_line(const char *line, size_t len, struct cg_line *l)
{
	const char *c1 = memchr(line, ':', len), *c2;

	if (!c1 || c1 == line)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line));
	if (!c2)
		return false;
	l->ctrl = c1 + 1;
	l->ctrl_len = (size_t)(c2 - l->ctrl);
	l->path = c2 + 1;
	l->path_len = len - (size_t)(l->path - line);
	l->v2 = c1 - line == 1 && line[0] == '0' && l->ctrl_len == 0;
	return true;
}

/* Is word one of the comma-separated controllers (or "name=...")? */
static bool ctrl_has(const struct cg_line *l, const char *word)
{
	size_t wl = strlen(word), i = 0, n;

	while (i < l->ctrl_len) {
		n = 0;
		while (i + n < l->ctrl_len && l->ctrl[i + n] != ',')
			n++;
		if (n == wl && !strncmp(l->ctrl + i, word, wl))
			return true;
		i += n + 1;
	}
	return false;
}

static void copy_path(const struct cg_line *l, char *out, size_t size)
{
	size_t n = l->path_len < size - 1 ? l->path_len : size - 1;

	memcpy(out, l->path, n);
	out[n] = '\0';
}

bool proc_has_identity(const struct proc_info *info)
{
	return info->container_id[0] || info->pod_uid[0];
}

static void set_source(struct proc_info *info, const struct cg_line *l)
{
	if (l->v2)
		snprintf(info->cgroup_source, sizeof(info->cgroup_source), "v2");
	else
		snprintf(info->cgroup_source, sizeof(info->cgroup_source), "v1:%.*s",
			 (int)l->ctrl_len, l->ctrl);
}

/* Parse the identity of line l; true when it names one. */
static bool try_line(const struct cg_line *l, struct proc_info *info)
{
	static char path[PROC_PATH_MAX];

	copy_path(l, path, sizeof(path));
	cgroup_parse_identity(path, info);
	if (!proc_has_identity(info))
		return false;
	set_source(info, l);
	return true;
}

#define CG_LINES_MAX 32

void proc_parse_cgroup(const char *text, struct proc_info *info)
{
	struct cg_line lines[CG_LINES_MAX], *v2 = NULL, *best = NULL;
	const char *line, *nl;
	size_t n = 0, i, len;
	int pass;

	info->cgroup[0] = '\0';
	info->cgroup_source[0] = '\0';
	cgroup_parse_identity(NULL, info);
	for (line = text; line && *line && n < CG_LINES_MAX; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (!parse_cg_line(line, len, &lines[n]))
			continue;
		if (lines[n].v2 && !v2)
			v2 = &lines[n];
		n++;
	}
	if (v2) {
		copy_path(v2, info->cgroup, sizeof(info->cgroup));
		if (try_line(v2, info))
			return;
	}
	/* v1: the systemd hierarchy, then memory (the one runtimes always
	 * join), then whatever other hierarchy names a container. */
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++) {
			struct cg_line *l = &lines[i];
			bool sd = ctrl_has(l, "name=systemd"), mem = ctrl_has(l, "memory");

			if (l->v2 || (pass == 0 && !sd) || (pass == 1 && (sd || !mem)) ||
			    (pass == 2 && (sd || mem)))
				continue;
			if (!best)
				best = l;
			if (try_line(l, info))
				return;
		}
	}
	/* No line names a container: say which line was read. */
	cgroup_parse_identity(NULL, info);
	if (v2 || best)
		set_source(info, v2 ? v2 : best);
}
