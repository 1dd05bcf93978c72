#include <secondline/analysis/statistics_report.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <unordered_map>

namespace secondline::analysis {

namespace {

using Data = storage::StatisticsData;
constexpr std::int64_t kDay = 86400;

std::string dateOf(std::int64_t seconds) {
    const std::chrono::year_month_day d{std::chrono::sys_days{std::chrono::days{seconds / kDay}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
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

namespace {

using Known = LinkedCounts::Kind;

/// A one-way breakdown of the records, protected on its own: it shares only its total (and the figures
/// in `known`) with other tables, and those are never its complements.
ProtectedTable protectOneWay(const std::vector<std::pair<std::string, std::int64_t>>& counts,
                             const std::vector<std::string>& known, int k) {
    LinkedCounts lc;
    std::vector<std::string> labels;
    std::vector<std::size_t> cells;
    for (const auto& [label, n] : counts) {
        const bool isKnown = std::find(known.begin(), known.end(), label) != known.end();
        labels.push_back(label);
        cells.push_back(lc.figure({{lc.unknown(n), 1}}, isKnown ? Known::Known : Known::Publishable));
    }
    const auto table = addTable(lc, std::move(labels), {"records"}, std::move(cells));
    lc.setKind(table.total, Known::Known);
    return publishTable(lc, lc.protect(k), table, k);
}

/// The view of a one-column breakdown whose cells are `figures` and whose total is `total`.
TableFigures column(std::vector<std::string> rows, std::vector<std::size_t> figures, std::size_t total) {
    TableFigures t;
    t.rows = std::move(rows);
    t.columns = {"records"};
    t.cells = figures;
    t.rowTotals = std::move(figures);
    t.columnTotals = {total};
    t.total = total;
    return t;
}

} // namespace

StatisticsReport buildReport(const Data& data, const ReportOptions& options) {
    StatisticsReport report;
    report.options = options;
    const int k = std::max(3, options.minCell);
    report.options.minCell = k;

    // One pass over the rows.
    std::array<std::vector<std::int64_t>, Data::kDimensions> perValue;
    for (std::size_t d = 0; d < Data::kDimensions; ++d) perValue[d].assign(data.values[d].size(), 0);
    std::array<std::int64_t, 24> hours{};
    std::map<std::int64_t, std::int64_t> days;
    std::array<std::int64_t, 7> processing{};
    std::array<std::int64_t, 3> basis{}; // fact, assessment, untyped (flagged records only)
    constexpr std::size_t kMeasures = 3; // check-digit failures, corrections, missing fields
    struct Quality {
        std::int64_t n = 0, confidence = 0;
        std::array<std::int64_t, kMeasures> events{};
    };
    // Per desk and source device pair: the desk and source breakdowns share these records.
    const std::size_t sources = data.values[Data::Source].size();
    std::vector<Quality> byPair(data.values[Data::Desk].size() * sources);
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
    // Records per (nationality, issuing state): the two breakdowns split the same records, mostly alike.
    std::unordered_map<std::uint32_t, std::int64_t> pairs;
    for (const auto& r : data.rows) {
        for (std::size_t d = 0; d < Data::kDimensions; ++d) ++perValue[d][r.code[d]];
        const std::int64_t day = r.time >= 0 ? r.time / kDay : (r.time - kDay + 1) / kDay;
        ++hours[static_cast<std::size_t>((r.time - day * kDay) / 3600)];
        ++days[day];
        ++processing[processingBand(r.processing)];
        if (r.flagged) ++basis[basisIndex[r.code[Data::Basis]]];
        auto& q = byPair[r.code[Data::Desk] * sources + r.code[Data::Source]];
        ++q.n;
        q.events[0] += r.checkFailed;
        q.events[1] += r.corrections > 0;
        q.events[2] += r.missing > 0;
        q.confidence += r.confidence;
        const bool referred = r.flagged || isReferred[r.code[Data::Outcome]];
        const bool refused = isRefused[r.code[Data::Outcome]];
        ++pairs[static_cast<std::uint32_t>(r.code[Data::Nationality]) << 16 | r.code[Data::IssuingState]];
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

    // The overall rates: published when the records, the events and the records without them are all safe.
    const auto overall = [&](std::int64_t events) -> std::optional<Rate> {
        if (all.n < k || (events > 0 && events < k) || (all.n - events > 0 && all.n - events < k)) return std::nullopt;
        Rate r{events, all.n, static_cast<double>(events) / static_cast<double>(all.n), wilsonInterval(events, all.n)};
        return r;
    };
    report.overallReferral = overall(all.referred);
    report.overallRefusal = overall(all.refused);

    // Bias breakdowns: per group, the records, the referred and the refused, linked (a group's records are
    // the row total of both its tables, and the nationality one is also the "records by nationality" table).
    struct BiasTables {
        std::vector<std::size_t> present;
        ProtectedTable referral, refusal, records;
    };
    ProtectedTable byIssuingState;
    std::array<BiasTables, 3> biasTables;
    for (std::size_t i = 0; i < 3; ++i) {
        auto& bt = biasTables[i];
        for (std::size_t g = 0; g < bias[i].size(); ++g)
            if (bias[i][g].n > 0) bt.present.push_back(g);
        std::sort(bt.present.begin(), bt.present.end(), [&](std::size_t a, std::size_t b) {
            return groupLabel(biasDims[i], data.values[biasDims[i]][a]) <
                   groupLabel(biasDims[i], data.values[biasDims[i]][b]);
        });
        LinkedCounts lc;
        std::vector<std::string> labels;
        std::vector<std::size_t> referralCells, refusalCells;
        // Nationality: a group's records are the sum of its (nationality, issuing state) counts, which the
        // records by issuing state sum the other way (for most passports the two are the same country).
        std::map<std::uint32_t, LinkedCounts::Terms> ofGroup, ofState;
        if (biasDims[i] == Data::Nationality) {
            std::vector<std::pair<std::uint32_t, std::int64_t>> sorted(pairs.begin(), pairs.end());
            std::sort(sorted.begin(), sorted.end());
            for (const auto& [key, count] : sorted) {
                const auto atom = lc.unknown(count);
                ofGroup[key >> 16].emplace_back(atom, 1);
                ofState[key & 0xFFFF].emplace_back(atom, 1);
            }
        }
        for (std::size_t g : bt.present) {
            const auto& o = bias[i][g];
            labels.push_back(groupLabel(biasDims[i], data.values[biasDims[i]][g]));
            LinkedCounts::Terms records = biasDims[i] == Data::Nationality ? ofGroup[static_cast<std::uint32_t>(g)]
                                                                           : LinkedCounts::Terms{{lc.unknown(o.n), 1}};
            const auto referred = lc.unknown(o.referred), refused = lc.unknown(o.refused);
            const auto without = [&](std::size_t events) {
                auto terms = records;
                terms.emplace_back(events, -1);
                return terms;
            };
            referralCells.push_back(lc.figure({{referred, 1}}));
            referralCells.push_back(lc.figure(without(referred)));
            refusalCells.push_back(lc.figure({{refused, 1}}));
            refusalCells.push_back(lc.figure(without(refused)));
        }
        std::optional<TableFigures> issuing;
        if (biasDims[i] == Data::Nationality) {
            std::vector<std::pair<std::string, std::size_t>> states;
            for (const auto& [state, terms] : ofState)
                states.emplace_back(groupLabel(Data::IssuingState, data.values[Data::IssuingState][state]),
                                    lc.figure(terms));
            std::sort(states.begin(), states.end());
            std::vector<std::string> stateLabels;
            std::vector<std::size_t> stateCells;
            for (const auto& [label, figure] : states) {
                stateLabels.push_back(label);
                stateCells.push_back(figure);
            }
            issuing = addTable(lc, std::move(stateLabels), {"records"}, std::move(stateCells));
        }
        const auto referral = addTable(lc, labels, {"referred", "not referred"}, std::move(referralCells));
        const auto refusal = addTable(lc, labels, {"refused", "not refused"}, std::move(refusalCells));
        lc.setKind(referral.total, Known::Known);
        if (report.overallReferral)
            for (std::size_t c : referral.columnTotals) lc.setKind(c, Known::Known);
        if (report.overallRefusal)
            for (std::size_t c : refusal.columnTotals) lc.setKind(c, Known::Known);
        const auto state = lc.protect(k);
        bt.referral = publishTable(lc, state, referral, k);
        bt.refusal = publishTable(lc, state, refusal, k);
        bt.records = publishTable(lc, state, column(labels, referral.rowTotals, referral.total), k);
        if (issuing) byIssuingState = publishTable(lc, state, *issuing, k);
    }

    // Volumes.
    const auto add = [&](std::string name, std::string title, ProtectedTable table) {
        report.counts.push_back({std::move(name), std::move(title), std::move(table)});
    };
    std::vector<std::pair<std::string, std::int64_t>> list;
    for (int h = 0; h < 24; ++h)
        list.emplace_back((h < 10 ? "0" : "") + std::to_string(h), hours[static_cast<std::size_t>(h)]);
    add("by_hour", "Records by hour of capture (UTC)", protectOneWay(list, {}, k));
    {
        // Dates and days of the week: a day's count is the sum of its dates'.
        LinkedCounts lc;
        std::vector<std::string> dates;
        std::vector<std::size_t> dateCells;
        std::array<std::vector<std::size_t>, 7> ofWeekday;
        for (const auto& [day, n] : days) {
            dates.push_back(dateOf(day * kDay));
            dateCells.push_back(lc.figure({{lc.unknown(n), 1}}));
            ofWeekday[static_cast<std::size_t>((day % 7 + 7 + 3) % 7)].push_back(dateCells.back()); // 0 = Monday
        }
        std::vector<std::size_t> weekdayCells;
        for (const auto& parts : ofWeekday) {
            weekdayCells.push_back(lc.sum(parts));
            if (!parts.empty()) lc.line(parts, weekdayCells.back());
        }
        const auto weekdays =
            addTable(lc, {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}, {"records"},
                     weekdayCells);
        const auto byDate = addTable(lc, dates, {"records"}, dateCells);
        lc.setKind(byDate.total, Known::Known);
        const auto state = lc.protect(k);
        add("by_weekday", "Records by day of the week (UTC)", publishTable(lc, state, weekdays, k));
        add("by_date", "Records by date (UTC)", publishTable(lc, state, byDate, k));
    }
    add("by_document_code", "Records by document type (MRZ document code)",
        protectOneWay(byDimension(data, perValue[Data::DocumentCode], Data::DocumentCode), {}, k));
    add("by_issuing_state", "Records by issuing state", byIssuingState);
    add("by_nationality", "Records by nationality", biasTables[0].records);
    // The refused count is the overall refusal's; the open encounters are the processing table's "still open".
    std::vector<std::string> knownOutcomes{"open"};
    if (report.overallRefusal) knownOutcomes.emplace_back("refused");
    add("by_outcome", "Records by encounter outcome",
        protectOneWay(byDimension(data, perValue[Data::Outcome], Data::Outcome), knownOutcomes, k));
    add("by_referral_basis", "Flagged or referred records by the basis the officer gave",
        protectOneWay({{"fact", basis[0]}, {"assessment", basis[1]}, {"not typed", basis[2]}}, {}, k));
    list.clear();
    for (std::size_t b = 0; b < 7; ++b) list.emplace_back(kProcessingBands[b], processing[b]);
    add("by_processing_time", "Records by time from the encounter's start to its close",
        protectOneWay(list, {"still open"}, k));

    // Data quality per desk and per source device: each rate's count and the count without it are protected
    // with the records, across both breakdowns at once (they are two ways of splitting the same records).
    {
        LinkedCounts lc;
        struct Group {
            std::vector<std::size_t> n;
            std::array<std::vector<std::size_t>, kMeasures> events;
            std::int64_t confidence = 0;
        };
        std::vector<Group> desks(data.values[Data::Desk].size()), sourcesOf(sources);
        for (std::size_t pair = 0; pair < byPair.size(); ++pair) {
            const auto& q = byPair[pair];
            if (q.n == 0) continue;
            const auto n = lc.unknown(q.n);
            for (auto* g : {&desks[pair / sources], &sourcesOf[pair % sources]}) {
                g->n.push_back(n);
                g->confidence += q.confidence;
            }
            for (std::size_t m = 0; m < kMeasures; ++m) {
                const auto e = lc.unknown(q.events[m]);
                lc.figure({{n, 1}, {e, -1}}, Known::Bound); // a pair's events are at most its records
                desks[pair / sources].events[m].push_back(e);
                sourcesOf[pair % sources].events[m].push_back(e);
            }
        }
        const auto section = [&](const char* by, const std::vector<Group>& groups, Data::Dimension d) {
            std::vector<std::size_t> present;
            for (std::size_t g = 0; g < groups.size(); ++g)
                if (!groups[g].n.empty()) present.push_back(g);
            std::sort(present.begin(), present.end(), [&](std::size_t a, std::size_t b) {
                return groupLabel(d, data.values[d][a]) < groupLabel(d, data.values[d][b]);
            });
            std::vector<std::string> labels;
            for (std::size_t g : present) labels.push_back(groupLabel(d, data.values[d][g]));
            std::array<TableFigures, kMeasures> tables;
            for (std::size_t m = 0; m < kMeasures; ++m) {
                std::vector<std::size_t> cells;
                for (std::size_t g : present) {
                    LinkedCounts::Terms events, without;
                    for (std::size_t u : groups[g].events[m]) {
                        events.emplace_back(u, 1);
                        without.emplace_back(u, -1);
                    }
                    for (std::size_t u : groups[g].n) without.emplace_back(u, 1);
                    cells.push_back(lc.figure(events));
                    cells.push_back(lc.figure(without));
                }
                tables[m] = addTable(lc, labels, {"with", "without"}, std::move(cells));
                lc.setKind(tables[m].total, Known::Known);
            }
            return std::make_tuple(std::string(by), present, tables, d);
        };
        const auto deskTables = section("desk", desks, Data::Desk);
        const auto sourceTables = section("source", sourcesOf, Data::Source);
        const auto state = lc.protect(k);
        for (const auto& [by, present, tables, d] : {deskTables, sourceTables}) {
            const auto& groups = d == Data::Desk ? desks : sourcesOf;
            QualitySection s;
            s.by = by;
            for (std::size_t j = 0; j < present.size(); ++j) {
                const auto& g = groups[present[j]];
                QualityRow row;
                row.group = tables[0].rows[j];
                const std::size_t nFigure = tables[0].rowTotals[j];
                if (state[nFigure] == Suppression::None) {
                    const auto n = lc.value(nFigure);
                    row.records = n;
                    row.meanConfidence = static_cast<double>(g.confidence) / static_cast<double>(n);
                    std::array<std::optional<double>, kMeasures> rates;
                    for (std::size_t m = 0; m < kMeasures; ++m) {
                        const auto with = tables[m].cells[j * 2], without = tables[m].cells[j * 2 + 1];
                        if (state[with] == Suppression::None && state[without] == Suppression::None)
                            rates[m] = static_cast<double>(lc.value(with)) / static_cast<double>(n);
                    }
                    row.checkDigitFailureRate = rates[0];
                    row.correctionRate = rates[1];
                    row.missingFieldRate = rates[2];
                }
                s.rows.push_back(std::move(row));
            }
            report.quality.push_back(std::move(s));
        }
    }

    // Bias: rates per group, from the protected tables above.
    const char* byNames[] = {"nationality", "sex", "age_band"};
    for (std::size_t i = 0; i < 3; ++i) {
        BiasSection section;
        section.by = byNames[i];
        const auto& bt = biasTables[i];
        const auto tested = static_cast<double>(bt.present.size());
        for (std::size_t j = 0; j < bt.present.size(); ++j) {
            const auto& o = bias[i][bt.present[j]];
            BiasGroup group;
            group.group = bt.referral.rows[j];
            if (bt.referral.rowTotals[j]) group.records = o.n;
            const auto rate = [&](const ProtectedTable& t, std::int64_t events, std::int64_t allEvents,
                                  bool overallPublished) -> std::optional<Rate> {
                if (!t.cells[j * 2] || !t.cells[j * 2 + 1] || !t.rowTotals[j]) return std::nullopt;
                Rate r{events, o.n, static_cast<double>(events) / static_cast<double>(o.n),
                       wilsonInterval(events, o.n)};
                if (!overallPublished || all.n - o.n <= 0) return r; // the test would reveal the overall count
                const auto test = twoProportionTest(events, o.n, allEvents - events, all.n - o.n);
                r.tested = true;
                r.z = test.z;
                r.p = test.p;
                r.pAdjusted = std::min(1.0, test.p * tested);
                r.disparity = r.pAdjusted < 0.05;
                return r;
            };
            group.referral = rate(bt.referral, o.referred, all.referred, report.overallReferral.has_value());
            group.refusal = rate(bt.refusal, o.refused, all.refused, report.overallRefusal.has_value());
            if (group.records && o.n < 30)
                group.warnings.push_back("Fewer than 30 records: the interval is wide and the rate can move a lot "
                                         "with a few cases.");
            if (group.referral && group.referral->tested) {
                const double expected = static_cast<double>(o.n) * static_cast<double>(all.referred) /
                                        static_cast<double>(std::max<std::int64_t>(1, all.n));
                if (expected < 5)
                    group.warnings.push_back("Fewer than 5 referrals would be expected at the overall rate: the "
                                             "test is not reliable for this group.");
            }
            if (!group.referral || !group.refusal)
                group.warnings.push_back("Some figures are withheld: a count below " + std::to_string(k) +
                                         " (or one that would reveal it).");
            if ((group.referral && !group.referral->tested) || (group.refusal && !group.refusal->tested))
                group.warnings.push_back("No test against the other records: the overall rate is withheld, and "
                                         "the test would reveal it.");
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

} // namespace secondline::analysis
