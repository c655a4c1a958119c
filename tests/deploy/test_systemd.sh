#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# deploy/leakwatch.service under a real systemd (`make test-systemd`): a
# Debian 12 minbase system (tests/deploy/systemd_rootfs.sh, cached) booted
# with systemd 252 as PID 1 in systemd-nspawn, on a fresh overlay each run,
# with only `lo` (--private-network) and a bpffs of its own at /sys/fs/bpf.
# Inside it the unit is installed the way docs/deploy.md says (make
# install-static install-man, the unit file, /etc/default/leakwatch), then:
#
#   - `systemctl enable --now` starts it; its first journal line is the
#     documented one; a client (started with systemd-run, so it sits in the
#     tree the sensor watches) resolves a reserved name through a dnsmasq
#     in the container's network namespace and connects to the answer
#     (198.18.0.0/15, `global` in the config; ENETUNREACH, no route): the
#     leak is in /var/log/leakwatch/leakwatch.jsonl;
#   - `systemctl reload` rereads the config: an allow-name added turns the
#     next client's verdict off and marks its name allowed;
#   - the metrics file is readable by an unprivileged user;
#   - `systemctl restart` keeps the taint (pins): a client that looked up
#     before the restart and connects after it is caught by the new daemon;
#   - `systemctl stop` logs the shutdown line;
#   - a config that does not parse fails the start at once (no restarts),
#     a failure that repeats ends in "failed" (the start limit);
#   - without bpffs at /sys/fs/bpf the unit starts, with pinning off;
#   - `systemd-analyze security` gives the unit's exposure (printed).
#
# LW_SYSTEMD_HIERARCHY=unified (default) or hybrid: the container's cgroup
# layout (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY); `make test-systemd` runs both.
# LW_KEEP=1 keeps the temp dir.
#
# The daemon runs in the container's pid namespace: the kernel reports host
# pids, its /proc is the container's. The kernel translates each pid into
# the daemon's namespace (hdr.ns_tgid): the report's pid is the container's,
# host_pid the kernel's, and exe and cmdline are the client's own.
# shellcheck source-path=SCRIPTDIR/../e2e source=../e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
LW_TEST=test_systemd

HIER=${LW_SYSTEMD_HIERARCHY:-unified}
STATIC=$LW_ROOT/leakwatch-static
UNIT=$LW_ROOT/deploy/leakwatch.service
CLIENT=$LW_ROOT/tests/deploy/lwc-client

lw_require_root
for t in systemd-nspawn debootstrap nsenter setpriv; do
	if ! command -v "$t" >/dev/null 2>&1; then
		lw_skip "$LW_TEST" "missing $t (tests/install-deps.sh)"
		exit 0
	fi
done
if [ ! -x "$STATIC" ]; then
	lw_fail "$LW_TEST" "no $STATIC (make static)"
	exit 1
fi
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG1=$(awk '$3 == "cgroup" && $4 ~ /name=systemd/ { print $2; exit }' /proc/mounts)

NAME=lwsd$$
M=$LW_TMP/merged
BPF=$LW_TMP/bpffs
LOG=$M/var/log/leakwatch/leakwatch.jsonl
NSPAWN_PID=
P1=
_mounts=()
_cgdirs=()

# Deepest first: the container's systemd made cgroups under ours.
rm_cgroup_tree()
{
	local d=$1 sub
	[ -d "$d" ] || return 0
	while read -r sub; do
		rmdir "$sub" 2>/dev/null
	done < <(find "$d" -mindepth 1 -depth -type d 2>/dev/null)
	rmdir "$d" 2>/dev/null
}

