#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# daemon restart with --pin-dir: taint and answers survive (a process that
# looked up a reserved name before the restart and connects after it is
# still caught), a second daemon on the same directory is refused, and a
# crashed (SIGKILLed) daemon's pins are reused by the next one.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup

pins=/sys/fs/bpf/lwtest-$$
# lib.sh's cleanup runs from its own EXIT trap: chain it.
trap '_lw_cleanup; rm -rf "$pins"' EXIT

start_daemon()	# OUT ERR
{
	"$LW_BIN" daemon --pin-dir "$pins" --config "$LW_CONF" --output "$1" 2>"$2" &
	dpid=$!
	_lw_track "$dpid"
	for _ in $(seq 200); do
		grep -q 'watching the host' "$2" 2>/dev/null && return 0
		kill -0 "$dpid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

lw_begin restart-first-daemon-pins
start_daemon "$LW_TMP/a.jsonl" "$LW_TMP/a.err" || _lw_because "did not start: $(head -c 200 "$LW_TMP/a.err")"
for m in taint answers pending sock_owner events; do
	[ -e "$pins/$m" ] || _lw_because "$pins/$m not pinned"
done
lw_end

# A process looks up leak.example.net (198.18.0.7, global in this config),
# says so, then connects only once told the second daemon is watching:
# files, not sleeps, so a loaded host cannot reorder the steps.
# shellcheck disable=SC2016
ip netns exec "$LW_NS" "$LW_PY" -c '
import os, socket, sys, time
looked, go = sys.argv[1], sys.argv[2]
sa = socket.getaddrinfo("leak.example.net", 443, socket.AF_INET, socket.SOCK_STREAM)[0][4]
open(looked, "w").close()
for _ in range(600):
    if os.path.exists(go):
        break
    time.sleep(0.05)
s = socket.socket()
try:
    s.connect(sa)
except OSError:
    pass
' "$LW_TMP/looked" "$LW_TMP/go" &
client=$!
for _ in $(seq 200); do
	[ -e "$LW_TMP/looked" ] && break
	sleep 0.05
done

lw_begin restart-second-daemon-refused
"$LW_BIN" daemon --pin-dir "$pins" --output "$LW_TMP/x.jsonl" 2>"$LW_TMP/x.err" </dev/null
rc=$?
[ "$rc" = 1 ] || _lw_because "exit status $rc"
grep -q 'in use by another leakwatch daemon' "$LW_TMP/x.err" || _lw_because "$(head -c 200 "$LW_TMP/x.err")"
lw_end

kill -TERM "$dpid"
wait "$dpid"
lw_begin restart-state-survives
start_daemon "$LW_TMP/b.jsonl" "$LW_TMP/b.err" || _lw_because "did not restart: $(head -c 200 "$LW_TMP/b.err")"
grep -q 'resumed the state pinned' "$LW_TMP/b.err" || _lw_because "no 'resumed' line"
[ -e "$LW_TMP/looked" ] || _lw_because "the client never looked the name up"
touch "$LW_TMP/go"
wait "$client"
# The daemon writes the event after its ring buffer poll: wait for it.
for _ in $(seq 200); do
	grep -q '198.18.0.7' "$LW_TMP/b.jsonl" 2>/dev/null && break
	sleep 0.05
done
lw_expect "$LW_TMP/b.jsonl" has-verdict --type event --pid "$client" --kind direct --address 198.18.0.7 \
	--port 443
lw_end

# A crash leaves the pins (links die with the process): the next start
# reuses them and nothing stays attached from the dead one.
kill -KILL "$dpid"
wait "$dpid" 2>/dev/null
lw_begin restart-after-crash
start_daemon "$LW_TMP/c.jsonl" "$LW_TMP/c.err" || _lw_because "did not start after a crash: $(head -c 200 "$LW_TMP/c.err")"
grep -q 'resumed the state pinned' "$LW_TMP/c.err" || _lw_because "pins not reused"
kill -TERM "$dpid"
wait "$dpid" || _lw_because "exit status $?"
lw_expect "$LW_TMP/c.jsonl" valid
lw_end
