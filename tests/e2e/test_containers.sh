#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Container and pod attribution (README "The report" process.container_id,
# pod_uid; and the additive container_runtime, pod_qos), end to end: with
# `leakwatch daemon` running, the test makes real cgroup v2 directories
# named the way container runtimes and the kubelet name theirs, moves a
# shell into each (echo $$ > cgroup.procs), and that shell execs a client
# that leaks (leak.example.net -> 198.18.0.7, no route) in the test's
# namespace. The report of that process must carry the identity the path
# encodes.
#
# Every cgroup is made under a parent of the test's own (lwe<PID>.slice),
# never beside a real runtime's kubepods.slice or docker/, the way nested
# nodes (kind, docker-in-docker) look; the parser reads every component of
# the path. No controllers are enabled: only membership matters. At the end
# (or on any exit) processes still in them are moved back to the root, and
# the directories are removed deepest first.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect

CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG_ROOT" ] || [ ! -w "$CG_ROOT/cgroup.procs" ]; then
	lw_skip "$LW_TEST" "no writable cgroup v2 mount"
	exit 0
fi
CG_TOP=$CG_ROOT/lwe$$.slice
CG=
_cg_made=()	# every directory made, parents first

cg_cleanup()
{
	local i d p
	for ((i = ${#_cg_made[@]} - 1; i >= 0; i--)); do
		d=${_cg_made[i]}
		[ -d "$d" ] || continue
		# move out whatever still lives there (ours: the dirs are ours)
		while read -r p; do
			[ -n "$p" ] && echo "$p" >"$CG_ROOT/cgroup.procs" 2>/dev/null
		done <"$d/cgroup.procs"
		for _ in $(seq 20); do
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
	done
	_cg_made=()
}
trap 'cg_cleanup; _lw_cleanup' EXIT

# Not in $(...): the list of directories made must survive.
cg_make()	# RELATIVE-PATH (under $CG_TOP) -> its full path in CG
{
	local rel=$1 d=$CG_TOP part
	if [ ! -d "$d" ]; then
		mkdir "$d" || return 1
		_cg_made+=("$d")
	fi
	local IFS=/
	for part in $rel; do
		d=$d/$part
		if [ ! -d "$d" ]; then
			mkdir "$d" || return 1
			_cg_made+=("$d")
		fi
	done
	CG=$d
}

hex64() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
uuid() { cat /proc/sys/kernel/random/uuid; }

lw_setup

DAEMON_REPORT=$LW_TMP/daemon.jsonl
DAEMON_ERR=$LW_TMP/daemon.err
"$LW_BIN" daemon --config "$LW_CONF" --output "$DAEMON_REPORT" \
	</dev/null >/dev/null 2>"$DAEMON_ERR" &
daemon_pid=$!
_lw_track "$daemon_pid"
for _ in $(seq 200); do
	grep -q 'leakwatch: watching the host' "$DAEMON_ERR" && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q 'leakwatch: watching the host' "$DAEMON_ERR"; then
	lw_fail "$LW_TEST" "daemon did not start: $(head -c 300 "$DAEMON_ERR")"
	exit 1
fi

declare -A PID CGPATH WANT

# leak_in NAME CGROUP-REL-PATH EXPECTED: a shell joins the cgroup, then
# execs the leaking client in $LW_NS. EXPECTED: container_id runtime
# pod_uid qos, "-" for null.
leak_in()
{
	local name=$1 rel=$2 cg pidf=$LW_TMP/$1.pid
	shift 2
	WANT[$name]="$*"
	if ! cg_make "$rel"; then
		lw_fail "containers-$name" "could not make cgroup $rel"
		return 1
	fi
	cg=$CG
	CGPATH[$name]=${cg#"$CG_ROOT"}
	rm -f "$pidf"
	# shellcheck disable=SC2016 # the inner sh's $$, $0, $1
	sh -c 'echo $$ >"$1/cgroup.procs" && echo $$ >"$0" &&
		exec ip netns exec "$2" "$3" leak.example.net 80' \
		"$pidf" "$cg" "$LW_NS" "$LW_HELPERS/tcp-connect" >"$LW_TMP/$name.out" 2>&1
	PID[$name]=$(cat "$pidf" 2>/dev/null)
}

uid1=$(uuid) uid2=$(uuid) uid3=$(uuid)
id1=$(hex64) id2=$(hex64) id3=$(hex64) id4=$(hex64) id5=$(hex64)

# Kubernetes, kubelet's systemd cgroup driver: '_' for '-' in the pod uid.
leak_in k8s-systemd-containerd-burstable \
	"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid1//-/_}.slice/cri-containerd-$id1.scope" \
	"$id1" containerd "$uid1" burstable
# Guaranteed pods have no QoS slice of their own; CRI-O names scopes crio-.
leak_in k8s-systemd-crio-guaranteed \
	"kubepods.slice/kubepods-pod${uid2//-/_}.slice/crio-$id2.scope" \
	"$id2" cri-o "$uid2" guaranteed
# Kubernetes, cgroupfs driver: /kubepods/QOS/pod<uid>/<id>.
leak_in k8s-cgroupfs-besteffort "kubepods/besteffort/pod$uid3/$id3" \
	"$id3" containerd "$uid3" besteffort
# Docker, cgroupfs driver and systemd driver.
leak_in docker-cgroupfs "docker/$id4" "$id4" docker - -
leak_in docker-systemd "system.slice/docker-$id5.scope" "$id5" docker - -
# Not a container.
leak_in plain "user.slice/lwe-session.scope" - - - -

# The processes are gone; stop the daemon (it writes the rest, a summary).
kill -TERM "$daemon_pid"
for _ in $(seq 100); do
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$daemon_pid" 2>/dev/null
rc=$?
cg_cleanup

lw_begin containers-daemon-report
[ "$rc" = 0 ] || _lw_because "daemon exit status $rc"
lw_expect "$DAEMON_REPORT" valid
[ -d "$CG_TOP" ] && _lw_because "cgroup $CG_TOP was not removed"
lw_end

# check NAME: the report line (and the event line) of the process carries
# the cgroup path and the identity it encodes; the leak itself is there.
check()
{
	local name=$1 out
	lw_begin "containers-$name"
	if [ -z "${PID[$name]}" ]; then
		_lw_because "the client did not start: $(head -c 200 "$LW_TMP/$name.out")"
		lw_end
		return
	fi
	lw_expect "$DAEMON_REPORT" has-verdict --pid "${PID[$name]}" --kind direct \
		--address 198.18.0.7
	# shellcheck disable=SC2086 # WANT splits into the four fields on purpose
	out=$("$LW_PY" - "$DAEMON_REPORT" "${PID[$name]}" "${CGPATH[$name]}" ${WANT[$name]} \
		<<-'EOF'
		import json, sys
		path, pid, cg = sys.argv[1], int(sys.argv[2]), sys.argv[3]
		want = dict(zip(("container_id", "container_runtime", "pod_uid", "pod_qos"),
		                (None if x == "-" else x for x in sys.argv[4:8])))
		want["cgroup"] = cg
		kinds = set()
		for line in open(path, encoding="utf-8"):
		    o = json.loads(line)
		    p = o.get("process") or {}
		    if p.get("pid") != pid or o["type"] not in ("report", "event"):
		        continue
		    kinds.add(o["type"])
		    for k, v in want.items():
		        if p.get(k, "<absent>") != v:
		            print(f"{o['type']} line: process.{k} is {p.get(k, '<absent>')!r}, want {v!r}")
		            sys.exit(1)
		if kinds != {"report", "event"}:
		    print(f"pid {pid}: lines of type {sorted(kinds)}, want a report and an event")
		    sys.exit(1)
		EOF
	) || _lw_because "$out"
	lw_end
}

for n in k8s-systemd-containerd-burstable k8s-systemd-crio-guaranteed k8s-cgroupfs-besteffort \
	docker-cgroupfs docker-systemd plain; do
	check "$n"
done
