// The statistics report on generated encounter data: every count table keeps small cells out (also through
// its totals), the bias figures match an independent computation and reference values, and what is withheld
// is withheld everywhere (JSON and CSV).

#include <statistics_report.h>

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <functional>
#include <random>
#include <set>

using namespace secondline;
using Data = storage::StatisticsData;

namespace {

/// Generated records: nationality, sex, age band and outcome drawn with fixed rates per group.
struct Generated {
    Data data;
    struct Truth {
        std::int64_t n = 0, referred = 0, refused = 0;
    };
    std::map<std::string, Truth> byNationality;
    Truth all;
};

std::uint16_t codeOf(Data& d, Data::Dimension dim, const std::string& v) {
    auto& values = d.values[dim];
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] == v) return static_cast<std::uint16_t>(i);
    values.push_back(v);
    return static_cast<std::uint16_t>(values.size() - 1);
}

Generated generate(std::uint64_t seed) {
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

app::StatisticsReport reportOf(const Generated& g, int k = 5) {
    app::ReportOptions o;
    o.from = core::TimePoint{std::chrono::seconds{1767225600}};
    o.to = o.from + std::chrono::days{30};
    o.minCell = k;
    return app::buildReport(g.data, o);
}

} // namespace

TEST(StatisticsMath, WilsonAndTheZTestMatchReferenceValues) {
    // Newcombe (1998), table I: 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605; 0/10 -> 0-0.2775.
    auto ci = app::wilsonInterval(81, 263);
    EXPECT_NEAR(ci.low, 0.2553, 5e-4);
    EXPECT_NEAR(ci.high, 0.3662, 5e-4);
    ci = app::wilsonInterval(15, 148);
    EXPECT_NEAR(ci.low, 0.0624, 5e-4);
    EXPECT_NEAR(ci.high, 0.1605, 5e-4);
    ci = app::wilsonInterval(0, 10);
    EXPECT_NEAR(ci.low, 0.0, 1e-9);
    EXPECT_NEAR(ci.high, 0.2775, 5e-4);
    // 15/50 against 25/50: pooled p 0.4, se 0.09798, z -2.0412, two-sided p 0.0412.
    const auto t = app::twoProportionTest(15, 50, 25, 50);
    EXPECT_NEAR(t.z, -2.0412, 5e-4);
    EXPECT_NEAR(t.p, 0.0412, 5e-4);
}

TEST(StatisticsReport, DisparityFiguresMatchAnIndependentComputation) {
    const auto g = generate(7);
    const auto report = reportOf(g);
    ASSERT_TRUE(report.records);
    EXPECT_EQ(*report.records, g.all.n);
    const auto& byNat = report.bias[0];
    ASSERT_EQ(byNat.by, "nationality");
    const double groupsTested = static_cast<double>(byNat.groups.size());
    for (const auto& group : byNat.groups) {
        SCOPED_TRACE(group.group);
        const auto& truth = g.byNationality.at(group.group);
        if (!group.referral) continue;
        // Recomputed here from the raw counts, by the textbook formulas.
        const double n = static_cast<double>(truth.n), e = static_cast<double>(truth.referred);
        const double restN = static_cast<double>(g.all.n - truth.n),
                     restE = static_cast<double>(g.all.referred - truth.referred);
        const double p1 = e / n, p2 = restE / restN, pool = (e + restE) / (n + restN);
        const double z = (p1 - p2) / std::sqrt(pool * (1 - pool) * (1 / n + 1 / restN));
        const double p = 2 * (1 - 0.5 * std::erfc(-std::fabs(z) / std::sqrt(2.0)));
        const double zc = 1.959963984540054;
        const double centre = (e + zc * zc / 2) / (n + zc * zc);
        const double half = zc * std::sqrt(n) / (n + zc * zc) * std::sqrt(p1 * (1 - p1) + zc * zc / (4 * n));
        EXPECT_EQ(group.referral->events, truth.referred);
        EXPECT_EQ(group.referral->n, truth.n);
        EXPECT_NEAR(group.referral->rate, p1, 1e-12);
        EXPECT_NEAR(group.referral->z, z, 1e-9);
        EXPECT_NEAR(group.referral->p, p, 1e-9);
        EXPECT_NEAR(group.referral->pAdjusted, std::min(1.0, p * groupsTested), 1e-9);
        EXPECT_NEAR(group.referral->ci.low, centre - half, 1e-9);
        EXPECT_NEAR(group.referral->ci.high, centre + half, 1e-9);
    }
    // AAA is referred four times as often as the rest: flagged; BBB and CCC near the overall rate of the rest.
    const auto find = [&](const std::string& name) {
        for (const auto& grp : byNat.groups)
            if (grp.group == name) return grp;
        ADD_FAILURE() << name;
        return app::BiasGroup{};
    };
    ASSERT_TRUE(find("AAA").referral);
    EXPECT_TRUE(find("AAA").referral->disparity);
    EXPECT_GT(find("AAA").referral->z, 0);
    // DDD (40 records) carries a warning: a small sample, or withheld to protect EEE (3 records: the smallest
    // other row is the complement). EEE is withheld altogether.
    const auto ddd = find("DDD");
    bool warned = false;
    for (const auto& w : ddd.warnings)
        warned = warned || w.find("Fewer than 30") != std::string::npos ||
                 w.find("not reliable") != std::string::npos || w.find("withheld") != std::string::npos;
    EXPECT_TRUE(warned);
    const auto eee = find("EEE");
    EXPECT_FALSE(eee.records);
    EXPECT_FALSE(eee.referral);
    EXPECT_FALSE(eee.refusal);
    EXPECT_FALSE(report.warnings.empty());
}

