#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The report checker itself (check_report.py), on fixtures shaped like
# README "The report" and on broken ones: a checker that says yes to everything
# would make every end-to-end test worthless. Needs no root.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
_lw_init
fx=$LW_E2E/fixtures
demo=$fx/demo-report.jsonl
quiet=$fx/quiet-report.jsonl

yes()	# NAME REPORT QUERY ARGS...: the checker must say yes
{
	local name=$1 out
	shift
	if out=$(lw_report "$@"); then lw_pass "$name"; else lw_fail "$name" "$out"; fi
}

no()	# NAME REPORT QUERY ARGS...: the checker must say no, with a reason
{
	local name=$1 out rc
	shift
	out=$(lw_report "$@")
	rc=$?
	if [ "$rc" = 1 ] && [ -n "$out" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
		lw_pass "$name"
	else
		lw_fail "$name" "status $rc, output: $out"
	fi
}

yes checker-valid "$demo" valid
yes checker-valid-quiet "$quiet" valid
yes checker-verdict "$demo" has-verdict --comm python3 --kind follow-on --severity high \
	--address 133.242.1.10 --port 993 --name autodiscover.example.com --proto tcp \
	--dest-name imapgms.jnet.sei.co.jp --via autodiscover.example.com --blocked false
no checker-verdict-wrong-severity "$demo" has-verdict --comm python3 --kind follow-on --severity medium
no checker-verdict-wrong-kind "$demo" has-verdict --comm python3 --kind direct
no checker-verdict-wrong-via "$demo" has-verdict --comm python3 --kind follow-on --via x.example.com
no checker-verdict-wrong-comm "$demo" has-verdict --comm curl --kind follow-on
yes checker-name "$demo" has-name --comm python3 --name autodiscover.example.com --source dns \
	--answer 127.0.0.1 --resolver 127.0.0.1:53
no checker-name-wrong-source "$demo" has-name --comm python3 --name autodiscover.example.com --source libc
yes checker-dest "$demo" has-dest --address 133.242.1.10 --port 993 --verdict follow-on \
	--global true --dest-name imapgms.jnet.sei.co.jp
yes checker-dest-null "$demo" has-dest --address 127.0.0.1 --port 8080 --verdict null
no checker-no-leak-on-leak "$demo" no-leak
yes checker-no-leak-per-process "$demo" no-leak --comm getent
yes checker-no-leak "$quiet" no-leak
yes checker-summary "$demo" summary --leaks 1 --events-lost 0 --processes-min 3
no checker-summary-wrong "$demo" summary --leaks 0

bad=$LW_TMP/bad.jsonl
head -n 2 "$demo" >"$bad"
no checker-invalid-no-summary "$bad" valid
{ cat "$demo"; echo '{"type":"report","leak":'; } >"$bad"
no checker-invalid-truncated "$bad" valid
printf '{"type":"summary","processes":0,"leaks":0,"events_lost":0,"x":"\xff"}\n' >"$bad"
no checker-invalid-utf8 "$bad" valid
printf '{"processes":0}\n' >"$bad"
no checker-invalid-no-type "$bad" valid
: >"$bad"
no checker-invalid-empty "$bad" valid
no checker-missing-file "$LW_TMP/none.jsonl" valid
sed 's/"leak":true/"leak":false/' "$demo" >"$bad"
no checker-invalid-leak-mismatch "$bad" valid
