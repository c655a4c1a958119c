#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# mkinitrd.sh KDIR OUT: a small initramfs for the kernel unpacked in KDIR
# (fetch.sh): busybox-static, tests/kernels/init, and the modules (from the
# same package, decompressed, in dependency order) it needs to mount the
# host's root over virtio-9p and an overlay on top of it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kdir=$1 out=$2
release=$(cat "$kdir/release")
mods=$kdir/root/lib/modules/$release
busybox=$(command -v busybox) || { echo "mkinitrd.sh: needs busybox-static" >&2; exit 2; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	{ echo "mkinitrd.sh: $busybox is not static (apt-get install busybox-static)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,lib/modules,lower,upper,newroot}
cp "$busybox" "$work/bin/busybox"
cp "$here/init" "$work/init"
chmod +x "$work/init"

# A module's file, by name (- and _ are the same to the kernel).
modfile() {
	local n=${1//-/[-_]}
	n=${n//_/[-_]}
	find "$mods/kernel" -regextype posix-extended -regex ".*/${n}\.ko(\.xz|\.zst|\.gz)?" | head -1
}
declare -A seen=()
order=()
add() {
	local f deps d
	[ -n "${seen[$1]:-}" ] && return 0
	seen[$1]=1
	# built in: nothing to load
	grep -qE "/${1//[-_]/[-_]}\.ko$" "$mods/modules.builtin" 2>/dev/null && return 0
	f=$(modfile "$1")
	[ -n "$f" ] || { echo "mkinitrd.sh: module $1 not found in $release" >&2; return 0; }
	case "$f" in
	*.xz) xz -dc "$f" >"$work/lib/modules/$1.ko" ;;
	*.zst) zstd -qdc "$f" >"$work/lib/modules/$1.ko" ;;
	*.gz) gzip -dc "$f" >"$work/lib/modules/$1.ko" ;;
	*) cp "$f" "$work/lib/modules/$1.ko" ;;
	esac
	deps=$(tr '\0' '\n' <"$work/lib/modules/$1.ko" | sed -n 's/^depends=//p' | head -1)
	for d in ${deps//,/ }; do add "$d"; done
	order+=("$1")
}
for m in virtio_pci 9pnet_virtio 9p overlay veth; do add "$m"; done
printf '%s\n' "${order[@]}" >"$work/modules.list"
cp "$here/vm.env" "$work/vm.env" 2>/dev/null || : >"$work/vm.env"
[ -n "${LW_VM_ENV:-}" ] && cp "$LW_VM_ENV" "$work/vm.env"
(cd "$work" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
