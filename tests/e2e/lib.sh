# shellcheck shell=bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Shared by every tests/e2e/test_*.sh (and demo.sh): sandboxes, a real DNS
# server, running the sensor, checking its JSON report.
#
#	. "$(dirname "$0")/lib.sh"
#	lw_require_root
#	lw_setup --address=/leak.example.net/198.18.0.7   # netns $LW_NS + dnsmasq
#	lw_config "$LW_TMP/lw.conf" 'global = 198.18.0.0/15'
#	lw_run_in "$LW_NS" "$LW_TMP/r.jsonl" --config "$LW_TMP/lw.conf" -- \
#		"$LW_HELPERS/tcp-connect" leak.example.net 80
#	lw_begin direct-tcp-connect
#	lw_expect_rc 3
#	lw_expect "$LW_TMP/r.jsonl" has-verdict --comm tcp-connect --kind direct
#	lw_end                                # prints PASS: or FAIL: ...: why
#
# Network safety: every namespace made here has only `lo`, no default route:
# a connect to any "public" address fails with ENETUNREACH before a packet is
# built (leakwatch's cgroup hooks see it all the same). DNS is a dnsmasq on
# the namespace's own 127.0.0.1, named by /etc/netns/NAME/resolv.conf; the
# host's resolver (off the machine) is never used. lw_veth adds a link
# between two of our namespaces in 198.18.0.0/15 (benchmarking, not public).
#
# Cleanup: an EXIT trap kills what was started (by pid, after checking the
# pid still names the same process), deletes namespaces, /etc/netns/NAME,
# cgroups and the temp dir. Names carry the shell's pid (lwe<PID><letter>),
# so parallel runs never collide; namespaces left by a run that died are
# swept by the next one (their owner pid is recorded and checked).

set -u

