#pragma once
// What an officer may type into a record field when correcting what was read: the same shapes the MRZ's
// standardized values have, so a correction never stores what no document could say.

#include <optional>
#include <string>
#include <string_view>

namespace secondline::app {

/// Why `value` cannot be the standardized value of `field`, in plain words (without repeating the value);
/// nullopt when it can.
[[nodiscard]] std::optional<std::string> editProblem(std::string_view field, std::string_view value);

} // namespace secondline::app
