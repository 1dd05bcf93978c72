#pragma once
// The stored form of a TravelDocument (JSON inside the encrypted database). Private to storage.

#include <secondline/core/result.h>
#include <secondline/validation/travel_document.h>

#include <string>

namespace secondline::storage::detail {

inline constexpr int kDocumentCodecVersion = 1;

[[nodiscard]] std::string encodeDocument(const validation::TravelDocument& document);
/// Findings are stored by their stable code name (validation::findingCodeName). Errors: StoreCorrupt when the
/// stored text does not decode, including a finding code name this version does not know (a record is
/// never re-encoded with a code it could not read); StoreVersionTooNew when written by a newer codec.
[[nodiscard]] core::Result<validation::TravelDocument> decodeDocument(const std::string& text);

} // namespace secondline::storage::detail
