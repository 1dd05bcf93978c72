#pragma once
// The encrypted store: one SQLCipher 4 database file, beside it its key slot file ("<path>.keys"), and the
// store's root key file (default "<path>.root-key"; production keeps it outside the store folder, readable by
// the service's account only).
//
// Issue 18: a user's password proves who they are and never unwraps a key. The random root key seals the
// random database key, the blind-index key and the audit signing seed, and authenticates the slot file,
// whose slots hold one Argon2id verifier per user (privacy/key_slot.h). A copy of every file in the store
// folder plus every user's password decrypts nothing without the root key file.
// Every operation runs as the user who opened the store, asks privacy whether that user's role may do it,
// and writes its audit entry in the same transaction as the change. Nothing is written for a refused
// operation except, where the store is open, its audit entry.
//
// Store is the handle: it opens and closes the store and says who is signed in. The operations live in
// facets, one per concern, each with its own header and all sharing the one open store:
//
//   records()      records.h          saving encounters, reading and finding records, images
//   flags()        flags.h            flags and referrals with a typed basis, and their history
//   subjects()     subject_rights.h   rectification, legal holds, erasure, sharing, subject access
//   users()        users.h            users, key slots, one's own password
//   audit()        audit_trail.h      the signed trail: read, verify, export, checkpoint
//   retention()    retention.h        purges and the retention report
//   maintenance()  maintenance.h      key rotation, backup, checks
//   statistics()   statistics.h       identity-free rows for the reports
//   exercises()    exercises.h        trainees' scores (training stores)
//
//   auto created = Store::create(path, "admin", password, {.training = true}, clock);
//   auto store = Store::open(path, "admin", password, {}, clock);
//   auto saved = store->records().save(draft);
//
// A Store is move-only and not thread-safe (nor are its facets); the Clock must outlive it. A facet
// reference is valid while its Store lives. Closing (or destroying) the Store wipes the keys from memory.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/access.h>
#include <secondline/privacy/escrow.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/audit_trail.h>
#include <secondline/storage/exercises.h>
#include <secondline/storage/flags.h>
#include <secondline/storage/maintenance.h>
#include <secondline/storage/records.h>
#include <secondline/storage/retention.h>
#include <secondline/storage/statistics.h>
#include <secondline/storage/subject_rights.h>
#include <secondline/storage/users.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace secondline::storage {

/// Schema version this build writes; older stores are migrated forward on open.
inline constexpr int kSchemaVersion = 7;

/// The key slot file that belongs to a store database.
[[nodiscard]] std::string keySlotPath(const std::string& databasePath);

/// The default root key file of a store: "<databasePath>.root-key" (tests, training and throw-away stores;
/// a production store names its own, outside the store folder, in CreateOptions and OpenOptions).
[[nodiscard]] std::string rootKeyPath(const std::string& databasePath);

/// Reads a root key file (at most 4 KiB, "secondline-root-key 1" on its first line, then the store id and
/// the key in hex) into guarded memory: how the service reads its key once at start. After an interrupted
/// rotation the file holds the next key too; this returns the current one (an open from the file finishes
/// the rotation first). Errors: RootKeyUnavailable (missing, unreadable), KeySlotCorrupt (malformed).
[[nodiscard]] core::Result<core::SecretBytes> readRootKey(const std::string& keyFilePath);

/// The root key in force for the store `databasePath` from the root key file `keyFilePath`: of the keys the
/// file holds, the one that authenticates the store's key slot file. A rotation interrupted after the slot
/// file moved to the next key is finished first (the file rewritten with that key alone), as open() does.
/// How the service reads its key at start and again after a rotation it ran (Maintenance::rekey()); hold
/// the store's lock (lockForService()). Errors: RootKeyUnavailable, KeySlotMissing, KeySlotCorrupt (the file
/// of another store, or either file altered), Io.
[[nodiscard]] core::Result<core::SecretBytes> loadRootKey(const std::string& databasePath,
                                                          const std::string& keyFilePath);

/// The store's lock held by a long-lived owner (the service), so that it can open several Store objects
/// on the store at once (OpenOptions::sharedLock). Move-only; released when destroyed.
class StoreLock {
public:
    StoreLock(StoreLock&&) noexcept;
    StoreLock& operator=(StoreLock&&) noexcept;
    StoreLock(const StoreLock&) = delete;
    StoreLock& operator=(const StoreLock&) = delete;
    ~StoreLock();

private:
    friend class Store;
    struct Holder;
    explicit StoreLock(std::unique_ptr<Holder> holder);
    std::unique_ptr<Holder> m_holder;
};

