#!/usr/bin/env bash
# Builds and runs the MRZ parser fuzzer (libFuzzer + ASan + UBSan) for SECONDS (default 600).
# Installs clang and its sanitizer runtimes from Debian if missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_TO_RUN=${1:-600}

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
missing=()
for p in clang-14 libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target mrz_parser_fuzz
WORK=build/fuzz/corpus
mkdir -p "$WORK" build/fuzz/findings
cp -n tests/fuzz/corpus/* "$WORK"/ 2>/dev/null || true
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
build/fuzz/tests/fuzz/mrz_parser_fuzz "$WORK" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix=build/fuzz/findings/ -print_final_stats=1
