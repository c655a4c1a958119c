#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Coverage (docs/coverage.md): every way a process resolves a name, one
# scenario per row of the coverage table, named cov-*.
#
#  - the C library (uprobes): a name only /etc/hosts knows (glibc
#    getaddrinfo and gethostbyname2, dynamically linked musl), and a
#    "container" C library (another file, in a chroot) found by the rescan
#  - the wire: a static musl binary, DNS over TCP (dig +tcp, glibc use-vc)
#    over IPv4 and IPv6, resolvers on ::1 and on 127.0.0.53
#  - the resolver verdict: reserved names sent to a "global" resolver
#    (198.18.0.53 across a veth, global by $LW_CONF) by glibc, dig over UDP
#    and TCP, .local to a unicast resolver; a local dnsmasq forwarding a
#    client's reserved name upstream (the stub is the sender, the client is
#    named in "clients")
#  - negatives: mDNS (.local to 224.0.0.251:5353), a stub answering .test
#    itself
#
# Network: every namespace has only lo plus veths in 198.18.0.0/24 between
# namespaces this script made; no default route.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect musl-resolve
if ! command -v musl-gcc >/dev/null 2>&1; then
	lw_skip "$LW_TEST" "musl-gcc missing (make deps)"
	exit 0
fi
lw_setup --listen-address=::1 --listen-address=127.0.0.53 \
	--address=/tcp.example.net/198.18.0.41

# A name only /etc/hosts knows: dnsmasq has never heard of it.
printf '198.18.0.40\thostsonly.example.net\n198.18.0.42\thostsonly.test\n' \
	>>"/etc/netns/$LW_NS/hosts"

# A dynamically linked musl client (the static one is tests/helpers'):
# resolves NAME with getaddrinfo and connects, or with --sleep N just holds
# its C library mapped (a "container" process for the rescan to find).
musl_src=$LW_TMP/musl-dyn.c
cat >"$musl_src" <<'CEOF'
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
int main(int argc, char **argv)
{
	struct addrinfo hints = {0}, *res;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "--sleep")) {
		sleep(atoi(argv[2]));
		return 0;
	}
	if (argc != 3)
		return 64;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(argv[1], argv[2], &hints, &res)) {
		printf("resolve %s: failed\n", argv[1]);
		return 2;
	}
	printf("resolved %s\n", argv[1]);
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen))
		printf("connect: failed (expected, no route)\n");
	return 0;
}
CEOF
musl_dyn=$LW_TMP/musl-dyn
if ! musl-gcc -O2 -o "$musl_dyn" "$musl_src" 2>"$LW_TMP/musl-gcc.log"; then
	lw_fail cov-setup "cannot build a dynamic musl client: $(head -c 200 "$LW_TMP/musl-gcc.log")"
	exit 1
fi

# --- the C library: names that never reach DNS -------------------------------------

r=$LW_TMP/hosts-glibc.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_HELPERS/tcp-connect" hostsonly.example.net 80
lw_begin cov-libc-glibc-getaddrinfo-etc-hosts
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-name --comm tcp-connect --name hostsonly.example.net --source libc \
	--family iana --answer 198.18.0.40
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --severity high \
	--address 198.18.0.40 --port 80 --proto tcp --name hostsonly.example.net
if grep -q hostsonly "$LW_TMP/dnsmasq-$LW_NS.log" 2>/dev/null; then
	_lw_because "the name reached dnsmasq: not an /etc/hosts-only lookup"
fi
lw_end

# getent hosts: gethostbyname2 (not getaddrinfo); .test -> a global address
# breaks the local family's rule: answer verdict (low).
r=$LW_TMP/hosts-ghbn.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- getent hosts hostsonly.test
lw_begin cov-libc-glibc-gethostbyname2-etc-hosts
lw_expect_out '198\.18\.0\.42'
lw_expect "$r" valid
lw_expect "$r" has-name --comm getent --name hostsonly.test --source libc --family local \
	--answer 198.18.0.42
lw_expect "$r" has-verdict --comm getent --kind answer --severity low --name hostsonly.test \
	--address 198.18.0.42
lw_end

r=$LW_TMP/hosts-musl.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$musl_dyn" hostsonly.example.net 80
lw_begin cov-libc-musl-dynamic-etc-hosts
lw_expect_rc 3
lw_expect_out 'resolved hostsonly'
lw_expect "$r" has-name --comm musl-dyn --name hostsonly.example.net --source libc \
	--answer 198.18.0.40
lw_expect "$r" has-verdict --comm musl-dyn --kind direct --address 198.18.0.40 --port 80
lw_end

