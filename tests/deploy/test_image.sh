#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The container image in a real engine (`make test-image`): `make image`
# (Containerfile, FROM scratch, no registry) into a podman store of the
# test's own, then run the way deploy/daemonset.yaml says. Every setting
# is read from the manifest (tests/deploy/manifest.py run-args): the
# securityContext (user, dropped and added capabilities, read-only root,
# no_new_privs, seccomp), hostPID, no host network, the memory limit, the
# volumes (hostPath binds with their propagation, the ConfigMap's data, the
# emptyDir as tmpfs) and the args; only hostPath /sys/fs/bpf is pointed at
# a directory of the test's (a "node") instead of the host's bpffs.
#
#   - a node without bpffs, no init container: the sensor runs, pinning off
#     in one line (no crash loop);
#   - the init container mounts bpffs on the "node" (Bidirectional), and
#     the mount outlives it;
#   - the sensor attaches; the manifest's startup and liveness probes pass
#     in the image (its busybox);
#   - a host process's leak and another container's leak are reported,
#     the host one with its pid and exe, the container one with its
#     container_id (podman's full id);
#   - stopped (the shutdown line) and started again, the sensor resumes
#     the pins on the node: a host process that looked up before and
#     connects after is caught;
#   - the sysadmin-caps variant (deploy/overlays/sysadmin-caps) attaches;
#   - in a private dockerd 20.10 (its own data and exec roots, no bridge, no
#     iptables), the same image: the manifest's capabilities are refused
#     ("unknown capability"), the sysadmin-caps variant attaches, its
#     liveness probe passes and it catches a leak.
#
# podman 4.3 here: runc (crun refuses hybrid cgroups), cgroupfs, vfs
# storage under the test's temp dir, explicit ulimits (no CAP_SYS_RESOURCE).
# No registry is ever asked: every run says --pull never (the image is
# built or loaded locally; a client container runs from a directory).
# Names carry the test's pid; everything made is removed at exit.
# shellcheck source-path=SCRIPTDIR/../e2e source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
LW_TEST=test_image

MANIFEST=$LW_ROOT/deploy/daemonset.yaml
MF=$LW_ROOT/tests/deploy/manifest.py
CLIENT=$LW_ROOT/tests/deploy/lwc-client

lw_require_root
for t in podman runc; do
	if ! command -v "$t" >/dev/null 2>&1; then
		lw_skip "$LW_TEST" "missing $t (make deploy-deps)"
		exit 0
	fi
done
if ! "$LW_PY" -c 'import yaml' 2>/dev/null; then
	lw_skip "$LW_TEST" "python3-yaml not installed (make deps)"
	exit 0
fi
lw_require_helpers tcp-connect musl-resolve

TAG=lwimg$$:test
D=lwd$$		# the sensor's container
S=$LW_TMP/store
P=(podman --root "$S/root" --runroot "$S/run" --storage-driver vfs --cgroup-manager cgroupfs
	--runtime runc --events-backend file --tmpdir "$S/tmp")
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
NODE=$LW_TMP/node-bpf	# the node's /sys/fs/bpf
_mounts=()
_containers=()

DK=$LW_TMP/dk		# the private dockerd's roots
DK_PID=
DOCKER=(docker -H "unix://$DK/sock")

dockerd_stop()
{
	local c m
	[ -n "$DK_PID" ] || return 0
	for c in "${_containers[@]}"; do
		"${DOCKER[@]}" rm -f "$c" >/dev/null 2>&1
	done
	"${DOCKER[@]}" rmi -f "localhost/$TAG" >/dev/null 2>&1
	if [ "$(_lw_starttime "$DK_PID")" = "$DK_ST" ]; then
		kill -TERM "$DK_PID"
		for _ in $(seq 100); do
			[ "$(_lw_starttime "$DK_PID")" = "$DK_ST" ] || break
			sleep 0.1
		done
	fi
	# what it left mounted under its roots, deepest first
	awk -v d="$DK/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m"
		done
	DK_PID=
}

