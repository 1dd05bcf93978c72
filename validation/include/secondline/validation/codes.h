#pragma once
// ICAO Doc 9303 Part 3 code tables: issuing states and nationalities (ISO 3166-1 alpha-3 plus ICAO's own
// codes), and document type codes. Unknown codes are findings for the officer, never rejections.

#include <optional>
#include <span>
#include <string_view>

namespace secondline::validation {

enum class CodeKind {
    State,        ///< ISO 3166-1 alpha-3 state or territory
    Special,      ///< ICAO nationality code for a status (D, GBD..GBS, XXA, XXB, XXC, XXX, UNK, RKS)
    Organization, ///< an international organisation (UNO, UNA, EUE, XPO, XOM, ...)
    Historic,     ///< a code no longer assigned but still met on older documents
    Specimen,     ///< UTO, ICAO's fictional Utopia on specimen documents
};

struct CodeInfo {
    std::string_view code; ///< as in the MRZ without fillers: "D", "UTO", "XXA"
    std::string_view name;
    CodeKind kind;
};

/// The entry for a code (fillers already removed), or nullopt when unknown.
[[nodiscard]] std::optional<CodeInfo> lookupCode(std::string_view code) noexcept;

/// Every known code, sorted by code.
[[nodiscard]] std::span<const CodeInfo> allCodes() noexcept;

/// Plain meaning of a document code ("P" passport, "V" visa, "I" identity card, "A"/"C" other official
/// travel document); empty for an unexpected code.
[[nodiscard]] std::string_view documentCodeMeaning(std::string_view code) noexcept;

} // namespace secondline::validation
