#pragma once
// Key slots and the slot file.
//
// Format 3 (issue 18): a user's password proves who they are and never unwraps a key. The store's random
// 256-bit root key is kept apart from the slot file (storage writes it to its own file, which only the
// service's account reads). It seals the random database key that SQLCipher uses, the blind-index key and
// the audit signing seed, and keys the MAC over the whole slot file. Each user's slot holds an Argon2id
// verifier (salt, cost, a 32-byte hash of the password bound to the user name): checking a password needs
// no key, and adding or editing a verifier without the root key breaks the MAC.
//
// Formats 1 and 2 (read for migration only): a random store key is wrapped once per user under a key
// derived from that user's password and seals the database key (format 1: the slots wrap the database key
// itself). Backups keep wrapped slots: the backup password unwraps the backup's own key.
//
// XChaCha20-Poly1305 wraps and seals; Argon2id derives, with its cost stored per slot so it can be raised
// later without breaking old slots. This layer only computes; storage reads and writes the files (atomically).

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

/// A user's slot: either a wrapped key (formats 1 and 2, backups) or a verifier (format 3).
struct KeySlot {
    std::string userName;
    KdfParams kdf;
    std::vector<std::uint8_t> salt;       ///< 16 bytes
    std::vector<std::uint8_t> nonce;      ///< wrapped slots: 24 bytes
    std::vector<std::uint8_t> ciphertext; ///< wrapped slots: wrapped key + 16-byte tag
    std::vector<std::uint8_t> verifier;   ///< verifier slots: 32 bytes (empty when resetRequired)
    /// A verifier slot no password passes (a user migrated from a wrapped slot who has not signed in since):
    /// an administrator sets a new password (Users::setPassword).
    bool resetRequired = false;
    [[nodiscard]] bool isVerifier() const { return !verifier.empty() || resetRequired; }
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

/// A verifier slot for `userName`: a fresh salt, the cost `kdf`, and BLAKE2b-256 keyed with
/// Argon2id(password, salt) over the user name (so a verifier cannot be moved to another user).
/// Errors: InvalidArgument (cost out of range), Crypto.
[[nodiscard]] core::Result<KeySlot> makeVerifier(std::string_view userName, const core::SecretBytes& password,
                                                 const KdfParams& kdf);
/// A verifier slot no password passes (resetRequired), with a fresh salt and the cost `kdf`.
[[nodiscard]] KeySlot resetRequiredSlot(std::string_view userName, const KdfParams& kdf);
/// Checks `password` against a verifier slot (crypto_verify_32). Argon2id runs at the slot's cost in every
/// case, a resetRequired slot included. Errors: AuthenticationFailed (wrong password, reset required, or a
/// wrapped slot), KeySlotCorrupt (malformed slot), Crypto.
[[nodiscard]] core::Status checkVerifier(const KeySlot& slot, const core::SecretBytes& password);
/// Runs Argon2id over `password` with a fixed dummy salt at cost `kdf` and throws the result away: what a
/// sign-in with an unknown user name costs, so that it takes as long as a wrong password. Errors: Crypto.
[[nodiscard]] core::Status spendPasswordHash(const core::SecretBytes& password, const KdfParams& kdf);
/// How many Argon2id computations this process has run (tests count them instead of timing).
[[nodiscard]] std::uint64_t argon2idRuns() noexcept;

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
inline constexpr int kKeySlotFileVersion = 3; ///< the format new files are written in

struct KeySlotFile {
    std::string kind{kKeySlotFileKind}; ///< what the file is; decode accepts only kinds it is asked for
    /// The format: 3 (verifiers, keys under the root key) for everything written now; 1 or 2 as read from an
    /// older file (encode writes 2 for such a file, so a restored old backup is migrated at its first open).
    int version = kKeySlotFileVersion;
    std::string storeId;   ///< random id shared with the database's meta table
    bool training = false; ///< a training store
    std::vector<KeySlot> slots;
    /// The database key sealed under the root key (format 3) or the store key (format 2); absent in format-1
    /// files (database key = store key).
    std::optional<SealedKey> databaseKey;
    /// Format 3: the blind-index key and the audit signing seed, sealed under the root key.
    std::optional<SealedKey> indexKey;
    std::optional<SealedKey> auditKey;
    /// During a rotation only: the next database key, written before the database is re-encrypted and
    /// promoted after. Whichever of the two decrypts the database is the one in force.
    std::optional<SealedKey> pendingDatabaseKey;
    /// Backups only: the store's root key (format-2 stores: store key), sealed under the backup's own key.
    std::optional<SealedKey> storeKey;
    /// Further named values under the MAC (e.g. what a backup holds), sorted by name when written.
    std::vector<std::pair<std::string, std::string>> attributes;

    [[nodiscard]] const std::string* attribute(std::string_view name) const;
};

/// Serializes (in `file.version`: 3, or 2 for a file read in format 1 or 2) with a MAC under a key derived
/// from `storeKey` (the root key for format 3). Errors: Crypto, InvalidArgument (a verifier slot in format 2).
[[nodiscard]] core::Result<std::string> encodeKeySlotFile(const KeySlotFile& file, const core::SecretBytes& storeKey);

/// Parses formats 1, 2 and 3 without verifying the MAC (the key is not known yet); refuses other kinds than
/// `kind`. Errors: KeySlotCorrupt.
[[nodiscard]] core::Result<KeySlotFile> decodeKeySlotFile(std::string_view text,
                                                          std::string_view kind = kKeySlotFileKind);

/// Verifies the file's MAC under the root key (format 3) or the store key a slot gave up (formats 1 and 2).
/// Errors: KeySlotCorrupt.
[[nodiscard]] core::Status verifyKeySlotFile(std::string_view text, const core::SecretBytes& storeKey);

/// The slot for `userName`, or nullptr.
[[nodiscard]] const KeySlot* findSlot(const KeySlotFile& file, std::string_view userName);

} // namespace secondline::privacy
