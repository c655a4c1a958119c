#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# answer and resolver verdicts (README's verdicts), and dig.
#
# dig sends its own queries (no getaddrinfo, no libc uprobe) and never
# connects to what it got, so a dig run cannot produce direct or follow-on
# verdicts: what it can show is that the DNS capture on the wire works for a
# non-libc client. So for dig we assert the names[] entry (source dns, the
# answer) and the answer verdict its answer deserves, and, with a second
# namespace acting as a "global" resolver across a veth in 198.18.0.0/24,
# the resolver verdict for a query of a name that must stay off public DNS.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_setup

# foo.localhost answered with a global address: loopback family -> medium.
r=$LW_TMP/answer-localhost.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- getent ahosts foo.localhost
lw_begin answer-localhost-global
lw_expect_rc 3
lw_expect "$r" valid
lw_expect "$r" has-verdict --comm getent --kind answer --severity medium --name foo.localhost \
	--address 198.18.0.10
lw_expect "$r" has-name --comm getent --name foo.localhost --family loopback --answer 198.18.0.10
lw_expect "$r" no-verdict --comm getent --kind direct
lw_end

# .invalid answered at all: nxdomain family -> medium.
r=$LW_TMP/answer-invalid.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- getent ahosts leak.invalid
lw_begin answer-invalid
lw_expect_rc 3
lw_expect "$r" has-verdict --comm getent --kind answer --severity medium --name leak.invalid
lw_end

# .test answered with a global address: local family -> low, below the
# default --fail-on medium: exit status is getent's own (0).
r=$LW_TMP/answer-test.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- getent ahosts leak.test
lw_begin answer-test-global-low
lw_expect_rc 0
lw_expect "$r" has-verdict --comm getent --kind answer --severity low --name leak.test \
	--address 198.18.0.8
lw_end

# dig against the namespace's resolver (127.0.0.1: not global, so no
# resolver verdict): names[] from the wire, and the answer verdict.
r=$LW_TMP/dig-local.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +time=1 +tries=1 @127.0.0.1 foo.localhost A
lw_begin dig-names-and-answer
lw_expect_rc 3
lw_expect "$r" valid
lw_expect_out '198\.18\.0\.10'
# dig's sending thread is named isc-net-0000: match any process
lw_expect "$r" has-name --name foo.localhost --source dns --qtype A --answer 198.18.0.10 \
	--resolver 127.0.0.1:53
lw_expect "$r" has-verdict --kind answer --severity medium --name foo.localhost
lw_expect "$r" no-verdict --kind resolver
lw_end

# A "global" resolver: namespace B holds 198.18.0.53 (global by $LW_CONF)
# with its own dnsmasq, linked to $LW_NS by a veth in 198.18.0.0/24.
lw_next_name
ns_b=$LW_NAME
if ! lw_netns_create "$ns_b" || ! lw_veth "$LW_NS" 198.18.0.1 "$ns_b" 198.18.0.53 ||
	! lw_dnsmasq_start "$ns_b" --listen-address=198.18.0.53 "${LW_STD_DNS[@]}"; then
	lw_fail resolver-setup "could not build the resolver namespace"
	exit 1
fi

r=$LW_TMP/resolver-invalid.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +time=1 +tries=1 @198.18.0.53 leak.invalid A
lw_begin resolver-invalid-to-global
lw_expect_rc 3
lw_expect "$r" valid
lw_expect_out '198\.18\.0\.12'
lw_expect "$r" has-verdict --kind resolver --severity medium --name leak.invalid \
	--address 198.18.0.53 --port 53
lw_expect "$r" has-name --name leak.invalid --source dns --resolver 198.18.0.53:53
lw_end

# example.com is a real delegated domain: asking a global resolver for it is
# not a resolver leak.
r=$LW_TMP/resolver-example.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- dig +time=1 +tries=1 @198.18.0.53 \
	autodiscover.example.com A
lw_begin resolver-example-com-is-fine
lw_expect "$r" valid
lw_expect_out '127\.0\.0\.1'
lw_expect "$r" has-name --name autodiscover.example.com --source dns
lw_expect "$r" no-verdict --kind resolver
lw_end
