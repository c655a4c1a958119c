#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `--format ocsf` (README, "OCSF output"): the verdicts as OCSF 1.1 events,
# Network Activity (4001, Open) for direct/follow-on and DNS Activity
# (4003, Query) for resolver/answer; `run --report` writes one event per
# verdict then the summary, the daemon an event per verdict as it is made.
# The default (and `--format json`) stays the README "The report" report.
# Events are checked by check_ocsf.py (standard library only).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup

ocsf() { "$LW_PY" "$LW_E2E/check_ocsf.py" "$@"; }

# A direct leak (high) and an answer verdict (foo.localhost -> a global
# address: loopback family, medium) from one command.
# shellcheck disable=SC2016 # $1 is the inner sh's
cmd=(sh -c '"$1" leak.example.net 80; getent ahosts foo.localhost >/dev/null; exit 0' sh
	"$LW_HELPERS/tcp-connect")

r=$LW_TMP/run-ocsf.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" --format ocsf -- "${cmd[@]}"
lw_begin ocsf-run-report
lw_expect_rc 3
out=$(ocsf "$r" --run direct:4001:4:198.18.0.7:80 answer:4003:3:-:-) || _lw_because "$out"
_lw_report=$r
leaks=$(tail -n 1 "$r" | "$LW_PY" -c 'import json, sys; print(json.load(sys.stdin).get("leaks"))')
[ "$leaks" = 2 ] || _lw_because "summary leaks=$leaks, expected 2"
lw_end

# The fields a SIEM maps, on the direct event.
lw_begin ocsf-run-fields
out=$("$LW_PY" - "$r" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if '"class_uid"' in l]
d = [e for e in ev if e["unmapped"]["kind"] == "direct"][0]
a = [e for e in ev if e["unmapped"]["kind"] == "answer"][0]
bad = []
if d["actor"]["process"]["name"] != "tcp-connect": bad.append("actor.process.name")
if not d["actor"]["process"].get("file", {}).get("path", "/tcp-connect").endswith("/tcp-connect"):
    bad.append("file.path")
# getent's /proc is read while it runs (a short-lived client may be gone)
if a["actor"]["process"].get("cmd_line") not in (None, "getent ahosts foo.localhost"):
    bad.append("cmd_line")
if d["connection_info"]["protocol_name"] != "tcp": bad.append("protocol_name")
if d["unmapped"]["via"] != "leak.example.net" or d["unmapped"]["blocked"]: bad.append("unmapped")
if d["severity"] != "High": bad.append("severity")
if a["query"]["hostname"] != "foo.localhost": bad.append("query.hostname")
if a["answers"][0]["rdata"] != "198.18.0.10": bad.append("answers")
if a["severity"] != "Medium": bad.append("answer severity")
print(" ".join(bad))
sys.exit(1 if bad else 0)
PY
) || _lw_because "wrong: $out"
lw_end

# The default, and --format json, are the §6 report, unchanged.
for fmt in default json; do
	r=$LW_TMP/run-$fmt.jsonl
	opts=(--config "$LW_CONF")
	[ "$fmt" = json ] && opts+=(--format json)
	lw_run_in "$LW_NS" "$r" "${opts[@]}" -- "${cmd[@]}"
	lw_begin "ocsf-$fmt-format-is-the-report"
	lw_expect_rc 3
	lw_expect "$r" valid
	lw_expect "$r" has-verdict --comm tcp-connect --kind direct --address 198.18.0.7 --port 80
	lw_expect "$r" has-verdict --comm getent --kind answer --name foo.localhost
	grep -q '"class_uid"' "$r" && _lw_because "OCSF fields in the $fmt report"
	lw_end
done

lw_begin ocsf-bad-format-refused
"$LW_BIN" run --format xml -- true >/dev/null 2>"$LW_TMP/fmt.err"
rc=$?
[ "$rc" = 2 ] || _lw_because "--format xml: exit status $rc, expected 2"
grep -q "format: 'xml' is not json or ocsf" "$LW_TMP/fmt.err" ||
	_lw_because "--format xml: $(head -c 200 "$LW_TMP/fmt.err")"
lw_end

# The daemon: an OCSF event per verdict as it is made, no report lines,
# the summary at SIGTERM.
out=$LW_TMP/daemon.jsonl
err=$LW_TMP/daemon.err
"$LW_BIN" daemon --format ocsf --output "$out" --config "$LW_CONF" --stats-interval 0 \
	2>"$err" &
dpid=$!
_lw_track "$dpid"
for _ in $(seq 200); do
	grep -q 'watching the host' "$err" 2>/dev/null && break
	sleep 0.05
done
ip netns exec "$LW_NS" "$LW_HELPERS/tcp-connect" leak.example.net 80 >/dev/null 2>&1
client_done=$?
sleep 0.5
kill -TERM "$dpid" 2>/dev/null
wait "$dpid"
drc=$?
lw_begin ocsf-daemon-events
[ "$drc" = 0 ] || _lw_because "daemon exit status $drc: $(head -c 200 "$err")"
[ "$client_done" != 127 ] || _lw_because "client did not run"
o=$(ocsf "$out" direct:4001:4:198.18.0.7:80) || _lw_because "$o"
[ "$(tail -n 1 "$out" | "$LW_PY" -c 'import json,sys; print(json.load(sys.stdin).get("type"))')" = summary ] ||
	_lw_because "the last daemon line is not the summary"
_lw_report=$out
lw_end
