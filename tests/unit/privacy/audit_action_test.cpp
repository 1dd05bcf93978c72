// The audit actions' names are stored in signed audit trails: this file pins each one, written out, so that a
// rename fails here before it can split a trail's vocabulary in two.

#include <secondline/privacy/access.h>
#include <secondline/privacy/audit_action.h>

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>

using namespace secondline::privacy;

namespace {

// In declaration order. Never edit a name here: add new actions at the end of their group.
const std::pair<AuditAction, std::string_view> kPinnedNames[] = {
    {AuditAction::StoreCreate, "store.create"},
    {AuditAction::StoreMigrate, "store.migrate"},
    {AuditAction::StoreRestore, "store.restore"},
    {AuditAction::StoreRekey, "store.rekey"},
    {AuditAction::StoreBackup, "store.backup"},
    {AuditAction::StoreCheck, "store.check"},
    {AuditAction::SessionLogin, "session.login"},
    {AuditAction::SessionLoginFailed, "session.login_failed"},
    {AuditAction::SessionLocked, "session.locked"},
    {AuditAction::SessionLogout, "session.logout"},
    {AuditAction::SessionIdleTimeout, "session.idle_timeout"},
    {AuditAction::AccessDenied, "access.denied"},
    {AuditAction::RecordCreate, "record.create"},
    {AuditAction::RecordRead, "record.read"},
    {AuditAction::RecordList, "record.list"},
    {AuditAction::RecordFind, "record.find"},
    {AuditAction::RecordRectify, "record.rectify"},
    {AuditAction::RecordHold, "record.hold"},
    {AuditAction::RecordRelease, "record.release"},
    {AuditAction::RecordErase, "record.erase"},
    {AuditAction::RecordEraseRefused, "record.erase_refused"},
    {AuditAction::ImageCreate, "image.create"},
    {AuditAction::ImageRead, "image.read"},
    {AuditAction::FlagCreate, "flag.create"},
    {AuditAction::FlagUpdate, "flag.update"},
    {AuditAction::FlagList, "flag.list"},
    {AuditAction::EncounterClose, "encounter.close"},
    {AuditAction::UserAdd, "user.add"},
    {AuditAction::UserRemove, "user.remove"},
    {AuditAction::UserPasswd, "user.passwd"},
    {AuditAction::PolicyLoad, "policy.load"},
    {AuditAction::RetentionPurge, "retention.purge"},
    {AuditAction::RetentionReport, "retention.report"},
    {AuditAction::SubjectExport, "subject.export"},
    {AuditAction::ShareExport, "share.export"},
    {AuditAction::ShareRefused, "share.refused"},
    {AuditAction::BreakGlassStart, "breakglass.start"},
    {AuditAction::AuditVerify, "audit.verify"},
    {AuditAction::AuditExport, "audit.export"},
    {AuditAction::AuditCheckpoint, "audit.checkpoint"},
    {AuditAction::StatisticsRead, "statistics.read"},
    {AuditAction::TrainingResult, "training.result"},
    {AuditAction::TrainingResults, "training.results"},
    {AuditAction::UserSetPassword, "user.setpassword"},
    {AuditAction::StoreKeysMigrate, "store.keys_migrate"},
};

} // namespace

TEST(AuditAction, EveryNameIsPinned) {
    for (const auto& [action, name] : kPinnedNames) {
        EXPECT_EQ(auditActionName(action), name);
        EXPECT_EQ(auditActionFrom(name), action) << name;
    }
}

TEST(AuditAction, AllActionsAreThePinnedOnesInDeclarationOrder) {
    const auto all = allAuditActions();
    ASSERT_EQ(all.size(), std::size(kPinnedNames));
    for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], kPinnedNames[i].first) << "at " << i;
}

TEST(AuditAction, RoundTripsEveryAction) {
    for (AuditAction a : allAuditActions()) {
        const auto name = auditActionName(a);
        EXPECT_FALSE(name.empty());
        EXPECT_EQ(auditActionFrom(name), a) << name;
    }
}

TEST(AuditAction, NamesAreUnique) {
    std::set<std::string_view> names;
    for (AuditAction a : allAuditActions()) EXPECT_TRUE(names.insert(auditActionName(a)).second) << auditActionName(a);
    EXPECT_EQ(names.size(), allAuditActions().size());
}

TEST(AuditAction, OtherTextNamesNoAction) {
    for (std::string_view name :
         {"", " ", ".", "record", "record.", ".read", "record.reads", "RECORD.READ", "Record.Read", "record.Read",
          " record.read", "record.read ", "record_read", "record.read\n", "unknown", "internal_error"})
        EXPECT_EQ(auditActionFrom(name), std::nullopt) << '"' << name << '"';
    // An embedded NUL is part of the text, not its end.
    EXPECT_EQ(auditActionFrom(std::string_view("record.read\0x", 13)), std::nullopt);
}

TEST(AuditAction, PermissionOnlyNamesAreNotAuditActions) {
    // privacy::Action (access.h) names permissions; these are never written as an entry's action.
    for (std::string_view name : {"record.read_any", "record.update", "user.manage", "flag.review", "audit.read"}) {
        EXPECT_TRUE(actionFromName(name).has_value()) << name;
        EXPECT_EQ(auditActionFrom(name), std::nullopt) << name;
    }
}
