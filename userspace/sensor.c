// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Skeleton lifecycle, in the manner of libbpf-bootstrap: open, set rodata,
 * load, fill maps, attach; one cleanup path. The cgroup hooks attach with
 * bpf_link to one cgroup v2 directory (the root for `daemon`, a fresh child
 * for `run`); the exit tracepoint is global but only acts on processes the
 * cgroup hooks tainted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "addr.h"
#include "leakwatch.h"
#include "leakwatch.skel.h"
#include "libc_probe.h"
#include "tls_probe.h"
#include "pin.h"
#include "proc.h"
#include "sensor.h"

static bool verbose;

static const char *const stat_names[LW_STAT_MAX] = {
	[LW_STAT_RINGBUF_FULL] = "ringbuf_full",
	[LW_STAT_TAINT_FULL] = "taint_map_full",
	[LW_STAT_ANSWER_FULL] = "answer_set_full",
	[LW_STAT_PENDING_FULL] = "pending_map_full",
	[LW_STAT_SKSTORAGE_FAIL] = "sk_storage_failed",
	[LW_STAT_DNS_TRUNCATED] = "dns_truncated",
	[LW_STAT_DNS_MALFORMED] = "dns_kernel_gave_up",
	[LW_STAT_DNS_UNSOLICITED] = "dns_unsolicited",
	[LW_STAT_DNS_QUERIES] = "dns_reserved_queries",
	[LW_STAT_DNS_RESPONSES] = "dns_reserved_responses",
	[LW_STAT_BLOCKED] = "blocked",
	[LW_STAT_LIBC_LOOKUPS] = "libc_reserved_lookups",
	[LW_STAT_WATCH_FULL] = "watched_map_full",
	[LW_STAT_PAYLOAD_SOCKETS] = "payload_sockets_scanned",
	[LW_STAT_PAYLOAD_TOKENS] = "payload_tokens",
};

const char *stat_name(unsigned int idx)
{
	return idx < LW_STAT_MAX ? stat_names[idx] : "unknown";
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* Without -v, failures surface as one line of ours (sensor->err):
	 * libbpf's warnings include whole verifier logs. */
	if (!verbose)
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, args);
}

static int fail(struct sensor *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return err;
}

/* The running kernel's release, for context in a refusal. */
static const char *kernel_release(void)
{
	static struct utsname u;

	return uname(&u) ? "?" : u.release;
}

/* Does the kernel give program type t helper h? Errors count as no. */
static bool has_helper(enum bpf_prog_type t, enum bpf_func_id h)
{
	return libbpf_probe_bpf_helper(t, h, NULL) == 1;
}

/*
 * The minimum kernel, by feature rather than by version number (distros
 * backport): Linux 5.8 for the BPF ring buffer, with BTF, cgroup sock_addr
 * hooks, cgroup_skb, and socket storage and socket cookies from both.
 */
