#pragma once
// The statistics report (analysis/statistics_report.h) as JSON and as CSV, for `secondline report` and the
// desk; report_pdf.h draws it as a PDF. Suppressed values are written as suppressed, never why.

#include <secondline/analysis/statistics_report.h>

#include <nlohmann/json.hpp>

#include <string>

namespace secondline::app {

/// The report as JSON (format "secondline-statistics/1"): suppressed values are null with a "suppressed" reason.
[[nodiscard]] nlohmann::json reportJson(const analysis::StatisticsReport& report);
/// The report as CSV (RFC 4180): section,table,row,column,value,note — one line per published or suppressed value.
[[nodiscard]] std::string reportCsv(const analysis::StatisticsReport& report);

} // namespace secondline::app
