#pragma once
// YYMMDD dates with ICAO's two-digit years. Private to validation.

#include <secondline/validation/travel_document.h>

#include <chrono>
#include <string_view>

namespace secondline::validation::detail {

enum class DateKind { Birth, Expiry };

/// How far ahead an expiry date may lie before a two-digit year is read as the 1900s instead.
inline constexpr int kExpiryWindowYears = 50;

struct DateReading {
    MrzDate date;
    bool wellFormed = true; ///< characters are digits, or unknown markers in whole pairs
    bool possible = true;   ///< month and day exist (given the parts that are known)
};

/// Reads six characters. Century rule: a birth date is in the 2000s unless that puts it after the
/// inspection date; an expiry date is in the 2000s unless that is more than kExpiryWindowYears after it.
[[nodiscard]] DateReading readMrzDate(std::string_view raw, DateKind kind, std::chrono::sys_days inspection);

} // namespace secondline::validation::detail
