#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# fetch.sh NAME: download and unpack the kernel NAME of kernels.conf into
# $LW_KCACHE/NAME/ (vmlinuz, modules, config); print that directory.
# The newest matching linux-image package of the configured apt sources is
# taken; a kernel already unpacked is reused (delete the directory to refresh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LW_KCACHE:-/var/cache/leakwatch-kernels}
name=$1
re=$(awk -v n="$name" '$1 == n { print $2 }' "$here/kernels.conf")
[ -n "$re" ] && [ "$re" != - ] || { echo "fetch.sh: no package for kernel '$name'" >&2; exit 2; }
dir=$cache/$name
if [ -f "$dir/vmlinuz" ] && [ -f "$dir/release" ]; then
	echo "$dir"
	exit 0
fi
pkg=$(apt-cache pkgnames linux-image- | grep -E "$re" | sort -V | tail -1)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	# A fresh machine may have no package lists yet.
	apt-get update -qq >&2
	pkg=$(apt-cache pkgnames linux-image- | grep -E "$re" | sort -V | tail -1)
fi
if [ -z "$pkg" ]; then
	echo "fetch.sh: apt offers no package matching $re (apt-get update?)" >&2
	exit 2
fi
mkdir -p "$cache/deb"
rm -rf "$dir.new"
mkdir -p "$dir.new/root"
echo "fetch.sh: $name: apt-get download $pkg" >&2
(cd "$cache/deb" && apt-get -q download "$pkg" >&2)
deb=$(ls -t "$cache/deb/${pkg}_"*.deb | head -1)
dpkg-deb -x "$deb" "$dir.new/root"
release=$(ls "$dir.new/root/lib/modules" | head -1)
cp "$dir.new/root/boot/vmlinuz-$release" "$dir.new/vmlinuz"
cp "$dir.new/root/boot/config-$release" "$dir.new/config"
echo "$release" >"$dir.new/release"
echo "$pkg $(dpkg-deb -f "$deb" Version)" >"$dir.new/package"
rm -rf "$dir"
mv "$dir.new" "$dir"
echo "$dir"
