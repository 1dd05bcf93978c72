#pragma once
// The open store's state and the helpers the storage sources share (one source per concern). Private to
// storage.

#include "atomic_file.h"
#include "sqlite.h"

#include <secondline/privacy/audit.h>
#include <secondline/privacy/audit_action.h>
#include <secondline/privacy/policy.h>
#include <secondline/storage/store.h>

#include <optional>
#include <string>

namespace secondline::storage {

namespace detail {

/// Appends one audit entry (inside the caller's transaction). With a signer (schema 4 and later) the entry
/// carries its justification and the workstation's signature.
[[nodiscard]] core::Status appendAudit(Database& db, const core::Clock& clock, const std::string& user,
                                       std::string_view role, privacy::AuditAction action,
                                       std::optional<core::RecordId> recordId, std::string purpose, std::string detail,
                                       const privacy::AuditSigner* signer = nullptr, std::string justification = {});
/// appendAudit() for a role known by its enum (no session yet: create, migrations, restore).
[[nodiscard]] core::Status appendAudit(Database& db, const core::Clock& clock, const std::string& user,
                                       privacy::Role role, privacy::AuditAction action,
                                       std::optional<core::RecordId> recordId, std::string purpose, std::string detail,
                                       const privacy::AuditSigner* signer = nullptr, std::string justification = {});

/// InvalidArgument unless `reason` is 1 to 4000 characters; `what` names the step in the message.
[[nodiscard]] core::Status checkReason(std::string_view reason, const char* what);

/// The first column of every row a statement returns, as text.
[[nodiscard]] core::Result<std::vector<std::string>> firstColumn(Database& db, std::string_view sql);

/// Erases records with everything hanging off them (images, flags, rectifications) and the encounters left
/// empty. Disclosures stay: they say what left the workstation, with ids only. Inside the caller's transaction.
[[nodiscard]] core::Result<PurgeReport> eraseRecords(Database& db, const std::vector<core::RecordId>& ids);

/// VACUUM and a WAL checkpoint, so that erased rows leave the file (secure_delete has zeroed their pages).
[[nodiscard]] core::Status compact(Database& db);

/// The policy pack in force (the newest loaded). Errors: StoreCorrupt.
[[nodiscard]] core::Result<privacy::Policy> loadPolicyInForce(Database& db);

// The sign-in file (loginsPath()): failures and lockouts before the database can be opened.
/// AccountLocked while `user` is locked out.
[[nodiscard]] core::Status checkLockout(const std::string& storePath, const std::string& user, core::TimePoint now);
/// Counts a failed sign-in (best effort: a sign-in file that cannot be written does not stop the refusal).
/// Unknown user names are recorded as "(unknown)" and lock nobody.
void recordFailedLogin(const std::string& storePath, const std::string& user, bool knownUser, core::TimePoint now);
struct FailedLogin {
    std::string user;
    core::TimePoint time{};
    bool locked = false; ///< this failure locked the account
};
/// The failures not yet in the audit trail.
[[nodiscard]] std::vector<FailedLogin> pendingFailedLogins(const std::string& storePath);
/// Forgets the first `count` pending failures (written to the trail by auditFailedSignIns()); the counts stay.
void forgetPendingFailedLogins(const std::string& storePath, std::size_t count);
/// After a successful sign-in whose transaction wrote the pending failures: forgets them, resets `user`'s
/// count, and records the pack's lockout rules for the next sign-ins.
void clearLoginFailures(const std::string& storePath, const std::string& user, const privacy::SessionRules& rules);

} // namespace detail

/// An operation's way to the database, handed out only by the session gate (StoreImpl::begin(), transaction()
/// or connection()): the connection, and the operation's transaction unless it is whole-database work that
/// cannot run inside one. Dropped without StoreImpl::commit(), its transaction rolls back. Nothing else in
/// storage reaches the database of an open store, so no operation can skip the session, the role's
/// permission or its audit entry.
class Access {
public:
    Access(Access&&) noexcept = default;
    Access& operator=(Access&&) = delete;
    Access(const Access&) = delete;
    Access& operator=(const Access&) = delete;
    ~Access() = default;