cleanup()
{
	local i
	if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		# nspawn turns SIGTERM into a clean poweroff of the container
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		for _ in $(seq 100); do
			kill -0 "$NSPAWN_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$NSPAWN_PID" 2>/dev/null
		wait "$NSPAWN_PID" 2>/dev/null
	fi
	for ((i = ${#_mounts[@]} - 1; i >= 0; i--)); do
		umount "${_mounts[i]}" 2>/dev/null || umount -l "${_mounts[i]}"
	done
	for i in "${_cgdirs[@]}"; do
		rm_cgroup_tree "$i"
	done
	_lw_cleanup
}
trap cleanup EXIT

in_ct()	# CMD...: run CMD in every namespace of the container (as root)
{
	timeout -k 5 60 nsenter -t "$P1" -a "$@"
}

journal()	# the daemon's own lines (stderr), every start
{
	in_ct journalctl -q --no-pager -o cat -u leakwatch SYSLOG_IDENTIFIER=leakwatch 2>/dev/null
}

wait_journal()	# COUNT REGEX: until the daemon's journal has COUNT matches
{
	local n
	for _ in $(seq 150); do
		n=$(journal | grep -cE -- "$2")
		[ "$n" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

client()	# COMM NAME [GO]: a client in a transient unit; its output in $LW_OUT
{
	_lw_runs=$((_lw_runs + 1))
	LW_OUT=$LW_TMP/client$_lw_runs.out
	in_ct systemd-run --quiet --wait --pipe --collect "/usr/local/bin/$1" "${@:2:1}" 80 \
		"${@:3}" </dev/null >"$LW_OUT" 2>&1
}

process_fields()	# COMM: the process object of its last report, for the record
{
	"$LW_PY" - "$LOG" "$1" <<-'EOF'
		import json, sys
		p = None
		for l in open(sys.argv[1]):
		    o = json.loads(l)
		    if o.get("type") == "report" and o["process"]["comm"] == sys.argv[2]:
		        p = o["process"]
		if p:
		    print({k: p.get(k) for k in ("pid", "ppid", "comm", "exe", "cmdline", "cgroup",
		                                 "container_id", "container_runtime")})
	EOF
}

# --- the system ------------------------------------------------------------------
lw_begin "systemd-$HIER-boot"
t0=$(date +%s.%N)
rootfs=$("$LW_ROOT/tests/deploy/systemd_rootfs.sh") || {
	lw_fail "systemd-$HIER-boot" "could not build the Debian 12 root file system"
	exit 1
}
t1=$(date +%s.%N)
mkdir -p "$LW_TMP/upper" "$LW_TMP/work" "$M" "$BPF"
mount -t overlay "overlay-$NAME" -o "lowerdir=$rootfs,upperdir=$LW_TMP/upper,workdir=$LW_TMP/work" \
	"$M" || {
	lw_fail "systemd-$HIER-boot" "overlay mount"
	exit 1
}
_mounts+=("$M")
mount -t bpf "bpf-$NAME" "$BPF" && _mounts+=("$BPF")

# Installed as docs/deploy.md says, into the container's /usr/local and /etc.
make -s -C "$LW_ROOT" install-static install-man DESTDIR="$M" PREFIX=/usr/local >/dev/null ||
	_lw_because "make install-static install-man failed"
install -m 0644 "$UNIT" "$M/etc/systemd/system/"
CONF_BASE=('# test_systemd: the benchmarking range stands for the internet'
	'global = 198.18.0.0/15')
lw_config "$M/etc/leakwatch.conf" "${CONF_BASE[@]}"
echo 'LEAKWATCH_OPTS="--config /etc/leakwatch.conf --metrics-file /run/leakwatch/metrics.prom --metrics-interval 1"' \
	>"$M/etc/default/leakwatch"
for c in lwc-first lwc-reload lwc-restart; do
	install -m 0755 "$CLIENT" "$M/usr/local/bin/$c"
done
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >"$M/etc/resolv.conf"
echo "$NAME" >"$M/etc/hostname"

# nspawn under a PID 1 that is not systemd: the launching shell in a cgroup
# of its own in both hierarchies it knows.
for d in "$CG2/$NAME" ${CG1:+"$CG1/$NAME"}; do
	mkdir -p "$d" && _cgdirs+=("$d")
done
env_h=()
[ "$HIER" = unified ] && env_h=(SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1)
(
	echo "$BASHPID" >"$CG2/$NAME/cgroup.procs"
	[ -n "$CG1" ] && echo "$BASHPID" >"$CG1/$NAME/cgroup.procs"
	exec env "${env_h[@]}" systemd-nspawn -q -b --register=no --keep-unit --private-network \
		--machine="$NAME" -D "$M" --bind="$BPF:/sys/fs/bpf" --resolv-conf=off \
		--capability=CAP_BPF,CAP_PERFMON --system-call-filter="bpf perf_event_open" \
		--timezone=off --link-journal=no --console=pipe
) </dev/null >"$LW_TMP/nspawn.log" 2>&1 &
NSPAWN_PID=$!
# The container's PID 1: the process below nspawn whose innermost pid is 1.
for _ in $(seq 100); do
	read -ra kids <"/proc/$NSPAWN_PID/task/$NSPAWN_PID/children" 2>/dev/null
	for p in "${kids[@]}"; do
		[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null)" = 1 ] && P1=$p
	done
	[ -n "$P1" ] && break
	sleep 0.1
done
state=
if [ -z "$P1" ]; then
	_lw_because "no container PID 1: $(tail -3 "$LW_TMP/nspawn.log" | tr '\n' ' ')"
else
	# the bus socket appears a little after PID 1 starts
	for _ in $(seq 300); do
		state=$(in_ct systemctl is-system-running --wait 2>&1)
		case "$state" in *"connect to bus"* | offline) sleep 0.1 ;; *) break ;; esac
	done
	case "$state" in
	running | degraded) ;;
	*) _lw_because "system state '$state': $(tail -3 "$LW_TMP/nspawn.log" | tr '\n' ' ')" ;;
	esac
fi
t2=$(date +%s.%N)
lw_log "$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "rootfs %.1f s, boot %.1f s", b - a, c - b }') ($HIER cgroups, system $state)"
if ! lw_end; then
	exit 1
fi

# dnsmasq in the container's network namespace, named for ip netns.
NS=$NAME
ip netns attach "$NS" "$P1" && _lw_netns+=("$NS")
echo "$$ $(_lw_starttime $$) $LW_TMP" >"$LW_STATE_DIR/$NS.owner"
if ! lw_dnsmasq_start "$NS" "${LW_STD_DNS[@]}"; then
	lw_fail "$LW_TEST" "no dnsmasq in the container's namespace"
	exit 1
fi

# --- start, and a leak ----------------------------------------------------------
lw_begin "systemd-$HIER-start-catches-leak"
out=$(in_ct systemctl daemon-reload 2>&1 && in_ct systemctl enable --now leakwatch 2>&1) ||
	_lw_because "enable --now: $out"
if wait_journal 1 'leakwatch: watching the host'; then
	first=$(journal | head -1)
	want=/sys/fs/cgroup
	[ "$HIER" = hybrid ] && want=/sys/fs/cgroup/unified
	case "$first" in
	"leakwatch: daemon "*" starting, cgroup v2 at $want") ;;
	*) _lw_because "first line '$first', want the cgroup v2 mount $want" ;;
	esac
	client lwc-first leak.example.net
	grep -q 'errno 101' "$LW_OUT" || _lw_because "client: $(head -2 "$LW_OUT" | tr '\n' ' ')"
	for _ in $(seq 50); do
		lw_report "$LOG" has-verdict --comm lwc-first --kind direct >/dev/null 2>&1 && break
		sleep 0.1
	done
	lw_expect "$LOG" has-verdict --comm lwc-first --kind direct --name leak.example.net \
		--address 198.18.0.7 --port 80 --proto tcp
	lw_expect "$LOG" has-verdict --type event --comm lwc-first --kind direct
	lw_log "process fields seen: $(process_fields lwc-first)"
	out=$("$LW_PY" - "$LOG" <<-'EOF'
		import json, sys
		p = None
		for l in open(sys.argv[1]):
		    o = json.loads(l)
		    if o.get("type") == "report" and o["process"]["comm"] == "lwc-first":
		        p = o["process"]
		bad = []
		if not p:
		    bad.append("no report of lwc-first")
		else:
		    # /proc read in time (a loaded host may lose that race): then the
		    # details must be the client's own, never another process's
		    read = not p.get("exited_before_read")
		    if read and "/usr/local/bin/lwc-first" not in (p.get("cmdline") or []):
		        bad.append(f"cmdline {p.get('cmdline')}")
		    if read and not (p.get("exe") or "").startswith("/usr/bin/python3"):
		        bad.append(f"exe {p.get('exe')}")
		    if not read and (p.get("exe") or p.get("cmdline")):
		        bad.append(f"gone before /proc was read, yet exe {p.get('exe')}")
		    if not p.get("host_pid") or p["host_pid"] == p["pid"]:
		        bad.append(f"pid {p['pid']} host_pid {p.get('host_pid')}: not translated")
		print("; ".join(bad))
		sys.exit(1 if bad else 0)
		EOF
	) || _lw_because "process fields in the pid namespace: $out"
