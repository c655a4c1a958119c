#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# `leakwatch classify` and `leakwatch policy` end to end: the real binary,
# its JSON checked with python3. No root, no BPF.
set -u
cd "$(dirname "$0")/../.."
LW_BIN=${LW_BIN:-$PWD/leakwatch}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$LW_BIN" ]; then
	echo "FAIL: test_classify: $LW_BIN is not built"
	exit 1
fi

# check_json LABEL JSON EXPECTED: JSON has exactly EXPECTED's keys, in order,
# with EXPECTED's values ("*" matches any value).
check_json() {
	python3 -c '
import json, sys
got, exp = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if list(got) != list(exp):
    sys.exit("keys %s, expected %s" % (list(got), list(exp)))
for k, v in exp.items():
    if v != "*" and got[k] != v:
        sys.exit("%s: %r, expected %r" % (k, got[k], v))
' "$2" "$3" 2>"$tmp/why"
}

failures=0
# classify_case ARG EXPECTED_STATUS EXPECTED_JSON
classify_case() {
	local out rc
	out=$("$LW_BIN" classify -- "$1" 2>"$tmp/err")
	rc=$?
	if [ "$rc" -ne "$2" ]; then
		echo "  $1: exit status $rc, expected $2" >&2
		failures=$((failures + 1))
	elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
		echo "  $1: expected one line, got: $out" >&2
		failures=$((failures + 1))
	elif ! check_json "$1" "$out" "$3"; then
		echo "  $1: $(cat "$tmp/why"): $out" >&2
		failures=$((failures + 1))
	fi
}

addr() {	# addr ADDRESS GLOBAL BLOCK LABEL
	classify_case "$1" 0 "{\"input\":\"$1\",\"kind\":\"address\",\"global\":$2,\"block\":\"$3\",\"label\":\"$4\",\"rfc\":\"*\"}"
}

name() {	# name NAME SUFFIX FAMILY  (SUFFIX null: not reserved)
	if [ "$2" = null ]; then
		classify_case "$1" 0 "{\"input\":\"$1\",\"kind\":\"name\",\"reserved\":false,\"suffix\":null,\"family\":null,\"rfc\":null}"
	else
		classify_case "$1" 0 "{\"input\":\"$1\",\"kind\":\"name\",\"reserved\":true,\"suffix\":\"$2\",\"family\":\"$3\",\"rfc\":\"*\"}"
	fi
}

invalid() {	# invalid INPUT
	classify_case "$1" 1 "{\"input\":\"$1\",\"kind\":\"invalid\",\"error\":\"*\"}"
}

