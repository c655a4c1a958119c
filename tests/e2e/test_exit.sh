#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# leakwatch run's exit status (README "Usage"): the command's own, 3 on a
# verdict at or above --fail-on (default medium), --leak-exit-code N instead
# of 3, --fail-on none never fails; and the report is still written.
# shellcheck disable=SC2016 # the sh -c scripts expand their own $0
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
lw_require_helpers tcp-connect
lw_setup
r=$LW_TMP/exit.jsonl

status()	# NAME EXPECTED [LEAKWATCH-OPTION...] -- CMD...
{
	local name=$1 want=$2
	shift 2
	lw_run_in "$LW_NS" "$r" --config "$LW_CONF" "$@"
	lw_begin "$name"
	lw_expect_rc "$want"
	lw_expect "$r" valid
}

status exit-true 0 -- true
lw_expect "$r" no-leak
lw_end

status exit-own-status-7 7 -- sh -c 'exit 7'
lw_expect "$r" no-leak
lw_end

status exit-leak-3 3 -- "$LW_HELPERS/tcp-connect" leak.example.net 80
lw_expect "$r" has-verdict --comm tcp-connect --kind direct
lw_end

# the leak's 3 wins over the command's own failure
status exit-leak-over-own-status 3 -- sh -c '"$0" leak.example.net 80; exit 5' \
	"$LW_HELPERS/tcp-connect"
lw_end

status exit-leak-exit-code-9 9 --leak-exit-code 9 -- "$LW_HELPERS/tcp-connect" leak.example.net 80
lw_expect "$r" has-verdict --comm tcp-connect --kind direct
lw_end

status exit-fail-on-none 0 --fail-on none -- "$LW_HELPERS/tcp-connect" leak.example.net 80
lw_expect "$r" has-verdict --comm tcp-connect --kind direct --severity high
lw_end

status exit-fail-on-none-own-status 4 --fail-on none -- sh -c '"$0" leak.example.net 80; exit 4' \
	"$LW_HELPERS/tcp-connect"
lw_end

# a medium answer verdict is below --fail-on high
status exit-fail-on-high-medium 0 --fail-on high -- getent ahosts foo.localhost
lw_expect "$r" has-verdict --comm getent --kind answer --severity medium
lw_end

# a low verdict fails with --fail-on low
status exit-fail-on-low 3 --fail-on low -- getent ahosts leak.test
lw_expect "$r" has-verdict --comm getent --kind answer --severity low
lw_end

lw_begin exit-usage-2
"$LW_BIN" run --fail-on nonsense -- true >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || _lw_because "--fail-on nonsense: exit status $rc, expected 2"
"$LW_BIN" run >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] || _lw_because "run without a command: exit status $rc, expected 2"
lw_end

# The command runs in a fresh cgroup of its own, removed when run ends
# (after leakwatch dropped its privileges: the cgroup root may be 0555).
cgline=$("$LW_BIN" run -- cat /proc/self/cgroup 2>/dev/null | grep '^0::')
cg=${cgline#0::}
root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
lw_begin exit-cgroup-fresh-and-removed
case "$cg" in
/leakwatch-run-*) ;;
*) _lw_because "command ran in cgroup '$cg', not a fresh leakwatch-run-* one" ;;
esac
[ -n "$cg" ] && [ ! -e "$root$cg" ] || _lw_because "$root$cg still exists"
lw_end
