// Disclosure control: no small cell is published, none can be recovered by subtraction from published
// totals, and (checked by exhaustive search on small tables) none can be pinned to one value by an attacker
// who knows every published figure and that suppressed small cells lie between 1 and k-1.

#include <secondline/analysis/disclosure.h>

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <random>

namespace secondline::analysis {
namespace {

CountTable oneWay(std::vector<std::pair<std::string, std::int64_t>> cells) {
    CountTable t;
    t.columns = {"n"};
    for (auto& [label, n] : cells) {
        t.rows.push_back(label);
        t.cells.push_back(n);
    }
    return t;
}

TEST(Disclosure, ASingleSmallCellTakesTheSmallestOtherCellWithIt) {
    const auto p = protect(oneWay({{"A", 12}, {"B", 3}, {"C", 20}}), 5);
    EXPECT_EQ(p.why[1], Suppression::Primary);
    EXPECT_FALSE(p.cells[1]);
    EXPECT_EQ(p.why[0], Suppression::Complementary); // 12 rather than 20
    EXPECT_FALSE(p.cells[0]);
    EXPECT_EQ(p.cells[2], 20);
    EXPECT_EQ(p.total, 35);
    EXPECT_FALSE(p.rowTotals[1]); // a row total of a one-way table is the cell itself
}

TEST(Disclosure, TwoSmallCellsProtectEachOtherAndZerosArePublished) {
    const auto p = protect(oneWay({{"A", 12}, {"B", 3}, {"C", 0}, {"D", 1}}), 5);
    EXPECT_EQ(p.why[1], Suppression::Primary);
    EXPECT_EQ(p.why[3], Suppression::Primary);
    EXPECT_EQ(p.cells[2], 0);
    EXPECT_EQ(p.total, 16);
}

TEST(Disclosure, ASmallTotalIsSuppressedWithItsCells) {
    const auto p = protect(oneWay({{"A", 1}, {"B", 2}}), 5);
    EXPECT_FALSE(p.cells[0]);
    EXPECT_FALSE(p.cells[1]);
    EXPECT_FALSE(p.total);
}

/// Every feasible completion of the suppressed cells (each at least 1, at most `cap`) that meets every published
/// total. Returns, per suppressed cell, the set of values it takes across completions (capped search).
std::vector<std::set<std::int64_t>> feasibleValues(const ProtectedTable& p, std::int64_t cap) {
    const std::size_t R = p.rows.size(), C = p.columns.size();
    std::vector<std::size_t> hidden;
    for (std::size_t i = 0; i < R * C; ++i)
        if (!p.cells[i]) hidden.push_back(i);
    std::vector<std::int64_t> v(R * C, 0);
    for (std::size_t i = 0; i < R * C; ++i)
        if (p.cells[i]) v[i] = *p.cells[i];
    std::vector<std::set<std::int64_t>> seen(hidden.size());
    const auto consistent = [&] {
        std::int64_t total = 0;
        for (std::size_t r = 0; r < R; ++r) {
            std::int64_t s = 0;
            for (std::size_t c = 0; c < C; ++c) s += v[r * C + c];
            if (p.rowTotals[r] && *p.rowTotals[r] != s) return false;
            total += s;
        }
        for (std::size_t c = 0; c < C; ++c) {
            std::int64_t s = 0;
            for (std::size_t r = 0; r < R; ++r) s += v[r * C + c];
            if (p.columnTotals[c] && *p.columnTotals[c] != s) return false;
        }
        return !p.total || *p.total == total;
    };
    std::function<void(std::size_t)> search = [&](std::size_t at) {
        if (at == hidden.size()) {
            if (consistent())
                for (std::size_t h = 0; h < hidden.size(); ++h) seen[h].insert(v[hidden[h]]);
            return;
        }
        // The attacker knows a suppressed cell is at least 1 (zeros are published), not which ones are small.
        for (std::int64_t x = 1; x <= cap; ++x) {
            v[hidden[at]] = x;
            search(at + 1);
        }
    };
    search(0);
    return seen;
}

TEST(Disclosure, RandomTablesNeverPublishOrRevealASmallCell) {
    std::mt19937_64 rng(20261128);
    int checkedBySearch = 0;
    for (int round = 0; round < 2000; ++round) {
        CountTable t;
        const auto R = 1 + rng() % 5, C = 1 + rng() % 4;
        const int k = round % 3 == 0 ? 3 : 5;
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
        for (std::size_t r = 0; r < R; ++r) t.rows.push_back("r" + std::to_string(r));
        for (std::size_t c = 0; c < C; ++c) t.columns.push_back("c" + std::to_string(c));
#pragma GCC diagnostic pop
        for (std::size_t i = 0; i < R * C; ++i) {
            const auto roll = rng() % 10;
            t.cells.push_back(roll < 3   ? 0
                              : roll < 7 ? static_cast<std::int64_t>(1 + rng() % 6)
                                         : static_cast<std::int64_t>(rng() % 25));
        }
        const auto p = protect(t, k);
        SCOPED_TRACE("round " + std::to_string(round));
        // Published values are true and never small.
        std::vector<std::int64_t> rowSum(R, 0), colSum(C, 0);
        std::int64_t total = 0;
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t c = 0; c < C; ++c) {
                const auto v = t.cells[r * C + c];
                rowSum[r] += v;
                colSum[c] += v;
                total += v;
                if (p.cells[r * C + c]) {
                    EXPECT_EQ(*p.cells[r * C + c], v);
                    EXPECT_TRUE(v == 0 || v >= k);
                } else {
                    EXPECT_NE(p.why[r * C + c], Suppression::None);
                    EXPECT_GT(v, 0) << "a zero is never suppressed";
                }
            }
        for (std::size_t r = 0; r < R; ++r)
            EXPECT_TRUE(!p.rowTotals[r] || (*p.rowTotals[r] == rowSum[r] && (rowSum[r] == 0 || rowSum[r] >= k)));
        for (std::size_t c = 0; c < C; ++c)
            EXPECT_TRUE(!p.columnTotals[c] || (*p.columnTotals[c] == colSum[c] && (colSum[c] == 0 || colSum[c] >= k)));
        EXPECT_TRUE(!p.total || (*p.total == total && (total == 0 || total >= k)));
        // No line (a row or column with its total, or the totals with the grand total) has exactly one gap.
        for (std::size_t r = 0; r < R; ++r) {
            int gaps = p.rowTotals[r] ? 0 : 1;
            for (std::size_t c = 0; c < C; ++c) gaps += p.cells[r * C + c] ? 0 : 1;
            EXPECT_NE(gaps, 1) << "row " << r;
        }
        for (std::size_t c = 0; c < C; ++c) {
            int gaps = p.columnTotals[c] ? 0 : 1;
            for (std::size_t r = 0; r < R; ++r) gaps += p.cells[r * C + c] ? 0 : 1;
            EXPECT_NE(gaps, 1) << "column " << c;
        }
        // Exhaustive search on the small ones: every primary cell keeps at least two possible values.
        std::size_t hiddenCells = 0;
        for (const auto& cell : p.cells) hiddenCells += cell ? 0u : 1u;
        if (hiddenCells >= 1 && hiddenCells <= 4 && total <= 40) {
            ++checkedBySearch;
            const auto seen = feasibleValues(p, 30);
            std::size_t h = 0;
            for (std::size_t i = 0; i < R * C; ++i) {
                if (p.cells[i]) continue;
                EXPECT_TRUE(p.why[i] != Suppression::Primary || seen[h].size() >= 2u) << "cell " << i << " is pinned";
                ++h;
            }
        }
    }
    EXPECT_GT(checkedBySearch, 150);
}

} // namespace
} // namespace secondline::analysis
