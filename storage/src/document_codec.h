#pragma once
// The stored form of a TravelDocument (JSON inside the encrypted database). Private to storage.

#include <secondline/core/result.h>
#include <secondline/validation/travel_document.h>

#include <string>

namespace secondline::storage::detail {

inline constexpr int kDocumentCodecVersion = 1;

[[nodiscard]] std::string encodeDocument(const validation::TravelDocument& document);
/// Errors: StoreCorrupt when the stored text does not decode.
[[nodiscard]] core::Result<validation::TravelDocument> decodeDocument(const std::string& text);

} // namespace secondline::storage::detail
