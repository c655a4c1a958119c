#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Identity on every cgroup layout, end to end on this hybrid host (v1
# controllers under /sys/fs/cgroup/*, v2 at /sys/fs/cgroup/unified), with
# the real daemon and real leaking clients (leak.example.net ->
# 198.18.0.7, no route) in the test's namespace:
#
# - v1 lines: a process placed the way a v1 runtime places it (its v2
#   membership left at the root, /docker/<id> in the v1 name=systemd and
#   memory hierarchies) is reported with the id from the v1 line, and
#   process.cgroup_source says which line;
# - gone before /proc is read (the daemon frozen with SIGSTOP while the
#   client runs, its cgroups removed before it resumes): the container id
#   comes from the kernel's cgroup ids and the cgroup-creation events,
#   cgroup_source "kernel", from the v2 and from the v1 memory hierarchy;
# - `ip netns exec NS leakwatch daemon|run` (no cgroup mount visible in
#   there): leakwatch mounts cgroup2 privately, both catch the leak, and no
#   mount is left in the host's namespace;
# - a daemon in its own pid namespace (unshare --pid --mount-proc): a
#   client inside it is reported under its pid there (host_pid the host's);
#   one outside it gets outside_pid_namespace, exe and cmdline null, and
#   never another process's details;
# - a daemon in a private cgroup namespace says, in one line, that it
#   watches only that subtree.
#
# Every cgroup made is under lwe<PID> of each hierarchy; all are removed
# (processes moved back to the root first) at exit.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect

CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
V1MEM=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
V1SD=$(awk '$3 == "cgroup" && $4 ~ /(^|,)name=systemd(,|$)/ { print $2; exit }' /proc/mounts)
# This project's machines are hybrid: a missing hierarchy is a failure,
# unless LW_CG_V1_OPTIONAL=1 says the host cannot have one (the kernel
# matrix: Debian's 6.12 is built without memcg v1). Then the cases that
# need v1 are skipped, by name, and the rest run.
HYBRID=1
if [ -z "$CG2" ] || [ -z "$V1MEM" ] || [ -z "$V1SD" ]; then
	if [ -z "$CG2" ] || [ "${LW_CG_V1_OPTIONAL:-0}" != 1 ]; then
		lw_fail "$LW_TEST" "needs a hybrid host: cgroup2 '$CG2', v1 memory '$V1MEM', name=systemd '$V1SD'"
		exit 1
	fi
	HYBRID=
fi
PREFIX=lwe$$
_made=() # every cgroup directory made, parents first