# A "container": its own root with its own copy of musl (another file), a
# process holding it mapped before the lookup, so the periodic rescan (5 s)
# finds it through /proc/PID/root; then a lookup inside it.
root=$LW_TMP/ctr
mkdir -p "$root/lib" "$root/etc" "$root/bin"
for m in /lib/ld-musl-*.so.1; do cp "$m" "$root/lib/"; break; done
cp "$musl_dyn" "$root/bin/musl-dyn"
printf '198.18.0.43\tctr.example.net\n' >"$root/etc/hosts"
printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf"
r=$LW_TMP/ctr.jsonl
# shellcheck disable=SC2016 # $0/$1 are the inner sh's
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- sh -c \
	'chroot "$0" /bin/musl-dyn --sleep 20 & s=$!; sleep 7; chroot "$0" /bin/musl-dyn ctr.example.net 80; kill $s' \
	"$root"
lw_begin cov-libc-container-copy-rescanned
lw_expect_out 'resolved ctr\.example\.net'
lw_expect "$r" has-name --comm musl-dyn --name ctr.example.net --source libc --answer 198.18.0.43
lw_expect "$r" has-verdict --comm musl-dyn --kind direct --address 198.18.0.43 --port 80
lw_end

# --- the wire ------------------------------------------------------------------------

# Static musl: its own resolver, no C library to probe: names from DNS only.
r=$LW_TMP/musl-static.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_HELPERS/musl-resolve" leak.example.com 80
lw_begin cov-static-musl-wire-only
lw_expect_rc 3
lw_expect "$r" has-name --comm musl-resolve --name leak.example.com --source dns \
	--answer 198.18.0.9 --resolver 127.0.0.1:53
if lw_report "$r" has-name --comm musl-resolve --name leak.example.com --source libc \
	>/dev/null 2>&1; then
	_lw_because "a static binary was seen through libc probes"
fi
lw_end

# DNS over TCP, IPv4 and IPv6: dig +tcp.
for res in 127.0.0.1 ::1; do
	r=$LW_TMP/dig-tcp-$res.jsonl
	shown=$res:53
	[ "$res" = ::1 ] && shown='[::1]:53'
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +tcp +time=2 +tries=1 @"$res" \
		foo.localhost A
	lw_begin "cov-dns-tcp-dig-$([ "$res" = ::1 ] && echo v6 || echo v4)"
	lw_expect_rc 3
	lw_expect_out '198\.18\.0\.10'
	lw_expect "$r" has-name --name foo.localhost --source dns --qtype A --answer 198.18.0.10 \
		--resolver "$shown"
	lw_expect "$r" has-verdict --kind answer --severity medium --name foo.localhost
	lw_end
done

# glibc over TCP (resolv.conf `options use-vc`), then the connect: direct.
resolv=/etc/netns/$LW_NS/resolv.conf
cp "$resolv" "$LW_TMP/resolv.conf.orig"
printf 'nameserver 127.0.0.1\noptions use-vc timeout:1 attempts:2\n' >"$resolv"
r=$LW_TMP/glibc-tcp.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_HELPERS/tcp-connect" -4 tcp.example.net 80
lw_begin cov-dns-tcp-glibc-use-vc
lw_expect_rc 3
lw_expect "$r" has-name --comm tcp-connect --name tcp.example.net --source dns \
	--answer 198.18.0.41
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --address 198.18.0.41 --port 80
lw_end

# Resolvers on ::1 and on another loopback address (systemd-resolved's).
for res in ::1 127.0.0.53; do
	printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$res" >"$resolv"
	shown=$res:53
	[ "$res" = ::1 ] && shown='[::1]:53'
	r=$LW_TMP/res-$res.jsonl
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_HELPERS/tcp-connect" -4 \
		leak.example.net 80
	lw_begin "cov-resolver-local-$res"
	lw_expect_rc 3
	lw_expect "$r" has-name --comm tcp-connect --name leak.example.net --source dns \
		--resolver "$shown" --answer 198.18.0.7
	lw_expect "$r" has-verdict --comm tcp-connect --kind direct --address 198.18.0.7
	lw_expect "$r" no-verdict --kind resolver
	lw_end
done
cp "$LW_TMP/resolv.conf.orig" "$resolv"

# --- the resolver verdict ------------------------------------------------------------

# A "global" resolver: namespace B on 198.18.0.53 (global by $LW_CONF).
lw_next_name
ns_b=$LW_NAME
if ! lw_netns_create "$ns_b" || ! lw_veth "$LW_NS" 198.18.0.1 "$ns_b" 198.18.0.53 ||
	! lw_dnsmasq_start "$ns_b" --listen-address=198.18.0.53 "${LW_STD_DNS[@]}"; then
	lw_fail cov-resolver-setup "could not build the resolver namespace"
	exit 1
fi

# glibc sends .invalid to it: the sender (getent) gets the verdict.
printf 'nameserver 198.18.0.53\noptions timeout:1 attempts:2\n' >"$resolv"
r=$LW_TMP/resolver-glibc.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- getent ahosts leak.invalid
lw_begin cov-resolver-verdict-glibc
lw_expect_rc 3
lw_expect "$r" has-verdict --comm getent --kind resolver --severity medium --name leak.invalid \
	--address 198.18.0.53 --port 53
