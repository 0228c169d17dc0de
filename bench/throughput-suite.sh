#!/bin/sh
# The figures of bench/README.md, "Throughput", in one run: the load benchmark at N=200 K=1
# C=4 (beside moto), the same on tmpfs, N=2000 at C=16 and at C=64, N=10,000 (memory),
# PostgreSQL at N=200 C=4 and N=2000 C=16, and a CPU profile of the server at N=200 C=4; each
# configuration for every build given, one right after the other, so a before/after
# comparison meets the same machine.
#   npm run build && sh bench/throughput-suite.sh [DIST ...]    (default: dist)
# A DIST is a build's output folder (e.g. of an older commit, built in a copy of the
# repository). The first one's driver (bench/load.js) drives every build's server
# (--server-build), so builds differ in their server only. CLIENT (default sdk) picks the
# driver's client: sdk or http (bench/http-client.ts). TMPFS (default /dev/shm) holds the tmpfs
# run's data; PROF (default a new temporary folder) the CPU profiles, one folder per build.
set -e
[ $# -gt 0 ] || set -- dist
DRIVER=$(cd "$1" && pwd)
CLIENT=${CLIENT:-sdk}
TMPFS=${TMPFS:-/dev/shm}
PROF=${PROF:-$(mktemp -d)}
run() {
  dist=$(cd "$1" && pwd); shift
  if [ "$dist" = "$DRIVER" ]; then set -- "$@" --client "$CLIENT"; else set -- "$@" --client "$CLIENT" --server-build "$dist"; fi
  echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) [$dist] node bench/load.js $*"
  (cd "$DRIVER/.." && node "$DRIVER/bench/load.js" "$@" 2>/dev/null) || echo "(exit $?)"
}
first=$1
for d in "$@"; do if [ "$d" = "$first" ]; then run "$d" --workflows 200 --activities 1 --concurrency 4 --target both; else run "$d" --workflows 200 --activities 1 --concurrency 4 --target openswf; fi; done
for d in "$@"; do run "$d" --workflows 200 --activities 1 --concurrency 4 --target openswf --data-parent "$TMPFS"; done
for d in "$@"; do run "$d" --workflows 2000 --activities 1 --concurrency 16 --target openswf; done
for d in "$@"; do run "$d" --workflows 2000 --activities 1 --concurrency 64 --target openswf; done
for d in "$@"; do run "$d" --workflows 10000 --activities 1 --concurrency 4 --target openswf; done
for d in "$@"; do run "$d" --workflows 200 --activities 1 --concurrency 4 --target openswf-pg; done
for d in "$@"; do run "$d" --workflows 2000 --activities 1 --concurrency 16 --target openswf-pg; done
i=0
for d in "$@"; do
  i=$((i + 1))
  mkdir -p "$PROF/$i"
  run "$d" --workflows 200 --activities 1 --concurrency 4 --target openswf --cpu-prof "$PROF/$i"
  echo "=== CPU profile [$d] (main thread first):"
  node "$DRIVER/bench/profile-summary.js" --top 15 "$PROF/$i"/*.cpuprofile
done