# Remove what was made, deepest first; what cannot be removed yet (a
# process still exiting) stays listed for the next call.
cg_cleanup()
{
	local i d p root left=()
	for ((i = ${#_made[@]} - 1; i >= 0; i--)); do
		d=${_made[i]}
		[ -d "$d" ] || continue
		case "$d" in "$CG2"/*) root=$CG2 ;; "${V1MEM:-/nonexistent}"/*) root=$V1MEM ;; *) root=$V1SD ;; esac
		while read -r p; do
			[ -n "$p" ] && echo "$p" >"$root/cgroup.procs" 2>/dev/null
		done <"$d/cgroup.procs"
		for _ in $(seq 100); do
			rmdir "$d" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$d" ] && left=("$d" "${left[@]}")
	done
	_made=("${left[@]}")
}
# again after _lw_cleanup has killed what we started
trap 'cg_cleanup; _lw_cleanup; cg_cleanup' EXIT

MADE=
cg_make() # ROOT REL: mkdir -p under ROOT/$PREFIX, remembered; path in MADE
{
	local d=$1 part IFS=/
	for part in $PREFIX $2; do
		d=$d/$part
		if [ ! -d "$d" ]; then
			mkdir "$d" || return 1
			_made+=("$d")
		fi
	done
	MADE=$d
}

hex64() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

lw_setup
# leaks, then lives on for a second: /proc is read while it runs
cat >"$LW_TMP/alive.py" <<'EOF'
import socket, time
a = socket.getaddrinfo("leak.example.net", 80, socket.AF_INET)[0][4]
s = socket.socket()
try:
    s.connect(a)
except OSError:
    pass
time.sleep(1)
EOF

# --- the daemon ------------------------------------------------------------
DPID=
DOUT=
DERR=
daemon_start() # NAME [WRAPPER...]: leakwatch daemon (through WRAPPER), ready
{
	local name=$1
	shift
	DOUT=$LW_TMP/$name.jsonl DERR=$LW_TMP/$name.err
	"$@" "$LW_BIN" daemon --config "$LW_CONF" --output "$DOUT" </dev/null >/dev/null 2>"$DERR" &
	DPID=$!
	_lw_track "$DPID"
	for _ in $(seq 200); do
		grep -q 'leakwatch: watching the host' "$DERR" && return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	lw_log "daemon $name did not start: $(head -c 400 "$DERR")"
	return 1
}

daemon_stop() # -> its exit status in DRC
{
	kill -TERM "$DPID" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$DPID" 2>/dev/null
	DRC=$?
}

# The process line of PID's report in FILE must have KEY=VALUE... ("-" for
# null, true/false for booleans); also a direct verdict.
expect_process() # FILE PID KEY=VALUE...
{
	local f=$1 pid=$2 out
	shift 2
	lw_expect "$f" has-verdict --pid "$pid" --kind direct --address 198.18.0.7
	out=$("$LW_PY" - "$f" "$pid" "$@" <<-'EOF'
		import json, sys
		path, pid = sys.argv[1], int(sys.argv[2])
		want = {}
		for kv in sys.argv[3:]:
		    k, v = kv.split("=", 1)
		    want[k] = {"-": None, "true": True, "false": False}.get(v, v)
		    if k in ("pid", "host_pid", "ppid") and v != "-":
		        want[k] = int(v)
		seen = False
		for line in open(path, encoding="utf-8"):
		    o = json.loads(line)
		    p = o.get("process") or {}
		    if o["type"] != "report" or pid not in (p.get("pid"), p.get("host_pid")):
		        continue
		    seen = True
		    for k, v in want.items():
		        if p.get(k, "<absent>") != v:
		            print(f"process.{k} is {p.get(k, '<absent>')!r}, want {v!r}")
		            sys.exit(1)
		if not seen:
		    print(f"no report line for pid {pid}")
		    sys.exit(1)
		EOF
	) || _lw_because "$out"
}

# A client placed in the cgroups given (full paths of cgroup.procs' dirs),
# then exec'd in $LW_NS: writes its pid to PIDFILE. CMD is tcp-connect
# (leaks and exits at once) or alive (leaks, then stays a second).
client() # PIDFILE CMD CGROUP-DIR...
{
	local pidf=$1 cmd=$2
	shift 2
	local prog=("$LW_HELPERS/tcp-connect" leak.example.net 80)
	[ "$cmd" = alive ] && prog=("$LW_PY" "$LW_TMP/alive.py")
	rm -f "$pidf"
	# shellcheck disable=SC2016 # the inner sh's $$ and $@
	sh -c 'pidf=$1 ns=$2; shift 2
		while [ "$1" != -- ]; do echo $$ >"$1/cgroup.procs" || exit 1; shift; done
		shift; echo $$ >"$pidf"; exec ip netns exec "$ns" "$@"' \
		sh "$pidf" "$LW_NS" "$@" -- "${prog[@]}" >>"$LW_TMP/clients.out" 2>&1
}

# --- 1. identity from the v1 lines, /proc read while the process lives ----
if [ -n "$HYBRID" ]; then
	id_sd=$(hex64) id_mem=$(hex64)
	if ! daemon_start v1; then
		lw_fail "$LW_TEST" "daemon did not start"
		exit 1
	fi
	# docker's cgroupfs driver on v1: /docker/<id> in every v1 hierarchy, the
	# v2 membership left at the root
	cg_make "$V1SD" "docker/$id_sd" && sd_dir=$MADE
	cg_make "$V1MEM" "docker/$id_sd" && mem_dir=$MADE
	client "$LW_TMP/v1sd.pid" alive "$CG2" "$sd_dir" "$mem_dir"
	pid_sd=$(cat "$LW_TMP/v1sd.pid" 2>/dev/null)
	# only the memory hierarchy names it (systemd's line at our prefix only)
	cg_make "$V1SD" "host.scope" && sd_plain=$MADE
	cg_make "$V1MEM" "docker/$id_mem" && mem_only=$MADE
	client "$LW_TMP/v1mem.pid" alive "$CG2" "$sd_plain" "$mem_only"
	pid_mem=$(cat "$LW_TMP/v1mem.pid" 2>/dev/null)
	daemon_stop

	lw_begin layouts-v1-name-systemd-line
	[ "$DRC" = 0 ] || _lw_because "daemon exit status $DRC"
	expect_process "$DOUT" "${pid_sd:-0}" container_id="$id_sd" container_runtime=docker \
		cgroup_source=v1:name=systemd cgroup=/ exited_before_read=false
	lw_end
	lw_begin layouts-v1-memory-line
	expect_process "$DOUT" "${pid_mem:-0}" container_id="$id_mem" container_runtime=docker \
		cgroup_source=v1:memory cgroup=/ exited_before_read=false
	lw_end
	cg_cleanup
else
	lw_skip layouts-v1-name-systemd-line "no v1 name=systemd and memory hierarchies here"
	lw_skip layouts-v1-memory-line "no v1 name=systemd and memory hierarchies here"
fi

# --- 2. gone before /proc was read: the kernel's cgroup ids ---------------
id_k2=$(hex64) id_k1=$(hex64)
if ! daemon_start kernel; then
	lw_fail "$LW_TEST" "daemon did not start"
	exit 1
fi
kill -STOP "$DPID"
# v2: a docker-systemd-shaped scope; the client leaks and exits at once
cg_make "$CG2" "system.slice/docker-$id_k2.scope" && k2_dir=$MADE
client "$LW_TMP/k2.pid" once "$k2_dir"
pid_k2=$(cat "$LW_TMP/k2.pid" 2>/dev/null)
# v1 memory only, v2 at the root
if [ -n "$HYBRID" ]; then
	cg_make "$V1MEM" "docker/$id_k1" && k1_dir=$MADE
	client "$LW_TMP/k1.pid" once "$CG2" "$k1_dir"
	pid_k1=$(cat "$LW_TMP/k1.pid" 2>/dev/null)
fi
# the cgroups go too: only the creation events still know the paths
cg_cleanup
kill -CONT "$DPID"
sleep 1
daemon_stop

lw_begin layouts-gone-before-read-v2-kernel-id
[ "$DRC" = 0 ] || _lw_because "daemon exit status $DRC"
expect_process "$DOUT" "${pid_k2:-0}" container_id="$id_k2" container_runtime=docker \
	cgroup_source=kernel exited_before_read=true "cgroup=/$PREFIX/system.slice/docker-$id_k2.scope"
lw_end
if [ -n "$HYBRID" ]; then
	lw_begin layouts-gone-before-read-v1-memory-kernel-id
	expect_process "$DOUT" "${pid_k1:-0}" container_id="$id_k1" container_runtime=docker \
		cgroup_source=kernel exited_before_read=true
	lw_end
else
	lw_skip layouts-gone-before-read-v1-memory-kernel-id "no v1 memory hierarchy here"
fi

# --- 3. ip netns exec NS leakwatch ... ---------------------------------------
mounted_private() { grep -c " /run/leakwatch/cgroup2 " /proc/self/mountinfo; }
lw_begin layouts-netns-exec-daemon
if daemon_start netns ip netns exec "$LW_NS"; then
	client "$LW_TMP/nd.pid" alive "$CG2"
	pid_nd=$(cat "$LW_TMP/nd.pid" 2>/dev/null)
	daemon_stop
	[ "$DRC" = 0 ] || _lw_because "daemon exit status $DRC"
	expect_process "$DOUT" "${pid_nd:-0}" cgroup_source=v2 exited_before_read=false
else
	_lw_because "daemon under ip netns exec did not start: $(head -c 300 "$DERR")"
fi
[ "$(mounted_private)" = 0 ] || _lw_because "a cgroup2 mount leaked into the host's namespace"
lw_end

lw_begin layouts-netns-exec-run
r=$LW_TMP/netns-run.jsonl
timeout -k 5 "$LW_RUN_TIMEOUT" ip netns exec "$LW_NS" "$LW_BIN" run --config "$LW_CONF" \
	--report "$r" -- "$LW_HELPERS/tcp-connect" leak.example.net 80 \
	>"$LW_TMP/netns-run.out" 2>"$LW_TMP/netns-run.err"
LW_RC=$? LW_ERR=$LW_TMP/netns-run.err LW_OUT=$LW_TMP/netns-run.out
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --address 198.18.0.7 --port 80
[ "$(mounted_private)" = 0 ] || _lw_because "a cgroup2 mount leaked into the host's namespace"
lw_end

# --- 4. a daemon in its own pid namespace ---------------------------------------
# Inside: the daemon and a client started next to it, in the same pid
# namespace (its /proc is that namespace's).
lw_begin layouts-pidns-inside-and-outside
inner=$LW_TMP/pidns-inner.sh
cat >"$inner" <<-EOF
	#!/bin/sh
	"$LW_BIN" daemon --config "$LW_CONF" --output "$LW_TMP/pidns.jsonl" 2>"$LW_TMP/pidns.err" &
	d=\$!
	for i in \$(seq 200); do
		grep -q 'leakwatch: watching the host' "$LW_TMP/pidns.err" && break
		sleep 0.1
	done
	# a client inside, and one outside (started by the test on the signal file)
	sh -c 'echo \$\$ >"$LW_TMP/pidns-in.nspid"
		exec ip netns exec "$LW_NS" "$LW_PY" "$LW_TMP/alive.py"' >/dev/null 2>&1
	touch "$LW_TMP/pidns.ready"
	while [ ! -e "$LW_TMP/pidns.done" ]; do sleep 0.1; done
	kill -TERM \$d
	wait \$d
	echo \$? >"$LW_TMP/pidns.rc"
EOF
chmod +x "$inner"
unshare --pid --fork --mount-proc "$inner" </dev/null >/dev/null 2>&1 &
ns_pid=$!
_lw_track "$ns_pid"
for _ in $(seq 300); do
	[ -e "$LW_TMP/pidns.ready" ] && break
	sleep 0.1
done
[ -e "$LW_TMP/pidns.ready" ] || _lw_because "the daemon in a pid namespace did not start: $(head -c 300 "$LW_TMP/pidns.err")"
client "$LW_TMP/pidns-out.pid" alive "$CG2"
pid_out=$(cat "$LW_TMP/pidns-out.pid" 2>/dev/null)
sleep 0.5
touch "$LW_TMP/pidns.done"
# (a daemon watching a busy host may take a while to report it all)
for _ in $(seq 300); do
	[ -s "$LW_TMP/pidns.rc" ] && break
	sleep 0.1
done
[ "$(cat "$LW_TMP/pidns.rc" 2>/dev/null)" = 0 ] || _lw_because "daemon in the pid namespace: exit status $(cat "$LW_TMP/pidns.rc" 2>/dev/null)"
# (a zombie until waited for: look at its state)
for _ in $(seq 300); do
	case "$(cut -d' ' -f3 "/proc/$ns_pid/stat" 2>/dev/null)" in Z | "") break ;; esac
	sleep 0.1
done
case "$(cut -d' ' -f3 "/proc/$ns_pid/stat" 2>/dev/null)" in
Z | "") wait "$ns_pid" 2>/dev/null ;;
*) _lw_because "the pid namespace's init did not exit" ;;
esac
in_nspid=$(cat "$LW_TMP/pidns-in.nspid" 2>/dev/null)
# the client's pid on the host: the host's view of its stat line is lost
# with it, so find it by its report's host_pid, which must differ
expect_process "$LW_TMP/pidns.jsonl" "${in_nspid:-0}" pid="${in_nspid:-0}" \
	outside_pid_namespace=false comm=python3 exited_before_read=false
"$LW_PY" - "$LW_TMP/pidns.jsonl" "${in_nspid:-0}" "${pid_out:-0}" <<-'EOF' || _lw_because "pid namespace: $(cat "$LW_TMP/pidns.why" 2>/dev/null)"
	import json, sys
	path, inner, outer = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	why = open(path.replace("pidns.jsonl", "pidns.why"), "w")
	reps = [json.loads(l) for l in open(path)]
	reps = [o["process"] for o in reps if o["type"] == "report"]
	mine = [p for p in reps if p["pid"] == inner and p["comm"] == "python3"]
	if not mine or mine[0]["host_pid"] == inner or mine[0]["exe"] is None:
	    why.write(f"inside client: {mine}"); sys.exit(1)
	out = [p for p in reps if p["host_pid"] == outer]
	if not out:
	    why.write(f"no report for the outside client {outer}"); sys.exit(1)
	p = out[0]
	if not (p["outside_pid_namespace"] and p["exe"] is None and p["cmdline"] is None
	        and p["pid"] == outer and p["exited_before_read"] is False):
	    why.write(f"outside client: {p}"); sys.exit(1)
	EOF
expect_process "$LW_TMP/pidns.jsonl" "${pid_out:-0}" outside_pid_namespace=true exe=- cmdline=-
lw_end

# --- 5. a daemon in a private cgroup namespace ------------------------------------
# It joins a cgroup of ours, unshares its cgroup (and mount) namespace and
# mounts cgroup2 there: the mount's root is that cgroup, not the host's.
lw_begin layouts-private-cgroupns-says-what-is-watched
cg_make "$CG2" "cgns" && cgns_dir=$MADE
cg_make "$CG2" "cgns/work" && cgns_work=$MADE
cgns_sh=$LW_TMP/cgns.sh
cat >"$cgns_sh" <<-EOF
	#!/bin/sh
	echo \$\$ >"$cgns_dir/cgroup.procs" || exit 1
	exec unshare --cgroup --mount --propagation private \\
		sh -c 'umount -l "$CG2" && mount -t cgroup2 cgroup2 "$CG2" && exec "\$@"' sh "\$@"
EOF
chmod +x "$cgns_sh"
daemon_start cgns "$cgns_sh"
if [ -n "$DPID" ] && grep -q 'leakwatch: watching the host' "$DERR"; then
	cgns_id=$(stat -c %i "$cgns_dir")
	grep -q "^leakwatch: only processes under cgroup id $cgns_id are watched: " "$DERR" ||
		_lw_because "no line saying what is watched (cgroup id $cgns_id): $(head -c 400 "$DERR")"
	client "$LW_TMP/cgns.pid" alive "$cgns_work"
	pid_cgns=$(cat "$LW_TMP/cgns.pid" 2>/dev/null)
	daemon_stop
	[ "$DRC" = 0 ] || _lw_because "daemon exit status $DRC"
	# inside the namespace, paths are from its root
	expect_process "$DOUT" "${pid_cgns:-0}" cgroup=/work cgroup_source=v2
else
	_lw_because "daemon in a cgroup namespace did not start: $(head -c 300 "$DERR")"
fi
lw_end

# Nothing of ours is left in any hierarchy.
lw_begin layouts-cgroups-removed
cg_cleanup
for h in "$CG2" ${V1MEM:+"$V1MEM"} ${V1SD:+"$V1SD"}; do
	[ -e "$h/$PREFIX" ] && _lw_because "$h/$PREFIX was not removed: $(find "$h/$PREFIX" -type d | tr '\n' ' ')"
done
lw_end
