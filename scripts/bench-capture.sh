#!/usr/bin/env bash
# Capture accuracy and speed per condition (flatbed 300/150 dpi, turned and skewed, camera-like, hard
# images, and the two negative sets), over a generated corpus; see bench/capture_accuracy.cpp.
#   bash scripts/bench-capture.sh                 200 documents per condition (about 10 minutes on 2 cores)
#   bash scripts/bench-capture.sh --count 50 --conditions camera --save /tmp/failures
#   bash scripts/bench-capture.sh --model eng     the same corpus through Debian's stock English model
# Exits 1 when an MRZ is reported from an image without one, or a wrong reading passes every check.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$ROOT/build/release" --target capture_accuracy >/dev/null
exec "$ROOT/build/release/bench/capture_accuracy" "$@"
