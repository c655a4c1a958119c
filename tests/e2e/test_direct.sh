#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# direct (README's verdicts): traffic to a global address that came back in an
# answer to a reserved name. The namespace's dnsmasq answers reserved names
# with addresses in 198.18.0.0/15, which $LW_CONF declares global; the
# namespace has no route, so every connect fails with ENETUNREACH (the cgroup
# hooks run before routing). One scenario per kind of client: glibc
# (getent, curl, python3, the tcp-connect helper, UDP), a static musl binary
# (sendto DNS, no libc uprobe), and a process that connects to an address
# another process resolved (asked_by).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect musl-resolve
lw_setup

# run_direct NAME COMM ADDRESS PORT PROTO RESERVED-NAME -- CMD...
run_direct()
{
	local name=$1 comm=$2 addr=$3 port=$4 proto=$5 rname=$6 r=$LW_TMP/$1.jsonl
	shift 7
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$@"
	lw_begin "$name"
	lw_expect_rc 3
	lw_expect "$r" valid
	lw_expect "$r" has-verdict --comm "$comm" --kind direct --severity high \
		--address "$addr" --port "$port" --proto "$proto" --name "$rname"
	lw_expect "$r" has-name --comm "$comm" --name "$rname" --answer "$addr"
	lw_end
}

run_direct direct-tcp-connect tcp-connect 198.18.0.7 80 tcp leak.example.net -- \
	"$LW_HELPERS/tcp-connect" leak.example.net 80
# UDP with data: sendto() on an unconnected socket (attempted, and seen by
# the hooks, even without a route).
run_direct direct-udp-sendto tcp-connect 198.18.0.7 5353 udp leak.example.net -- \
	"$LW_HELPERS/tcp-connect" --udp leak.example.net 5353
run_direct direct-curl curl 198.18.0.8 80 tcp leak.test -- curl -sS -m 2 http://leak.test:80/
run_direct direct-python3 python3 198.18.0.11 443 tcp leak.example.org -- \
	"$LW_PY" "$LW_E2E/pyconnect.py" leak.example.org 443
run_direct direct-musl-static musl-resolve 198.18.0.9 80 tcp leak.example.com -- \
	"$LW_HELPERS/musl-resolve" leak.example.com 80

# The musl binary's names come from the wire (no glibc to probe).
lw_check direct-musl-name-from-dns "$LW_TMP/direct-musl-static.jsonl" has-name \
	--comm musl-resolve --name leak.example.com --source dns --answer 198.18.0.9

# getent resolves, then another process (tcp-connect, given the bare address:
# no lookup of its own) connects to it: still direct, the answer set is
# per host, and the report names who asked.
r=$LW_TMP/direct-getent.jsonl
# shellcheck disable=SC2016 # $1 is the inner sh's
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- sh -c \
	'getent ahosts leak.example.net >/dev/null && exec "$1" 198.18.0.7 80' sh \
	"$LW_HELPERS/tcp-connect"
lw_begin direct-getent-then-connect
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-name --comm getent --name leak.example.net --answer 198.18.0.7
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --severity high \
	--address 198.18.0.7 --port 80 --proto tcp
lw_end

# glibc's getaddrinfo connects a UDP socket to each answer to sort them
# (no data). Those must not count; the real TCP connect to the first answer
# must. Two answers, so the sort happens.
r=$LW_TMP/direct-multi.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_HELPERS/tcp-connect" multi.example.net 80
lw_begin direct-multi-answer-only-tcp
lw_expect_rc 3
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --proto tcp --port 80
first=$(sed -n 's/^tcp \([0-9.]*\) port 80:.*/\1/p' "$LW_OUT")
other=198.18.0.21
[ "$first" = 198.18.0.21 ] && other=198.18.0.22
lw_expect "$r" no-verdict --comm tcp-connect --kind follow-on
# the other answer was only sort-connected (udp, no data): not a leak
if lw_report "$r" has-dest --comm tcp-connect --address "$other" --verdict direct >/dev/null; then
	_lw_because "sort-only UDP connect to $other reported as direct"
fi
lw_end

# Connected UDP, then send() with no address: cgroup/sendmsg4 does not fire
# for that (reference/kernel-here.md §2), so only connect4 + the data really
# leaving say it is a leak. A connect without a route fails, so this needs a
# reachable "global" peer: a second namespace holding 198.18.0.7 across a
# veth (198.18.0.0/24 only; nothing listens, the datagram is dropped there).
lw_next_name
ns_b=$LW_NAME
if lw_netns_create "$ns_b" && lw_veth "$LW_NS" 198.18.0.1 "$ns_b" 198.18.0.7; then
	run_direct direct-udp-connected-send tcp-connect 198.18.0.7 5353 udp leak.example.net -- \
		"$LW_HELPERS/tcp-connect" --udp-connected leak.example.net 5353
	lw_begin direct-udp-connected-send-really-sent
	lw_expect_out 'udp 198\.18\.0\.7 port 5353: connected, sent 1 datagram'
	lw_end
	# and a connected UDP socket with nothing sent is not a leak
	r=$LW_TMP/udp-connect-only.jsonl
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" -c \
		'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("198.18.0.7", 5353))'
	lw_begin direct-udp-connect-no-data-quiet
	lw_expect "$r" no-verdict --kind direct
	lw_end
else
	lw_fail direct-udp-connected-send "could not build the peer namespace"
fi
