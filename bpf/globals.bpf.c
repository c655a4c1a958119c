// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The global variables every program shares, defined once (maps.bpf.h
 * declares them). The loader sets them through the skeleton: rodata
 * before load, data and bss at run time.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "maps.bpf.h"

/* The hot-path filter over taint and answers (filter.bpf.h). */
struct lw_filter lw_filter;

/* --enforce: refuse direct traffic in the kernel. */
const volatile bool cfg_enforce = false;

/* --enforce with the fentry backend: the skb egress program is loaded
 * for one job, the first datagram of a connected UDP socket (fentry sees
 * it at udp_sendmsg but cannot refuse it), and leaves DNS to fentry. */
const volatile bool cfg_egress_pending_only = false;

/* The follow-on window (policy `window`). */
__u64 cfg_window_ns = 60ull * 1000000000ull;

/* Byte n set: some reserved suffix is n wire bytes long (1..64), so the
 * suffix walk looks up candidates of that length only. All set until the
 * loader says. A byte array, not a bit mask: shifting by the walk's
 * position makes the verifier track it precisely and the walk no longer
 * verifies within a million instructions. */
__u8 cfg_suffix_len[128] = { [0 ... 127] = 1 };

/* Bumped by the loader each time it refills addr_class (never 0): the
 * per-CPU caches of address classes hold entries of one generation. */
__u32 cfg_policy_gen = 1;

/* `daemon`: every process under watched_cgroup is watched; `run`: only
 * those in the watched map (proc.bpf.h). */
const volatile bool cfg_watch_all = true;

/* run --engine-containers follow: what a container engine's shim forks
 * during the run is watched (a container dockerd starts for COMMAND). */
const volatile bool cfg_follow_engines = false;

/* The loader found a v1 hierarchy with the memory controller (a hybrid or
 * v1 host): event headers carry the process's cgroup there too. */
const volatile bool cfg_v1_memory = false;

/* Inode of leakwatch's pid namespace when it is not the initial one
 * (nspawn, a pod without hostPID): event headers then carry each pid as
 * leakwatch's /proc shows it. 0: the initial namespace. */
const volatile __u32 cfg_pidns_ino = 0;

/* run: the kernfs id of its own cgroup (a process moved into it from
 * outside becomes watched), and of the cgroup the hooks are attached to
 * (1, the root, unless leakwatch sees only a subtree of the hierarchy). */
const volatile __u64 cfg_run_cgroup_id = 0;
const volatile __u64 cfg_attach_root_id = 1;

/* --payload: enum lw_payload_mode. Off, the scanner is dead code the
 * verifier removes: connect and egress pay nothing for it. */
const volatile __u32 cfg_payload = LW_PAYLOAD_OFF;
