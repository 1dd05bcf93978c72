#!/usr/bin/env bash
# Storage benchmarks in one run: the store on SQLCipher, then the same benchmark binary built over the same
# store code with page encryption compiled out (plain SQLite), then the encryption overhead of each
# benchmark (time encrypted / time plain; for lookups also the p99 ratio).
#   bash scripts/bench-storage.sh                    lookups over 1,000,000 records (about 15 minutes)
#   SECONDLINE_BENCH_RECORDS=100000 bash scripts/bench-storage.sh IngestBatch LookupByDocument
# The optional arguments name benchmark families; each runs encrypted then plain, one after the other.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILIES=("$@")
[[ ${#FAMILIES[@]} -gt 0 ]] || FAMILIES=(IngestBatch LookupByDocument UnlockDefaultPolicy)
export SECONDLINE_BENCH_RECORDS=${SECONDLINE_BENCH_RECORDS:-1000000}
cmake --preset release -S "$ROOT" >/dev/null
cmake --build "$ROOT/build/release" --target storage_bench storage_bench_unencrypted >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# One CSV per family and variant: Google Benchmark's CSV needs the same counters in every row.
for family in "${FAMILIES[@]}"; do
    for variant in storage_bench storage_bench_unencrypted; do
        echo "== $variant $family (lookups over $SECONDLINE_BENCH_RECORDS records)"
        "$ROOT/build/release/bench/$variant" --benchmark_filter="^BM_$family" \
            --benchmark_out="$OUT/$family.$variant.csv" --benchmark_out_format=csv 2>&1 | grep -E '^(BM_|Benchmark)'
    done
done

# CSV columns are found by name; the file starts with a context block before the header line.
ratios() {
    awk -F, '
        function strip(s) { gsub(/"/, "", s); return s }
        FNR == 1 { header = 0 }
        /^name,/ { header = 1; for (i = 1; i <= NF; i++) col[FILENAME, strip($i)] = i; next }
        !header { next }
        {
            name = strip($1)
            t = $(col[FILENAME, "real_time"])
            p = (col[FILENAME, "p99_us"] ? $(col[FILENAME, "p99_us"]) : "")
            if (FILENAME ~ /unencrypted/) { plainT[name] = t; plainP[name] = p }
            else { order[++n] = name; encT[name] = t; encP[name] = p }
        }
        END {
            printf "%-40s %14s %14s %9s %9s\n", "benchmark", "encrypted", "plain", "ratio", "p99 ratio"
            for (i = 1; i <= n; i++) {
                k = order[i]
                if (!(k in plainT) || plainT[k] == 0) continue
                pr = (encP[k] != "" && plainP[k] > 0) ? sprintf("%.2f", encP[k] / plainP[k]) : "-"
                printf "%-40s %14.3f %14.3f %9.2f %9s\n", k, encT[k], plainT[k], encT[k] / plainT[k], pr
            }
        }' "$@"
}
echo "== encryption overhead (real time per iteration, in each benchmark's unit)"
for family in "${FAMILIES[@]}"; do
    ratios "$OUT/$family.storage_bench.csv" "$OUT/$family.storage_bench_unencrypted.csv"
done