else
	_lw_because "not attached: $(journal | tail -3 | tr '\n' ' ')"
	in_ct systemctl status --no-pager leakwatch 2>&1 | tail -5 | sed 's/^/    /'
fi
st=$(stat -c '%a' "$LOG" 2>/dev/null)
[ "$st" = 600 ] || _lw_because "log file mode $st, want 600"
st=$(stat -c '%a' "$M/var/log/leakwatch" 2>/dev/null)
[ "$st" = 750 ] || _lw_because "log directory mode $st, want 750"
lw_end

# --- reload -----------------------------------------------------------------------
lw_begin "systemd-$HIER-reload-rereads-config"
# A name no process has asked yet: an address once answered to a name
# that was not allowed stays evidence (README, allow-name).
lw_config "$M/etc/leakwatch.conf" "${CONF_BASE[@]}" 'allow-name = leak.example.com'
in_ct systemctl reload leakwatch || _lw_because "systemctl reload failed"
if wait_journal 1 'config reloaded'; then
	client lwc-reload leak.example.com
	grep -q 'errno 101' "$LW_OUT" || _lw_because "client: $(head -2 "$LW_OUT" | tr '\n' ' ')"
	for _ in $(seq 50); do
		lw_report "$LOG" has-report --comm lwc-reload >/dev/null 2>&1 && break
		sleep 0.1
	done
	lw_expect "$LOG" has-name --comm lwc-reload --name leak.example.com --allowed true
	lw_expect "$LOG" no-verdict --comm lwc-reload
