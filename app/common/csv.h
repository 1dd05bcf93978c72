#pragma once
// CSV text (RFC 4180) for the files the applications write: the statistics report and the class report.

#include <string>

namespace secondline::app {

/// `text` as one CSV field: unchanged, or in double quotes (with each quote doubled) when it holds a comma, a
/// quote or a line break.
[[nodiscard]] std::string csvField(const std::string& text);

} // namespace secondline::app
