// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The single license section of the linked object. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";
