// Store throughput on a real file: batched ingest with audit entries, lookup latency by document (blind
// index, with the lookup's own audit entry committed), and the cost of unlocking (Argon2id at the default
// policy). Built twice from this file: storage_bench over the SQLCipher store, storage_bench_unencrypted over
// the same store code with page encryption compiled out; scripts/bench-storage.sh runs both and prints the
// encryption overhead.
//   bash scripts/bench-storage.sh                                          (lookups over 1,000,000 records)
//   SECONDLINE_BENCH_RECORDS=100000 build/release/bench/storage_bench --benchmark_filter=Lookup

#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>
#include <secondline/validation/mrz_writer.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <unistd.h>

using namespace secondline;

namespace {

struct Clock final : core::Clock {
    core::TimePoint now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

core::SecretBytes password(const char* s) {
    return *core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(s), std::char_traits<char>::length(s)});
}

std::string tempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "secondline-bench-XXXXXX").string();
    return ::mkdtemp(tmpl.data());
}

/// Generated documents with distinct document numbers (synthetic, never real people).
std::vector<validation::TravelDocument> documents(std::size_t n, std::uint64_t seed, std::size_t firstNumber = 0) {
    std::mt19937_64 rng(seed);
    validation::ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    std::vector<validation::TravelDocument> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
        validation::MrzFields f{validation::MrzFormat::TD3,
                                "P",
                                "UTO",
                                "SURNAME" + std::to_string(rng() % 1000),
                                "GIVEN",
                                "X" + std::to_string(10000000 + (firstNumber + i) % 89999999),
                                "UTO",
                                "800101",
                                "F",
                                "300101",
                                "",
                                ""};
#pragma GCC diagnostic pop
        auto lines = validation::composeMrz(f);
        out.push_back(*validation::parseMrz(*lines, options));
    }
    return out;
}

const Clock kClock;

/// A new store at `path` with an administrator and an officer ("desk1"), opened as the officer.
core::Result<storage::Store> officerStore(const std::string& path) {
    storage::CreateOptions o;
    o.kdf = privacy::KdfParams::fastForTests();
    o.testStore = true;
    if (auto s = storage::Store::create(path, "admin", password("pw"), o, kClock); !s) return core::fail(s.error());
    {
        // The first user is an administrator; records need an officer.
        auto admin = storage::Store::open(path, "admin", password("pw"), {}, kClock);
        if (!admin) return core::fail(admin.error());
        if (auto s =
                admin->users().add("desk1", privacy::Role::Officer, password("pw"), privacy::KdfParams::fastForTests());
            !s)
            return core::fail(s.error());
    }
    return storage::Store::open(path, "desk1", password("pw"), {}, kClock);
}

