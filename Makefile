# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# leakwatch build, in the libbpf-bootstrap / libbpf-tools manner:
#   bpf/*.bpf.c --clang--> .output/bpf/*.bpf.o --bpftool gen object--> leakwatch.bpf.o
#   --bpftool gen skeleton--> leakwatch.skel.h --> userspace/*.c --> ./leakwatch
#
# libbpf comes from the system (Debian's libbpf-dev 1.1, found with pkg-config)
# rather than a submodule: the design card fixes Debian's packages as the
# dependencies, and CO-RE makes the BPF objects independent of it.
#
# Targets: all, test, demo, bench, install, clean, vmlinux, format,
# check-format, lint, fuzz, deps. `make V=1` shows the commands.
# `make SANITIZE=1 ...` builds with ASan+UBSan into .output/san.

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
			     -e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')
ifeq ($(wildcard vmlinux/$(ARCH)/vmlinux.h),)
$(error Architecture $(ARCH) has no vmlinux/$(ARCH)/vmlinux.h: run `make vmlinux` on such a machine)
endif

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL ?= install

CLANG ?= clang
CC ?= gcc
BPFTOOL ?= bpftool
CLANG_FORMAT ?= clang-format
CLANG_TIDY ?= clang-tidy
CPPCHECK ?= cppcheck

# The sanitizer build lives apart, binary included, so the two never mix.
ifeq ($(SANITIZE),1)
OUTPUT := .output/san
BIN := $(OUTPUT)/leakwatch
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
OUTPUT := .output
BIN := leakwatch
SAN_FLAGS :=
endif

# clang's own system include dirs, so <asm/types.h> resolves under -target bpf
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 \
	| sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-Ivmlinux/$(ARCH) -Iheaders -Ibpf $(CLANG_BPF_SYS_INCLUDES)

LIBBPF_CFLAGS := $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz -lpthread
# jansson (Debian's libjansson-dev): the engines' JSON state (container_meta.c)
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
USER_LIBS := $(LIBBPF_LIBS) $(JANSSON_LIBS)

CFLAGS ?= -g -O2
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wshadow -Wformat=2 -Wmissing-field-initializers -Werror=undef -D_GNU_SOURCE \
	-DLW_VERSION='"$(VERSION)"' -Iheaders -Iuserspace -I$(OUTPUT) $(LIBBPF_CFLAGS) $(JANSSON_CFLAGS) $(SAN_FLAGS)
LDFLAGS ?=
override LDFLAGS += $(SAN_FLAGS)

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(OUTPUT)/%,%,$(2))";
MAKEFLAGS += --no-print-directory
endif

