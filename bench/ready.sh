#!/bin/sh
# Start-to-READY=1: from fork until the daemon tells the service manager it is up.
. "$(dirname "$0")/lib.sh"
machine
python3 bench/gentlebench.py ready --runs "${RUNS:-20}"
