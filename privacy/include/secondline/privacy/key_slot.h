#pragma once
// Key slots. Two levels, as in disk encryption: a random 256-bit store key is wrapped once per user under
// a key derived from that user's password, and the store key seals the random 256-bit database key that
// SQLCipher uses. Rotating the database key then re-seals one value and leaves every user's slot alone.
// XChaCha20-Poly1305 wraps and seals; Argon2id derives, with its cost stored per slot so it can be raised
// later without breaking old slots. The user name is bound into the wrap as associated data, so a slot
// cannot be moved to another user.
//
// The slot file holds every slot, the sealed database key (and, during a rotation, the sealed next one),
// and a MAC over its whole content under a key derived from the store key: after a successful unwrap,
// editing, adding, removing or reordering anything is detected. Files of format 1 have no sealed database
// key: their slots wrap the database key itself, which is then also the store key.
// This layer only computes; storage reads and writes the file (atomically).

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::privacy {

inline constexpr std::size_t kDatabaseKeyBytes = 32; ///< 256-bit SQLCipher raw key (and store key)

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

/// A fresh random 256-bit key (store key or database key) in guarded memory.
[[nodiscard]] core::Result<core::SecretBytes> newDatabaseKey();

/// Wraps the store key for `userName` under `password`. Errors: Crypto (Argon2id out of memory, bad params).
[[nodiscard]] core::Result<KeySlot> wrapKey(const core::SecretBytes& storeKey, std::string_view userName,
                                            const core::SecretBytes& password, const KdfParams& kdf);

/// Unwraps a slot. Errors: AuthenticationFailed (wrong password, or the slot was altered), Crypto.
[[nodiscard]] core::Result<core::SecretBytes> unwrapKey(const KeySlot& slot, const core::SecretBytes& password);

/// A 256-bit key sealed under another one (XChaCha20-Poly1305), bound to a context string that names the
/// store and the key's purpose, so a sealed key cannot be moved to another store or role.
struct SealedKey {
    std::vector<std::uint8_t> nonce;      ///< 24 bytes
    std::vector<std::uint8_t> ciphertext; ///< key + 16-byte tag
};

/// Seals `key` under `wrappingKey` for `context`. Errors: InvalidArgument (sizes), Crypto.
[[nodiscard]] core::Result<SealedKey> sealKey(const core::SecretBytes& wrappingKey, const core::SecretBytes& key,
                                              std::string_view context);
/// Opens a sealed key. Errors: KeySlotCorrupt (altered, other key or other context).
[[nodiscard]] core::Result<core::SecretBytes> openSealedKey(const core::SecretBytes& wrappingKey,
                                                            const SealedKey& sealed, std::string_view context);

inline constexpr std::string_view kKeySlotFileKind = "secondline-keyslots";

/// The slot file's content: its kind and format version, the store's id and mode, the slots, the sealed
/// keys, attributes, and a MAC. Backups reuse the format under their own kind.
struct KeySlotFile {
    std::string kind{kKeySlotFileKind}; ///< what the file is; decode accepts only kinds it is asked for
    std::string storeId;                ///< random id shared with the database's meta table
    bool training = false;              ///< a training store
    std::vector<KeySlot> slots;
    /// The database key sealed under the store key; absent in format-1 files (database key = store key).
    std::optional<SealedKey> databaseKey;
    /// During a rotation only: the next database key, written before the database is re-encrypted and
    /// promoted after. Whichever of the two decrypts the database is the one in force.
    std::optional<SealedKey> pendingDatabaseKey;
    /// Backups only: the store key, sealed under the backup's own key, so a restored store keeps its users.
    std::optional<SealedKey> storeKey;
    /// Further named values under the MAC (e.g. what a backup holds), sorted by name when written.
    std::vector<std::pair<std::string, std::string>> attributes;

    [[nodiscard]] const std::string* attribute(std::string_view name) const;
};

/// Serializes (always the current format, 2) with a MAC under a key derived from `storeKey`. Errors: Crypto.
[[nodiscard]] core::Result<std::string> encodeKeySlotFile(const KeySlotFile& file, const core::SecretBytes& storeKey);

/// Parses formats 1 and 2 without verifying the MAC (the key is not known yet); refuses other kinds than
/// `kind`. Errors: KeySlotCorrupt.
[[nodiscard]] core::Result<KeySlotFile> decodeKeySlotFile(std::string_view text,
                                                          std::string_view kind = kKeySlotFileKind);

/// Verifies the file's MAC once a slot has given up the store key. Errors: KeySlotCorrupt.
[[nodiscard]] core::Status verifyKeySlotFile(std::string_view text, const core::SecretBytes& storeKey);

/// The slot for `userName`, or nullptr.
[[nodiscard]] const KeySlot* findSlot(const KeySlotFile& file, std::string_view userName);

} // namespace secondline::privacy