BPF_SRCS := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/*.bpf.h) $(wildcard headers/*.h)

# Everything in userspace/ but main.c is a library the tests link too.
USER_SRCS := $(sort $(filter-out userspace/main.c,$(wildcard userspace/*.c)))
USER_OBJS := $(patsubst userspace/%.c,$(OUTPUT)/%.o,$(USER_SRCS))
USER_HDRS := $(wildcard userspace/*.h) $(wildcard headers/*.h)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(sort $(wildcard tests/unit/test_*.c)))
BPF_TESTS := $(patsubst tests/bpf/%.c,$(OUTPUT)/tests/%,$(sort $(wildcard tests/bpf/test_*.c)))
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(OUTPUT)/tests/%,$(sort $(wildcard tests/helpers/*.c)))
FUZZERS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SECONDS ?= 60

.PHONY: all
all: $(BIN)

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/tests $(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

# --- BPF -------------------------------------------------------------------
$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# One object from all of bpf/*.bpf.c, so one skeleton owns every map.
$(OUTPUT)/leakwatch.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/leakwatch.skel.h: $(OUTPUT)/leakwatch.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name leakwatch_bpf > $@

# --- userspace --------------------------------------------------------------
$(OUTPUT)/%.o: userspace/%.c $(USER_HDRS) $(OUTPUT)/leakwatch.skel.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(OUTPUT)/main.o $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(USER_LIBS) -o $@

# --- tests -------------------------------------------------------------------
# (tests/unit/*.h: harnesses the unit tests share, e.g. engine_harness.h)
$(OUTPUT)/tests/%: tests/unit/%.c tests/test.h $(wildcard tests/unit/*.h) $(USER_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CFLAGS) -Itests $(LDFLAGS) $< $(USER_OBJS) $(USER_LIBS) -o $@

# BPF_PROG_TEST_RUN tests: tests/bpf/X.bpf.c linked with the real global
# functions (the DNS and libc walkers, the payload scanner) into its own
# skeleton, driven by tests/bpf/test_X.c.
$(OUTPUT)/tests/%.bpf.o: tests/bpf/%.bpf.c $(BPF_HDRS) vmlinux/$(ARCH)/vmlinux.h | $(OUTPUT)/tests
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/tests/%.linked.bpf.o: $(OUTPUT)/tests/%.bpf.o $(OUTPUT)/bpf/dns.bpf.o $(OUTPUT)/bpf/globals.bpf.o \
		$(OUTPUT)/bpf/libc.bpf.o $(OUTPUT)/bpf/license.bpf.o $(OUTPUT)/bpf/payload.bpf.o
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/tests/%.skel.h: $(OUTPUT)/tests/%.linked.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst _test,,$*)_bpf > $@

$(OUTPUT)/tests/test_%: tests/bpf/test_%.c tests/test.h $(OUTPUT)/tests/%_test.skel.h \
		$(USER_OBJS) | $(OUTPUT)/tests
	$(call msg,TEST,$@)
	$(Q)$(CC) $(CFLAGS) -Itests -I$(OUTPUT)/tests $(LDFLAGS) $< $(USER_OBJS) \
		$(USER_LIBS) -o $@

# Helper programs the end-to-end tests drive (clients, servers).
$(OUTPUT)/tests/%: tests/helpers/%.c | $(OUTPUT)/tests
	$(call msg,HELPER,$@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror $(LDFLAGS) $< -o $@

# A statically linked musl client: it bypasses glibc's resolver entirely.
$(OUTPUT)/tests/musl-resolve: tests/helpers/musl/musl-resolve.c | $(OUTPUT)/tests
	$(call msg,MUSL,$@)
	$(Q)musl-gcc -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: build-tests
build-tests: $(BIN) $(UNIT_TESTS) $(BPF_TESTS) $(TEST_HELPERS) $(OUTPUT)/tests/musl-resolve

# Install what a fresh Debian 12 machine lacks (apt-get, root), then build.
.PHONY: deps
deps:
	$(Q)./tests/install-deps.sh

# `make test`: unit, BPF (BPF_PROG_TEST_RUN) and end-to-end tests; the last
# line is "N passed, N failed[, N skipped]". Needs root for the BPF and
# end-to-end parts; without it they are counted as skipped (failed under CI).
.PHONY: test
test: deps
	$(Q)$(MAKE) build-tests
	$(Q)OUTPUT=$(OUTPUT) LW_BIN=$(abspath $(BIN)) ./tests/run.sh $(TESTS)

.PHONY: test-unit
test-unit: $(UNIT_TESTS)
	$(Q)OUTPUT=$(OUTPUT) LW_BIN=$(abspath $(BIN)) ./tests/run.sh unit

# valgrind over the userspace logic: every unit test and the offline
# commands. (The BPF-driving paths run under ASan instead: valgrind does not
# model bpf(2), so it flags libbpf's attr unions and cannot see what the
# kernel writes into lookups.)
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect
.PHONY: valgrind
valgrind: $(UNIT_TESTS) $(BIN)
	$(Q)set -e; for t in $(UNIT_TESTS); do \
		echo "  VALGRIND $$(basename $$t)"; $(VALGRIND) $$t >/dev/null || exit 1; done
	$(Q)echo "  VALGRIND leakwatch classify, policy"; \
	$(VALGRIND) ./$(BIN) classify example.com 192.0.0.9 2002:c000:204::1 '' >/dev/null || \
		test $$? = 1; \
	$(VALGRIND) ./$(BIN) policy --config tests/fuzz/corpus/config/$$(ls tests/fuzz/corpus/config | head -1) \
		>/dev/null 2>&1 || test $$? = 2

# --- fuzzing (libFuzzer, clang) ------------------------------------------------
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -Iheaders -Iuserspace
# The parsers and what they need; nothing that touches the kernel.
FUZZ_LIB_SRCS := userspace/addr.c userspace/config.c userspace/dns.c userspace/dns_name.c \
	userspace/json.c userspace/policy.c userspace/policy_tables.c userspace/text.c
$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_SRCS) $(USER_HDRS) | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -Itests/fuzz $< $(FUZZ_LIB_SRCS) -o $@

.PHONY: fuzz
fuzz: $(FUZZERS)
	$(Q)set -e; for f in $(FUZZERS); do \
		name=$$(basename $$f); corpus=tests/fuzz/corpus/$${name#fuzz_}; \
		work=$$(mktemp -d); cp -r $$corpus/. $$work/; \
		echo "  FUZZ     $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 $$work 2>$(OUTPUT)/fuzz/$$name.log \
			|| { tail -50 $(OUTPUT)/fuzz/$$name.log; rm -rf $$work; exit 1; }; \
		grep -E 'stat::number_of_executed_units' $(OUTPUT)/fuzz/$$name.log || true; \
		rm -rf $$work; \
	done

# --- the main job: the example.com incident, reproduced in a sandbox --------
.PHONY: demo
demo: deps
	$(Q)$(MAKE) leakwatch
	$(Q)OUTPUT=$(OUTPUT) ./tests/e2e/demo.sh

.PHONY: bench
bench: deps
	$(Q)$(MAKE) leakwatch
	$(Q)if [ -x bench/run.sh ]; then OUTPUT=$(OUTPUT) ./bench/run.sh; \
	else echo "bench/ is not written yet (issue: Benchmarks)"; exit 1; fi

# --- housekeeping -------------------------------------------------------------
.PHONY: install
install: leakwatch install-man
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/sbin
	$(INSTALL) -m 0755 leakwatch $(DESTDIR)$(PREFIX)/sbin/leakwatch

.PHONY: clean
clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf .output leakwatch

# Regenerate the committed vmlinux.h from the running kernel's BTF.
.PHONY: vmlinux
vmlinux:
	$(Q)mkdir -p vmlinux/$(ARCH)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(ARCH)/vmlinux.h

FORMAT_SRCS = $(wildcard bpf/*.c bpf/*.h headers/*.h userspace/*.c userspace/*.h \
	tests/*.h tests/unit/*.c tests/unit/*.h tests/bpf/*.c tests/bpf/*.h tests/fuzz/*.c tests/helpers/*.c \
	tests/helpers/*/*.c)

