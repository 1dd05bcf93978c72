#include <secondline/privacy/disclosure.h>

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <tuple>

namespace secondline::privacy {

namespace {

using Lines = std::vector<std::vector<std::size_t>>;

/// Suppresses until every line (its entries, its total last) has no gap, or at least two and, when its total
/// is published while it holds a small cell, a non-zero complementary cell: without one, an attacker who
/// knows that small cells lie between 1 and k-1 can pin them (two gaps of 1 under a total that leaves 2).
void completeLines(std::vector<Suppression>& state, const std::vector<std::int64_t>& value, const Lines& lines) {

    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& line : lines) {
            const std::size_t total = line.back();
            std::size_t hidden = 0;
            bool primary = false, slack = false;
            for (std::size_t i : line) {
                if (state[i] == Suppression::None) continue;
                ++hidden;
                primary = primary || state[i] == Suppression::Primary;
                slack = slack || (i != total && state[i] == Suppression::Complementary && value[i] > 0);
            }
            const bool needSlack = hidden >= 2 && state[total] == Suppression::None && primary && !slack;
            if (hidden != 1 && !needSlack) continue;
            // A zero is never suppressed, so that "suppressed" always means "at least one" (the audit's
            // assumption, and what an attacker who knows this method would assume).
            // The line's own total comes last: hiding it removes the line's constraint altogether.
            const auto rank = [&](std::size_t i) { return std::make_tuple(i == total ? 1 : 0, value[i], i); };
            std::optional<std::size_t> best;
            for (std::size_t i : line)
                if (state[i] == Suppression::None && (value[i] > 0 || i == total) && (!best || rank(i) < rank(*best)))
                    best = i;
            if (!best) continue;
            state[*best] = Suppression::Complementary;
            changed = true;
        }
    }
}

/// The audit: for each primary cell, the least and greatest value it can take given every published figure
/// (cells and totals), the additivity of the table, and what an attacker knows of suppressed cells: at least
/// one (zeros are never suppressed). Table margins make the constraint matrix totally unimodular,
/// so the linear programs' bounds are the integer bounds. Returns the inner cells pinned to one value.
std::vector<std::size_t> pinnedCells(const std::vector<Suppression>& state, const std::vector<std::int64_t>& value,
                                     std::size_t R, std::size_t C) {
    const std::size_t W = C + 1;
    std::vector<std::size_t> primaries;
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c)
            if (state[r * W + c] == Suppression::Primary) primaries.push_back(r * W + c);
    if (primaries.empty()) return {};
    glp_prob* lp = glp_create_prob();
    // Variables: the inner cells (published ones fixed at their value).
    glp_add_cols(lp, static_cast<int>(R * C));
    const auto var = [&](std::size_t r, std::size_t c) { return static_cast<int>(r * C + c + 1); };
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            const std::size_t i = r * W + c;
            const auto v = static_cast<double>(value[i]);
            if (state[i] == Suppression::None)
                glp_set_col_bnds(lp, var(r, c), GLP_FX, v, v);
            else
                glp_set_col_bnds(lp, var(r, c), GLP_LO, 1.0, 0.0); // suppressed: at least one, nothing more known
        }
    // Constraints: each published total (a suppressed one constrains nothing).
    std::vector<int> index(1);
    std::vector<double> coef(1);
    const auto constrain = [&](const std::vector<int>& vars, std::size_t totalAt) {
        if (state[totalAt] != Suppression::None) return;
        const int row = glp_add_rows(lp, 1);
        index.assign(1, 0);
        coef.assign(1, 0.0);
        for (int v : vars) {
            index.push_back(v);
            coef.push_back(1.0);
        }
        glp_set_mat_row(lp, row, static_cast<int>(vars.size()), index.data(), coef.data());
        glp_set_row_bnds(lp, row, GLP_FX, static_cast<double>(value[totalAt]), static_cast<double>(value[totalAt]));
    };
    std::vector<int> all;
    for (std::size_t r = 0; r < R; ++r) {
        std::vector<int> vars;
        for (std::size_t c = 0; c < C; ++c) vars.push_back(var(r, c));
        all.insert(all.end(), vars.begin(), vars.end());
        constrain(vars, r * W + C);
    }
    for (std::size_t c = 0; c < C; ++c) {
        std::vector<int> vars;
        for (std::size_t r = 0; r < R; ++r) vars.push_back(var(r, c));
        constrain(vars, R * W + c);
    }
    constrain(all, R * W + C);
    glp_smcp params;
    glp_init_smcp(&params);
    params.msg_lev = GLP_MSG_OFF;
    params.presolve = GLP_OFF;
    std::vector<std::size_t> pinned;
    for (std::size_t cell : primaries) {
        const int v = var(cell / W, cell % W);
        double bound[2] = {0, 0};
        for (int d = 0; d < 2; ++d) {
            for (int j = 1; j <= static_cast<int>(R * C); ++j) glp_set_obj_coef(lp, j, j == v ? 1.0 : 0.0);
            glp_set_obj_dir(lp, d == 0 ? GLP_MIN : GLP_MAX);
            if (glp_simplex(lp, &params) != 0 || glp_get_status(lp) != GLP_OPT) {
                bound[0] = 0;
                bound[1] = 0; // unsure: treat as pinned, so more is suppressed
                break;
            }
            bound[d] = glp_get_obj_val(lp);
        }
        if (std::floor(bound[1] + 1e-6) - std::ceil(bound[0] - 1e-6) < 1.0) pinned.push_back(cell);
    }
    glp_delete_prob(lp);
    glp_free_env(); // GLPK's per-thread environment: released, not left for the process's end
    return pinned;
}

} // namespace

