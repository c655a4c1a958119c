# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix (docs/kernels.md): Debian 12's 6.1 and 6.12 under qemu
# (TCG, no KVM needed) plus the host's kernel, each running the BPF test and
# a bounded end-to-end subset with every DNS capture backend it allows,
# against this ./leakwatch. Kernels are fetched with apt into
# LW_KCACHE (default /var/cache/leakwatch-kernels), never into the repo.
# LW_KERNELS="deb12-6.1" narrows it; LW_VM_SUITE / LW_VM_BACKENDS choose
# the e2e scripts and backends (tests/kernels/vm.sh).
.PHONY: test-kernels
test-kernels: build-tests
	$(Q)command -v qemu-system-x86_64 >/dev/null && command -v busybox >/dev/null || \
		apt-get install -y --no-install-recommends qemu-system-x86 busybox-static
	$(Q)OUTPUT=$(OUTPUT) ./tests/kernels/matrix.sh

# The bounded subset CI runs (tests/kernels/ci.sh): 6.1 and 6.12, the BPF
# test and test_direct with skb and fentry, at most 15 minutes.
.PHONY: test-kernels-ci
test-kernels-ci: build-tests
	$(Q)OUTPUT=$(OUTPUT) ./tests/kernels/ci.sh

# The DNS capture backends' relative cost inside each VM (ratios only;
# tests/kernels/bench-guest.sh), the bench alone, under qemu's -icount so
# that guest time counts executed instructions (LW_VM_ICOUNT= for plain
# TCG time).
.PHONY: bench-kernels
bench-kernels: build-tests bench-build
	$(Q)for k in $(or $(filter-out host,$(LW_KERNELS)),deb12-6.1 deb12-6.12); do \
		OUTPUT=$(OUTPUT) LW_VM_BENCH=only LW_VM_ICOUNT=$${LW_VM_ICOUNT-shift=0,sleep=off} \
			./tests/kernels/vm.sh $$k | grep -E '^LWVM-(BENCH|KERNEL|WALL)' || exit 1; \
	done
