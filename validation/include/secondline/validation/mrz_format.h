#pragma once
// The five machine readable zone layouts of ICAO Doc 9303 (Parts 4 to 7).

#include <optional>
#include <string_view>

namespace secondline::validation {

enum class MrzFormat {
    TD1,  ///< ID-1 size card: 3 lines of 30 characters (Part 5)
    TD2,  ///< ID-2 size card or document: 2 lines of 36 (Part 6)
    TD3,  ///< passport book: 2 lines of 44 (Part 4)
    MRVA, ///< full-size visa: 2 lines of 44 (Part 7, format A)
    MRVB, ///< small visa: 2 lines of 36 (Part 7, format B)
};

/// "TD1", "TD2", "TD3", "MRVA", "MRVB" — the names in the command-line JSON.
[[nodiscard]] std::string_view formatName(MrzFormat format) noexcept;
[[nodiscard]] std::optional<MrzFormat> formatFromName(std::string_view name) noexcept;

struct MrzShape {
    int lines;
    int length;
};
[[nodiscard]] MrzShape shapeOf(MrzFormat format) noexcept;

} // namespace secondline::validation
