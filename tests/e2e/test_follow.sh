#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What `run` watches (bpf/watch.bpf.c), without a container engine
# (test_engines.sh has docker and podman): a watched process is followed
# into any cgroup it moves to; a process moved into run's cgroup from
# outside becomes watched; and a watched process that leaves the cgroup
# tree leakwatch can see (its cgroup v2 mount is a subtree: a private
# cgroup namespace, as inside a container) is named on stderr, makes the
# summary incomplete, and fails the gate with exit 4 unless
# --allow-incomplete. Leaks are the usual one: leak.test -> 198.18.0.8,
# declared global, connect fails with ENETUNREACH in the sandbox.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
command -v unshare >/dev/null || { lw_fail "$LW_TEST" "unshare missing (util-linux)"; exit 1; }
lw_setup

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CLIENT=$LW_HELPERS/tcp-connect

# summary_get REPORT EXPR: a Python expression over the summary line `s`.
summary_get()
{
	"$LW_PY" -c 'import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# Wait until FILE is not empty (up to 10 s).
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

# --- a watched process moves to another cgroup: still watched -------------------------
# Not lw_cgroup_create in $(...): the list of cgroups to remove at exit
# must be this shell's.
mkcg() { mkdir "$CG2/$1" && _lw_cgroups+=("$CG2/$1"); }
mkcg "${LW_PREFIX}$$-moved" || { lw_fail "$LW_TEST" "cannot make a cgroup"; exit 1; }
moved=$CG2/${LW_PREFIX}$$-moved
r=$LW_TMP/moved.jsonl
# shellcheck disable=SC2016 # the inner sh's
timeout -k 5 "$LW_RUN_TIMEOUT" "$LW_BIN" run -v --engine-containers ignore \
	--config "$LW_CONF" --report "$r" -- \
	sh -c 'echo $$ >"$1/cgroup.procs" && exec ip netns exec "$2" "$3" leak.test 80' sh \
	"$moved" "$LW_NS" "$CLIENT" >"$LW_TMP/moved.out" 2>"$LW_TMP/moved.err"
LW_RC=$? LW_ERR=$LW_TMP/moved.err
lw_begin follow-moved-to-another-cgroup
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --address 198.18.0.8
[ "$(summary_get "$r" 's["followed"]["moved"]')" -ge 1 ] 2>/dev/null ||
	_lw_because "summary followed.moved is $(summary_get "$r" 's.get("followed")')"
[ "$(summary_get "$r" 's["complete"]')" = True ] || _lw_because "summary not complete"
grep -q "moved to ${moved#"$CG2"}: still watched" "$LW_ERR" || _lw_because "no -v line for the move"
lw_end

# --- an outside process moved into run's cgroup becomes watched -----------------------
r=$LW_TMP/entered.jsonl
pidf=$LW_TMP/entered.pid go=$LW_TMP/entered.go
rm -f "$pidf" "$go"
# The outsider waits for $go, then leaks; it is not a descendant of run.
# shellcheck disable=SC2016 # the inner sh's
ip netns exec "$LW_NS" sh -c 'echo $$ >"$1"; while [ ! -e "$2" ]; do sleep 0.05; done
	exec "$3" leak.test 80' sh "$pidf" "$go" "$CLIENT" >"$LW_TMP/entered.client" 2>&1 &
wait_file "$pidf" && _lw_track "$(cat "$pidf")"
# Not under timeout(1): the cgroup is named after leakwatch's own pid.
"$LW_BIN" run --engine-containers ignore --config "$LW_CONF" --report "$r" -- \
	sh -c 'sleep 3' >"$LW_TMP/entered.out" 2>"$LW_TMP/entered.err" &
run_pid=$!
_lw_track "$run_pid"
runcg=
for _ in $(seq 100); do
	runcg=$(find "$CG2" -maxdepth 1 -name "leakwatch-run-$run_pid-*" | head -1)
	[ -n "$runcg" ] && grep -q . "$runcg/cgroup.procs" 2>/dev/null && break
	sleep 0.05
done
[ -n "$runcg" ] && echo "$(cat "$pidf")" >"$runcg/cgroup.procs" && touch "$go"
wait "$run_pid"
LW_RC=$? LW_ERR=$LW_TMP/entered.err
lw_begin follow-moved-into-run-cgroup
[ -n "$runcg" ] || _lw_because "run's cgroup not found"
lw_expect_rc 3
lw_expect "$r" has-verdict --pid "$(cat "$pidf")" --kind direct --address 198.18.0.8
[ "$(summary_get "$r" 's["followed"]["entered"]')" = 1 ] ||
	_lw_because "summary followed is $(summary_get "$r" 's.get("followed")')"
lw_end

# --- a watched process leaves the tree leakwatch sees --------------------------------
# leakwatch runs in a private cgroup namespace whose root is a child cgroup
# (sub), with that namespace's cgroup2 mounted where the host's was: the
# hierarchy it sees is sub's subtree, as inside a container. COMMAND is
# moved (by this script, from outside) to the host's root cgroup, where the
# hooks do not reach: an escape, reported, the gate fails.
mkcg "${LW_PREFIX}$$-sub" || { lw_fail "$LW_TEST" "cannot make a cgroup"; exit 1; }
sub=$CG2/${LW_PREFIX}$$-sub
# In the new cgroup and mount namespaces: hide the host's cgroup2 mount
# under the namespace's own, then run leakwatch. COMMAND writes its pid and
# waits for the go file before it leaks.
cat >"$LW_TMP/in-cgroupns.sh" <<'EOF2'
set -e
mnt=$1 pidf=$2 go=$3 ns=$4 client=$5
shift 5
umount -l "$mnt"
mount -t cgroup2 none "$mnt"
# shellcheck disable=SC2016 # the inner sh's
exec "$@" -- sh -c 'echo $$ >"$1"; while [ ! -e "$2" ]; do sleep 0.05; done
	exec ip netns exec "$3" "$4" leak.test 80' sh "$pidf" "$go" "$ns" "$client"
EOF2

escape_run() # NAME [RUN-OPTION...]
{
	local name=$1 lw
	shift
	r=$LW_TMP/$name.jsonl pidf=$LW_TMP/$name.pid go=$LW_TMP/$name.go
	rm -f "$pidf" "$go"
	# shellcheck disable=SC2016 # the inner sh's
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$sub" \
		unshare --cgroup --mount --propagation private \
		bash "$LW_TMP/in-cgroupns.sh" "$CG2" "$pidf" "$go" "$LW_NS" "$CLIENT" \
		"$LW_BIN" run --engine-containers ignore --config "$LW_CONF" --report "$r" "$@" \
		>"$LW_TMP/$name.out" 2>"$LW_TMP/$name.err" &
	lw=$!
	if wait_file "$pidf"; then
		_lw_track "$(cat "$pidf")"
		echo "$(cat "$pidf")" >"$CG2/cgroup.procs"
		touch "$go"
	fi
	wait "$lw"
	LW_RC=$? LW_ERR=$LW_TMP/$name.err
}

escape_run escape
lw_begin follow-escape-reported-and-fails
lw_expect_rc 4
grep -q "left the watched cgroup tree for /: not watched" "$LW_ERR" ||
	_lw_because "no stderr line naming the escape"
grep -q "is not the cgroup v2 root" "$LW_ERR" || _lw_because "no line saying it sees a subtree"
[ "$(summary_get "$r" 's["complete"]')" = False ] || _lw_because "summary says complete"
summary_get "$r" 's["incomplete"]' | grep -q "left the watched cgroup tree" ||
	_lw_because "summary incomplete[] is $(summary_get "$r" 's.get("incomplete")')"
[ "$(summary_get "$r" 's["escaped"]')" = 1 ] || _lw_because "summary escaped != 1"
lw_end

escape_run escape-allowed --allow-incomplete
lw_begin follow-escape-allow-incomplete
lw_expect_rc 0
grep -q "COMMAND's own status" "$LW_ERR" || _lw_because "no line naming COMMAND's status"
[ "$(summary_get "$r" 's["complete"]')" = False ] || _lw_because "summary says complete"
lw_end

# --- the exit line tells a leak's 3 from COMMAND's own 3 ------------------------------
lw_run_in "$LW_NS" "$LW_TMP/own3.jsonl" --config "$LW_CONF" -- sh -c 'exit 3'
lw_begin follow-exit-line-names-command-status
lw_expect_rc 3
grep -q "leakwatch run: exit 3: COMMAND's own status" "$LW_ERR" || _lw_because "no exit line"
lw_end

# The processes moved to the root are gone; the cgroups go at exit.