LW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LW_E2E=$LW_ROOT/tests/e2e
OUTPUT=${OUTPUT:-.output}
case "$OUTPUT" in /*) ;; *) OUTPUT=$LW_ROOT/$OUTPUT ;; esac
LW_BIN=${LW_BIN:-$LW_ROOT/leakwatch}
LW_HELPERS=$OUTPUT/tests
LW_TEST=$(basename "$0" .sh)
# Debian's python3 (stdlib only); comm of its processes is "python3".
if [ -x /usr/bin/python3 ]; then LW_PY=/usr/bin/python3; else LW_PY=python3; fi
LW_PREFIX=lwe
LW_STATE_DIR=/run/leakwatch-e2e
LW_RUN_TIMEOUT=${LW_RUN_TIMEOUT:-60}
LW_DNSMASQ=${LW_DNSMASQ:-dnsmasq}
# Reserved suffixes dnsmasq answers locally (NOERROR/NODATA for a type it has
# no --address for, NXDOMAIN for unknown names) instead of REFUSED.
LW_LOCAL_DOMAINS=(example.com example.net example.org example test invalid localhost
	alt onion home.arpa internal local)

# What the tests' dnsmasq answers. 198.18.0.0/15 (benchmarking) stands for
# "the internet" through `global = 198.18.0.0/15` in $LW_CONF; 133.242.1.10
# (the demo's IMAP host) is really global: the namespace has no route to it.
LW_STD_DNS=(
	--address=/autodiscover.example.com/127.0.0.1
	--address=/imapgms.jnet.sei.co.jp/133.242.1.10
	--address=/leak.example.com/198.18.0.9
	--address=/leak.example.net/198.18.0.7
	--address=/leak.example.org/198.18.0.11
	--address=/leak.test/198.18.0.8
	--address=/leak.invalid/198.18.0.12
	--address=/foo.localhost/198.18.0.10
	--address=/app.localhost/127.0.0.1
	--address=/myapp.test/10.1.2.3
	--address=/multi.example.net/198.18.0.21
	--address=/multi.example.net/198.18.0.22
	--address=/www.ordinary.co/198.18.0.30
	--address=/mail.ordinary.co/198.18.0.31
)

_lw_netns=()
_lw_cgroups=()
_lw_procs=()	# "pid:starttime" of every process we started
_lw_letter=0
_lw_runs=0
LW_TMP=
LW_NS=
LW_NAME=
LW_CONF=
LW_RC=
LW_OUT=
LW_ERR=

# --- output --------------------------------------------------------------------

lw_pass() { echo "PASS: $1"; }
lw_fail() { echo "FAIL: $1: $2"; }
lw_skip() { echo "SKIP: $1: $2"; }
lw_log() { echo "  $*"; }	# context lines (not counted by tests/run.sh)

# Skip the whole script (exit 0) unless root and the tools are there.
lw_require_root()
{
	if [ "$(id -u)" -ne 0 ]; then
		lw_skip "$LW_TEST" "needs root (network namespaces, BPF)"
		exit 0
	fi
	local t missing=()
	for t in ip "$LW_DNSMASQ" dig curl getent timeout "$LW_PY"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		lw_skip "$LW_TEST" "missing tools: ${missing[*]} (make deps)"
		exit 0
	fi
	_lw_init
}

# Helper binaries come from `make build-tests`; their absence is a failure.
lw_require_helpers()
{
	local h
	for h in "$@"; do
		if [ ! -x "$LW_HELPERS/$h" ]; then
			lw_fail "$LW_TEST" "helper $LW_HELPERS/$h not built (make build-tests)"
			exit 1
		fi
	done
}

# --- processes ------------------------------------------------------------------

_lw_starttime()	# PID: /proc/PID/stat field 22, "" when gone
{
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # split the fields on purpose
	set -- $s
	[ $# -ge 20 ] && echo "${20}"
}

_lw_track()	# PID: remember a process we started
{
	local st
	st=$(_lw_starttime "$1") && _lw_procs+=("$1:$st")
}

# Kill a process we started, only if the pid still names it; wait for it.
_lw_kill()	# PID STARTTIME
{
	local pid=$1 st=$2
	[ "$(_lw_starttime "$pid")" = "$st" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do
		[ "$(_lw_starttime "$pid")" = "$st" ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}

# Start CMD in the background inside namespace NS, write its pid (the real
# one: the shell execs the command) to PIDFILE and track it.
lw_spawn_in()	# NS PIDFILE LOG CMD...
{
	local ns=$1 pidf=$2 log=$3
	shift 3
	rm -f "$pidf"
	# shellcheck disable=SC2016 # expanded by the inner sh
	ip netns exec "$ns" sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" \
		</dev/null >>"$log" 2>&1 &
	for _ in $(seq 50); do
		[ -s "$pidf" ] && break
		sleep 0.05
	done
	[ -s "$pidf" ] || return 1
	_lw_track "$(cat "$pidf")"
}

# --- setup and teardown ------------------------------------------------------------

_lw_init()
{
	[ -n "$LW_TMP" ] && return 0
	LW_TMP=$(mktemp -d "/tmp/leakwatch-$LW_TEST.XXXXXX") || exit 1
	mkdir -p "$LW_STATE_DIR" 2>/dev/null
	trap _lw_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	lw_sweep_stale
}

_lw_cleanup()
{
	local p ns cg
	for p in "${_lw_procs[@]}"; do
		_lw_kill "${p%%:*}" "${p#*:}"
	done
	for ns in "${_lw_netns[@]}"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns" "$LW_STATE_DIR/$ns.owner"
	done
	# A process of ours may still be leaving (a run's background uprobe
	# detach waits out RCU grace periods): give it a few seconds.
	for cg in "${_lw_cgroups[@]}"; do
		for _ in $(seq 50); do
			[ -d "$cg" ] || break
			rmdir "$cg" 2>/dev/null && break
			sleep 0.1
		done
	done
	if [ -n "$LW_TMP" ] && [ -z "${LW_KEEP:-}" ]; then
		rm -rf "$LW_TMP"
	elif [ -n "$LW_TMP" ]; then
		echo "  LW_KEEP: kept $LW_TMP"
	fi
}

# Namespaces named lwe<PID><letters> whose owner (pid + start time recorded
# at creation) is dead were left by an aborted run: kill what still runs in
# them (processes of that run), delete them.
lw_sweep_stale()
{
	local f ns owner pid st p tmp
	for f in "$LW_STATE_DIR"/*.owner; do
		[ -f "$f" ] || continue
		ns=$(basename "$f" .owner)
		read -r owner st tmp <"$f" || continue
		[ "$(_lw_starttime "$owner")" = "$st" ] && continue
		case "$ns" in "$LW_PREFIX"[0-9]*) ;; *) continue ;; esac
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			pid=$(_lw_starttime "$p") && _lw_kill "$p" "$pid"
		done
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns" "$f"
		case "$tmp" in /tmp/leakwatch-*) rm -rf "$tmp" ;; esac
	done
}

# A fresh name: lwe<PID><letter>, the letter from a counter (lw_setup and
# lw_next_name advance it). Pure: safe in $(...).
lw_name()
{
	local letters=abcdefghijklmnopqrstuvwxyz
	echo "$LW_PREFIX$$${letters:$_lw_letter:1}"
}

# Set LW_NAME to a fresh name and advance the counter.
lw_next_name()
{
	LW_NAME=$(lw_name)
	_lw_letter=$((_lw_letter + 1))
}

# Create network namespace NAME with only lo (up), no default route, its own
# resolv.conf (nameserver 127.0.0.1), hosts and nsswitch.conf.
lw_netns_create()	# NAME
{
	local ns=$1
	_lw_init
	ip netns add "$ns" || return 1
	_lw_netns+=("$ns")
	echo "$$ $(_lw_starttime $$) $LW_TMP" >"$LW_STATE_DIR/$ns.owner"
	ip -n "$ns" link set lo up || return 1
	mkdir -p "/etc/netns/$ns"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:2\n' >"/etc/netns/$ns/resolv.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
		>"/etc/netns/$ns/hosts"
	printf 'hosts: files dns\n' >"/etc/netns/$ns/nsswitch.conf"
	if ip -n "$ns" route show default | grep -q . ||
		ip -n "$ns" -6 route show default | grep -q .; then
		lw_log "netns $ns has a default route: refusing"
		return 1
	fi
}

# Link two of our namespaces with a veth pair addressed in 198.18.0.0/24
# (benchmarking range; only the connected /24 route, still no default).
lw_veth()	# NS_A ADDR_A NS_B ADDR_B
{
	local a=$1 aa=$2 b=$3 ba=$4 va="${1}v" vb="${3}v"
	case "$aa$ba" in 198.18.0.*198.18.0.*) ;; *)
		lw_log "lw_veth: only 198.18.0.0/24 addresses"; return 1 ;;
	esac
	ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b" || return 1
	ip -n "$a" addr add "$aa/24" dev "$va" && ip -n "$a" link set "$va" up &&
		ip -n "$b" addr add "$ba/24" dev "$vb" && ip -n "$b" link set "$vb" up
}

# dnsmasq (dnsmasq-base, no service) inside NS on 127.0.0.1:53 with extra
# dnsmasq arguments (--address=/name/addr ...). Every domain of an --address
# and the reserved suffixes get --local, so a type with no answer is
# NOERROR/NODATA (not REFUSED, which musl turns into EAI_AGAIN). Waits until
# it answers. Its log: $LW_TMP/dnsmasq-NS.log.
lw_dnsmasq_start()	# NS [DNSMASQ-ARG...]
{
	local ns=$1 a d doms locals=()
	shift
	local pidf=$LW_TMP/dnsmasq-$ns.pid log=$LW_TMP/dnsmasq-$ns.log
	for d in "${LW_LOCAL_DOMAINS[@]}"; do
		locals+=("--local=/$d/")
	done
	for a in "$@"; do
		case "$a" in --address=/*/*)
			doms=${a#--address=/}
			doms=${doms%/*}
			locals+=("--local=/$doms/") ;;
		esac
	done
	rm -f "$pidf"
	lw_spawn_in "$ns" "$LW_TMP/dnsmasq-$ns.sh.pid" "$log.out" "$LW_DNSMASQ" \
		--keep-in-foreground --no-resolv --no-hosts --no-poll \
		--listen-address=127.0.0.1 --bind-interfaces --port=53 \
		--user=root --group=root --pid-file="$pidf" --log-queries \
		--log-facility="$log" "${locals[@]}" "$@" || return 1
	for _ in $(seq 50); do
		if ip netns exec "$ns" dig +short +time=1 +tries=1 @127.0.0.1 \
			version.bind chaos txt 2>/dev/null | grep -q .; then
			return 0
		fi
		sleep 0.1
	done
	lw_log "dnsmasq in $ns did not come up:"
	sed 's/^/    /' "$log.out" "$log" 2>/dev/null | tail -n 10
	return 1
}

# python3 http.server inside NS serving DIR on ADDR:PORT; waits until ready.
lw_http_start()	# NS DIR PORT [ADDR]
{
	local ns=$1 dir=$2 port=$3 addr=${4:-127.0.0.1}
	lw_spawn_in "$ns" "$LW_TMP/http-$ns-$port.pid" "$LW_TMP/http-$ns-$port.log" \
		"$LW_PY" -m http.server --bind "$addr" --directory "$dir" "$port" || return 1
	for _ in $(seq 50); do
		ip netns exec "$ns" curl -s -o /dev/null -m 1 "http://$addr:$port/" && return 0
		sleep 0.1
	done
	lw_log "http.server in $ns on $addr:$port did not come up"
	return 1
}

# The usual sandbox: a namespace ($LW_NS) with dnsmasq answering
# LW_STD_DNS and the given extra arguments, and $LW_CONF, a leakwatch config
# with `global = 198.18.0.0/15`. Prints FAIL and exits when it cannot.
lw_setup()	# [DNSMASQ-ARG...]
{
	_lw_init
	LW_CONF=$LW_TMP/leakwatch.conf
	lw_config "$LW_CONF" '# leakwatch e2e: the benchmarking range stands for the internet' \
		'global = 198.18.0.0/15'
	set -- "${LW_STD_DNS[@]}" "$@"
	lw_next_name
	LW_NS=$LW_NAME
	if ! lw_netns_create "$LW_NS" || ! lw_dnsmasq_start "$LW_NS" "$@"; then
		lw_fail "$LW_TEST" "could not set up namespace $LW_NS with dnsmasq"
		exit 1
	fi
}

# A config file for leakwatch from the given lines.
lw_config()	# FILE LINE...
{
	local f=$1
	shift
	printf '%s\n' "$@" >"$f"
}

# A cgroup v2 child (under the mount found in /proc/mounts), removed at exit.
lw_cgroup_create()	# NAME -> prints its path
{
	local root
	root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$root" ] || return 1
	mkdir "$root/$1" || return 1
	_lw_cgroups+=("$root/$1")
	echo "$root/$1"
}

# --- running things -------------------------------------------------------------------

# Run CMD in NS without the sensor (to prove the sandbox, or to learn the
# command's own exit status). Output in $LW_OUT, status in $LW_RC.
lw_exec_in()	# NS CMD...
{
	local ns=$1
	shift
	_lw_runs=$((_lw_runs + 1))
	LW_OUT=$LW_TMP/exec$_lw_runs.out
	LW_ERR=
	timeout -k 5 "$LW_RUN_TIMEOUT" ip netns exec "$ns" "$@" >"$LW_OUT" 2>&1
	LW_RC=$?
}

# Run `leakwatch run [OPTS] --report REPORT -- CMD...` with CMD inside NS.
# Command's stdout in $LW_OUT, leakwatch's stderr (the text report) in
# $LW_ERR, exit status in $LW_RC.
#
# leakwatch itself runs in the host's namespaces and starts
# `ip netns exec NS CMD...`: `ip netns exec` mounts a fresh /sys for the
# namespace, hiding the cgroup2 mount leakwatch needs for its cgroup. The
# cgroup (and so every hook) follows the child into the namespace.
lw_run_in()	# NS REPORT [LEAKWATCH-OPTION...] -- CMD...
{
	local ns=$1 report=$2 opts=()
	shift 2
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
		ip netns exec "$ns" "$@" >"$LW_OUT" 2>"$LW_ERR"
	LW_RC=$?
}

# --- checks ------------------------------------------------------------------------------

# check_report.py REPORT QUERY ARGS...: 0, or 1 with a one-line reason.
lw_report()
{
	"$LW_PY" "$LW_E2E/check_report.py" "$@"
}

_lw_scenario=
_lw_why=()
_lw_report=

# A scenario: lw_begin NAME; lw_expect*...; lw_end -> one PASS/FAIL line.
lw_begin()	# NAME
{
	_lw_scenario=$1
	_lw_why=()
	_lw_report=
}

_lw_because() { _lw_why+=("$*"); }

lw_expect_rc()	# STATUS: leakwatch's (or the command's) exit status
{
	if [ "$LW_RC" != "$1" ]; then
		local first=
		[ -s "$LW_ERR" ] && first=$(grep -m1 -v -e '^$' -e '^leakwatch run: DNS capture' "$LW_ERR" | cut -c1-160)
		_lw_because "exit status $LW_RC, expected $1${first:+ (stderr: $first)}"
	fi
}

# A daemon writes its report while the test reads it, and a loaded host can
# be seconds late: a has-* query (what is there only grows) is asked again
# for up to LW_EXPECT_WAIT seconds before it fails. Queries that something
# is absent are asked once; they would pass early for the wrong reason.
LW_EXPECT_WAIT=${LW_EXPECT_WAIT:-5}
lw_expect()	# REPORT QUERY ARGS...: a check_report.py query must hold
{
	local out tries=1 i
	_lw_report=$1
	case $2 in has-*) tries=$((LW_EXPECT_WAIT * 10)) ;; esac
	for ((i = 1; i <= tries; i++)); do
		out=$(lw_report "$@" 2>&1) && return 0
		[ "$i" -lt "$tries" ] && sleep 0.1
	done
	_lw_because "${out:-check_report.py $2 failed}"
}

lw_expect_out()	# REGEX: the command's output (not leakwatch's) matches
{
	grep -Eq -- "$1" "$LW_OUT" || _lw_because "command output lacks /$1/"
}

lw_expect_true()	# WHY CMD...: CMD must succeed
{
	local why=$1
	shift
	"$@" >/dev/null 2>&1 || _lw_because "$why"
}

lw_end()
{
	if [ ${#_lw_why[@]} -eq 0 ]; then
		lw_pass "$_lw_scenario"
		return 0
	fi
	local IFS=';'
	lw_fail "$_lw_scenario" "${_lw_why[*]}"
	lw_show_context
	return 1
}

# The last run's output, stderr and report, indented (after a FAIL line).
lw_show_context()
{
	if [ -n "$LW_OUT" ] && [ -s "$LW_OUT" ]; then
		echo "  command output:"
		head -n 15 "$LW_OUT" | sed 's/^/    /'
	fi
	if [ -n "$LW_ERR" ] && [ -s "$LW_ERR" ]; then
		echo "  leakwatch stderr:"
		head -n 25 "$LW_ERR" | sed 's/^/    /'
	fi
	if [ -n "$_lw_report" ] && [ -s "$_lw_report" ]; then
		echo "  report ($_lw_report):"
		head -n 10 "$_lw_report" | cut -c1-400 | sed 's/^/    /'
	fi
}

# One-check scenario: PASS/FAIL NAME from check_report.py.
lw_check()	# NAME REPORT QUERY ARGS...
{
	lw_begin "$1"
	shift
	lw_expect "$@"
	lw_end
}
