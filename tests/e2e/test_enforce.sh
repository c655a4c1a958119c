#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# --enforce (README "Usage", bpf/dest.bpf.h), in `run` and in `daemon` mode:
# traffic to a global address answered to a reserved query (a `direct`
# case) is refused in the kernel with EPERM and reported "blocked": true;
# everything else goes as it would without the sensor:
#   - TCP connect and UDP sends (sendto, and send on a connected socket) to
#     the answer of leak.example.net: EPERM, blocked;
#   - glibc's sort-only UDP connects (no data) to answers: allowed;
#   - follow-on traffic (the demo: autodiscover.py): allowed, reported;
#   - an untainted process to an ordinary global address: allowed;
#   - a reserved name answered with a private address (myapp.test): allowed.
#
# To tell "refused" from "went out", a second namespace holds 198.18.0.7
# (leak.example.net) and 198.18.0.30 (www.ordinary.co) across a veth in
# 198.18.0.0/24 (benchmarking, not public; $LW_CONF declares it global).
# Nothing listens there: an allowed TCP connect gets ECONNREFUSED, a refused
# one EPERM. 133.242.1.10 (the demo's IMAP host) and 10.1.2.3 have no route:
# allowed connects to them fail with ENETUNREACH, before any packet exists.
#
# The daemon watches the whole host, so its checks select processes by the
# pids of the test's own clients.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup
lw_http_start "$LW_NS" "$LW_E2E/www" 8080 || { lw_fail "$LW_TEST" "http.server"; exit 1; }

lw_next_name
ns_b=$LW_NAME
if ! lw_netns_create "$ns_b" || ! lw_veth "$LW_NS" 198.18.0.1 "$ns_b" 198.18.0.7 ||
	! ip -n "$ns_b" addr add 198.18.0.30/24 dev "${ns_b}v"; then
	lw_fail "$LW_TEST" "could not build the peer namespace"
	exit 1
fi

# Sort-only UDP connects: getaddrinfo (glibc connects a UDP socket to each
# answer to sort them), then connect() a UDP socket to every answer again
# explicitly, sending nothing. All of it must succeed (there is a route).
SORT_PY='
import socket, sys
addrs = sorted({ai[4][0] for ai in socket.getaddrinfo("multi.example.net", 80, socket.AF_INET)})
for a in addrs:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect((a, 5353))
        print(f"udp-connect {a}: ok")
    except OSError as e:
        print(f"udp-connect {a}: errno {e.errno}")
        sys.exit(1)
    finally:
        s.close()
'

declare -A PID RC OUT REPORT

# client MODE NAME CMD...: run CMD in $LW_NS, its pid (the wrapper sh execs
# it) in PID[NAME], exit status in RC[NAME], output in OUT[NAME], the JSON
# it is reported in in REPORT[NAME]. run: one `leakwatch run --enforce`
# each; daemon: under the daemon already running ($DAEMON_REPORT).
client()
{
	local mode=$1 name=$2 pidf=$LW_TMP/$1-$2.pid
	shift 2
	rm -f "$pidf"
	# shellcheck disable=SC2016 # $$ and $0 are the inner sh's
	set -- sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@"
	if [ "$mode" = run ]; then
		REPORT[$mode-$name]=$LW_TMP/run-$name.jsonl
		lw_run_in "$LW_NS" "${REPORT[$mode-$name]}" --enforce --config "$LW_CONF" -- "$@"
	else
		REPORT[$mode-$name]=$DAEMON_REPORT
		lw_exec_in "$LW_NS" "$@"
	fi
	PID[$mode-$name]=$(cat "$pidf" 2>/dev/null)
	RC[$mode-$name]=$LW_RC
	OUT[$mode-$name]=$LW_OUT
}