lw_end
cp "$LW_TMP/resolv.conf.orig" "$resolv"

r=$LW_TMP/resolver-tcp.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +tcp +time=2 +tries=1 @198.18.0.53 \
	leak.invalid A
lw_begin cov-resolver-verdict-dig-tcp
lw_expect_rc 3
lw_expect "$r" has-verdict --kind resolver --severity medium --name leak.invalid \
	--address 198.18.0.53 --port 53
lw_expect_true "the resolver verdict does not say proto tcp" "$LW_PY" -c '
import json, sys
sys.exit(0 if any(v["kind"] == "resolver" and v.get("proto") == "tcp"
                  for line in open(sys.argv[1]) for o in [json.loads(line)]
                  if o.get("type") == "report" for v in o["verdicts"]) else 1)
' "$r"
lw_end

# .local to a unicast resolver is a resolver leak (mDNS is not: below).
r=$LW_TMP/resolver-local.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +time=1 +tries=1 @198.18.0.53 printer.local A
lw_begin cov-resolver-verdict-dot-local-unicast
lw_expect_rc 3
lw_expect "$r" has-verdict --kind resolver --severity medium --name printer.local \
	--address 198.18.0.53 --port 53
lw_end

# mDNS: .local to 224.0.0.251:5353 (multicast on lo) is how .local works.
ip -n "$LW_NS" route add 224.0.0.0/4 dev lo 2>/dev/null
r=$LW_TMP/mdns.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" -c '
import socket, struct
q = struct.pack(">HHHHHH", 0, 0, 1, 0, 0, 0)
for label in (b"printer", b"local"):
    q += bytes([len(label)]) + label
q += b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
s.sendto(q, ("224.0.0.251", 5353))
print("mdns query sent")
'
lw_begin cov-mdns-dot-local-quiet
lw_expect_rc 0
lw_expect_out 'mdns query sent'
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_end

# A local stub forwarding upstream, the client asking the stub. Its own
# pair of namespaces: C (stub dnsmasq on 127.0.0.1, client) and D (the
# "global" upstream on 198.18.0.53). The stub runs under leakwatch (the run
# cgroup), as the host's stub would under the daemon.
lw_next_name
ns_c=$LW_NAME
lw_next_name
ns_d=$LW_NAME
if ! lw_netns_create "$ns_c" || ! lw_netns_create "$ns_d" ||
	! lw_veth "$ns_c" 198.18.0.1 "$ns_d" 198.18.0.53 ||
	! lw_dnsmasq_start "$ns_d" --listen-address=198.18.0.53 "${LW_STD_DNS[@]}"; then
	lw_fail cov-stub-setup "could not build the stub namespaces"
	exit 1
fi
stub=$LW_TMP/stub.sh
cat >"$stub" <<SEOF
#!/bin/sh
$LW_DNSMASQ --keep-in-foreground --no-resolv --no-hosts --no-poll --listen-address=127.0.0.1 \
	--bind-interfaces --port=53 --user=root --group=root --pid-file=$LW_TMP/stub.pid \
	--log-queries --log-facility=$LW_TMP/stub.log --server=198.18.0.53 \
	--local=/test/ --address=/stub.test/10.9.9.9 &
stub=\$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	dig +short +time=1 +tries=1 @127.0.0.1 stub.test A 2>/dev/null | grep -q . && break
	sleep 0.1
done
getent ahosts "\$1"
rc=\$?
kill \$stub
wait \$stub
exit \$rc
SEOF
chmod +x "$stub"

r=$LW_TMP/stub-forward.jsonl
lw_run_in "$ns_c" "$r" --config "$LW_CONF" -- "$stub" leak.invalid
lw_begin cov-stub-forwards-reserved-upstream
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm dnsmasq --kind resolver --severity medium --name leak.invalid \
	--address 198.18.0.53 --port 53
lw_expect "$r" has-name --comm getent --name leak.invalid --source dns --resolver 127.0.0.1:53
lw_expect "$r" no-verdict --comm getent --kind resolver
lw_expect_true "the stub's verdict does not name getent as a client" "$LW_PY" -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "report" or o["process"]["comm"] != "dnsmasq":
        continue
    for v in o["verdicts"]:
        if v["kind"] == "resolver" and any(c["comm"] == "getent" for c in v.get("clients", [])):
            sys.exit(0)
sys.exit(1)
' "$r"
lw_end

r=$LW_TMP/stub-local.jsonl
lw_run_in "$ns_c" "$r" --config "$LW_CONF" -- "$stub" stub.test
lw_begin cov-stub-answers-test-locally-quiet
lw_expect_rc 0
lw_expect_out '10\.9\.9\.9'
lw_expect "$r" valid
lw_expect "$r" has-name --comm getent --name stub.test --source dns --answer 10.9.9.9
lw_expect "$r" no-verdict --kind resolver
lw_expect "$r" no-leak
lw_end
