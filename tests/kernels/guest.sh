#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Runs inside the test VM (tests/kernels/init), as root, CI unset: the BPF
# test once, then the chosen end-to-end scripts once per DNS capture
# backend the kernel allows, against the host's ./leakwatch. Prints
#   LWVM-RESULT kernel=R backend=B: N passed, N failed[, N skipped]
# per run. The VM has no network device: traffic stays on the loopback of
# the namespaces the tests make.
set -u
cd "$LW_REPO" || exit 1
unset CI
# A pure cgroup v2 VM unless LW_VM_HYBRID=1 mounted v1 hierarchies, and a
# kernel without memcg v1 (Debian's 6.12) cannot have them all: the v1
# cases of test_cgroup_layouts are skipped by name, not failed.
export LW_CG_V1_OPTIONAL=1
export OUTPUT=${LW_VM_OUTPUT:-.output}
bin=$LW_REPO/leakwatch
release=$(uname -r)
T=${LW_VM_TIMEOUT:-900}
ip link set lo up 2>/dev/null
echo "LWVM-KERNEL $release"

# What the kernel allows, as leakwatch decides it: one bounded run per
# backend, its time and the tail of its stderr, so a load that hangs or
# crawls shows here rather than as a silent suite.
for b in auto skb fentry; do
	t0=$(date +%s%N)
	timeout 120 "$bin" run --dns-capture="$b" -- true >/tmp/lwvm-probe.out 2>&1
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "LWVM-PROBE backend=$b rc=$rc ${ms}ms: $(grep -i 'dns capture' /tmp/lwvm-probe.out | head -1)"
	[ "$rc" -ne 0 ] && [ "$rc" -ne 3 ] && tail -5 /tmp/lwvm-probe.out | sed 's/^/LWVM-PROBE-ERR /'
done

# LW_VM_DIAG=1: where a run's time goes, per BPF and close syscall (load
# is the verifier, link create the attach, close of a link the detach).
if [ "${LW_VM_DIAG:-0}" = 1 ] && command -v strace >/dev/null; then
	for b in skb fentry; do
		timeout 300 strace -f -T -e trace=bpf,close -o /tmp/lwvm-strace "$bin" run \
			--dns-capture="$b" -- true >/dev/null 2>&1
		awk -v b="$b" '{ t = $NF; gsub(/[<>]/, "", t); if (t + 0 < 0.3) next
			n = match($0, /prog_name="[^"]*"/); what = n ? substr($0, RSTART, RLENGTH) : ""
			if (what == "") { split($2, c, ","); what = c[1] }
			print "LWVM-DIAG " b " slow: " what " " t "s" }' /tmp/lwvm-strace
		LW_VERIFIER_STATS=1 timeout 300 "$bin" run -v --dns-capture="$b" -- true 2>&1 |
			grep -E 'BEGIN PROG LOAD LOG|^processed|^verification time' |
			sed "s/^/LWVM-DIAG $b verifier: /"
		awk -v b="$b" '{ t = $NF; gsub(/[<>]/, "", t); split($2, c, "(");
			k = c[1]; if (k == "bpf") { split($2, d, ","); k = d[1] }
			sum[k] += t; n[k]++ } END { for (k in sum)
			printf "LWVM-DIAG %s total %s: %d calls, %.2fs\n", b, k, n[k], sum[k] }' /tmp/lwvm-strace
	done
fi

# Watchdog: every LW_VM_WATCH seconds, what the suites are running (with the
# kernel function each sleeps in) and new kernel messages, as LWVM-WATCH
# lines. A suite that stalls then shows where.
watch() {
	local n=0
	while sleep "${LW_VM_WATCH:-60}"; do
		n=$((n + 1))
		ps -eo pid,etimes,stat,wchan:28,args --sort=etimes 2>/dev/null |
			grep -E 'leakwatch|test_|dnsmasq|tcp-connect|musl|curl|getent|python3' |
			grep -v -E 'grep|ps -eo' | head -15 | cut -c1-200 | sed "s/^/LWVM-WATCH $n ps /"
		# Only in the VM: clearing the kernel log is not ours to do on a host.
		[ "${LW_VM_GUEST:-0}" = 1 ] &&
			dmesg -c 2>/dev/null | tail -20 | sed "s/^/LWVM-WATCH $n dmesg /"
	done
}
if [ "${LW_VM_GUEST:-0}" = 1 ]; then
	dmesg -c >/dev/null 2>&1
	sysctl -qw kernel.hung_task_timeout_secs=60 2>/dev/null
fi
watch &
watcher=$!

result() {	# result BACKEND LOGFILE
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	echo "LWVM-RESULT kernel=$release backend=$1: ${line:-no summary line (timeout or crash)}"
}

log=$(mktemp)
# LW_VM_BENCH=only: the bench alone (no BPF test, no suites).
bench_only=0
[ "${LW_VM_BENCH:-0}" = only ] && bench_only=1
if [ $bench_only = 0 ]; then
	start=$(date +%s)
	timeout "$T" tests/run.sh bpf 2>&1 | tee "$log"
	result bpf-test "$log"
	echo "LWVM-TIME bpf-test $(($(date +%s) - start))s"
fi

for b in ${LW_VM_BACKENDS:-auto}; do
	[ $bench_only = 1 ] && break
	if [ "$b" != auto ] && ! "$bin" run --dns-capture="$b" -- true >/dev/null 2>&1; then
		echo "LWVM-RESULT kernel=$release backend=$b: not allowed by this kernel (skipped)"
		continue
	fi
	# The same binary, with the backend forced on every run/daemon command.
	wrap=/tmp/leakwatch-$b
	cat >"$wrap" <<EOW
#!/bin/sh
c=\$1; [ \$# -gt 0 ] && shift
case "\$c" in run|daemon) exec "$bin" "\$c" --dns-capture=$b "\$@" ;; esac
exec "$bin" "\$c" "\$@"
EOW
	chmod +x "$wrap"
	start=$(date +%s)
	# The backend's own suites (LW_VM_SUITE_SKB, _FENTRY), else the common ones.
	suites=${LW_VM_SUITE:-e2e}
	case "$b" in
	skb) suites=${LW_VM_SUITE_SKB:-$suites} ;;
	fentry) suites=${LW_VM_SUITE_FENTRY:-$suites} ;;
	esac
	# shellcheck disable=SC2086
	LW_BIN=$wrap timeout "$T" tests/run.sh $suites 2>&1 | tee "$log"
	result "$b" "$log"
	echo "LWVM-TIME $b $(($(date +%s) - start))s"
done
# LW_VM_BENCH=1: the backends' relative cost on this kernel (ratios only).
if [ "${LW_VM_BENCH:-0}" != 0 ]; then
	timeout "$T" bash tests/kernels/bench-guest.sh 2>&1 | sed 's/^/LWVM-BENCH /'
fi
kill "$watcher" 2>/dev/null
rm -f "$log"