run_clients()	# MODE
{
	local m=$1
	client "$m" tcp "$LW_HELPERS/tcp-connect" leak.example.net 80
	client "$m" udp-sendto "$LW_HELPERS/tcp-connect" --udp leak.example.net 5353
	client "$m" udp-connected "$LW_HELPERS/tcp-connect" --udp-connected leak.example.net 5353
	client "$m" sort-only "$LW_PY" -c "$SORT_PY"
	client "$m" follow-on "$LW_PY" "$LW_E2E/autodiscover.py"
	client "$m" untainted "$LW_HELPERS/tcp-connect" www.ordinary.co 80
	client "$m" private "$LW_HELPERS/tcp-connect" myapp.test 80
}

# In the report of a scenario: the chosen process (by pid).
expect()	# MODE NAME QUERY ARGS...
{
	local key=$1-$2
	shift 2
	lw_expect "${REPORT[$key]}" "$1" --pid "${PID[$key]}" "${@:2}"
}

expect_out()	# MODE NAME REGEX
{
	grep -Eq -- "$3" "${OUT[$1-$2]}" ||
		_lw_because "$2's output lacks /$3/: $(tr '\n' '|' <"${OUT[$1-$2]}" | cut -c1-200)"
}

# What leakwatch run's exit status must be (design §5: 3 on a leak of
# medium or more, else the command's own); the daemon does not wrap them.
expect_rc()	# MODE NAME STATUS
{
	[ "$1" = run ] || return 0
	[ "${RC[$1-$2]}" = "$3" ] || _lw_because "exit status ${RC[$1-$2]}, expected $3"
}

# An event line (daemon) for the pid with a verdict of KIND, blocked or not.
expect_event()	# MODE NAME KIND BLOCKED
{
	local out
	[ "$1" = daemon ] || return 0
	out=$("$LW_PY" - "${REPORT[$1-$2]}" "${PID[$1-$2]}" "$3" "$4" <<-'EOF'
		import json, sys
		path, pid, kind, blocked = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "true"
		seen = []
		for line in open(path, encoding="utf-8"):
		    o = json.loads(line)
		    if o.get("type") != "event" or (o.get("process") or {}).get("pid") != pid:
		        continue
		    v = o.get("verdict") or {}
		    seen.append(f'{v.get("kind")}/blocked={v.get("blocked")}')
		    if v.get("kind") == kind and v.get("blocked") is blocked:
		        sys.exit(0)
		print(f"no event {kind} blocked={str(blocked).lower()} for pid {pid}; have: {seen}")
		sys.exit(1)
	EOF
	) || _lw_because "$out"
}

