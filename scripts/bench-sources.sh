#!/usr/bin/env bash
# Capture sources end to end (bench/capture_sources.cpp): a serial document reader through a pseudo-terminal
# (last byte to MRZ text), noise through the text assembler, passport pages from SANE's test backend, and a
# hand-held camera recording to a settled reading. Extra arguments go to Google Benchmark.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$ROOT/build/release" --target capture_sources_bench >/dev/null
exec "$ROOT/build/release/bench/capture_sources_bench" "$@"
