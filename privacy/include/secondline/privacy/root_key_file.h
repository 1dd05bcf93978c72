#pragma once
// The text of a store's root key file (issue 18): computed here, read and written by storage (bounded,
// atomically, mode 0600). The key goes from hex straight into guarded memory.
//
//   secondline-root-key 1
//   store <store id>
//   key <64 hex digits>
//   next <64 hex digits>       (only between the first and the last step of a rotation)

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <optional>
#include <string>
#include <string_view>

namespace secondline::privacy {

struct RootKeyFileContent {
    std::string storeId;
    core::SecretBytes key;                 ///< the key in force, unless a rotation was interrupted
    std::optional<core::SecretBytes> next; ///< the next key, written first by a rotation
};

/// Parses a root key file strictly (magic line, store, key, optional next, nothing else). Errors: KeySlotCorrupt.
[[nodiscard]] core::Result<RootKeyFileContent> decodeRootKeyFile(std::string_view text);

/// The file's text. The caller wipes it (wipeText()) once written. Errors: InvalidArgument (key sizes).
[[nodiscard]] core::Result<std::string> encodeRootKeyFile(const std::string& storeId, const core::SecretBytes& key,
                                                          const core::SecretBytes* next = nullptr);

/// Overwrites a string that held key material with zeros (not optimised away).
void wipeText(std::string& text) noexcept;

} // namespace secondline::privacy
