# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Included at the end of the Makefile (`-include mk/static.mk`): it uses the
# Makefile's OUTPUT, USER_OBJS, CC, CFLAGS, LDFLAGS, INSTALL, PREFIX, DESTDIR.
#
#   make static        ./leakwatch-static: linked statically against glibc,
#                      libbpf.a, libelf.a, libz.a and libjansson.a (Debian's
#                      libbpf-dev, libelf-dev, zlib1g-dev, libjansson-dev ship
#                      them), so it needs nothing at run time but the kernel:
#                      for the container image
#                      (deploy/, Containerfile) and for copying to hosts.
#   make check-static  prove it: `ldd` says "not a dynamic executable", and
#                      the binary runs (version, classify).
#   make install-man   docs/leakwatch.8 -> $(DESTDIR)$(PREFIX)/share/man/man8
#
# leakwatch calls no NSS function (getpwnam, getaddrinfo, ...), so glibc's
# static link gives no "requires at runtime the shared libraries" warning;
# the link is checked for that warning and fails if one ever appears.

STATIC_BIN := leakwatch-static
# libbpf's own pkg-config answer for static linking, plus libelf's deps
# (Debian's libelf.a needs only libz) and jansson (libjansson-dev's .a).
STATIC_LIBS := $(shell pkg-config --static --libs libbpf libelf jansson 2>/dev/null || \
	echo -lbpf -lelf -lz -ljansson)

.PHONY: static
static: $(STATIC_BIN)

ifeq ($(SANITIZE),1)
$(STATIC_BIN):
	@echo "make static: not with SANITIZE=1 (the sanitizer runtimes do not link statically)"; exit 1
else
$(STATIC_BIN): $(OUTPUT)/main.o $(USER_OBJS)
	$(call msg,STATIC,$@)
	$(Q)$(CC) -static $(LDFLAGS) $^ $(STATIC_LIBS) -o $@.tmp 2>$@.log; \
		rc=$$?; cat $@.log >&2; \
		if [ $$rc -ne 0 ]; then rm -f $@.tmp $@.log; exit $$rc; fi; \
		if grep -q 'requires at runtime the shared libraries' $@.log; then \
			echo "make static: glibc NSS/dlopen use crept in (see above)" >&2; \
			rm -f $@.tmp $@.log; exit 1; fi; \
		rm -f $@.log; mv $@.tmp $@
endif

.PHONY: check-static
check-static: $(STATIC_BIN)
	$(Q)out=$$(LC_ALL=C ldd ./$(STATIC_BIN) 2>&1); \
		case "$$out" in *"not a dynamic executable"*) ;; \
		*) echo "check-static: $(STATIC_BIN) is dynamic: $$out"; exit 1 ;; esac
	$(Q)./$(STATIC_BIN) version >/dev/null
	$(Q)./$(STATIC_BIN) classify autodiscover.example.com | grep -q '"reserved":true'
	@echo "check-static: $(STATIC_BIN) is static and runs"

.PHONY: install-static
install-static: $(STATIC_BIN)
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/sbin
	$(INSTALL) -m 0755 $(STATIC_BIN) $(DESTDIR)$(PREFIX)/sbin/leakwatch

.PHONY: install-man
install-man:
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/share/man/man8
	$(INSTALL) -m 0644 docs/leakwatch.8 $(DESTDIR)$(PREFIX)/share/man/man8/leakwatch.8

.PHONY: clean-static
clean-static:
	$(Q)rm -f $(STATIC_BIN) $(STATIC_BIN).tmp $(STATIC_BIN).log

# The image and the deployment tests (make image, test-systemd, test-image).
-include mk/deploy.mk
