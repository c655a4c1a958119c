#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Installs, with apt-get, whatever a fresh Debian 12 machine lacks to build
# leakwatch and run its tests and demo. Installs nothing when all is there,
# so it is safe to run before every `make test`.
set -eu
pkgs=(
	# build
	make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libjansson-dev pkg-config
	# fuzzing and lint
	libclang-rt-14-dev clang-format clang-tidy cppcheck
	# tests: a real DNS server, real clients, namespaces
	dnsmasq-base bind9-dnsutils musl-tools iproute2 curl python3 strace procps
	valgrind
	# tests/e2e/test_deploy.sh: manifest lint and checks
	yamllint python3-yaml
	# tests/e2e/test_engines.sh: real container engines (a private dockerd
	# with its containerd, podman with runc, docker-compose 1.29 on
	# python3-docker) and busybox for the FROM-scratch images; unshare and
	# nsenter come with util-linux
	docker.io containerd runc podman conmon docker-compose python3-docker
	busybox-static util-linux
	# (busybox-static also for test_deploy.sh: the image root, make image-root)
	# tests/e2e/test_ci_output.sh: JUnit XML checked against a schema
	libxml2-utils
	# tests/e2e/test_payload.sh: a real SMTP client, a certificate for the TLS stand-ins
	swaks openssl
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo make ...) or install them yourself" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The tests start private engines of their own: installing docker.io and
# containerd must not start the system's (with a bridge and NAT rules) as a
# side effect. policy-rc.d says no to every service start for the install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\n# install-deps.sh: no service starts during the install\nexit 101\n' \
		>/usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
