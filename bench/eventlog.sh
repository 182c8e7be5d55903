#!/bin/sh
# Event-log read throughput: generates a realistic log of N records (default 100,000) and times
# a full decode through EventLogStore.read in a release build, the path `gentle log` takes.
# Prints each run, then JSONDecoder on the same file for comparison, and the figure last.
#   bench/eventlog.sh            # 100,000 records, 5 runs
#   N=1000000 RUNS=3 bench/eventlog.sh
set -eu
cd "$(dirname "$0")/.."
N=${N:-100000}
RUNS=${RUNS:-5}
SWIFT=${SWIFT:-swift}
FLAGS="-c release --static-swift-stdlib"

echo "building gentle-test-tool (release)..." >&2
$SWIFT build $FLAGS --product gentle-test-tool >&2
BIN="$($SWIFT build $FLAGS --show-bin-path)/gentle-test-tool"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG="$TMP/events.jsonl"
"$BIN" generate "$LOG" "$N"
BYTES=$(wc -c < "$LOG")
echo "log: $N records, $BYTES bytes ($(( BYTES / N )) bytes/record); machine: $(nproc) cores, $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME")"

RATES=""
for i in $(seq "$RUNS"); do
    OUT=$("$BIN" read "$LOG" | tail -n 1)
    echo "run $i: $OUT"
    RATES="$RATES $(echo "$OUT" | sed -n 's/.*: \([0-9]*\) records\/s$/\1/p')"
done
echo "JSONDecoder, same file: $("$BIN" read "$LOG" --jsondecoder | tail -n 1)"

MEDIAN=$(printf '%s\n' $RATES | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
SECONDS_FOR_N=$(awk -v n="$N" -v r="$MEDIAN" 'BEGIN { printf "%.3f", n / r }')
echo "eventlog decode: median $MEDIAN records/s over $RUNS runs ($N records in $SECONDS_FOR_N s)"