int sensor_probe(struct sensor *s, const struct sensor_opts *opts)
{
	const char *btf = opts->btf_path ?: "/sys/kernel/btf/vmlinux";
	static const struct {
		enum bpf_prog_type type;
		enum bpf_func_id helper;
		const char *what;
	} helpers[] = {
		{ BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_sk_storage_get,
		  "bpf_sk_storage_get in cgroup sock_addr programs" },
		{ BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_get_socket_cookie,
		  "bpf_get_socket_cookie in cgroup sock_addr programs" },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_FUNC_sk_storage_get,
		  "bpf_sk_storage_get in cgroup_skb programs" },
		{ BPF_PROG_TYPE_CGROUP_SKB, BPF_FUNC_skb_load_bytes,
		  "bpf_skb_load_bytes in cgroup_skb programs" },
		{ BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_user, "bpf_probe_read_user" },
	};
	struct stat st;
	size_t i;

	verbose = opts->verbose;
	libbpf_set_print(libbpf_print);
	if (opts->btf_path) {
		struct btf *b;

		if (stat(btf, &st))
			return fail(s, -errno, "--btf %s: %s", btf, strerror(errno));
		b = btf__parse(btf, NULL);
		if (!b)
			return fail(s, -EINVAL, "--btf %s: not a BTF file", btf);
		btf__free(b);
	} else if (stat(btf, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		return fail(s, -ENOENT,
			    "kernel has no BTF (/sys/kernel/btf/vmlinux): "
			    "CONFIG_DEBUG_INFO_BTF=y is required, or give one with --btf FILE");
	}
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, NULL) <= 0)
		return fail(s, -EOPNOTSUPP,
			    "kernel cannot run cgroup sock_addr BPF "
			    "programs (CONFIG_CGROUP_BPF)");
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) <= 0)
		return fail(s, -EOPNOTSUPP,
			    "kernel %s has no BPF ring buffer: leakwatch needs Linux 5.8 or later",
			    kernel_release());
	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (!has_helper(helpers[i].type, helpers[i].helper))
			return fail(s, -EOPNOTSUPP,
				    "kernel %s lacks %s: leakwatch needs Linux 5.8 or later",
				    kernel_release(), helpers[i].what);
	return 0;
}

static int open_and_load(struct sensor *s, const struct sensor_opts *opts);
static int load_backend(struct sensor *s, const struct sensor_opts *opts);

/* Is the kernel locked down against reading its memory? (integrity mode,
 * as on this project's machines, still allows everything leakwatch does.) */
static bool lockdown_confidentiality(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[confidentiality]") != NULL;
}

int sensor_probe_fentry(const char *btf_path)
{
	struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0 }, /* r0 = 0 */
		{ .code = 0x95 },		/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, popts, .expected_attach_type = BPF_TRACE_FENTRY);
	struct btf *vmlinux = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	int id, fd, link, err = 0;

	if (!vmlinux)
		return -errno ?: -ENOENT;
	id = btf__find_by_name_kind(vmlinux, "udp_sendmsg", BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id < 0)
		return -ENOENT;
	popts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "lw_probe", "GPL", insns, 2, &popts);
	if (fd < 0)
		return -errno;
	link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link < 0)
		err = -errno;
	else
		close(link);
	close(fd);
	return err;
}

/*
 * Which backends to try, in order: 1 fentry, 0 skb. auto takes fentry
 * wherever the kernel allows fentry programs: it sees what skb sees (UDP
 * and TCP, IPv4 and IPv6, the first datagram of a connected UDP socket,
 * refused under --enforce by the skb egress program attached for that
 * alone) and only UDP sends and receives and DNS-over-TCP sockets pay for
 * it, where skb runs on every packet of every socket. skb elsewhere, and
 * as the fallback when fentry fails to load. s->dns_why says why.
 */
static int backend_order(struct sensor *s, const struct sensor_opts *opts, int order[2])
{
	const char *want = opts->dns_capture ?: "auto";
	int probe;

	order[0] = 0;
	order[1] = 1;
	if (!strcmp(want, "skb")) {
		s->dns_why = "asked for";
		return 1;
	}
	probe = sensor_probe_fentry(opts->btf_path);
	if (strcmp(want, "fentry")) {
		if (probe) {
			snprintf(s->why_buf, sizeof(s->why_buf),
				 "auto: this kernel refuses fentry programs: %s", strerror(-probe));
			s->dns_why = s->why_buf;
			return 1;
		}
		s->dns_why = "auto: this kernel allows fentry programs";
		order[0] = 1;
		order[1] = 0;
		return 2;
	}
	if (probe)
		return fail(s, probe,
			    "--dns-capture=fentry: this kernel refuses fentry programs: %s",
			    strerror(-probe));
	s->dns_why = "asked for";
	order[0] = 1;
	return 1;
}

/*
 * With a pin directory, state maps pinned by an earlier daemon are reused.
 * Pins that no longer fit (another version's layout) are removed and the
 * load tried once more with fresh maps: a crashed daemon's leftovers never
 * stop the next one.
 */
