#!/usr/bin/env bash
# Benchmarks by name, each on the release build (its own build/release folder; only the target it needs).
#   bash scripts/bench.sh service [FILTER]     the service through its Unix socket beside the same work
#                                              in-process: batched ingest (records/s), lookup p50/p99 by
#                                              document over SECONDLINE_BENCH_RECORDS records (default
#                                              1,000,000), sign-in at the production Argon2id cost
#   bash scripts/bench.sh storage|statistics|capture|sources ...   the existing scripts (bench-NAME.sh)
# The lookup store is filled once with the storage API and kept in SECONDLINE_BENCH_CACHE (default
# build/release/service-bench-cache): reruns do not refill it. Builds use at most -j2 (shared machines).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-}
[[ -n $what ]] || { echo "usage: bash scripts/bench.sh service|storage|statistics|capture|sources [args]" >&2; exit 2; }
shift
case $what in
service)
    export SECONDLINE_BENCH_RECORDS=${SECONDLINE_BENCH_RECORDS:-1000000}
    export SECONDLINE_BENCH_CACHE=${SECONDLINE_BENCH_CACHE:-$ROOT/build/release/service-bench-cache}
    cmake --preset release -S "$ROOT" >/dev/null
    cmake --build "$ROOT/build/release" -j2 --target service_bench >/dev/null
    echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    filter=${1:-.}
    "$ROOT/build/release/bench/service_bench" --benchmark_filter="$filter" --benchmark_counters_tabular=true
    echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    ;;
storage | statistics | capture | sources) exec bash "$ROOT/scripts/bench-$what.sh" "$@" ;;
*)
    echo "bench: unknown benchmark '$what' (service, storage, statistics, capture, sources)" >&2
    exit 2
    ;;
esac