TEST(StatisticsReport, NoPublishedCountIsSmallOrRecoverableFromTotals) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const auto g = generate(seed);
        for (int k : {3, 5, 10}) {
            const auto report = reportOf(g, k);
            for (const auto& section : report.counts) {
                SCOPED_TRACE(section.name + " k=" + std::to_string(k));
                const auto& t = section.table;
                const std::size_t R = t.rows.size(), C = t.columns.size();
                const auto small = [&](const std::optional<std::int64_t>& v) { return v && *v > 0 && *v < k; };
                for (const auto& v : t.cells) EXPECT_FALSE(small(v));
                for (const auto& v : t.rowTotals) EXPECT_FALSE(small(v));
                for (const auto& v : t.columnTotals) EXPECT_FALSE(small(v));
                EXPECT_FALSE(small(t.total));
                // No line with exactly one gap: a published total minus published cells would give it.
                for (std::size_t c = 0; c < C; ++c) {
                    int gaps = t.columnTotals[c] ? 0 : 1;
                    for (std::size_t r = 0; r < R; ++r) gaps += t.cells[r * C + c] ? 0 : 1;
                    EXPECT_NE(gaps, 1);
                }
                for (std::size_t r = 0; r < R; ++r) {
                    int gaps = t.rowTotals[r] ? 0 : 1;
                    for (std::size_t c = 0; c < C; ++c) gaps += t.cells[r * C + c] ? 0 : 1;
                    EXPECT_NE(gaps, 1);
                }
            }
            // Bias rates are published only where both counts behind them are at least k.
            for (const auto& b : report.bias)
                for (const auto& grp : b.groups) {
                    for (const auto* r : {&grp.referral, &grp.refusal}) {
                        if (!*r) continue;
                        EXPECT_TRUE((*r)->events == 0 || (*r)->events >= k);
                        EXPECT_TRUE((*r)->n - (*r)->events == 0 || (*r)->n - (*r)->events >= k);
                    }
                }
            for (const auto& q : report.quality)
                for (const auto& row : q.rows) EXPECT_TRUE(!row.records || *row.records >= k);
        }
    }
}

TEST(StatisticsReport, JsonAndCsvCarryTheSameSuppressionsAndNeverSayWhy) {
    const auto g = generate(11);
    const auto report = reportOf(g);
    const auto json = app::reportJson(report);
    EXPECT_EQ(json["format"], "secondline-statistics/1");
    EXPECT_EQ(json["min_cell"], 5);
    const std::string text = json.dump();
    EXPECT_EQ(text.find("fewer_than_k"), std::string::npos);
    EXPECT_EQ(text.find("protects"), std::string::npos);
    // The nationality table: EEE (3 records) is null, and so is one other cell.
    for (const auto& t : json["counts"]) {
        if (t["name"] != "by_nationality") continue;
        int nulls = 0;
        for (const auto& row : t["rows"]) {
            if (row["values"][0].is_null()) ++nulls;
            EXPECT_TRUE(row["label"] != "EEE" || row["values"][0].is_null());
        }
        EXPECT_GE(nulls, 2);
        EXPECT_EQ(t["total"], g.all.n);
    }
    const auto csv = app::reportCsv(report);
    EXPECT_EQ(csv.rfind("section,table,row,column,value,note\r\n", 0), 0u);
    EXPECT_NE(csv.find("counts,by_nationality,EEE,records,,suppressed\r\n"), std::string::npos);
    EXPECT_NE(csv.find("bias,nationality,AAA,referral_rate,"), std::string::npos);
    EXPECT_NE(csv.find("DISPARITY"), std::string::npos);
}

