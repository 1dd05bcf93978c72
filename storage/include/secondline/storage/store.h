#pragma once
// The encrypted store: one SQLCipher 4 database file and, beside it, its key slot file ("<path>.keys").
//
// The database key is random; each user unlocks it through their own key slot (privacy/key_slot.h).
// Every operation runs as the user who opened the store, asks privacy whether that user's role may do it,
// and writes its audit entry in the same transaction as the change. Nothing is written for a refused
// operation except, where the store is open, its audit entry.
//
//   auto created = Store::create(path, "admin", password, {.training = true}, clock);
//   auto store = Store::open(path, "admin", password, {}, clock);
//   auto id = store->addRecord(document, {.source = "scan"});
//
// A Store is move-only and not thread-safe; the Clock must outlive it. Closing (or destroying) it wipes
// the database key from memory.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/access.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/policy.h>
#include <secondline/validation/travel_document.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace secondline::storage {

/// Schema version this build writes; older stores are migrated forward on open.
inline constexpr int kSchemaVersion = 6;

/// The key slot file that belongs to a store database.
[[nodiscard]] std::string keySlotPath(const std::string& databasePath);

struct CreateOptions {
    bool training = false;    ///< a training store (synthetic data only)
    privacy::KdfParams kdf{}; ///< Argon2id cost of the first user's slot
    /// Role of the first user: Administrator, or Trainer for a training store.
    privacy::Role firstUserRole = privacy::Role::Administrator;
};

struct OpenOptions {
    enum class Mode { Any, Production, Training };
    Mode mode = Mode::Any; ///< refuse a store of the other kind (StoreModeMismatch)
    /// Bring an older schema up to date on open. Off, an older store opens for backup() only (every other
    /// operation fails with StoreNeedsMigration): how an administrator takes a backup before upgrading.
    bool migrate = true;
};

/// One inspection of one traveller at a desk; the records of the documents read during it belong to it.
struct EncounterInfo {
    std::string source; ///< "scan", "camera", "file", "synthetic", ... (no paths)
    std::string purpose = "secondary_inspection";
    std::string location{};       ///< where: the post or port code
    std::string desk{};           ///< which desk
    std::string outcome = "open"; ///< e.g. open, admitted, refused, referred
    std::string notes{};          ///< the officer's notes (personal data: encrypted, never logged)
    /// Attach the records to this existing encounter (visible to the user) instead of opening one per record.
    std::optional<std::int64_t> encounterId{};
};

struct RecordSummary {
    std::int64_t id = 0;
    core::TimePoint created{};
    std::string officer;
    std::string format;
    bool valid = false;
};

/// One rectification of a record: the old value is kept, with who changed it, when and why.
struct Rectification {
    core::TimePoint time{};
    std::string user;
    std::string field;
    std::string oldValue;
    std::string newValue;
    std::string reason;
};

struct StoredRecord {
    std::int64_t id = 0;
    core::TimePoint created{};
    std::string officer;
    EncounterInfo encounter; ///< with encounterId set
    validation::TravelDocument document;
    bool legalHold = false;
    std::vector<Rectification> history{}; ///< oldest first
};

/// A disclosure of a record to another agency under a sharing agreement.
struct Disclosure {
    std::int64_t recordId = 0;
    core::TimePoint time{};
    std::string user;
    std::string agreement;
    std::string recipient;
    std::string purpose;
    std::string legalReference;
    std::vector<std::string> fields; ///< the fields that left the workstation
};

/// Everything held about one traveller (subject access): their records with images, flags, rectifications,
/// the disclosures made of them and every consultation of them in the audit trail.
struct SubjectData;

/// What retention would do, or did.
struct PurgeReport {
    std::int64_t erased = 0;               ///< records erased (or, in a dry run, that would be)
    std::int64_t images = 0;               ///< their images
    std::int64_t encounters = 0;           ///< encounters left without records and erased with them
    std::int64_t held = 0;                 ///< expired records kept because of a legal hold
    std::vector<std::int64_t> erasedIds{}; ///< record ids (no personal data)
};

