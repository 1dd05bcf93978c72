#pragma once
// Key slots: the store's random database key, wrapped once per user under a key derived from that user's
// password. XChaCha20-Poly1305 wraps; Argon2id derives, with its cost stored per slot so it can be raised
// later without breaking old slots. The user name is bound into the wrap as associated data, so a slot
// cannot be moved to another user.
//
// The slot file holds every slot and a MAC over its whole content under a key derived from the database
// key: after a successful unwrap, editing, adding, removing or reordering any slot is detected.
// This layer only computes; storage reads and writes the file (atomically).

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::privacy {

inline constexpr std::size_t kDatabaseKeyBytes = 32; ///< 256-bit SQLCipher raw key

/// Argon2id cost. Defaults take about half a second on a desk PC; tests use cheaper settings.
struct KdfParams {
    std::uint64_t opsLimit = 3;                 ///< passes
    std::uint64_t memLimitBytes = 256ull << 20; ///< memory
    /// The cheapest parameters libsodium accepts — for tests only.
    [[nodiscard]] static KdfParams fastForTests() { return {1, 8192}; }
};

struct KeySlot {
    std::string userName;
    KdfParams kdf;
    std::vector<std::uint8_t> salt;       ///< 16 bytes
    std::vector<std::uint8_t> nonce;      ///< 24 bytes
    std::vector<std::uint8_t> ciphertext; ///< wrapped key + 16-byte tag
};

/// A random 128-bit store id, hex.
[[nodiscard]] std::string newStoreId();

/// A fresh random database key in guarded memory.
[[nodiscard]] core::Result<core::SecretBytes> newDatabaseKey();

/// Wraps `databaseKey` for `userName` under `password`. Errors: Crypto (Argon2id out of memory, bad params).
[[nodiscard]] core::Result<KeySlot> wrapKey(const core::SecretBytes& databaseKey, std::string_view userName,
                                            const core::SecretBytes& password, const KdfParams& kdf);

/// Unwraps a slot. Errors: AuthenticationFailed (wrong password, or the slot was altered), Crypto.
[[nodiscard]] core::Result<core::SecretBytes> unwrapKey(const KeySlot& slot, const core::SecretBytes& password);

/// The slot file's content: a format version, the store's id and mode, the slots, and a MAC.
struct KeySlotFile {
    std::string storeId;   ///< random id shared with the database's meta table
    bool training = false; ///< a training store
    std::vector<KeySlot> slots;
};

/// Serializes with a MAC under a key derived from `databaseKey`. Errors: Crypto.
[[nodiscard]] core::Result<std::string> encodeKeySlotFile(const KeySlotFile& file,
                                                          const core::SecretBytes& databaseKey);

/// Parses without verifying the MAC (the key is not known yet). Errors: KeySlotCorrupt.
[[nodiscard]] core::Result<KeySlotFile> decodeKeySlotFile(std::string_view text);

/// Verifies the file's MAC once a slot has given up the database key. Errors: KeySlotCorrupt.
[[nodiscard]] core::Status verifyKeySlotFile(std::string_view text, const core::SecretBytes& databaseKey);

/// The slot for `userName`, or nullptr.
[[nodiscard]] const KeySlot* findSlot(const KeySlotFile& file, std::string_view userName);

} // namespace secondline::privacy
