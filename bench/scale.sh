#!/bin/sh
# Planner scale: configs of 100, 1,000 and 10,000 check-ins (half calendar expressions, half
# random windows) are loaded, validated and asked for their next fire (`gentle next --count 1`).
# Prints wall time and peak RSS for each; growth should be near-linear.
. "$(dirname "$0")/lib.sh"
machine
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for N in 100 1000 10000; do
    python3 - "$N" > "$TMP/c$N.toml" <<'PY'
import sys
n = int(sys.argv[1])
print('timezone = "Europe/Berlin"\nquiet_hours = "21:30..07:00"\nmax_per_day = 6\nmin_spacing = "45m"')
for i in range(n):
    print(f'[[checkin]]\nid = "c{i}"\ntitle = "Check-in {i}"\nmessages = ["One.", "Two.", "Three."]')
    if i % 2:
        print(f'when = "Mon..Fri {8 + i % 12:02d}:{i % 60:02d}"')
    else:
        print(f'times_per_day = {1 + i % 3}\nbetween = "09:00..20:00"')
    print('channels = ["console"]')
PY
    RUNS=3
    BEST=""
    for i in $(seq $RUNS); do
        OUT=$( { /usr/bin/time -f "%e %M" "$GENTLE_BIN" next --count 1 --config "$TMP/c$N.toml" --state-dir "$TMP/state" >/dev/null; } 2>&1 | tail -n 1)
        BEST="$BEST
$OUT"
    done
    echo "$BEST" | sed '/^$/d' | sort -n | head -n 1 | awk -v n="$N" '{ printf "%6d check-ins: %.2f s, peak RSS %.1f MiB (best of 3)\n", n, $1, $2 / 1024 }'
done
