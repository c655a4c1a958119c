# shellcheck shell=bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Real container engines for the end-to-end tests (sourced after lib.sh):
# a private dockerd with its own containerd, podman with its own storage,
# runc, and images built FROM scratch around the static musl client
# `leak` (no registry is reachable from these machines).
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/engines.sh"
#	lw_require_root
#	eng_require docker podman
#	lw_setup
#	eng_init                      # cleanup trap, names, the rootfs tarball
#	eng_dockerd_start && eng_docker_image && eng_docker_sandbox
#	eng_run "$LW_TMP/r.jsonl" --config "$LW_CONF" -- \
#		"$ENG_DOCKER" run --rm "${ENG_DOCKER_NET[@]}" "$ENG_IMAGE" /leak leak.test 80
#
# Everything is named for the test's pid (lwe<PID>...): the dockerd and
# containerd (sockets, roots, pidfiles under $LW_TMP), the images, the
# containers, the sandbox netns, the cgroup parent the engines put their
# containers under ($ENG_CG: /lwe<PID>.eng/docker/<id> and
# /lwe<PID>.eng/libpod_parent/libpod-<id>, in the v2 hierarchy and in
# every v1 one), and the cleanup removes exactly those: containers by id,
# images by name, daemons by pid, cgroups deepest first, leftover mounts
# under $LW_TMP. An engine that cannot start is a FAIL with the tail of its
# own log, never a skip.
#
# Debian's clients are used by path (/usr/bin/docker: another docker client
# may come first in $PATH), with DOCKER_HOST and DOCKER_CONFIG pointing at
# ours, so this machine and a fresh one behave the same.
#
# Networking: podman joins a namespace the test made (--network
# ns:/run/netns/NAME). Docker cannot join a named namespace: a sandbox
# container with --network none holds one, `ip netns attach` names it, a
# dnsmasq (lw_dnsmasq_start) runs in it on 127.0.0.1:53, and the test's
# containers join it with --network container:SANDBOX. Every container gets
# a resolv.conf naming 127.0.0.1 (a read-only volume) so musl resolves
# through that dnsmasq; the namespaces have only lo, no route out.

ENG_DOCKER=${ENG_DOCKER:-/usr/bin/docker}
ENG_DOCKERD=${ENG_DOCKERD:-/usr/sbin/dockerd}
ENG_CONTAINERD=${ENG_CONTAINERD:-/usr/bin/containerd}
ENG_PODMAN=${ENG_PODMAN:-/usr/bin/podman}
ENG_RUNC=${ENG_RUNC:-/usr/sbin/runc}
ENG_COMPOSE=${ENG_COMPOSE:-/usr/bin/docker-compose}
ENG_BUSYBOX=${ENG_BUSYBOX:-/bin/busybox}
ENG_START_TIMEOUT=${ENG_START_TIMEOUT:-60}

ENG_CG2=	# the cgroup v2 mount
ENG_CG=	# lwe<PID>.eng: the parent of every container cgroup here
ENG_DIR=	# $LW_TMP/e: short (unix socket paths have 108 bytes)
ENG_RESOLV=	# resolv.conf for containers: nameserver 127.0.0.1
ENG_ROOTFS=	# the image's root: /leak, busybox
ENG_TARBALL=
ENG_IMAGE=	# lwe<PID>img:latest, in docker and in podman
ENG_DOCKER_SOCK=
ENG_DOCKER_SB=	# the docker sandbox container's id
ENG_DOCKER_NS=	# its namespace's name
ENG_DOCKER_NET=()	# docker run arguments: join the sandbox, its resolv.conf
ENG_PODMAN_NET=()	# podman run arguments: the test's netns, resolv.conf
ENG_PODMAN_CMD=()	# podman with our storage and this host's work-arounds
_ENG_OWNER=	# $LW_STATE_DIR/engines/$ENG_CG.owner (for _eng_sweep_stale)
_eng_daemons=()	# "name:pid:starttime", stopped last first
_eng_docker_ctrs=()
_eng_podman_ctrs=()
_eng_runc_ctrs=()
_eng_docker_images=()
_eng_podman_images=()
_eng_cgroups=()	# relative to each hierarchy, parents first
_eng_docker_up=
_eng_podman_up=

