#pragma once
// The one set of rules for what a standardized field value may be: the shapes ICAO Doc 9303 lets an MRZ
// say, written the way TravelDocument's standardized values are written (fillers as single spaces or
// removed, dates ISO 8601). Everything that stores or accepts a value typed by a person asks these rules
// first: the desk when an officer corrects what was read, the store when a record is rectified. So a
// correction never stores what no document could say, and the desk and the store never disagree.
//
//   const auto field = validation::fieldFromName(name); // "given_names" -> FieldId::GivenNames
//   if (!field) return fail(ErrorCode::InvalidArgument, "no such record field");
//   if (auto problem = validation::fieldValueProblem(*field, value))
//       return fail(ErrorCode::InvalidArgument, *problem);
//
// Pure functions, no I/O, thread-safe.

#include <secondline/validation/travel_document.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace secondline::validation {

/// Every standardized field of a TravelDocument: what an officer may correct and a record may be rectified
/// in. The MRZ's name zone is two fields here (surname, given names), as in TravelDocument::fields.
/// The names returned by fieldName() are stable (stored records, the policy pack, the command-line JSON):
/// never rename or reuse one; add new fields at the end.
enum class FieldId {
    DocumentCode,   ///< "document_code": P, V, I, A or C and an optional second letter
    IssuingState,   ///< "issuing_state": a code of Doc 9303 Part 3's tables
    Surname,        ///< "surname": the primary identifier
    GivenNames,     ///< "given_names": the secondary identifier (may be empty)
    DocumentNumber, ///< "document_number"
    Nationality,    ///< "nationality": a code of Doc 9303 Part 3's tables
    BirthDate,      ///< "birth_date": ISO YYYY-MM-DD, unknown parts as XX
    Sex,            ///< "sex": M, F, X, or empty for unspecified ('<' in the MRZ)
    ExpiryDate,     ///< "expiry_date": ISO YYYY-MM-DD, a whole calendar date
    OptionalData,   ///< "optional_data": TD3 personal number; TD1 line 1, TD2 and visa optional data
    OptionalData2,  ///< "optional_data_2": TD1 line 2 optional data
};

/// Every FieldId, in MRZ order as TD3 lists them (the order of the enum).
[[nodiscard]] std::span<const FieldId> allFields() noexcept;

/// Stable snake_case name, e.g. "given_names", "document_number", "birth_date" (TravelDocument's Field::name).
[[nodiscard]] std::string_view fieldName(FieldId field) noexcept;

/// The field of a stable name (exact, case-sensitive); nullopt for anything else ("name", "composite",
/// "document" and "GIVEN_NAMES" included).
[[nodiscard]] std::optional<FieldId> fieldFromName(std::string_view name) noexcept;

/// No standardized value is longer than this many bytes (the 39 characters of a TD3 name zone). Values
/// longer than this are refused before any of their bytes are looked at.
inline constexpr std::size_t kMaxFieldValueBytes = 39;

/// Why `value` cannot be the standardized value of `field`, in plain words that name the field and never
/// repeat the value (it may be a traveller's data); nullopt when it can. The rules, per field:
///   - document_code: one or two capital letters, the first P, V, I, A or C (Doc 9303 Parts 4 to 7)
///   - issuing_state, nationality: a code of Doc 9303 Part 3's tables (lookupCode), e.g. "D", "UTO", "XXA"
///   - surname: 1 to 39 of A-Z, single spaces between parts; given_names: the same, 0 to 36 (the name zone
///     holds the surname, two fillers and the given names in 39 characters)
///   - document_number: 1 to 22 of A-Z and 0-9 (9, or up to 22 when it continues in the optional data)
///   - birth_date: YYYY-MM-DD, years 1900 to 2099, a real calendar date; unknown parts as XX (XXXX for
///     the year), a known day needing a known month
///   - expiry_date: YYYY-MM-DD, years 1980 to 2099, a real and whole calendar date
///   - sex: "M", "F", "X", or "" (unspecified)
///   - optional_data: 0 to 16 of A-Z, 0-9 and single inner spaces; optional_data_2: the same, 0 to 11
/// Anything else is refused: lowercase, control bytes, non-ASCII bytes, leading or trailing spaces.
[[nodiscard]] std::optional<std::string> fieldValueProblem(FieldId field, std::string_view value);

/// The date a birth_date or expiry_date value stands for ("1974-08-XX" -> year 1974, month 8, day unknown),
/// or nullopt when the value is not a date birth_date accepts. Call fieldValueProblem() first: this only
/// reads the value, it does not apply the expiry date's stricter rules.
[[nodiscard]] std::optional<MrzDate> standardDate(std::string_view value) noexcept;

} // namespace secondline::validation