namespace {

/// Rows for one nationality: `both` flagged and refused, `referredOnly`, `refusedOnly`, `neither`.
void addGroup(Data& d, const std::string& nat, int both, int referredOnly, int refusedOnly, int neither,
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

std::optional<std::int64_t> intOf(const nlohmann::json& j) {
    return j.is_null() ? std::nullopt : std::optional<std::int64_t>(j.get<std::int64_t>());
}

} // namespace

// An attacker who reads the whole JSON report (the records by nationality, each group's records and rates in
// the bias section, the overall rates and the total) and knows that counts are whole and not negative, tries
// every combination of (records, referred, refused) per nationality that agrees with all of it. A small
// count (1 to k-1) must keep at least two possible values. Protecting each table on its own fails this: a
// row hidden in one table as a complement is printed in another.
TEST(StatisticsReport, AnAttackerReadingTheWholeReportCannotPinASmallCount) {
    std::mt19937_64 rng(20261128);
    int smallCountsChecked = 0;
    for (int round = 0; round < 150; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        const int k = round % 2 ? 3 : 5;
        Data data;
        struct Truth {
            std::int64_t n, r, f;
        };
        std::vector<Truth> truth;
        const std::vector<std::string> names = {"AAA", "BBB", "CCC"};
        for (const auto& nat : names) {
            const int both = static_cast<int>(rng() % 3), ro = static_cast<int>(rng() % 5),
                      fo = static_cast<int>(rng() % 4), ne = static_cast<int>(rng() % 9);
            if (both + ro + fo + ne == 0) {
                truth.push_back({0, 0, 0});
                continue;
            }
            addGroup(data, nat, both, ro, fo, ne, 1767225600 + 3600);
            truth.push_back({both + ro + fo + ne, both + ro, both + fo});
        }
        app::ReportOptions o;
        o.from = core::TimePoint{std::chrono::seconds{1767225600}};
        o.to = o.from + std::chrono::days{1};
        o.minCell = k;
        const auto json = app::reportJson(app::buildReport(data, o));

        // What the report says, per nationality and overall.
        struct Seen {
            std::optional<std::int64_t> n, r, f;
        };
        std::map<std::string, Seen> seen;
        const auto agree = [](std::optional<std::int64_t>& slot, std::optional<std::int64_t> v) {
            if (!v) return;
            EXPECT_TRUE(!slot || *slot == *v) << "two places print different values";
            slot = v;
        };
        for (const auto& t : json["counts"])
            if (t["name"] == "by_nationality")
                for (const auto& row : t["rows"]) agree(seen[row["label"]].n, intOf(row["values"][0]));
        for (const auto& b : json["bias"]["breakdowns"])
            if (b["by"] == "nationality")
                for (const auto& g : b["groups"]) {
                    auto& s = seen[g["group"]];
                    agree(s.n, intOf(g["records"]));
                    if (!g["referral"].is_null()) {
                        agree(s.n, intOf(g["referral"]["records"]));
                        agree(s.r, intOf(g["referral"]["events"]));
                    }
                    if (!g["refusal"].is_null()) {
                        agree(s.n, intOf(g["refusal"]["records"]));
                        agree(s.f, intOf(g["refusal"]["events"]));
                    }
                }
        const auto N = intOf(json["records"]);
        std::optional<std::int64_t> R, F;
        if (!json["bias"]["overall_referral"].is_null()) R = intOf(json["bias"]["overall_referral"]["events"]);
        if (!json["bias"]["overall_refusal"].is_null()) F = intOf(json["bias"]["overall_refusal"]["events"]);
        if (!N) continue; // fewer than k records: nothing is published

        // Every vector of records per nationality that meets the total; for each, every vector of referred
        // (and of refused) counts that meets the published figures. Referred and refused are tied only
        // through the records, so they are searched apart.
        std::vector<std::size_t> present;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (truth[i].n > 0) present.push_back(i);
        const std::size_t P = present.size();
        std::vector<std::array<std::set<std::int64_t>, 5>> values(P);
        std::vector<std::int64_t> n(P), e(P);
        // Events per group (each at most its records, fixed where printed) summing to `total` when printed.
        const auto events = [&](auto published, std::optional<std::int64_t> total,
                                std::vector<std::vector<std::int64_t>>& found) {
            std::function<void(std::size_t, std::int64_t)> go = [&](std::size_t at, std::int64_t sum) {
                if (at == P) {
                    if (!total || sum == *total) found.push_back(e);
                    return;
                }
                for (std::int64_t x = 0; x <= n[at]; ++x) {
                    const auto fixed = published(seen[names[present[at]]]);
                    if (fixed && *fixed != x) continue;
                    if (total && sum + x > *total) break;
                    e[at] = x;
                    go(at + 1, sum + x);
                }
            };
            go(0, 0);
        };
        std::function<void(std::size_t, std::int64_t)> records = [&](std::size_t at, std::int64_t sum) {
            if (at == P) {
                if (sum != *N) return;
                std::vector<std::vector<std::int64_t>> referred, refused;
                events([](const Seen& s) { return s.r; }, R, referred);
                events([](const Seen& s) { return s.f; }, F, refused);
                if (referred.empty() || refused.empty()) return;
                for (std::size_t p = 0; p < P; ++p) {
                    values[p][0].insert(n[p]);
                    for (const auto& r : referred) {
                        values[p][1].insert(r[p]);
                        values[p][2].insert(n[p] - r[p]);
                    }
                    for (const auto& f : refused) {
                        values[p][3].insert(f[p]);
                        values[p][4].insert(n[p] - f[p]);
                    }
                }
                return;
            }
            const auto& s = seen[names[present[at]]];
            for (std::int64_t x = 1; sum + x <= *N; ++x) {
                if (s.n && *s.n != x) continue;
                n[at] = x;
                records(at + 1, sum + x);
            }
        };
        records(0, 0);
        for (std::size_t p = 0; p < present.size(); ++p) {
            const auto& t = truth[present[p]];
            const std::int64_t figures[5] = {t.n, t.r, t.n - t.r, t.f, t.n - t.f};
            for (std::size_t x = 0; x < 5; ++x) {
                ASSERT_TRUE(values[p][x].count(figures[x])) << "the truth must be among the completions";
                if (figures[x] > 0 && figures[x] < k) {
                    ++smallCountsChecked;
                    EXPECT_GE(values[p][x].size(), 2u)
                        << names[present[p]] << " figure " << x << " = " << figures[x] << " is pinned";
                }
            }
        }
    }
    EXPECT_GT(smallCountsChecked, 300);
}

// Dates and days of the week share their records: a date withheld in one table must not be the only gap under
// a day of the week printed in the other.
TEST(StatisticsReport, ADateWithheldCannotBeReadOffItsDayOfTheWeek) {
    std::mt19937_64 rng(7);
    int gapsChecked = 0;
    for (int round = 0; round < 200; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        Data data;
        for (int day = 0; day < 15; ++day) {
            const int n = rng() % 3 == 0 ? static_cast<int>(rng() % 5) : static_cast<int>(rng() % 40);
            addGroup(data, "AAA", 0, 0, 0, n, 1767225600 + day * 86400 + 7200);
        }
        app::ReportOptions o;
        o.from = core::TimePoint{std::chrono::seconds{1767225600}};
        o.to = o.from + std::chrono::days{15};
        const auto json = app::reportJson(app::buildReport(data, o));
        std::map<std::string, std::optional<std::int64_t>> byDate, byWeekday;
        for (const auto& t : json["counts"]) {
            auto* into = t["name"] == "by_date" ? &byDate : t["name"] == "by_weekday" ? &byWeekday : nullptr;
            if (into)
                for (const auto& row : t["rows"]) (*into)[row["label"]] = intOf(row["values"][0]);
        }
        // 2026-01-01 was a Thursday.
        const char* names[] = {"Thursday", "Friday", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday"};
        std::map<std::string, int> gaps;
        for (const auto& [date, v] : byDate) {
            const int day = std::stoi(date.substr(8, 2)) - 1;
            if (!v) ++gaps[names[day % 7]];
        }
        for (const auto& [weekday, v] : byWeekday)
            if (v && gaps[weekday] > 0) {
                ++gapsChecked;
                EXPECT_GE(gaps[weekday], 2) << weekday << ": one date withheld under a printed day of the week";
            }
    }
    EXPECT_GT(gapsChecked, 20);
}

// Quality rates per desk and per source device split the same records: a failure count withheld for one desk
// must not be the difference between a source's count and the other desks'.
TEST(StatisticsReport, QualityRatesHideSmallCountsAcrossDesksAndSources) {
    Data data;
    const auto add = [&](const char* desk, int records, int failures) {
        for (int i = 0; i < records; ++i) {
            Data::Row r;
            r.time = 1767225600 + 3600;
            r.checkFailed = i < failures;
            r.corrections = i % 2 ? 1 : 0;
            for (auto [dim, v] :
                 {std::pair{Data::Source, "scan"}, std::pair{Data::DocumentCode, "P"},
                  std::pair{Data::IssuingState, "UTO"}, std::pair{Data::Nationality, "UTO"}, std::pair{Data::Sex, "F"},
                  std::pair{Data::AgeBand, "30-44"}, std::pair{Data::Outcome, "cleared"}, std::pair{Data::Basis, ""}})
                r.code[dim] = codeOf(data, dim, v);
            r.code[Data::Desk] = codeOf(data, Data::Desk, desk);
            data.rows.push_back(r);
        }
    };
    add("desk-1", 40, 2);  // 2 failures: below k
    add("desk-2", 50, 10); // the one source saw all 90 records and 12 failures
    app::ReportOptions o;
    o.from = core::TimePoint{std::chrono::seconds{1767225600}};
    o.to = o.from + std::chrono::days{1};
    const auto report = app::buildReport(data, o);
    ASSERT_EQ(report.quality.size(), 2u);
    const auto& desks = report.quality[0];
    const auto& sources = report.quality[1];
    ASSERT_EQ(desks.rows.size(), 2u);
    ASSERT_EQ(sources.rows.size(), 1u);
    EXPECT_FALSE(desks.rows[0].checkDigitFailureRate) << "2 failures of 40";
    // At least one more of the three failure counts is withheld, or 12 - 10 would give desk-1's 2.
    EXPECT_TRUE(!desks.rows[1].checkDigitFailureRate || !sources.rows[0].checkDigitFailureRate);
    // The correction rates (20 and 25 of each) are published, and every published rate is safe.
    ASSERT_TRUE(desks.rows[0].correctionRate);
    EXPECT_DOUBLE_EQ(*desks.rows[0].correctionRate, 0.5);
    for (const auto& q : report.quality)
        for (const auto& row : q.rows)
            for (const auto& rate : {row.checkDigitFailureRate, row.correctionRate, row.missingFieldRate}) {
                if (!rate) continue;
                ASSERT_TRUE(row.records);
                const auto events = std::llround(*rate * static_cast<double>(*row.records));
                EXPECT_TRUE(events == 0 || events >= 5);
                EXPECT_TRUE(*row.records - events == 0 || *row.records - events >= 5);
            }
}

// Issuing state and nationality are the same country on most passports (so in these generated records): a
// nationality withheld in one table must be withheld in the other, or the reader could take it from there.
TEST(StatisticsReport, IssuingStateDoesNotGiveAwayAWithheldNationality) {
    for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
        const auto g = generate(seed);
        for (int k : {5, 10, 50}) {
            const auto json = app::reportJson(reportOf(g, k));
            std::map<std::string, std::map<std::string, std::optional<std::int64_t>>> tables;
            for (const auto& t : json["counts"])
                for (const auto& row : t["rows"]) tables[t["name"]][row["label"]] = intOf(row["values"][0]);
            int withheld = 0;
            for (const auto& [label, n] : tables["by_nationality"]) {
                SCOPED_TRACE(label + " k=" + std::to_string(k));
                EXPECT_EQ(n.has_value(), tables["by_issuing_state"][label].has_value());
                withheld += n ? 0 : 1;
            }
            EXPECT_GE(withheld, 2);
        }
    }
}
