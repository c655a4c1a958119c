#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# leakwatch benchmarks (`make bench`). Measures the sensor's cost against no
# sensor, an A/A no-sensor control, the empty cgroup_skb floor and the peer
# bpftrace, interleaved and shuffled over many rounds in one run; then the
# throughput limits, start-up time, memory and per-program BPF run time.
# bench/report.py turns the raw samples into the tables (see BENCHMARKS.md).
#
#	bench/run.sh [--quick] [--rounds N] [--time MS] [--keep] [--payload-only]
#	BENCH_QUICK=1 bench/run.sh          # CI: a short run (< 3 min)
#
# Needs root. Every workload runs inside a network namespace made here with
# only `lo` (lib.sh's sandbox, dnsmasq on its 127.0.0.1:53); the sensors run
# on the host, attached at the cgroup v2 root, so the workload is covered.
# The workload and dnsmasq are pinned to CPU 1, the sensor (daemon, floor
# loader, bpftrace) to CPU 0, when there are two or more CPUs.
# LW_BIN=/path/to/leakwatch measures another build (default ./leakwatch).
# Raw results: $OUTPUT/bench/results/ (samples.tsv, meta.tsv, ...).

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# lib.sh: sandbox namespaces, dnsmasq, cleanup by pid (EXIT trap).
# shellcheck source=../tests/e2e/lib.sh
. "$BENCH_DIR/../tests/e2e/lib.sh"

QUICK=${BENCH_QUICK:-0}
PAYLOAD_ONLY=0
ROUNDS=
TIME_MS=
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--rounds) ROUNDS=$2; shift ;;
	--time) TIME_MS=$2; shift ;;
	--keep) export LW_KEEP=1 ;;
	--payload-only) PAYLOAD_ONLY=1 ;;
	-h | --help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ "$QUICK" = 1 ]; then
	ROUNDS=${ROUNDS:-3}
	TIME_MS=${TIME_MS:-100}
	TP_MS=400
	FILL_PROCS=2000
	FILL_ANSWERS=10000
else
	ROUNDS=${ROUNDS:-25}
	TIME_MS=${TIME_MS:-200}
	TP_MS=1000
	FILL_PROCS=20000
	FILL_ANSWERS=100000
fi

WORKLOAD=$OUTPUT/bench/workload
FLOOR=$OUTPUT/bench/floor
RES=$OUTPUT/bench/results
TAINT_NAME=autodiscover.example.com
WORKLOADS=(getppid tcp_connect udp_sendto udp_send dns_sendto dns_sendmmsg resolve_connect
	tcp_stream64 tcp_stream64k connect_global fork)
# bpftrace peer: the same events leakwatch's hooks see, at the syscalls.
BT_PROBES='tracepoint:syscalls:sys_enter_connect,tracepoint:syscalls:sys_enter_sendto,tracepoint:syscalls:sys_enter_sendmsg,tracepoint:syscalls:sys_enter_sendmmsg'
BT_COUNT="$BT_PROBES { @[probe] = count(); }"
BT_PRINT="$BT_PROBES { printf(\"%d %s %s\\n\", pid, comm, probe); }"

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (BPF, network namespaces)" >&2
	exit 1
fi
for f in "$LW_BIN" "$WORKLOAD" "$FLOOR"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f is not built (make bench-build)" >&2
		exit 1
	fi
done

NCPU=$(nproc)
if [ "$NCPU" -ge 2 ]; then
	PIN_W=(taskset -c 1)
	PIN_S=(taskset -c 0)
else
	PIN_W=()
	PIN_S=()
fi
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$CG2" ]; then
	echo "bench: no cgroup v2 mount in /proc/mounts" >&2
	exit 1
fi

_lw_init
STATS_OLD=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
TRACEFS_MOUNTED=
bench_cleanup()
{
	sysctl -qw kernel.bpf_stats_enabled="$STATS_OLD" 2>/dev/null
	_lw_cleanup
	if [ -n "$TRACEFS_MOUNTED" ]; then
		umount /sys/kernel/tracing 2>/dev/null
	fi
}
trap bench_cleanup EXIT

rm -rf "$RES"
mkdir -p "$RES"
log() { echo "bench: $*" >&2; }

