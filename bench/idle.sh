#!/bin/sh
# Idle cost of a release daemon with nothing due for a long time: RSS, context switches (all
# threads) and CPU over SECONDS (default 60), console-only, desktop-only (a private dbus-daemon
# with dunst under Xvfb) and with email configured. No watchdog: the target is 0 wake-ups.
. "$(dirname "$0")/lib.sh"
SECONDS_IDLE=${SECONDS:-60}
machine
python3 bench/gentlebench.py idle --mode console --seconds "$SECONDS_IDLE"
python3 bench/gentlebench.py idle --mode email --seconds "$SECONDS_IDLE"

if command -v dbus-daemon >/dev/null && command -v dunst >/dev/null && command -v Xvfb >/dev/null; then
    TMP=$(mktemp -d)
    DISPLAY_NUMBER=$(( 90 + $$ % 100 ))
    Xvfb ":$DISPLAY_NUMBER" -screen 0 800x600x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB=$!
    BUS=$(dbus-daemon --session --fork --print-address=1 --print-pid=1 --address="unix:path=$TMP/bus" | head -n 2)
    BUS_ADDRESS=$(echo "$BUS" | sed -n 1p)
    BUS_PID=$(echo "$BUS" | sed -n 2p)
    sleep 0.5
    DISPLAY=":$DISPLAY_NUMBER" DBUS_SESSION_BUS_ADDRESS="$BUS_ADDRESS" dunst >/dev/null 2>&1 &
    DUNST=$!
    trap 'kill $DUNST $XVFB $BUS_PID 2>/dev/null; rm -rf "$TMP"' EXIT
    sleep 1
    BENCH_DBUS="$BUS_ADDRESS" BENCH_DISPLAY=":$DISPLAY_NUMBER" \
        python3 bench/gentlebench.py idle --mode desktop --seconds "$SECONDS_IDLE"
else
    echo "idle (desktop): skipped, needs dbus-daemon, dunst and Xvfb (make test-deps)"
fi
