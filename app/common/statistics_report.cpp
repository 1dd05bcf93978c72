#include "statistics_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>

namespace secondline::app {

namespace {

using Data = storage::StatisticsData;
constexpr std::int64_t kDay = 86400;

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string dateOf(std::int64_t seconds) {
    const std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::days{seconds / kDay}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

/// A one-way table (one "records" column) from labelled counts.
privacy::CountTable oneWay(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
    privacy::CountTable t;
    t.columns = {"records"};
    for (const auto& [label, n] : counts) {
        t.rows.push_back(label);
        t.cells.push_back(n);
    }
    return t;
}

/// Counts per value of a dimension, labelled and sorted by label.
std::vector<std::pair<std::string, std::int64_t>> byDimension(const Data& data, const std::vector<std::int64_t>& n,
                                                              Data::Dimension d) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i] > 0) out.emplace_back(data.values[d][i].empty() ? "(none)" : data.values[d][i], n[i]);
    std::sort(out.begin(), out.end());
    return out;
}

const char* kProcessingBands[] = {"under 5 min", "5-15 min", "15-30 min", "30-60 min",
                                  "1-4 h",       "over 4 h", "still open"};

std::size_t processingBand(std::int32_t seconds) {
    if (seconds < 0) return 6;
    if (seconds < 300) return 0;
    if (seconds < 900) return 1;
    if (seconds < 1800) return 2;
    if (seconds < 3600) return 3;
    if (seconds < 14400) return 4;
    return 5;
}

std::string groupLabel(Data::Dimension d, const std::string& value) {
    if (value.empty()) return d == Data::Sex ? "unspecified" : "(none)";
    return value;
}

