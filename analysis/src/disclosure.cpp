#include <secondline/analysis/disclosure.h>

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

namespace secondline::analysis {

namespace {

using Kind = LinkedCounts::Kind;

Kind stronger(Kind a, Kind b) {
    const auto rank = [](Kind k) { return k == Kind::Known ? 2 : k == Kind::Publishable ? 1 : 0; };
    return rank(a) >= rank(b) ? a : b;
}

} // namespace

std::size_t LinkedCounts::unknown(std::int64_t value) {
    m_unknowns.push_back(std::max<std::int64_t>(0, value));
    return m_unknowns.size() - 1;
}

std::size_t LinkedCounts::figure(Terms terms, Kind kind) {
    std::sort(terms.begin(), terms.end());
    Terms merged;
    for (const auto& [u, c] : terms) {
        if (!merged.empty() && merged.back().first == u)
            merged.back().second += c;
        else
            merged.emplace_back(u, c);
    }
    std::erase_if(merged, [](const auto& t) { return t.second == 0; });
    if (const auto it = m_index.find(merged); it != m_index.end()) {
        m_figures[it->second].kind = stronger(m_figures[it->second].kind, kind);
        return it->second;
    }
    std::int64_t value = 0;
    for (const auto& [u, c] : merged) value += c * m_unknowns.at(u);
    m_figures.push_back({merged, kind, value});
    m_index.emplace(std::move(merged), m_figures.size() - 1);
    return m_figures.size() - 1;
}

std::size_t LinkedCounts::sum(const std::vector<std::size_t>& figures, Kind kind) {
    Terms terms;
    for (std::size_t f : figures) terms.insert(terms.end(), m_figures.at(f).terms.begin(), m_figures.at(f).terms.end());
    return figure(std::move(terms), kind);
}

void LinkedCounts::line(std::vector<std::size_t> parts, std::size_t total) {
    std::sort(parts.begin(), parts.end());
    parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
    if (parts.size() == 1 && parts.front() == total) return; // a one-way table's row: the cell is its total
    parts.push_back(total);
    m_lines.push_back(std::move(parts));
}

void LinkedCounts::setKind(std::size_t figure, Kind kind) {
    m_figures.at(figure).kind = kind;
}

std::int64_t LinkedCounts::value(std::size_t figure) const {
    return m_figures.at(figure).value;
}

namespace {

struct Model {
    const std::vector<std::int64_t>& unknowns;
    const std::vector<LinkedCounts::Terms>& terms;
    const std::vector<Kind>& kinds;
    const std::vector<std::int64_t>& values;
    const std::vector<std::vector<std::size_t>>& lines;
};

bool choosable(const Model& m, const std::vector<Suppression>& state, std::size_t i) {
    return state[i] == Suppression::None && m.kinds[i] == Kind::Publishable && m.values[i] > 0;
}

/// Suppresses until every line (its parts, its total last) has no gap, or at least two and, when its total
/// is published while it holds a small figure, a non-zero complementary part: without one, an attacker who
/// knows that small figures lie between 1 and k-1 can pin them (two gaps of 1 under a total that leaves 2).
/// A zero is never suppressed, so that "suppressed" always means "at least one" (the audit's assumption,
/// and what an attacker who knows this method would assume). Complements are the smallest non-zero parts
/// (so that the interval an attacker can infer stays wide), the line's total only when no part is left:
/// hiding it removes the line's constraint altogether.
void completeLines(const Model& m, std::vector<Suppression>& state) {
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& line : m.lines) {
            const std::size_t total = line.back();
            std::size_t hidden = 0;
            bool primary = false, slack = false;
            for (std::size_t i : line) {
                if (state[i] == Suppression::None) continue;
                ++hidden;
                primary = primary || state[i] == Suppression::Primary;
                slack = slack || (i != total && state[i] == Suppression::Complementary && m.values[i] > 0);
            }
            const bool needSlack = hidden >= 2 && state[total] == Suppression::None && primary && !slack;
            if (hidden != 1 && !needSlack) continue;
            const auto rank = [&](std::size_t i) { return std::make_tuple(i == total ? 1 : 0, m.values[i], i); };
            std::optional<std::size_t> best;
            for (std::size_t i : line)
                if (choosable(m, state, i) && (!best || rank(i) < rank(*best))) best = i;
            if (!best) continue;
            state[*best] = Suppression::Complementary;
            changed = true;
        }
    }
}

