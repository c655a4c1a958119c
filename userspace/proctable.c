// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The process table and its identity enrichment: /proc read at a
 * process's first event, the container's names from its engine's state,
 * and, for a process gone before /proc could be read (or not visible in
 * our pid namespace), the identity its cgroup ids in the event name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_cache.h"
#include "container_meta.h"
#include "proctable.h"

void proctable_init(struct proctable *pt, struct proctable_stats *stats, proctable_drop_fn drop)
{
	memset(pt, 0, sizeof(*pt));
	pt->stats = stats;
	pt->drop = drop;
}

static void watched_proc_free(struct proctable *pt, struct watched_proc *p)
{
	if (pt->drop)
		pt->drop(p);
	free(p->info.exe);
	free(p->info.cmdline);
	free(p->info.cgroup);
	free(p->info.container_name);
	free(p->info.container_image);
	free(p);
}

void proctable_fini(struct proctable *pt)
{
	struct watched_proc *p, *next;
	size_t i;

	for (i = 0; i < PROCTABLE_BUCKETS; i++) {
		for (p = pt->buckets[i]; p; p = next) {
			next = p->next;
			watched_proc_free(pt, p);
		}
		pt->buckets[i] = NULL;
	}
	pt->n_procs = 0;
	cgroup_cache_free(pt->cgcache);
	pt->cgcache = NULL;
	cmeta_free(pt->cmeta);
	pt->cmeta = NULL;
}

