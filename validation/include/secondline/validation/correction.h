#pragma once
// Confidence-guided correction of OCR'd MRZ text, for capture.
//
// Given what the OCR read at each position (its best character, its confidence, and its second choice),
// choose the reading whose check digits pass, under three rules:
//   - only characters the OCR was unsure of are changed (a character impossible for its field, such as a
//     letter in a date, counts as unsure whatever its confidence);
//   - only into lookalikes allowed for that field type (O/0/D/Q, I/1, Z/2, S/5, G/6, B/8), or the
//     OCR's own second choice;
//   - only when exactly one reading with the fewest changes passes, and, where the format has a composite
//     check, the composite passes too. A printed check digit that is genuinely wrong is therefore never
//     turned into a valid one: the issuer's composite covers the printed data, so any change that repairs a
//     field check breaks the composite. Visas have no composite; there a change must be the OCR's own
//     second choice.
// Every substitution is reported. Pure and bounded: at most maxCandidates readings are tried.

#include <secondline/core/result.h>
#include <secondline/validation/mrz_parser.h>

#include <string>
#include <vector>

namespace secondline::validation {

/// One character as the OCR read it.
struct ReadCharacter {
    char best = '<';
    float confidence = 1.0f; ///< 0..1
    char second = 0;         ///< the OCR's next choice, 0 when none
};

struct CorrectionOptions {
    float unsureBelow = 0.75f; ///< a character with lower confidence may be changed
    int maxSubstitutions = 2;  ///< per check
    std::size_t maxCandidates = 20000;
};

struct Substitution {
    int line = 0;     ///< 1-based
    int position = 0; ///< 1-based
    char from = 0;
    char to = 0;
    /// The check that chose it; "field_type" for an impossible character, "context" for an unsure O or 0
    /// that follows its neighbours.
    std::string check;
};

struct Correction {
    std::vector<std::string> lines;          ///< the corrected text (equal to the best reading when nothing changed)
    std::vector<Substitution> substitutions; ///< every change made
    std::vector<std::string> ambiguous;      ///< checks left failing because more than one fix would do
};

/// Corrects a reading. Errors: MrzLineCount / MrzLineLength when the reading has no MRZ shape, so no
/// position has a known field type.
[[nodiscard]] core::Result<Correction> correctMrz(const std::vector<std::vector<ReadCharacter>>& reading,
                                                  const CorrectionOptions& options = {});

/// Lookalikes of `c` that are allowed in a field of the given kind: `digits` for dates and check digits,
/// otherwise letters (names, codes) or both (document numbers and optional data).
[[nodiscard]] std::string lookalikes(char c, bool digitsAllowed, bool lettersAllowed);

} // namespace secondline::validation
