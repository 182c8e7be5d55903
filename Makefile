# gentle — build, run and test. `make run` and `make test` work on a fresh Debian 12 machine
# with the Swift toolchain: they install what is missing first.

SWIFT        ?= swift
PREFIX       ?= $(HOME)/.local
DESTDIR      ?=
CONFIG       ?= config.example.toml
BUILD_FLAGS  ?= -Xswiftc -warnings-as-errors
RELEASE_FLAGS = -c release --static-swift-stdlib
VENV         ?= .build/test-venv

BUILD_PACKAGES = libsystemd-dev pkg-config libcurl4-openssl-dev
TEST_PACKAGES  = dbus dbus-bin dbus-x11 dunst xvfb x11-apps imagemagick fonts-dejavu-core python3-venv systemd procps util-linux openssl

.PHONY: all deps test-deps build release run test bench fuzz install uninstall clean

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

clean:
	rm -rf .build
