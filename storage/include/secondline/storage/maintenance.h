#pragma once
// Keeping the store itself: key rotation, backups, end-to-end checks and the cipher settings. A facet of
// Store (store.maintenance()); restoring a backup needs no open store (Store::restore).

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/key_slot.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

struct BackupReport {
    int schema = 0;           ///< schema version of the backed-up database
    std::int64_t records = 0; ///< records in the backup
    std::uint64_t bytes = 0;  ///< size of the backup file
    /// backupToEscrow(): the fingerprint of the escrow public key the backup is sealed to (empty: password).
    std::string escrowFingerprint{};
    std::int64_t erasureLedgerEntries = 0; ///< lines of the erasure ledger when the backup was taken
};

struct RestoreReport {
    int schema = 0; ///< schema of the backup (migrated forward on the first open)
    bool training = false;
    std::int64_t records = 0;              ///< records restored, each checked against the manifest and decoded
    std::string escrowFingerprint{};       ///< the escrow key that opened the backup (empty: a password backup)
    bool erasureLedgerFound = false;       ///< an erasure ledger was read and verified
    std::int64_t erasureLedgerEntries = 0; ///< its lines
    std::int64_t erasedAgain = 0; ///< records it named that the backup held, erased again (records counts them not)
};

/// The SQLCipher settings in force, as SQLCipher reports them (pinned by a test; stated in the README).
struct CipherSettings {
    std::string version;          ///< e.g. "4.6.1 community"
    int pageSize = 0;             ///< 4096
    std::string hmacAlgorithm;    ///< HMAC_SHA512
    std::string kdfAlgorithm;     ///< PBKDF2_HMAC_SHA512 (not used: the key is raw)
    int plaintextHeaderSize = -1; ///< 0: the whole file, header included, is encrypted
    bool memorySecurity = false;  ///< SQLCipher locks and wipes all its buffers (off: see README)
};

struct CheckReport {
    bool integrityOk = false;       ///< PRAGMA integrity_check
    bool cipherIntegrityOk = false; ///< PRAGMA cipher_integrity_check (every page's HMAC)
    bool auditChainOk = false;      ///< the audit hash chain verifies
    bool schemaOk = false;          ///< the schema holds exactly what SecondLine creates (no trigger, view or extra)
    std::string problems;           ///< what failed, without personal data
    [[nodiscard]] bool ok() const { return integrityOk && cipherIntegrityOk && auditChainOk && schemaOk; }
};

/// store.maintenance(): rotation, backup, checks.
class Maintenance {
public:
    /// Rotates the database key (administrators): a new random key is sealed in the slot file as pending,
    /// a copy of the database under it replaces the database file (one rename), then the pending key is
    /// promoted. Users' slots and passwords are untouched. A crash or a failure at any point leaves a store
    /// that opens with every record: open() finishes or drops an interrupted rotation (a failure once the
    /// copy is made ends the session). Errors: PermissionDenied, KeySlotCorrupt, DiskFull, Io, Database.
    [[nodiscard]] core::Status rekey();
    /// Writes an encrypted backup of the whole store (administrators) to a new file `backupPath`, while the
    /// store stays open. The copy is encrypted under its own random key, which one key slot ("backup")
    /// wraps under `backupPassword`; it carries a manifest (rows and a digest of every table) that restore
    /// checks, and the store's own slots so users keep their passwords. Errors: PermissionDenied,
    /// StoreExists (the file exists), FileNotFound (no such folder), DiskFull, Io, ReadOnly, Crypto.
    [[nodiscard]] core::Result<BackupReport>
    backup(const std::string& backupPath, const core::SecretBytes& backupPassword, const privacy::KdfParams& kdf);
    /// As backup(), but the backup's random key is sealed to an escrow X25519 public key (64 hex digits,
    /// privacy/escrow.h) instead of a password: only the matching secret key restores it
    /// (Store::restoreFromEscrow()), and whoever took the backup cannot read it back. The key's fingerprint is
    /// in the backup's header and in the "store.backup" audit entry. Both kinds of backup record how many
    /// lines the erasure ledger had and its chain value then, so that a restore can tell a ledger that
    /// continues that one from an older or a foreign one. Errors: as backup(), InvalidArgument (a malformed
    /// public key), ErasureLedgerInvalid (the store's ledger does not verify).
    [[nodiscard]] core::Result<BackupReport> backupToEscrow(const std::string& backupPath,
                                                            std::string_view escrowPublicKeyHex);
    /// Checks the store end to end (administrators and auditors). Errors: PermissionDenied.
    [[nodiscard]] core::Result<CheckReport> check();
    /// The cipher settings in force (any signed-in user: they hold no personal data). Errors:
    /// SessionExpired, Database.
    [[nodiscard]] core::Result<CipherSettings> cipherSettings();

private:
    friend class Store;
    explicit Maintenance(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
