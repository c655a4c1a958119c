#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `allow-name = NAME` (README, Configuration): a CI gate on a project that
# already leaks. The same leaking command, gated by `leakwatch run --config`,
# fails (3) with the sandbox's config and passes with its own status once
# the config has `allow-name = leak.example.net`; the name is still in
# names[], marked "allowed": true, and its destination has verdict null.
# A name that is not allowed still fails the gate.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup

allow_conf=$LW_TMP/allow.conf
cp "$LW_CONF" "$allow_conf"
printf '%s\n' '# the project accepts this one, for now' 'allow-name = leak.example.net' \
	>>"$allow_conf"

# The command: connect to leak.example.net:80 (198.18.0.7, global by the
# config; no route, so ENETUNREACH), then exit with its own status, 7.
# shellcheck disable=SC2016 # $1 is the inner sh's
leaky=(sh -c '"$1" leak.example.net 80; exit 7' sh "$LW_HELPERS/tcp-connect")

r=$LW_TMP/gate-fails.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "${leaky[@]}"
lw_begin allowlist-gate-fails-without-exception
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --severity high \
	--name leak.example.net --address 198.18.0.7 --port 80
lw_expect "$r" has-name --comm tcp-connect --name leak.example.net --allowed false
lw_end

r=$LW_TMP/gate-passes.jsonl
lw_run_in "$LW_NS" "$r" --config "$allow_conf" -- "${leaky[@]}"
lw_begin allowlist-gate-passes-with-allow-name
lw_expect_rc 7
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_expect "$r" summary --leaks 0
lw_expect "$r" has-name --comm tcp-connect --name leak.example.net --answer 198.18.0.7 \
	--allowed true
lw_expect "$r" has-dest --comm tcp-connect --address 198.18.0.7 --port 80 --verdict null
lw_expect_true "text report marks the name allowed" grep -q 'leak.example.net.*\[allowed\]' \
	"$LW_ERR"
lw_end

# Only what is allowed: another reserved name in the same run still fails
# the gate, and only it has a verdict.
r=$LW_TMP/gate-other.jsonl
# shellcheck disable=SC2016 # $1 is the inner sh's
lw_run_in "$LW_NS" "$r" --config "$allow_conf" -- sh -c \
	'"$1" leak.example.net 80; "$1" leak.example.org 443; exit 0' sh "$LW_HELPERS/tcp-connect"
lw_begin allowlist-other-names-still-leak
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --name leak.example.org \
	--address 198.18.0.11 --port 443
lw_expect "$r" no-verdict --name leak.example.net
lw_expect "$r" has-name --comm tcp-connect --name leak.example.net --allowed true
lw_expect "$r" has-name --comm tcp-connect --name leak.example.org --allowed false
lw_end

# Whole labels, any case, trailing dot: `LEAK.Example.NET.` allows
# www.leak.example.net's lookups too (dnsmasq answers subdomains of an
# --address name), but not xleak.example.net (not under it).
case_conf=$LW_TMP/case.conf
cp "$LW_CONF" "$case_conf"
echo 'allow-name = LEAK.Example.NET.' >>"$case_conf"
r=$LW_TMP/gate-case.jsonl
lw_run_in "$LW_NS" "$r" --config "$case_conf" -- "$LW_HELPERS/tcp-connect" www.leak.example.net 80
lw_begin allowlist-subdomain-any-case
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_expect "$r" has-name --comm tcp-connect --name www.leak.example.net --allowed true
lw_end

# `leakwatch policy` prints the exceptions back in the config's syntax.
lw_begin allowlist-policy-prints-allow-name
out=$("$LW_BIN" policy --config "$case_conf" 2>&1)
grep -qx 'allow-name = leak.example.net' <<<"$out" ||
	_lw_because "no 'allow-name = leak.example.net' line in leakwatch policy"
bad=$LW_TMP/bad.conf
printf 'global = 198.18.0.0/15\nallow-name = bad..name\n' >"$bad"
"$LW_BIN" policy --config "$bad" >/dev/null 2>"$LW_TMP/bad.err"
rc=$?
[ "$rc" = 2 ] || _lw_because "bad allow-name: exit status $rc, expected 2"
grep -q "$bad:2: allow-name: 'bad..name': empty label" "$LW_TMP/bad.err" ||
	_lw_because "bad allow-name: $(head -c 200 "$LW_TMP/bad.err")"
lw_end
