#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Clear refusals (one line on stderr, exit status 1) when leakwatch cannot
# run, and exit status 2 for usage errors: no privileges, missing
# capabilities (named), no BTF, a --btf file that is missing or not BTF,
# The missing pieces are made in a private mount namespace
# (unshare -m) or with setpriv: the host is never changed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
lw_require_root
_lw_init

# refuse NAME EXPECTED-REGEX CMD...: exit status 1, one line, matching.
refuse()
{
	local name=$1 re=$2 rc lines
	shift 2
	"$@" >"$LW_TMP/$name.out" 2>"$LW_TMP/$name.err" </dev/null
	rc=$?
	lines=$(grep -c . "$LW_TMP/$name.err")
	lw_begin "$name"
	[ "$rc" = 1 ] || _lw_because "exit status $rc, expected 1"
	[ "$lines" = 1 ] || _lw_because "$lines lines on stderr, expected 1: $(head -c 300 "$LW_TMP/$name.err")"
	grep -Eq -- "$re" "$LW_TMP/$name.err" || _lw_because "stderr lacks /$re/: $(head -c 300 "$LW_TMP/$name.err")"
	lw_end
}

# Nothing may stay loaded after a refusal. Tests run one after another, so
# programs can only disappear meanwhile (an earlier run's background
# detach finishing), never appear, unless a refusal left them.
lw_prog_count() { bpftool prog show 2>/dev/null | grep -c ' name lw_' || true; }
progs_before=$(lw_prog_count)

refuse refuse-not-root 'missing capabilities: CAP_BPF CAP_PERFMON CAP_NET_ADMIN CAP_DAC_OVERRIDE \(run it as root\)$' \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$LW_BIN" daemon
# run says the same, before it tries to make its cgroup (EACCES otherwise)
refuse refuse-not-root-run 'leakwatch run: missing capabilities: CAP_BPF CAP_PERFMON CAP_NET_ADMIN CAP_DAC_OVERRIDE \(run it as root\)$' \
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$LW_BIN" run -- true
refuse refuse-no-cap-bpf 'missing capabilities: CAP_BPF \(run it as root\)$' \
	setpriv --inh-caps=-all --bounding-set=-bpf,-sys_admin "$LW_BIN" run -- true
refuse refuse-no-cap-net-admin 'missing capabilities: CAP_NET_ADMIN \(run it as root\)$' \
	setpriv --inh-caps=-all --bounding-set=-net_admin "$LW_BIN" daemon
refuse refuse-no-btf 'kernel has no BTF' \
	unshare -m sh -c 'mount --bind /dev/null /sys/kernel/btf/vmlinux && exec "$0" run -- true' \
	"$LW_BIN"
refuse refuse-btf-missing '^leakwatch run: --btf /nonexistent/vmlinux: No such file or directory$' \
	"$LW_BIN" run --btf /nonexistent/vmlinux -- true
echo 'not BTF' >"$LW_TMP/not.btf"
refuse refuse-btf-not-btf "^leakwatch run: --btf $LW_TMP/not.btf: not a BTF file\$" \
	"$LW_BIN" run --btf "$LW_TMP/not.btf" -- true

lw_begin refuse-nothing-left-loaded
progs_after=$(lw_prog_count)
[ "$progs_after" -le "$progs_before" ] ||
	_lw_because "$progs_before leakwatch programs loaded before the refusals, $progs_after after"
lw_end

# No cgroup v2 mount visible is no refusal any more: leakwatch mounts one
# of its own, privately (test_cgroup_layouts: under `ip netns exec`).
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
lw_begin no-cgroup2-visible-mounts-its-own
timeout 60 unshare -m sh -c 'umount -l "$1" && exec "$0" run -- true' "$LW_BIN" "$cg2" \
	>"$LW_TMP/nocg.out" 2>"$LW_TMP/nocg.err" </dev/null
rc=$?
[ "$rc" = 0 ] || _lw_because "exit status $rc: $(head -c 300 "$LW_TMP/nocg.err")"
grep -q 'no cgroup v2 hierarchy' "$LW_TMP/nocg.err" && _lw_because "refused"
lw_end

# --btf with the kernel's own BTF, given explicitly: it runs, and says
# which DNS capture it chose before COMMAND starts.
lw_begin btf-explicit-file
"$LW_BIN" run --btf /sys/kernel/btf/vmlinux -- true >/dev/null 2>"$LW_TMP/btf.err" </dev/null
rc=$?
[ "$rc" = 0 ] || _lw_because "exit status $rc: $(head -c 300 "$LW_TMP/btf.err")"
grep -Eq '^leakwatch run: DNS capture: (skb|fentry)' "$LW_TMP/btf.err" ||
	_lw_because "no DNS capture line: $(head -c 300 "$LW_TMP/btf.err")"
lw_end

# Usage errors: exit status 2.
lw_begin usage-errors-exit-2
for args in "bogus" "run" "run --fail-on extreme -- true" "run --leak-exit-code 300 -- true" \
	"daemon --rotate-size 12Q" "daemon --ringbuf-size 3000" "classify" "policy --config"; do
	# shellcheck disable=SC2086 # word splitting wanted
	"$LW_BIN" $args >/dev/null 2>&1 </dev/null
	rc=$?
	[ "$rc" = 2 ] || _lw_because "'leakwatch $args' exited $rc, expected 2"
done
lw_end
