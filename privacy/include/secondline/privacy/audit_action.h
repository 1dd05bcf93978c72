#pragma once
// What an audit entry records: the vocabulary of AuditEntry::action (audit.h). storage writes exactly one of
// these names into every entry it appends, in the same transaction as the operation the entry records.
//
// The names are part of signed audit trails: they are covered by each entry's hash and signature, and exports,
// checkpoints and verifiers read them back. Never rename, reuse or remove one; add new actions at the end of
// their group. Trails written before this header existed carry the same names.
//
// Not to be confused with Action (access.h): that is what a role may do (a permission in a policy pack). Some
// names are spelled alike in both ("record.read", "store.backup", ...), some exist only as permissions
// ("record.read_any", "record.update", "user.manage", "flag.review", "audit.read"), and most audit actions have no
// permission of the same name. The two vocabularies are separate; neither is derived from the other.
//
// All functions here are pure, allocate nothing, and are safe to call from any thread.

#include <optional>
#include <span>
#include <string_view>

namespace secondline::privacy {

/// One enumerator per kind of audit entry. Each comment says when storage writes it.
enum class AuditAction {
    // the store as a whole
    StoreCreate,  ///< "store.create": a new store was created (names its first user)
    StoreMigrate, ///< "store.migrate": one schema step was applied (one entry per step, "schema N to N+1")
    StoreRestore, ///< "store.restore": a store was restored from a backup (user "(restore)": no one signed in)
    StoreRekey,   ///< "store.rekey": the database was re-encrypted under a new key
    StoreBackup,  ///< "store.backup": an encrypted backup of the whole store was written
    StoreCheck,   ///< "store.check": the integrity checks ran ("ok" or "problems found")
    // sessions
    SessionLogin,       ///< "session.login": a user signed in (names the policy pack in force)
    SessionLoginFailed, ///< "session.login_failed": a failed sign-in, written at the next successful one
    SessionLocked,      ///< "session.locked": a failed sign-in that locked the account, written at the next sign-in
    SessionLogout,      ///< "session.logout": the user signed out
    SessionIdleTimeout, ///< "session.idle_timeout": the session was idle too long and was ended
    // access
    AccessDenied, ///< "access.denied": the role lacked the permission (the detail names the permission)
    // records
    RecordCreate,       ///< "record.create": a captured document was stored (with its encounter, or in a batch)
    RecordRead,         ///< "record.read": one record was read (purpose "breakglass" under break-glass)
    RecordList,         ///< "record.list": the visible records were listed (the detail gives the count)
    RecordFind,         ///< "record.find": records were searched by document, or by name and birth date
    RecordRectify,      ///< "record.rectify": one field was corrected, with a reason (the old value kept)
    RecordHold,         ///< "record.hold": a legal hold was placed on a record
    RecordRelease,      ///< "record.release": a record's legal hold was released
    RecordErase,        ///< "record.erase": a record was erased on the traveller's request
    RecordEraseRefused, ///< "record.erase_refused": an erasure was refused (legal hold, or the policy forbids it)
    // images
    ImageCreate, ///< "image.create": an image of a record was stored (the detail names its kind)
    ImageRead,   ///< "image.read": a record's images were read
    // flags and referrals
    FlagCreate, ///< "flag.create": a record was flagged or referred (the detail names the kind)
    FlagUpdate, ///< "flag.update": a flag's status was changed, with a note
    FlagList,   ///< "flag.list": flags were listed (the detail gives the count)
    // encounters
    EncounterClose, ///< "encounter.close": an encounter was closed with its outcome
    // users
    UserAdd,    ///< "user.add": a user was added (the detail names the role)
    UserRemove, ///< "user.remove": a user was removed
    UserPasswd, ///< "user.passwd": the signed-in user changed their own password
    // policy
    PolicyLoad, ///< "policy.load": a policy pack was put in force (also the default pack, at the schema 4 step)
    // retention
    RetentionPurge,  ///< "retention.purge": expired records were erased (at sign-in only when something was)
    RetentionReport, ///< "retention.report": the retention report was read (counts only)
    // subject rights and sharing
    SubjectExport, ///< "subject.export": a traveller's data was exported (one entry per record; one, "0 records", if
                   ///< none)
    ShareExport,   ///< "share.export": a case was exported to another agency under a sharing agreement
    ShareRefused,  ///< "share.refused": a share was refused: no agreement of that name in the policy pack
    // break-glass
    BreakGlassStart, ///< "breakglass.start": a time-limited emergency read was opened, with a reason
    // the audit trail itself
    AuditVerify,     ///< "audit.verify": the trail was verified, against a checkpoint or not
    AuditExport,     ///< "audit.export": the signed trail was exported (the export ends with this entry)
    AuditCheckpoint, ///< "audit.checkpoint": a checkpoint was written (it covers this entry)
    // analysis
    StatisticsRead, ///< "statistics.read": aggregate statistics were read (small cells suppressed)
    // training
    TrainingResult,  ///< "training.result": a trainee's exercise result was stored (training stores only)
    TrainingResults, ///< "training.results": exercise results were listed
    // keys (issue 18: keys users never hold)
    UserSetPassword,  ///< "user.setpassword": an administrator set another user's password (a new verifier)
    StoreKeysMigrate, ///< "store.keys_migrate": wrapped key slots became verifiers under a new root key file
};

/// The stable name of `action`, e.g. "record.read": the text written to AuditEntry::action.
[[nodiscard]] std::string_view auditActionName(AuditAction action) noexcept;

/// The action named `name`, exactly as auditActionName() spells it (case-sensitive, no surrounding blanks);
/// nullopt for any other text, including the empty string and permission-only names such as "record.read_any".
[[nodiscard]] std::optional<AuditAction> auditActionFrom(std::string_view name) noexcept;

/// Every audit action once, in declaration order. The span refers to static storage: valid for the whole run.
[[nodiscard]] std::span<const AuditAction> allAuditActions() noexcept;

} // namespace secondline::privacy
