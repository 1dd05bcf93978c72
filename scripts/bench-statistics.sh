#!/usr/bin/env bash
# A year of one busy desk (SECONDLINE_BENCH_RECORDS encounters, default 1,000,000) in a real SQLCipher store,
# read and aggregated into the statistics and bias report. Building the store takes most of the time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SECONDLINE_BENCH_RECORDS=${SECONDLINE_BENCH_RECORDS:-1000000}
cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$ROOT/build/release" --target statistics_bench >/dev/null
"$ROOT/build/release/bench/statistics_bench" "$@"
