#include "report_formats.h"

#include "csv.h"

#include <cstdio>

namespace secondline::app {

namespace {

using analysis::Rate;

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

nlohmann::json valueOrNull(const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// Whether a value is suppressed; never why (that would point at the small cells).
nlohmann::json suppressionJson(analysis::Suppression s) {
    return s != analysis::Suppression::None;
}

nlohmann::json rateOrNull(const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json rateJson(const std::optional<Rate>& r) {
    if (!r) return nullptr;
    const auto tested = [&](double v) { return r->tested ? nlohmann::json(v) : nlohmann::json(nullptr); };
    return {{"events", r->events},
            {"records", r->n},
            {"rate", r->rate},
            {"ci95_low", r->ci.low},
            {"ci95_high", r->ci.high},
            {"z", tested(r->z)},
            {"p", tested(r->p)},
            {"p_adjusted", tested(r->pAdjusted)},
            {"disparity", r->tested ? nlohmann::json(r->disparity) : nlohmann::json(nullptr)}};
}

} // namespace

nlohmann::json reportJson(const analysis::StatisticsReport& report) {
    using nlohmann::json;
    json out;
    out["format"] = "secondline-statistics/1";
    out["from"] = core::formatUtc(report.options.from);
    out["to"] = core::formatUtc(report.options.to);
    out["desk"] = report.options.desk ? json(*report.options.desk) : json(nullptr);
    out["min_cell"] = report.options.minCell;
    out["records"] = valueOrNull(report.records);
    json counts = json::array();
    for (const auto& c : report.counts) {
        const auto& t = c.table;
        json rows = json::array();
        for (std::size_t r = 0; r < t.rows.size(); ++r) {
            json values = json::array(), why = json::array();
            for (std::size_t col = 0; col < t.columns.size(); ++col) {
                values.push_back(valueOrNull(t.cells[r * t.columns.size() + col]));
                why.push_back(suppressionJson(t.why[r * t.columns.size() + col]));
            }
            rows.push_back({{"label", t.rows[r]},
                            {"values", values},
                            {"suppressed", why},
                            {"total", valueOrNull(t.rowTotals[r])}});
        }
        json columnTotals = json::array();
        for (const auto& v : t.columnTotals) columnTotals.push_back(valueOrNull(v));
        counts.push_back({{"name", c.name},
                          {"title", c.title},
                          {"columns", t.columns},
                          {"rows", rows},
                          {"column_totals", columnTotals},
                          {"total", valueOrNull(t.total)}});
    }
    out["counts"] = counts;
    json quality = json::array();
    for (const auto& q : report.quality) {
        json rows = json::array();
        for (const auto& r : q.rows) {
            if (!r.records) {
                rows.push_back({{"group", r.group}, {"records", nullptr}, {"suppressed", true}});
                continue;
            }
            rows.push_back({{"group", r.group},
                            {"records", *r.records},
                            {"check_digit_failure_rate", rateOrNull(r.checkDigitFailureRate)},
                            {"correction_rate", rateOrNull(r.correctionRate)},
                            {"missing_field_rate", rateOrNull(r.missingFieldRate)},
                            {"mean_lowest_confidence", r.meanConfidence}});
        }
        quality.push_back({{"by", q.by}, {"rows", rows}});
    }
    out["quality"] = quality;
    json bias = json::array();
    for (const auto& b : report.bias) {
        json groups = json::array();
        for (const auto& g : b.groups)
            groups.push_back({{"group", g.group},
                              {"records", valueOrNull(g.records)},
                              {"referral", rateJson(g.referral)},
                              {"refusal", rateJson(g.refusal)},
                              {"warnings", g.warnings}});
        bias.push_back({{"by", b.by}, {"groups", groups}});
    }
    out["bias"] = {{"overall_referral", rateJson(report.overallReferral)},
                   {"overall_refusal", rateJson(report.overallRefusal)},
                   {"breakdowns", bias}};
    out["warnings"] = report.warnings;
    return out;
}

std::string reportCsv(const analysis::StatisticsReport& report) {
    std::string out = "section,table,row,column,value,note\r\n";
    const auto line = [&out](const std::string& section, const std::string& table, const std::string& row,
                             const std::string& column, const std::string& value, const std::string& note) {
        out += csvField(section) + "," + csvField(table) + "," + csvField(row) + "," + csvField(column) + "," +
               csvField(value) + "," + csvField(note) + "\r\n";
    };
    const auto count = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
    const auto note = [](analysis::Suppression s) {
        return s == analysis::Suppression::None ? std::string() : std::string("suppressed");
    };
    line("summary", "period", core::formatUtc(report.options.from), core::formatUtc(report.options.to),
         count(report.records), "min_cell " + std::to_string(report.options.minCell));
    for (const auto& c : report.counts) {
        const auto& t = c.table;
        for (std::size_t r = 0; r < t.rows.size(); ++r)
            for (std::size_t col = 0; col < t.columns.size(); ++col)
                line("counts", c.name, t.rows[r], t.columns[col], count(t.cells[r * t.columns.size() + col]),
                     note(t.why[r * t.columns.size() + col]));
        line("counts", c.name, "total", "records", count(t.total), note(t.totalWhy));
    }
    for (const auto& q : report.quality)
        for (const auto& r : q.rows) {
            if (!r.records) {
                line("quality", q.by, r.group, "records", "", "suppressed");
                continue;
            }
            line("quality", q.by, r.group, "records", std::to_string(*r.records), "");
            for (const auto& [name, value] :
                 {std::pair{"check_digit_failure_rate", r.checkDigitFailureRate},
                  std::pair{"correction_rate", r.correctionRate}, std::pair{"missing_field_rate", r.missingFieldRate}})
                line("quality", q.by, r.group, name, value ? fixed(*value, 4) : std::string(),
                     value ? "" : "suppressed");
            line("quality", q.by, r.group, "mean_lowest_confidence", fixed(r.meanConfidence, 1), "");
        }
    const auto rate = [&](const std::string& table, const std::string& group, const char* what,
                          const std::optional<Rate>& r) {
        if (!r) {
            line("bias", table, group, std::string(what) + "_rate", "", "suppressed");
            return;
        }
        line("bias", table, group, std::string(what) + "_rate", fixed(r->rate, 4),
             "ci95 " + fixed(r->ci.low, 4) + "-" + fixed(r->ci.high, 4) +
                 (r->tested ? "; z " + fixed(r->z, 2) + "; p " + fixed(r->p, 4) + "; p_adjusted " +
                                  fixed(r->pAdjusted, 4) + (r->disparity ? "; DISPARITY" : "")
                            : std::string("; not tested")));
    };
    rate("overall", "all", "referral", report.overallReferral);
    rate("overall", "all", "refusal", report.overallRefusal);
    for (const auto& b : report.bias)
        for (const auto& g : b.groups) {
            line("bias", b.by, g.group, "records", count(g.records), g.records ? "" : "suppressed");
            rate(b.by, g.group, "referral", g.referral);
            rate(b.by, g.group, "refusal", g.refusal);
        }
    for (const auto& w : report.warnings) line("warning", "", "", "", "", w);
    return out;
}

} // namespace secondline::app