# --- sandbox -------------------------------------------------------------------
# dnsmasq answers: the reserved lookup that taints (a private address, so it
# never enters the answer set) and the ordinary name resolve_connect uses.
CONF=$LW_TMP/bench.conf
lw_config "$CONF" '# bench: loopback and 198.18.0.0/15 count as the internet, so a tainted' \
	'# process has every connect reported (follow-on)' \
	'global = 127.0.0.0/8' 'global = 198.18.0.0/15'
lw_next_name
NS=$LW_NAME
if ! lw_netns_create "$NS"; then
	log "cannot create namespace $NS"
	exit 1
fi
ip -n "$NS" addr add 127.0.0.2/8 dev lo 2>/dev/null # (already in 127/8 on lo)
if ! lw_dnsmasq_start "$NS" \
	--address=/$TAINT_NAME/10.9.9.9 --address=/svc.ordinary.co/127.0.0.1 \
	--address=/www.ordinary.co/127.0.0.1 --cache-size=1000; then
	log "cannot start dnsmasq in $NS"
	exit 1
fi
# dnsmasq shares the workload's CPU: resolve_connect then hands off on one
# CPU instead of waking a halted vCPU (bimodal 100/200 us otherwise).
dpid=$(cat "$LW_TMP/dnsmasq-$NS.pid" 2>/dev/null) && [ "$NCPU" -ge 2 ] &&
	taskset -pc 1 "$dpid" >/dev/null 2>&1

# A private copy of the binary: a rebuild during the run cannot change it.
cp "$LW_BIN" "$LW_TMP/leakwatch" && LW_BIN=$LW_TMP/leakwatch

# --- bpftrace ---------------------------------------------------------------------
BT_OK=1
BT_WHY=
if ! command -v bpftrace >/dev/null 2>&1; then
	BT_OK=0
	BT_WHY="bpftrace is not installed (apt-get install bpftrace)"
elif [ ! -d /sys/kernel/tracing/events ]; then
	if mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; then
		TRACEFS_MOUNTED=1
	else
		BT_OK=0
		BT_WHY="tracefs cannot be mounted (bpftrace tracepoints need it)"
	fi
fi

# --- sensors ------------------------------------------------------------------------
SENSOR_PID=
SENSOR_COND=
SENSOR_ST=
SENSOR_LOG=
SENSOR_OUT=
SENSOR_T0=
SENSOR_START_MS=

now_ns() { date +%s%N; }

# Wait until FILE has a line matching REGEX (up to SECONDS).
wait_for() # FILE REGEX SECONDS
{
	local end=$(($(now_ns) + $3 * 1000000000))
	while [ "$(now_ns)" -lt "$end" ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		[ -n "$SENSOR_PID" ] && ! kill -0 "$SENSOR_PID" 2>/dev/null && return 1
		sleep 0.002
	done
	return 1
}

# Start the sensor of condition COND; 0 when attached.
sensor_start() # COND
{
	local cond=$1 ready ready_file
	SENSOR_COND=$cond
	SENSOR_LOG=$LW_TMP/sensor-$cond.log
	SENSOR_OUT=$LW_TMP/sensor-$cond.out
	rm -f "$SENSOR_LOG" "$SENSOR_OUT"
	SENSOR_PID=
	SENSOR_START_MS=
	SENSOR_T0=$(now_ns)
	case "$cond" in
	none | none2) return 0 ;;
	floor)
		"${PIN_S[@]}" "$FLOOR" "$CG2" 2>"$SENSOR_LOG" &
		ready='floor: attached' ;;
	lw | lw_taint)
		"${PIN_S[@]}" "$LW_BIN" daemon --config "$CONF" --window 3600 \
			--output "$SENSOR_OUT" 2>"$SENSOR_LOG" &
		ready='watching the host' ;;
	pl_off | pl_clear | pl_tls)
		"${PIN_S[@]}" "$LW_BIN" daemon --config "$CONF" --payload "${cond#pl_}" \
			--output "$SENSOR_OUT" 2>"$SENSOR_LOG" &
		ready='watching the host' ;;
	lw_run)
		# A `run` of something else: its hooks hang off the root (to
		# follow containers) and its fork hook is on; the workload is
		# not watched. What a run costs the rest of the host.
		"${PIN_S[@]}" "$LW_BIN" run --config "$CONF" --report "$SENSOR_OUT" -- \
			sleep 86400 2>"$SENSOR_LOG" &
		ready='leakwatch run: DNS capture' ;;
	bt_count)
		"${PIN_S[@]}" bpftrace -e "$BT_COUNT" >"$SENSOR_LOG" 2>&1 &
		ready='^Attaching' ;;
	bt_print)
		"${PIN_S[@]}" bpftrace -o "$SENSOR_OUT" -e "$BT_PRINT" >"$SENSOR_LOG" 2>&1 &
		ready='^Attaching' ;;
	esac
	SENSOR_PID=$!
	ready_file=$SENSOR_LOG
	[ "$cond" = bt_print ] && ready_file=$SENSOR_OUT # bpftrace -o: "Attaching" goes there
	SENSOR_ST=$(_lw_starttime "$SENSOR_PID")
	_lw_track "$SENSOR_PID"
	if ! wait_for "$ready_file" "$ready" 30; then
		log "$cond did not attach:"
		sed 's/^/    /' "$SENSOR_LOG" | tail -n 5 >&2
		sensor_stop
		return 1
	fi
	SENSOR_START_MS=$((($(now_ns) - SENSOR_T0) / 1000000))
	return 0
}

