#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Names derived from reserved names: an MX or SRV answer for a reserved name
# (example.com MX -> mx1.mail-sei.co.jp, _autodiscover._tcp.example.com SRV
# -> autod.thirdparty.co:443) is recorded in names[].targets;
# example.com/net/org publish a null MX (RFC 7505), so any other MX or SRV
# target for them is an `answer` verdict; and a process that then resolves
# the target and connects to its address is `direct`, its via naming the
# chain. One real client (mx_client.py: the MX/SRV query, getaddrinfo() of
# the target and the connect, in one process) against the sandbox's
# dnsmasq; the targets' addresses are in 198.18.0.0/15, declared global.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup --mx-host=example.com,mx1.mail-sei.co.jp,10 \
	--address=/mx1.mail-sei.co.jp/198.18.0.40 \
	--srv-host=_autodiscover._tcp.example.com,autod.thirdparty.co,443 \
	--address=/autod.thirdparty.co/198.18.0.41 \
	--mx-host=example.net,.,0

r=$LW_TMP/mx.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/mx_client.py" MX example.com
lw_begin mx-target-recorded-and-answer-verdict
lw_expect_rc 3
lw_expect_out 'mx1.mail-sei.co.jp port 25'
lw_expect "$r" valid
out=$("$LW_PY" - "$r" <<-'PY'
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	reps = [o for o in lines if o["type"] == "report"]
	names = [n for o in reps for n in o["names"] if n["name"] == "example.com" and n["qtype"] == "MX"]
	if not names or names[0].get("targets") != ["mx1.mail-sei.co.jp"]:
	    print(f"names[] of example.com MX: {names}"); sys.exit(1)
	ans = [v for o in reps for v in o["verdicts"] if v["kind"] == "answer"]
	if not any(v.get("target") == "mx1.mail-sei.co.jp" and v["name"] == "example.com" for v in ans):
	    print(f"no answer verdict naming the MX target: {ans}"); sys.exit(1)
	PY
) || _lw_because "$out"
lw_end

lw_begin mx-chain-connect-is-direct
lw_expect "$r" has-verdict --comm python3 --kind direct --severity high --address 198.18.0.40 \
	--port 25 --name "example.com MX mx1.mail-sei.co.jp"
lw_expect "$r" has-dest --comm python3 --address 198.18.0.40 --dest-name mx1.mail-sei.co.jp \
	--verdict direct
grep -Eq 'looked up example.com MX \(.*\) -> mx1.mail-sei.co.jp' "$LW_ERR" || _lw_because "text report lacks the target"
lw_end

r=$LW_TMP/srv.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/mx_client.py" SRV \
	_autodiscover._tcp.example.com
lw_begin srv-chain-connect-is-direct
lw_expect_rc 3
lw_expect "$r" has-verdict --comm python3 --kind direct --address 198.18.0.41 --port 443 \
	--name "_autodiscover._tcp.example.com SRV autod.thirdparty.co"
lw_expect "$r" has-name --comm python3 --name _autodiscover._tcp.example.com
lw_end

# example.net publishes the null MX it should: no verdict, no target.
r=$LW_TMP/nullmx.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/mx_client.py" MX example.net
lw_begin mx-null-mx-quiet
lw_expect_rc 2 # the client's own: no target
lw_expect_out 'no target'
lw_expect "$r" no-leak --comm python3
lw_end