int sensor_load(struct sensor *s, const struct sensor_opts *opts)
{
	int order[2], n, i, err = 0, first_err = 0;
	char first_msg[sizeof(s->err)] = "";

	verbose = opts->verbose;
	libbpf_set_print(libbpf_print);
	n = backend_order(s, opts, order);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		s->fentry = order[i];
		s->dns_capture = s->fentry ? "fentry" : "skb";
		err = load_backend(s, opts);
		if (!err && s->egress_pending)
			s->dns_capture = "fentry+skb-egress";
		if (!err)
			break;
		if (!i && n > 1) {
			snprintf(s->why_buf, sizeof(s->why_buf), "auto: %s failed to load",
				 s->dns_capture);
			s->dns_why = s->why_buf;
		}
		if (!i) {
			first_err = err;
			snprintf(first_msg, sizeof(first_msg), "%s", s->err);
		}
		if (i + 1 < n) {
			fprintf(stderr,
				"leakwatch: DNS capture %s failed to load (%s): trying %s\n",
				s->dns_capture, s->err, order[i + 1] ? "fentry" : "skb");
			leakwatch_bpf__destroy(s->skel);
			s->skel = NULL;
		}
	}
	if (err && first_err) {
		snprintf(s->err, sizeof(s->err), "%s", first_msg);
		err = first_err;
	}
	/* Taint and answers an earlier daemon left: the new filter is empty. */
	if (!err && s->pins_reused)
		sensor_rebuild_filter(s);
	return err;
}

static int load_backend(struct sensor *s, const struct sensor_opts *opts)
{
	bool pins_found = false;
	int err;

	if (opts->pin_dir) {
		err = pin_prepare(opts->pin_dir, s->err, sizeof(s->err));
		if (err >= 0) {
			s->pin_fd = err;
			err = 0;
		}
		if (err)
			return err;
	}
	err = open_and_load(s, opts);
	if (err && opts->pin_dir && s->skel && s->pins_reused) {
		pins_found = true;
		leakwatch_bpf__destroy(s->skel);
		s->skel = NULL;
		pin_remove(opts->pin_dir);
		err = open_and_load(s, opts);
		s->pins_reused = false;
	}
	if (!err && pins_found)
		fprintf(stderr,
			"leakwatch: pinned state in %s did not fit this version: "
			"started afresh\n",
			opts->pin_dir);
	return err;
}

/* The fentry programs, compiled with autoload off ("?" sections). */
#define FENTRY_PROGS(k)                                                                            \
	{                                                                                          \
		(k)->progs.lw_fentry_udp_send4, (k)->progs.lw_fentry_udp_send6,                    \
			(k)->progs.lw_fentry_udp_recv4, (k)->progs.lw_fentry_udp_recv6,            \
			(k)->progs.lw_fexit_udp_recv4, (k)->progs.lw_fexit_udp_recv6,              \
			(k)->progs.lw_fentry_tcp_send, (k)->progs.lw_fentry_tcp_recv,              \
			(k)->progs.lw_fexit_tcp_recv,                                              \
	}

/* fentry with --enforce keeps the skb egress program, for the first
 * datagram of connected UDP sockets only (cfg_egress_pending_only). */
static void set_backend(struct sensor *s, bool enforce)
{
	struct leakwatch_bpf *k = s->skel;
	struct bpf_program *fentry_progs[] = FENTRY_PROGS(k);
	size_t i;

	s->egress_pending = s->fentry && enforce;
	for (i = 0; i < sizeof(fentry_progs) / sizeof(fentry_progs[0]); i++)
		bpf_program__set_autoload(fentry_progs[i], s->fentry);
	bpf_map__set_autocreate(k->maps.fentry_recv, s->fentry);
	bpf_map__set_autocreate(k->maps.fentry_tcp_len, s->fentry);
	k->rodata->cfg_egress_pending_only = s->egress_pending;
	bpf_program__set_autoload(k->progs.lw_dns_egress, !s->fentry || s->egress_pending);
	bpf_program__set_autoload(k->progs.lw_dns_ingress, !s->fentry);
}