    [[nodiscard]] detail::Database& db() noexcept { return *m_db; }

private:
    friend struct StoreImpl;
    Access(detail::Database& db, std::optional<detail::Transaction> tx) : m_db(&db), m_tx(std::move(tx)) {}
    detail::Database* m_db;
    std::optional<detail::Transaction> m_tx;
};

struct StoreImpl {
    detail::FileLock lock;       // released last: members are destroyed in reverse order (none with sharedLock)
    core::SecretBytes key;       // the database key SQLCipher uses
    core::SecretBytes rootKey;   // seals the database, index and audit keys; keys the slot file's MAC
    core::SecretBytes indexKey;  // blind indexes (sealed under the root key; stable across rotations)
    core::SecretBytes auditSeed; // the audit signing seed (sealed under the root key)
    std::optional<privacy::AuditSigner> signer; // the workstation's audit key, from auditSeed
    std::string rootKeyFile;                    // where the root key file is (rekey() rewrites it)
    std::string checkpointFolder;               // OpenOptions::checkpointFolder
    std::optional<privacy::Policy> policy;      // the pack in force
    std::int64_t signedFrom = 1;                // first audit entry that must be signed
    const core::Clock* clock = nullptr;
    std::string path;
    std::string storeId;
    int schema = kSchemaVersion; // older only when opened with migrate = false
    std::string user;
    std::int64_t userId = 0;
    privacy::Role role = privacy::Role::Officer;
    bool training = false;
    bool open = false;
    core::TimePoint lastActivity{};
    std::optional<core::TimePoint> breakGlassUntil;
    std::string breakGlassReason;

    [[nodiscard]] const privacy::Policy& pack() const { return policy ? *policy : privacy::Policy::defaults(); }
    [[nodiscard]] bool breakGlassActive() const { return breakGlassUntil && clock->now() < *breakGlassUntil; }
    [[nodiscard]] privacy::AccessContext context() const { return {training, breakGlassActive()}; }

    core::Status purgeAtOpen{}; // the sign-in's retention purge: ok, or why it failed

    /// How a call uses the session: as the user's activity (idle rule enforced, the idle clock restarted), or
    /// as the workstation's scheduled duty (the retention purge: it only erases, runs on the pack's schedule
    /// even while the user is away, and neither ends nor extends the session).
    enum class Use { Activity, ScheduledDuty };
    /// Checks the session: open, migrated (only a backup may run on an older schema), and for Activity not
    /// idle longer than the pack allows (an idle session is audited and closed).
    core::Status session(std::optional<privacy::Action> action, Use use);
    /// session() and the role's permission for `action`. A refusal is audited ("access.denied", naming the
    /// permission).
    core::Status allowed(privacy::Action action);
    /// The session gate an operation passes to reach the database: allowed(action), then the operation's
    /// transaction. The operation writes its audit entries inside it and ends with commit(), which refuses a
    /// change without one.
    [[nodiscard]] core::Result<Access> begin(privacy::Action action);
    /// The transaction of an operation that passed allowed() earlier and did work outside the database in
    /// between (key slot files, re-encryption, integrity checks); it ends with commit() like begin()'s.
    [[nodiscard]] core::Result<Access> transaction();
    /// The connection without a transaction, for whole-database work that cannot run inside one (integrity
    /// checks, export, the re-encrypting copy) and for reads that write nothing: session() and, with an
    /// action, its permission as allowed() checks it. Whatever such an operation changes goes through a
    /// transaction() and commit() afterwards.
    [[nodiscard]] core::Result<Access> connection(std::optional<privacy::Action> action);
    /// What commit() does once the transaction is committed.
    enum class AfterCommit {
        Nothing,
        Compact, ///< VACUUM and a WAL checkpoint, so that erased rows leave the file (see detail::compact())
    };
    /// Commits an operation begun by begin() or transaction(). Internal (a bug; nothing is committed) when the
    /// operation wrote no audit entry since, or when `access` holds no transaction.
    [[nodiscard]] core::Status commit(Access& access, AfterCommit after = AfterCommit::Nothing);
    std::int64_t auditsWritten = 0; // entries appended in this session (commit() checks one was)
    std::int64_t auditsAtBegin = 0;
    /// Whether `action` is allowed only because of break-glass (the access is then marked as such).
    [[nodiscard]] bool viaBreakGlass(privacy::Action action) const;
    /// Appends an audit entry as the signed-in user (inside the caller's transaction).
    core::Status audit(privacy::AuditAction action, std::optional<core::RecordId> recordId, std::string purpose,
                       std::string detail, std::string justification = {});
    /// Whether this session sees every officer's records, or only its own open ones.
    [[nodiscard]] bool readsAny() const;
    /// Succeeds when record `id` exists and the session may see it; RecordNotFound otherwise, so a record a
    /// user may not see looks the same as one that does not exist.
    core::Status requireVisible(Access& access, core::RecordId id);
    /// Wipes keys and closes the database.
    void shutdown();

