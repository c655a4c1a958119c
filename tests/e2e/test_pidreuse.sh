#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Taint belongs to a process (tgid + start time), not to a pid or a family.
#
# Rationale: a reused pid cannot be forced by an ordinary test, but root can
# steer the allocator: pidreuse.py writes P-1 to /proc/sys/kernel/ns_last_pid
# and forks until a child gets P, the pid of getent that has just resolved
# leak.example.com (iana family: it opens a 60 s follow-on window) and
# exited. The child execs tcp-connect to 198.18.0.44:443, a global address
# ($LW_CONF) that is NOT in the reserved answer set: only an inherited taint
# could make it a follow-on. When another process on the host takes P first
# the script says so and we still check the weaker property (a new pid
# after a tainted one exited is quiet), naming the scenario accordingly.
# A second scenario: a tainted process's parent and later siblings, which
# never resolved a reserved name, stay untainted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup

r=$LW_TMP/pidreuse.jsonl
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- "$LW_PY" "$LW_E2E/pidreuse.py" \
	"$LW_HELPERS/tcp-connect" leak.example.com 198.18.0.44 443
if grep -q '^pidreuse: reused pid' "$LW_OUT"; then
	name=pidreuse-same-pid-quiet
else
	name=pidreuse-new-pid-quiet
	lw_log "pid was not reused (host busy?): checking a fresh pid instead"
fi
lw_begin "$name"
lw_expect_rc 0
lw_expect "$r" valid
lw_expect_out 'tcp 198\.18\.0\.44 port 443: connect: errno 101'
lw_expect "$r" has-name --comm getent --name leak.example.com
lw_expect "$r" no-leak
lw_end

# sh (never resolves) runs a tainted getent, then another process connects
# to a global address outside the answer set: quiet.
# shellcheck disable=SC2016 # $1 is the inner sh's
lw_run_in "$LW_NS" "$r" --config "$LW_CONF" -- sh -c \
	'getent ahosts leak.example.com >/dev/null; "$1" 198.18.0.45 993; exec "$1" 198.18.0.46 25' \
	sh "$LW_HELPERS/tcp-connect"
lw_begin pidreuse-siblings-untainted
lw_expect_rc 0
lw_expect "$r" valid
lw_expect "$r" no-leak
lw_end