/* Does the kernel have tp_btf/sock_send_length (6.3+)? The TLS probes tie
 * plaintext to its socket with it; without, to the last connect. */
static bool has_sock_send_length(const char *btf_path)
{
	struct btf *b = btf_path ? btf__parse(btf_path, NULL) : btf__load_vmlinux_btf();
	bool found;

	if (!b)
		return false;
	found = btf__find_by_name_kind(b, "btf_trace_sock_send_length", BTF_KIND_TYPEDEF) > 0;
	btf__free(b);
	return found;
}

/* --payload (payload.bpf.h): a constant for the verifier; with the
 * fentry backend its own egress program scans (skb's does it there). */
static void set_payload(struct sensor *s, const struct sensor_opts *opts)
{
	struct leakwatch_bpf *k = s->skel;
	bool tls = opts->payload == LW_PAYLOAD_TLS;

	s->payload = opts->payload;
	s->tls_send_length = tls && has_sock_send_length(opts->btf_path);
	k->rodata->cfg_payload = opts->payload;
	k->rodata->cfg_tls_send_length = s->tls_send_length;
	bpf_program__set_autoload(k->progs.lw_payload_egress,
				  s->fentry && opts->payload != LW_PAYLOAD_OFF);
	bpf_program__set_autoload(k->progs.lw_tls_write, tls);
	bpf_program__set_autoload(k->progs.lw_tls_send, s->tls_send_length);
	if (opts->payload == LW_PAYLOAD_OFF)
		bpf_map__set_max_entries(k->maps.payload_names, 1);
}

/* Is a v1 hierarchy with the memory controller mounted (hybrid, v1)? */
static bool v1_memory_mounted(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/mounts", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char dev[256], dir[2048], type[64], opts[1024];

		if (sscanf(line, "%255s %2047s %63s %1023s", dev, dir, type, opts) == 4 &&
		    !strcmp(type, "cgroup") && strstr(opts, "memory"))
			found = true;
	}
	fclose(f);
	return found;
}

/* The inode of leakwatch's pid namespace, 0 when it is the initial one
 * (proc_pidns_initial()): the kernel then translates pids for our /proc. */
static uint32_t pidns_ino(void)
{
	struct stat st;

	if (proc_pidns_initial() || stat("/proc/self/ns/pid", &st))
		return 0;
	return (uint32_t)st.st_ino;
}

/* The programs of run's watched set load only for run. */
static void set_watch_mode(struct leakwatch_bpf *k, const struct sensor_opts *opts)
{
	k->rodata->cfg_watch_all = opts->watch_all;
	k->rodata->cfg_follow_engines = opts->follow_engines;
	k->rodata->cfg_run_cgroup_id = opts->run_cgroup_id;
	k->rodata->cfg_attach_root_id = opts->attach_root_id ?: 1;
	k->rodata->cfg_v1_memory = v1_memory_mounted();
	k->rodata->cfg_pidns_ino = pidns_ino();
	bpf_program__set_autoload(k->progs.lw_watch_fork, !opts->watch_all);
	bpf_program__set_autoload(k->progs.lw_watch_attach, !opts->watch_all);
	if (opts->watch_all)
		bpf_map__set_max_entries(k->maps.watched, 1);
}

