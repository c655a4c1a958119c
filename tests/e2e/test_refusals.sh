#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Clear refusals (one line on stderr, exit status 1) when leakwatch cannot
# run, and exit status 2 for usage errors: no privileges, missing
# capabilities (named), no BTF, a --btf file that is missing or not BTF,
# no cgroup v2 that leakwatch can mount for itself. The missing pieces are
# made in a private mount namespace
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
# No cgroup v2 visible: leakwatch mounts one for itself (test_cgroup_layouts
# does so under `ip netns exec`); without CAP_SYS_ADMIN it cannot, and says
# so. With v1 hierarchies still mounted (this hybrid host) it suggests no
# mount (one over /sys/fs/cgroup would hide them all); with none at all, a
# mount on /sys/fs/cgroup.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
nosysadmin=(setpriv --inh-caps=-all --bounding-set=-sys_admin)
# On a host with no v1 hierarchy (a pure v2 host, the kernel-matrix VMs),
# hiding cgroup2 leaves none at all: then the second message is the right one.
why='no cgroup v2 hierarchy is mounted \(only v1 ones, see /proc/mounts\) and mounting one for leakwatch failed: Operation not permitted$'
awk '$3 == "cgroup" { f = 1 } END { exit !f }' /proc/mounts ||
	why='no cgroup hierarchy is mounted and mounting one for leakwatch failed: Operation not permitted \(mount it: mount -t cgroup2 cgroup2 /sys/fs/cgroup\)$'
# shellcheck disable=SC2016 # the inner sh's
refuse refuse-no-cgroup2 "^leakwatch run: $why" \
	unshare -m sh -c 'umount -l "$1" && shift && exec "$@"' sh "$cg2" \
	"${nosysadmin[@]}" "$LW_BIN" run -- true
# shellcheck disable=SC2016 # the inner sh's
refuse refuse-no-cgroup2-daemon "^leakwatch: $why" \
	unshare -m sh -c 'umount -l "$1" && shift && exec "$@"' sh "$cg2" \
	"${nosysadmin[@]}" "$LW_BIN" daemon
# shellcheck disable=SC2016 # the inner sh's
refuse refuse-no-cgroup-at-all 'no cgroup hierarchy is mounted and mounting one for leakwatch failed: Operation not permitted \(mount it: mount -t cgroup2 cgroup2 /sys/fs/cgroup\)$' \
	unshare -m sh -c 'for m in $(awk '\''$3 ~ /^cgroup2?$/ { print $2 }'\'' /proc/mounts | sort -r); do
			umount -l "$m" || exit 9; done; exec "$@"' sh \
	"${nosysadmin[@]}" "$LW_BIN" run -- true

lw_begin refuse-nothing-left-loaded
progs_after=$(lw_prog_count)
[ "$progs_after" -le "$progs_before" ] ||
	_lw_because "$progs_before leakwatch programs loaded before the refusals, $progs_after after"
lw_end

# ... and with CAP_SYS_ADMIN it mounts one for itself (after the check
# above: it loads programs)
lw_begin cgroup2-mounted-privately
# shellcheck disable=SC2016 # the inner sh's
unshare -m sh -c 'umount -l "$1" && shift && exec "$@"' sh "$cg2" \
	"$LW_BIN" run -- true >"$LW_TMP/private.out" 2>"$LW_TMP/private.err" </dev/null
rc=$?
[ "$rc" = 0 ] || _lw_because "run without a visible cgroup2: exit status $rc: $(head -c 300 "$LW_TMP/private.err")"
grep -q ' /run/leakwatch/cgroup2 ' /proc/self/mountinfo && _lw_because "the private mount leaked out"
lw_end

# ... and under chroot (a build chroot; the kernel-matrix VMs ran their
# suites so until init used switch_root): COMMAND returns to the caller's
# root and working directory, not to the mount namespace's root (setns()
# alone would put it there).
# The chroot is a tmpfs with the host's /usr, /proc, /sys, /dev and this
# tree bound in, cgroup2 hidden in its /sys, and a file only it has.
lw_begin cgroup2-mounted-privately-in-chroot
R=$LW_TMP/chroot
mkdir -p "$R"
cat >"$LW_TMP/in-chroot.sh" <<'EOF'
cd /work || exit 9
/leakwatch run -- /bin/sh -c 'test -e /only-in-the-chroot || exit 7
	[ "$(pwd)" = /work ] || exit 8'
EOF
# shellcheck disable=SC2016 # the inner sh's
unshare -m sh -c 'set -e; R=$1 cg2=$2
	mount -t tmpfs lwchroot "$R"
	mkdir -p "$R/usr" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/work"
	for l in bin lib lib64 sbin; do ln -s "usr/$l" "$R/$l"; done
	for d in usr proc sys dev; do mount --rbind "/$d" "$R/$d"; done
	umount -l "$R$cg2"
	# the tree too, at its own path: LW_BIN may be a wrapper that execs
	# the binary of the tree (the kernel matrix forces a backend so)
	mkdir -p "$R$5"
	mount --rbind "$5" "$R$5"
	cp "$3" "$R/leakwatch"
	cp "$4" "$R/in-chroot.sh"
	touch "$R/only-in-the-chroot"
	exec chroot "$R" /bin/sh /in-chroot.sh' \
	sh "$R" "$cg2" "$LW_BIN" "$LW_TMP/in-chroot.sh" "$LW_ROOT" >"$LW_TMP/chroot.out" 2>"$LW_TMP/chroot.err" \
	</dev/null
rc=$?
case $rc in
0) ;;
7) _lw_because "COMMAND ran outside the chroot" ;;
8) _lw_because "COMMAND ran in another working directory" ;;
*) _lw_because "exit status $rc: $(head -c 300 "$LW_TMP/chroot.err")" ;;
esac
grep -q ' /run/leakwatch/cgroup2 ' /proc/self/mountinfo && _lw_because "the private mount leaked out"
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
