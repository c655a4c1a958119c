#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `make demo`: the example.com incident of January 2026, reproduced in a
# sandbox and caught by leakwatch.
#
# Builds a network namespace with only lo (no route anywhere), a dnsmasq in
# it answering autodiscover.example.com -> 127.0.0.1 and
# imapgms.jnet.sei.co.jp -> 133.242.1.10, and an HTTP server on
# 127.0.0.1:8080 serving the autodiscover configuration. Then runs the
# autodiscover-style client under `leakwatch run` and shows both reports.
# Nothing leaves the machine: the IMAP connect fails with ENETUNREACH, and
# leakwatch's hooks see it before routing.
#
# Exit status: 0 when leakwatch found and reported the leak (exit status 3,
# a high follow-on verdict for 133.242.1.10:993), 1 otherwise.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
LW_TEST=demo

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces and BPF)" >&2
	exit 1
fi
_lw_init
if [ ! -x "$LW_BIN" ]; then
	echo "demo: $LW_BIN is not built (make)" >&2
	exit 1
fi

bold=
plain=
if [ -t 1 ]; then
	bold=$(printf '\033[1m')
	plain=$(printf '\033[0m')
fi
say() { printf '%s\n' "$bold$*$plain"; }

lw_setup >/dev/null || exit 1
if ! lw_http_start "$LW_NS" "$LW_E2E/www" 8080; then
	echo "demo: could not start the HTTP server" >&2
	exit 1
fi

cat <<TEXT
${bold}The example.com incident, in a sandbox${plain}

In January 2026 Microsoft's autodiscover answered account set-ups for
user@example.com with the IMAP and SMTP servers of a real company
(imapgms.jnet.sei.co.jp). A mail client setting up a test account would
have sent its test password there.

Sandbox: network namespace $LW_NS, only lo, no route out.
  dnsmasq:  autodiscover.example.com -> 127.0.0.1 (the HTTP server below)
            imapgms.jnet.sei.co.jp   -> 133.242.1.10 (global, unreachable here)
  HTTP:     127.0.0.1:8080 serves autodiscover.xml naming imapgms.jnet.sei.co.jp:993

Running:  leakwatch run --report report.jsonl -- python3 tests/e2e/autodiscover.py

TEXT

report=$LW_TMP/report.jsonl
lw_run_in "$LW_NS" "$report" -- "$LW_PY" "$LW_E2E/autodiscover.py"
rc=$LW_RC

say "The client's output:"
sed 's/^/  /' "$LW_OUT"
echo
say "leakwatch's report (stderr):"
sed 's/^/  /' "$LW_ERR"
echo
say "The JSON report ($(wc -l <"$report" 2>/dev/null || echo 0) lines):"
if [ -s "$report" ]; then
	while IFS= read -r line; do
		printf '%s\n' "$line" | "$LW_PY" -m json.tool --no-ensure-ascii ||
			printf '  (not JSON) %s\n' "$line"
	done <"$report"
else
	echo "  (none written)"
fi
echo
say "leakwatch's exit status: $rc (3 = a leak was found)"

why=
[ "$rc" = 3 ] || why="exit status $rc, expected 3"
if ! out=$(lw_report "$report" has-verdict --comm python3 --kind follow-on --severity high \
	--address 133.242.1.10 --port 993 --name autodiscover.example.com); then
	why="${why:+$why; }$out"
fi
if [ -n "$why" ]; then
	say "demo: the leak was NOT reported: $why"
	exit 1
fi
say "demo: leakwatch caught the follow-on connect to imapgms.jnet.sei.co.jp (133.242.1.10:993)"
say "      via autodiscover.example.com; nothing left the sandbox."
exit 0