ProtectedTable protect(const CountTable& table, int minCell) {
    const std::size_t R = table.rows.size(), C = table.columns.size();
    const std::int64_t k = std::max(3, minCell);
    // The augmented grid: inner cells, row totals in column C, column totals in row R, the grand total at (R, C).
    const std::size_t W = C + 1;
    std::vector<std::int64_t> value((R + 1) * W, 0);
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            const std::int64_t v = std::max<std::int64_t>(0, table.cells[r * C + c]);
            value[r * W + c] = v;
            value[r * W + C] += v;
            value[R * W + c] += v;
            value[R * W + C] += v;
        }
    std::vector<Suppression> state(value.size(), Suppression::None);
    for (std::size_t i = 0; i < value.size(); ++i)
        if (value[i] > 0 && value[i] < k) state[i] = Suppression::Primary;

    // Lines: every row and the margin row (R), every column and the margin column (C), each with its total.
    std::vector<std::vector<std::size_t>> lines;
    for (std::size_t r = 0; r <= R; ++r) {
        std::vector<std::size_t> line;
        for (std::size_t c = 0; c <= C; ++c) line.push_back(r * W + c);
        lines.push_back(std::move(line));
    }
    for (std::size_t c = 0; c <= C; ++c) {
        std::vector<std::size_t> line;
        for (std::size_t r = 0; r <= R; ++r) line.push_back(r * W + c);
        lines.push_back(std::move(line));
    }
    // Suppress until the audit finds no small cell an attacker could pin to one value.
    for (int round = 0; round < 1000; ++round) {
        completeLines(state, value, lines);
        const auto pinned = pinnedCells(state, value, R, C);
        if (pinned.empty()) break;
        // Widen the pinned cell's row: its smallest published non-zero cell, or failing one its row total.
        bool widened = false;
        for (std::size_t cell : pinned) {
            const std::size_t r = cell / W;
            std::optional<std::size_t> best;
            for (std::size_t c = 0; c < C; ++c) {
                const std::size_t i = r * W + c;
                if (state[i] == Suppression::None && value[i] > 0 && (!best || value[i] < value[*best])) best = i;
            }
            if (!best && state[r * W + C] == Suppression::None) best = r * W + C;
            const std::size_t c = cell % W;
            for (std::size_t rr = 0; rr < R && !best; ++rr)
                if (state[rr * W + c] == Suppression::None && value[rr * W + c] > 0) best = rr * W + c;
            if (!best && state[R * W + c] == Suppression::None) best = R * W + c;
            if (!best && state[R * W + C] == Suppression::None) best = R * W + C;
            if (best) {
                state[*best] = Suppression::Complementary;
                widened = true;
            }
        }
        if (!widened) break; // everything around it is suppressed already
    }

    ProtectedTable out;
    out.rows = table.rows;
    out.columns = table.columns;
    out.minCell = static_cast<int>(k);
    const auto publish = [&](std::size_t i) -> std::optional<std::int64_t> {
        if (state[i] != Suppression::None) return std::nullopt;
        return value[i];
    };
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            out.cells.push_back(publish(r * W + c));
            out.why.push_back(state[r * W + c]);
        }
    for (std::size_t r = 0; r < R; ++r) {
        out.rowTotals.push_back(publish(r * W + C));
        out.rowWhy.push_back(state[r * W + C]);
    }
    for (std::size_t c = 0; c < C; ++c) {
        out.columnTotals.push_back(publish(R * W + c));
        out.columnWhy.push_back(state[R * W + c]);
    }
    out.total = publish(R * W + C);
    out.totalWhy = state[R * W + C];
    return out;
}

} // namespace secondline::privacy
