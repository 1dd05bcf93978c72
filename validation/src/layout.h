#pragma once
// Geometry of the MRZ layouts, for code inside validation that needs positions (correction). Private.

#include <secondline/validation/mrz_format.h>

#include <string_view>
#include <utility>
#include <vector>

namespace secondline::validation::detail {

/// What may stand at a position.
enum class CharClass {
    Digit,    ///< dates and check digits: 0-9 (and '<' for unknown date parts or an empty field's check)
    Letter,   ///< names, codes, sex: A-Z and '<'
    AlphaNum, ///< document number, optional data: A-Z, 0-9, '<'
};

/// Class of the character at (line, column), both 0-based.
[[nodiscard]] CharClass charClassAt(MrzFormat format, int line, int column);

struct CheckGeometry {
    std::string_view name;
    std::vector<std::pair<int, int>> data; ///< (line, column) of each covered character, in order
    std::pair<int, int> digit;             ///< where the check digit is printed
    bool composite = false;
};

/// The checks of a format (standard document numbers; a long TD1/TD2 number moves its check digit).
[[nodiscard]] const std::vector<CheckGeometry>& checkGeometry(MrzFormat format);

} // namespace secondline::validation::detail
