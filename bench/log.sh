#!/bin/sh
# `gentle log` on a large log: builds release, generates N records (default 100,000) of everyday
# use ending today (Tests/Tools/GentleTestTool generate-days: check-ins answered, put off,
# snoozed and expired, notes, kid dates, pauses, failed and stale deliveries, a newer kind), then
# times several runs of each mode with the example config loaded:
#   gentle log --csv  > /dev/null      (target: < 1 s for 100,000 records)
#   gentle log --json > /dev/null
#   gentle log                         (the week's summary; it still reads the whole log)
# Prints each run, peak memory and CPU time per mode, and the medians (wall clock) on the last
# lines. On a shared machine wall clock varies with load; the CPU times show the work itself.
#   bench/log.sh
#   N=1000000 RUNS=3 bench/log.sh
set -eu
cd "$(dirname "$0")/.."
N=${N:-100000}
RUNS=${RUNS:-7}
SWIFT=${SWIFT:-swift}
FLAGS="-c release --static-swift-stdlib"

echo "building gentle and gentle-test-tool (release)..." >&2
$SWIFT build $FLAGS >&2
BIN_DIR="$($SWIFT build $FLAGS --show-bin-path)"
GENTLE="$BIN_DIR/gentle"
TOOL="$BIN_DIR/gentle-test-tool"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/state"
"$TOOL" generate-days "$TMP/state/events.jsonl" "$N"
BYTES=$(wc -c < "$TMP/state/events.jsonl")
echo "log: $N records, $BYTES bytes ($(( BYTES / N )) bytes/record), $(head -c 40 "$TMP/state/events.jsonl" | sed -n 's/.*"at":"\([0-9-]*\).*/\1/p') to today"
echo "machine: $(nproc) cores, $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME")"

# Keep the user's own config and state out of it; titles come from the example config.
export XDG_CONFIG_HOME="$TMP/config" XDG_STATE_HOME="$TMP/xdg" HOME="$TMP"
LOG="$GENTLE log --config config.example.toml --state-dir $TMP/state"

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# time_mode NAME ARGS...: RUNS timed runs to /dev/null, one more under /usr/bin/time for memory
time_mode() {
    name=$1
    shift
    $LOG "$@" > "$TMP/$name.out" 2> "$TMP/$name.err"   # warm the page cache; keep one output
    if [ -s "$TMP/$name.err" ]; then echo "$name: stderr: $(cat "$TMP/$name.err")"; fi
    : > "$TMP/$name.ms"
    for i in $(seq "$RUNS"); do
        start=$(now_ns)
        $LOG "$@" > /dev/null
        end=$(now_ns)
        ms=$(( (end - start) / 1000000 ))
        echo "$ms" >> "$TMP/$name.ms"
        echo "$name run $i: $ms ms"
    done
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%M KiB peak RSS, %U s user + %S s system CPU" -o "$TMP/$name.rss" $LOG "$@" > /dev/null
        echo "$name once more under /usr/bin/time: $(cat "$TMP/$name.rss")"
    fi
}

time_mode csv --csv
time_mode json --json
time_mode summary

ROWS=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$TMP/csv.out" 2>/dev/null || echo "?")
JSON_LINES=$(wc -l < "$TMP/json.out")
echo "checks: --csv wrote $ROWS rows (python csv), --json wrote $JSON_LINES lines, summary:"
sed 's/^/  | /' "$TMP/summary.out" | head -n 8

CSV_MS=$(median < "$TMP/csv.ms")
JSON_MS=$(median < "$TMP/json.ms")
SUMMARY_MS=$(median < "$TMP/summary.ms")
VERDICT=$([ "$CSV_MS" -lt 1000 ] && echo "under the 1 s target" || echo "OVER the 1 s target")
echo "gentle log --csv:  median $CSV_MS ms over $RUNS runs for $N records ($VERDICT)"
echo "gentle log --json: median $JSON_MS ms over $RUNS runs for $N records"
echo "gentle log (week): median $SUMMARY_MS ms over $RUNS runs for $N records"
