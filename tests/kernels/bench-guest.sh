#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# bench-guest.sh: inside a test VM (guest.sh, LW_VM_BENCH=1), the relative
# cost of the two DNS capture backends on the same kernel: bench/workload's
# loops in a namespace with only lo, with no sensor, with `leakwatch daemon
# --dns-capture=skb` and with `--dns-capture=fentry`, plus a second
# no-sensor condition (none2, an A/A control: its ratio is the noise),
# conditions rotated every round. Prints per workload the median ns per operation of each
# condition and its ratio to no sensor. Under TCG the absolute numbers mean
# nothing; the ratios are what to compare (docs/kernels.md). With qemu's
# -icount (vm.sh LW_VM_ICOUNT=shift=0,sleep=off) guest nanoseconds are
# executed instructions, so each ratio is an instruction-count ratio.
# resolve_connect (getaddrinfo against a dnsmasq in the namespace, then a
# connect) runs when dnsmasq is installed.
#
# LW_VM_BENCH_ROUNDS (default 5), LW_VM_BENCH_MS (per sample, default 400).
set -u
cd "$LW_REPO" || exit 1
bin=$LW_REPO/leakwatch
wl=$LW_REPO/${OUTPUT:-.output}/bench/workload
R=${LW_VM_BENCH_ROUNDS:-5}
T=${LW_VM_BENCH_MS:-400}
workloads=(getppid udp_send dns_sendto tcp_connect tcp_stream64)
dnsmasq=$(command -v dnsmasq)
# none2: an A/A control, the noise floor; fentry-nolibc: fentry without the
# libc uprobes (LW_BENCH_NO_LIBC), what they cost.
conds=(none none2 skb fentry fentry-nolibc)
[ -x "$wl" ] || { echo "no $wl (make bench-build)"; exit 1; }
tmp=$(mktemp -d)
ns=lwbench$$
pid=
dpid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp" "/etc/netns/$ns"
}
trap cleanup EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
if [ -n "$dnsmasq" ]; then
	mkdir -p "/etc/netns/$ns"
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
	# dnsmasq and the workload share CPU 0: resolve_connect then hands off
	# without a halted vCPU (under -icount,sleep=off a halt skips guest time).
	ip netns exec "$ns" taskset -c 0 "$dnsmasq" --keep-in-foreground --no-resolv --no-hosts --no-poll \
		--listen-address=127.0.0.1 --bind-interfaces --port=53 --user=root --group=root \
		--address=/svc.ordinary.co/127.0.0.1 --address=/www.ordinary.co/127.0.0.1 \
		--local=/ordinary.co/ --cache-size=1000 >"$tmp/dnsmasq.log" 2>&1 &
	dpid=$!
	sleep 1
	workloads+=(resolve_connect)
fi

start_sensor() {	# CONDITION: a daemon watching the host; 0 once attached
	local b=${1%-nolibc} nolibc=
	[ "$b" != "$1" ] && nolibc=1
	: >"$tmp/err"
	LW_BENCH_NO_LIBC=$nolibc "$bin" daemon --dns-capture="$b" --output "$tmp/d.jsonl" \
		2>"$tmp/err" </dev/null &
	pid=$!
	for _ in $(seq 600); do
		grep -q 'watching the host' "$tmp/err" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	echo "daemon --dns-capture=$1 did not start: $(head -c 200 "$tmp/err")"
	return 1
}
stop_sensor() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
}

for r in $(seq "$R"); do
	# Rotate the order of the conditions from round to round.
	k=$((r % ${#conds[@]}))
	order=("${conds[@]:$k}" "${conds[@]:0:$k}")
	for c in "${order[@]}"; do
		case "$c" in none*) ;; *) start_sensor "$c" || continue ;; esac
		for w in "${workloads[@]}"; do
			v=$(ip netns exec "$ns" taskset -c 0 "$wl" "$w" -t "$T" 2>&1 | sed -n 's/.*ns_per_op=\([0-9.]*\).*/\1/p')
			[ -n "$v" ] && echo "$w $c $v" >>"$tmp/samples"
		done
		stop_sensor
	done
done
kernel=$(uname -r)
python3 - "$tmp/samples" "$kernel" "$R" "$T" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med = {}
for w, c, v in rows:
    med.setdefault((w, c), []).append(float(v))
print(f"kernel {sys.argv[2]}: {sys.argv[3]} rounds x {sys.argv[4]} ms, median ns/op and ratio to none")
for w in dict.fromkeys(r[0] for r in rows):
    base = statistics.median(med.get((w, "none"), [0])) or float("nan")
    cells = []
    for c in ("none", "none2", "skb", "fentry", "fentry-nolibc"):
        xs = med.get((w, c))
        if not xs:
            cells.append(f"{c} -")
            continue
        m = statistics.median(xs)
        spread = (max(xs) - min(xs)) / m if m else float("nan")
        cells.append(f"{c} {m:.0f} ({m / base:.3f}x, n={len(xs)}, spread {spread:.1%})")
    print(f"{w}: " + "; ".join(cells))
PY
