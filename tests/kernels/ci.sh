#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# ci.sh: the bounded part of the kernel matrix that CI runs (.ci/run):
# Debian 12's 6.1 and 6.12 under qemu TCG, the BPF test and test_direct,
# each with the skb and the fentry backend (which auto picks there) forced.
# test_enforce and test_coverage (DNS over TCP, IPv6) with fentry do not
# fit the bound on a loaded host (docs/kernels.md): `make test-kernels`
# runs them (LW_VM_SUITE_FENTRY='test_direct test_enforce' adds the first). Installs qemu and
# busybox-static when missing and fetches the kernels with apt (into
# $LW_KCACHE). Bounded: each VM by LW_VM_WALL (default 600 s), the whole
# step by LW_CI_KERNELS_WALL (default 900 s); a VM that hangs is a failure
# with the tail of its console log, never a stuck CI. Exit status 0 only if
# every run passed. Uses the ./leakwatch and test helpers already built.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
start=$(date +%s)
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
	need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
	echo "ci.sh: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
		{ echo "ci.sh: cannot install ${need[*]}" >&2; exit 1; }
fi
[ -x "$repo/leakwatch" ] && [ -x "$repo/${OUTPUT:-.output}/tests/test_kernel_dns" ] ||
	{ echo "ci.sh: build first (make build-tests)" >&2; exit 1; }
export LW_KERNELS=${LW_KERNELS:-deb12-6.1 deb12-6.12}
export LW_VM_SUITE=${LW_VM_SUITE:-test_direct}
export LW_VM_BACKENDS=${LW_VM_BACKENDS:-skb fentry}
export LW_VM_TIMEOUT=${LW_VM_TIMEOUT:-400}
export LW_VM_WALL=${LW_VM_WALL:-600}
# matrix.sh in a process group of its own, so that the bound ends the VM it
# is running too (timeout alone ends matrix.sh and leaves qemu running).
wall=${LW_CI_KERNELS_WALL:-900}
setsid "$here/matrix.sh" &
mpid=$!
flag=$(mktemp)
(sleep "$wall" && echo late >"$flag" && kill -TERM -- -"$mpid" && sleep 10 &&
	kill -KILL -- -"$mpid") 2>/dev/null &
wpid=$!
wait "$mpid"
rc=$?
kill "$wpid" 2>/dev/null
if [ -s "$flag" ]; then
	rc=124
	echo "ci.sh: the kernel matrix did not finish in $wall s"
fi
rm -f "$flag"
echo "ci.sh: kernel matrix took $(($(date +%s) - start)) s (rc=$rc)"
exit $rc