.PHONY: format
format:
	$(Q)$(CLANG_FORMAT) -i $(FORMAT_SRCS)

.PHONY: check-format
check-format:
	$(Q)$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRCS)

# clang-tidy and cppcheck on the userspace half; clang's analyzer on the BPF.
# sensor.c is left to cppcheck: the analyzer follows it into bpftool's
# generated skeleton and reports a leak in libbpf's ownership hand-off.
TIDY_SRCS := $(filter-out userspace/sensor.c,$(USER_SRCS)) userspace/main.c
.PHONY: lint
lint: $(OUTPUT)/leakwatch.skel.h
	$(Q)$(CLANG_TIDY) --quiet $(TIDY_SRCS) -- $(CFLAGS) 2>&1 \
		| grep -v 'warnings generated' ; test $${PIPESTATUS[0]} -eq 0
	$(Q)$(CPPCHECK) --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --suppress=missingIncludeSystem --suppress=unknownMacro -D__x86_64__ -D_GNU_SOURCE \
		-Iheaders -Iuserspace -I$(OUTPUT) userspace
	$(Q)for f in $(BPF_SRCS); do $(CLANG) --analyze $(BPF_CFLAGS) -Xanalyzer \
		-analyzer-output=text $$f -o /dev/null || exit 1; done

.DELETE_ON_ERROR:
.SECONDARY:
SHELL := /bin/bash
-include bench/bench.mk
-include mk/static.mk
-include mk/kernels.mk

# tests/e2e/test_engines.sh: the static client its FROM-scratch container
# images are built around (musl's own resolver, /etc/resolv.conf only).
$(OUTPUT)/tests/leak: tests/helpers/musl/leak.c | $(OUTPUT)/tests
	$(call msg,MUSL,$@)
	$(Q)musl-gcc -static -O2 -Wall -Wextra -Werror $< -o $@

build-tests: $(OUTPUT)/tests/leak