# Tools an engine test needs. Missing: SKIP (a failure under CI=true,
# where tests/install-deps.sh must have installed them).
eng_require()	# docker|podman|runc|compose...
{
	local e t tools=("$ENG_BUSYBOX" unshare nsenter) missing=()
	for e in "$@"; do
		case "$e" in
		docker) tools+=("$ENG_DOCKER" "$ENG_DOCKERD" "$ENG_CONTAINERD"
			/usr/bin/containerd-shim-runc-v2 "$ENG_RUNC") ;;
		podman) tools+=("$ENG_PODMAN" /usr/bin/conmon "$ENG_RUNC") ;;
		runc) tools+=("$ENG_RUNC") ;;
		compose) tools+=("$ENG_COMPOSE") ;;
		esac
	done
	for t in "${tools[@]}"; do
		[ -x "$t" ] || command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		lw_skip "$LW_TEST" "missing: ${missing[*]} (tests/install-deps.sh installs them)"
		exit 0
	fi
}

# The cleanup trap, names and the image's root. After lw_setup.
eng_init()
{
	ENG_CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if [ -z "$ENG_CG2" ]; then
		lw_fail "$LW_TEST" "no cgroup v2 mount in /proc/mounts"
		exit 1
	fi
	ENG_CG=lwe$$.eng
	ENG_DIR=$LW_TMP/e
	ENG_IMAGE=lwe$$img:latest
	mkdir -p "$ENG_DIR" "$LW_STATE_DIR/engines"
	_eng_sweep_stale
	_ENG_OWNER=$LW_STATE_DIR/engines/$ENG_CG.owner
	echo "$$ $(_lw_starttime $$) $ENG_DIR" >"$_ENG_OWNER"
	trap 'eng_cleanup; _lw_cleanup' EXIT
	if ! _eng_cgroup_parent; then
		lw_fail "$LW_TEST" "could not make the cgroup $ENG_CG"
		exit 1
	fi
	export DOCKER_CONFIG=$ENG_DIR/docker-cli
	mkdir -p "$DOCKER_CONFIG"
	echo "{}" >"$DOCKER_CONFIG/config.json"
	ENG_PODMAN_CMD=("$ENG_PODMAN" --root "$ENG_DIR/p/root" --runroot "$ENG_DIR/p/run"
		--tmpdir "$ENG_DIR/p/tmp" --runtime "$ENG_RUNC" --cgroup-manager cgroupfs
		--events-backend file --storage-driver overlay)
	ENG_RESOLV=$ENG_DIR/resolv.conf
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >"$ENG_RESOLV"
	eng_rootfs || {
		lw_fail "$LW_TEST" "could not build the image's root filesystem"
		exit 1
	}
}

# FROM scratch: the static client, busybox (sh, sleep), resolv.conf.
eng_rootfs()
{
	local r=$ENG_DIR/rootfs a
	ENG_ROOTFS=$r
	ENG_TARBALL=$ENG_DIR/image.tar
	mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" || return 1
	cp "$LW_HELPERS/leak" "$r/leak" && cp "$ENG_BUSYBOX" "$r/bin/busybox" || return 1
	for a in sh sleep cat echo true; do
		ln -sf busybox "$r/bin/$a"
	done
	cp "$ENG_RESOLV" "$r/etc/resolv.conf"
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\n' >"$r/etc/group"
	: >"$r/etc/hosts"
	tar -C "$r" -cf "$ENG_TARBALL" .
}

# The last lines of a log, indented, for a FAIL's context.
eng_log_tail()	# FILE [LINES]
{
	[ -s "$1" ] || return 0
	echo "  $(basename "$1") (last ${2:-15} lines):"
	tail -n "${2:-15}" "$1" | cut -c1-300 | sed 's/^/    /'
}

