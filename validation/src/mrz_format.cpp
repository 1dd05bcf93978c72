#include <secondline/validation/mrz_format.h>

namespace secondline::validation {

std::string_view formatName(MrzFormat format) noexcept {
    switch (format) {
    case MrzFormat::TD1: return "TD1";
    case MrzFormat::TD2: return "TD2";
    case MrzFormat::TD3: return "TD3";
    case MrzFormat::MRVA: return "MRVA";
    case MrzFormat::MRVB: return "MRVB";
    }
    return "TD3";
}

std::optional<MrzFormat> formatFromName(std::string_view name) noexcept {
    for (auto f : {MrzFormat::TD1, MrzFormat::TD2, MrzFormat::TD3, MrzFormat::MRVA, MrzFormat::MRVB})
        if (formatName(f) == name) return f;
    return std::nullopt;
}

MrzShape shapeOf(MrzFormat format) noexcept {
    switch (format) {
    case MrzFormat::TD1: return {3, 30};
    case MrzFormat::TD2: return {2, 36};
    case MrzFormat::TD3: return {2, 44};
    case MrzFormat::MRVA: return {2, 44};
    case MrzFormat::MRVB: return {2, 36};
    }
    return {2, 44};
}

} // namespace secondline::validation
