#pragma once
// Generated statistics rows for the report tests: those of the analysis library (tests/unit/analysis) and those
// of the report's JSON and CSV (tests/unit/app). Synthetic only: groups with fixed rates, no identity.

#include <secondline/analysis/statistics_report.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace secondline::test {

using Data = storage::StatisticsData;

/// Generated records: nationality, sex, age band and outcome drawn with fixed rates per group.
struct Generated {
    Data data;
    struct Truth {
        std::int64_t n = 0, referred = 0, refused = 0;
    };
    std::map<std::string, Truth> byNationality;
    Truth all;
};

inline std::uint16_t codeOf(Data& d, Data::Dimension dim, const std::string& v) {
    auto& values = d.values[dim];
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] == v) return static_cast<std::uint16_t>(i);
    values.push_back(v);
    return static_cast<std::uint16_t>(values.size() - 1);
}

inline Generated generate(std::uint64_t seed) {
    Generated g;
    std::mt19937_64 rng(seed);
    // Nationality, records, referral probability.
    const std::vector<std::tuple<std::string, int, double>> groups = {
        {"AAA", 4000, 0.20}, {"BBB", 3000, 0.05}, {"CCC", 2500, 0.06}, {"DDD", 40, 0.10}, {"EEE", 3, 0.34}};
    const std::int64_t start = 1767225600; // 2026-01-01T00:00:00Z
    for (const auto& [nat, count, p] : groups) {
        for (int i = 0; i < count; ++i) {
            Data::Row r;
            r.time = start + static_cast<std::int64_t>(rng() % (86400 * 30));
            const bool referred = std::uniform_real_distribution<>(0, 1)(rng) < p;
            const bool refused = !referred && rng() % 50 == 0;
            r.flagged = referred && rng() % 2 == 0; // the rest are referred by outcome
            r.checkFailed = rng() % 40 == 0;
            r.corrections = rng() % 10 == 0 ? 1 : 0;
            r.confidence = static_cast<std::uint8_t>(70 + rng() % 31);
            r.processing = static_cast<std::int32_t>(rng() % 3600);
            r.code[Data::Desk] = codeOf(g.data, Data::Desk, rng() % 2 ? "desk-1" : "desk-2");
            r.code[Data::Source] = codeOf(g.data, Data::Source, rng() % 3 ? "scan" : "camera");
            r.code[Data::DocumentCode] = codeOf(g.data, Data::DocumentCode, "P");
            r.code[Data::IssuingState] = codeOf(g.data, Data::IssuingState, nat);
            r.code[Data::Nationality] = codeOf(g.data, Data::Nationality, nat);
            r.code[Data::Sex] = codeOf(g.data, Data::Sex, rng() % 2 ? "F" : "M");
            r.code[Data::AgeBand] = codeOf(g.data, Data::AgeBand, rng() % 3 ? "30-44" : "18-29");
            r.code[Data::Outcome] = codeOf(g.data, Data::Outcome,
                                           refused                  ? "refused"
                                           : referred && !r.flagged ? "referred"
                                                                    : "cleared");
            r.code[Data::Basis] = codeOf(g.data, Data::Basis, r.flagged ? (rng() % 2 ? "fact" : "assessment") : "");
            g.data.rows.push_back(r);
            auto& t = g.byNationality[nat];
            for (auto* x : {&t, &g.all}) {
                ++x->n;
                x->referred += referred;
                x->refused += refused;
            }
        }
    }
    return g;
}

inline analysis::StatisticsReport reportOf(const Generated& g, int k = 5) {
    analysis::ReportOptions o;
    o.from = core::TimePoint{std::chrono::seconds{1767225600}};
    o.to = o.from + std::chrono::days{30};
    o.minCell = k;
    return analysis::buildReport(g.data, o);
}

/// Rows for one nationality: `both` flagged and refused, `referredOnly`, `refusedOnly`, `neither`.
inline void addGroup(Data& d, const std::string& nat, int both, int referredOnly, int refusedOnly, int neither,
                     std::int64_t time) {
    const auto add = [&](bool flagged, const char* outcome, int count) {
        for (int i = 0; i < count; ++i) {
            Data::Row r;
            r.time = time;
            r.flagged = flagged;
            r.processing = 600;
            for (auto [dim, v] :
                 {std::pair{Data::Desk, "desk-1"}, std::pair{Data::Source, "scan"}, std::pair{Data::DocumentCode, "P"},
                  std::pair{Data::IssuingState, "UTO"}, std::pair{Data::Sex, "F"}, std::pair{Data::AgeBand, "30-44"},
                  std::pair{Data::Basis, ""}})
                r.code[dim] = codeOf(d, dim, v);
            r.code[Data::Nationality] = codeOf(d, Data::Nationality, nat);
            r.code[Data::Outcome] = codeOf(d, Data::Outcome, outcome);
            d.rows.push_back(r);
        }
    };
    add(true, "refused", both);
    add(true, "cleared", referredOnly);
    add(false, "refused", refusedOnly);
    add(false, "cleared", neither);
}

} // namespace secondline::test
