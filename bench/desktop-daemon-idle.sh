#!/bin/sh
# Idle cost of the real daemon with the desktop channel live: `gentle run` connected to dunst on a
# private dbus-daemon and Xvfb, nothing due for hours. Samples /proc for N seconds (default 10)
# and prints context switches, CPU time and RSS of the gentle process.
# Usage: bench/desktop-daemon-idle.sh [SECONDS] [debug|release]
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-10}"
mode="${2:-debug}"
if [ "$mode" = release ]; then swift build -c release --static-swift-stdlib >/dev/null; bin=.build/release/gentle
else swift build >/dev/null; bin=.build/debug/gentle; fi

dir=$(mktemp -d /tmp/gentle-bench.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

dbus-daemon --session --nofork --nopidfile --address="unix:path=$dir/bus" >/dev/null 2>&1 &
pids="$pids $!"
display=":$(( 500 + $$ % 400 ))"
Xvfb "$display" -screen 0 800x600x24 -nolisten tcp >/dev/null 2>&1 &
pids="$pids $!"
sleep 1
export DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" DISPLAY="$display"
dunst -config /dev/null >/dev/null 2>&1 &
pids="$pids $!"
sleep 1

later=$(date -d '+3 hours' '+%H:%M')
cat > "$dir/config.toml" <<TOML
quiet_hours = "00:00..00:01"
[[checkin]]
id = "breathe"
title = "Breathe"
messages = ["Pause for one slow breath."]
when = "$later"
channels = ["desktop"]
TOML
"$bin" run --config "$dir/config.toml" --state-dir "$dir/state" >"$dir/gentle.log" 2>&1 &
gentle=$!
pids="$gentle $pids"
sleep 2
grep -q "desktop notifications available" "$dir/gentle.log" || { echo "gentle did not connect:" >&2; cat "$dir/gentle.log" >&2; exit 1; }

sample() {
    vol=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$gentle/status)
    inv=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' /proc/$gentle/status)
    ticks=$(awk '{print $14 + $15}' /proc/$gentle/stat)
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$gentle/status)
}
sample; vol0=$vol; inv0=$inv; ticks0=$ticks
sleep "$seconds"
sample
hz=$(getconf CLK_TCK)
echo "gentle run ($mode), desktop channel connected to dunst, idle ${seconds} s:" \
     "context switches $((vol - vol0)) voluntary + $((inv - inv0)) involuntary," \
     "CPU $(( (ticks - ticks0) * 1000 / hz )) ms, RSS $((rss / 1024)) MB"
