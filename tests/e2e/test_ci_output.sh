#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run's CI outputs (README, "In CI"), in a GitHub-Actions-shaped
# environment this test sets up itself (GITHUB_ACTIONS=true,
# GITHUB_STEP_SUMMARY a temp file): a workflow command per verdict on stdout
# after COMMAND's own output (::error at or above --fail-on, ::warning
# below), a Markdown table per leaking process, --junit validated by xmllint
# against tests/e2e/fixtures/junit.xsd, all of it intact with a hostile comm,
# cmdline and DNS name; a --write-baseline that makes the same run pass and
# still fails a new leak; `allow-destination` quieting a follow-on.
# shellcheck disable=SC2016 # the sh -c scripts expand their own variables
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
if ! command -v xmllint >/dev/null 2>&1; then
	lw_skip "$LW_TEST" "missing tools: xmllint (libxml2-utils; make deps)"
	exit 0
fi
lw_setup

XSD=$LW_E2E/fixtures/junit.xsd
# Counts of annotations and rows are exact: containers other jobs on this
# host start meanwhile would be followed too, so follow COMMAND's tree only.
run_ci()	# REPORT [LEAKWATCH-OPTION...] -- CMD...
{
	local report=$1
	shift
	lw_run_in "$LW_NS" "$report" --engine-containers ignore "$@"
}
ci() { "$LW_PY" "$LW_E2E/check_ci.py" "$@"; }
lw_expect_ci()	# QUERY FILE ARGS...: a check_ci.py query must hold
{
	local out
	out=$(ci "$@" 2>&1) || _lw_because "${out:-check_ci.py $1 failed}"
}
lw_expect_xsd()	# FILE: valid against the JUnit schema
{
	local out
	out=$(xmllint --noout --schema "$XSD" "$1" 2>&1) ||
		_lw_because "xmllint: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
}

