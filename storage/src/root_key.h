#pragma once
// The store's root key file (issue 18): its own small file, mode 0600, replaced atomically. Private to
// storage; the public side is rootKeyPath() and readRootKey() in store.h.
//
//   secondline-root-key 1
//   store <store id, hex>
//   key <64 hex digits>
//   next <64 hex digits>       (only between the first and the last step of a rotation)

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <optional>
#include <string>

namespace secondline::storage::detail {

inline constexpr std::size_t kMaxRootKeyFileBytes = 4096;

struct RootKeyFile {
    std::string storeId;
    core::SecretBytes key;                 ///< the key in force, unless a rotation was interrupted
    std::optional<core::SecretBytes> next; ///< the next key, written first by a rotation
};

/// Errors: RootKeyUnavailable (missing or unreadable), KeySlotCorrupt (malformed).
[[nodiscard]] core::Result<RootKeyFile> readRootKeyFile(const std::string& path);

/// Replaces (or creates) the file atomically. Errors: writeFileAtomically()'s.
[[nodiscard]] core::Status writeRootKeyFile(const std::string& path, const std::string& storeId,
                                            const core::SecretBytes& key, const core::SecretBytes* next = nullptr);

/// Of the keys in `file`, the one whose MAC verifies the slot file `slotText`; says whether it was `next`.
/// Errors: KeySlotCorrupt (another store's key file, or one of the files altered).
struct RootKeyInForce {
    core::SecretBytes key;
    bool wasNext = false;
};
[[nodiscard]] core::Result<RootKeyInForce> rootKeyInForce(RootKeyFile& file, const std::string& storeId,
                                                          const std::string& slotText);

} // namespace secondline::storage::detail
