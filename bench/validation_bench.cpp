// Parse + validate + standardize throughput (issue target: at least 1,000,000 MRZs per second, one core).

#include <secondline/validation/mrz_parser.h>
#include <secondline/validation/mrz_writer.h>

#include <benchmark/benchmark.h>

#include <random>

using namespace secondline::validation;

namespace {

/// A mixed corpus of generated MRZs, all formats, some with damaged check digits.
std::vector<std::vector<std::string>> corpus(std::size_t n) {
    std::mt19937_64 rng(7);
    const char* letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    auto word = [&](int len) {
        std::string s;
        for (int i = 0; i < len; ++i) s += letters[rng() % 26];
        return s;
    };
    std::vector<std::vector<std::string>> out;
    while (out.size() < n) {
        MrzFields f;
        f.format = static_cast<MrzFormat>(out.size() % 5);
        f.documentCode = f.format == MrzFormat::TD3                                     ? "P"
                         : (f.format == MrzFormat::MRVA || f.format == MrzFormat::MRVB) ? "V"
                                                                                        : "I";
        // Real codes, as at a desk; one in a hundred unknown.
        static constexpr const char* kStates[] = {"UTO", "D",   "FRA", "NLD", "GBR", "USA", "IND", "CHN", "BRA", "NGA",
                                                  "EGY", "TUR", "RUS", "UKR", "POL", "ESP", "ITA", "MEX", "PHL", "XXA"};
        f.issuingState = rng() % 100 == 0 ? word(3) : kStates[rng() % 20];
        f.nationality = rng() % 4 == 0 ? kStates[rng() % 20] : f.issuingState;
        f.surname = word(3 + static_cast<int>(rng() % 10));
        f.givenNames = word(3 + static_cast<int>(rng() % 8)) + " " + word(4);
        f.documentNumber = word(2) + std::to_string(1000000 + rng() % 8999999);
        f.birthDate =
            "8" + std::to_string(rng() % 10) + "0" + std::to_string(1 + rng() % 9) + "1" + std::to_string(rng() % 10);
        f.expiryDate =
            "3" + std::to_string(rng() % 10) + "0" + std::to_string(1 + rng() % 9) + "2" + std::to_string(rng() % 10);
        f.sex = (rng() % 2) ? "M" : "F";
        auto lines = composeMrz(f);
        if (!lines) continue;
        if (rng() % 10 == 0) (*lines)[lines->size() - 1 - (f.format == MrzFormat::TD1 ? 1 : 0)][9] ^= 1;
        out.push_back(std::move(*lines));
    }
    return out;
}

void BM_ParseValidateStandardize(benchmark::State& state) {
    const auto mrzs = corpus(4096);
    ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    std::size_t i = 0;
    for (auto _ : state) {
        auto doc = parseMrz(mrzs[i++ & 4095], options);
        benchmark::DoNotOptimize(doc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseValidateStandardize);

/// Batch parsing: one document reused for every MRZ (as `secondline mrz parse` does).
void BM_ParseInto(benchmark::State& state) {
    const auto mrzs = corpus(4096);
    ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    TravelDocument doc;
    std::size_t i = 0;
    for (auto _ : state) {
        auto status = parseMrzInto(mrzs[i++ & 4095], options, doc);
        benchmark::DoNotOptimize(status);
        benchmark::DoNotOptimize(doc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseInto);

void BM_ParseText(benchmark::State& state) {
    const auto mrzs = corpus(4096);
    std::vector<std::string> texts;
    for (const auto& l : mrzs) {
        std::string t;
        for (const auto& s : l) t += s + "\n";
        texts.push_back(t);
    }
    ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    std::size_t i = 0;
    for (auto _ : state) {
        auto doc = parseMrzText(texts[i++ & 4095], options);
        benchmark::DoNotOptimize(doc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseText);

/// What `secondline mrz parse` does per block: text split into reused lines, parsed into a reused document.
void BM_ParseTextBatch(benchmark::State& state) {
    const auto mrzs = corpus(4096);
    std::vector<std::string> texts;
    for (const auto& l : mrzs) {
        std::string t;
        for (const auto& line : l) t += line + "\n";
        texts.push_back(t);
    }
    ParseOptions options;
    options.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    std::vector<std::string> lines;
    TravelDocument doc;
    std::size_t i = 0;
    for (auto _ : state) {
        auto split = splitMrzLinesInto(texts[i++ & 4095], lines);
        auto status = parseMrzInto(lines, options, doc);
        benchmark::DoNotOptimize(split);
        benchmark::DoNotOptimize(status);
        benchmark::DoNotOptimize(doc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseTextBatch);

} // namespace
