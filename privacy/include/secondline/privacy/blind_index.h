#pragma once
// Blind indexes: keyed hashes of normalized lookup values, so storage can find a document by issuing state
// and number, or a person by surname and birth date, without a plaintext index. The key is derived from
// the database key, so the index reveals nothing to anyone without that key (who could read the records
// anyway). Equal inputs give equal outputs: that is the point, and why only whole normalized values are
// indexed, never prefixes.

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <string>
#include <string_view>

namespace secondline::privacy {

/// The index key derived from the database key. Errors: Crypto.
[[nodiscard]] core::Result<core::SecretBytes> deriveBlindIndexKey(const core::SecretBytes& databaseKey);

/// Hex of a 128-bit keyed BLAKE2b of `purpose` and `value` (purposes keep the two indexes apart).
[[nodiscard]] std::string blindIndex(const core::SecretBytes& indexKey, std::string_view purpose,
                                     std::string_view value);

/// Normalized lookup values: upper case, fillers and spaces collapsed.
[[nodiscard]] std::string documentLookupValue(std::string_view issuingState, std::string_view documentNumber);
[[nodiscard]] std::string nameBirthLookupValue(std::string_view surname, std::string_view birthIso);

} // namespace secondline::privacy
