#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Running it in production: the Prometheus textfile (--metrics-file) and
# size-based rotation of --output with gzip, without losing or splitting a
# line across rotations. The daemon watches the whole host: assertions
# count only this test's lookups (rot.localhost).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup --address=/rot.localhost/198.18.0.50

out=$LW_TMP/rot/out.jsonl
prom=$LW_TMP/rot/leakwatch.prom
err=$LW_TMP/daemon.err
mkdir -p "$LW_TMP/rot"
"$LW_BIN" daemon --output "$out" --rotate-size 4K --rotate-keep 100 --metrics-file "$prom" \
	--metrics-interval 1 --stats-interval 1 2>"$err" &
dpid=$!
_lw_track "$dpid"
for _ in $(seq 200); do
	grep -q 'watching the host' "$err" && break
	sleep 0.05
done

n=40
for _ in $(seq "$n"); do
	ip netns exec "$LW_NS" getent hosts rot.localhost >/dev/null
done
sleep 1.5

lw_begin metrics-file-content
[ -s "$prom" ] || _lw_because "no metrics file"
for m in 'leakwatch_up 1' 'leakwatch_verdicts_total\{kind="answer",severity="medium"\} [0-9]+' \
	'leakwatch_events_lost_total\{reason="ringbuf_full"\} 0' \
	'leakwatch_map_fill_ratio\{map="taint"\} [0-9.]+' \
	'# TYPE leakwatch_events_total counter'; do
	grep -Eq "^$m" "$prom" || _lw_because "metrics lack /$m/"
done
# Run counts only when the kernel counts them (kernel.bpf_stats_enabled).
if [ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 1 ]; then
	grep -Eq '^leakwatch_hook_runs_total\{program="lw_connect4"\} [0-9]+' "$prom" ||
		_lw_because "bpf_stats on, but no run counts"
else
	grep -q '^leakwatch_hook_stats_enabled 0$' "$prom" || _lw_because "no hook_stats_enabled 0"
	grep -q '^leakwatch_hook_runs_total' "$prom" && _lw_because "run counts of 0 with bpf_stats off"
fi
v=$(awk -F'} ' '/^leakwatch_verdicts_total\{kind="answer",severity="medium"\}/ { print $2 }' "$prom")
[ "${v:-0}" -ge "$n" ] || _lw_because "answer/medium verdicts $v < $n"
lw_end

kill -TERM "$dpid"
wait "$dpid"
drc=$?

lw_begin rotation-no-line-lost
[ "$drc" = 0 ] || _lw_because "daemon exit status $drc"
ls "$out".*.gz >/dev/null 2>&1 || _lw_because "no rotated .gz file"
"$LW_PY" - "$out" "$n" <<'PY' || _lw_because "lines lost, split or not valid JSON across rotations"
import glob, gzip, json, sys
out, n = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob(out + ".*.gz"), key=lambda f: -int(f.split(".")[-2])) + [out]
events = reports = 0
for f in files:
    data = gzip.open(f).read() if f.endswith(".gz") else open(f, "rb").read()
    assert data.endswith(b"\n"), f"{f} ends inside a line"
    for line in data.decode("utf-8").splitlines():
        o = json.loads(line)
        names = [v["name"] for v in o.get("verdicts", [])] + [o.get("verdict", {}).get("name")]
        if "rot.localhost" in names:
            events += o["type"] == "event"
            reports += o["type"] == "report"
last = json.loads(open(out).read().splitlines()[-1])
print(f"  {len(files)} files, {events} events, {reports} reports, last {last['type']}")
sys.exit(0 if events == n and reports == n and last["type"] == "summary" else 1)
PY
lw_expect_true "rotated files are mode 0600" sh -c "! find '$LW_TMP/rot' -name '*.gz' ! -perm 600 | grep -q ."
lw_expect_true "metrics file removed at shutdown" test ! -e "$prom"
lw_end