result() {	# result NAME: one PASS/FAIL line for the cases since the last one
	if [ "$failures" -eq 0 ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1: $failures case(s) failed"
	fi
	failures=0
}

# --- the IPv4 Special-Purpose registry, one address per row
addr 0.1.2.3 false 0.0.0.0/8 "This network"
addr 0.0.0.0 false 0.0.0.0/32 "This host on this network"
addr 10.200.1.1 false 10.0.0.0/8 Private-Use
addr 100.64.0.1 false 100.64.0.0/10 "Shared Address Space"
addr 127.0.0.1 false 127.0.0.0/8 Loopback
addr 169.254.169.254 false 169.254.0.0/16 "Link Local"
addr 172.16.0.1 false 172.16.0.0/12 Private-Use
addr 192.0.0.200 false 192.0.0.0/24 "IETF Protocol Assignments"
addr 192.0.0.1 false 192.0.0.0/29 "IPv4 Service Continuity Prefix"
addr 192.0.0.8 false 192.0.0.8/32 "IPv4 dummy address"
addr 192.0.0.9 true 192.0.0.9/32 "Port Control Protocol Anycast"
addr 192.0.0.10 true 192.0.0.10/32 "Traversal Using Relays around NAT Anycast"
addr 192.0.0.170 false 192.0.0.170/32 "NAT64/DNS64 Discovery"
addr 192.0.0.171 false 192.0.0.171/32 "NAT64/DNS64 Discovery"
addr 192.0.2.1 false 192.0.2.0/24 "Documentation (TEST-NET-1)"
addr 192.31.196.1 true 192.31.196.0/24 AS112-v4
addr 192.52.193.1 true 192.52.193.0/24 AMT
addr 192.88.99.1 false 192.88.99.0/24 "Deprecated (6to4 Relay Anycast)"
addr 192.88.99.2 false 192.88.99.2/32 "6a44-relay anycast address"
addr 192.168.1.1 false 192.168.0.0/16 Private-Use
addr 192.175.48.6 true 192.175.48.0/24 "Direct Delegation AS112 Service"
addr 198.18.5.5 false 198.18.0.0/15 Benchmarking
addr 198.51.100.7 false 198.51.100.0/24 "Documentation (TEST-NET-2)"
addr 203.0.113.9 false 203.0.113.0/24 "Documentation (TEST-NET-3)"
addr 240.0.0.1 false 240.0.0.0/4 Reserved
addr 255.255.255.255 false 255.255.255.255/32 "Limited Broadcast"
addr 224.0.0.251 false 224.0.0.0/4 Multicast
addr 8.8.8.8 true 0.0.0.0/0 "IPv4 unicast"
addr 133.242.1.10 true 0.0.0.0/0 "IPv4 unicast"
result classify_ipv4_registry

# --- the IPv6 Special-Purpose registry, one address per row
addr ::1 false ::1/128 "Loopback Address"
addr :: false ::/128 "Unspecified Address"
addr ::ffff:10.0.0.1 false 10.0.0.0/8 Private-Use
addr ::ffff:8.8.8.8 true 0.0.0.0/0 "IPv4 unicast"
addr 64:ff9b::8.8.8.8 true 0.0.0.0/0 "IPv4 unicast"
addr 64:ff9b::a00:1 false 10.0.0.0/8 Private-Use
addr 64:ff9b:1::1 false 64:ff9b:1::/48 "IPv4-IPv6 Translat."
addr 100::1 false 100::/64 "Discard-Only Address Block"
addr 100:0:0:1::1 false 100:0:0:1::/64 "Dummy IPv6 Prefix"
addr 2001:5::1 false 2001::/23 "IETF Protocol Assignments"
addr 2001:0:4136:e378:8000:63bf:3fff:fdd2 false 192.0.2.0/24 "Documentation (TEST-NET-1)"
addr 2001:0:4136:e378:8000:63bf:f7f7:f7f7 true 0.0.0.0/0 "IPv4 unicast"
addr 2001:1::1 true 2001:1::1/128 "Port Control Protocol Anycast"
addr 2001:1::2 true 2001:1::2/128 "Traversal Using Relays around NAT Anycast"
addr 2001:1::3 true 2001:1::3/128 "DNS-SD Service Registration Protocol Anycast"
addr 2001:2::1 false 2001:2::/48 Benchmarking
addr 2001:3::1 true 2001:3::/32 AMT
addr 2001:4:112::1 true 2001:4:112::/48 AS112-v6
addr 2001:10::1 false 2001:10::/28 "Deprecated (previously ORCHID)"
addr 2001:20::1 true 2001:20::/28 ORCHIDv2
addr 2001:30::1 true 2001:30::/28 "Drone Remote ID Protocol Entity Tags (DETs) Prefix"
addr 2001:db8::1 false 2001:db8::/32 Documentation
addr 2002:c0a8:101::1 false 192.168.0.0/16 Private-Use
addr 2002:808:808::1 true 0.0.0.0/0 "IPv4 unicast"
addr 2620:4f:8000::1 true 2620:4f:8000::/48 "Direct Delegation AS112 Service"
addr 3fff::1 false 3fff::/20 Documentation
addr 5f00::1 false 5f00::/16 "Segment Routing (SRv6) SIDs"
addr fd12::1 false fc00::/7 Unique-Local
addr fe80::1 false fe80::/10 "Link-Local Unicast"
addr ff02::fb false ff00::/8 Multicast
addr 2606:4700::1111 true 2000::/3 "Global Unicast"
addr 4000::1 false ::/0 "Reserved by IETF"
result classify_ipv6_registry

# --- names: every family, case, trailing dot, whole labels
name autodiscover.example.com example.com iana
name _autodiscover._tcp.EXAMPLE.NET. example.net iana
name www.example.org example.org iana
name foo.example example nxdomain
name x.invalid invalid nxdomain
name x.alt alt nxdomain
name duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion onion nxdomain
name x.6tisch.arpa 6tisch.arpa nxdomain
name x.eap-noob.arpa eap-noob.arpa nxdomain
name foo.localhost localhost loopback
name LOCALHOST. localhost loopback
name myapp.test test local
name router.home.arpa home.arpa local
name metadata.google.internal internal local
name printer.local local local
name default.service.arpa service.arpa local
name 1.0.168.192.in-addr.arpa 168.192.in-addr.arpa local
name 1.0.20.172.in-addr.arpa 20.172.in-addr.arpa local
name 5.4.10.in-addr.arpa 10.in-addr.arpa local
name 1.1.254.169.in-addr.arpa 254.169.in-addr.arpa local
name 1.0.8.e.f.ip6.arpa 8.e.f.ip6.arpa local
name b.e.f.ip6.arpa b.e.f.ip6.arpa local
name ipv4only.arpa ipv4only.arpa fixed
name 170.0.0.192.in-addr.arpa 170.0.0.192.in-addr.arpa fixed
name 171.0.0.192.in-addr.arpa 171.0.0.192.in-addr.arpa fixed
name _dns.resolver.arpa resolver.arpa ddr
name notexample.com null
name example.com.au null
name imapgms.jnet.sei.co.jp null
name 32.172.in-addr.arpa null
name . null
name "has space.test" test local
result classify_names

# --- invalid input: reported, exit status 1
invalid "a..b"
invalid ".."
invalid ""
invalid "1.2.3.4/8"
invalid "999.1.1.1"
invalid "2001:db8::zz"
invalid "$(printf 'a%.0s' {1..64}).test"
# a control byte: the input is escaped in the JSON, so match any input
classify_case "$(printf 'ctl\001.test')" 1 '{"input":"*","kind":"invalid","error":"*"}'
result classify_invalid

# --- several arguments: one line each, all printed, status 1 at the end
out=$("$LW_BIN" classify example.com a..b 8.8.8.8)
rc=$?
n=$(printf '%s\n' "$out" | wc -l)
kinds=$(printf '%s\n' "$out" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["kind"] for l in sys.stdin))')
if [ "$rc" -eq 1 ] && [ "$n" -eq 3 ] && [ "$kinds" = "name invalid address" ]; then
	echo "PASS: classify_many_arguments"
