#pragma once
// The statistics report as a PDF with its charts (cairo's PDF surface: no display, no Qt). Suppressed values
// are written "suppressed", never drawn.

#include <secondline/analysis/statistics_report.h>
#include <secondline/core/result.h>

#include <string>

namespace secondline::app {

/// The PDF of `report`: A4 pages, the period, k and the warnings, then one bar chart per table, and the rates
/// with their 95% intervals as whiskers. Errors: Io when cairo cannot produce it.
[[nodiscard]] core::Result<std::string> reportPdf(const analysis::StatisticsReport& report);

} // namespace secondline::app
