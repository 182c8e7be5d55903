#!/bin/sh
# Memory over many fires: 100 check-ins every second until 10,000 fires; RSS at start and end.
. "$(dirname "$0")/lib.sh"
machine
python3 bench/gentlebench.py memory --fires "${FIRES:-10000}" --checkins "${CHECKINS:-100}"