_eng_daemon_track()	# NAME PID
{
	local st
	st=$(_lw_starttime "$2") || return 0
	_eng_daemons+=("$1:$2:$st")
	echo "$2 $st" >>"$_ENG_OWNER"
}

# "pid starttime" of every process whose command line names DIR (a
# directory unique to one run: its daemons, shims, conmon), children first.
_eng_procs_of()	# DIR
{
	local c p pp s kids=() pids=()
	for c in /proc/[0-9]*/cmdline; do
		p=${c#/proc/}
		p=${p%/cmdline}
		tr '\0' ' ' <"$c" 2>/dev/null | grep -qF -- "$1" && pids+=("$p")
	done
	[ ${#pids[@]} -eq 0 ] && return 0
	for c in /proc/[0-9]*/stat; do
		p=${c#/proc/}
		p=${p%/stat}
		pp=$(_eng_ppid "$p") || continue
		for s in "${pids[@]}"; do
			[ "$pp" = "$s" ] && kids+=("$p")
		done
	done
	for p in "${kids[@]}" "${pids[@]}"; do
		[ "$p" = $$ ] && continue
		echo "$p $(_lw_starttime "$p")"
	done
}

_eng_ppid()	# PID: its parent's pid
{
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # split the fields on purpose
	set -- $s
	echo "$2"
}

# A run that died (SIGKILL) left its daemons, mounts and cgroups: its
# owner file ($LW_STATE_DIR/engines/lwe<PID>.eng.owner: the test's pid and
# start time, its directory, then each daemon's pid and start time) names
# them. Stop those daemons (if the pids still name them), unmount what is
# under its directory, remove its cgroup parent in every hierarchy.
_eng_sweep_stale()
{
	local f owner st dir cg pid pst h d
	for f in "$LW_STATE_DIR"/engines/lwe[0-9]*.eng.owner; do
		[ -f "$f" ] || continue
		{ read -r owner st dir || continue
			[ "$(_lw_starttime "$owner")" = "$st" ] && continue
			while read -r pid pst; do
				_eng_kill_wait "$pid" "$pst"
			done; } <"$f"
		cg=$(basename "$f" .owner)
		case "$dir" in /tmp/leakwatch-*/e)
			# shims and conmon outlive their daemons: they, and the
			# containers they hold, name our directory or are its children
			_eng_procs_of "$dir/" | while read -r pid pst; do
				_eng_kill_wait "$pid" "$pst"
			done
			awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
				while read -r m; do umount -l "$m" 2>/dev/null; done
			rm -rf "${dir%/e}" ;;
		esac
		for h in $(_eng_hierarchies); do
			[ -d "$h/$cg" ] || continue
			find "$h/$cg" -depth -type d 2>/dev/null | while read -r d; do
				_eng_rmdir "$h" "$d"
			done
		done
		rm -f "$f"
	done
}

# The cgroup parent the engines use, made in every hierarchy (v2 and v1)
# so the cleanup knows what to remove; dockerd and podman add their own
# children under it.
_eng_cgroup_parent()
{
	local h
	[ ${#_eng_cgroups[@]} -gt 0 ] && return 0
	_eng_cgroups=("$ENG_CG")
	for h in $(_eng_hierarchies); do
		mkdir -p "$h/$ENG_CG" || return 1
	done
}

_eng_hierarchies()	# every cgroup mount (v2 and each v1 hierarchy)
{
	awk '$3 == "cgroup2" || $3 == "cgroup" { print $2 }' /proc/mounts
}

# --- docker --------------------------------------------------------------------

# A containerd and a dockerd of our own, under $ENG_DIR; sets
# ENG_DOCKER_SOCK and exports DOCKER_HOST. Prints FAIL (with the daemons'
# log tails) and returns 1 when they do not come up.
eng_dockerd_start()
{
	local d=$ENG_DIR ok=
	_eng_cgroup_parent || return 1
	mkdir -p "$d/ctrd" "$d/ctrd-state" "$d/docker" "$d/dx"
	cat >"$d/containerd.toml" <<-EOF
		version = 2
		root = "$d/ctrd"
		state = "$d/ctrd-state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$d/ctrd.sock"
		[ttrpc]
		  address = "$d/ctrd.sock.ttrpc"
		[debug]
		  address = "$d/ctrd-debug.sock"
		  level = "warn"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$d/ctrd/opt"
	EOF
	"$ENG_CONTAINERD" --config "$d/containerd.toml" </dev/null >"$d/containerd.log" 2>&1 &
	_eng_daemon_track containerd $!
	for _ in $(seq $((ENG_START_TIMEOUT * 10))); do
		[ -S "$d/ctrd.sock" ] && break
		sleep 0.1
	done
	echo '{}' >"$d/daemon.json"
	ENG_DOCKER_SOCK=$d/docker.sock
	export DOCKER_HOST=unix://$ENG_DOCKER_SOCK
	"$ENG_DOCKERD" --config-file "$d/daemon.json" --data-root "$d/docker" \
		--exec-root "$d/dx" -H "unix://$ENG_DOCKER_SOCK" --pidfile "$d/docker.pid" \
		--containerd "$d/ctrd.sock" --containerd-namespace "lwe$$" \
		--containerd-plugins-namespace "lwe$$-plugins" \
		--bridge=none --iptables=false --ip6tables=false --ip-forward=false \
		--ip-masq=false --userland-proxy=false --storage-driver overlay2 \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$ENG_CG/docker" \
		--log-level warn </dev/null >"$d/dockerd.log" 2>&1 &
	_eng_daemon_track dockerd $!
	for _ in $(seq $((ENG_START_TIMEOUT * 10))); do
		if "$ENG_DOCKER" version >/dev/null 2>&1; then
			ok=1
			break
		fi
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$ok" ]; then
		lw_fail "$LW_TEST" "private dockerd did not start (socket $ENG_DOCKER_SOCK)"
		eng_log_tail "$d/dockerd.log"
		eng_log_tail "$d/containerd.log"
		return 1
	fi
	_eng_docker_up=1
}

# Import the rootfs tarball as $ENG_IMAGE.
eng_docker_image()
{
	local out
	if ! out=$("$ENG_DOCKER" import "$ENG_TARBALL" "$ENG_IMAGE" 2>&1); then
		lw_fail "$LW_TEST" "docker import: $out"
		eng_log_tail "$ENG_DIR/dockerd.log"
		return 1
	fi
	_eng_docker_images+=("$ENG_IMAGE")
}

# Remember a docker container (by id) for the cleanup.
eng_docker_forget_later() { [ -n "$1" ] && _eng_docker_ctrs+=("$1"); }

# The sandbox container: --network none, its namespace named
# $ENG_DOCKER_NS, a dnsmasq in it (LW_STD_DNS); ENG_DOCKER_NET joins it.
eng_docker_sandbox()
{
	local pid out
	lw_next_name
	ENG_DOCKER_NS=$LW_NAME
	if ! out=$("$ENG_DOCKER" run -d --name "lwe$$sb" --network none \
		-v "$ENG_RESOLV:/etc/resolv.conf:ro" "$ENG_IMAGE" /bin/sleep 100000 2>&1); then
		lw_fail "$LW_TEST" "docker sandbox container: $out"
		eng_log_tail "$ENG_DIR/dockerd.log"
		return 1
	fi
	ENG_DOCKER_SB=$out
	eng_docker_forget_later "$ENG_DOCKER_SB"
	pid=$("$ENG_DOCKER" inspect -f '{{.State.Pid}}' "$ENG_DOCKER_SB")
	if [ -z "$pid" ] || [ "$pid" = 0 ] || ! ip netns attach "$ENG_DOCKER_NS" "$pid"; then
		lw_fail "$LW_TEST" "could not name the sandbox's netns (pid ${pid:-?})"
		return 1
	fi
	_lw_netns+=("$ENG_DOCKER_NS")
	echo "$$ $(_lw_starttime $$) $LW_TMP" >"$LW_STATE_DIR/$ENG_DOCKER_NS.owner"
	ip -n "$ENG_DOCKER_NS" link set lo up
	if ip -n "$ENG_DOCKER_NS" route show default | grep -q . ||
		ip -n "$ENG_DOCKER_NS" -6 route show default | grep -q .; then
		lw_fail "$LW_TEST" "the docker sandbox has a default route: refusing"
		return 1
	fi
	if ! lw_dnsmasq_start "$ENG_DOCKER_NS" "${LW_STD_DNS[@]}"; then
		lw_fail "$LW_TEST" "no dnsmasq in the docker sandbox"
		return 1
	fi
	# shellcheck disable=SC2034 # for the sourcing test
	ENG_DOCKER_NET=(--network "container:$ENG_DOCKER_SB"
		-v "$ENG_RESOLV:/etc/resolv.conf:ro")
}

# --- podman ---------------------------------------------------------------------

# podman with its own storage; the work-arounds this hybrid host needs
# (crun refuses hybrid cgroups; only cgroupfs works; default rlimits need
# CAP_SYS_RESOURCE) are here, in the tests, not in leakwatch.
eng_podman() { "${ENG_PODMAN_CMD[@]}" "$@"; }

# podman run arguments that make a container of ours, in netns NS.
eng_podman_args()	# NS -> ENG_PODMAN_NET
{
	# shellcheck disable=SC2034 # for the sourcing test
	ENG_PODMAN_NET=(--network "ns:/run/netns/$1" --volume "$ENG_RESOLV:/etc/resolv.conf:ro"
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024
		--cgroup-parent "/$ENG_CG/libpod_parent")
}

# Import the image into podman's private storage; a check that it runs.
eng_podman_start()
{
	local out
	_eng_cgroup_parent || return 1
	mkdir -p "$ENG_DIR/p/tmp"
	_eng_podman_up=1
	if ! out=$(eng_podman import "$ENG_TARBALL" "$ENG_IMAGE" 2>&1); then
		lw_fail "$LW_TEST" "podman import: $(echo "$out" | tail -n 3)"
		return 1
	fi
	_eng_podman_images+=("$ENG_IMAGE")
}

eng_podman_forget_later() { [ -n "$1" ] && _eng_podman_ctrs+=("$1"); }

# --- runc ------------------------------------------------------------------------

# An OCI bundle around a copy of the rootfs: process ARGS, the network
# namespace /run/netns/NS, resolv.conf bound, cgroupsPath /$ENG_CG/ID.
eng_runc_bundle()	# DIR ID NS ARG...
{
	local b=$1 id=$2 ns=$3
	shift 3
	_eng_cgroup_parent || return 1
	mkdir -p "$b" && cp -a "$ENG_ROOTFS" "$b/rootfs" || return 1
	(cd "$b" && "$ENG_RUNC" spec) || return 1
	"$LW_PY" - "$b/config.json" "/$ENG_CG/$id" "/run/netns/$ns" "$ENG_RESOLV" "$@" <<-'EOF' || return 1
		import json, sys
		path, cg, netns, resolv, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
		c = json.load(open(path))
		c["process"]["terminal"] = False
		c["process"]["args"] = args
		c["root"]["readonly"] = False
		c["hostname"] = "lwe-runc"
		c["linux"]["cgroupsPath"] = cg
		c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
		c["linux"]["namespaces"].append({"type": "network", "path": netns})
		c["mounts"].append({"destination": "/etc/resolv.conf", "type": "bind",
		                    "source": resolv, "options": ["rbind", "ro"]})
		json.dump(c, open(path, "w"), indent=1)
	EOF
	_eng_runc_ctrs+=("$id")
}

# runc's state directory of ours (runc --root).
eng_runc_root() { echo "$ENG_DIR/runc"; }

# --- running ---------------------------------------------------------------------

# `leakwatch run [OPTS] --report REPORT -- CMD...` in the host's namespaces
# (the engines' clients need none of ours). As lw_run_in: $LW_OUT, $LW_ERR,
# $LW_RC.
eng_run()	# REPORT [LEAKWATCH-OPTION...] -- CMD...
{
	local report=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	_lw_runs=$((_lw_runs + 1))
	LW_OUT=$LW_TMP/run$_lw_runs.out
	LW_ERR=$LW_TMP/run$_lw_runs.err
	rm -f "$report"
	timeout -k 5 "$LW_RUN_TIMEOUT" "$LW_BIN" run "${opts[@]}" --report "$report" -- \
		"$@" >"$LW_OUT" 2>"$LW_ERR"
	# shellcheck disable=SC2034 # read by lw_expect_rc
	LW_RC=$?
}

# lw_expect on the container's report lines: its verdict, its identity.
eng_expect_container_leak()	# REPORT CONTAINER-ID ADDRESS
{
	local r=$1 id=$2 addr=$3
	if [ -z "$id" ]; then
		_lw_because "no container id (cidfile empty)"
		return
	fi
	lw_expect "$r" has-verdict --container-id "$id" --comm leak --kind direct \
		--address "$addr" --port 80 --proto tcp
}

# --- cleanup ---------------------------------------------------------------------

eng_cleanup()
{
	local c i d h e
	if [ -n "$_eng_docker_up" ]; then
		for c in "${_eng_docker_ctrs[@]}"; do
			"$ENG_DOCKER" rm -f "$c" >/dev/null 2>&1
		done
		for i in "${_eng_docker_images[@]}"; do
			"$ENG_DOCKER" rmi -f "$i" >/dev/null 2>&1
		done
	fi
	if [ -n "$_eng_podman_up" ]; then
		for c in "${_eng_podman_ctrs[@]}"; do
			eng_podman rm -f "$c" >/dev/null 2>&1
		done
		for i in "${_eng_podman_images[@]}"; do
			eng_podman rmi -f "$i" >/dev/null 2>&1
		done
	fi
	for c in "${_eng_runc_ctrs[@]}"; do
		"$ENG_RUNC" --root "$(eng_runc_root)" delete -f "$c" >/dev/null 2>&1
	done
	# daemons: the last started first (dockerd before its containerd)
	for ((i = ${#_eng_daemons[@]} - 1; i >= 0; i--)); do
		e=${_eng_daemons[i]#*:}
		_eng_kill_wait "${e%%:*}" "${e#*:}"
	done
	_eng_daemons=()
	_eng_docker_ctrs=() _eng_podman_ctrs=() _eng_runc_ctrs=()
	_eng_docker_up='' _eng_podman_up=''
	# mounts the engines left under our directory (deepest first)
	if [ -n "$ENG_DIR" ]; then
		awk -v d="$ENG_DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null; done
	fi
	# cgroups under our parent, in every hierarchy, deepest first
	if [ ${#_eng_cgroups[@]} -gt 0 ]; then
		for h in $(_eng_hierarchies); do
			[ -d "$h/$ENG_CG" ] || continue
			find "$h/$ENG_CG" -depth -type d 2>/dev/null | while read -r d; do
				_eng_rmdir "$h" "$d"
			done
		done
		_eng_cgroups=()
	fi
	[ -n "$_ENG_OWNER" ] && rm -f "$_ENG_OWNER"
}

# SIGTERM, up to 20 s (dockerd stops its containers), then SIGKILL.
_eng_kill_wait()	# PID STARTTIME
{
	local pid=$1 st=$2
	[ "$(_lw_starttime "$pid")" = "$st" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 200); do
		[ "$(_lw_starttime "$pid")" = "$st" ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# Remove one of our cgroup directories; anything still in it (ours: the
# directory is ours) goes back to the hierarchy's root first.
_eng_rmdir()	# HIERARCHY DIR
{
	local h=$1 d=$2 p
	if [ -f "$d/cgroup.procs" ]; then
		while read -r p; do
			[ -n "$p" ] && echo "$p" >"$h/cgroup.procs" 2>/dev/null
		done <"$d/cgroup.procs"
	fi
	for _ in $(seq 20); do
		rmdir "$d" 2>/dev/null && return 0
		sleep 0.1
	done
	lw_log "could not remove cgroup $d"
}
