// The statistics report on generated encounter data: every count table keeps small cells out (also through
// its totals), the bias figures match an independent computation and reference values, and quality rates hide
// small counts across desks and sources. What the JSON and CSV publish: tests/unit/app/report_formats_test.cpp.

#include "statistics_rows.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace secondline;
using namespace secondline::test;

TEST(StatisticsMath, WilsonAndTheZTestMatchReferenceValues) {
    // Newcombe (1998), table I: 81/263 -> 0.2553-0.3662; 15/148 -> 0.0624-0.1605; 0/10 -> 0-0.2775.
    auto ci = analysis::wilsonInterval(81, 263);
    EXPECT_NEAR(ci.low, 0.2553, 5e-4);
    EXPECT_NEAR(ci.high, 0.3662, 5e-4);
    ci = analysis::wilsonInterval(15, 148);
    EXPECT_NEAR(ci.low, 0.0624, 5e-4);
    EXPECT_NEAR(ci.high, 0.1605, 5e-4);
    ci = analysis::wilsonInterval(0, 10);
    EXPECT_NEAR(ci.low, 0.0, 1e-9);
    EXPECT_NEAR(ci.high, 0.2775, 5e-4);
    // 15/50 against 25/50: pooled p 0.4, se 0.09798, z -2.0412, two-sided p 0.0412.
    const auto t = analysis::twoProportionTest(15, 50, 25, 50);
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
        return analysis::BiasGroup{};
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
    analysis::ReportOptions o;
    o.from = core::TimePoint{std::chrono::seconds{1767225600}};
    o.to = o.from + std::chrono::days{1};
    const auto report = analysis::buildReport(data, o);
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
