#pragma once
// Statistical disclosure control for published counts: every cell below a threshold k is suppressed
// (primary suppression), and further cells are suppressed so that no suppressed value can be recovered from
// the published row and column totals by subtraction (complementary suppression). Totals below k are
// suppressed too: a total describes a group as much as a cell does.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace secondline::analysis {

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

/// Counts published together that share what they count: linked tables. A table's cells and its margins, two
/// tables over the same groups (referred or not, refused or not), a breakdown and a coarser one over the same
/// records (dates and days of the week). Each figure is a signed sum of unknown non-negative counts; each
/// line is figures that add up to a total figure. Protecting the figures together, rather than each table on
/// its own, keeps a figure suppressed in one table from being read off another, and the audit sees every
/// published figure at once.
class LinkedCounts {
public:
    enum class Kind : std::uint8_t {
        Publishable, ///< protected here: published, or suppressed with the reason
        Known,       ///< published elsewhere whenever it is not small: audited as published, never a complement
        Bound,       ///< never published: tells an attacker only that it is not negative (a count no table shows)
    };
    using Terms = std::vector<std::pair<std::size_t, std::int64_t>>; ///< (unknown, coefficient), sorted

    /// A new unknown count with its true value (at least 0).
    std::size_t unknown(std::int64_t value);
    /// The figure summing `terms`; the same sum given twice is the same figure (so shared margins are shared).
    /// A figure given again with a stronger kind keeps the stronger one (Known over Publishable over Bound).
    std::size_t figure(Terms terms, Kind kind = Kind::Publishable);
    /// The figure summing other figures.
    std::size_t sum(const std::vector<std::size_t>& figures, Kind kind = Kind::Publishable);
    /// `parts` add up to `total` (all Publishable or Known).
    void line(std::vector<std::size_t> parts, std::size_t total);
    void setKind(std::size_t figure, Kind kind);

    [[nodiscard]] std::int64_t value(std::size_t figure) const;
    [[nodiscard]] std::size_t figures() const { return m_figures.size(); }

    /// Suppression of each figure under threshold `minCell` (k, at least 3), with the rules of `protect`
    /// below, audited over every published figure of the whole set. A Bound figure is reported as suppressed.
    /// When no complement can make a small figure safe, every non-zero figure that is not Known is suppressed.
    [[nodiscard]] std::vector<Suppression> protect(int minCell) const;

private:
    struct Figure {
        Terms terms;
        Kind kind;
        std::int64_t value;
    };
    std::vector<std::int64_t> m_unknowns;
    std::vector<Figure> m_figures;
    std::map<Terms, std::size_t> m_index;
    std::vector<std::vector<std::size_t>> m_lines; ///< parts, then the total
};

/// Where a two-way table's entries are among linked figures.
struct TableFigures {
    std::vector<std::string> rows;
    std::vector<std::string> columns;
    std::vector<std::size_t> cells; ///< rows x columns, row by row
    std::vector<std::size_t> rowTotals;
    std::vector<std::size_t> columnTotals;
    std::size_t total = 0;
};

/// Adds a table over existing cell figures: its row, column and grand totals (shared with any other table
/// that has the same sums) and its lines.
TableFigures addTable(LinkedCounts& counts, std::vector<std::string> rows, std::vector<std::string> columns,
                      std::vector<std::size_t> cells);

/// The table as published under the suppression `state` from `LinkedCounts::protect`.
[[nodiscard]] ProtectedTable publishTable(const LinkedCounts& counts, const std::vector<Suppression>& state,
                                          const TableFigures& table, int minCell);

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

} // namespace secondline::analysis