    /// Opening and rotation: the connection the session uses from now on (open() sets it once the key and
    /// the schema are checked; rekey() replaces it with one under the new key).
    void connect(detail::Database db) { m_db = std::move(db); }
    /// Closes the connection (rekey(), before the file under it is replaced).
    void disconnect() { m_db.close(); }

private:
    // Sign-in and sign-out write their entries on the raw connection; operations reach it through an Access.
    friend class Store;
    detail::Database m_db;
};

namespace detail {
/// This user's unexpired break-glass grant, if any, into the session.
[[nodiscard]] core::Status loadBreakGlass(StoreImpl& im, Access& access);
/// Erases expired records (not held) and audits it; `dryRun` only counts. Used at open and by purge().
[[nodiscard]] core::Result<PurgeReport> purgeExpired(StoreImpl& im, bool dryRun, bool automatic);
/// The whole trail, without a permission check (callers check).
[[nodiscard]] core::Result<std::vector<privacy::AuditEntry>> readAuditTrail(StoreImpl& im, Access& access);
/// The longest side `purpose` keeps for images of `kind`; nullopt: not kept (or no such purpose).
[[nodiscard]] std::optional<int> imageLimitFor(const privacy::Policy& pack, std::string_view purpose, ImageKind kind);
/// A record's flags with their history, oldest first.
[[nodiscard]] core::Result<std::vector<Flag>> loadRecordFlags(Database& db, core::RecordId recordId);

// The blind indexes: the one place each is computed (writes, rectification, migration and lookups).
[[nodiscard]] std::string documentIndex(const core::SecretBytes& key, std::string_view issuingState,
                                        std::string_view documentNumber);
[[nodiscard]] std::string nameBirthIndex(const core::SecretBytes& key, std::string_view surname,
                                         std::string_view birthIso);
struct BlindIndexes {
    std::optional<std::string> document;  ///< nullopt: state or number not kept (never indexed as empty)
    std::optional<std::string> nameBirth; ///< nullopt: surname or birth date not kept
};
[[nodiscard]] BlindIndexes blindIndexesOf(const core::SecretBytes& key, const validation::TravelDocument& doc);
/// A record with its encounter, legal hold and rectifications, whoever may see it (callers check).
/// Errors: RecordNotFound, StoreCorrupt.
[[nodiscard]] core::Result<StoredRecord> loadRecord(Database& db, core::RecordId id);
/// A record's images, in the order they were added.
[[nodiscard]] core::Result<std::vector<StoredImage>> loadImages(Database& db, core::RecordId recordId);
/// Writes (or rewrites) the statistics row of a record from its document, keeping its corrections and flag.
[[nodiscard]] core::Status writeFacts(Database& db, core::RecordId recordId,
                                      const validation::TravelDocument& document);
/// Counts a rectification in the record's statistics row and refreshes its coded fields.
[[nodiscard]] core::Status factsAfterRectify(Database& db, core::RecordId recordId,
                                             const validation::TravelDocument& document);
/// Marks the record's statistics row as flagged, with the referral's basis (the first typed one counts).
[[nodiscard]] core::Status factsAfterFlag(Database& db, core::RecordId recordId, ReferralBasis basis);
/// Fills the statistics rows of every record (the schema 6 migration).
[[nodiscard]] core::Status backfillFacts(Database& db);
/// A record's rectifications, oldest first.
[[nodiscard]] core::Result<std::vector<Rectification>> recordHistory(Database& db, core::RecordId recordId);
/// The document as the purpose's minimization profile allows it to be written.
[[nodiscard]] validation::TravelDocument minimized(const validation::TravelDocument& document,
                                                   const privacy::MinimizationProfile& profile);
} // namespace detail

/// SQL condition on records `r` joined with their encounter `e`: visible to the session. Bind (any, userId).
/// "Open" includes "unrecorded": encounters migrated from schema 2, which never had an outcome, stay with
/// their officer until closed.
inline constexpr const char* kVisibleRecord = "(? OR (r.officer_id = ? AND e.outcome IN ('open', 'unrecorded')))";

/// Whether an encounter with this outcome is still open (see kVisibleRecord).
[[nodiscard]] inline bool openOutcome(std::string_view outcome) {
    return outcome == "open" || outcome == "unrecorded";
}

} // namespace secondline::storage
