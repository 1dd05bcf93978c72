// The service's figures through its Unix socket (gRPC, the client library), each beside the same work done
// in-process with the storage API (issue 18, task 3):
//   - batched ingest: records/s saved with SaveEncounters (target: at least 3,000/s through the socket);
//   - lookup by document number over 1,000,000 records: p50/p99 (target: p99 under 2 ms through the socket);
//   - sign-in at the production Argon2id cost (target: under 1 s through the socket).
// The service runs in this process (service::Service, as `secondline service run` runs it) and is reached
// only through its socket by a client::Client. The lookup store is filled in-process with the storage API
// once and kept (SECONDLINE_BENCH_CACHE, default ./service-bench-cache) so reruns do not refill it.
//   bash scripts/bench.sh service
//   SECONDLINE_BENCH_RECORDS=100000 build/release/bench/service_bench --benchmark_filter=Lookup
// Generated documents only (synthetic numbers and names).

#include <secondline/client/client.h>
#include <secondline/service/service.h>
#include <secondline/storage/records.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>
#include <secondline/validation/mrz_writer.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

using namespace secondline;

namespace {

struct Clock final : core::Clock {
    core::TimePoint now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};
const Clock kClock;

core::SecretBytes password(const char* s) {
    return *core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(s), std::char_traits<char>::length(s)});
}

std::string tempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "secondline-svc-bench-XXXXXX").string();
    const char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) std::abort();
    std::filesystem::permissions(made, std::filesystem::perms::owner_all);
    return made;
}

std::size_t envSize(const char* name, std::size_t fallback) {
    const char* env = std::getenv(name);
    return env ? static_cast<std::size_t>(std::strtoull(env, nullptr, 10)) : fallback;
}

/// Document number of generated document `i` (distinct up to 89,999,999).
std::string numberOf(std::size_t i) {
    return "X" + std::to_string(10000000 + i % 89999999);
}

/// The MRZ of generated document `i` (synthetic: a made-up name and number).
std::string mrzOf(std::size_t i) {
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
    validation::MrzFields f{validation::MrzFormat::TD3,
                            "P",
                            "UTO",
                            "SURNAME" + std::to_string(i % 1000),
                            "GIVEN",
                            numberOf(i),
                            "UTO",
                            "800101",
                            "F",
                            "300101",
                            "",
                            ""};
#pragma GCC diagnostic pop
    auto lines = validation::composeMrz(f);
    std::string text;
    for (const auto& line : *lines) text += line + "\n";
    return text;
}

validation::TravelDocument documentOf(std::size_t i) {
    validation::ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    return *validation::parseMrzText(mrzOf(i), options);
}

/// A test store (fast key derivation) with an administrator and an officer "desk1" at `path`.
core::Status createStore(const std::string& path) {
    storage::CreateOptions o;
    o.kdf = privacy::KdfParams::fastForTests();
    o.testStore = true;
    if (auto s = storage::Store::create(path, "admin", password("pw"), o, kClock); !s) return core::fail(s.error());
    auto admin = storage::Store::open(path, "admin", password("pw"), {}, kClock);
    if (!admin) return core::fail(admin.error());
    return admin->users().add("desk1", privacy::Role::Officer, password("pw"), privacy::KdfParams::fastForTests());
}

/// The service on `store`, listening on a socket in `dir`; a client signed in as `user` through it.
struct Served {
    std::unique_ptr<service::Service> service;
    std::optional<client::Client> client;
    std::string error;

    Served(const std::string& store, const std::string& dir, const char* user, const char* pass) {
        auto started = service::Service::start({.storePath = store, .socketPath = dir + "/s.sock"}, kClock);
        if (!started) {
            error = started.error().message;
            return;
        }
        service = std::move(*started);
        auto c = client::Client::connect("unix:" + dir + "/s.sock", {.deadline = std::chrono::seconds{60}});
        if (!c) {
            error = c.error().message;
            return;
        }
        client.emplace(std::move(*c));
        if (user != nullptr)
            if (auto s = client->signIn(user, password(pass)); !s) error = s.error().message;
    }
};

