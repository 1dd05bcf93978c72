// The statistics report as published: what is withheld is withheld everywhere in the JSON and the CSV, never
// with the reason, and an attacker reading the whole JSON report cannot pin a small count (through linked
// tables: nationality and its rates, dates and days of the week, issuing state). The report's own figures:
// tests/unit/analysis/statistics_report_test.cpp.

#include "../analysis/statistics_rows.h"

#include <report_formats.h>

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>

using namespace secondline;
using namespace secondline::test;

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
        analysis::ReportOptions o;
        o.from = core::TimePoint{std::chrono::seconds{1767225600}};
        o.to = o.from + std::chrono::days{1};
        o.minCell = k;
        const auto json = app::reportJson(analysis::buildReport(data, o));

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
        analysis::ReportOptions o;
        o.from = core::TimePoint{std::chrono::seconds{1767225600}};
        o.to = o.from + std::chrono::days{15};
        const auto json = app::reportJson(analysis::buildReport(data, o));
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