# Stop the sensor; print "cpu_ms rss_kb wall_ms" of its life.
SENSOR_USAGE="- - -"
sensor_stop()
{
	local stat s utime stime hwm wall
	SENSOR_USAGE="- - -"
	[ -n "$SENSOR_PID" ] || return 0
	if stat=$(cat "/proc/$SENSOR_PID/stat" 2>/dev/null); then
		s=${stat##*) }
		# shellcheck disable=SC2086
		set -- $s
		utime=${12}
		stime=${13}
		hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SENSOR_PID/status" 2>/dev/null)
		wall=$((($(now_ns) - SENSOR_T0) / 1000000))
		SENSOR_USAGE="$(((utime + stime) * 1000 / $(getconf CLK_TCK))) ${hwm:--} $wall"
	fi
	if [ "$(_lw_starttime "$SENSOR_PID")" = "$SENSOR_ST" ]; then
		# run leaves ^C to COMMAND and passes SIGTERM on to it
		kill "-$([ "$SENSOR_COND" = lw_run ] && echo TERM || echo INT)" "$SENSOR_PID" 2>/dev/null
		for _ in $(seq 100); do
			[ "$(_lw_starttime "$SENSOR_PID")" = "$SENSOR_ST" ] || break
			sleep 0.05
		done
		[ "$(_lw_starttime "$SENSOR_PID")" = "$SENSOR_ST" ] && kill -KILL "$SENSOR_PID"
	fi
	wait "$SENSOR_PID" 2>/dev/null
	SENSOR_PID=
}

# events_lost and kernel counters from the daemon's summary line.
summary_field() # FIELD
{
	[ -s "$SENSOR_OUT" ] || { echo -; return; }
	grep '"type":"summary"' "$SENSOR_OUT" | tail -n1 |
		"$LW_PY" -c 'import json,sys
d=json.loads(sys.stdin.read() or "{}")
f=sys.argv[1]
v=d.get(f, d.get("kernel", {}).get(f, d.get("userspace", {}).get(f, "-")))
print(v)' "$1"
}

# Programs attached at the cgroup root that are not this run's: other
# sensors (another leakwatch, a test suite) that would run in every
# condition, "none" included. Samples taken with them are flagged.
CUR_COND=none
foreign_progs()
{
	local n expect=0
	n=$(bpftool cgroup show "$CG2" 2>/dev/null | tail -n +2 | grep -c .)
	case "$CUR_COND" in floor) expect=2 ;; lw | lw_taint | lw_run) expect=6 ;; esac
	echo $((n - expect))
}

# Run one workload inside the namespace; print its ns_per_op (or "-").
run_workload() # WORKLOAD TIME_MS [EXTRA-ARGS...]
{
	local w=$1 t=$2 out
	shift 2
	out=$(timeout -k 5 60 ip netns exec "$NS" "${PIN_W[@]}" "$WORKLOAD" "$w" -t "$t" "$@" 2>&1)
	LAST_OUT=$out
	case "$out" in
	*ns_per_op=*) out=${out##*ns_per_op=}; echo "${out%% *}" ;;
	*) log "workload $w failed: $out"; echo - ;;
	esac
}

