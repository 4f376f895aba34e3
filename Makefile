# hark — a terminal inbox for SMS, email, WhatsApp and calls.
# Plain make + pkg-config. `make run` opens the demo inbox; `make check` runs every test.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
DESTDIR  ?=

CC       ?= cc
PKG_CONFIG ?= pkg-config
# Libraries and why: see README.md ("Dependencies").
PKGS     := ncursesw libcurl sqlite3 libcjson libuv libnotify libcrypto inih libmicrohttpd \
            gmime-3.0
TEST_PKGS := cmocka

BUILD    ?= build
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wpointer-arith -Wcast-align -Wundef \
            -Wno-unused-parameter -Wvla
ifneq ($(WERROR),0)
WARN     += -Werror
endif
OPT      ?= -O2 -g
CPPFLAGS += -Iinclude -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
            -DHARK_DATADIR='"$(DATADIR)/hark"' -DHARK_VERSION='"$(VERSION)"'
CFLAGS   += -std=c11 $(OPT) $(WARN) $(SAN)
LDFLAGS  += $(SAN)
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

PKG_CFLAGS = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null))
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

.PHONY: FORCE all run check check-unit check-integration check-asan check-layers \
        bench install uninstall clean deps demo-text fuzz

all: deps $(BUILD)/hark

# Installs missing Debian packages when pkg-config cannot find a library.
deps:
	@$(PKG_CONFIG) --exists $(PKGS) $(TEST_PKGS) 2>/dev/null || contrib/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# The version is compiled into cli.o: rebuild it when `git describe` changes.
$(BUILD)/.version: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
$(BUILD)/src/cli/cli.o: $(BUILD)/.version
FORCE:

$(BUILD)/libhark.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/hark: $(BUILD)/src/main.o $(BUILD)/libhark.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm
	@ln -sf $(BUILD)/hark hark 2>/dev/null || true

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhark.a $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests/unit -Isrc/tui $(PKG_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -o $@ $< \
	    $(BUILD)/libhark.a $(LDFLAGS) $(PKG_LIBS) $(TEST_LIBS) -lm

$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libhark.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhark.a \
	    $(LDFLAGS) $(PKG_LIBS) -lm

# ---- fuzzing -------------------------------------------------------------------
# `make fuzz FUZZ_SECONDS=60` runs each tests/fuzz/fuzz_*.c target that long
# (libFuzzer, with ASan + UBSan), starting from tests/fuzz/corpus/<name>/;
# what it finds goes to $(FUZZ_BUILD)/corpus/<name>/ and crash inputs to
# $(FUZZ_BUILD)/crash/. Needs clang and its libFuzzer runtime (Debian:
# clang and libclang-rt-14-dev). A target links only the sources it tests,
# built again with clang and instrumented for coverage: src/core plus the
# files named in FUZZ_DEPS_<name>.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -O1 -g -fno-omit-frame-pointer $(WARN) $(FUZZ_SAN)
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/bin/%)
FUZZ_CORE    := $(sort $(wildcard src/core/*.c))
FUZZ_DEPS_fuzz_webhook := src/relay/form.c src/relay/sig.c src/relay/webhook.c \
                          src/relay/webhook_email.c \
                          src/providers/twilio_codes.c
FUZZ_DEPS_fuzz_mime := src/providers/mime.c src/providers/mime_html.c
FUZZ_DEPS_fuzz_jsonl := src/cli/jsonl.c src/cli/jsonl_record.c \
                        $(sort $(wildcard src/store/*.c))
fuzz_objs     = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_CORE) $(FUZZ_DEPS_$(1)))

fuzz: deps $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BUILD) $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/%.o: %.c
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: needs $(FUZZ_CC)" \
	    "and libFuzzer (Debian: clang libclang-rt-14-dev)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c $< -o $@

.PRECIOUS: $(FUZZ_BUILD)/obj/%.o
.SECONDEXPANSION:
$(FUZZ_BUILD)/bin/%: tests/fuzz/%.c $$(call fuzz_objs,$$*)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	    -o $@ $^ $(PKG_LIBS) -lm

-include $(wildcard $(FUZZ_BUILD)/obj/src/*/*.d)

run: all
	./$(BUILD)/hark --demo

check: deps check-layers
	$(MAKE) check-unit check-integration
	$(MAKE) check-asan
	@echo "make check: all suites passed"

check-layers:
	@tests/check-layers.sh

check-unit: $(BUILD)/hark $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

check-integration: $(BUILD)/hark $(BUILD)/tests/test_notify_dbus
	@HARK_BIN=$(abspath $(BUILD)/hark) tests/integration/run.sh

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	    check-unit check-integration

BENCH_SCRIPTS := run tui relay imap bulk

bench: all $(BENCH_BIN)
	@for b in $(BENCH_SCRIPTS); do \
	    HARK_BIN=$(abspath $(BUILD)/hark) BENCH_DIR=$(abspath $(BUILD)/bench) \
	        sh tests/bench/$$b.sh || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DATADIR)/hark/themes $(DESTDIR)$(DATADIR)/hark/keymaps
	install -m 0755 $(BUILD)/hark $(DESTDIR)$(BINDIR)/hark
	install -m 0644 contrib/hark.1 $(DESTDIR)$(MANDIR)/man1/hark.1
	for f in themes/*.theme; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/hark/themes/; done; true
	for f in keymaps/*.keys; do [ -e "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/hark/keymaps/; done; true

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hark $(DESTDIR)$(MANDIR)/man1/hark.1
	rm -rf $(DESTDIR)$(DATADIR)/hark

clean:
	rm -rf build build-asan hark

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