std::vector<client::EncounterRequest> requests(std::size_t n, std::size_t first) {
    std::vector<client::EncounterRequest> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i].mrz = mrzOf(first + i);
        out[i].inspectionDate = "2026-11-27";
        out[i].source = "bench";
    }
    return out;
}

// ---- batched ingest ----

void BM_IngestSocket(benchmark::State& state) {
    const std::string dir = tempDir();
    const std::string store = dir + "/bench.db";
    if (auto s = createStore(store); !s) return state.SkipWithError(s.error().message.c_str());
    Served served(store, dir, "desk1", "pw");
    if (!served.error.empty()) return state.SkipWithError(served.error.c_str());
    const auto n = static_cast<std::size_t>(state.range(0));
    std::size_t next = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto batch = requests(n, next);
        next += n;
        state.ResumeTiming();
        auto saved = served.client->saveEncounters(batch);
        if (!saved) state.SkipWithError(saved.error().message.c_str());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    served.service->shutdown();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_IngestSocket)->Arg(100)->Arg(500)->Iterations(20)->Unit(benchmark::kMillisecond)->UseRealTime();

/// The same encounters saved in-process with the storage API (validation's parse included, as the service
/// re-parses every MRZ).
void BM_IngestInProcess(benchmark::State& state) {
    const std::string dir = tempDir();
    const std::string path = dir + "/bench.db";
    if (auto s = createStore(path); !s) return state.SkipWithError(s.error().message.c_str());
    auto store = storage::Store::open(path, "desk1", password("pw"), {}, kClock);
    if (!store) return state.SkipWithError(store.error().message.c_str());
    const auto n = static_cast<std::size_t>(state.range(0));
    std::size_t next = 0;
    for (auto _ : state) {
        std::vector<storage::EncounterDraft> drafts(n);
        for (std::size_t i = 0; i < n; ++i) {
            drafts[i].document = documentOf(next++);
            drafts[i].encounter.source = "bench";
        }
        auto saved = store->records().saveBatch(drafts);
        if (!saved) state.SkipWithError(saved.error().message.c_str());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    store->close();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_IngestInProcess)->Arg(100)->Arg(500)->Iterations(20)->Unit(benchmark::kMillisecond)->UseRealTime();

// ---- lookup over a large cached store ----

/// The cached lookup store with `records` generated records (filled in-process once; a marker file written
/// after the fill says it is complete, so an interrupted fill starts again).
core::Result<std::string> lookupStore(std::size_t records) {
    namespace fs = std::filesystem;
    const char* env = std::getenv("SECONDLINE_BENCH_CACHE");
    const fs::path cache = env ? fs::path(env) : fs::current_path() / "service-bench-cache";
    fs::create_directories(cache);
    fs::permissions(cache, fs::perms::owner_all);
    const std::string path = (cache / ("lookup-" + std::to_string(records) + ".db")).string();
    const std::string done = path + ".complete";
    if (fs::exists(done)) return path;
    // A fill that did not finish: its files (the database and those beside it) are removed first.
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(cache))
        if (entry.path().string().starts_with(path)) stale.push_back(entry.path());
    for (const auto& file : stale) fs::remove(file);
    if (auto s = createStore(path); !s) return core::fail(s.error());
    auto store = storage::Store::open(path, "desk1", password("pw"), {}, kClock);
    if (!store) return core::fail(store.error());
    std::vector<validation::TravelDocument> chunk;
    for (std::size_t done_ = 0; done_ < records; done_ += chunk.size()) {
        chunk.clear();
        for (std::size_t i = done_; i < std::min(records, done_ + 10000); ++i) chunk.push_back(documentOf(i));
        if (auto added = store->records().addBatch(chunk, {.source = "bench"}); !added)
            return core::fail(added.error());
    }
    store->close();
    std::ofstream(done) << records << "\n";
    return path;
}

