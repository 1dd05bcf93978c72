#!/usr/bin/env bash
# Builds and runs a fuzzer (libFuzzer + ASan + UBSan) for SECONDS (default 600): TARGET is mrz_parser_fuzz
# (the default) or image_header_fuzz. Installs clang and its sanitizer runtimes from Debian if missing.
#   scripts/fuzz.sh [SECONDS] [TARGET]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECONDS_TO_RUN=${1:-600}
TARGET=${2:-mrz_parser_fuzz}
case "$TARGET" in
mrz_parser_fuzz | image_header_fuzz) ;;
*)
    echo "fuzz.sh: unknown target $TARGET (mrz_parser_fuzz or image_header_fuzz)" >&2
    exit 2
    ;;
esac

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
cmake --build --preset fuzz --target "$TARGET"
mkdir -p build/fuzz/findings
if [[ $TARGET == mrz_parser_fuzz ]]; then
    WORK=build/fuzz/corpus
    mkdir -p "$WORK"
    cp -n tests/fuzz/corpus/* "$WORK"/ 2>/dev/null || true
else
    # Seeds generated here: a PNG signature with its IHDR, and a JPEG with APP0, SOF0 and SOS (no pixel data).
    WORK=build/fuzz/corpus-image
    mkdir -p "$WORK"
    printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x01\x00\x00\x00\x00\xc8\x08\x02\x00\x00\x00\x00\x00\x00\x00' \
        >"$WORK/seed.png"
    printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x0b\x08\x00\xc8\x01\x00\x01\x01\x11\x00\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\xff\xd9' \
        >"$WORK/seed.jpg"
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
build/fuzz/tests/fuzz/"$TARGET" "$WORK" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -rss_limit_mb=2048 \
    -timeout=10 -artifact_prefix=build/fuzz/findings/ -print_final_stats=1
