#pragma once
// Parsing MRZ text into a standardized TravelDocument. Pure functions: no I/O, no clock (the inspection
// time is an argument), bounded time on any input.

#include <secondline/core/result.h>
#include <secondline/validation/travel_document.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::validation {

/// Largest text accepted as one MRZ (a TD3 with CR LF endings is 90 bytes; generous for stray spaces).
inline constexpr std::size_t kMaxMrzTextBytes = 1024;

/// Splits text into MRZ lines: LF or CR LF separated, leading and trailing spaces and tabs trimmed,
/// blank lines at either end dropped. Errors: MrzEmpty, MrzTooLong, MrzCharacter (lowercase, control
/// bytes, non-ASCII, inner spaces: the message gives line and column, never the character).
[[nodiscard]] core::Result<std::vector<std::string>> splitMrzLines(std::string_view text);

/// As splitMrzLines, into a vector whose strings are reused (batch parsing).
[[nodiscard]] core::Status splitMrzLinesInto(std::string_view text, std::vector<std::string>& lines);

/// Which layout the lines have. TD3 and MRV-A share 2x44 and TD2 and MRV-B share 2x36: a document code
/// starting with 'V' is a visa, anything else the TD2/TD3 document. Errors: MrzLineCount, MrzLineLength.
[[nodiscard]] core::Result<MrzFormat> detectFormat(const std::vector<std::string>& lines);

struct ParseOptions {
    /// When the inspection happens (UTC): sets the century of two-digit years and expiry findings.
    std::chrono::sys_days inspectionDate{};
    /// Warn when the document expires within this many days of the inspection.
    int expiresSoonDays = 30;
};

/// Parses lines (as from splitMrzLines) into a record. A failing check digit, an unknown country code or
/// an impossible date is a finding on a returned record, not an error: the officer sees the document
/// as printed. Errors only for text that is not an MRZ at all (wrong shape or characters).
[[nodiscard]] core::Result<TravelDocument> parseMrz(const std::vector<std::string>& lines, const ParseOptions& options);

/// As parseMrz, into an existing document whose strings and vectors are reused: for batch parsing,
/// where one document serves many MRZs and nothing is allocated in the steady state. On error the
/// document's content is unspecified.
[[nodiscard]] core::Status parseMrzInto(const std::vector<std::string>& lines, const ParseOptions& options,
                                        TravelDocument& document);

/// splitMrzLines + parseMrz.
[[nodiscard]] core::Result<TravelDocument> parseMrzText(std::string_view text, const ParseOptions& options);

} // namespace secondline::validation
