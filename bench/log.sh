#!/bin/sh
# `gentle log` on a large log: builds release, generates N records (default 100,000) of everyday
# use ending today (Tests/Tools/GentleTestTool generate-days: check-ins answered, put off,
# snoozed and expired, notes, kid dates, pauses, failed and stale deliveries, a newer kind), then
# times several runs of each mode with the example config loaded:
#   gentle log --csv  > /dev/null      (target: < 1 s for 100,000 records)
#   gentle log --json > /dev/null
#   gentle log                         (the week's summary; it still reads the whole log)
# Prints each run (wall clock, CPU time, peak memory) and the medians on the last lines. On a
# shared machine wall clock grows with the load average (printed too); CPU time shows the work.
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

# time_mode NAME ARGS...: RUNS timed runs to /dev/null; each run's wall clock (date) and CPU
# time and peak memory (/usr/bin/time, when there is one)
time_mode() {
    name=$1
    shift
    $LOG "$@" > "$TMP/$name.out" 2> "$TMP/$name.err"   # warm the page cache; keep one output
    if [ -s "$TMP/$name.err" ]; then echo "$name: stderr: $(cat "$TMP/$name.err")"; fi
    : > "$TMP/$name.ms"
    : > "$TMP/$name.cpu"
    for i in $(seq "$RUNS"); do
        start=$(now_ns)
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f "%U %S %M" -o "$TMP/time" $LOG "$@" > /dev/null
        else
            $LOG "$@" > /dev/null
            echo "0 0 0" > "$TMP/time"
        fi
        end=$(now_ns)
        ms=$(( (end - start) / 1000000 ))
        cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1000 }' "$TMP/time")
        rss=$(awk '{ print $3 }' "$TMP/time")
        echo "$ms" >> "$TMP/$name.ms"
        echo "$cpu" >> "$TMP/$name.cpu"
        echo "$name run $i: $ms ms wall, $cpu ms CPU, $rss KiB peak RSS"
    done
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
time_mode csv --csv
time_mode json --json
time_mode summary

ROWS=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline="", encoding="utf-8"))) - 1)' "$TMP/csv.out" 2>/dev/null || echo "?")
JSON_LINES=$(wc -l < "$TMP/json.out")
echo "checks: --csv wrote $ROWS rows (python csv), --json wrote $JSON_LINES lines, summary:"
sed 's/^/  | /' "$TMP/summary.out" | head -n 8

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (wall clock grows with it on a shared machine; CPU time does not)"
for mode in csv json summary; do
    eval "${mode}_ms=\$(median < \"\$TMP/\$mode.ms\")"
    eval "${mode}_cpu=\$(median < \"\$TMP/\$mode.cpu\")"
done
VERDICT=$([ "$csv_ms" -lt 1000 ] && echo "under the 1 s target" || echo "OVER the 1 s target")
echo "gentle log --csv:  median $csv_ms ms wall, $csv_cpu ms CPU over $RUNS runs for $N records ($VERDICT)"
echo "gentle log --json: median $json_ms ms wall, $json_cpu ms CPU over $RUNS runs for $N records"
echo "gentle log (week): median $summary_ms ms wall, $summary_cpu ms CPU over $RUNS runs for $N records"
