#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The seed incident (README: the example.com incident, follow-on): a client looks up
# autodiscover.example.com, fetches its configuration over HTTP from a local
# server (127.0.0.1 in the namespace), then connects to the third-party IMAP
# host it names, imapgms.jnet.sei.co.jp -> 133.242.1.10:993 (global; the
# namespace has no route, the connect fails with ENETUNREACH). leakwatch
# must report a high follow-on verdict that shows the chain, and exit 3.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup
lw_http_start "$LW_NS" "$LW_E2E/www" 8080 || { lw_fail "$LW_TEST" "http.server"; exit 1; }

r=$LW_TMP/demo.jsonl
lw_run_in "$LW_NS" "$r" -- "$LW_PY" "$LW_E2E/autodiscover.py"

lw_begin demo-exit-status-3
lw_expect_rc 3
lw_expect_out 'connect to 133\.242\.1\.10:993 failed: ENETUNREACH'
lw_end

lw_check demo-report-valid "$r" valid

lw_begin demo-follow-on-high
lw_expect "$r" has-verdict --comm python3 --kind follow-on --severity high \
	--address 133.242.1.10 --port 993 --name autodiscover.example.com
lw_end

lw_begin demo-names-autodiscover
lw_expect "$r" has-name --comm python3 --name autodiscover.example.com --source dns \
	--answer 127.0.0.1
lw_expect "$r" has-name --comm python3 --name autodiscover.example.com --suffix example.com \
	--family iana
lw_end

lw_begin demo-destination-chain
lw_expect "$r" has-dest --comm python3 --address 133.242.1.10 --port 993 --proto tcp \
	--dest-name imapgms.jnet.sei.co.jp --via autodiscover.example.com --verdict follow-on \
	--global true --blocked false
lw_end

# The HTTP fetch from 127.0.0.1:8080 is not a leak (a non-global
# destination may be listed with verdict null, or not at all), and the IMAP
# connect is the only leak.
lw_begin demo-only-the-imap-connect
lw_report "$r" has-verdict --address 127.0.0.1 >/dev/null &&
	_lw_because "a verdict for 127.0.0.1"
lw_report "$r" has-dest --address 127.0.0.1 --port 8080 >/dev/null &&
	lw_expect "$r" has-dest --address 127.0.0.1 --port 8080 --verdict null
lw_expect "$r" summary --leaks 1 --events-lost 0
lw_end

lw_begin demo-text-report
grep -q 'autodiscover\.example\.com' "$LW_ERR" || _lw_because "stderr lacks autodiscover.example.com"
grep -q '133\.242\.1\.10' "$LW_ERR" || _lw_because "stderr lacks 133.242.1.10"
grep -qi 'follow-on' "$LW_ERR" || _lw_because "stderr lacks follow-on"
lw_end
