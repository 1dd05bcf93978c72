#pragma once
// The standardized travel document record: what validation makes of an MRZ.
//
// Every field keeps the characters it was read from (raw) beside its standardized value, where it sits
// in the MRZ, whether a check digit covers it, and the confidence capture had in it. Checks and findings
// say what is wrong; their messages never contain personal values.

#include <secondline/validation/mrz_format.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::validation {

enum class CheckStatus {
    Pass,          ///< the printed check digit matches the data
    Fail,          ///< it does not (or is not a digit)
    NotApplicable, ///< the field is empty and the check character is a filler, as Doc 9303 allows
};

[[nodiscard]] std::string_view checkStatusName(CheckStatus status) noexcept; // "pass", "fail", "not_applicable"

/// One check digit: which data it covers and where the digit is printed (1-based line and column).
struct CheckResult {
    std::string name; ///< "document_number", "birth_date", "expiry_date", "optional_data", "composite"
    CheckStatus status = CheckStatus::Fail;
    int line = 0;
    int position = 0;
};

enum class Severity { Info, Warning, Error };
[[nodiscard]] std::string_view severityName(Severity severity) noexcept; // "info", "warning", "error"

/// What a finding is about, for a program to branch on. The names returned by findingCodeName() are stable:
/// they are in the command-line JSON contract and in stored records. Never rename or reuse one; add new
/// codes at the end.
enum class FindingCode {
    // validation (parsing an MRZ)
    NameMissing,             ///< "name_missing": the primary identifier is empty
    NamePossiblyTruncated,   ///< "name_possibly_truncated": the name zone is full
    CountryCodeMalformed,    ///< "country_code_malformed": a state code is not letters
    CountryCodeHistoric,     ///< "country_code_historic": a code no longer assigned
    SpecimenCode,            ///< "specimen_code": UTO, the specimen state
    CountryCodeUnknown,      ///< "country_code_unknown": not in Doc 9303 Part 3's tables
    BirthDateMalformed,      ///< "birth_date_malformed": not a YYMMDD date
    ExpiryDateMalformed,     ///< "expiry_date_malformed"
    BirthDateImpossible,     ///< "birth_date_impossible": a month or day that does not exist
    ExpiryDateImpossible,    ///< "expiry_date_impossible"
    BirthDatePartlyUnknown,  ///< "birth_date_partly_unknown": unknown parts (XX or fillers)
    ExpiryDatePartlyUnknown, ///< "expiry_date_partly_unknown"
    DocumentExpired,         ///< "document_expired": expired on the inspection date
    DocumentExpiresSoon,     ///< "document_expires_soon": within ParseOptions::expiresSoonDays
    SexUnspecifiedX,         ///< "sex_unspecified_x": sex X, accepted
    SexInvalid,              ///< "sex_invalid": not M, F, X or filler
    DocumentCodeInvalid,     ///< "document_code_invalid": does not start with a letter
    DocumentCodeUnexpected,  ///< "document_code_unexpected": a 2x44 MRZ that is neither passport nor visa
    DocumentNumberMissing,   ///< "document_number_missing"
    CheckDigitMismatch,      ///< "check_digit_mismatch": a check digit fails (the finding's field is the check's name)
    // capture (reading an image)
    UncertainRead, ///< "uncertain_read": read with low confidence, no check digit covers it
    OcrCorrected,  ///< "ocr_corrected": a character the OCR read was corrected by a rule or check digit
};

/// Every FindingCode, in the order of the enum.
[[nodiscard]] std::span<const FindingCode> allFindingCodes() noexcept;
/// Stable snake_case name, e.g. "document_expired".
[[nodiscard]] std::string_view findingCodeName(FindingCode code) noexcept;
/// The code of a stable name (exact, case-sensitive), or nullopt.
[[nodiscard]] std::optional<FindingCode> findingCodeFrom(std::string_view name) noexcept;

/// Something doubtful about the document. `code` is for programs; `message` names fields and positions only.
struct Finding {
    std::string field; ///< field name (see TravelDocument::fields), "name" for the whole name zone, a check's
                       ///< name ("composite") for check_digit_mismatch, or "document" for the whole
    FindingCode code = FindingCode::CheckDigitMismatch;
    Severity severity = Severity::Warning;
    std::string message;
};

/// A calendar date read from YYMMDD. Parts the document leaves unknown (fillers or 'X') are nullopt.
struct MrzDate {
    std::optional<int> year;  ///< full year after the century rule
    std::optional<int> month; ///< 1..12
    std::optional<int> day;   ///< 1..31
    /// ISO 8601 "1985-03-14"; unknown parts as "XX"/"XXXX" ("1985-03-XX").
    [[nodiscard]] std::string iso() const;
    /// The same, written into `out` (reusing its buffer).
    void isoInto(std::string& out) const;
    [[nodiscard]] bool complete() const noexcept { return year && month && day; }
};

struct Field {
    std::string name;                ///< stable snake_case name, e.g. "document_number"
    std::string raw;                 ///< characters exactly as in the MRZ, fillers included
    std::string value;               ///< standardized: fillers removed, names spaced, dates ISO 8601, codes as printed
    int line = 0;                    ///< 1-based
    int position = 0;                ///< 1-based column of the first character
    bool checkDigitVerified = false; ///< a check digit covering this field passed
    double confidence = 1.0;         ///< lowest per-character confidence from capture (1.0 for typed text)
    std::string description;         ///< plain meaning of a code ("Utopia (specimen documents)", "passport")
};

struct TravelDocument {
    MrzFormat format = MrzFormat::TD3;
    std::vector<std::string> lines; ///< the MRZ lines as parsed
    std::vector<Field> fields;      ///< in MRZ order
    std::vector<CheckResult> checks;
    std::vector<Finding> findings;

    // Typed views of the dates (the other values are read through the accessors below).
    MrzDate birthDate;
    MrzDate expiryDate;

    /// Whole years of age on the inspection date, when the birth date is complete.
    std::optional<int> ageAtInspection;
    /// Days from the inspection date to expiry (negative once expired), when the expiry date is complete.
    std::optional<int> daysToExpiry;

    /// Field by name, or nullptr.
    [[nodiscard]] const Field* field(std::string_view name) const;
    /// The standardized value of a field, or an empty string when the format has no such field.
    [[nodiscard]] const std::string& value(std::string_view name) const;

    [[nodiscard]] const std::string& documentCode() const { return value("document_code"); }
    [[nodiscard]] const std::string& issuingState() const { return value("issuing_state"); }
    [[nodiscard]] const std::string& surname() const { return value("surname"); }
    [[nodiscard]] const std::string& givenNames() const { return value("given_names"); }
    [[nodiscard]] const std::string& documentNumber() const { return value("document_number"); }
    [[nodiscard]] const std::string& nationality() const { return value("nationality"); }
    /// "M", "F", "X", or "" when unspecified ('<').
    [[nodiscard]] const std::string& sex() const { return value("sex"); }
    /// TD3: personal number; TD1: line 1 optional data; visas and TD2: the optional data.
    [[nodiscard]] const std::string& optionalData() const { return value("optional_data"); }
    /// TD1 line 2 optional data.
    [[nodiscard]] const std::string& optionalData2() const { return value("optional_data_2"); }
    /// Every check digit passes or is not applicable, and no finding has Error severity.
    [[nodiscard]] bool valid() const;
    /// Every check digit passes or is not applicable.
    [[nodiscard]] bool checksPass() const;
};

} // namespace secondline::validation
