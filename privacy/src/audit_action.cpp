#include <secondline/privacy/audit_action.h>

namespace secondline::privacy {

namespace {

// Declaration order; the test checks that every enumerator is here once.
constexpr AuditAction kAllAuditActions[] = {
    AuditAction::StoreCreate,     AuditAction::StoreMigrate,       AuditAction::StoreRestore,
    AuditAction::StoreRekey,      AuditAction::StoreBackup,        AuditAction::StoreCheck,
    AuditAction::SessionLogin,    AuditAction::SessionLoginFailed, AuditAction::SessionLocked,
    AuditAction::SessionLogout,   AuditAction::SessionIdleTimeout, AuditAction::AccessDenied,
    AuditAction::RecordCreate,    AuditAction::RecordRead,         AuditAction::RecordList,
    AuditAction::RecordFind,      AuditAction::RecordRectify,      AuditAction::RecordHold,
    AuditAction::RecordRelease,   AuditAction::RecordErase,        AuditAction::RecordEraseRefused,
    AuditAction::ImageCreate,     AuditAction::ImageRead,          AuditAction::FlagCreate,
    AuditAction::FlagUpdate,      AuditAction::FlagList,           AuditAction::EncounterClose,
    AuditAction::UserAdd,         AuditAction::UserRemove,         AuditAction::UserPasswd,
    AuditAction::PolicyLoad,      AuditAction::RetentionPurge,     AuditAction::RetentionReport,
    AuditAction::SubjectExport,   AuditAction::ShareExport,        AuditAction::ShareRefused,
    AuditAction::BreakGlassStart, AuditAction::AuditVerify,        AuditAction::AuditExport,
    AuditAction::AuditCheckpoint, AuditAction::StatisticsRead,     AuditAction::TrainingResult,
    AuditAction::TrainingResults, AuditAction::UserSetPassword,    AuditAction::StoreKeysMigrate,
};

} // namespace

std::string_view auditActionName(AuditAction action) noexcept {
    switch (action) {
    case AuditAction::StoreCreate: return "store.create";
    case AuditAction::StoreMigrate: return "store.migrate";
    case AuditAction::StoreRestore: return "store.restore";
    case AuditAction::StoreRekey: return "store.rekey";
    case AuditAction::StoreBackup: return "store.backup";
    case AuditAction::StoreCheck: return "store.check";
    case AuditAction::SessionLogin: return "session.login";
    case AuditAction::SessionLoginFailed: return "session.login_failed";
    case AuditAction::SessionLocked: return "session.locked";
    case AuditAction::SessionLogout: return "session.logout";
    case AuditAction::SessionIdleTimeout: return "session.idle_timeout";
    case AuditAction::AccessDenied: return "access.denied";
    case AuditAction::RecordCreate: return "record.create";
    case AuditAction::RecordRead: return "record.read";
    case AuditAction::RecordList: return "record.list";
    case AuditAction::RecordFind: return "record.find";
    case AuditAction::RecordRectify: return "record.rectify";
    case AuditAction::RecordHold: return "record.hold";
    case AuditAction::RecordRelease: return "record.release";
    case AuditAction::RecordErase: return "record.erase";
    case AuditAction::RecordEraseRefused: return "record.erase_refused";
    case AuditAction::ImageCreate: return "image.create";
    case AuditAction::ImageRead: return "image.read";
    case AuditAction::FlagCreate: return "flag.create";
    case AuditAction::FlagUpdate: return "flag.update";
    case AuditAction::FlagList: return "flag.list";
    case AuditAction::EncounterClose: return "encounter.close";
    case AuditAction::UserAdd: return "user.add";
    case AuditAction::UserRemove: return "user.remove";
    case AuditAction::UserPasswd: return "user.passwd";
    case AuditAction::UserSetPassword: return "user.setpassword";
    case AuditAction::StoreKeysMigrate: return "store.keys_migrate";
    case AuditAction::PolicyLoad: return "policy.load";
    case AuditAction::RetentionPurge: return "retention.purge";
    case AuditAction::RetentionReport: return "retention.report";
    case AuditAction::SubjectExport: return "subject.export";
    case AuditAction::ShareExport: return "share.export";
    case AuditAction::ShareRefused: return "share.refused";
    case AuditAction::BreakGlassStart: return "breakglass.start";
    case AuditAction::AuditVerify: return "audit.verify";
    case AuditAction::AuditExport: return "audit.export";
    case AuditAction::AuditCheckpoint: return "audit.checkpoint";
    case AuditAction::StatisticsRead: return "statistics.read";
    case AuditAction::TrainingResult: return "training.result";
    case AuditAction::TrainingResults: return "training.results";
    }
    // Only a value cast from outside the enumeration gets here; it names no action.
    return {};
}

std::optional<AuditAction> auditActionFrom(std::string_view name) noexcept {
    if (name.empty()) return std::nullopt; // the fallback above must never match
    for (AuditAction a : kAllAuditActions)
        if (auditActionName(a) == name) return a;
    return std::nullopt;
}

std::span<const AuditAction> allAuditActions() noexcept {
    return kAllAuditActions;
}

} // namespace secondline::privacy
