/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The process table: one record per watched process (tgid + start time),
 * made at its first event, when /proc is read (as early as possible: it
 * may exit soon), or its identity taken from the kernel's cgroup ids when
 * /proc cannot tell. The findings a record holds (names, destinations,
 * verdicts) are the verdict engine's (verdict.h), which frees them.
 */
#ifndef __LW_PROCTABLE_H
#define __LW_PROCTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leakwatch.h"
#include "proc.h"

/* Processes tracked at once: bounds memory (the kernel's taint map holds
 * 16384 by default; a few more for untainted direct-leak processes). */
#define PROCTABLE_MAX_PROCS 32768
#define PROCTABLE_BUCKETS 1024

/* The verdict engine's findings (verdict.h). */
struct lookup;
struct destination;
struct verdict;
struct resolved_addr;
struct payload_seen;

/* What /proc said of a process, kept compact (struct proc_info reserves
 * 12 KiB for the longest paths; most processes need a few hundred bytes). */
struct proc_identity {
	uint32_t uid;
	pid_t ppid;
	char comm[LW_COMM_LEN + 1];
	char *exe;
	char *cmdline; /* NUL-separated arguments */
	size_t cmdline_len;
	char *cgroup;
	char cgroup_source[PROC_SOURCE_MAX]; /* "v2", "v1:...", "kernel"; "" unknown */
	char container_id[65];
	char runtime[16];
	char pod_uid[37];
	char qos[16];
	char *container_name;  /* from the engine's state (heap), or NULL */
	char *container_image; /* the image as the user named it (heap), or NULL */
};

struct watched_proc {
	uint32_t tgid; /* as the kernel reports it (the initial pid namespace) */
	uint64_t start_ns;
	uint32_t ns_pid;    /* the pid in leakwatch's pid namespace; 0: not visible */
	bool outside_pidns; /* not visible there: /proc was not read */
	uint32_t ppid, uid;
	char comm[LW_COMM_LEN + 1];
	struct proc_identity info; /* from /proc, read at the first event */
	bool info_read;		   /* info came from /proc; else only the identity
				    * fields may be set, from the kernel's cgroup ids */
	struct lookup *names;
	size_t n_names, cap_names;
	struct destination *dests;
	size_t n_dests, cap_dests;
	struct verdict *verdicts;
	size_t n_verdicts, cap_verdicts;
	struct resolved_addr *resolved;
	size_t n_resolved, cap_resolved;
	struct payload_seen *payloads;
	size_t n_payloads, cap_payloads;
	char *window_name; /* the reserved name that opened the window (heap) */
	uint8_t window_family;
	uint64_t window_ns;  /* the last suspicious lookup of a name not allowed */
	bool allowed_window; /* an allowed name would have opened a window too */
	bool exited;
	int exit_code;
	struct watched_proc *next;
};

struct proctable_stats {
	uint64_t oom;		    /* records not kept for lack of memory */
	uint64_t table_full;	    /* events of processes over PROCTABLE_MAX_PROCS */
	uint64_t cgroup_unresolved; /* processes gone before /proc was read whose
				     * cgroup ids named no known cgroup */
};

/* Frees what the owner hung on a record (its findings), not the record. */
typedef void (*proctable_drop_fn)(struct watched_proc *p);

struct cgroup_cache;
struct cmeta;

struct proctable {
	struct watched_proc *buckets[PROCTABLE_BUCKETS];
	size_t n_procs;
	struct proctable_stats *stats;
	proctable_drop_fn drop;
	struct proc_info pinfo;	      /* scratch for proc_read(): too big for the stack */
	struct cgroup_cache *cgcache; /* made at its first use */
	struct cmeta *cmeta;	      /* made at its first use */
};

void proctable_init(struct proctable *pt, struct proctable_stats *stats, proctable_drop_fn drop);
/* Every record (each dropped first) and the caches. */
void proctable_fini(struct proctable *pt);

/* The record of the process an event is about, made at its first event;
 * NULL when the table is full or memory is out (counted). */
struct watched_proc *proctable_get(struct proctable *pt, const struct lw_event_hdr *h);
struct watched_proc *proctable_find(struct proctable *pt, uint32_t tgid, uint64_t start_ns);

/* A cgroup was made (LW_EV_CGROUP_MKDIR): its path to the cache, and its
 * container's names read while they exist. 0, or -EINVAL when the cache
 * refused the event. */
int proctable_cgroup_event(struct proctable *pt, const struct lw_cgroup_event *e);

/* Processes that ended, oldest first; the caller reports each then calls
 * proctable_release(). */
struct watched_proc *proctable_next_exited(struct proctable *pt);
/* Every process still tracked, exited or not. */
struct watched_proc *proctable_first(struct proctable *pt);
struct watched_proc *proctable_next(struct proctable *pt, struct watched_proc *p);
void proctable_release(struct proctable *pt, struct watched_proc *p);
/* Processes that ended without an exit event (untainted ones have none,
 * or the event was lost): marked exited, so the next proctable_next_exited()
 * returns them. Returns how many. */
size_t proctable_sweep(struct proctable *pt);

/* The pid to show: in leakwatch's pid namespace when the process is
 * visible there, else the kernel's. */
static inline uint32_t watched_proc_pid(const struct watched_proc *p)
{
	return p->ns_pid ? p->ns_pid : p->tgid;
}

#endif /* __LW_PROCTABLE_H */