struct CreateOptions {
    bool training = false;    ///< a training store (synthetic data only)
    privacy::KdfParams kdf{}; ///< Argon2id cost of the first user's slot
    /// Automated tests and throw-away demo stores only: a production store exempt, for good, from the password
    /// rule and the Argon2id cost floor (privacy/password_rule.h) that every other production store enforces
    /// whenever a password is set. Recorded in the key slot file under its MAC. Never for a store of real data.
    bool testStore = false;
    /// Role of the first user: Administrator, or Trainer for a training store.
    privacy::Role firstUserRole = privacy::Role::Administrator;
    /// Where the new root key file goes (it must not exist); empty: rootKeyPath(path).
    std::string rootKeyFile{};
};

struct OpenOptions {
    enum class Mode { Any, Production, Training };
    Mode mode = Mode::Any; ///< refuse a store of the other kind (StoreModeMismatch)
    /// Bring an older schema up to date on open. Off, an older store opens for backup() only (every other
    /// operation fails with StoreNeedsMigration): how an administrator takes a backup before upgrading.
    bool migrate = true;
    /// The root key file; empty: rootKeyPath(path). A store with a format-1/2 slot file writes it here when
    /// it is migrated (at the first successful sign-in), and rotation (Maintenance::rekey()) rewrites it.
    std::string rootKeyFile{};
    /// When set, the root key to use instead of reading rootKeyFile (the service reads its key once at start).
    /// Not owned; read during open() only. Ignored for a store not yet migrated to format 3.
    const core::SecretBytes* rootKey = nullptr;
    /// Who is signing in from where, e.g. "unix uid 1001" or "tls CN=desk-3": written into the detail of the
    /// session.login audit entry (never personal data).
    std::string origin{};
    /// The caller (the service) already holds the store's lock for its whole life (Store::lockForService()),
    /// so this open does not take "<path>.lock" and several Store objects may be open on the store at once in
    /// one process (SQLite's WAL and a busy timeout order their writes). Maintenance::rekey() and backup
    /// replace or copy the whole database: run them with no other Store open.
    bool sharedLock = false;
    /// When set, open() writes a signed checkpoint file into this folder before the sign-in's retention
    /// purge, and logout() writes one (AuditTrail::writeCheckpointFile()).
    std::string checkpointFolder{};
};

/// The sign-in file beside a store ("<path>.logins"): failed sign-ins and lockouts, kept outside the
/// encrypted database because they happen before it can be opened. Failed sign-ins are written to the
/// audit trail at the next successful one (by the service at once: auditFailedSignIns()). It holds login
/// names and times only.
[[nodiscard]] std::string loginsPath(const std::string& databasePath);

/// Writes the failed sign-ins and lockouts the sign-in file holds into the audit trail now, as open() writes
/// them (the attempted name when it is a user of the store, "(unknown)" otherwise, and the time), and
/// forgets them there; the counts that decide a lockout stay. No user is signed in: for the service, which
/// holds the store's lock (lockForService()) and its root key, after each failed sign-in, so that a guesser's
/// attempts are in the signed trail at once and not only at the next successful sign-in. A store whose
/// schema is not current keeps them for the sign-in that migrates it. Errors: KeySlotMissing, KeySlotCorrupt,
/// StoreCorrupt, StoreTampered, Database, DiskFull.
[[nodiscard]] core::Status auditFailedSignIns(const std::string& path, const core::SecretBytes& rootKey,
                                              const core::Clock& clock);

/// The erasure ledger beside a store ("<path>.erasures", issue 18 item 9): one line per record erased on
/// request or purged by retention, naming it by a keyed hash (no personal data), hash-chained under a key of
/// the store. Written before each erasure commits; a restore reads it and erases those records again, so
/// that a record erased since a backup stays erased once that backup is restored.
[[nodiscard]] std::string erasureLedgerPath(const std::string& databasePath);

/// How a restore finds the erasure ledger and where the restored store keeps its root key.
struct RestoreOptions {
    /// The restored store's root key file (it must not exist); empty: rootKeyPath(path).
    std::string rootKeyFile{};
    /// The ledger of the store the backup came from; empty: erasureLedgerPath(path) (a store restored in
    /// place finds its own). Another file is copied to erasureLedgerPath(path) (which must then not exist), so
    /// the restored store goes on with it.
    std::string erasureLedger{};
    /// A backup that recorded a non-empty ledger is refused (ErasureLedgerInvalid) when no ledger is found,
    /// so that deleting the ledger does not bring erased records back quietly. Set this to restore anyway
    /// when the ledger is truly lost: the restored trail says so.
    bool erasureLedgerLost = false;
};

