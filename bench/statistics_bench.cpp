// A year of one busy desk: SECONDLINE_BENCH_RECORDS encounters (default 1,000,000) spread over 365 days in a
// real SQLCipher store, then the whole year read (Store::statistics) and aggregated with disclosure control
// and the bias report (analysis::buildReport). The store is built once, in a temporary folder, and removed after.
//   bash scripts/bench-statistics.sh

#include <secondline/analysis/statistics_report.h>
#include <secondline/capture/synthetic.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <cmath>
#include <random>

using namespace secondline;

namespace {

class StepClock final : public core::Clock {
public:
    core::TimePoint now() const override { return m_now; }
    void advance(std::chrono::milliseconds d) { m_now += d; }
    core::TimePoint m_now{std::chrono::sys_days{std::chrono::year{2025} / 1 / 1}};
};

core::SecretBytes secret() {
    const std::string_view s = "bench-password";
    return std::move(*core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}));
}

struct Fixture {
    std::filesystem::path dir;
    std::string path;
    StepClock clock;
    std::int64_t records = 0;
    core::TimePoint from, to;

    Fixture() {
        const char* env = std::getenv("SECONDLINE_BENCH_RECORDS");
        records = env ? std::atoll(env) : 1000000;
        dir = std::filesystem::temp_directory_path() / ("secondline-stats-bench-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        path = (dir / "year.db").string();
        storage::CreateOptions o;
        o.kdf = privacy::KdfParams::fastForTests();
        o.testStore = true;
        if (!storage::Store::create(path, "admin", secret(), o, clock)) std::abort();
        {
            auto admin = storage::Store::open(path, "admin", secret(), {}, clock);
            if (!admin || !admin->users().add("officer", privacy::Role::Officer, secret(), o.kdf) ||
                !admin->users().add("supervisor", privacy::Role::Supervisor, secret(), o.kdf))
                std::abort();
            // The default pack, keeping everything for the year (the benchmark reads a full year) and with the
            // longest idle time, so that one session can write the year in batches.
            std::string pack(privacy::Policy::presetText("default"));
            const auto replace = [&pack](const std::string& old, const std::string& with) {
                const auto at = pack.find(old);
                if (at == std::string::npos) std::abort();
                pack.replace(at, old.size(), with);
            };
            for (const char* outcome : {"open", "cleared"})
                replace(std::string("{\"outcome\": \"") + outcome + "\", \"days\": 30}",
                        std::string("{\"outcome\": \"") + outcome + "\", \"days\": 3650}");
            replace("\"idle_minutes\": 15", "\"idle_minutes\": 1440");
            if (auto loaded = admin->loadPolicy(pack); !loaded) {
                std::fprintf(stderr, "policy: %s\n", loaded.error().message.c_str());
                std::abort();
            }
        }
        // 500 generated documents of 40 nationalities, reused; outcomes and desks drawn per encounter.
        std::vector<validation::TravelDocument> docs;
        const auto today = std::chrono::floor<std::chrono::days>(clock.now());
        for (std::uint64_t i = 0; i < 500; ++i) {
            auto fields = capture::randomFields(i, validation::MrzFormat::TD3, today);
            auto lines = validation::composeMrz(fields);
            auto doc = lines ? validation::parseMrz(*lines, {.inspectionDate = today})
                             : core::Result<validation::TravelDocument>{};
            if (!lines || !doc) std::abort();
            docs.push_back(std::move(*doc));
        }
        from = clock.now();
        auto officer = storage::Store::open(path, "officer", secret(), {}, clock);
        if (!officer) std::abort();
        std::mt19937_64 rng(9);
        const char* outcomes[] = {"cleared", "cleared", "cleared", "cleared", "referred", "refused", "open"};
        const auto step = std::chrono::milliseconds{365LL * 86400 * 1000 / records};
        std::vector<validation::TravelDocument> batch;
        for (std::int64_t done = 0; done < records;) {
            storage::EncounterInfo enc;
            enc.source = rng() % 3 ? "scan" : "camera";
            enc.desk = "desk-" + std::to_string(1 + rng() % 3);
            enc.outcome = outcomes[rng() % 7];
            batch.clear();
            // A batch spans at most 12 hours of the year, within the session's idle time.
            const std::int64_t perBatch =
                std::max<std::int64_t>(1, std::chrono::hours{12} / std::max(step, std::chrono::milliseconds{1}));
            const std::int64_t n = std::min<std::int64_t>({1000, perBatch, records - done});
            for (std::int64_t i = 0; i < n; ++i) batch.push_back(docs[rng() % docs.size()]);
            if (auto added = officer->records().addBatch(batch, enc); !added) {
                std::fprintf(stderr, "ingest: %s\n", added.error().message.c_str());
                std::abort();
            }
            done += n;
            clock.advance(step * n);
        }
        to = clock.now() + std::chrono::days{1};
    }
    ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_YearOfOneDesk(benchmark::State& state) {
    auto& f = fixture();
    auto supervisor = storage::Store::open(f.path, "supervisor", secret(), {}, f.clock);
    if (!supervisor) {
        state.SkipWithError("sign-in failed");
        return;
    }
    std::size_t rows = 0;
    for (auto _ : state) {
        auto data = supervisor->statistics().rows(f.from, f.to);
        if (!data) {
            state.SkipWithError("statistics failed");
            return;
        }
        analysis::ReportOptions o;
        o.from = f.from;
        o.to = f.to;
        const auto report = analysis::buildReport(*data, o);
        benchmark::DoNotOptimize(report);
        rows = data->rows.size();
    }
    state.counters["records"] = static_cast<double>(rows);
}
BENCHMARK(BM_YearOfOneDesk)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_AggregateOnly(benchmark::State& state) {
    auto& f = fixture();
    auto supervisor = storage::Store::open(f.path, "supervisor", secret(), {}, f.clock);
    if (!supervisor) return;
    auto data = supervisor->statistics().rows(f.from, f.to);
    if (!data) return;
    for (auto _ : state) {
        analysis::ReportOptions o;
        o.from = f.from;
        o.to = f.to;
        benchmark::DoNotOptimize(analysis::buildReport(*data, o));
    }
    state.counters["records"] = static_cast<double>(data->rows.size());
    state.counters["bytes_per_row"] = static_cast<double>(sizeof(storage::StatisticsData::Row));
}
BENCHMARK(BM_AggregateOnly)->Unit(benchmark::kMillisecond)->Iterations(5);

/// The protection's harder case, without a store: a year of 1,000,000 records over 300 nationalities whose
/// sizes fall off steeply (dozens of groups below k, each needing complements and audits in three linked
/// breakdowns), 6 desks and 4 source devices, and some days with only a handful of records.
void BM_ManySmallGroups(benchmark::State& state) {
    using Data = storage::StatisticsData;
    Data data;
    const auto code = [&data](Data::Dimension d, const std::string& v) {
        auto& values = data.values[d];
        for (std::size_t i = 0; i < values.size(); ++i)
            if (values[i] == v) return static_cast<std::uint16_t>(i);
        values.push_back(v);
        return static_cast<std::uint16_t>(values.size() - 1);
    };
    std::mt19937_64 rng(5);
    std::vector<double> weights;
    for (int g = 0; g < 300; ++g) weights.push_back(1.0 / std::pow(g + 1.0, 2.6));
    std::discrete_distribution<int> nationality(weights.begin(), weights.end());
    const char* outcomes[] = {"cleared", "cleared", "cleared", "cleared", "referred", "refused", "open"};
    const char* sexes[] = {"F", "M", "X", ""};
    const char* ages[] = {"0-17", "18-29", "30-44", "45-59", "60+", "unknown"};
    const std::int64_t start = 1767225600;
    for (int i = 0; i < 1000000; ++i) {
        Data::Row r;
        // A quiet day now and then: a few records only.
        const std::int64_t day =
            rng() % 50 == 0 ? static_cast<std::int64_t>(rng() % 365) : static_cast<std::int64_t>(i % 365);
        r.time = start + day * 86400 + static_cast<std::int64_t>(rng() % 86400);
        r.processing = rng() % 7 == 6 ? -1 : static_cast<std::int32_t>(rng() % 7200);
        r.checkFailed = rng() % 300 == 0;
        r.corrections = rng() % 20 == 0 ? 1 : 0;
        r.missing = rng() % 500 == 0 ? 1 : 0;
        r.confidence = static_cast<std::uint8_t>(60 + rng() % 41);
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
        const auto nat = "N" + std::to_string(nationality(rng));
#pragma GCC diagnostic pop
        r.code[Data::Desk] = code(Data::Desk, "desk-" + std::to_string(rng() % 6));
        r.code[Data::Source] = code(Data::Source, "source-" + std::to_string(rng() % 4));
        r.code[Data::DocumentCode] = code(Data::DocumentCode, rng() % 20 ? "P" : "I");
        r.code[Data::IssuingState] = code(Data::IssuingState, nat);
        r.code[Data::Nationality] = code(Data::Nationality, nat);
        r.code[Data::Sex] = code(Data::Sex, sexes[rng() % 4]);
        r.code[Data::AgeBand] = code(Data::AgeBand, ages[rng() % 6]);
        const char* outcome = outcomes[rng() % 7];
        r.flagged = std::string_view(outcome) == "referred" && rng() % 2;
        r.code[Data::Outcome] = code(Data::Outcome, outcome);
        r.code[Data::Basis] = code(Data::Basis, r.flagged ? (rng() % 2 ? "fact" : "assessment") : "");
        data.rows.push_back(r);
    }
    analysis::ReportOptions o;
    o.from = core::TimePoint{std::chrono::seconds{start}};
    o.to = o.from + std::chrono::days{365};
    std::size_t suppressed = 0;
    for (auto _ : state) {
        const auto report = analysis::buildReport(data, o);
        suppressed = 0;
        for (const auto& c : report.counts)
            for (const auto& cell : c.table.cells) suppressed += cell ? 0u : 1u;
        benchmark::DoNotOptimize(report);
    }
    state.counters["records"] = static_cast<double>(data.rows.size());
    state.counters["suppressed_cells"] = static_cast<double>(suppressed);
}
BENCHMARK(BM_ManySmallGroups)->Unit(benchmark::kMillisecond)->Iterations(3);

} // namespace

BENCHMARK_MAIN();
