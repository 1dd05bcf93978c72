#pragma once
// ICAO Doc 9303 Part 3 check digits: weights 7, 3, 1 repeating; digits count as themselves, A-Z as
// 10-35, the filler '<' as 0; the check digit is the weighted sum modulo 10.

#include <optional>
#include <string_view>

namespace secondline::validation {

/// Value of one MRZ character for the check digit: 0-9, A=10 .. Z=35, '<'=0; nullopt for anything else.
[[nodiscard]] constexpr std::optional<int> mrzCharValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    if (c == '<') return 0;
    return std::nullopt;
}

namespace detail {
/// mrzCharValue as a table: -1 for characters outside the MRZ alphabet.
inline constexpr auto kMrzValues = [] {
    struct Table {
        signed char v[256];
    } t{};
    for (int c = 0; c < 256; ++c) {
        const auto value = mrzCharValue(static_cast<char>(c));
        t.v[c] = static_cast<signed char>(value ? *value : -1);
    }
    return t;
}();

/// Adds `data` to a running 7-3-1 sum; `weight` carries the position in the cycle across calls.
/// Returns false on a non-MRZ character.
constexpr bool accumulateCheck(std::string_view data, int& sum, int& weight) noexcept {
    for (char c : data) {
        const int v = kMrzValues.v[static_cast<unsigned char>(c)];
        if (v < 0) return false;
        sum += v * (weight == 0 ? 7 : weight == 1 ? 3 : 1);
        weight = weight == 2 ? 0 : weight + 1;
    }
    return true;
}
} // namespace detail

/// Check digit ('0'..'9') over `data`; nullopt when `data` holds a non-MRZ character.
[[nodiscard]] constexpr std::optional<char> computeCheckDigit(std::string_view data) noexcept {
    int sum = 0, weight = 0;
    if (!detail::accumulateCheck(data, sum, weight)) return std::nullopt;
    return static_cast<char>('0' + sum % 10);
}

/// True for A-Z, 0-9 and '<'.
[[nodiscard]] constexpr bool isMrzChar(char c) noexcept {
    return mrzCharValue(c).has_value();
}

} // namespace secondline::validation