static void copy_comm(char *dst, const char *src)
{
	memcpy(dst, src, LW_COMM_LEN);
	dst[LW_COMM_LEN] = '\0';
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void copy_identity(struct proc_identity *ti, const struct proc_info *pi, const char *source)
{
	memcpy(ti->container_id, pi->container_id, sizeof(ti->container_id));
	memcpy(ti->runtime, pi->runtime, sizeof(ti->runtime));
	memcpy(ti->pod_uid, pi->pod_uid, sizeof(ti->pod_uid));
	memcpy(ti->qos, pi->qos, sizeof(ti->qos));
	snprintf(ti->cgroup_source, sizeof(ti->cgroup_source), "%s", source);
}

/* The engine's name and image of the container, read while it exists. */
static void container_names(struct proctable *pt, struct proc_identity *ti)
{
	const char *name = NULL, *image = NULL;

	if (!ti->container_id[0])
		return;
	if (!pt->cmeta)
		pt->cmeta = cmeta_new_system();
	if (!pt->cmeta || !cmeta_lookup(pt->cmeta, ti->runtime, ti->container_id, &name, &image))
		return;
	ti->container_name = name ? strdup(name) : NULL;
	ti->container_image = image ? strdup(image) : NULL;
}

/* The pid of the event's process in our pid namespace, 0 when it is not
 * visible there. Until the kernel fills ns_tgid (0), the kernel's pid is
 * ours only in the initial pid namespace: never read /proc/<host pid>
 * elsewhere, it may be another process. */
static uint32_t visible_pid(const struct lw_event_hdr *h)
{
	if (h->ns_tgid)
		return h->ns_tgid;
	return proc_pidns_initial() ? h->proc.tgid : 0;
}

/* A container's cgroup was just made: its engine's state exists now, and
 * may be gone (docker run --rm) by the time its process is first seen. */
static void container_names_early(struct proctable *pt, const struct lw_cgroup_event *e)
{
	const char *name, *image;

	cgroup_parse_identity(cgroup_cache_peek(pt->cgcache, e->kind, e->id), &pt->pinfo);
	if (!pt->pinfo.container_id[0])
		return;
	if (!pt->cmeta)
		pt->cmeta = cmeta_new_system();
	if (!pt->cmeta)
		return;
	/* the maker is the runtime (runc), its parent the engine's monitor
	 * (conmon: its command line names podman's storage root) */
	cmeta_hint_process(pt->cmeta, (pid_t)visible_pid(&e->hdr));
	if (e->hdr.ns_tgid == e->hdr.proc.tgid || (!e->hdr.ns_tgid && proc_pidns_initial()))
		cmeta_hint_process(pt->cmeta, (pid_t)e->hdr.ppid);
	cmeta_lookup(pt->cmeta, pt->pinfo.runtime, pt->pinfo.container_id, &name, &image);
}

int proctable_cgroup_event(struct proctable *pt, const struct lw_cgroup_event *e)
{
	if (!pt->cgcache)
		pt->cgcache = cgroup_cache_new_system();
	if (!pt->cgcache || cgroup_cache_event(pt->cgcache, e))
		return -EINVAL;
	container_names_early(pt, e);
	return 0;
}

/* Read /proc (as pid, the process's pid in our namespace) into the
 * table's scratch, keep a compact copy. */
static int info_read(struct proctable *pt, struct watched_proc *p, pid_t pid)
{
	struct proc_info *pi = &pt->pinfo;
	struct proc_identity *ti = &p->info;
	int err;

	err = proc_read(pid, p->start_ns, pi);
	if (err)
		return err;
	ti->uid = pi->uid;
	ti->ppid = pi->ppid;
	memcpy(ti->comm, pi->comm, sizeof(ti->comm));
	ti->exe = strdup(pi->exe);
	ti->cmdline = dup_bytes(pi->cmdline, pi->cmdline_len);
	ti->cmdline_len = ti->cmdline ? pi->cmdline_len : 0;
	ti->cgroup = strdup(pi->cgroup);
	copy_identity(ti, pi, pi->cgroup_source);
	if (!ti->exe || !ti->cgroup)
		pt->stats->oom++;
	return 0;
}

/* A cgroup id of the header resolved to its path; true when it names a
 * container or pod (pi then holds the identity). */
static bool kernel_path(struct proctable *pt, int kind, uint64_t id, const char **path)
{
	struct proc_info *pi = &pt->pinfo;

	*path = id ? cgroup_cache_path(pt->cgcache, kind, id) : NULL;
	cgroup_parse_identity(*path, pi);
	return proc_has_identity(pi);
}

/*
 * The process was gone before /proc could be read (or is not visible in
 * our pid namespace): its identity from the cgroup ids the kernel put in
 * the event, the v2 one first, then the v1 memory hierarchy's. Counted
 * when neither names a cgroup we know; never guessed.
 */
static void info_from_kernel(struct proctable *pt, struct watched_proc *p,
			     const struct lw_event_hdr *h)
{
	struct proc_identity *ti = &p->info;
	const char *v2 = NULL, *v1 = NULL;
	bool found;

	if (!h->cgroup_id && !h->cgroup_v1_id)
		return;
	if (!pt->cgcache)
		pt->cgcache = cgroup_cache_new_system();
	if (!pt->cgcache) {
		pt->stats->oom++;
		return;
	}
	found = kernel_path(pt, LW_CG_V2, h->cgroup_id, &v2) ||
		kernel_path(pt, LW_CG_V1_MEMORY, h->cgroup_v1_id, &v1);
	if (!v2 && !v1) {
		pt->stats->cgroup_unresolved++;
		return;
	}
	ti->cgroup = v2 ? strdup(v2) : NULL;
	if (!found)
		cgroup_parse_identity(NULL, &pt->pinfo);
	copy_identity(ti, &pt->pinfo, "kernel");
	container_names(pt, ti);
}

struct watched_proc *proctable_get(struct proctable *pt, const struct lw_event_hdr *h)
{
	struct watched_proc **head = &pt->buckets[h->proc.tgid % PROCTABLE_BUCKETS], *p;

	for (p = *head; p; p = p->next)
		if (p->tgid == h->proc.tgid && p->start_ns == h->proc.start_ns)
			return p;
	if (pt->n_procs >= PROCTABLE_MAX_PROCS) {
		pt->stats->table_full++;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		pt->stats->oom++;
		return NULL;
	}
	pt->n_procs++;
	p->tgid = h->proc.tgid;
	p->start_ns = h->proc.start_ns;
	p->ns_pid = visible_pid(h);
	p->outside_pidns = !p->ns_pid;
	p->ppid = h->ppid;
	p->uid = h->uid;
	copy_comm(p->comm, h->comm);
	p->info_read = p->ns_pid && info_read(pt, p, (pid_t)p->ns_pid) == 0;
	if (p->info_read)
		container_names(pt, &p->info);
	else
		info_from_kernel(pt, p, h);
	/* In another pid namespace the kernel's ppid is not ours: take
	 * /proc's, or none rather than another process's. */
	if (p->ns_pid != p->tgid)
		p->ppid = p->info_read ? (uint32_t)p->info.ppid : 0;
	else if (p->info_read && !p->ppid)
		p->ppid = p->info.ppid;
	p->next = *head;
	*head = p;
	return p;
}

struct watched_proc *proctable_find(struct proctable *pt, uint32_t tgid, uint64_t start_ns)
{
	struct watched_proc *p;

	for (p = pt->buckets[tgid % PROCTABLE_BUCKETS]; p; p = p->next)
		if (p->tgid == tgid && p->start_ns == start_ns)
			return p;
	return NULL;
}

struct watched_proc *proctable_next_exited(struct proctable *pt)
{
	struct watched_proc *p;
	size_t i;

	for (i = 0; i < PROCTABLE_BUCKETS; i++)
		for (p = pt->buckets[i]; p; p = p->next)
			if (p->exited)
				return p;
	return NULL;
}

struct watched_proc *proctable_first(struct proctable *pt)
{
	size_t i;

	for (i = 0; i < PROCTABLE_BUCKETS; i++)
		if (pt->buckets[i])
			return pt->buckets[i];
	return NULL;
}

struct watched_proc *proctable_next(struct proctable *pt, struct watched_proc *p)
{
	size_t i;

	if (p->next)
		return p->next;
	for (i = p->tgid % PROCTABLE_BUCKETS + 1; i < PROCTABLE_BUCKETS; i++)
		if (pt->buckets[i])
			return pt->buckets[i];
	return NULL;
}

void proctable_release(struct proctable *pt, struct watched_proc *p)
{
	struct watched_proc **pp;

	for (pp = &pt->buckets[p->tgid % PROCTABLE_BUCKETS]; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			watched_proc_free(pt, p);
			pt->n_procs--;
			return;
		}
	}
}

size_t proctable_sweep(struct proctable *pt)
{
	struct watched_proc *p;
	size_t i, n = 0;

	for (i = 0; i < PROCTABLE_BUCKETS; i++) {
		for (p = pt->buckets[i]; p; p = p->next) {
			/* (one not visible in our pid namespace ends with its
			 * exit event only: /proc cannot tell) */
			if (p->exited || !p->ns_pid ||
			    proc_same_start(proc_start_ns((pid_t)p->ns_pid), p->start_ns))
				continue;
			p->exited = true;
			p->exit_code = -1;
			n++;
		}
	}
	return n;
}