# --- payload: the per-call cost of each --payload mode ------------------------------
# The daemon with --payload off, clear and tls against no sensor, interleaved
# and shuffled like phase 1: mail_session (8 SMTP segments to 127.0.0.1:25,
# a global address here, each scanned with clear and tls) and ssl_write
# (OpenSSL's SSL_write: the uprobe and its scan with tls). Per call:
# (clear - off) / 8 per scanned segment, tls - off per SSL_write.
payload_bench()
{
	local r c w v rounds=$((ROUNDS < 9 ? ROUNDS : 9))
	printf 'round\tcond\tworkload\tns_per_op\n' >"$RES/payload.tsv"
	for ((r = 1; r <= rounds; r++)); do
		for c in $(shuf -e none pl_off pl_clear pl_tls); do
			CUR_COND=$c
			sensor_start "$c" || continue
			for w in $(shuf -e mail_session ssl_write); do
				v=$(run_workload "$w" "$TIME_MS")
				printf '%s\t%s\t%s\t%s\n' "$r" "$c" "$w" "$v" >>"$RES/payload.tsv"
			done
			sensor_stop
		done
	done
	"$LW_PY" - "$RES/payload.tsv" <<'EOPY' | tee "$RES/payload.txt"
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
med = {}
for cond in ("none", "pl_off", "pl_clear", "pl_tls"):
    for w in ("mail_session", "ssl_write"):
        v = [float(r[3]) for r in rows if r[1] == cond and r[2] == w and r[3] != "-"]
        med[cond, w] = statistics.median(v) if v else float("nan")
print("payload: median ns per operation (daemon --payload MODE; none: no sensor)")
print(f"{'workload':<14}{'none':>10}{'off':>10}{'clear':>10}{'tls':>10}")
for w in ("mail_session", "ssl_write"):
    print(f"{w:<14}" + "".join(f"{med[c, w]:>10.0f}" for c in ("none", "pl_off", "pl_clear", "pl_tls")))
seg = (med["pl_clear", "mail_session"] - med["pl_off", "mail_session"]) / 8
tls_seg = (med["pl_tls", "mail_session"] - med["pl_off", "mail_session"]) / 8
call = med["pl_tls", "ssl_write"] - med["pl_off", "ssl_write"]
print(f"clear: {seg:.0f} ns per scanned segment (incl. the connect's mark, /8)")
print(f"tls:   {tls_seg:.0f} ns per scanned segment, {call:.0f} ns per SSL_write (uprobe + scan)")
EOPY
}
if [ "$PAYLOAD_ONLY" = 1 ]; then
	payload_bench
	exit 0
fi

# --- phase 1: interleaved, shuffled rounds ------------------------------------------
CONDS=(none none2 floor lw lw_taint lw_run)
if [ "$BT_OK" = 1 ]; then
	CONDS+=(bt_count)
	[ "$QUICK" = 1 ] || CONDS+=(bt_print)
fi
declare -A COND_DEAD=()
printf 'round\tcond\tworkload\tns_per_op\tforeign\n' >"$RES/samples.tsv"
printf 'round\tcond\tstart_ms\tcpu_ms\trss_kb\twall_ms\tevents_lost\tringbuf_full\n' >"$RES/meta.tsv"
{
	echo "machine	$(uname -r) $(nproc) vCPU $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "mem_mb	$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
	echo "rounds	$ROUNDS"
	echo "time_ms	$TIME_MS"
	echo "quick	$QUICK"
	echo "dns_backends	skb+libc (fentry refused by this kernel: skb is the wire capture here)"
	echo "bpftrace	$([ "$BT_OK" = 1 ] && bpftrace --version 2>/dev/null || echo "unavailable: $BT_WHY")"
	echo "pinning	$([ "$NCPU" -ge 2 ] && echo 'workload+dnsmasq CPU 1, sensor CPU 0' || echo none)"
	echo "leakwatch	$("$LW_BIN" version 2>/dev/null) sha256 $(sha256sum "$LW_BIN" | cut -c1-12)"
	echo "date	$(date -u +%Y-%m-%dT%H:%MZ)"
} >"$RES/info.tsv"