/// What expires when, per outcome (counts only: an auditor may read it).
struct RetentionRow {
    std::string outcome;
    std::optional<int> days; ///< the rule's days; nullopt: the pack's default for unknown outcomes
    std::int64_t records = 0;
    std::int64_t expired = 0;              ///< due now: the next purge erases them
    std::int64_t within7 = 0;              ///< due within 7 days
    std::int64_t within30 = 0;             ///< within 30 days (after the first 7)
    std::int64_t later = 0;                ///< later
    std::int64_t held = 0;                 ///< under legal hold: kept until released
    std::optional<core::TimePoint> next{}; ///< the earliest expiry
};

enum class ImageKind { Document, Portrait };

struct StoredImage {
    std::int64_t id = 0;
    ImageKind kind = ImageKind::Document;
    std::string mediaType; ///< image/png or image/jpeg
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> data; ///< the encoded image
};

/// Largest image the store accepts (an A4 page at 600 dpi, PNG, stays well below).
inline constexpr std::size_t kMaxImageBytes = 32u << 20;

enum class FlagKind { Review, Referral };
enum class FlagStatus { Open, Resolved, Dismissed };

struct FlagEvent {
    core::TimePoint time{};
    std::string user;
    FlagStatus status = FlagStatus::Open;
    std::string note;
};

/// A record flagged for a supervisor's review, or referred to another service, with its whole history.
struct Flag {
    std::int64_t id = 0;
    std::int64_t recordId = 0;
    FlagKind kind = FlagKind::Review;
    std::string reason;
    std::string referredTo; ///< referrals: the service referred to
    FlagStatus status = FlagStatus::Open;
    std::vector<FlagEvent> history; ///< oldest first; the first event is the flag's creation
};

/// What statistics read: one row per record in the period, without identity. Ages are in bands; no name,
/// document number or date of birth is here. Each text dimension is coded into a small dictionary so a year of
/// a busy desk (a million rows) fits in tens of megabytes.
struct StatisticsData {
    enum Dimension : std::uint8_t {
        Desk,
        Source,
        DocumentCode,
        IssuingState,
        Nationality,
        Sex,     ///< "M", "F", "X", or "" (unspecified)
        AgeBand, ///< "0-17", "18-29", "30-44", "45-59", "60+", "unknown" (at the time of capture)
        Outcome, ///< the encounter's: "open", "cleared", "referred", "refused", ...
        Basis,   ///< of a referral: "fact", "assessment", "" (none or untyped)
        kDimensions
    };
    struct Row {
        std::int64_t time = 0;         ///< capture time, seconds since 1970 (UTC)
        std::int32_t processing = -1;  ///< seconds from the encounter's start to its close; -1 while open
        std::uint16_t corrections = 0; ///< rectifications of the record
        std::uint8_t missing = 0;      ///< core fields empty or partly unknown
        std::uint8_t confidence = 100; ///< lowest per-field OCR confidence, percent (100 for typed text)
        bool checkFailed = false;      ///< a check digit failed
        bool flagged = false;          ///< flagged for review or referred
        std::array<std::uint16_t, kDimensions> code{}; ///< index into `values`
    };
    std::array<std::vector<std::string>, kDimensions> values{};
    std::vector<Row> rows{};
    [[nodiscard]] const std::string& value(const Row& row, Dimension d) const { return values[d][row.code[d]]; }
};

/// One trainee's answer to one exercise of a training pack, scored (training stores only; synthetic data).
struct ExerciseResult {
    std::int64_t id = 0;
    core::TimePoint time{};
    std::string trainee;     ///< login name (set by the store: the signed-in user)
    std::string pack;        ///< the pack's name, e.g. "pack-7"
    int exercise = 0;        ///< 1-based position in the pack
    std::string problem;     ///< the problem planted ("none" for a clean document)
    int fieldsRight = 0;     ///< fields whose saved value matched the document
    int fieldsTotal = 0;     ///< fields the document has
    int problemsCaught = 0;  ///< planted problems the trainee reported
    int problemsPlanted = 0; ///< problems planted (0 or 1)
    int falseAlarms = 0;     ///< problems reported that were not there
    double seconds = 0.0;    ///< from the document shown to the answer given
};