static int open_and_load(struct sensor *s, const struct sensor_opts *opts)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = opts->btf_path);
	int err;

	s->skel = leakwatch_bpf__open_opts(&oopts);
	if (!s->skel)
		return fail(s, -errno, "failed to open the BPF object: %s", strerror(errno));
	s->skel->rodata->cfg_enforce = opts->enforce;
	set_backend(s, opts->enforce);
	set_payload(s, opts);
	set_watch_mode(s->skel, opts);
	s->watch_all = opts->watch_all;
	if (getenv("LW_VERIFIER_STATS")) {
		struct bpf_program *prog;

		/* Diagnostics (docs/kernels.md): each program's verifier
		 * statistics, printed by libbpf with -v. */
		bpf_object__for_each_program (prog, s->skel->obj)
			bpf_program__set_log_level(prog, 4);
	}
	if (opts->ringbuf_bytes &&
	    bpf_map__set_max_entries(s->skel->maps.events, opts->ringbuf_bytes))
		return fail(s, -EINVAL,
			    "ring buffer size %u is not a power of 2 of at least "
			    "one page",
			    opts->ringbuf_bytes);
	if (opts->pin_dir)
		s->pins_reused = pin_maps(s->skel, opts->pin_dir);

	err = leakwatch_bpf__load(s->skel);
	if (err == -EPERM && lockdown_confidentiality())
		return fail(s, err,
			    "failed to load the BPF programs: kernel lockdown "
			    "(confidentiality) forbids BPF programs that read kernel memory");
	if (err)
		return fail(s, err, "failed to load the BPF programs: %s%s", strerror(-err),
			    verbose ? "" : " (run with -v for the verifier log)");
	return 0;
}

static int clear_map(int fd, size_t key_size)
{
	char key[64], next[64];
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -EINVAL;
	/* Delete as we go: restart from the beginning each time. */
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key))
			prev = key;
	}
	return 0;
}

