#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The sandbox the other end-to-end tests stand on, checked without
# leakwatch: the namespace has only lo and no route out, dnsmasq answers
# what the tests expect (NODATA for AAAA, not REFUSED), every client
# resolves and gets ENETUNREACH for a "public" destination, the demo's
# client plays its story out, and no packet left the namespace. When this
# fails, the sensor tests' failures say nothing about the sensor.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect musl-resolve
lw_setup

lw_begin sandbox-only-lo-no-route
links=$(ip -n "$LW_NS" -br link | awk '{ print $1 }' | tr '\n' ' ')
[ "$links" = "lo " ] || _lw_because "links: $links"
ip -n "$LW_NS" route show | grep -q . && _lw_because "has IPv4 routes"
ip -n "$LW_NS" -6 route show | grep -vq '^::1 ' && _lw_because "has IPv6 routes besides ::1"
lw_end

lw_begin sandbox-dnsmasq-answers
lw_exec_in "$LW_NS" getent ahosts leak.example.net
lw_expect_rc 0
lw_expect_out '^198\.18\.0\.7 '
lw_exec_in "$LW_NS" dig +short @127.0.0.1 foo.localhost A
lw_expect_out '^198\.18\.0\.10$'
lw_exec_in "$LW_NS" dig @127.0.0.1 leak.example.net AAAA
lw_expect_out 'status: NOERROR'
lw_exec_in "$LW_NS" dig @127.0.0.1 nothing-here.example.net A
lw_expect_out 'status: NXDOMAIN'
lw_exec_in "$LW_NS" getent ahosts multi.example.net
lw_expect_out '^198\.18\.0\.21 '
lw_expect_out '^198\.18\.0\.22 '
lw_end

lw_begin sandbox-clients-enetunreach
lw_exec_in "$LW_NS" "$LW_HELPERS/tcp-connect" leak.example.net 80
lw_expect_rc 0
lw_expect_out 'tcp 198\.18\.0\.7 port 80: connect: errno 101 '
lw_exec_in "$LW_NS" "$LW_HELPERS/tcp-connect" --udp leak.example.net 53
lw_expect_out 'udp 198\.18\.0\.7 port 53: sendto: errno 101 '
lw_exec_in "$LW_NS" "$LW_HELPERS/musl-resolve" leak.example.com 80
lw_expect_rc 0
lw_expect_out 'tcp 198\.18\.0\.9 port 80: connect: errno 101 '
lw_exec_in "$LW_NS" "$LW_PY" "$LW_E2E/pyconnect.py" leak.example.org 443
lw_expect_out 'errno 101 \(ENETUNREACH'
lw_exec_in "$LW_NS" curl -sS -m 2 http://leak.test:80/
lw_expect_rc 7
lw_exec_in "$LW_NS" "$LW_HELPERS/tcp-connect" 133.242.1.10 993
lw_expect_out 'errno 101 '
lw_end

# musl's stub resolver sends with sendto() on an unconnected socket (what
# makes it a distinct case for the sensor): check it still does.
lw_begin sandbox-musl-uses-sendto
if command -v strace >/dev/null; then
	lw_exec_in "$LW_NS" strace -f -e trace=connect,sendto "$LW_HELPERS/musl-resolve" \
		leak.example.com 80
	lw_expect_out 'sendto\(.*sin_port=htons\(53\).*127\.0\.0\.1'
	grep -Eq 'connect\(.*htons\(53\)' "$LW_OUT" && _lw_because "musl connected its DNS socket"
else
	lw_skip sandbox-musl-uses-sendto "no strace"
	_lw_scenario=
fi
[ -n "$_lw_scenario" ] && lw_end

lw_begin sandbox-demo-client
lw_http_start "$LW_NS" "$LW_E2E/www" 8080 || _lw_because "http.server did not start"
lw_exec_in "$LW_NS" "$LW_PY" "$LW_E2E/autodiscover.py"
lw_expect_rc 0
lw_expect_out 'step 1: autodiscover\.example\.com resolves to 127\.0\.0\.1'
lw_expect_out 'step 2: GET .* -> 200'
lw_expect_out 'IMAP server imapgms\.jnet\.sei\.co\.jp port 993'
lw_expect_out 'step 3: imapgms\.jnet\.sei\.co\.jp resolves to 133\.242\.1\.10'
lw_expect_out 'connect to 133\.242\.1\.10:993 failed: ENETUNREACH'
lw_end

# Nothing left: the only interface is lo, and the kernel counted the
# "public" connects as unroutable (OutNoRoutes) rather than sending them.
lw_begin sandbox-nothing-left
noroutes=$(ip netns exec "$LW_NS" nstat -az IpOutNoRoutes | awk '$1 == "IpOutNoRoutes" { print $2 }')
[ "${noroutes:-0}" -ge 5 ] || _lw_because "IpOutNoRoutes=${noroutes:-?}, expected >= 5"
lo_tx=$(ip -n "$LW_NS" -s -j link show lo | "$LW_PY" -c \
	'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])')
out=$(ip netns exec "$LW_NS" nstat -az IpOutRequests Ip6OutRequests |
	awk '$1 ~ /OutRequests$/ { s += $2 } END { print s + 0 }')
# every IP packet sent went out of lo (lo's tx counts each once)
[ "$out" -le "$lo_tx" ] || _lw_because "IP sent $out packets, lo transmitted $lo_tx"
lw_end