class Store {
public:
    /// Creates a new store and its first user. Errors: StoreExists, InvalidArgument, Io, ReadOnly,
    /// DiskFull, Crypto.
    [[nodiscard]] static core::Status create(const std::string& path, const std::string& firstUser,
                                             const core::SecretBytes& password, const CreateOptions& options,
                                             const core::Clock& clock);

    /// Unlocks the store as `user`. Errors: StoreNotFound, KeySlotMissing, KeySlotCorrupt, StoreNotAStore,
    /// AuthenticationFailed (unknown user or wrong password: only the sign-in file is written, counting the
    /// failure), AccountLocked (too many failures in a row: refused without trying the password until the
    /// lockout ends), StoreCorrupt, StoreVersionTooNew, StoreModeMismatch, StoreBusy, Io. A successful
    /// sign-in writes the failures before it to the audit trail, and runs the retention purge when the pack
    /// says so.
    [[nodiscard]] static core::Result<Store> open(const std::string& path, const std::string& user,
                                                  const core::SecretBytes& password, const OpenOptions& options,
                                                  const core::Clock& clock);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    [[nodiscard]] bool training() const noexcept;
    [[nodiscard]] const std::string& userName() const noexcept;
    [[nodiscard]] privacy::Role role() const noexcept;

    /// Stores a document. Errors: PermissionDenied, DiskFull, Io, Database.
    [[nodiscard]] core::Result<std::int64_t> addRecord(const validation::TravelDocument& document,
                                                       const EncounterInfo& encounter);
    /// Stores a batch in one transaction, each record with its own audit entry: all or none. Returns the
    /// ids in order. Errors as addRecord.
    [[nodiscard]] core::Result<std::vector<std::int64_t>>
    addRecords(std::span<const validation::TravelDocument> documents, const EncounterInfo& encounter);
    /// Reads one record (audited). Errors: RecordNotFound (also for records this user may not see),
    /// PermissionDenied, StoreCorrupt.
    [[nodiscard]] core::Result<StoredRecord> record(std::int64_t id);
    /// Summaries of the records this user may see, newest first (audited).
    [[nodiscard]] core::Result<std::vector<RecordSummary>> records();

    /// Records of one document (issuing state and number, as printed or standardized) that this user may
    /// see, newest first; found through a blind index, never a plaintext one (audited without the values).
    [[nodiscard]] core::Result<std::vector<RecordSummary>> findByDocument(std::string_view issuingState,
                                                                          std::string_view documentNumber);
    /// Records of one person by surname and ISO birth date ("1974-08-12"), as findByDocument.
    [[nodiscard]] core::Result<std::vector<RecordSummary>> findByNameAndBirth(std::string_view surname,
                                                                              std::string_view birthIso);

    /// Attaches an image (document page or portrait) to a visible record; stored encrypted like everything
    /// in the database. Errors: RecordNotFound, PermissionDenied, InvalidArgument (empty, too large, or not
    /// image/png or image/jpeg), DiskFull, Io.
    [[nodiscard]] core::Result<std::int64_t> addImage(std::int64_t recordId, ImageKind kind, std::string_view mediaType,
                                                      int width, int height, std::span<const std::uint8_t> data);
    /// The images of a visible record (audited). Errors: RecordNotFound, PermissionDenied.
    [[nodiscard]] core::Result<std::vector<StoredImage>> images(std::int64_t recordId);

    /// Flags a visible record for review, or refers it (`referredTo` names the service). Errors:
    /// RecordNotFound, PermissionDenied, InvalidArgument (empty reason; a referral without a service).
    [[nodiscard]] core::Result<std::int64_t> flagRecord(std::int64_t recordId, FlagKind kind, std::string_view reason,
                                                        std::string_view referredTo = {});
    /// Moves a flag to a new status with a note (supervisors); the change joins its history. Errors:
    /// RecordNotFound (no such flag), PermissionDenied, InvalidArgument.
    [[nodiscard]] core::Status updateFlag(std::int64_t flagId, FlagStatus status, std::string_view note);
    /// Flags with their history: every flag for supervisors, those on the user's own records otherwise.
    [[nodiscard]] core::Result<std::vector<Flag>> flags(bool openOnly);