start=$(now_ns)
log "phase 1: ${#CONDS[@]} conditions x ${#WORKLOADS[@]} workloads x $ROUNDS rounds, ${TIME_MS} ms each"
[ "$BT_OK" = 1 ] || log "bpftrace rows skipped: $BT_WHY"
for ((r = 1; r <= ROUNDS; r++)); do
	mapfile -t order < <(printf '%s\n' "${CONDS[@]}" | shuf)
	for c in "${order[@]}"; do
		[ -n "${COND_DEAD[$c]:-}" ] && continue
		if ! sensor_start "$c"; then
			COND_DEAD[$c]=1
			echo "$c	did not attach: $(tail -n1 "$SENSOR_LOG" 2>/dev/null)" >>"$RES/failed.tsv"
			continue
		fi
		extra=()
		[ "$c" = lw_taint ] && extra=(--taint "$TAINT_NAME")
		CUR_COND=$c
		mapfile -t worder < <(printf '%s\n' "${WORKLOADS[@]}" | shuf)
		for w in "${worder[@]}"; do
			f1=$(foreign_progs)
			v=$(run_workload "$w" "$TIME_MS" "${extra[@]}")
			f2=$(foreign_progs)
			printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "$w" "$v" "$((f1 > f2 ? f1 : f2))" \
				>>"$RES/samples.tsv"
		done
		sensor_stop
		lost=-
		rb=-
		if [ "$c" = lw ] || [ "$c" = lw_taint ] || [ "$c" = lw_run ]; then
			lost=$(summary_field events_lost)
			rb=$(summary_field ringbuf_full)
		fi
		printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "${SENSOR_START_MS:--}" \
			"${SENSOR_USAGE// /	}" "$lost	$rb" >>"$RES/meta.tsv"
	done
	log "round $r/$ROUNDS done ($((($(now_ns) - start) / 1000000000)) s)"
done

