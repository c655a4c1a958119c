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