    /// Adds a user with their own key slot. Errors: PermissionDenied, UserExists, InvalidArgument.
    [[nodiscard]] core::Status addUser(const std::string& name, privacy::Role role, const core::SecretBytes& password,
                                       const privacy::KdfParams& kdf);

    /// Removes a user (administrators): their key slot is deleted, so their password no longer opens the store,
    /// and they are marked inactive. Their records and audit entries stay, attributed to them; the name is not
    /// reused. Errors: PermissionDenied, UserNotFound (no such active user), InvalidArgument (yourself),
    /// KeySlotCorrupt, Io.
    [[nodiscard]] core::Status removeUser(const std::string& name);

    struct UserInfo {
        std::string name;
        privacy::Role role = privacy::Role::Officer;
        core::TimePoint created{};
        bool active = false; ///< has a key slot and may sign in
    };
    /// Every user, removed ones included, in the order they were added (administrators). Errors:
    /// PermissionDenied.
    [[nodiscard]] core::Result<std::vector<UserInfo>> users();

    /// Changes the signed-in user's password: their key slot is re-wrapped (new salt, nonce and the given
    /// Argon2id cost) and the slot file replaced atomically. Errors: InvalidArgument, KeySlotCorrupt, Io.
    [[nodiscard]] core::Status changePassword(const core::SecretBytes& newPassword, const privacy::KdfParams& kdf);

    /// Rotates the database key (administrators): a new random key is sealed in the slot file as pending,
    /// a copy of the database under it replaces the database file (one rename), then the pending key is
    /// promoted. Users' slots and passwords are untouched. A crash or a failure at any point leaves a store
    /// that opens with every record: open() finishes or drops an interrupted rotation (a failure once the
    /// copy is made ends the session). Errors: PermissionDenied, KeySlotCorrupt, DiskFull, Io, Database.
    [[nodiscard]] core::Status rekey();

    struct BackupReport {
        int schema = 0;           ///< schema version of the backed-up database
        std::int64_t records = 0; ///< records in the backup
        std::uint64_t bytes = 0;  ///< size of the backup file
    };
    /// Writes an encrypted backup of the whole store (administrators) to a new file `backupPath`, while the
    /// store stays open. The copy is encrypted under its own random key, which one key slot ("backup")
    /// wraps under `backupPassword`; it carries a manifest (rows and a digest of every table) that restore
    /// checks, and the store's own slots so users keep their passwords. Errors: PermissionDenied,
    /// StoreExists (the file exists), FileNotFound (no such folder), DiskFull, Io, ReadOnly, Crypto.
    [[nodiscard]] core::Result<BackupReport>
    backup(const std::string& backupPath, const core::SecretBytes& backupPassword, const privacy::KdfParams& kdf);

    struct RestoreReport {
        int schema = 0; ///< schema of the backup (migrated forward on the first open)
        bool training = false;
        std::int64_t records = 0; ///< records restored, each checked against the manifest and decoded
    };
    /// Restores a backup as a new store at `path` (e.g. on a new machine). The backup is authenticated,
    /// every table is checked row by row against its manifest, every record is decoded, and the database
    /// is re-encrypted under a fresh key before it is moved into place; nothing is left at `path` on
    /// failure. Users and passwords are those of the store when it was backed up; a backup of an older
    /// schema is migrated on the first open. The restored store's audit trail continues the backup's with a
    /// "store.restore" entry (user "(restore)": no user is signed in). Errors: FileNotFound, BackupCorrupt,
    /// AuthenticationFailed (wrong backup password), StoreExists, StoreVersionTooNew, DiskFull, Io, ReadOnly.
    [[nodiscard]] static core::Result<RestoreReport> restore(const std::string& backupPath,
                                                             const core::SecretBytes& backupPassword,
                                                             const std::string& path, const core::Clock& clock);

    /// The whole audit trail. Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::vector<privacy::AuditEntry>> auditTrail();

    // ---- Privacy (policy pack, retention, subject rights, sharing, break-glass, sessions) ----