void BM_IngestBatch(benchmark::State& state) {
    const std::string dir = tempDir();
    const std::string path = dir + "/bench.db";
    auto store = officerStore(path);
    if (!store) {
        state.SkipWithError(store.error().message.c_str());
        return;
    }
    const auto batch = documents(static_cast<std::size_t>(state.range(0)), 1);
    for (auto _ : state) {
        auto ids = store->records().addBatch(batch, {.source = "bench"});
        if (!ids) state.SkipWithError(ids.error().message.c_str());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    store->close();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_IngestBatch)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

/// One officer's save as the desk makes it (issue 17): the reading, a document image (~120 KB) and a
/// portrait (~30 KB), one correction with its reason, a typed referral and the closing outcome, in one
/// transaction with its six audit entries.
void BM_SaveEncounter(benchmark::State& state) {
    const std::string dir = tempDir();
    const std::string path = dir + "/bench.db";
    auto store = officerStore(path);
    if (!store) {
        state.SkipWithError(store.error().message.c_str());
        return;
    }
    const auto docs = documents(256, 3);
    std::mt19937_64 rng(5);
    // A JPEG of `n` bytes: a grey baseline frame header declaring `width` x `height` (the store reads it), then
    // random scan data (never decoded).
    auto jpeg = [&](std::size_t n, int width, int height) {
        std::vector<std::uint8_t> out = {0xff,
                                         0xd8,
                                         0xff,
                                         0xc0,
                                         0,
                                         11,
                                         8,
                                         static_cast<std::uint8_t>(height >> 8),
                                         static_cast<std::uint8_t>(height),
                                         static_cast<std::uint8_t>(width >> 8),
                                         static_cast<std::uint8_t>(width),
                                         1,
                                         1,
                                         0x11,
                                         0,
                                         0xff,
                                         0xda,
                                         0,
                                         8,
                                         1,
                                         1,
                                         0,
                                         0,
                                         63,
                                         0};
        while (out.size() < n) out.push_back(static_cast<std::uint8_t>(rng()));
        return out;
    };
    storage::EncounterDraft draft;
    draft.encounter.source = "bench";
    draft.images = {{storage::ImageKind::Document, "image/jpeg", 1600, 1100, jpeg(120000, 1600, 1100)},
                    {storage::ImageKind::Portrait, "image/jpeg", 450, 600, jpeg(30000, 450, 600)}};
    draft.corrections = {{"given_names", "GIVEN NAME"}};
    draft.correctionReason = "visual zone";
    draft.referral = storage::ReferralDraft{.kind = storage::FlagKind::Review,
                                            .basis = storage::ReferralBasis::Fact,
                                            .reason = "stamp missing",
                                            .referredTo = {}};
    draft.outcome = "referred";
    std::size_t i = 0;
    for (auto _ : state) {
        draft.document = docs[i++ % docs.size()];
        auto saved = store->records().save(draft);
        if (!saved) state.SkipWithError(saved.error().message.c_str());
    }
    state.SetItemsProcessed(state.iterations());
    store->close();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SaveEncounter)->Iterations(500)->Unit(benchmark::kMillisecond);

void BM_LookupByDocument(benchmark::State& state) {
    const std::size_t records = [] {
        const char* env = std::getenv("SECONDLINE_BENCH_RECORDS");
        return env ? static_cast<std::size_t>(std::strtoull(env, nullptr, 10)) : std::size_t{100000};
    }();
    const std::string dir = tempDir();
    const std::string path = dir + "/bench.db";
    auto store = officerStore(path);
    if (!store) {
        state.SkipWithError(store.error().message.c_str());
        return;
    }
    for (std::size_t done = 0; done < records; done += 10000) {
        auto chunk = documents(std::min<std::size_t>(10000, records - done), done + 7, done);
        if (auto added = store->records().addBatch(chunk, {.source = "bench"}); !added) {
            state.SkipWithError(added.error().message.c_str());
            store->close();
            std::filesystem::remove_all(dir);
            return;
        }
    }
    std::mt19937_64 rng(3);
    std::vector<double> latencies;
    for (auto _ : state) {
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
        const std::string number = "X" + std::to_string(10000000 + rng() % records);
#pragma GCC diagnostic pop
        const auto start = std::chrono::steady_clock::now();
        auto found = store->records().findByDocument("UTO", number);
        latencies.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        if (!found || found->empty()) state.SkipWithError("lookup found nothing");
    }
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        state.counters["p50_us"] = latencies[latencies.size() / 2];
        state.counters["p99_us"] = latencies[latencies.size() * 99 / 100];
        state.counters["records"] = static_cast<double>(records);
    }
    store->close();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LookupByDocument)->Iterations(2000)->Unit(benchmark::kMicrosecond);

void BM_UnlockDefaultPolicy(benchmark::State& state) {
    const std::string dir = tempDir();
    const std::string path = dir + "/bench.db";
    // A production store: the default Argon2id cost and a password the production rule accepts.
    const char* const strong = "bench-unlock-Kestrel-2026";
    if (auto created = storage::Store::create(path, "admin", password(strong), {}, kClock);
        !created) { // default Argon2id
        state.SkipWithError(created.error().message.c_str());
        std::filesystem::remove_all(dir);
        return;
    }
    for (auto _ : state) {
        auto s = storage::Store::open(path, "admin", password(strong), {}, kClock);
        if (!s) state.SkipWithError("open failed");
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_UnlockDefaultPolicy)->Iterations(5)->Unit(benchmark::kMillisecond);

} // namespace
