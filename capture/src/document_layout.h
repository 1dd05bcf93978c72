#pragma once
// Physical layout of the machine-readable document formats (ICAO Doc 9303 Parts 4 to 7). Private to
// capture: the renderer draws with it, the document imager cuts documents out with it.

#include <secondline/validation/mrz_parser.h>

namespace secondline::capture::detail {

inline constexpr double kMrzPitchMm = 25.4 / 10.0; ///< 10 characters per inch
inline constexpr double kMrzLineMm = 25.4 / 6.0;   ///< 6 lines per inch
inline constexpr double kMrzCapHeightMm = 2.42;    ///< OCR-B size I capital height
inline constexpr double kMrzBottomMm = 2.5;        ///< bottom of the MRZ text to the document's bottom edge

struct DocumentLayout {
    double widthMm = 0;
    double heightMm = 0;
    int characters = 0; ///< per MRZ line
};

[[nodiscard]] constexpr DocumentLayout documentLayout(validation::MrzFormat f) {
    switch (f) {
    case validation::MrzFormat::TD1: return {85.6, 53.98, 30};
    case validation::MrzFormat::TD2: return {105.0, 74.0, 36};
    case validation::MrzFormat::TD3: return {125.0, 88.0, 44};
    case validation::MrzFormat::MRVA: return {120.0, 80.0, 44};
    case validation::MrzFormat::MRVB: return {105.0, 74.0, 36};
    }
    return {125.0, 88.0, 44};
}

} // namespace secondline::capture::detail
