# gentle — build, run and test. `make run` and `make test` work on a fresh Debian 12 machine
# with the Swift toolchain: they install what is missing first.

SWIFT        ?= swift
CONFIG       ?= config.example.toml
BUILD_FLAGS  ?= -Xswiftc -warnings-as-errors
RELEASE_FLAGS = -c release --static-swift-stdlib
VENV         ?= .build/test-venv

BUILD_PACKAGES = libsystemd-dev pkg-config libcurl4-openssl-dev
TEST_PACKAGES  = dbus dbus-bin dbus-user-session dbus-x11 dunst xvfb x11-apps imagemagick fonts-dejavu-core python3-venv systemd procps util-linux openssl

# `make install` is for packagers (DESTDIR, PREFIX); one person installs with `gentle install`.
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
USERUNITDIR  ?= $(PREFIX)/lib/systemd/user
DOCDIR       ?= $(PREFIX)/share/doc/gentle
MANDIR       ?= $(PREFIX)/share/man
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR  ?= $(PREFIX)/share/fish/vendor_completions.d
RELEASE_BIN   = .build/release/gentle
DIST          = .build/dist
# The man page's date: the last commit's, so rebuilding the same tree gives the same page.
MAN_DATE     ?= $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

.PHONY: all deps test-deps build release run test bench fuzz embed completions man unit dist install install-user uninstall clean

all: build

deps:
	@scripts/ensure-debian-packages $(BUILD_PACKAGES)

test-deps: deps
	@scripts/ensure-debian-packages $(TEST_PACKAGES)
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c 'import aiosmtpd' 2>/dev/null || $(VENV)/bin/pip install --quiet 'aiosmtpd>=1.4'

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

# Runs the daemon in the foreground on the example config. Without a desktop session the
# check-ins go to this terminal (console channel); with one they become notifications.
run: build
	$(SWIFT) run gentle run --config $(CONFIG) --state-dir .build/run-state

test: test-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	GENTLE_TEST_VENV=$(CURDIR)/$(VENV) $(SWIFT) test --skip-build

# One person, one command: builds the release binary (Swift runtime linked in) and runs
# `gentle install`, which copies it to ~/.local/bin, sets up the user service and starts it.
install-user: release
	$(RELEASE_BIN) install

# libFuzzer targets (Fuzz/: calendar expressions, the config loader, the event-log reader) built
# with -sanitize=fuzzer,address in .build-fuzz, each run for FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) SWIFT=$(SWIFT) scripts/fuzz

# Regenerates Sources/GentleSystem/Install/EmbeddedFiles.swift after config.example.toml or
# systemd/gentle.service changed (EmbeddedFilesTests fails until you do).
embed:
	scripts/embed-files

# Shell completions, from swift-argument-parser's generator in the release binary.
completions: release
	@mkdir -p $(DIST)/completions
	$(RELEASE_BIN) --generate-completion-script bash > $(DIST)/completions/gentle.bash
	$(RELEASE_BIN) --generate-completion-script zsh > $(DIST)/completions/_gentle
	$(RELEASE_BIN) --generate-completion-script fish > $(DIST)/completions/gentle.fish

# gentle.1, from swift-argument-parser's generate-manual tool (built from the package checkout,
# no network) run on the release binary.
man: release
	$(SWIFT) build $(RELEASE_FLAGS) --product generate-manual
	@mkdir -p $(DIST)/man
	.build/release/generate-manual $(RELEASE_BIN) --date $(MAN_DATE) --output-directory $(DIST)/man

# The unit for PREFIX: ExecStart= names $(BINDIR)/gentle instead of ~/.local/bin/gentle.
unit:
	@mkdir -p $(DIST)
	sed 's|^ExecStart=%h/.local/bin/gentle run$$|ExecStart=$(subst %,%%,$(BINDIR))/gentle run|' \
	    systemd/gentle.service > $(DIST)/gentle.service.tmp
	@grep -qx 'ExecStart=$(subst %,%%,$(BINDIR))/gentle run' $(DIST)/gentle.service.tmp \
	    || { echo "ExecStart= was not rewritten for $(BINDIR)" >&2; exit 1; }
	mv $(DIST)/gentle.service.tmp $(DIST)/gentle.service

dist: release completions man unit

install: dist
	install -Dm755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/gentle
	install -Dm644 $(DIST)/gentle.service $(DESTDIR)$(USERUNITDIR)/gentle.service
	install -Dm644 config.example.toml $(DESTDIR)$(DOCDIR)/config.example.toml
	install -Dm644 $(DIST)/man/gentle.1 $(DESTDIR)$(MANDIR)/man1/gentle.1
	install -Dm644 $(DIST)/completions/gentle.bash $(DESTDIR)$(BASHCOMPDIR)/gentle
	install -Dm644 $(DIST)/completions/_gentle $(DESTDIR)$(ZSHCOMPDIR)/_gentle
	install -Dm644 $(DIST)/completions/gentle.fish $(DESTDIR)$(FISHCOMPDIR)/gentle.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gentle $(DESTDIR)$(USERUNITDIR)/gentle.service \
	      $(DESTDIR)$(DOCDIR)/config.example.toml $(DESTDIR)$(MANDIR)/man1/gentle.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/gentle $(DESTDIR)$(ZSHCOMPDIR)/_gentle $(DESTDIR)$(FISHCOMPDIR)/gentle.fish
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf .build

# Benchmarks: measured figures for the README, run by hand (not by CI). Each script builds the
# release binary if needed and prints its figures on its last lines.
BENCHES = ready idle latency memory scale calendar log eventlog

bench: test-deps
	@for b in $(BENCHES); do echo "== bench/$$b.sh"; bench/$$b.sh || exit 1; echo; done