else
	_lw_because "no 'config reloaded' line: $(journal | tail -2 | tr '\n' ' ')"
fi
lw_config "$M/etc/leakwatch.conf" "${CONF_BASE[@]}"
lw_end

# --- metrics ---------------------------------------------------------------------
lw_begin "systemd-$HIER-metrics-readable-by-nobody"
# rewritten every second (--metrics-interval 1): the verdicts above show
# within a few
for _ in $(seq 50); do
	out=$(in_ct setpriv --reuid=65534 --regid=65534 --clear-groups \
		cat /run/leakwatch/metrics.prom 2>&1)
	grep -qE '^leakwatch_verdicts_total\{kind="direct",severity="[a-z]+"\} [1-9]' <<<"$out" && break
	sleep 0.1
done
grep -q '^leakwatch_up 1$' <<<"$out" || _lw_because "as nobody: $(head -2 <<<"$out" | tr '\n' ' ')"
grep -qE '^leakwatch_verdicts_total\{kind="direct",severity="[a-z]+"\} [1-9]' <<<"$out" ||
	_lw_because "no direct verdict counted in the metrics"
st=$(in_ct stat -c '%a %U' /run/leakwatch/metrics.prom)
[ "$st" = "644 root" ] || _lw_because "metrics file mode and owner '$st', want '644 root'"
lw_end

# --- restart: the taint survives in the pins ------------------------------------------
lw_begin "systemd-$HIER-restart-keeps-taint"
_lw_runs=$((_lw_runs + 1))
rout=$LW_TMP/client$_lw_runs.out
in_ct rm -f /run/lw-go
in_ct systemd-run --quiet --wait --pipe --collect /usr/local/bin/lwc-restart leak.example.org 80 \
	/run/lw-go </dev/null >"$rout" 2>&1 &
cpid=$!
for _ in $(seq 100); do
	grep -q '^resolved' "$rout" && break
	sleep 0.1
done
grep -q '^resolved leak.example.org: 198.18.0.11' "$rout" ||
	_lw_because "client did not resolve: $(head -2 "$rout" | tr '\n' ' ')"
in_ct systemctl restart leakwatch || _lw_because "systemctl restart failed"
wait_journal 2 'leakwatch: watching the host' || _lw_because "not attached after the restart"
journal | grep -q 'resumed the state pinned in /sys/fs/bpf/leakwatch' ||
	_lw_because "no 'resumed the state pinned' line"
in_ct touch /run/lw-go
wait "$cpid"
grep -q 'errno 101' "$rout" || _lw_because "client: $(tail -1 "$rout")"
# The verdict comes after the first daemon's summary: only the second one
# saw the connect, and only the pins told it the process was tainted.
for _ in $(seq 50); do
	lw_report "$LOG" has-verdict --comm lwc-restart --kind direct >/dev/null 2>&1 && break
	sleep 0.1
done
out=$("$LW_PY" - "$LOG" <<-'EOF' 2>&1
	import json, sys
	seen_summary = False
	for l in open(sys.argv[1]):
	    o = json.loads(l)
	    if o["type"] == "summary":
	        seen_summary = True
	    elif o["type"] == "event" and o["process"]["comm"] == "lwc-restart":
	        v = o["verdict"]
	        if (v["kind"], v["address"]) == ("direct", "198.18.0.11"):
	            sys.exit(0 if seen_summary else "the verdict predates the restart")
	sys.exit("no direct event for lwc-restart")
	EOF
) || _lw_because "$out"
lw_end