# A process that looks up a reserved name with no production use, then
# talks to an ordinary global destination: a follow-on (high: iana).
follow=("$LW_PY" -c '
import socket, sys
socket.getaddrinfo(sys.argv[1], 80)
addr = socket.getaddrinfo(sys.argv[2], int(sys.argv[3]), type=socket.SOCK_STREAM)[0][4][0]
s = socket.socket()
s.settimeout(2)
try:
    s.connect((addr, int(sys.argv[3])))  # a literal: no second getaddrinfo
except OSError as e:
    print("connect", addr, e.strerror)
')

summary=$LW_TMP/step-summary.md
: >"$summary"
export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=$summary

# direct (high: an ::error under --fail-on high) and answer (medium: a
# ::warning), then COMMAND's own last line.
leaky=(sh -c '"$1" leak.example.net 80; getent ahosts foo.localhost >/dev/null
	echo command-output-last; exit 0' sh "$LW_HELPERS/tcp-connect")
r=$LW_TMP/gh.jsonl
junit=$LW_TMP/gh.xml
run_ci "$r" --config "$LW_CONF" --fail-on high --junit "$junit" -- "${leaky[@]}"
lw_begin ci-github-annotations
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --severity high
lw_expect "$r" has-verdict --comm getent --kind answer --severity medium
lw_expect_ci annotations "$LW_OUT" --errors 1 --warnings 1 --verdicts-of "$r" \
	--after command-output-last --contains 'leakwatch: direct leak (high) of leak.example.net' \
	--contains 'traffic to 198.18.0.7:80/tcp' --contains 'process: tcp-connect, pid ' \
	--contains 'to allow: add `allow-name = leak.example.net` to your --config file' \
	--contains 'to allow: add `allow-name = foo.localhost` to your --config file'
lw_expect_true "the title escapes ':' as %3A" grep -q '^::error title=leakwatch%3A direct' "$LW_OUT"
lw_expect_true "the message's lines are joined by %0A" grep -q '%0Aprocess: tcp-connect' "$LW_OUT"
lw_end

lw_begin ci-github-step-summary
lw_expect_ci summary "$summary" --tables 2 --rows 2 \
	--contains '### leakwatch: 2 of 2 processes that touched reserved names leaked' \
	--contains '| direct | high, **fails the run** | leak.example.net | 198.18.0.7:80/tcp | `allow-name = leak.example.net` |' \
	--contains '| answer | medium | foo.localhost | 198.18.0.10 | `allow-name = foo.localhost` |'
lw_end

lw_begin ci-junit-validates
lw_expect_xsd "$junit"
lw_expect_ci junit "$junit" --testcases 2 --failures 1 --property complete=true \
	--property events_lost=0 --property fail_on=high \
	--contains 'leakwatch: direct leak (high) of leak.example.net' \
	--contains 'below --fail-on: the reserved name foo.localhost was answered with 198.18.0.10'
lw_end

# The text report's line per finding: what to do.
lw_begin ci-text-report-says-what-to-do
lw_expect_true "no to-allow line for the direct leak" grep -qF \
	'to allow: add `allow-name = leak.example.net` to your --config file; or fix pid' "$LW_ERR"
lw_expect_true "no to-allow line for the answer" grep -qF \
	'to allow: add `allow-name = foo.localhost` to your --config file' "$LW_ERR"
lw_end

# --annotations none: nothing on stdout but COMMAND's, no summary; and
# outside GitHub the explicit flags turn both on.
before=$(wc -c <"$summary")
run_ci "$LW_TMP/none.jsonl" --config "$LW_CONF" --annotations none -- "${leaky[@]}"
lw_begin ci-annotations-none
lw_expect_rc 3
lw_expect_true "a workflow command with --annotations none" test -z "$(grep '^::' "$LW_OUT")"
lw_expect_true "the step summary grew with --annotations none" test "$(wc -c <"$summary")" = "$before"
lw_end

other=$LW_TMP/other-summary.md
GITHUB_ACTIONS='' run_ci "$LW_TMP/explicit.jsonl" --config "$LW_CONF" \
	--annotations github --step-summary "$other" -- "${leaky[@]}"
lw_begin ci-explicit-flags-elsewhere
lw_expect_rc 3
lw_expect_ci annotations "$LW_OUT" --errors 2 --warnings 0 --after command-output-last
lw_expect_ci summary "$other" --tables 2 --rows 2
lw_end

GITHUB_ACTIONS='' run_ci "$LW_TMP/plain.jsonl" --config "$LW_CONF" -- "${leaky[@]}"
lw_begin ci-no-annotations-outside-github
lw_expect_rc 3
lw_expect_true "a workflow command without GITHUB_ACTIONS" test -z "$(grep '^::' "$LW_OUT")"
lw_end

# Hostile: comm and cmdline (hostile.py) and a DNS name full of what each
# format must escape: CR, LF, %, ':', ',', '|', '`', '<', '>', '&', quotes,
# and forged workflow commands. dnsmasq answers the name (a subdomain of
# foo.localhost) with a global address: an answer verdict carries it.
hostile_name='x\010::error::forged%0A\013,:|`<b>&amp;"'"'"'.foo.localhost'
hsum=$LW_TMP/hostile-summary.md
hjunit=$LW_TMP/hostile.xml
r=$LW_TMP/hostile.jsonl
hbase=$LW_TMP/hostile-baseline.conf
GITHUB_STEP_SUMMARY=$hsum run_ci "$r" --config "$LW_CONF" --fail-on high \
	--junit "$hjunit" --write-baseline "$hbase" -- sh -c '
	"$0" "$1" leak.example.net 80 "$(printf "a\n::error::forged%%0A\r|\`<i>&x,y:z")" "$(printf "\x01\xff\xfe")"
	dig +time=1 +tries=1 @127.0.0.1 "$2" A >/dev/null
	exit 0' "$LW_PY" "$LW_E2E/hostile.py" "$hostile_name"
lw_begin ci-hostile-comm-and-name
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --kind direct --address 198.18.0.7 --port 80
lw_expect "$r" has-verdict --kind answer --address 198.18.0.10
lw_expect_ci annotations "$LW_OUT" --errors 1 --warnings 1 --verdicts-of "$r"
lw_expect_true "a forged workflow command reached a line start" test -z \
	"$(grep -E '^::error::|^::error title=[^l]' "$LW_OUT")"
lw_expect_ci summary "$hsum" --tables 2 --rows 2
lw_expect_xsd "$hjunit"
lw_expect_ci junit "$hjunit" --testcases 2 --failures 1 --contains 'forged'
# The baseline: comments and exceptions only, and it loads.
lw_expect_true "the hostile baseline does not load" "$LW_BIN" policy --config "$hbase"
lw_expect_true "a hostile byte started a line of the baseline" test -z \
	"$(grep -vE '^(#.*|global = 198\.18\.0\.0/15|allow-name = leak\.example\.net[[:blank:]]# .*|)$' "$hbase")"
lw_expect_true "the unallowable name is not a comment in the baseline" grep -q \
	'^# no config line can allow this (not a plain host name): answer (medium) of x' "$hbase"
lw_end

# A baseline: the same run passes with it, a new leak still fails.
# shellcheck disable=SC2034 # used through "${base[@]}"
base=(sh -c '"$1" leak.example.net 80; shift; "$@" autodiscover.example.com www.ordinary.co 443
	exit 0' sh "$LW_HELPERS/tcp-connect" "${follow[@]}")
baseline=$LW_TMP/baseline.conf
r=$LW_TMP/base1.jsonl
run_ci "$r" --config "$LW_CONF" --write-baseline "$baseline" -- "${base[@]}"
lw_begin ci-baseline-written
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --name leak.example.net
lw_expect "$r" has-verdict --comm python3 --kind follow-on --address 198.18.0.30 --port 443
lw_expect_true "no allow-name line in the baseline" grep -qE \
	$'^allow-name = leak\\.example\\.net\t# direct \\(high\\) of leak\\.example\\.net, seen in tcp-connect pid [0-9]+ at 20' \
	"$baseline"
lw_expect_true "no allow-destination line in the baseline" grep -qE \
	$'^allow-destination = www\\.ordinary\\.co\t# follow-on \\(high\\) of autodiscover\\.example\\.com, seen in python3 pid [0-9]+' \
	"$baseline"
lw_expect_true "the baseline lacks --config's lines" grep -qx 'global = 198.18.0.0/15' "$baseline"
lw_expect_true "the baseline does not load" "$LW_BIN" policy --config "$baseline"
lw_end

r=$LW_TMP/base2.jsonl
run_ci "$r" --config "$baseline" -- "${base[@]}"
lw_begin ci-baseline-same-run-passes
lw_expect_rc 0
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_expect "$r" has-dest --comm python3 --address 198.18.0.30 --port 443 --verdict null
lw_end

r=$LW_TMP/base3.jsonl
run_ci "$r" --config "$baseline" -- sh -c '"$1" leak.example.net 80
	"$1" leak.example.org 443; exit 0' sh "$LW_HELPERS/tcp-connect"
lw_begin ci-baseline-new-leak-fails
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --name leak.example.org \
	--address 198.18.0.11 --port 443
lw_expect "$r" no-verdict --name leak.example.net
lw_end

# allow-destination: whole labels at or under the name, for follow-ons.
conf=$LW_TMP/dest.conf
lw_config "$conf" 'global = 198.18.0.0/15' 'allow-destination = Ordinary.CO.'
r=$LW_TMP/dest1.jsonl
run_ci "$r" --config "$conf" -- "${follow[@]}" autodiscover.example.com \
	mail.ordinary.co 25
lw_begin ci-allow-destination-quiets-follow-on
lw_expect_rc 0
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_expect "$r" has-dest --comm python3 --address 198.18.0.31 --port 25 --dest-name mail.ordinary.co \
	--verdict null
lw_expect "$r" has-name --comm python3 --name autodiscover.example.com
lw_end

conf=$LW_TMP/dest2.conf
lw_config "$conf" 'global = 198.18.0.0/15' 'allow-destination = www.ordinary.co'
r=$LW_TMP/dest2.jsonl
run_ci "$r" --config "$conf" -- "${follow[@]}" autodiscover.example.com \
	mail.ordinary.co 25
lw_begin ci-allow-destination-other-name-still-leaks
lw_expect_rc 3
lw_expect "$r" has-verdict --comm python3 --kind follow-on --severity high --address 198.18.0.31 \
	--port 25 --dest-name mail.ordinary.co
lw_end

lw_begin ci-policy-prints-allow-destination
out=$("$LW_BIN" policy --config "$LW_TMP/dest.conf" 2>&1)
grep -qx 'allow-destination = ordinary.co' <<<"$out" ||
	_lw_because "no 'allow-destination = ordinary.co' line in leakwatch policy"
lw_end

# A bad path fails before COMMAND runs (exit 2), not after it.
lw_begin ci-bad-output-path-fails-first
"$LW_BIN" run --junit /nonexistent-dir/j.xml -- sh -c 'echo ran' >"$LW_TMP/bad.out" 2>&1
rc=$?
[ "$rc" = 2 ] || _lw_because "--junit in a missing directory: exit $rc, expected 2"
grep -q '^ran$' "$LW_TMP/bad.out" && _lw_because "COMMAND ran despite a bad --junit"
lw_end