check_clients()	# MODE
{
	local m=$1

	lw_begin "enforce-$m-direct-tcp-eperm"
	expect_rc "$m" tcp 3
	expect_out "$m" tcp 'tcp 198\.18\.0\.7 port 80: connect: errno 1 '
	expect "$m" tcp has-verdict --kind direct --severity high --name leak.example.net \
		--address 198.18.0.7 --port 80 --proto tcp --blocked true
	expect_event "$m" tcp direct true
	lw_end

	lw_begin "enforce-$m-direct-udp-sendto-eperm"
	expect_rc "$m" udp-sendto 3
	expect_out "$m" udp-sendto 'udp 198\.18\.0\.7 port 5353: sendto: errno 1 '
	expect "$m" udp-sendto has-verdict --kind direct --address 198.18.0.7 --port 5353 \
		--proto udp --blocked true
	expect_event "$m" udp-sendto direct true
	lw_end

	# connect() arms the socket (no data yet); the datagram is refused on
	# its way out (cgroup_skb egress), and send() returns EPERM
	lw_begin "enforce-$m-direct-udp-connected-send-eperm"
	expect_rc "$m" udp-connected 3
	expect_out "$m" udp-connected 'udp 198\.18\.0\.7 port 5353: connected, send: errno 1 '
	expect "$m" udp-connected has-verdict --kind direct --address 198.18.0.7 --port 5353 \
		--proto udp --blocked true
	lw_end

	lw_begin "enforce-$m-sort-only-udp-connects-allowed"
	expect_rc "$m" sort-only 0
	expect_out "$m" sort-only 'udp-connect 198\.18\.0\.21: ok'
	expect_out "$m" sort-only 'udp-connect 198\.18\.0\.22: ok'
	expect "$m" sort-only has-name --name multi.example.net --answer 198.18.0.21
	expect "$m" sort-only no-verdict
	lw_end

	lw_begin "enforce-$m-follow-on-allowed"
	expect_rc "$m" follow-on 3
	expect_out "$m" follow-on 'step 2: GET .* -> 200'
	expect_out "$m" follow-on 'connect to 133\.242\.1\.10:993 failed: ENETUNREACH'
	expect "$m" follow-on has-verdict --kind follow-on --severity high \
		--name autodiscover.example.com --address 133.242.1.10 --port 993 --blocked false
	expect "$m" follow-on no-verdict --kind direct
	expect_event "$m" follow-on follow-on false
	lw_end

	# www.ordinary.co -> 198.18.0.30 (global by $LW_CONF, reachable, nothing
	# listens): the connect goes out and is refused by the peer, not by us
	lw_begin "enforce-$m-untainted-allowed"
	expect_rc "$m" untainted 0
	expect_out "$m" untainted 'tcp 198\.18\.0\.30 port 80: connect: errno 111 '
	lw_report "${REPORT[$m-untainted]}" has-report --pid "${PID[$m-untainted]}" >/dev/null &&
		expect "$m" untainted no-leak
	lw_end

	# myapp.test -> 10.1.2.3: a reserved name, a private answer (no
	# verdict): the connect is attempted (ENETUNREACH: no route), not refused
	lw_begin "enforce-$m-reserved-private-allowed"
	expect_rc "$m" private 0
	expect_out "$m" private 'tcp 10\.1\.2\.3 port 80: connect: errno 101 '
	expect "$m" private has-name --name myapp.test --answer 10.1.2.3
	expect "$m" private no-verdict
	lw_end
}

# --- run --enforce ------------------------------------------------------------------
run_clients run
for k in tcp udp-sendto follow-on; do
	lw_check "enforce-run-report-valid-$k" "${REPORT[run-$k]}" valid
done
check_clients run

# --- daemon --enforce -------------------------------------------------------------------
DAEMON_REPORT=$LW_TMP/daemon.jsonl
DAEMON_ERR=$LW_TMP/daemon.err
"$LW_BIN" daemon --enforce --config "$LW_CONF" --output "$DAEMON_REPORT" \
	</dev/null >/dev/null 2>"$DAEMON_ERR" &
daemon_pid=$!
_lw_track "$daemon_pid"
for _ in $(seq 200); do
	grep -q 'leakwatch: watching the host' "$DAEMON_ERR" && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
lw_begin enforce-daemon-starts
grep -q 'leakwatch: watching the host.*enforcing' "$DAEMON_ERR" ||
	_lw_because "no 'watching the host ... enforcing' line: $(head -c 300 "$DAEMON_ERR")"
if ! lw_end; then
	exit 1
fi

run_clients daemon
# An untainted process connecting to an address that another process's
# reserved query got back (the answer set is host-wide): direct, blocked,
# with asked_by naming who asked.
client daemon asked-by "$LW_HELPERS/tcp-connect" 198.18.0.7 80

kill -TERM "$daemon_pid"
for _ in $(seq 100); do
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$daemon_pid" 2>/dev/null
daemon_rc=$?

lw_begin enforce-daemon-clean-exit
[ "$daemon_rc" = 0 ] || _lw_because "daemon exit status $daemon_rc"
lw_expect "$DAEMON_REPORT" valid
lw_end

check_clients daemon

lw_begin enforce-daemon-answer-set-host-wide
expect_out daemon asked-by 'tcp 198\.18\.0\.7 port 80: connect: errno 1 '
expect daemon asked-by has-verdict --kind direct --address 198.18.0.7 --port 80 --blocked true
lw_end