    /// The policy pack in force (any signed-in user may read it: it holds no personal data).
    [[nodiscard]] const privacy::Policy& policy() const;
    /// Puts a new pack in force (administrators); its name, version and hash are audited. Errors:
    /// PermissionDenied, PolicyInvalid.
    [[nodiscard]] core::Status loadPolicy(std::string_view packText);

    /// Closes an encounter with its outcome (one of the pack's retention outcomes other than "open"); its
    /// retention runs from now. Officers close their own open encounters. Errors: RecordNotFound,
    /// PermissionDenied, InvalidArgument (unknown outcome).
    [[nodiscard]] core::Status closeEncounter(std::int64_t encounterId, std::string_view outcome);

    /// Corrects one field of a visible record (its standardized value; the printed MRZ stays as read), with a
    /// reason; the old value joins the record's history. Errors: RecordNotFound, PermissionDenied,
    /// InvalidArgument (unknown field, malformed value, empty reason), PolicyForbids (a field the record's
    /// profile does not keep).
    [[nodiscard]] core::Status rectify(std::int64_t recordId, std::string_view field, std::string_view value,
                                       std::string_view reason);
    /// Places (or releases) a legal hold: a held record is neither purged nor erased. Errors: RecordNotFound,
    /// PermissionDenied, InvalidArgument (empty reason).
    [[nodiscard]] core::Status setLegalHold(std::int64_t recordId, bool hold, std::string_view reason);
    /// Erases a record (and its images, flags and history) on the traveller's request, where the pack allows
    /// it for the record's outcome; refusals are audited too. Errors: RecordNotFound, PermissionDenied,
    /// LegalHold, PolicyForbids, InvalidArgument (empty reason).
    [[nodiscard]] core::Status eraseRecord(std::int64_t recordId, std::string_view reason);

    /// Erases every record whose retention has run out (administrators, and the store itself at open when the
    /// pack says so), except those under a legal hold; then vacuums, so erased data leaves the file. Audited
    /// without personal data. `dryRun` only counts.
    [[nodiscard]] core::Result<PurgeReport> purge(bool dryRun = false);
    /// What expires when (administrators, auditors, supervisors). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::vector<RetentionRow>> retentionReport();

    /// Subject access: everything held about the holder of one document. Errors: PermissionDenied.
    [[nodiscard]] core::Result<SubjectData> subjectExport(std::string_view issuingState,
                                                          std::string_view documentNumber);

    /// A case for another agency under sharing agreement `agreement`: only the agreement's fields, sealed to
    /// the recipient's key and signed by the workstation (privacy/sharing.h); recorded as a disclosure.
    /// Anything outside an agreement is refused and the refusal audited. Errors: RecordNotFound,
    /// PermissionDenied, PolicyForbids (no such agreement), InvalidArgument (empty justification).
    [[nodiscard]] core::Result<std::string> shareRecord(std::int64_t recordId, std::string_view agreement,
                                                        std::string_view justification);
    /// The disclosures made of a visible record. Errors: RecordNotFound, PermissionDenied.
    [[nodiscard]] core::Result<std::vector<Disclosure>> disclosures(std::int64_t recordId);

    /// Break-glass: for `minutes` (at most the pack's limit) the signed-in user gets the pack's break-glass
    /// grants (reading personal data), with the reason in the audit trail, and every access it allows marked
    /// as break-glass. The grant is kept in the store, so it holds across sign-ins until it expires. Errors:
    /// PermissionDenied, InvalidArgument (empty reason, minutes out of range).
    [[nodiscard]] core::Result<core::TimePoint> breakGlass(std::string_view reason, int minutes);
    /// When this session's break-glass grant ends, if it holds one.
    [[nodiscard]] std::optional<core::TimePoint> breakGlassUntil() const;

    /// The workstation's audit-signing public key (hex Ed25519) and the first signed entry.
    [[nodiscard]] const std::string& auditPublicKey() const;
    [[nodiscard]] std::int64_t auditSignedFrom() const;
    [[nodiscard]] const std::string& storeId() const;
    /// Verifies the trail in the store: chain, every signature, and (when given) a checkpoint (auditors and
    /// administrators; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<privacy::TrailCheck> verifyAudit(const privacy::AuditCheckpoint* checkpoint);
    /// The trail as a signed export (auditors; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::string> exportAudit();
    /// A signed checkpoint at the trail's last entry (auditors; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::string> auditCheckpoint();