# --- phase 2: per-program run time (bpf_stats), outside the timed rounds -----------
# bpf_stats_enabled adds two clock reads per program run, so it stays off
# while ratios are measured. Here each workload runs once per sensor and the
# run_time_ns/run_cnt deltas of each program are recorded.
# Only the programs this sensor loaded (ids new since just before its
# start): another leakwatch on the host has programs of the same names.
prog_ids() { bpftool prog show -j 2>/dev/null | "$LW_PY" -c 'import json,sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
OURS=
prog_snapshot() # -> "id name run_time_ns run_cnt" lines for our programs
{
	bpftool prog show -j 2>/dev/null | "$LW_PY" -c '
import json, sys
ours = set(sys.argv[1].split())
for p in json.load(sys.stdin):
    n = p.get("name", "")
    if str(p["id"]) in ours and (n.startswith("lw_") or n.startswith("floor_")):
        print(p["id"], n, p.get("run_time_ns", 0), p.get("run_cnt", 0))' "$OURS"
}
log "phase 2: per-program run time (kernel.bpf_stats_enabled=1)"
printf 'cond\tworkload\tprog\truns\trun_time_ns\tns_per_run\truns_per_op\n' >"$RES/progstats.tsv"
sysctl -qw kernel.bpf_stats_enabled=1
for c in floor lw lw_taint lw_run; do
	pre=" $(prog_ids) "
	sensor_start "$c" || continue
	OURS=
	for id in $(prog_ids); do
		case "$pre" in *" $id "*) ;; *) OURS+="$id " ;; esac
	done
	extra=()
	[ "$c" = lw_taint ] && extra=(--taint "$TAINT_NAME")
	for w in "${WORKLOADS[@]}"; do
		before=$(prog_snapshot)
		run_workload "$w" "$TIME_MS" "${extra[@]}" >/dev/null
		ops=${LAST_OUT##*ops=}
		ops=${ops%% *}
		after=$(prog_snapshot)
		join <(sort <<<"$before") <(sort <<<"$after") | while read -r _ name t0 n0 _ t1 n1; do
			runs=$((n1 - n0))
			[ "$runs" -gt 0 ] || continue
			printf '%s\t%s\t%s\t%s\t%s\t%.1f\t%.3f\n' "$c" "$w" "$name" "$runs" \
				"$((t1 - t0))" "$(awk -v a=$((t1 - t0)) -v b="$runs" 'BEGIN { print a / b }')" \
				"$(awk -v a="$runs" -v b="${ops:-1}" 'BEGIN { print a / (b ? b : 1) }')" >>"$RES/progstats.tsv"
		done
	done
	sensor_stop
done
sysctl -qw kernel.bpf_stats_enabled="$STATS_OLD"

# --- phase 3: throughput: the highest rate with zero lost events ------------------
log "phase 3: throughput (reserved DNS queries, tainted connects)"
printf 'test\ttarget_rate\tachieved_rate\tops\tevents_lost\tringbuf_full\tkernel_count\tdaemon_alive\n' \
	>"$RES/throughput.tsv"
tp_step() # TEST RATE WORKLOAD ARGS...
{
	local test=$1 rate=$2 w=$3 out ops ach alive lost rb kc field
	shift 3
	sensor_start lw || return 1
	if [ "$rate" = max ]; then
		run_workload "$w" "$TP_MS" "$@" >/dev/null
	else
		run_workload "$w" "$TP_MS" -r "$rate" "$@" >/dev/null
	fi
	out=$LAST_OUT
	ops=${out##*ops=}
	ops=${ops%% *}
	ach=$((${ops:-0} * 1000 / TP_MS))
	sleep 0.5 # let the reader drain
	alive=yes
	kill -0 "$SENSOR_PID" 2>/dev/null || alive=no
	sensor_stop
	lost=$(summary_field events_lost)
	rb=$(summary_field ringbuf_full)
	field=dns_reserved_queries
	[ "$test" = tainted_connect ] && field=events
	kc=$(summary_field $field)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$test" "$rate" "$ach" "$ops" "$lost" "$rb" \
		"$kc" "$alive" >>"$RES/throughput.tsv"
}
if [ "$QUICK" = 1 ]; then
	RATES=(50000 200000 max)
else
	RATES=(25000 50000 100000 150000 200000 300000 max)
fi
for rate in "${RATES[@]}"; do
	tp_step dns_reserved "$rate" dns_sendto --name "q.example.com"
done
for rate in "${RATES[@]}"; do
	tp_step tainted_connect "$rate" connect_global --taint "$TAINT_NAME"
done

# --- phase 4: start-up and memory --------------------------------------------------
log "phase 4: memory (defaults, then $FILL_PROCS tainted processes + $FILL_ANSWERS reserved answers)"
printf 'state\trss_kb\thwm_kb\tbpf_map_bytes\tevents_lost\tnote\n' >"$RES/memory.tsv"
map_bytes() # bytes_memlock of the maps leakwatch's programs (lw_*) use
{
	"$LW_PY" -c '
import json, subprocess
progs = json.loads(subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True).stdout or "[]")
ids = {m for p in progs if p.get("name", "").startswith("lw_") for m in p.get("map_ids", [])}
maps = json.loads(subprocess.run(["bpftool", "map", "show", "-j"], capture_output=True, text=True).stdout or "[]")
print(sum(int(m.get("bytes_memlock", 0)) for m in maps if m.get("id") in ids))'
}
mem_row() # STATE NOTE
{
	local rss hwm
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SENSOR_PID/status" 2>/dev/null)
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SENSOR_PID/status" 2>/dev/null)
	printf '%s\t%s\t%s\t%s\t-\t%s\n' "$1" "${rss:--}" "${hwm:--}" "$(map_bytes)" \
		"$2" >>"$RES/memory.tsv"
}
if sensor_start lw; then
	sleep 1
	mem_row defaults "idle daemon, 1 s after attach"
	ip netns exec "$NS" "${PIN_W[@]}" "$WORKLOAD" fill --procs "$FILL_PROCS" \
		--answers "$FILL_ANSWERS" --hold 4000 --name fill.example.com \
		>"$LW_TMP/fill.out" 2>&1 &
	fpid=$!
	_lw_track "$fpid"
	wait_for "$LW_TMP/fill.out" '^fill procs=' 300
	sleep 2
	mem_row filled "$(cat "$LW_TMP/fill.out" | head -n1), children alive"
	wait "$fpid"
	sleep 3
	mem_row after_exit "children exited, their reports written"
	sensor_stop
	printf 'summary\t-\t-\t-\t%s\tringbuf_full=%s taint_map_full=%s answer_set_full=%s\n' \
		"$(summary_field events_lost)" "$(summary_field ringbuf_full)" \
		"$(summary_field taint_map_full)" "$(summary_field answer_set_full)" >>"$RES/memory.tsv"
fi

payload_bench
log "done in $((($(now_ns) - start) / 1000000000)) s; raw results in $RES"
"$LW_PY" "$BENCH_DIR/report.py" "$RES" | tee "$RES/report.txt"
exit "${PIPESTATUS[0]}"