void report(benchmark::State& state, std::vector<double>& latencies, std::size_t records) {
    std::sort(latencies.begin(), latencies.end());
    if (latencies.empty()) return;
    state.counters["p50_us"] = latencies[latencies.size() / 2];
    state.counters["p99_us"] = latencies[latencies.size() * 99 / 100];
    state.counters["records"] = static_cast<double>(records);
}

void BM_LookupSocket(benchmark::State& state) {
    const std::size_t records = envSize("SECONDLINE_BENCH_RECORDS", 1000000);
    auto path = lookupStore(records);
    if (!path) return state.SkipWithError(path.error().message.c_str());
    const std::string dir = tempDir();
    Served served(*path, dir, "desk1", "pw");
    if (!served.error.empty()) return state.SkipWithError(served.error.c_str());
    std::mt19937_64 rng(3);
    std::vector<double> latencies;
    for (auto _ : state) {
        const std::string number = numberOf(rng() % records);
        const auto start = std::chrono::steady_clock::now();
        auto found = served.client->findByDocument("UTO", number);
        latencies.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        if (!found || found->empty()) state.SkipWithError("lookup found nothing");
    }
    report(state, latencies, records);
    served.service->shutdown();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LookupSocket)->Iterations(2000)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_LookupInProcess(benchmark::State& state) {
    const std::size_t records = envSize("SECONDLINE_BENCH_RECORDS", 1000000);
    auto path = lookupStore(records);
    if (!path) return state.SkipWithError(path.error().message.c_str());
    auto store = storage::Store::open(*path, "desk1", password("pw"), {}, kClock);
    if (!store) return state.SkipWithError(store.error().message.c_str());
    std::mt19937_64 rng(3);
    std::vector<double> latencies;
    for (auto _ : state) {
        const std::string number = numberOf(rng() % records);
        const auto start = std::chrono::steady_clock::now();
        auto found = store->records().findByDocument("UTO", number);
        latencies.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        if (!found || found->empty()) state.SkipWithError("lookup found nothing");
    }
    report(state, latencies, records);
    store->close();
}
BENCHMARK(BM_LookupInProcess)->Iterations(2000)->Unit(benchmark::kMicrosecond)->UseRealTime();

// ---- sign-in at the production Argon2id cost ----

constexpr const char* kStrong = "bench-unlock-Kestrel-2026";

/// A production store (the default Argon2id cost, a password the production rule accepts) in `dir`.
core::Result<std::string> productionStore(const std::string& dir) {
    const std::string path = dir + "/prod.db";
    if (auto s = storage::Store::create(path, "admin", password(kStrong), {}, kClock); !s) return core::fail(s.error());
    return path;
}

void BM_SignInSocket(benchmark::State& state) {
    const std::string dir = tempDir();
    auto path = productionStore(dir);
    if (!path) return state.SkipWithError(path.error().message.c_str());
    Served served(*path, dir, nullptr, nullptr);
    if (!served.error.empty()) return state.SkipWithError(served.error.c_str());
    for (auto _ : state) {
        auto session = served.client->signIn("admin", password(kStrong));
        if (!session) state.SkipWithError(session.error().message.c_str());
        state.PauseTiming();
        if (auto s = served.client->signOut(); !s) state.SkipWithError(s.error().message.c_str());
        state.ResumeTiming();
    }
    served.service->shutdown();
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SignInSocket)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SignInInProcess(benchmark::State& state) {
    const std::string dir = tempDir();
    auto path = productionStore(dir);
    if (!path) return state.SkipWithError(path.error().message.c_str());
    for (auto _ : state) {
        auto s = storage::Store::open(*path, "admin", password(kStrong), {}, kClock);
        if (!s) state.SkipWithError(s.error().message.c_str());
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SignInInProcess)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace
