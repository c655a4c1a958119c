# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Deployment targets (docs/deploy.md), included from mk/static.mk:
#
#   make image          the container image (Containerfile, FROM scratch)
#                       with podman or docker (ENGINE=), no registry, no
#                       network: .output/image/ARCH/rootfs staged from
#                       ./leakwatch-static and Debian's busybox-static, then
#                       built as $(IMAGE) (default leakwatch:VERSION)
#   make test-systemd   deploy/leakwatch.service under a real systemd
#                       (systemd-nspawn, tests/deploy/test_systemd.sh), with
#                       unified and hybrid cgroups (LW_SYSTEMD_HIERARCHY=
#                       unified or hybrid: only that one)
#   make test-image     the image in podman and in a private dockerd, run the
#                       way deploy/daemonset.yaml says (tests/deploy/test_image.sh)
#
# Both tests install what they need with apt-get (DEPLOY_PKGS) and end with
# `N passed, N failed` like tests/run.sh (a SKIP fails under CI=true).

IMAGE ?= leakwatch:$(VERSION)
ENGINE ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
ENGINE_FLAGS ?=
IMAGE_ARCH ?= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
BUSYBOX ?= /bin/busybox
IMAGE_ROOT := .output/image/$(IMAGE_ARCH)/rootfs
# What the DaemonSet's probes and init container run (deploy/daemonset.yaml).
BUSYBOX_LINKS := sh test date stat mount mountpoint
DEPLOY_PKGS := debootstrap systemd-container podman runc busybox-static uidmap docker.io

.PHONY: image-root
image-root: $(STATIC_BIN)
	$(Q)test -x $(BUSYBOX) || { echo "make image: no $(BUSYBOX) (apt-get install busybox-static)"; exit 1; }
	$(Q)LC_ALL=C ldd $(BUSYBOX) 2>&1 | grep -q 'not a dynamic executable' || \
		{ echo "make image: $(BUSYBOX) is not static"; exit 1; }
	$(Q)rm -rf $(IMAGE_ROOT) && mkdir -p $(IMAGE_ROOT)/usr/sbin $(IMAGE_ROOT)/bin \
		$(IMAGE_ROOT)/usr/share/man/man8 $(IMAGE_ROOT)/etc/leakwatch $(IMAGE_ROOT)/run/leakwatch
	$(Q)install -m 0755 $(STATIC_BIN) $(IMAGE_ROOT)/usr/sbin/leakwatch
	$(Q)install -m 0755 $(BUSYBOX) $(IMAGE_ROOT)/bin/busybox
	$(Q)for l in $(BUSYBOX_LINKS); do ln -s busybox $(IMAGE_ROOT)/bin/$$l; done
	$(Q)install -m 0644 docs/leakwatch.8 $(IMAGE_ROOT)/usr/share/man/man8/leakwatch.8

.PHONY: image
image: image-root
	$(call msg,IMAGE,$(IMAGE))
	$(Q)$(ENGINE) $(ENGINE_FLAGS) build -q --build-arg TARGETARCH=$(IMAGE_ARCH) \
		--build-arg VERSION=$(VERSION) -t $(IMAGE) -f Containerfile . >/dev/null

.PHONY: deploy-deps
deploy-deps:
	$(Q)missing=; for p in $(DEPLOY_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
		missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "deploy-deps: installing$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$$missing >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$$missing >/dev/null; }; fi

# deploy_suite SCRIPT [VAR=VALUE...]: run it, show its lines, count them,
# time it.
define deploy_suite
	$(Q)start=$$(date +%s); out=$$(mktemp); \
	OUTPUT=$(OUTPUT) LW_BIN=$(abspath $(BIN)) $(2) bash $(1) >$$out 2>&1; rc=$$?; cat $$out; \
	p=$$(grep -c '^PASS: ' $$out); f=$$(grep -c '^FAIL: ' $$out); s=$$(grep -c '^SKIP: ' $$out); \
	rm -f $$out; \
	[ $$rc -ne 0 ] && [ $$f -eq 0 ] && { echo "FAIL: $(1): exited with status $$rc"; f=1; }; \
	[ $$((p + f + s)) -eq 0 ] && { echo "FAIL: $(1): ran no test"; f=1; }; \
	[ "$${CI:-}" = true ] && f=$$((f + s)); \
	sk=; [ $$s -gt 0 ] && sk=", $$s skipped"; echo "$$p passed, $$f failed$$sk ($(notdir $(1)): $$(( $$(date +%s) - start )) s)"; \
	[ $$f -eq 0 ]
endef

# Both cgroup layouts of the container: unified (most production hosts) and
# hybrid (the cgroup v2 mount at /sys/fs/cgroup/unified).
.PHONY: test-systemd
test-systemd: deps deploy-deps
	$(Q)$(MAKE) $(BIN) $(STATIC_BIN) build-tests
	$(call deploy_suite,tests/deploy/test_systemd.sh,LW_SYSTEMD_HIERARCHY=$(or $(LW_SYSTEMD_HIERARCHY),unified))
	$(if $(LW_SYSTEMD_HIERARCHY),,$(call deploy_suite,tests/deploy/test_systemd.sh,LW_SYSTEMD_HIERARCHY=hybrid))

.PHONY: test-image
test-image: deps deploy-deps
	$(Q)$(MAKE) $(BIN) $(STATIC_BIN) build-tests image-root
	$(call deploy_suite,tests/deploy/test_image.sh)