/// Writes the failed sign-ins and lockouts the sign-in file holds into the audit trail now, as open() writes
/// them (the attempted name when it is a user of the store, "(unknown)" otherwise, and the time), and
/// forgets them there; the counts that decide a lockout stay. No user is signed in: for the service, which
/// holds the store's lock (lockForService()) and its root key, after each failed sign-in, so that a guesser's
/// attempts are in the signed trail at once and not only at the next successful sign-in. A store whose
/// schema is not current keeps them for the sign-in that migrates it. Errors: KeySlotMissing, KeySlotCorrupt,
/// StoreCorrupt, StoreTampered, Database, DiskFull.
[[nodiscard]] core::Status auditFailedSignIns(const std::string& path, const core::SecretBytes& rootKey,
                                              const core::Clock& clock);

class Store {
public:
    /// Creates a new store and its first user. A production store (not training, not testStore) refuses a
    /// password that fails privacy::checkPassword and an Argon2id cost below privacy::kProductionKdfFloor
    /// (PasswordWeak), and fails closed (FileNotFound) when the common-password list is not installed.
    /// Errors: PasswordWeak, StoreExists, InvalidArgument, Io, ReadOnly,
    /// DiskFull, Crypto.
    [[nodiscard]] static core::Status create(const std::string& path, const std::string& firstUser,
                                             const core::SecretBytes& password, const CreateOptions& options,
                                             const core::Clock& clock);

    /// Unlocks the store as `user`: gets the root key (options.rootKey, or the root key file), verifies the
    /// slot file's MAC under it, checks the lockout, then checks the password against the user's verifier.
    /// An unknown user costs the same Argon2id time as a wrong password (a dummy hash at the store's highest
    /// slot cost, at least privacy::kProductionKdfFloor in a production store). A store with a format-1/2
    /// slot file (wrapped keys) is migrated at its first successful sign-in: a new root key file is written,
    /// the signing-in user's slot becomes a verifier and every other user's a slot no password passes (an
    /// administrator sets their password: Users::setPassword()), audited as "store.keys_migrate".
    /// Errors: StoreNotFound, KeySlotMissing, RootKeyUnavailable (no readable root key file), KeySlotCorrupt
    /// (slot file or root key file altered, or of another store), StoreNotAStore, AuthenticationFailed
    /// (unknown user, wrong password or password reset required: only the sign-in file is written, counting
    /// the failure), AccountLocked (too many failures in a row: refused without trying the password until the
    /// lockout ends), StoreCorrupt, StoreVersionTooNew, StoreModeMismatch, StoreBusy, Io. A successful
    /// sign-in writes the failures before it to the audit trail, and runs the retention purge when the pack
    /// says so (its outcome: purgeAtOpen()).
    [[nodiscard]] static core::Result<Store> open(const std::string& path, const std::string& user,
                                                  const core::SecretBytes& password, const OpenOptions& options,
                                                  const core::Clock& clock);

    /// Restores a backup as a new store at `path` (e.g. on a new machine). The backup is authenticated,
    /// every table is checked row by row against its manifest, every record is decoded, and the database
    /// is re-encrypted under a fresh key before it is moved into place; nothing is left at `path` on
    /// failure. Users and passwords are those of the store when it was backed up; a backup of an older
    /// schema is migrated on the first open. The restored store's audit trail continues the backup's with a
    /// "store.restore" entry (user "(restore)": no user is signed in), then one "record.erase" entry for each
    /// record the erasure ledger (erasureLedgerPath(path), or RestoreOptions) names that the backup still
    /// holds: it is erased again before the store is moved into place. A ledger that does not verify, or
    /// that is missing or older than the one the backup recorded, is ErasureLedgerInvalid (see
    /// RestoreOptions::erasureLedgerLost). Errors: FileNotFound, BackupCorrupt,
    /// AuthenticationFailed (wrong backup password), StoreExists, StoreVersionTooNew, DiskFull, Io, ReadOnly.
    /// The restored store gets a new root key, written to `rootKeyFile` (empty: rootKeyPath(path); it must
    /// not exist); a backup of a format-2 store is restored with its wrapped slots and migrated at its first
    /// sign-in.
    [[nodiscard]] static core::Result<RestoreReport> restore(const std::string& backupPath,
                                                             const core::SecretBytes& backupPassword,
                                                             const std::string& path, const core::Clock& clock,
                                                             const std::string& rootKeyFile = {});
    /// restore() with the erasure ledger's options.
    [[nodiscard]] static core::Result<RestoreReport> restoreWith(const std::string& backupPath,
                                                                 const core::SecretBytes& backupPassword,
                                                                 const std::string& path, const core::Clock& clock,
                                                                 const RestoreOptions& options);
    /// Restores a backup sealed to an escrow key (Maintenance::backupToEscrow()) with the matching key pair,
    /// as restore() does otherwise. Errors: those of restore(), with AuthenticationFailed when the key pair is
    /// not the one the backup was sealed to (no password opens such a backup, and no key pair a password
    /// backup: InvalidArgument), BackupCorrupt when the sealed key or anything else was altered.
    [[nodiscard]] static core::Result<RestoreReport>
    restoreFromEscrow(const std::string& backupPath, const privacy::EscrowKeyPair& escrowKey, const std::string& path,
                      const core::Clock& clock, const RestoreOptions& options = {});