# --- stop -----------------------------------------------------------------------------
lw_begin "systemd-$HIER-stop-line"
in_ct systemctl stop leakwatch || _lw_because "systemctl stop failed"
journal | tail -1 | grep -qE '^leakwatch: stopped on SIGTERM: [0-9]+ reports' ||
	_lw_because "last line '$(journal | tail -1)'"
[ -e "$M/run/leakwatch/metrics.prom" ] && _lw_because "metrics file left behind"
lw_end

# --- broken starts end in "failed" -----------------------------------------------------
lw_begin "systemd-$HIER-bad-config-fails-at-once"
echo 'window = soon' >>"$M/etc/leakwatch.conf"
in_ct systemctl start leakwatch >/dev/null 2>&1
for _ in $(seq 50); do
	in_ct systemctl is-failed -q leakwatch && break
	sleep 0.1
done
st=$(in_ct systemctl show -P ActiveState leakwatch)
[ "$st" = failed ] || _lw_because "state '$st' after a bad config line"
n=$(in_ct systemctl show -P NRestarts leakwatch)
[ "$n" = 0 ] || _lw_because "$n restarts for a config error"
lw_end
lw_config "$M/etc/leakwatch.conf" "${CONF_BASE[@]}"
in_ct systemctl reset-failed leakwatch

# An error that restarting cannot fix (a log file it may not write): three
# starts, then "failed", not a restart every 5 s for ever.
lw_begin "systemd-$HIER-repeated-failure-ends-failed"
sed -i 's|^LEAKWATCH_OPTS="|LEAKWATCH_OPTS="--output /etc/leakwatch.jsonl |' "$M/etc/default/leakwatch"
in_ct systemctl start leakwatch >/dev/null 2>&1
for _ in $(seq 300); do
	in_ct systemctl is-failed -q leakwatch && break
	sleep 0.1
done
st=$(in_ct systemctl show -P ActiveState leakwatch)
res=$(in_ct systemctl show -P Result leakwatch)
[ "$st" = failed ] || _lw_because "state '$st' after 30 s of failing starts"
in_ct journalctl -q --no-pager -o cat -u leakwatch | grep -q 'Start request repeated too quickly' ||
	_lw_because "no 'Start request repeated too quickly' (the start limit)"
lw_log "state $st, result $res after $(in_ct systemctl show -P NRestarts leakwatch) restarts"
lw_end

# --- a host without bpffs ----------------------------------------------------------------
# /sys/fs/bpf unmounted under the container's (read-only) /sys: the mkdir
# fails (ignored), the daemon says "pinning off" once and runs.
lw_begin "systemd-$HIER-no-bpffs-runs-without-pins"
in_ct systemctl reset-failed leakwatch
sed -i 's|^LEAKWATCH_OPTS="--output /etc/leakwatch.jsonl |LEAKWATCH_OPTS="|' "$M/etc/default/leakwatch"
in_ct umount /sys/fs/bpf || _lw_because "could not unmount the container's bpffs"
n=$(journal | grep -c 'leakwatch: watching the host')
in_ct systemctl start leakwatch || _lw_because "systemctl start failed"
if wait_journal $((n + 1)) 'leakwatch: watching the host'; then
	journal | grep -q '^leakwatch: pinning off: cannot mount bpffs on /sys/fs/bpf' ||
		_lw_because "no 'pinning off' line: $(journal | tail -3 | tr '\n' ' ')"
	sleep 1
	st=$(in_ct systemctl show -P ActiveState leakwatch)
	[ "$st" = active ] || _lw_because "state '$st'"
else
	_lw_because "not attached: $(journal | tail -3 | tr '\n' ' ')"
fi
in_ct systemctl stop leakwatch
lw_end

# --- systemd-analyze security ----------------------------------------------------------
lw_begin "systemd-$HIER-analyze-security"
out=$(in_ct systemd-analyze security --no-pager leakwatch.service 2>&1)
line=$(grep 'Overall exposure level' <<<"$out")
score=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")
if [ -z "$score" ]; then
	_lw_because "no exposure level: $(tail -2 <<<"$out" | tr '\n' ' ')"
else
	lw_log "systemd-analyze security: ${line#→ }"
	# Today's is 1.x ("OK"); anything loosened past 3.0 is a regression.
	awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' || _lw_because "exposure $score > 3.0"
fi
lw_end