    /// Images a record's purpose keeps: the longest side allowed for `kind`, or nullopt when that image is
    /// never written. Errors: RecordNotFound.
    [[nodiscard]] core::Result<std::optional<int>> imageLimit(std::int64_t recordId, ImageKind kind);

    /// Signs out: audited, then the keys are wiped (close()).
    /// The scheduled purge: erases what retention says is due, as at every sign-in. Any signed-in role may
    /// run it (retention is the workstation's duty, not a privilege); it does not count as activity for the
    /// idle timeout. Errors: StoreNeedsMigration, Database, DiskFull.
    [[nodiscard]] core::Result<PurgeReport> purgeDue();

    /// The statistics rows of records captured in [from, to), of one desk when `desk` is given (audited with the
    /// period only). Errors: PermissionDenied (statistics.read).
    [[nodiscard]] core::Result<StatisticsData> statistics(core::TimePoint from, core::TimePoint to,
                                                          const std::optional<std::string>& desk = std::nullopt);

    /// Keeps a trainee's scored answer (training stores only; `trainee` and `time` are set by the store).
    /// Errors: PermissionDenied (a production store, or a role that may not create records), InvalidArgument.
    [[nodiscard]] core::Result<std::int64_t> addExerciseResult(const ExerciseResult& result);
    /// Every trainee's results for those who may read every record (trainers), one's own otherwise, oldest
    /// first. Errors: PermissionDenied (a production store).
    [[nodiscard]] core::Result<std::vector<ExerciseResult>> exerciseResults();

    void logout();

    /// The SQLCipher settings in force, as SQLCipher reports them (pinned by a test; stated in the README).
    struct CipherSettings {
        std::string version;          ///< e.g. "4.6.1 community"
        int pageSize = 0;             ///< 4096
        std::string hmacAlgorithm;    ///< HMAC_SHA512
        std::string kdfAlgorithm;     ///< PBKDF2_HMAC_SHA512 (not used: the key is raw)
        int plaintextHeaderSize = -1; ///< 0: the whole file, header included, is encrypted
        bool memorySecurity = false;  ///< SQLCipher locks and wipes all its buffers (off: see README)
    };
    [[nodiscard]] core::Result<CipherSettings> cipherSettings();

    struct CheckReport {
        bool integrityOk = false;       ///< PRAGMA integrity_check
        bool cipherIntegrityOk = false; ///< PRAGMA cipher_integrity_check (every page's HMAC)
        bool auditChainOk = false;      ///< the audit hash chain verifies
        std::string problems;           ///< what failed, without personal data
        [[nodiscard]] bool ok() const { return integrityOk && cipherIntegrityOk && auditChainOk; }
    };
    /// Checks the store end to end (administrators and auditors). Errors: PermissionDenied.
    [[nodiscard]] core::Result<CheckReport> check();

    /// Wipes the key and closes the database. Further calls fail with InvalidArgument.
    void close();

    struct Impl; ///< opaque: storage's own state of an open store

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

struct SubjectData {
    std::vector<StoredRecord> records;
    std::vector<std::pair<std::int64_t, StoredImage>> images; ///< record id, image
    std::vector<Flag> flags;
    std::vector<Disclosure> disclosures;
    std::vector<privacy::AuditEntry> accessLog; ///< every audit entry naming one of the records
};

/// User names: 1-64 characters of a-z, A-Z, 0-9, '.', '_', '-'.
[[nodiscard]] bool validUserName(const std::string& name);

/// The sign-in file beside a store ("<path>.logins"): failed sign-ins and lockouts, kept outside the
/// encrypted database because they happen before it can be opened. Failed sign-ins are written to the
/// audit trail at the next successful one. It holds login names and times only.
[[nodiscard]] std::string loginsPath(const std::string& databasePath);

} // namespace secondline::storage
