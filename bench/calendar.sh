#!/usr/bin/env bash
# Next-elapse throughput of gentle's calendar engine (in-process) beside systemd-analyze's
# `calendar --iterations` on the same expressions, zone and base time.
#
# Both sides are timed in CPU seconds (user + system), in $RUNS interleaved runs, so a busy
# machine skews the figures less. systemd-analyze's time includes what it is for: parsing, computing
# and printing each elapse; gentle's is the engine alone (`gentle calendar --benchmark`, a
# hidden flag that computes the same iterations without printing, once through the iteration
# API and once calling nextElapse from each previous elapse, and checks both agree).
#
#   bench/calendar.sh            # default set, 2000 iterations per expression
#   ITERATIONS=500 RUNS=5 bench/calendar.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ITERATIONS=${ITERATIONS:-2000}
RUNS=${RUNS:-5}
BASE=${BASE:-@1735689600}          # 2025-01-01 00:00:00 UTC
export TZ=${BENCH_TZ:-Europe/Berlin}

# What gentle configs look like: workday and weekend times, intervals, month ends, weekly.
EXPRESSIONS=(
    'Mon..Fri 08:30'
    '*-*-* 09..17:00'
    'Sat,Sun 10:00'
    'daily'
    'hourly'
    '*:0/15'
    'Mon,Wed,Fri 18:30'
    '*-*-01 09:00'
    '*-*~01 20:00'
    'weekly'
)

command -v systemd-analyze >/dev/null || { echo "systemd-analyze is needed (apt-get install systemd)" >&2; exit 1; }

echo "building release…" >&2
swift build -c release --product gentle >&2
GENTLE=$(swift build -c release --show-bin-path)/gentle

# Elapses systemd-analyze prints for the set (what its run time pays for).
SA_ELAPSES=$(systemd-analyze calendar "${EXPRESSIONS[@]}" --base-time="$BASE" --iterations="$ITERATIONS" \
    | grep -cE '^ *(Next elapse|Iter\. #[0-9]+): [A-Z]')

TIMEFORMAT='%U %S'
sa_rates=(); single_rates=(); iter_rates=(); ratios=()
# Interleaved, so both sides of each ratio see the same machine load.
for run in $(seq "$RUNS"); do
    cpu=$( { time systemd-analyze calendar "${EXPRESSIONS[@]}" --base-time="$BASE" --iterations="$ITERATIONS" >/dev/null; } 2>&1 )
    sa=$(awk -v n="$SA_ELAPSES" -v u="${cpu% *}" -v s="${cpu#* }" 'BEGIN { t = u + s; if (t <= 0) t = 0.001; printf "%d", n / t }')
    out=$("$GENTLE" calendar --benchmark "${EXPRESSIONS[@]}" --base-time="$BASE" --iterations="$ITERATIONS")
    iter=$(awk -F': ' '/^elapses_per_second/ { print $2 }' <<<"$out")
    single=$(awk -F': ' '/^single_call_elapses_per_second/ { print $2 }' <<<"$out")
    sa_rates+=("$sa"); iter_rates+=("$iter"); single_rates+=("$single")
    ratios+=("$(awk -v g="$iter" -v s="$sa" 'BEGIN { printf "%.1f", g / s }')")
    echo "run $run: systemd-analyze $sa/s, gentle $iter/s (nextElapse calls $single/s), ratio ${ratios[-1]}x" >&2
done

best() { printf '%s\n' "$@" | sort -n | tail -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "zone: $TZ, base: $BASE, expressions: ${#EXPRESSIONS[@]}, iterations: $ITERATIONS, elapses per pass: $SA_ELAPSES, runs: $RUNS"
echo "systemd-analyze calendar --iterations: $(best "${sa_rates[@]}") elapses/s (best run, CPU time)"
echo "gentle engine, nextElapse from each elapse: $(best "${single_rates[@]}") elapses/s (best run, CPU time)"
echo "gentle engine, CalendarSpec.elapses: $(best "${iter_rates[@]}") elapses/s (best run, CPU time)"
echo "ratio (median of runs): $(median "${ratios[@]}")x"
