#pragma once
// Aggregate statistics for supervisors: volumes by hour, day, document type, issuing state, nationality,
// outcome, referral basis and processing time; data quality per desk and per source device; and the bias
// report (referral and refusal rates by nationality, sex and age band with 95% intervals and a test against
// the rest). Every published count passes disclosure control (disclosure.h) with the pack's k. A report holds
// no name, number or date of birth: its input has none. Pure computation over the rows storage reads
// (storage::StatisticsData): no I/O. The renderers (JSON, CSV, PDF) are the applications'.

#include <secondline/analysis/disclosure.h>
#include <secondline/core/clock.h>
#include <secondline/storage/store.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secondline::analysis {

struct ReportOptions {
    core::TimePoint from{};
    core::TimePoint to{};
    std::optional<std::string> desk{};
    int minCell = 5; ///< k: the pack's statistics.min_cell
};

/// One published table of counts.
struct CountsSection {
    std::string name;  ///< stable: "by_hour", "by_nationality", ...
    std::string title; ///< plain words
    ProtectedTable table;
};

struct QualityRow {
    std::string group;
    std::optional<std::int64_t> records; ///< nullopt: withheld (fewer than k records, or needed to protect one)
    // Each rate is withheld (nullopt) when its count, or the count of records without it, is below k or is
    // needed to protect one: a rate times the records would give the count.
    std::optional<double> checkDigitFailureRate; ///< share of records with a failed check digit
    std::optional<double> correctionRate;        ///< share corrected by hand after capture
    std::optional<double> missingFieldRate;      ///< share with a core field empty or partly unknown
    double meanConfidence = 0;                   ///< mean of each record's lowest field confidence, percent
};

struct QualitySection {
    std::string by; ///< "desk" or "source"
    std::vector<QualityRow> rows;
};

struct Interval {
    double low = 0;
    double high = 0;
};

/// Wilson score interval of a proportion (95% by default); {0, 0} for n = 0.
[[nodiscard]] Interval wilsonInterval(std::int64_t events, std::int64_t n, double z = 1.959963984540054);

struct ProportionTest {
    double z = 0;
    double p = 1; ///< two-sided
};

/// Two-proportion z-test with a pooled standard error (events1 of n1 against events2 of n2).
[[nodiscard]] ProportionTest twoProportionTest(std::int64_t events1, std::int64_t n1, std::int64_t events2,
                                               std::int64_t n2);

struct Rate {
    std::int64_t events = 0;
    std::int64_t n = 0;
    double rate = 0;
    Interval ci;
    bool tested = false;    ///< the test is published only when the overall rate is (it would reveal it)
    double z = 0;           ///< against the rest of the records (0 for the overall rate)
    double p = 1;           ///< two-sided
    double pAdjusted = 1;   ///< Bonferroni over the groups of the same breakdown
    bool disparity = false; ///< pAdjusted < 0.05
};

struct BiasGroup {
    std::string group;
    std::optional<std::int64_t> records; ///< nullopt: withheld (fewer than k)
    std::optional<Rate> referral;        ///< nullopt: withheld (a count below k, or needed to protect one)
    std::optional<Rate> refusal;
    std::vector<std::string> warnings; ///< plain words
};

struct BiasSection {
    std::string by; ///< "nationality", "sex", "age_band"
    std::vector<BiasGroup> groups;
};

struct StatisticsReport {
    ReportOptions options;
    std::optional<std::int64_t> records; ///< nullopt when fewer than k
    std::vector<CountsSection> counts;
    std::vector<QualitySection> quality;
    std::optional<Rate> overallReferral;
    std::optional<Rate> overallRefusal;
    std::vector<BiasSection> bias;
    std::vector<std::string> warnings; ///< about reading the figures
};

/// Every count of the report is protected together with the counts it shares a total or a group with: the
/// records by nationality with the nationality referral and refusal tables, the records by date with those by
/// day of the week, the quality rates per desk with those per source device, and the totals (records,
/// referred, refused, still open) are never chosen as complements, since other tables publish them.
/// A record counts as referred when it was flagged for review or referral, or its encounter closed as
/// "referred"; as refused when its encounter closed as "refused". A pure function of its arguments: callers
/// may run it on any thread (the desk runs it off the UI thread).
[[nodiscard]] StatisticsReport buildReport(const storage::StatisticsData& data, const ReportOptions& options);

} // namespace secondline::analysis
