#!/bin/sh
# The throughput figures of bench/README.md ("Throughput"), in one run: the load benchmark at
# N=200 K=1 C=4 beside moto, the same on tmpfs, N=2000 at C=16 and C=64, N=10,000 for memory,
# and a CPU profile of the server at N=200 C=4.
#   sh bench/throughput-suite.sh [DIST (default dist)] [PROFILE_DIR (default: a temporary folder)]
# Build first (npm run build). TMPFS (default /dev/shm) is where the tmpfs run keeps its data.
set -e
DIST=${1:-dist}
PROF=${2:-$(mktemp -d)}
TMPFS=${TMPFS:-/dev/shm}
run() {
  echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): node $DIST/bench/load.js $*"
  node "$DIST/bench/load.js" "$@" 2>/dev/null || echo "(exit $?)"
}
run --workflows 200 --activities 1 --concurrency 4 --target both
run --workflows 200 --activities 1 --concurrency 4 --target openswf --data-parent "$TMPFS"
run --workflows 2000 --activities 1 --concurrency 16 --target openswf
run --workflows 2000 --activities 1 --concurrency 64 --target openswf
run --workflows 10000 --activities 1 --concurrency 4 --target openswf
run --workflows 200 --activities 1 --concurrency 4 --target openswf --cpu-prof "$PROF"
echo "=== $(date -u +%H:%M:%S) CPU profile of the N=200 C=4 run (main thread first):"
node "$DIST/bench/profile-summary.js" --top 15 "$PROF"/*.cpuprofile
