/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel half's lifecycle around the BPF skeleton: probe what the
 * kernel offers, load, fill the policy tables, attach to a cgroup, read the
 * loss counters, detach. Every failure comes back as a negative errno with
 * one human-readable line in sensor->err.
 */
#ifndef __LW_SENSOR_H
#define __LW_SENSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "leakwatch.h"
#include "policy.h"

struct leakwatch_bpf;
struct bpf_link;
struct ring_buffer;
struct libc_probe;
struct tls_probe;

#define SENSOR_MAX_LINKS 24

struct sensor_opts {
	bool enforce;
	bool verbose;
	uint32_t ringbuf_bytes;	 /* 0: LW_RINGBUF_BYTES; a power of 2, >= page */
	const char *pin_dir;	 /* keep state maps pinned here (daemon), or NULL */
	const char *dns_capture; /* "auto" (or NULL), "fentry" or "skb" */
	const char *btf_path;	 /* kernel BTF file, or NULL: /sys/kernel/btf/vmlinux */
	/* What is watched: `daemon` everything under the cgroup it attaches
	 * to (watch_all); `run` the processes in the kernel's watched map,
	 * starting with the one it adds (sensor_watch_pid()). */
	bool watch_all;
	bool follow_engines;	 /* run: adopt what container engines' shims fork */
	uint64_t run_cgroup_id;	 /* run: kernfs id of its own cgroup */
	uint64_t attach_root_id; /* kernfs id of the cgroup attached to (1: root) */
	uint8_t payload;	 /* enum lw_payload_mode (--payload) */
};

struct sensor {
	struct leakwatch_bpf *skel;
	struct bpf_link *links[SENSOR_MAX_LINKS];
	int n_links;
	struct libc_probe *libc; /* the libc uprobes, or NULL */
	const char *dns_capture; /* the DNS backends in use: "fentry", "skb+libc"... */
	bool fentry;		 /* the fentry backend is loaded (else skb) */
	bool egress_pending;	 /* fentry + skb egress for connected UDP (--enforce) */
	const char *dns_why;	 /* why this backend: "auto: this kernel refuses ..." */
	char why_buf[160];
	bool watch_all;	       /* daemon: everything under the attach cgroup */
	uint8_t payload;       /* enum lw_payload_mode in force */
	bool tls_send_length;  /* tls: tied by sock_send_length (else time window) */
	struct tls_probe *tls; /* the TLS library probes, or NULL */
	char err[512];
	bool pins_reused; /* state maps came from an earlier daemon */
	int pin_fd;	  /* the pin directory's lock, or 0 */
};

/* Check the kernel can run us at all (BTF, cgroup v2 hooks, the helpers of
 * Linux 5.8). 0, or -errno with err set. Cheap: tiny probe programs only. */
int sensor_probe(struct sensor *s, const struct sensor_opts *opts);
/* Can the kernel load and attach an fentry program on udp_sendmsg? 0, or
 * -errno (EPERM on kernels that refuse trampolines). */
int sensor_probe_fentry(const char *btf_path);
/* Open and load the BPF object, with the DNS backend opts->dns_capture
 * names. "auto" runs sensor_probe_fentry(): when the kernel allows fentry
 * it tries fentry (with --enforce, the skb egress program too, for
 * connected UDP sockets' first datagram), then skb if that fails to load;
 * when it refuses, skb alone. dns_why says which and why. */
int sensor_load(struct sensor *s, const struct sensor_opts *opts);
/* (Re)fill the reserved-suffix and address-class maps from the policy and
 * set the follow-on window. Safe to call again on a loaded sensor. */
int sensor_apply_policy(struct sensor *s, const struct policy *p);
/* Rebuild the kernel's hot-path filter from the taint and answer maps
 * (at load, for pinned state, and every minute or so: drops stale slots). */
void sensor_rebuild_filter(struct sensor *s);
#define SENSOR_FILTER_REBUILD_S 60
/* The two policy maps on their own (also used by the BPF tests). -errno. */
int sensor_fill_suffixes(int fd, const struct policy *p);
int sensor_fill_addr_class(int fd, const struct policy *p);
/* Probe C libraries that appeared since the last call (daemon, every few s). */
void sensor_rescan_libc(struct sensor *s);
/* Attach every program; the cgroup hooks to the cgroup v2 directory fd.
 * The libc uprobes go on every C library in use (their programs act only
 * for tasks under that cgroup), rescanned every few seconds from a
 * background thread for libraries of containers started later; failing
 * to set them up is a warning, not an error (the wire capture remains). */
int sensor_attach(struct sensor *s, int cgroup_fd);
/* run: watch pid (COMMAND, from its child before exec); forks of a watched
 * process are watched by the kernel. 0 or -errno. */
int sensor_watch_pid(const struct sensor *s, int pid);
/* The ring buffer's map fd. */
int sensor_events_fd(const struct sensor *s);
/* Sum the per-CPU counters into out[LW_STAT_MAX]. */
int sensor_read_stats(const struct sensor *s, uint64_t out[LW_STAT_MAX]);
/* Detach and unload; safe on a partly set-up sensor. */
void sensor_destroy(struct sensor *s);

const char *stat_name(unsigned int idx);

#endif /* __LW_SENSOR_H */
