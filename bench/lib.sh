# Shared by the bench scripts: builds the release binary once and exports GENTLE_BIN.
set -eu
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
RELEASE_FLAGS="-c release --static-swift-stdlib"
if [ -z "${GENTLE_BIN:-}" ]; then
    echo "building gentle (release, static Swift stdlib)..." >&2
    $SWIFT build $RELEASE_FLAGS --product gentle >&2
    GENTLE_BIN="$($SWIFT build $RELEASE_FLAGS --show-bin-path)/gentle"
fi
export GENTLE_BIN
machine() {
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME"), $($SWIFT --version 2>/dev/null | head -n 1)"
}
