#pragma once
// Names between the visual zone and the MRZ (ICAO Doc 9303 Part 3, Section 6).
//
// The visual zone prints a name in national characters ("Müller", "Ørsted", "Щербак"); the MRZ holds
// it transliterated into A-Z with '<' for spaces. Several national characters have more than one
// recommended transliteration (Ä as AE or A, Ü as UE or U, Å as AA or A, Ñ as N or NXX), so a
// visual-zone name has a set of acceptable MRZ forms, and the comparison accepts any of them.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::validation {

/// The MRZ forms of a UTF-8 name: upper-cased, transliterated (Latin with diacritics, Cyrillic,
/// Greek), spaces, hyphens and commas as '<', apostrophes dropped. At most `maxVariants` forms,
/// the recommended one first. Characters with no transliteration become '?' (never an MRZ character).
[[nodiscard]] std::vector<std::string> transliterate(std::string_view utf8Name, std::size_t maxVariants = 32);

enum class NameMatch {
    Match,          ///< one of the name's MRZ forms equals the MRZ text
    TruncatedMatch, ///< the MRZ text is a truncation of one of the forms (the MRZ name field was full)
    Mismatch,       ///< no acceptable form fits
};

/// Compares a visual-zone name with the MRZ's text for it (as printed, fillers allowed, e.g. the
/// surname field's raw value). `mrzFieldFull` allows a truncated MRZ name.
[[nodiscard]] NameMatch compareName(std::string_view visualUtf8, std::string_view mrzText, bool mrzFieldFull);

} // namespace secondline::validation