/// The audit: for each primary figure, the least and greatest value it can take given every published figure,
/// the unknowns being counts (not negative), and what an attacker knows of suppressed figures: at least one
/// (zeros are never suppressed). Linear programs (GLPK); a single table's margins make the constraint matrix
/// totally unimodular, so there the bounds are the integer bounds; for linked tables they may be wider than
/// the integer ones, which the rounding inward narrows. Returns the primary figures pinned to one value.
std::vector<std::size_t> pinnedFigures(const Model& m, const std::vector<Suppression>& state) {
    std::vector<std::size_t> primaries;
    for (std::size_t i = 0; i < state.size(); ++i)
        if (state[i] == Suppression::Primary) primaries.push_back(i);
    if (primaries.empty() || m.unknowns.empty()) return {};
    glp_prob* lp = glp_create_prob();
    const auto columns = static_cast<int>(m.unknowns.size());
    glp_add_cols(lp, columns);
    for (int j = 1; j <= columns; ++j) glp_set_col_bnds(lp, j, GLP_LO, 0.0, 0.0);
    std::vector<int> index;
    std::vector<double> coef;
    for (std::size_t i = 0; i < m.terms.size(); ++i) {
        if (m.terms[i].empty()) continue;
        const int row = glp_add_rows(lp, 1);
        index.assign(1, 0);
        coef.assign(1, 0.0);
        for (const auto& [u, c] : m.terms[i]) {
            index.push_back(static_cast<int>(u) + 1);
            coef.push_back(static_cast<double>(c));
        }
        glp_set_mat_row(lp, row, static_cast<int>(m.terms[i].size()), index.data(), coef.data());
        const auto v = static_cast<double>(m.values[i]);
        if (m.kinds[i] == Kind::Bound)
            glp_set_row_bnds(lp, row, GLP_LO, 0.0, 0.0);
        else if (state[i] == Suppression::None)
            glp_set_row_bnds(lp, row, GLP_FX, v, v);
        else
            glp_set_row_bnds(lp, row, GLP_LO, 1.0, 0.0); // suppressed: at least one, nothing more known
    }
    glp_smcp params;
    glp_init_smcp(&params);
    params.msg_lev = GLP_MSG_OFF;
    std::vector<std::size_t> pinned;
    for (std::size_t f : primaries) {
        for (int j = 1; j <= columns; ++j) glp_set_obj_coef(lp, j, 0.0);
        for (const auto& [u, c] : m.terms[f]) glp_set_obj_coef(lp, static_cast<int>(u) + 1, static_cast<double>(c));
        double bound[2] = {0, 0};
        for (int d = 0; d < 2; ++d) {
            glp_set_obj_dir(lp, d == 0 ? GLP_MIN : GLP_MAX);
            const int status = glp_simplex(lp, &params);
            if (status == 0 && glp_get_status(lp) == GLP_UNBND && d == 1) {
                bound[1] = std::numeric_limits<double>::infinity();
                continue;
            }
            if (status != 0 || glp_get_status(lp) != GLP_OPT) {
                bound[0] = 0;
                bound[1] = 0; // unsure: treat as pinned, so more is suppressed
                break;
            }
            bound[d] = glp_get_obj_val(lp);
        }
        if (std::floor(bound[1] + 1e-6) - std::ceil(bound[0] - 1e-6) < 1.0) pinned.push_back(f);
    }
    glp_delete_prob(lp);
    glp_free_env(); // GLPK's per-thread environment: released, not left for the process's end
    return pinned;
}

} // namespace

