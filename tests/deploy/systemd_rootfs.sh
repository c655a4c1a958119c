#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The Debian 12 root file system tests/e2e/test_systemd.sh boots under
# systemd-nspawn: debootstrap --variant=minbase with systemd as PID 1, from
# the Debian mirror apt already uses (/etc/apt/sources.list*). Built once
# and cached (never in the repository); each test run boots a fresh
# overlay of it, so nothing a run does reaches the cache.
#
#   systemd_rootfs.sh          print the cached rootfs's path, building it
#                              first when missing (60-100 s, about 260 MB)
#
# LW_ROOTFS_CACHE (default /var/cache/leakwatch-systemd-rootfs) holds one
# directory per package list (its hash), so a changed list builds afresh.
set -euo pipefail

CACHE=${LW_ROOTFS_CACHE:-/var/cache/leakwatch-systemd-rootfs}
SUITE=bookworm
# PID 1 and its bus; python3-minimal for the test's clients (the C
# library's resolver, like any program); the rest of what the test runs
# (util-linux's runuser, libc-bin's getent) is in minbase already.
PKGS=systemd,systemd-sysv,dbus,python3-minimal

# The first deb.debian.org-style mirror of the Debian archive apt uses
# (one-line or deb822 sources), else Debian's own.
mirror()
{
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's/^deb \(\[[^]]*\] \)\{0,1\}\(https\{0,1\}:[^ ]*\) bookworm .*/\2/p' \
			-e 's/^URIs: *\(https\{0,1\}:.*\)/\1/p' |
		grep -v -e security -e nodesource -e cloud.google | head -1)
	echo "${m:-http://deb.debian.org/debian}"
}

key=$(echo "$SUITE $PKGS" | sha256sum | cut -c1-12)
dir=$CACHE/$key
if [ -x "$dir/rootfs/lib/systemd/systemd" ]; then
	echo "$dir/rootfs"
	exit 0
fi
command -v debootstrap >/dev/null || {
	echo "systemd_rootfs: debootstrap is not installed" >&2
	exit 1
}
mkdir -p "$CACHE"
# Two runs at once: one builds, the other waits for it.
exec 9>"$CACHE/.lock"
flock 9
if [ ! -x "$dir/rootfs/lib/systemd/systemd" ]; then
	tmp=$CACHE/.build.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	url=$(mirror)
	echo "systemd_rootfs: debootstrap $SUITE from $url into $dir (once)" >&2
	if ! debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$tmp/rootfs" "$url" \
		>"$tmp/debootstrap.log" 2>&1; then
		tail -5 "$tmp/debootstrap.log" >&2
		rm -rf "$tmp"
		exit 1
	fi
	# No machine id: systemd makes a fresh one in each booted overlay.
	: >"$tmp/rootfs/etc/machine-id"
	rm -rf "$dir"
	mv "$tmp" "$dir"
fi
echo "$dir/rootfs"
