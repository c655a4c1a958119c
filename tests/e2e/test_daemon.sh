#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `leakwatch daemon` (README "Usage"): the whole host is watched, an `event`
# line per verdict as it is made, a `report` per process at its exit,
# reports for the living on SIGUSR1, SIGHUP reloads the config, and a
# `summary` last at SIGTERM. The daemon sees every process on the host, so
# every assertion selects the test's own processes by pid.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup
lw_http_start "$LW_NS" "$LW_E2E/www" 8080 || { lw_fail daemon "no HTTP server"; exit 0; }

out=$LW_TMP/daemon.jsonl
err=$LW_TMP/daemon.err
conf=$LW_TMP/daemon.conf
lw_config "$conf" '# nothing yet: 198.18.0.0/15 is not global'

# Start the daemon in the host's namespaces and wait until it is attached.
daemon_start()
{
	rm -f "$out" "$err"
	"$LW_BIN" daemon --output "$out" --config "$conf" 2>"$err" &
	dpid=$!
	_lw_track "$dpid"
	for _ in $(seq 200); do
		grep -q 'watching the host' "$err" 2>/dev/null && return 0
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

daemon_stop()
{
	kill -TERM "$dpid" 2>/dev/null
	wait "$dpid"
	drc=$?
}

lw_begin daemon-starts
daemon_start || _lw_because "no 'watching the host' line: $(head -c 300 "$err")"
lw_end || exit 0

# Attached, the daemon keeps only CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE (other
# users' /proc/PID/exe and /root), CAP_PERFMON and CAP_BPF (uprobes on C
# libraries that appear later) and CAP_CHECKPOINT_RESTORE (their
# /proc/PID/map_files) and CAP_SYS_ADMIN (uprobe perf events need it on
# this kernel), with no_new_privs.
lw_begin daemon-drops-capabilities
eff=$(awk '/^CapEff:/ { print $2 }' "/proc/$dpid/status")
bnd=$(awk '/^CapBnd:/ { print $2 }' "/proc/$dpid/status")
[ "$eff" = 000001c000280004 ] || _lw_because "CapEff $eff"
[ "$bnd" = 000001c000280004 ] || _lw_because "CapBnd $bnd"
grep -q '^NoNewPrivs:.*1' "/proc/$dpid/status" || _lw_because "no_new_privs not set"
lw_end

# A leak from a short-lived process: event line then its report.
ip netns exec "$LW_NS" "$LW_PY" "$LW_E2E/autodiscover.py" >/dev/null 2>&1 &
client=$!
wait $client
sleep 0.5
lw_begin daemon-event-and-exit-report
lw_expect "$out" has-verdict --type event --pid "$client" --kind follow-on --severity high \
	--address 133.242.1.10 --port 993
lw_expect "$out" has-verdict --type report --pid "$client" --kind follow-on \
	--dest-name imapgms.jnet.sei.co.jp --via autodiscover.example.com
lw_end

# A living process: its report comes on SIGUSR1 (it sleeps after leaking).
ip netns exec "$LW_NS" sh -c 'getent ahosts foo.localhost >/dev/null; exec sleep 30' &
sleeper=$!
_lw_track "$sleeper"
sleep 0.5
kill -USR1 "$dpid"
sleep 0.5
lw_begin daemon-sigusr1-living-report
lw_expect "$out" has-report --comm getent
lw_expect "$out" has-verdict --type report --comm getent --kind answer --name foo.localhost
lw_end

# SIGHUP: a config that makes 198.18.0.0/15 global takes effect at once.
ip netns exec "$LW_NS" "$LW_BIN" classify 198.18.0.7 >/dev/null
lw_config "$conf" 'global = 198.18.0.0/15'
kill -HUP "$dpid"
for _ in $(seq 40); do
	grep -q 'config reloaded' "$err" && break
	sleep 0.05
done
ip netns exec "$LW_NS" sh -c 'exec python3 "$0" leak.example.net 443' "$LW_E2E/pyconnect.py" \
	>/dev/null 2>&1 &
pc=$!
wait $pc
sleep 0.5
lw_begin daemon-sighup-reload
lw_expect_true "stderr says the config was reloaded" grep -q 'config reloaded' "$err"
lw_expect "$out" has-verdict --type event --pid "$pc" --kind direct --address 198.18.0.7 --port 443
lw_end

# An untainted process connecting to an address another process was
# answered: a direct leak with asked_by. Untainted processes have no exit
# event, so the daemon's sweep (every 5 s) finds it gone and reports it.
ip netns exec "$LW_NS" getent ahosts leak.example.net >/dev/null
ip netns exec "$LW_NS" "$LW_HELPERS/tcp-connect" 198.18.0.7 443 >/dev/null 2>&1 &
bare=$!
wait $bare
sleep 6
lw_begin daemon-untainted-direct-swept-report
lw_expect "$out" has-verdict --type event --pid "$bare" --kind direct --address 198.18.0.7
lw_expect "$out" has-verdict --type report --pid "$bare" --kind direct --address 198.18.0.7
lw_end

# A config that no longer parses keeps the running policy.
lw_config "$conf" 'global = not-an-address'
kill -HUP "$dpid"
sleep 0.5
lw_begin daemon-sighup-bad-config-kept
lw_expect_true "stderr names the bad line" grep -q "$conf:1" "$err"
lw_expect_true "daemon still running" kill -0 "$dpid"
lw_end

kill "$sleeper" 2>/dev/null
daemon_stop
lw_begin daemon-sigterm-summary
[ "$drc" = 0 ] || _lw_because "daemon exit status $drc"
lw_expect "$out" valid
lw_expect "$out" summary --events-lost 0
lw_expect_true "output file is mode 0600" test "$(stat -c %a "$out")" = 600
lw_end

# Bad arguments: usage errors exit 2 with one line naming the problem.
lw_begin daemon-usage-errors
"$LW_BIN" daemon --window 0 >/dev/null 2>"$LW_TMP/u1"
[ $? = 2 ] || _lw_because "--window 0 did not exit 2"
"$LW_BIN" daemon stray >/dev/null 2>"$LW_TMP/u2"
[ $? = 2 ] || _lw_because "a stray argument did not exit 2"
lw_config "$LW_TMP/bad.conf" 'window = 60' 'bogus = 1'
"$LW_BIN" daemon --config "$LW_TMP/bad.conf" >/dev/null 2>"$LW_TMP/u3"
[ $? = 2 ] || _lw_because "a bad config did not exit 2"
grep -q "bad.conf:2" "$LW_TMP/u3" || _lw_because "the error does not name file:line"
lw_end
