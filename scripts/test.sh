#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: the dev build (Debug, warnings as
# errors) and the asan build (AddressSanitizer + UndefinedBehaviorSanitizer, unoptimised with line tables
# only: it builds in about a third of an optimised one's time), the clang-format check, a half-minute fuzz
# smoke run of the MRZ parser and a quarter-minute one of the image header reader. Then the release build
# (optimised, warnings as errors: the optimiser's warnings differ from Debug's) of the product and its unit
# tests, with the unit tests and the install test.
# This is README command (b); CI runs exactly this, on 2 cores within 40 minutes, so the asan run leaves out
# what mostly repeats code it already runs under the sanitizers (CMakePresets.json, the asan test preset's
# filter; the dev run keeps all of them): the desk app (Qt's widgets over the same client::Session the service
# tests drive), the tests that run the command-line binary over and over (CliTest, PrivacyCli, CliServiceTest:
# the libraries and the service's handlers they reach run under asan in their own tests, PrivacyMatrix,
# ServiceSession*, HostileRecords, ServiceTest; the command-line parsing itself then runs in dev only), the
# twenty kill -9 rounds, the OCR pass counts and the start script.
# Each step prints its elapsed time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

bash scripts/setup.sh

echo "== clang-format check"
if ! git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run --Werror; then
    echo "test: files are not clang-formatted (run: git ls-files '*.cpp' '*.h' | xargs clang-format -i)" >&2
    exit 1
fi

export QT_QPA_PLATFORM=offscreen
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

step() { echo "== $1 (at $((SECONDS / 60)) min $((SECONDS % 60)) s)"; }
for preset in dev asan; do
    step "build ($preset)"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    step "test ($preset)"
    ctest --preset "$preset"
done
step "fuzz smoke run (30 s; scripts/fuzz.sh 600 for the full run)"
bash scripts/fuzz.sh 30 2>&1 | tail -n 8
step "fuzz smoke run of the image header reader (15 s)"
bash scripts/fuzz.sh 15 image_header_fuzz 2>&1 | tail -n 8

step "build (release, warnings as errors)"
cmake --preset release >/dev/null
# The product's code, the unit tests and the installed programs (integration tests and benchmarks are
# built and run by the dev and asan steps above).
cmake --build --preset release --target unit_and_install
step "test (release: unit tests and the install)"
ctest --preset release -L 'unit|install'

echo "test: all passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
