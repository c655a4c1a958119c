#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# What must stay quiet (README "Not leaks"): no verdict, and
# leakwatch's exit status is the command's own (learned by running the same
# command in the namespace without leakwatch first).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup

# quiet NAME -- CMD...: same status as without leakwatch, no verdicts.
quiet()
{
	local name=$1 r=$LW_TMP/$1.jsonl own
	shift 2
	lw_exec_in "$LW_NS" "$@"
	own=$LW_RC
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$@"
	lw_begin "$name"
	lw_expect_rc "$own"
	lw_expect "$r" valid
	lw_expect "$r" no-leak
	lw_end
}

# Ordinary names, even with global answers.
quiet quiet-ordinary-getent -- getent ahosts www.ordinary.co
quiet quiet-ordinary-connect -- "$LW_HELPERS/tcp-connect" www.ordinary.co 443
quiet quiet-ordinary-curl -- curl -sS -m 2 http://www.ordinary.co/
# An untainted process connecting to a global address (no lookup at all).
quiet quiet-untainted-global -- "$LW_HELPERS/tcp-connect" 198.18.0.30 25
quiet quiet-untainted-mail -- "$LW_PY" "$LW_E2E/pyconnect.py" mail.ordinary.co 993
# .localhost answered with loopback, then used (a developer's daily life).
quiet quiet-localhost-loopback -- "$LW_HELPERS/tcp-connect" app.localhost 8080
# A reserved name answered with a non-global address, then connected to.
quiet quiet-test-private -- "$LW_HELPERS/tcp-connect" myapp.test 80
quiet quiet-test-private-curl -- curl -sS -m 2 http://myapp.test/
# getaddrinfo's sort-only UDP connects to each of two global answers of an
# example.net name (no data, no TCP): not traffic.
quiet quiet-sort-only-getent -- getent ahosts multi.example.net
quiet quiet-sort-only-python -- "$LW_PY" "$LW_E2E/pyconnect.py" --resolve-only \
	multi.example.net 443
# Names that do not resolve, and the plain success and failure statuses.
quiet quiet-nxdomain -- getent ahosts nothing-here.example.net
quiet quiet-true -- true

# The reserved lookups are still kept for the report.
lw_check quiet-localhost-name-kept "$LW_TMP/quiet-localhost-loopback.jsonl" has-name \
	--comm tcp-connect --name app.localhost --answer 127.0.0.1
lw_check quiet-sort-only-report-not-leak "$LW_TMP/quiet-sort-only-getent.jsonl" has-report \
	--comm getent --leak false