int sensor_fill_suffixes(int fd, const struct policy *p)
{
	size_t i;

	clear_map(fd, sizeof(struct lw_suffix_key));
	for (i = 0; i < p->n_suffixes; i++) {
		struct lw_suffix_val val = { .family = p->suffixes[i].family,
					     .flags = policy_suffix_private(&p->suffixes[i]) ?
							      LW_SUFFIX_PRIVATE_LOCAL :
							      0,
					     .id = i };
		struct lw_suffix_key key;

		memset(&key, 0, sizeof(key));
		memcpy(key.name, p->suffixes[i].wire, sizeof(key.name));
		if (bpf_map_update_elem(fd, &key, &val, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int lpm_put(int fd, const uint8_t prefix[16], int plen, uint8_t kind)
{
	struct lw_lpm_key key = { .prefixlen = plen };

	memcpy(key.addr, prefix, 16);
	return bpf_map_update_elem(fd, &key, &kind, BPF_ANY) ? -errno : 0;
}

/*
 * The kernel's copy of the address classes. Embedded-IPv4 ranges (6to4,
 * Teredo) are kept local in the kernel: it cannot decode them cheaply, and
 * userspace still classifies them exactly for the report.
 */
int sensor_fill_addr_class(int fd, const struct policy *p)
{
	static const uint8_t global_unicast[16] = { 0x20 };
	static const uint8_t any[16];
	int err;
	size_t i;

	clear_map(fd, sizeof(struct lw_lpm_key));
	err = lpm_put(fd, any, 0, LW_ADDR_LOCAL);
	err = err ?: lpm_put(fd, addr_v4_mapped, ADDR_V4_MAPPED_PLEN, LW_ADDR_GLOBAL);
	err = err ?: lpm_put(fd, global_unicast, 3, LW_ADDR_GLOBAL);
	for (i = 0; !err && i < p->n_blocks; i++) {
		const struct addr_block *b = &p->blocks[i];
		uint8_t kind = b->kind == ADDR_KIND_GLOBAL ? LW_ADDR_GLOBAL :
			       b->kind == ADDR_KIND_ALLOW  ? LW_ADDR_ALLOW :
							     LW_ADDR_LOCAL;

		err = lpm_put(fd, b->prefix, b->plen, kind);
	}
	return err;
}

/* len[n] = 1 for each wire length n of a reserved suffix, 0 for others.
 * Byte by byte into the live array: a length that stays never reads 0. */
static void suffix_lengths(const struct policy *p, uint8_t len[128])
{
	uint8_t want[128] = { 0 };
	size_t i;

	for (i = 0; i < p->n_suffixes; i++)
		if (p->suffixes[i].wire_len <= LW_SUFFIX_MAX)
			want[p->suffixes[i].wire_len] = 1;
	for (i = 0; i < sizeof(want); i++)
		len[i] = want[i];
}

int sensor_apply_policy(struct sensor *s, const struct policy *p)
{
	int err;

	err = sensor_fill_suffixes(bpf_map__fd(s->skel->maps.suffixes), p);
	if (err)
		return fail(s, err, "cannot fill the reserved suffixes: %s", strerror(-err));
	err = sensor_fill_addr_class(bpf_map__fd(s->skel->maps.addr_class), p);
	if (err)
		return fail(s, err, "cannot fill the address classes: %s", strerror(-err));
	s->skel->data->cfg_window_ns = (uint64_t)p->window_s * 1000000000ull;
	suffix_lengths(p, s->skel->data->cfg_suffix_len);
	/* Invalidates every CPU's cache of address classes. */
	if (++s->skel->data->cfg_policy_gen == 0)
		s->skel->data->cfg_policy_gen = 1;
	return 0;
}

/* Set, in copy, the slot of every key of the map (a bounded walk: keys
 * deleted meanwhile make get_next_key start over). */
static void filter_fill(int fd, size_t key_size, uint8_t *copy,
			uint32_t (*slot)(const uint8_t *key), uint32_t max_entries)
{
	uint8_t key[16], next[16];
	uint64_t n;

	if (key_size > sizeof(key))
		return;
	for (n = 0; n < 2ull * max_entries; n++) {
		if (bpf_map_get_next_key(fd, n ? key : NULL, next))
			break;
		memcpy(key, next, key_size);
		copy[slot(key) & (LW_FILTER_SLOTS - 1)] = 1;
	}
}

static uint32_t slot_of_tgid(const uint8_t *key)
{
	uint32_t tgid;

	memcpy(&tgid, key, sizeof(tgid));
	return lw_filter_slot_tgid(tgid);
}

static uint32_t slot_of_addr(const uint8_t *key)
{
	return lw_filter_slot_addr(key);
}

/*
 * Rebuild the copy of the filter the kernel is not reading from the taint
 * and answer maps, then switch the kernel to it. The kernel sets both
 * copies after each insert, so an entry added during the rebuild is in
 * the new copy whether or not the walk sees it; slots of processes that
 * exited and answers that aged out are gone from it.
 */
void sensor_rebuild_filter(struct sensor *s)
{
	struct lw_filter *f = &s->skel->bss->lw_filter;
	uint32_t next = !(__atomic_load_n(&f->active, __ATOMIC_ACQUIRE) & 1);
	struct bpf_map *taint = s->skel->maps.taint, *answers = s->skel->maps.answers;

	memset(f->taint[next], 0, sizeof(f->taint[next]));
	memset(f->answer[next], 0, sizeof(f->answer[next]));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	filter_fill(bpf_map__fd(taint), sizeof(uint32_t), f->taint[next], slot_of_tgid,
		    bpf_map__max_entries(taint));
	filter_fill(bpf_map__fd(answers), 16, f->answer[next], slot_of_addr,
		    bpf_map__max_entries(answers));
	__atomic_store_n(&f->active, next, __ATOMIC_RELEASE);
}

static int attach_one(struct sensor *s, struct bpf_program *prog, int cgroup_fd)
{
	struct bpf_link *link;

	if (s->n_links >= SENSOR_MAX_LINKS)
		return fail(s, -E2BIG, "too many links");
	if (cgroup_fd >= 0)
		link = bpf_program__attach_cgroup(prog, cgroup_fd);
	else
		link = bpf_program__attach(prog);
	if (!link)
		return fail(s, -errno, "cannot attach %s: %s", bpf_program__section_name(prog),
			    strerror(errno));
	s->links[s->n_links++] = link;
	return 0;
}

/* The libc uprobes: best effort, the wire capture stands without them. */
static void sensor_attach_libc(struct sensor *s)
{
	/* A bench diagnostic (tests/kernels/bench-guest.sh): what the wire
	 * capture costs without the uprobes. Never for production. */
	const char *off = getenv("LW_BENCH_NO_LIBC");

	if (off && *off) {
		fprintf(stderr, "leakwatch: libc probes off (LW_BENCH_NO_LIBC is set)\n");
		return;
	}
	s->libc = libc_probe_new(s->skel, verbose);
	if (!s->libc)
		return;
	libc_probe_scan(s->libc);
	if (!libc_probe_count(s->libc))
		fprintf(stderr, "leakwatch: libc probes off: no C library could be probed; "
				"names from /etc/hosts and nss are not seen\n");
	else
		s->dns_capture = !s->fentry	   ? "skb+libc" :
				 s->egress_pending ? "fentry+skb-egress+libc" :
						     "fentry+libc";
}

/*
 * C libraries that appeared since the last call (new containers). The
 * daemon calls this from its loop, not from a thread: capabilities are
 * per thread, and a thread would keep every one the daemon dropped.
 */
void sensor_rescan_libc(struct sensor *s)
{
	if (s->libc)
		libc_probe_scan(s->libc);
	if (s->tls)
		tls_probe_scan(s->tls);
}

/* --payload tls: the TLS library probes, and the send hook that ties
 * their plaintext to a socket (6.3+). Best effort, as the libc probes. */
static int sensor_attach_tls(struct sensor *s)
{
	int err;

	if (s->payload != LW_PAYLOAD_TLS)
		return 0;
	if (s->tls_send_length) {
		err = attach_one(s, s->skel->progs.lw_tls_send, -1);
		if (err)
			return err;
	}
	s->tls = tls_probe_new(s->skel, verbose);
	if (s->tls)
		tls_probe_scan(s->tls);
	if (!tls_probe_count(s->tls))
		fprintf(stderr, "leakwatch: TLS probes off: no OpenSSL or GnuTLS library could "
				"be probed\n");
	return 0;
}

int sensor_attach(struct sensor *s, int cgroup_fd)
{
	struct leakwatch_bpf *k = s->skel;
	__u32 key = 0;
	int err;

	/* The host-wide hooks (uprobes, fentry) act only in scope: for
	 * `daemon`, under the cgroup the cgroup hooks hang off. */
	if (bpf_map_update_elem(bpf_map__fd(k->maps.watched_cgroup), &key, &cgroup_fd, BPF_ANY))
		return fail(s, -errno, "cannot scope the host-wide hooks to the cgroup: %s",
			    strerror(errno));
	err = attach_one(s, k->progs.lw_process_exit, -1);
	err = err ?: attach_one(s, k->progs.lw_cgroup_mkdir, -1);
	if (!err && !s->watch_all) {
		err = attach_one(s, k->progs.lw_watch_fork, -1);
		err = err ?: attach_one(s, k->progs.lw_watch_attach, -1);
	}
	err = err ?: attach_one(s, k->progs.lw_connect4, cgroup_fd);
	err = err ?: attach_one(s, k->progs.lw_connect6, cgroup_fd);
	err = err ?: attach_one(s, k->progs.lw_sendmsg4, cgroup_fd);
	err = err ?: attach_one(s, k->progs.lw_sendmsg6, cgroup_fd);
	if (err)
		return err;
	if (s->fentry) {
		struct bpf_program *fentry_progs[] = FENTRY_PROGS(k);
		size_t i;

		for (i = 0; !err && i < sizeof(fentry_progs) / sizeof(fentry_progs[0]); i++)
			err = attach_one(s, fentry_progs[i], -1);
		if (!err && s->egress_pending)
			err = attach_one(s, k->progs.lw_dns_egress, cgroup_fd);
		if (!err && s->payload != LW_PAYLOAD_OFF)
			err = attach_one(s, k->progs.lw_payload_egress, cgroup_fd);
	} else {
		err = attach_one(s, k->progs.lw_dns_egress, cgroup_fd);
		err = err ?: attach_one(s, k->progs.lw_dns_ingress, cgroup_fd);
	}
	if (err)
		return err;
	sensor_attach_libc(s);
	return sensor_attach_tls(s);
}

int sensor_watch_pid(const struct sensor *s, int pid)
{
	struct lw_watched w = { .kind = LW_WATCH_LINEAGE };
	__u32 key = (__u32)pid;

	return bpf_map_update_elem(bpf_map__fd(s->skel->maps.watched), &key, &w, BPF_ANY) ? -errno :
											    0;
}

int sensor_events_fd(const struct sensor *s)
{
	return bpf_map__fd(s->skel->maps.events);
}

int sensor_read_stats(const struct sensor *s, uint64_t out[LW_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(s->skel->maps.stats);
	uint64_t vals[ncpu > 0 ? ncpu : 1];
	uint32_t i;
	int c;

	if (ncpu <= 0)
		return ncpu;
	for (i = 0; i < LW_STAT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(fd, &i, vals))
			return -errno;
		for (c = 0; c < ncpu; c++)
			out[i] += vals[c];
	}
	return 0;
}

/*
 * Removing a uprobe costs an RCU grace period in the kernel, 100-250 ms
 * each here: closing twenty of them made every `run` 3-4 s slower to
 * return. A child holding copies of the descriptors takes that wait in its
 * own exit, in the background; our closes then only drop references. The
 * probes are scoped to our (now empty) cgroup and write to a ring buffer
 * nobody reads, so they do nothing in the meantime.
 */
static void detach_uprobes_in_background(int pin_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* The pin directory's lock must go with us, not with this
		 * slow exit: a restarted daemon takes it at once. */
		if (pin_fd > 0)
			close(pin_fd);
		_exit(0);
	}
}

/*
 * Detaching an fentry/fexit program waits for an RCU-tasks grace period
 * (ftrace_shutdown()). Waited for in the exit of a task whose pid
 * namespace's init is exiting, it never ends on Debian's 6.1: the init, in
 * zap_pid_ns_processes(), holds up that grace period until its children are
 * gone. The background child above would be such a task under a container's
 * init (a pod's leakwatch that could never terminate, seen in the kernel
 * matrix as a D-state leakwatch). Outside the host's pid namespace the
 * tracing links are therefore detached here, before the fork, so that the
 * child holds none.
 */
static void detach_tracing_links(struct sensor *s)
{
	struct bpf_link_info info;
	__u32 len;
	int i;

	for (i = 0; i < s->n_links; i++) {
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!s->links[i] || bpf_obj_get_info_by_fd(bpf_link__fd(s->links[i]), &info, &len))
			continue;
		if (info.type != BPF_LINK_TYPE_TRACING)
			continue;
		bpf_link__destroy(s->links[i]);
		s->links[i] = NULL;
	}
}

void sensor_destroy(struct sensor *s)
{
	int i;

	if ((s->libc && libc_probe_count(s->libc)) || tls_probe_count(s->tls)) {
		if (!proc_pidns_initial())
			detach_tracing_links(s);
		detach_uprobes_in_background(s->pin_fd);
	}
	libc_probe_free(s->libc);
	s->libc = NULL;
	tls_probe_free(s->tls);
	s->tls = NULL;
	for (i = s->n_links - 1; i >= 0; i--)
		bpf_link__destroy(s->links[i]);
	s->n_links = 0;
	leakwatch_bpf__destroy(s->skel);
	s->skel = NULL;
	if (s->pin_fd > 0)
		close(s->pin_fd);
	s->pin_fd = 0;
}