nlohmann::json valueOrNull(const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

/// Whether a value is suppressed; never why (that would point at the small cells).
nlohmann::json suppressionJson(privacy::Suppression s) {
    return s != privacy::Suppression::None;
}

nlohmann::json rateJson(const std::optional<Rate>& r) {
    if (!r) return nullptr;
    return {{"events", r->events},      {"records", r->n}, {"rate", r->rate}, {"ci95_low", r->ci.low},
            {"ci95_high", r->ci.high},  {"z", r->z},       {"p", r->p},       {"p_adjusted", r->pAdjusted},
            {"disparity", r->disparity}};
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace

Interval wilsonInterval(std::int64_t events, std::int64_t n, double z) {
    if (n <= 0) return {};
    const double nn = static_cast<double>(n);
    const double p = static_cast<double>(events) / nn;
    const double z2 = z * z;
    const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

ProportionTest twoProportionTest(std::int64_t events1, std::int64_t n1, std::int64_t events2, std::int64_t n2) {
    if (n1 <= 0 || n2 <= 0) return {};
    const double p1 = static_cast<double>(events1) / static_cast<double>(n1);
    const double p2 = static_cast<double>(events2) / static_cast<double>(n2);
    const double pooled = static_cast<double>(events1 + events2) / static_cast<double>(n1 + n2);
    const double se =
        std::sqrt(pooled * (1 - pooled) * (1.0 / static_cast<double>(n1) + 1.0 / static_cast<double>(n2)));
    if (se == 0) return {};
    const double z = (p1 - p2) / se;
    return {z, std::erfc(std::fabs(z) / std::sqrt(2.0))};
}

StatisticsReport buildReport(const Data& data, const ReportOptions& options) {
    StatisticsReport report;
    report.options = options;
    const int k = std::max(3, options.minCell);
    report.options.minCell = k;

    // One pass over the rows.
    std::array<std::vector<std::int64_t>, Data::kDimensions> perValue;
    for (std::size_t d = 0; d < Data::kDimensions; ++d) perValue[d].assign(data.values[d].size(), 0);
    std::array<std::int64_t, 24> hours{};
    std::array<std::int64_t, 7> weekdays{};
    std::map<std::int64_t, std::int64_t> days;
    std::array<std::int64_t, 7> processing{};
    std::array<std::int64_t, 3> basis{}; // fact, assessment, untyped (flagged records only)
    struct Quality {
        std::int64_t n = 0, failed = 0, corrected = 0, missing = 0, confidence = 0;
    };
    std::vector<Quality> byDesk(data.values[Data::Desk].size()), bySource(data.values[Data::Source].size());
    struct Outcomes {
        std::int64_t n = 0, referred = 0, refused = 0;
    };
    const Data::Dimension biasDims[] = {Data::Nationality, Data::Sex, Data::AgeBand};
    std::array<std::vector<Outcomes>, 3> bias;
    for (std::size_t i = 0; i < 3; ++i) bias[i].resize(data.values[biasDims[i]].size());
    std::vector<char> isReferred(data.values[Data::Outcome].size()), isRefused(data.values[Data::Outcome].size());
    for (std::size_t i = 0; i < isReferred.size(); ++i) {
        isReferred[i] = data.values[Data::Outcome][i] == "referred";
        isRefused[i] = data.values[Data::Outcome][i] == "refused";
    }
    std::vector<std::uint8_t> basisIndex(data.values[Data::Basis].size(), 2);
    for (std::size_t i = 0; i < basisIndex.size(); ++i)
        basisIndex[i] = data.values[Data::Basis][i] == "fact" ? 0 : data.values[Data::Basis][i] == "assessment" ? 1 : 2;
    Outcomes all;
    for (const auto& r : data.rows) {
        for (std::size_t d = 0; d < Data::kDimensions; ++d) ++perValue[d][r.code[d]];
        const std::int64_t day = r.time >= 0 ? r.time / kDay : (r.time - kDay + 1) / kDay;
        ++hours[static_cast<std::size_t>((r.time - day * kDay) / 3600)];
        ++weekdays[static_cast<std::size_t>((day % 7 + 7 + 3) % 7)]; // 1970-01-01 was a Thursday; 0 = Monday
        ++days[day];
        ++processing[processingBand(r.processing)];
        if (r.flagged) ++basis[basisIndex[r.code[Data::Basis]]];
        for (auto* q : {&byDesk[r.code[Data::Desk]], &bySource[r.code[Data::Source]]}) {
            ++q->n;
            q->failed += r.checkFailed;
            q->corrected += r.corrections > 0;
            q->missing += r.missing > 0;
            q->confidence += r.confidence;
        }
        const bool referred = r.flagged || isReferred[r.code[Data::Outcome]];
        const bool refused = isRefused[r.code[Data::Outcome]];
        ++all.n;
        all.referred += referred;
        all.refused += refused;
        for (std::size_t i = 0; i < 3; ++i) {
            auto& o = bias[i][r.code[biasDims[i]]];
            ++o.n;
            o.referred += referred;
            o.refused += refused;
        }
    }
    if (all.n >= k) report.records = all.n;

    // Volumes.
    const auto add = [&](std::string name, std::string title, const privacy::CountTable& table) {
        report.counts.push_back({std::move(name), std::move(title), privacy::protect(table, k)});
    };
    std::vector<std::pair<std::string, std::int64_t>> list;
    for (int h = 0; h < 24; ++h)
        list.emplace_back((h < 10 ? "0" : "") + std::to_string(h), hours[static_cast<std::size_t>(h)]);
    add("by_hour", "Records by hour of capture (UTC)", oneWay(list));
    list.clear();
    const char* names[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    for (std::size_t d = 0; d < 7; ++d) list.emplace_back(names[d], weekdays[d]);
    add("by_weekday", "Records by day of the week (UTC)", oneWay(list));
    list.clear();
    for (const auto& [day, n] : days) list.emplace_back(dateOf(day * kDay), n);
    add("by_date", "Records by date (UTC)", oneWay(list));
    add("by_document_code", "Records by document type (MRZ document code)",
        oneWay(byDimension(data, perValue[Data::DocumentCode], Data::DocumentCode)));
    add("by_issuing_state", "Records by issuing state",
        oneWay(byDimension(data, perValue[Data::IssuingState], Data::IssuingState)));
    add("by_nationality", "Records by nationality",
        oneWay(byDimension(data, perValue[Data::Nationality], Data::Nationality)));
    add("by_outcome", "Records by encounter outcome",
        oneWay(byDimension(data, perValue[Data::Outcome], Data::Outcome)));
    add("by_referral_basis", "Flagged or referred records by the basis the officer gave",
        oneWay({{"fact", basis[0]}, {"assessment", basis[1]}, {"not typed", basis[2]}}));
    list.clear();
    for (std::size_t b = 0; b < 7; ++b) list.emplace_back(kProcessingBands[b], processing[b]);
    add("by_processing_time", "Records by time from the encounter's start to its close", oneWay(list));

    // Data quality: rates over groups of at least k records.
    const auto quality = [&](const char* by, const std::vector<Quality>& groups, Data::Dimension d) {
        QualitySection s;
        s.by = by;
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const auto& q = groups[i];
            if (q.n == 0) continue;
            QualityRow row;
            row.group = groupLabel(d, data.values[d][i]);
            if (q.n >= k) {
                const double n = static_cast<double>(q.n);
                row.records = q.n;
                row.checkDigitFailureRate = static_cast<double>(q.failed) / n;
                row.correctionRate = static_cast<double>(q.corrected) / n;
                row.missingFieldRate = static_cast<double>(q.missing) / n;
                row.meanConfidence = static_cast<double>(q.confidence) / n;
            }
            s.rows.push_back(std::move(row));
        }
        std::sort(s.rows.begin(), s.rows.end(), [](const auto& a, const auto& b) { return a.group < b.group; });
        report.quality.push_back(std::move(s));
    };
    quality("desk", byDesk, Data::Desk);
    quality("source", bySource, Data::Source);

    // Bias: rates per group, each protected as a two-way table (group x event / no event).
    const auto overall = [&](std::int64_t events) -> std::optional<Rate> {
        if (all.n < k || (events > 0 && events < k) || (all.n - events > 0 && all.n - events < k)) return std::nullopt;
        Rate r{events, all.n, static_cast<double>(events) / static_cast<double>(all.n), wilsonInterval(events, all.n)};
        return r;
    };
    report.overallReferral = overall(all.referred);
    report.overallRefusal = overall(all.refused);
    const char* byNames[] = {"nationality", "sex", "age_band"};
    for (std::size_t i = 0; i < 3; ++i) {
        BiasSection section;
        section.by = byNames[i];
        std::vector<std::size_t> present;
        for (std::size_t g = 0; g < bias[i].size(); ++g)
            if (bias[i][g].n > 0) present.push_back(g);
        std::sort(present.begin(), present.end(), [&](std::size_t a, std::size_t b) {
            return groupLabel(biasDims[i], data.values[biasDims[i]][a]) <
                   groupLabel(biasDims[i], data.values[biasDims[i]][b]);
        });
        const auto table = [&](bool refusal) {
            privacy::CountTable t;
            t.columns = {refusal ? "refused" : "referred", refusal ? "not refused" : "not referred"};
            for (std::size_t g : present) {
                const auto& o = bias[i][g];
                const std::int64_t e = refusal ? o.refused : o.referred;
                t.rows.push_back(groupLabel(biasDims[i], data.values[biasDims[i]][g]));
                t.cells.push_back(e);
                t.cells.push_back(o.n - e);
            }
            return privacy::protect(t, k);
        };
        const auto referral = table(false), refusal = table(true);
        const auto tested = static_cast<double>(present.size());
        for (std::size_t j = 0; j < present.size(); ++j) {
            const auto& o = bias[i][present[j]];
            BiasGroup group;
            group.group = referral.rows[j];
            if (referral.rowTotals[j]) group.records = o.n;
            const auto rate = [&](const privacy::ProtectedTable& t, std::int64_t events,
                                  std::int64_t allEvents) -> std::optional<Rate> {
                if (!t.cells[j * 2] || !t.cells[j * 2 + 1] || !t.rowTotals[j]) return std::nullopt;
                Rate r{events, o.n, static_cast<double>(events) / static_cast<double>(o.n),
                       wilsonInterval(events, o.n)};
                const auto test = twoProportionTest(events, o.n, allEvents - events, all.n - o.n);
                r.z = test.z;
                r.p = test.p;
                r.pAdjusted = std::min(1.0, test.p * tested);
                r.disparity = r.pAdjusted < 0.05 && all.n - o.n > 0;
                return r;
            };
            group.referral = rate(referral, o.referred, all.referred);
            group.refusal = rate(refusal, o.refused, all.refused);
            if (group.records && o.n < 30)
                group.warnings.push_back("Fewer than 30 records: the interval is wide and the rate can move a lot "
                                         "with a few cases.");
            const double expected = static_cast<double>(o.n) * static_cast<double>(all.referred) /
                                    static_cast<double>(std::max<std::int64_t>(1, all.n));
            if (group.referral && expected < 5)
                group.warnings.push_back("Fewer than 5 referrals would be expected at the overall rate: the test "
                                         "is not reliable for this group.");
            if (!group.referral || !group.refusal)
                group.warnings.push_back("Some figures are withheld: a count below " + std::to_string(k) +
                                         " (or one that would reveal it).");
            section.groups.push_back(std::move(group));
        }
        report.bias.push_back(std::move(section));
    }
    report.warnings = {
        "Counts below " + std::to_string(k) +
            " are suppressed, and other cells with them where totals could reveal a suppressed one.",
        "A difference in rates is a question to look into, not an answer. Groups differ in routes, document "
        "types, times of travel and the desks that see them; a disparity does not show that nationality, sex "
        "or age caused a referral or a refusal, nor that it did not.",
        "Each group is compared with all other records of its breakdown (two-proportion z-test); p-values are "
        "adjusted for the number of groups (Bonferroni). With many groups, some differences appear by chance.",
        "Intervals are 95% Wilson score intervals. Small groups have wide intervals: read the interval, not "
        "only the rate.",
        "A record counts as referred when it was flagged for review or referral, or its encounter closed as "
        "referred; as refused when its encounter closed as refused.",
    };
    return report;
}

nlohmann::json reportJson(const StatisticsReport& report) {
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
                            {"check_digit_failure_rate", r.checkDigitFailureRate},
                            {"correction_rate", r.correctionRate},
                            {"missing_field_rate", r.missingFieldRate},
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

std::string reportCsv(const StatisticsReport& report) {
    std::string out = "section,table,row,column,value,note\r\n";
    const auto line = [&out](const std::string& section, const std::string& table, const std::string& row,
                             const std::string& column, const std::string& value, const std::string& note) {
        out += csvField(section) + "," + csvField(table) + "," + csvField(row) + "," + csvField(column) + "," +
               csvField(value) + "," + csvField(note) + "\r\n";
    };
    const auto count = [](const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : std::string(); };
    const auto note = [](privacy::Suppression s) {
        return s == privacy::Suppression::None ? std::string() : std::string("suppressed");
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
            line("quality", q.by, r.group, "check_digit_failure_rate", fixed(r.checkDigitFailureRate, 4), "");
            line("quality", q.by, r.group, "correction_rate", fixed(r.correctionRate, 4), "");
            line("quality", q.by, r.group, "missing_field_rate", fixed(r.missingFieldRate, 4), "");
            line("quality", q.by, r.group, "mean_lowest_confidence", fixed(r.meanConfidence, 1), "");
        }
    const auto rate = [&](const std::string& table, const std::string& group, const char* what,
                          const std::optional<Rate>& r) {
        if (!r) {
            line("bias", table, group, std::string(what) + "_rate", "", "suppressed");
            return;
        }
        line("bias", table, group, std::string(what) + "_rate", fixed(r->rate, 4),
             "ci95 " + fixed(r->ci.low, 4) + "-" + fixed(r->ci.high, 4) + "; z " + fixed(r->z, 2) + "; p " +
                 fixed(r->p, 4) + "; p_adjusted " + fixed(r->pAdjusted, 4) + (r->disparity ? "; DISPARITY" : ""));
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