else
	echo "FAIL: classify_many_arguments: status $rc, $n lines, kinds '$kinds'"
fi

# --- usage
"$LW_BIN" classify --help >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q '^Usage: leakwatch classify' "$tmp/out" && grep -q 'Examples' "$tmp/out"; then
	echo "PASS: classify_help"
else
	echo "FAIL: classify_help: status $rc"
fi
"$LW_BIN" classify >"$tmp/out" 2>"$tmp/err"; rc=$?
"$LW_BIN" classify --bogus x >"$tmp/out2" 2>"$tmp/err2"; rc2=$?
# One line each, naming the command and --help (not the whole help text).
if [ "$rc" -eq 2 ] && [ "$rc2" -eq 2 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/out2" ] &&
	[ "$(grep -c . "$tmp/err")" = 1 ] && [ "$(grep -c . "$tmp/err2")" = 1 ] &&
	grep -q "^leakwatch classify: no NAME or ADDRESS given (see leakwatch classify --help)$" \
		"$tmp/err" &&
	grep -q "^leakwatch classify: unknown option '--bogus' (see leakwatch classify --help)$" \
		"$tmp/err2"; then
	echo "PASS: classify_usage_errors"
else
	echo "FAIL: classify_usage_errors: statuses $rc, $rc2"
fi

# --- --config: overrides, and a bad file
cat >"$tmp/conf" <<'CONF'
# test config
reserved = corp.example.com local
global = 198.18.0.0/15
CONF
addr_cfg=$("$LW_BIN" classify --config "$tmp/conf" 198.18.5.5 mail.corp.example.com)
if check_json a "$(sed -n 1p <<<"$addr_cfg")" '{"input":"198.18.5.5","kind":"address","global":true,"block":"198.18.0.0/15","label":"config","rfc":null}' &&
	check_json n "$(sed -n 2p <<<"$addr_cfg")" '{"input":"mail.corp.example.com","kind":"name","reserved":true,"suffix":"corp.example.com","family":"local","rfc":null}'; then
	echo "PASS: classify_config_overrides"
else
	echo "FAIL: classify_config_overrides: $(cat "$tmp/why")"
fi
printf 'window = 5\nwindow = never\n' >"$tmp/bad"
"$LW_BIN" classify --config "$tmp/bad" x.test >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$tmp/bad:2: window" "$tmp/err"; then
	echo "PASS: classify_bad_config"
else
	echo "FAIL: classify_bad_config: status $rc, stderr: $(cat "$tmp/err")"
fi

# --- policy: prints, reparses to the same output, errors in one line
"$LW_BIN" policy --config "$tmp/conf" >"$tmp/p1"; rc1=$?
"$LW_BIN" policy --config "$tmp/p1" >"$tmp/p2"; rc2=$?
if [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && cmp -s "$tmp/p1" "$tmp/p2" &&
	grep -q '^reserved = corp.example.com local$' "$tmp/p1" &&
	grep -q '^global = 198.18.0.0/15$' "$tmp/p1"; then
	echo "PASS: policy_round_trip"
else
	echo "FAIL: policy_round_trip: statuses $rc1 $rc2"
fi
"$LW_BIN" policy --config "$tmp/bad" >"$tmp/out" 2>"$tmp/err"; rc=$?
"$LW_BIN" policy --config "$tmp/missing" >/dev/null 2>"$tmp/err2"; rc2=$?
"$LW_BIN" policy extra >/dev/null 2>&1; rc3=$?
"$LW_BIN" policy --help >"$tmp/help"; rc4=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	[ "$rc2" -eq 2 ] && grep -q 'No such file or directory' "$tmp/err2" &&
	[ "$rc3" -eq 2 ] && [ "$rc4" -eq 0 ] && grep -q '^Usage: leakwatch policy' "$tmp/help"; then
	echo "PASS: policy_errors_and_help"
else
	echo "FAIL: policy_errors_and_help: statuses $rc $rc2 $rc3 $rc4"
fi
