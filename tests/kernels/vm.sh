#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# vm.sh NAME: boot kernel NAME of kernels.conf under qemu (TCG: no KVM
# needed) on the host's root file system, read-only over virtio-9p, run
# tests/kernels/guest.sh in it and print its LWVM-* lines. The console log
# is kept in $LW_KCACHE/logs/NAME.log. No network device (-nic none).
#
# Environment: LW_VM_SUITE (run.sh filters for the e2e part, default below),
# LW_VM_SUITE_SKB / LW_VM_SUITE_FENTRY (the same for one backend, instead),
# LW_VM_BACKENDS (default "skb fentry"; auto is fentry on these kernels,
# and every VM's LWVM-PROBE lines show what auto picked), LW_VM_TIMEOUT (seconds per
# suite run inside, default 900), LW_VM_WALL (seconds for the whole VM,
# default 2400), LW_VM_MEM (default 2G), LW_VM_SMP (default 2),
# LW_VM_ICOUNT (qemu -icount options, e.g. shift=0,sleep=off: guest time
# then counts executed instructions, for LW_VM_BENCH; default off),
# LW_VM_BENCH (1: bench-guest.sh after the suites; only: the bench alone),
# LW_VM_BENCH_ROUNDS, LW_VM_BENCH_MS (bench-guest.sh's), LW_VM_HYBRID (1:
# also mount the v1 name=systemd and memory hierarchies, as on a hybrid
# host, for test_cgroup_layouts; default 0, pure cgroup v2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${LW_KCACHE:-/var/cache/leakwatch-kernels}
name=$1
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "vm.sh: needs qemu-system-x86_64 (apt-get install qemu-system-x86)" >&2; exit 2; }
kdir=$("$here/fetch.sh" "$name")
mkdir -p "$cache/logs"
env=$(mktemp)
initrd=$(mktemp)
trap 'rm -f "$env" "$initrd"' EXIT
cat >"$env" <<EOV
LW_REPO='$repo'
LW_VM_SUITE='${LW_VM_SUITE:-test_direct test_answer test_exit test_hostile_dns test_coverage test_enforce}'
LW_VM_SUITE_SKB='${LW_VM_SUITE_SKB:-}'
LW_VM_SUITE_FENTRY='${LW_VM_SUITE_FENTRY:-}'
LW_VM_BACKENDS='${LW_VM_BACKENDS:-skb fentry}'
LW_VM_TIMEOUT='${LW_VM_TIMEOUT:-900}'
LW_VM_OUTPUT='${OUTPUT:-.output}'
LW_VM_DIAG='${LW_VM_DIAG:-0}'
LW_VM_BENCH='${LW_VM_BENCH:-0}'
LW_VM_BENCH_ROUNDS='${LW_VM_BENCH_ROUNDS:-5}'
LW_VM_BENCH_MS='${LW_VM_BENCH_MS:-400}'
LW_VM_HYBRID='${LW_VM_HYBRID:-0}'
EOV
LW_VM_ENV=$env "$here/mkinitrd.sh" "$kdir" "$initrd"
# LW_VM_LOG: another console log, for two VMs of one kernel at once.
log=${LW_VM_LOG:-$cache/logs/$name.log}
accel=tcg
# KVM only when asked: /dev/kvm exists on machines where it hangs (nested).
if [ "${LW_VM_KVM:-0}" = 1 ]; then accel=kvm; fi
icount=()
[ -n "${LW_VM_ICOUNT:-}" ] && [ $accel = tcg ] && icount=(-icount "$LW_VM_ICOUNT")
echo "vm.sh: booting $(cat "$kdir/package") ($accel${icount[*]:+ ${icount[*]}}), log in $log" >&2
start=$(date +%s)
set +e
# In the background and waited for, so that a TERM (ci.sh's bound) ends the
# VM too: timeout runs in a process group of its own.
timeout "${LW_VM_WALL:-2400}" qemu-system-x86_64 -machine q35,accel=$accel -cpu max "${icount[@]}" \
	-m "${LW_VM_MEM:-2G}" -smp "${LW_VM_SMP:-2}" -nographic -no-reboot -nic none \
	-kernel "$kdir/vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3 apparmor=0 rdinit=/init" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	</dev/null >"$log" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null' TERM INT
wait "$qpid"
rc=$?
trap - TERM INT
set -e
# The watchdog's process lists stay in the log; its kernel messages show.
tr -d '\r\0' <"$log" | grep -aE '^LWVM-' | grep -av '^LWVM-WATCH [0-9]* ps ' || true
echo "LWVM-WALL $name $(($(date +%s) - start))s (qemu rc=$rc)"
