#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# matrix.sh [NAME...]: the kernel matrix (kernels.conf, or LW_KERNELS, or
# the names given). Each Debian kernel boots under qemu (vm.sh); `host`
# runs the same suites on the running kernel. Prints each kernel's result
# lines and ends with the total "N passed, N failed" line; the exit status
# is 0 only if every run passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	# shellcheck disable=SC2206
	names=(${LW_KERNELS:-$(awk '!/^#/ && NF { print $1 }' "$here/kernels.conf")})
fi
passed=0 failed=0 summary=()
count() {	# count LINE: add "N passed, N failed[, N skipped]" to the totals
	local p f
	p=$(sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$1")
	f=$(sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$1")
	if [ -n "$p" ]; then
		passed=$((passed + p)) failed=$((failed + f))
	elif ! grep -q 'not allowed by this kernel' <<<"$1"; then
		failed=$((failed + 1))
	fi
}
for n in "${names[@]}"; do
	echo "=== kernel $n"
	out=$(mktemp)
	if [ "$n" = host ]; then
		(cd "$repo" && LW_KCACHE=${LW_KCACHE:-/var/cache/leakwatch-kernels} \
			LW_REPO=$repo bash "$here/guest.sh") 2>&1 | grep -E '^LWVM-' |
			grep -v '^LWVM-WATCH [0-9]* ps ' >"$out"
	else
		"$here/vm.sh" "$n" >"$out" 2>&1
	fi
	cat "$out"
	got=0
	while IFS= read -r l; do
		count "$l"
		got=1
		summary+=("$n: ${l#LWVM-RESULT }")
	done < <(grep '^LWVM-RESULT ' "$out")
	# vm.sh writes the console to LW_VM_LOG when it is set
	log=${LW_VM_LOG:-${LW_KCACHE:-/var/cache/leakwatch-kernels}/logs/$n.log}
	finished=1
	if [ $got = 0 ]; then
		failed=$((failed + 1))
		summary+=("$n: no result (see the log in $log)")
	elif [ "$n" != host ] && ! grep -q '^LWVM-DONE' "$out"; then
		# Killed by LW_VM_WALL (or crashed) after some results.
		finished=0
		failed=$((failed + 1))
		summary+=("$n: did not finish: $(grep '^LWVM-WALL' "$out" | tail -1)")
	fi
	# A failure or a VM that never finished: the end of its console log.
	if [ "$n" != host ] && { [ $got = 0 ] || [ $finished = 0 ] ||
		grep -q -e '^LWVM-RESULT .* [1-9][0-9]* failed' -e 'no summary line' "$out"; }; then
		echo "--- the last 40 lines of $log"
		tr -d '\r\0' <"$log" | grep -av '^LWVM-WATCH .* ps ' | tail -n 40
		echo "---"
	fi
	rm -f "$out"
done
echo
echo "Kernel matrix:"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
