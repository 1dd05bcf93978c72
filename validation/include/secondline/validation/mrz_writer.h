#pragma once
// Composing MRZ lines from field values, with every check digit computed: the inverse of parseMrz, used by
// the synthetic document renderer, the training sandbox and the test generators.

#include <secondline/core/result.h>
#include <secondline/validation/mrz_format.h>

#include <string>
#include <vector>

namespace secondline::validation {

/// Field values in MRZ characters (A-Z, 0-9, spaces allowed in names and optional data, where they become
/// fillers). Dates are YYMMDD as printed.
struct MrzFields {
    MrzFormat format = MrzFormat::TD3;
    std::string documentCode;   ///< 1 or 2 characters, e.g. "P", "ID", "V"
    std::string issuingState;   ///< 1 to 3 characters, e.g. "UTO", "D"
    std::string surname;        ///< primary identifier
    std::string givenNames;     ///< secondary identifier, may be empty
    std::string documentNumber; ///< up to 9 characters (TD1 and TD2: longer numbers continue in optional data)
    std::string nationality;
    std::string birthDate; ///< YYMMDD
    std::string sex;       ///< "M", "F", "X" or "" (filler)
    std::string expiryDate;
    std::string optionalData;  ///< TD3 personal number / optional data
    std::string optionalData2; ///< TD1 line 2 optional data
};

/// Lines of the MRZ, names truncated to fit as Doc 9303 Part 3 describes (given names cut first).
/// Errors: InvalidArgument when a value has a character that is not an MRZ character or does not fit.
[[nodiscard]] core::Result<std::vector<std::string>> composeMrz(const MrzFields& fields);

} // namespace secondline::validation