cleanup()
{
	local c i
	dockerd_stop
	for c in "${_containers[@]}"; do
		"${P[@]}" rm -f -t 5 "$c" >/dev/null 2>&1
	done
	"${P[@]}" rmi -f "$TAG" >/dev/null 2>&1
	for ((i = ${#_mounts[@]} - 1; i >= 0; i--)); do
		while mountpoint -q "${_mounts[i]}"; do
			umount "${_mounts[i]}" 2>/dev/null || umount -l "${_mounts[i]}" || break
		done
	done
	_lw_cleanup
}
trap cleanup EXIT

# Global answers (the DaemonSet's ConfigMap adds no `global` range), never
# reached: the namespace has no route out.
lw_setup --address=/far.example.net/133.242.1.10 --address=/far.example.org/133.242.1.11 \
	--address=/far.example.com/133.242.1.12
mkdir -p "$S/tmp" "$NODE"

# sensor NAME MANIFEST CONTAINER [HOSTPATH=DIR]...: run CONTAINER of
# MANIFEST's DaemonSet as the manifest says (detached)
sensor()
{
	local name=$1 mf=$2 ctr=$3 args cmd
	shift 3
	mapfile -t args < <("$LW_PY" "$MF" run-args "$mf" "$ctr" "$LW_TMP" "$@") || return 1
	mapfile -t cmd < <("$LW_PY" "$MF" command "$mf" "$ctr") || return 1
	_containers+=("$name")
	"${P[@]}" run -d --pull never --name "$name" "${ULIMITS[@]}" --log-driver k8s-file \
		"${args[@]}" "$TAG" "${cmd[@]}" >/dev/null
}

logs()	# NAME: stdout to $LW_TMP/NAME.out, stderr to $LW_TMP/NAME.err
{
	"${P[@]}" logs "$1" >"$LW_TMP/$1.out" 2>"$LW_TMP/$1.err"
}

wait_line()	# NAME COUNT REGEX: until NAME's stderr has COUNT matches (or it died)
{
	local n
	for _ in $(seq 150); do
		logs "$1"
		n=$(grep -cE -- "$3" "$LW_TMP/$1.err")
		[ "$n" -ge "$2" ] && return 0
		[ "$("${P[@]}" inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] || return 1
		sleep 0.1
	done
	return 1
}

report_of()	# FILE COMM: the process object of COMM's report line, as JSON
{
	"$LW_PY" - "$1" "$2" <<-'EOF'
		import json, sys
		for l in open(sys.argv[1]):
		    try:
		        o = json.loads(l)
		    except ValueError:
		        continue
		    if o.get("type") == "report" and o["process"]["comm"] == sys.argv[2]:
		        print(json.dumps(o["process"]))
	EOF
}

# --- the image ---------------------------------------------------------------------------
lw_begin image-builds-offline
out=$(make -s -C "$LW_ROOT" image IMAGE="$TAG" ENGINE=podman \
	ENGINE_FLAGS="--root $S/root --runroot $S/run --storage-driver vfs --tmpdir $S/tmp" 2>&1) ||
	_lw_because "make image: $(tail -3 <<<"$out" | tr '\n' ' ')"
size=$("${P[@]}" image inspect -f '{{.Size}}' "$TAG" 2>/dev/null)
[ -n "$size" ] || _lw_because "no image $TAG"
layers=$("${P[@]}" image inspect -f '{{len .RootFS.Layers}}' "$TAG" 2>/dev/null)
[ "$layers" = 1 ] || _lw_because "$layers layers: not FROM scratch + one COPY?"
lw_log "image $TAG: $((${size:-0} / 1024)) KiB, $layers layer"
lw_end

# --- a node without bpffs -----------------------------------------------------------------
lw_begin image-no-bpffs-runs-without-pins
mkdir -p "$LW_TMP/plain"
if sensor "${D}n" "$MANIFEST" leakwatch /sys/fs/bpf="$LW_TMP/plain" &&
	wait_line "${D}n" 1 'leakwatch: watching the host'; then
	grep -q '^leakwatch: pinning off: cannot mount bpffs on /sys/fs/bpf' "$LW_TMP/${D}n.err" ||
		_lw_because "no 'pinning off' line: $(head -3 "$LW_TMP/${D}n.err" | tr '\n' ' ')"
	[ "$(grep -c 'pinning off' "$LW_TMP/${D}n.err")" = 1 ] || _lw_because "'pinning off' twice"
	sleep 1
	[ "$("${P[@]}" inspect -f '{{.State.Running}}' "${D}n")" = true ] ||
		_lw_because "the sensor stopped"
else
	_lw_because "did not attach: $(tail -3 "$LW_TMP/${D}n.err" | tr '\n' ' ')"
fi
"${P[@]}" rm -f -t 10 "${D}n" >/dev/null 2>&1
lw_end

# --- the init container mounts bpffs on the node --------------------------------------------
lw_begin image-init-mounts-bpffs-on-node
# The "node" directory as a shared mount point, as / is on a systemd host:
# a Bidirectional mount in a container propagates back to it.
mount --bind "$NODE" "$NODE" && _mounts+=("$NODE") && mount --make-shared "$NODE"
if sensor "${D}i" "$MANIFEST" bpffs /sys/fs/bpf="$NODE"; then
	rc=$("${P[@]}" wait "${D}i" 2>/dev/null)
	[ "$rc" = 0 ] || _lw_because "init container exited $rc: $("${P[@]}" logs "${D}i" 2>&1 | tail -2)"
else
	_lw_because "init container did not start"
fi
"${P[@]}" rm -f "${D}i" >/dev/null 2>&1
[ "$(stat -f -c %T "$NODE")" = bpf_fs ] ||
	_lw_because "no bpffs on the node after the init container: $(stat -f -c %T "$NODE")"
lw_end

# --- the sensor ------------------------------------------------------------------------------
lw_begin image-sensor-attaches-probes-pass
attached=
if sensor "$D" "$MANIFEST" leakwatch /sys/fs/bpf="$NODE" &&
	wait_line "$D" 1 'leakwatch: watching the host'; then
	attached=1
	first=$(head -1 "$LW_TMP/$D.err")
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ "$first" = "leakwatch: daemon $(sed -n 's/^VERSION := *//p' "$LW_ROOT/Makefile") starting, cgroup v2 at $cg2" ] ||
		_lw_because "first line '$first'"
	grep -q 'pinning off' "$LW_TMP/$D.err" && _lw_because "pinning off on a node with bpffs"
	for kind in startupProbe livenessProbe; do
		mapfile -t probe < <("$LW_PY" "$MF" probe "$MANIFEST" leakwatch "$kind")
		ok=
		for _ in $(seq 60); do
			"${P[@]}" exec "$D" "${probe[@]}" >/dev/null 2>&1 && ok=1 && break
			sleep 0.5
		done
		[ -n "$ok" ] || _lw_because "$kind fails: $("${P[@]}" exec "$D" "${probe[@]}" 2>&1 | head -2)"
	done
	cid=$("${P[@]}" inspect -f '{{.Id}}' "$D")
	mem=$(cat "/sys/fs/cgroup/memory/libpod_parent/libpod-$cid/memory.usage_in_bytes" 2>/dev/null)
	[ -n "$mem" ] && lw_log "sensor container memory (its memory cgroup): $((mem >> 20)) MiB"
else
	_lw_because "did not attach: $(tail -3 "$LW_TMP/$D.err" | tr '\n' ' ')"
fi
lw_end
if [ -z "$attached" ]; then
	exit 1
fi

# --- a host process's leak and another container's ---------------------------------------------
lw_begin image-host-and-container-leaks-identified
# the host's: held alive after its connect until the sensor has reported
# it, so its exe is read from /proc for certain (ip netns exec execs it: $!
# is its pid); on a loaded host an exiting client is reported, rightly, as
# exited_before_read with no exe
rm -f "$LW_TMP/hold-host"
ip netns exec "$LW_NS" "$LW_HELPERS/tcp-connect" --hold "$LW_TMP/hold-host" far.example.net 80 \
	>/dev/null 2>&1 &
hpid=$!
_lw_track "$hpid"
# the container's: a static musl client in a container of its own, in the
# test's namespace (dnsmasq, no route out)
CR=$LW_TMP/client-root
mkdir -p "$CR"
cp "$LW_HELPERS/musl-resolve" "$CR/"
_containers+=("lwc$$")
out=$("${P[@]}" run --name "lwc$$" "${ULIMITS[@]}" --network "ns:/run/netns/$LW_NS" \
	--dns 127.0.0.1 --rootfs "$CR" /musl-resolve far.example.org 80 2>&1) ||
	_lw_because "client container: $(tail -2 <<<"$out" | tr '\n' ' ')"
ccid=$("${P[@]}" inspect -f '{{.Id}}' "lwc$$" 2>/dev/null)
"${P[@]}" rm -f "lwc$$" >/dev/null 2>&1
for _ in $(seq 200); do
	logs "$D"
	lw_report "$LW_TMP/$D.out" has-verdict --comm musl-resolve --kind direct >/dev/null 2>&1 &&
		lw_report "$LW_TMP/$D.out" has-verdict --pid "$hpid" --kind direct >/dev/null 2>&1 && break
	sleep 0.1
done
lw_expect "$LW_TMP/$D.out" has-verdict --pid "$hpid" --comm tcp-connect --kind direct \
	--name far.example.net --address 133.242.1.10 --port 80
lw_expect "$LW_TMP/$D.out" has-verdict --comm musl-resolve --kind direct --name far.example.org \
	--address 133.242.1.11 --port 80
touch "$LW_TMP/hold-host"
hp=$(report_of "$LW_TMP/$D.out" tcp-connect)
cp=$(report_of "$LW_TMP/$D.out" musl-resolve)
out=$("$LW_PY" - "$hp" "$cp" "$LW_HELPERS/tcp-connect" "$ccid" <<-'EOF' 2>&1
	import json, sys
	hp, cp = (json.loads(x.splitlines()[-1]) if x else {} for x in sys.argv[1:3])
	exe, cid = sys.argv[3:5]
	bad = []
	if hp.get("exe") != exe:
	    bad.append(f"host process exe {hp.get('exe')}, want {exe}")
	if hp.get("container_id") is not None:
	    bad.append(f"host process container_id {hp.get('container_id')}")
	if cp.get("container_id") != cid:
	    bad.append(f"container process container_id {cp.get('container_id')}, want {cid}")
	print("; ".join(bad))
	sys.exit(1 if bad else 0)
	EOF
) || _lw_because "$out"
lw_log "container process: $cp"
lw_end

# --- stop, start: the pins on the node -------------------------------------------------------
lw_begin image-restart-resumes-pins
rm -f "$LW_TMP/go"
cp "$CLIENT" "$LW_TMP/lwc-podrestart"
ip netns exec "$LW_NS" "$LW_TMP/lwc-podrestart" far.example.com 80 "$LW_TMP/go" \
	>"$LW_TMP/client.out" 2>&1 &
cpid=$!
_lw_track "$cpid"
for _ in $(seq 100); do
	grep -q '^resolved' "$LW_TMP/client.out" && break
	sleep 0.1
done
"${P[@]}" stop -t 20 "$D" >/dev/null 2>&1
logs "$D"
tail -1 "$LW_TMP/$D.err" | grep -qE '^leakwatch: stopped on SIGTERM: [0-9]+ reports' ||
	_lw_because "last line '$(tail -1 "$LW_TMP/$D.err")'"
"${P[@]}" start "$D" >/dev/null 2>&1
if wait_line "$D" 2 'leakwatch: watching the host'; then
	grep -q 'resumed the state pinned in /sys/fs/bpf/leakwatch' "$LW_TMP/$D.err" ||
		_lw_because "no 'resumed the state pinned' line"
	touch "$LW_TMP/go"
	wait "$cpid"
	# the lookup was before the restart: only the pins make this a verdict
	# (with "name": null: the names a process asked live in the old
	# daemon's memory, the kernel's answer set keeps addresses only)
	for _ in $(seq 50); do
		logs "$D"
		lw_report "$LW_TMP/$D.out" has-verdict --comm lwc-podrestart --kind direct \
			>/dev/null 2>&1 && break
		sleep 0.1
	done
	lw_expect "$LW_TMP/$D.out" has-verdict --comm lwc-podrestart --kind direct \
		--address 133.242.1.12 --port 80
else
	_lw_because "not attached again: $(tail -3 "$LW_TMP/$D.err" | tr '\n' ' ')"
fi
lw_end
"${P[@]}" rm -f -t 10 "$D" >/dev/null 2>&1

# --- the variant for engines without CAP_BPF --------------------------------------------------
lw_begin image-sysadmin-caps-variant-attaches
mkdir -p "$LW_TMP/plain2"
V=$LW_ROOT/deploy/overlays/sysadmin-caps
if sensor "${D}s" "$V" leakwatch /sys/fs/bpf="$LW_TMP/plain2" &&
	wait_line "${D}s" 1 'leakwatch: watching the host'; then
	# shellcheck disable=SC2016 # the inner sh's
hpid=$(ip netns exec "$LW_NS" sh -c 'echo $$; exec "$0" far.example.net 80 >/dev/null 2>&1' \
		"$LW_HELPERS/tcp-connect")
	for _ in $(seq 50); do
		logs "${D}s"
		lw_report "$LW_TMP/${D}s.out" has-verdict --pid "$hpid" >/dev/null 2>&1 && break
		sleep 0.1
	done
	lw_expect "$LW_TMP/${D}s.out" has-verdict --pid "$hpid" --kind direct --address 133.242.1.10
	lw_log "caps: $("$LW_PY" "$MF" run-args "$V" leakwatch "$LW_TMP" | grep -A1 cap-add |
		grep -v -e cap-add -e -- | tr '\n' ' ')"
else
	_lw_because "did not attach: $(tail -3 "$LW_TMP/${D}s.err" | tr '\n' ' ')"
fi
"${P[@]}" rm -f -t 10 "${D}s" >/dev/null 2>&1
lw_end

# --- a private dockerd 20.10 --------------------------------------------------------------------
# dockerd_start: its own roots and socket, no bridge, no iptables; its
# containerd under namespaces of the test's own.
dockerd_start()
{
	mkdir -p "$DK"
	dockerd --bridge=none --iptables=false --ip6tables=false --data-root "$DK/data" \
		--exec-root "$DK/exec" -H "unix://$DK/sock" --pidfile "$DK/pid" \
		--containerd-namespace "lwdk$$" --containerd-plugins-namespace "lwdkp$$" \
		</dev/null >"$DK/log" 2>&1 &
	DK_PID=$!
	DK_ST=$(_lw_starttime "$DK_PID")
	for _ in $(seq 100); do
		"${DOCKER[@]}" version >/dev/null 2>&1 && return 0
		kill -0 "$DK_PID" 2>/dev/null || break
		sleep 0.2
	done
	return 1
}

# docker_sensor NAME MANIFEST: the sensor as MANIFEST says, in docker
# (manifest.py's arguments are in the syntax both engines take)
docker_sensor()
{
	local name=$1 mf=$2 args cmd
	mapfile -t args < <("$LW_PY" "$MF" run-args "$mf" leakwatch "$LW_TMP" /sys/fs/bpf="$NODE") ||
		return 1
	mapfile -t cmd < <("$LW_PY" "$MF" command "$mf" leakwatch) || return 1
	_containers+=("$name")
	# shellcheck disable=SC2069 # its error message out, the container id not
	"${DOCKER[@]}" run -d --pull never --name "$name" "${args[@]}" "localhost/$TAG" "${cmd[@]}" \
		2>&1 >/dev/null
}

if ! command -v dockerd >/dev/null 2>&1; then
	lw_skip image-docker "dockerd not installed (make deploy-deps: docker.io)"
	exit 0
fi
lw_begin image-docker-sysadmin-caps
if ! dockerd_start; then
	_lw_because "dockerd did not start: $(tail -2 "$DK/log" | tr '\n' ' ')"
elif ! "${P[@]}" save -q --format docker-archive -o "$LW_TMP/image.tar" "$TAG" ||
	! "${DOCKER[@]}" load -q -i "$LW_TMP/image.tar" >/dev/null; then
	_lw_because "podman save | docker load failed"
else
	lw_log "$("${DOCKER[@]}" version --format 'dockerd {{.Server.Version}}')"
	# the manifest as it is: refused by name
	out=$(docker_sensor "${D}k" "$MANIFEST")
	grep -q 'unknown capability: "CAP_BPF"' <<<"$out" ||
		_lw_because "the manifest's capabilities in docker: '$(head -1 <<<"$out")'"
	"${DOCKER[@]}" rm -f "${D}k" >/dev/null 2>&1
	out=$(docker_sensor "${D}v" "$LW_ROOT/deploy/overlays/sysadmin-caps") ||
		_lw_because "the sysadmin-caps variant: $out"
	ok=
	for _ in $(seq 100); do
		"${DOCKER[@]}" logs "${D}v" 2>&1 | grep -q 'leakwatch: watching the host' && ok=1 && break
		sleep 0.1
	done
	if [ -n "$ok" ]; then
		mapfile -t probe < <("$LW_PY" "$MF" probe "$MANIFEST" leakwatch livenessProbe)
		ok=
		for _ in $(seq 40); do
			"${DOCKER[@]}" exec "${D}v" "${probe[@]}" >/dev/null 2>&1 && ok=1 && break
			sleep 0.25
		done
		[ -n "$ok" ] || _lw_because "liveness probe fails in docker"
		# shellcheck disable=SC2016 # the inner sh's
hpid=$(ip netns exec "$LW_NS" sh -c 'echo $$; exec "$0" far.example.net 80 >/dev/null 2>&1' \
			"$LW_HELPERS/tcp-connect")
		for _ in $(seq 50); do
			"${DOCKER[@]}" logs "${D}v" >"$LW_TMP/dk.out" 2>/dev/null
			lw_report "$LW_TMP/dk.out" has-verdict --pid "$hpid" >/dev/null 2>&1 && break
			sleep 0.1
		done
		lw_expect "$LW_TMP/dk.out" has-verdict --pid "$hpid" --kind direct --address 133.242.1.10
	else
		_lw_because "did not attach: $("${DOCKER[@]}" logs "${D}v" 2>&1 | grep -v '^{' | tail -3 | tr '\n' ' ')"
	fi
fi
dockerd_stop
lw_end
