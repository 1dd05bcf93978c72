#pragma once
// Statistical disclosure control for published counts: every cell below a threshold k is suppressed
// (primary suppression), and further cells are suppressed so that no suppressed value can be recovered from
// the published row and column totals by subtraction (complementary suppression). Totals below k are
// suppressed too: a total describes a group as much as a cell does.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secondline::privacy {

/// A two-way table of counts. A one-way table has a single column.
struct CountTable {
    std::vector<std::string> rows;
    std::vector<std::string> columns;
    std::vector<std::int64_t> cells; ///< rows.size() x columns.size(), row by row
};

enum class Suppression : std::uint8_t {
    None,          ///< published
    Primary,       ///< fewer than k (and more than none)
    Complementary, ///< suppressed so that a primary cell cannot be worked out from the totals
};

struct ProtectedTable {
    std::vector<std::string> rows;
    std::vector<std::string> columns;
    std::vector<std::optional<std::int64_t>> cells; ///< nullopt: suppressed
    std::vector<std::optional<std::int64_t>> rowTotals;
    std::vector<std::optional<std::int64_t>> columnTotals;
    std::optional<std::int64_t> total;
    std::vector<Suppression> why;       ///< per cell
    std::vector<Suppression> rowWhy;    ///< per row total
    std::vector<Suppression> columnWhy; ///< per column total
    Suppression totalWhy = Suppression::None;
    int minCell = 0;
};

/// Protects a table with threshold `minCell` (k, at least 3). Zero cells are published: they describe no
/// one. Each row with its total, each column with its total, and the totals with the grand total, end with
/// none or at least two suppressed entries, so no suppressed value is the difference of published ones.
/// Complements are the smallest non-zero published cells of the line (so that the interval an attacker can
/// infer stays wide), a total only when nothing else is left; never a zero. Then an audit solves, for every small
/// cell, the least and greatest value it can take given all published figures and the knowledge that a
/// suppressed cell is at least one (zeros are never suppressed) (linear programs, GLPK); a cell pinned to one value
/// gets more suppressed around it until none is. Publish only that a value is suppressed, never why: the reason would
/// tell an attacker which cells are the small ones.
[[nodiscard]] ProtectedTable protect(const CountTable& table, int minCell);

} // namespace secondline::privacy
