#!/bin/sh
# Fire lateness: FIRES check-ins one second apart; lateness is the fired record's time minus
# the occurrence's due time, as the daemon wrote them.
. "$(dirname "$0")/lib.sh"
machine
python3 bench/gentlebench.py latency --fires "${FIRES:-120}"