    /// Takes the store's lock ("<path>.lock") for a service that opens the store with OpenOptions::sharedLock
    /// for as long as it holds the returned lock. Errors: StoreBusy (another process holds it), Io, ReadOnly.
    [[nodiscard]] static core::Result<StoreLock> lockForService(const std::string& path);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    [[nodiscard]] bool training() const noexcept;
    [[nodiscard]] const std::string& userName() const noexcept;
    [[nodiscard]] privacy::Role role() const noexcept;
    [[nodiscard]] const std::string& storeId() const;

    /// The retention purge run at sign-in: ok (nothing due, or erased and audited) or why it failed. A
    /// failed purge does not stop the sign-in (the work of the desk goes on), but it is not hidden: callers
    /// show it, and the next sign-in or scheduled purge tries again.
    [[nodiscard]] const core::Status& purgeAtOpen() const noexcept;

    /// The policy pack in force (any signed-in user may read it: it holds no personal data).
    [[nodiscard]] const privacy::Policy& policy() const;
    /// Puts a new pack in force (administrators); its name, version and hash are audited. Errors:
    /// PermissionDenied, PolicyInvalid.
    [[nodiscard]] core::Status loadPolicy(std::string_view packText);
    /// The longest side the pack keeps for images of `kind` under `purpose`, or nullopt when that image is
    /// never written (or the purpose is unknown). Decided by the pack alone: no record is needed, so a
    /// client scales images before it saves them.
    [[nodiscard]] std::optional<int> imageLimit(std::string_view purpose, ImageKind kind) const;

    /// Break-glass: for `minutes` (at most the pack's limit) the signed-in user gets the pack's break-glass
    /// grants (reading personal data), with the reason in the audit trail, and every access it allows marked
    /// as break-glass. The grant is kept in the store, so it holds across sign-ins until it expires. Errors:
    /// PermissionDenied, InvalidArgument (empty reason, minutes out of range).
    [[nodiscard]] core::Result<core::TimePoint> breakGlass(std::string_view reason, int minutes);
    /// When this session's break-glass grant ends, if it holds one.
    [[nodiscard]] std::optional<core::TimePoint> breakGlassUntil() const;

    [[nodiscard]] Records& records() noexcept { return m_records; }
    [[nodiscard]] Flags& flags() noexcept { return m_flags; }
    [[nodiscard]] SubjectRights& subjects() noexcept { return m_subjects; }
    [[nodiscard]] Users& users() noexcept { return m_users; }
    [[nodiscard]] AuditTrail& audit() noexcept { return m_audit; }
    [[nodiscard]] Retention& retention() noexcept { return m_retention; }
    [[nodiscard]] Maintenance& maintenance() noexcept { return m_maintenance; }
    [[nodiscard]] Statistics& statistics() noexcept { return m_statistics; }
    [[nodiscard]] Exercises& exercises() noexcept { return m_exercises; }
    [[nodiscard]] const AuditTrail& audit() const noexcept { return m_audit; }

    /// Signs out: audited, a checkpoint file written when OpenOptions::checkpointFolder was set (best effort),
    /// then the keys are wiped (close()).
    void logout();
    /// Wipes the key and closes the database. Further calls fail with InvalidArgument.
    void close();

private:
    explicit Store(std::unique_ptr<StoreImpl> impl);
    std::unique_ptr<StoreImpl> m_impl;
    Records m_records{m_impl.get()};
    Flags m_flags{m_impl.get()};
    SubjectRights m_subjects{m_impl.get()};
    Users m_users{m_impl.get()};
    AuditTrail m_audit{m_impl.get()};
    Retention m_retention{m_impl.get()};
    Maintenance m_maintenance{m_impl.get()};
    Statistics m_statistics{m_impl.get()};
    Exercises m_exercises{m_impl.get()};
};

} // namespace secondline::storage
