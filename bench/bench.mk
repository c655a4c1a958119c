# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Benchmark tools, included from the repository's Makefile (`-include
# bench/bench.mk`), reusing its variables: the workload generator and the
# empty cgroup_skb pair (the skb backend's floor) with its tiny loader.
# `make bench` builds them and runs bench/run.sh; `make bench-build` only
# builds them.

BENCH_OUT := $(OUTPUT)/bench
BENCH_BINS := $(BENCH_OUT)/workload $(BENCH_OUT)/floor

$(BENCH_OUT):
	$(Q)mkdir -p $@

$(BENCH_OUT)/workload: bench/workload.c | $(BENCH_OUT)
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

$(BENCH_OUT)/floor.bpf.o: bench/floor.bpf.c vmlinux/$(ARCH)/vmlinux.h | $(BENCH_OUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_OUT)/floor.skel.h: $(BENCH_OUT)/floor.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor_bpf > $@

$(BENCH_OUT)/floor: bench/floor.c $(BENCH_OUT)/floor.skel.h | $(BENCH_OUT)
	$(call msg,BENCH,$@)
	$(Q)$(CC) $(CFLAGS) -I$(BENCH_OUT) $(LDFLAGS) $< $(LIBBPF_LIBS) -o $@

.PHONY: bench-build
bench-build: $(BENCH_BINS)

# `make bench` (its recipe is in the Makefile) needs these first.
bench: bench-build
