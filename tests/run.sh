#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Runs the test suites and counts the lines every test prints:
#   PASS: name    FAIL: name: why    SKIP: name: why
# A test program that dies without saying FAIL is counted as a failure too.
# Under CI (CI=true) a skipped test is a failure: CI must run everything.
#
# Usage: tests/run.sh [unit|bpf|e2e|NAME-FILTER]...   (default: all suites)
set -u
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-.output}
export OUTPUT LW_BIN=${LW_BIN:-$PWD/leakwatch}

passed=0 failed=0 skipped=0
failures=() skips=()

run_one() {	# run_one LABEL CMD...
	local label=$1 out rc
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	local p f s
	p=$(grep -c '^PASS: ' "$out")
	f=$(grep -c '^FAIL: ' "$out")
	s=$(grep -c '^SKIP: ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $label: exited with status $rc without a FAIL line" >>"$out"
		f=1
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		echo "FAIL: $label: ran no test" >>"$out"
		f=1
	fi
	# Show failures and skips in full, passes as one line each.
	grep -E '^(PASS|FAIL|SKIP): ' "$out" | sed "s|^|[$label] |"
	if [ "$f" -gt 0 ]; then
		echo "----- output of $label -----"
		tail -n 60 "$out"
		echo "-----"
		mapfile -t lines < <(grep '^FAIL: ' "$out" | sed "s|^FAIL: |$label: |")
		failures+=("${lines[@]}")
	fi
	if [ "$s" -gt 0 ]; then
		mapfile -t lines < <(grep '^SKIP: ' "$out" | sed "s|^SKIP: |$label: |")
		skips+=("${lines[@]}")
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	rm -f "$out"
}

want() {	# want SUITE NAME: is this test selected?
	[ ${#filters[@]} -eq 0 ] && return 0
	local x
	for x in "${filters[@]}"; do
		[ "$x" = "$1" ] && return 0
		case "$2" in *"$x"*) return 0 ;; esac
	done
	return 1
}

filters=("$@")

for t in "$OUTPUT"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if [ -f "tests/unit/$name.c" ]; then
		want unit "$name" && run_one "$name" "$t"
	elif [ -f "tests/bpf/$name.c" ]; then
		want bpf "$name" && run_one "$name" "$t"
	fi
done

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	want e2e "$name" && run_one "$name" bash "$t"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "Failed:"
	printf '  %s\n' "${failures[@]}"
fi
if [ ${#skips[@]} -gt 0 ]; then
	echo "Skipped:"
	printf '  %s\n' "${skips[@]}"
fi
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "CI=true: counting $skipped skipped test(s) as failed"
	failed=$((failed + skipped))
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