std::vector<Suppression> LinkedCounts::protect(int minCell) const {
    const std::int64_t k = std::max(3, minCell);
    std::vector<LinkedCounts::Terms> terms;
    std::vector<Kind> kinds;
    std::vector<std::int64_t> values;
    for (const auto& f : m_figures) {
        terms.push_back(f.terms);
        kinds.push_back(f.kind);
        values.push_back(f.value);
    }
    const Model m{m_unknowns, terms, kinds, values, m_lines};
    std::vector<Suppression> state(m_figures.size(), Suppression::None);
    for (std::size_t i = 0; i < state.size(); ++i) {
        if (kinds[i] == Kind::Bound)
            state[i] = Suppression::Complementary;
        else if (values[i] > 0 && values[i] < k)
            state[i] = Suppression::Primary;
    }
    std::vector<std::vector<std::size_t>> linesOf(m_figures.size());
    for (std::size_t l = 0; l < m_lines.size(); ++l)
        for (std::size_t i : m_lines[l]) linesOf[i].push_back(l);

    // Suppress until the audit finds no small figure an attacker could pin to one value.
    bool safe = false;
    for (int round = 0; round < 1000 && !safe; ++round) {
        completeLines(m, state);
        const auto pinned = pinnedFigures(m, state);
        if (pinned.empty()) {
            safe = true;
            break;
        }
        // Widen around each pinned figure: the smallest published non-zero part of one of its lines, or failing
        // one a total of one of them.
        bool widened = false;
        for (std::size_t f : pinned) {
            std::optional<std::size_t> best;
            for (const bool totals : {false, true}) {
                for (std::size_t l : linesOf[f])
                    for (std::size_t i : m_lines[l])
                        if ((i == m_lines[l].back()) == totals && choosable(m, state, i) &&
                            (!best || std::make_pair(values[i], i) < std::make_pair(values[*best], *best)))
                            best = i;
                if (best) break;
            }
            if (best) {
                state[*best] = Suppression::Complementary;
                widened = true;
            }
        }
        if (!widened) break;
    }
    if (!safe) // nothing left to widen with: withhold everything that may be withheld
        for (std::size_t i = 0; i < state.size(); ++i)
            if (state[i] == Suppression::None && kinds[i] == Kind::Publishable && values[i] > 0)
                state[i] = Suppression::Complementary;
    return state;
}

TableFigures addTable(LinkedCounts& counts, std::vector<std::string> rows, std::vector<std::string> columns,
                      std::vector<std::size_t> cells) {
    TableFigures t;
    const std::size_t R = rows.size(), C = columns.size();
    t.rows = std::move(rows);
    t.columns = std::move(columns);
    t.cells = std::move(cells);
    for (std::size_t r = 0; r < R; ++r) {
        std::vector<std::size_t> parts(t.cells.begin() + static_cast<std::ptrdiff_t>(r * C),
                                       t.cells.begin() + static_cast<std::ptrdiff_t>((r + 1) * C));
        t.rowTotals.push_back(counts.sum(parts));
        counts.line(parts, t.rowTotals.back());
    }
    for (std::size_t c = 0; c < C; ++c) {
        std::vector<std::size_t> parts;
        for (std::size_t r = 0; r < R; ++r) parts.push_back(t.cells[r * C + c]);
        t.columnTotals.push_back(counts.sum(parts));
        counts.line(parts, t.columnTotals.back());
    }
    t.total = counts.sum(t.rowTotals);
    counts.line(t.rowTotals, t.total);
    counts.line(t.columnTotals, t.total);
    return t;
}

ProtectedTable publishTable(const LinkedCounts& counts, const std::vector<Suppression>& state,
                            const TableFigures& table, int minCell) {
    ProtectedTable out;
    out.rows = table.rows;
    out.columns = table.columns;
    out.minCell = std::max(3, minCell);
    const auto publish = [&](std::size_t i) -> std::optional<std::int64_t> {
        if (state.at(i) != Suppression::None) return std::nullopt;
        return counts.value(i);
    };
    for (std::size_t i : table.cells) {
        out.cells.push_back(publish(i));
        out.why.push_back(state[i]);
    }
    for (std::size_t i : table.rowTotals) {
        out.rowTotals.push_back(publish(i));
        out.rowWhy.push_back(state[i]);
    }
    for (std::size_t i : table.columnTotals) {
        out.columnTotals.push_back(publish(i));
        out.columnWhy.push_back(state[i]);
    }
    out.total = publish(table.total);
    out.totalWhy = state[table.total];
    return out;
}

ProtectedTable protect(const CountTable& table, int minCell) {
    LinkedCounts counts;
    std::vector<std::size_t> cells;
    for (std::int64_t v : table.cells) cells.push_back(counts.figure({{counts.unknown(v), 1}}));
    const auto figures = addTable(counts, table.rows, table.columns, std::move(cells));
    return publishTable(counts, counts.protect(minCell), figures, minCell);
}

} // namespace secondline::analysis
