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
export OUTPUT=${LW_VM_OUTPUT:-.output}
bin=$LW_REPO/leakwatch
release=$(uname -r)
T=${LW_VM_TIMEOUT:-900}
ip link set lo up 2>/dev/null
echo "LWVM-KERNEL $release"

# What the kernel allows, as leakwatch decides it.
probe=$("$bin" run -- true 2>&1 | grep -i 'dns capture' | head -1)
echo "LWVM-PROBE $probe"

result() {	# result BACKEND LOGFILE
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
	echo "LWVM-RESULT kernel=$release backend=$1: ${line:-no summary line (timeout or crash)}"
}

log=$(mktemp)
start=$(date +%s)
timeout "$T" tests/run.sh bpf 2>&1 | tee "$log"
result bpf-test "$log"
echo "LWVM-TIME bpf-test $(($(date +%s) - start))s"

for b in ${LW_VM_BACKENDS:-auto}; do
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
	# shellcheck disable=SC2086
	LW_BIN=$wrap timeout "$T" tests/run.sh ${LW_VM_SUITE:-e2e} 2>&1 | tee "$log"
	result "$b" "$log"
	echo "LWVM-TIME $b $(($(date +%s) - start))s"
done
rm -f "$log"
