#!/bin/sh
# Idle cost of the desktop channel: a DesktopNotifier connected to a real dunst (private
# dbus-daemon, Xvfb), one notification shown, then nothing happening for N seconds (default 10).
# Prints how often the sd-bus loop woke up and the CPU the process used meanwhile.
# Usage: bench/desktop-idle.sh [SECONDS]
set -eu
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
GENTLE_BENCH=1 GENTLE_BENCH_SECONDS="${1:-10}" swift test --skip-build --filter desktopIdleBench 2>&1 | grep '^BENCH' \
    || { echo "bench failed; run: GENTLE_BENCH=1 swift test --filter desktopIdleBench" >&2; exit 1; }
