// Issue 17: one encounter, one transaction. The record, its images, the officer's corrections, a typed
// referral and the outcome are saved by one call that commits all of it or none of it; the referral's basis
// is a column; audit entries carry the record's own purpose. Real SQLCipher files on disk.

#include "privacy_store_fixture.h"

#include <algorithm>

namespace secondline {
namespace {

using core::ErrorCode;
using privacy::Role;
using storage::Store;

// The ICAO specimen (a generated identity, not a real person).
validation::TravelDocument specimen() {
    return privacy_store::anna();
}

storage::ImageDraft smallImage(storage::ImageKind kind = storage::ImageKind::Document) {
    // Not decoded by the store, only its header read: a generated JPEG header stands for an encoded image.
    return {kind, "image/jpeg", 320, 200, test::jpegHeader(320, 200)};
}

class EncounterTest : public ::testing::Test {
protected:
    test::TempDir dir;
    test::FakeClock clock;
    std::string path = dir.file("store.db");

    void SetUp() override {
        storage::CreateOptions o;
        o.kdf = privacy::KdfParams::fastForTests();
        o.testStore = true;
        ASSERT_OK(Store::create(path, "admin", test::password("admin-pw"), o, clock));
        auto admin = openAs("admin", "admin-pw");
        for (auto [name, role] : {std::pair{"officer", Role::Officer}, std::pair{"supervisor", Role::Supervisor},
                                  std::pair{"auditor", Role::Auditor}})
            ASSERT_OK(admin.users().add(name, role, test::password(std::string(name) + "-pw"),
                                        privacy::KdfParams::fastForTests()));
    }

    Store openAs(const std::string& user, const std::string& pw) {
        auto s = Store::open(path, user, test::password(pw), {}, clock);
        if (!s) throw std::runtime_error(s.error().message);
        return std::move(*s);
    }

    storage::EncounterDraft fullDraft() {
        storage::EncounterDraft d;
        d.document = specimen();
        d.encounter.source = "scan";
        d.encounter.desk = "desk-1";
        d.images = {smallImage(), smallImage(storage::ImageKind::Portrait)};
        d.corrections = {{"given_names", "ANNA MARIA"}};
        d.correctionReason = "visual zone shows the full given names";
        d.referral = storage::ReferralDraft{.kind = storage::FlagKind::Review,
                                            .basis = storage::ReferralBasis::Fact,
                                            .reason = "entry stamp missing",
                                            .referredTo = {}};
        d.outcome = "referred";
        return d;
    }

    /// Counts rows as the database holds them (read through the supervisor, who sees every record).
    std::size_t recordCount() {
        auto supervisor = openAs("supervisor", "supervisor-pw");
        auto list = supervisor.records().list();
        if (!list) throw std::runtime_error(list.error().message);
        return list->size();
    }

    std::vector<std::string> auditActions() {
        auto auditor = openAs("auditor", "auditor-pw");
        auto trail = auditor.audit().entries();
        if (!trail) throw std::runtime_error(trail.error().message);
        std::vector<std::string> out;
        for (const auto& e : *trail) out.push_back(e.action + " " + e.purpose);
        return out;
    }
};

TEST_F(EncounterTest, SavesTheWholeCaseInOneCall) {
    core::RecordId recordId{};
    {
        auto officer = openAs("officer", "officer-pw");
        auto saved = officer.records().save(fullDraft());
        ASSERT_OK(saved);
        recordId = saved->recordId;
        EXPECT_EQ(saved->imageIds.size(), 2u);
        EXPECT_TRUE(saved->flagId.has_value());
    }
    auto supervisor = openAs("supervisor", "supervisor-pw");
    auto rec = supervisor.records().get(recordId);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->encounter.outcome, "referred");
    ASSERT_EQ(rec->history.size(), 1u);
    EXPECT_EQ(rec->history.front().field, "given_names");
    auto images = supervisor.records().images(recordId);
    ASSERT_OK(images);
    EXPECT_EQ(images->size(), 2u);
    auto flags = supervisor.flags().list(false);
    ASSERT_OK(flags);
    ASSERT_EQ(flags->size(), 1u);
    EXPECT_EQ(flags->front().basis, storage::ReferralBasis::Fact);
    EXPECT_EQ(flags->front().reason, "entry stamp missing");
}

// Issue 17 defect: the desk's save was five transactions; a failure halfway left half a case (the record
// without its correction, referral or outcome). Each of these fails inside the transaction, after the
// record and its images were written: nothing of the case may remain.
TEST_F(EncounterTest, AFailureAnywhereLeavesNothingOfTheCase) {
    std::vector<std::pair<std::string, storage::EncounterDraft>> cases;
    {
        auto d = fullDraft(); // a field this document does not have
        d.corrections = {{"optional_data_2", "X"}};
        cases.emplace_back("correction of a field the document lacks", d);
    }
    {
        auto d = fullDraft(); // larger than the purpose's profile keeps (1600 pixels)
        d.images.back().width = 4000;
        d.images.back().data = test::jpegHeader(4000, 200);
        cases.emplace_back("image larger than the profile keeps", d);
    }
    {
        auto d = fullDraft(); // the encounter to attach to is not visible
        d.encounter.encounterId = core::EncounterId{999};
        cases.emplace_back("encounter not visible", d);
    }
    for (const auto& [what, draft] : cases) {
        auto officer = openAs("officer", "officer-pw");
        auto saved = officer.records().save(draft);
        EXPECT_FALSE(saved.has_value()) << what;
    }
    EXPECT_EQ(recordCount(), 0u);
    for (const auto& action : auditActions()) {
        EXPECT_EQ(action.find("record.create"), std::string::npos) << action;
        EXPECT_EQ(action.find("image.create"), std::string::npos) << action;
        EXPECT_EQ(action.find("flag.create"), std::string::npos) << action;
    }
}

// Issue 18: the service's batch ingest. Every encounter of a batch commits, or none does.
TEST_F(EncounterTest, SaveBatchSavesEveryEncounterInOneTransaction) {
    std::vector<storage::EncounterDraft> drafts(3, fullDraft());
    std::vector<core::RecordId> ids;
    {
        auto officer = openAs("officer", "officer-pw");
        auto saved = officer.records().saveBatch(drafts);
        ASSERT_OK(saved);
        ASSERT_EQ(saved->size(), 3u);
        for (const auto& s : *saved) {
            ids.push_back(s.recordId);
            EXPECT_EQ(s.imageIds.size(), 2u);
            EXPECT_TRUE(s.flagId.has_value());
        }
        EXPECT_NE((*saved)[0].encounterId, (*saved)[1].encounterId);
    }
    EXPECT_EQ(recordCount(), 3u);
    auto supervisor = openAs("supervisor", "supervisor-pw");
    for (auto id : ids) {
        auto rec = supervisor.records().get(id);
        ASSERT_OK(rec);
        EXPECT_EQ(rec->encounter.outcome, "referred");
    }
}

TEST_F(EncounterTest, SaveBatchWithOneRefusedEncounterSavesNone) {
    std::vector<storage::EncounterDraft> drafts(3, fullDraft());
    drafts[2].corrections = {{"optional_data_2", "X"}}; // fails inside the transaction, after two were written
    {
        auto officer = openAs("officer", "officer-pw");
        auto saved = officer.records().saveBatch(drafts);
        ASSERT_FALSE(saved.has_value());
        EXPECT_NE(saved.error().message.find("encounter 3"), std::string::npos) << saved.error().message;
        EXPECT_ERROR_CODE(officer.records().saveBatch({}), ErrorCode::InvalidArgument);
    }
    EXPECT_EQ(recordCount(), 0u);
    for (const auto& action : auditActions()) EXPECT_EQ(action.find("record.create"), std::string::npos) << action;
}

TEST_F(EncounterTest, ADraftTheRulesRefuseIsRefusedBeforeAnythingIsWritten) {
    auto officer = openAs("officer", "officer-pw");
    auto noReason = fullDraft();
    noReason.correctionReason.clear();
    EXPECT_ERROR_CODE(officer.records().save(noReason), ErrorCode::InvalidArgument);
    auto badDate = fullDraft();
    badDate.corrections = {{"birth_date", "1974-13-40"}};
    EXPECT_ERROR_CODE(officer.records().save(badDate), ErrorCode::InvalidArgument);
    auto badImage = fullDraft();
    badImage.images.front().mediaType = "image/gif";
    EXPECT_ERROR_CODE(officer.records().save(badImage), ErrorCode::InvalidArgument);
    // Issue 18, item 7: the bytes are checked, not the caller's word for them.
    auto notAnImage = fullDraft();
    notAnImage.images.back().data = std::vector<std::uint8_t>(2048, 0x5a);
    EXPECT_ERROR_CODE(officer.records().save(notAnImage), ErrorCode::ImageUnreadable);
    auto hugeImage = fullDraft();
    hugeImage.images.back().data = test::pngHeader(20000, 20000);
    hugeImage.images.back().mediaType = "image/png";
    EXPECT_ERROR_CODE(officer.records().save(hugeImage), ErrorCode::ImageTooLarge);
    auto badOutcome = fullDraft();
    badOutcome.outcome = "vanished";
    EXPECT_ERROR_CODE(officer.records().save(badOutcome), ErrorCode::InvalidArgument);
    auto unknownPurpose = fullDraft();
    unknownPurpose.encounter.purpose = "curiosity";
    EXPECT_ERROR_CODE(officer.records().save(unknownPurpose), ErrorCode::PolicyForbids);
    auto referralWithoutService = fullDraft();
    referralWithoutService.referral->kind = storage::FlagKind::Referral;
    EXPECT_ERROR_CODE(officer.records().save(referralWithoutService), ErrorCode::InvalidArgument);
    officer.logout();
    EXPECT_EQ(recordCount(), 0u);
}

// Issue 18, item 7: a client declared an image's type and size and the store believed it, so a picture larger
// than the purpose keeps was stored by declaring it small, and anything could be stored as an "image". The
// store now reads the header of the bytes (never decodes them) and refuses what does not match.
TEST_F(EncounterTest, TheStoreChecksImageBytesByTheirHeader) {
    auto officer = openAs("officer", "officer-pw");
    auto id = officer.records().add(specimen(), {.source = "scan"});
    ASSERT_OK(id);
    using storage::ImageKind;
    auto add = [&](std::string_view type, int width, int height, const std::vector<std::uint8_t>& bytes) {
        return officer.records().addImage(*id, ImageKind::Document, type, width, height, bytes);
    };
    EXPECT_OK(add("image/jpeg", 320, 200, test::jpegHeader(320, 200)));
    EXPECT_OK(add("image/png", 320, 200, test::pngHeader(320, 200)));
    // A picture larger than the profile keeps, declared small.
    EXPECT_ERROR_CODE(add("image/jpeg", 320, 200, test::jpegHeader(4000, 3000)), ErrorCode::InvalidArgument);
    // PNG bytes declared as JPEG.
    EXPECT_ERROR_CODE(add("image/jpeg", 320, 200, test::pngHeader(320, 200)), ErrorCode::InvalidArgument);
    // Neither PNG nor JPEG; a header cut short; a header declaring 20000 x 20000 pixels.
    EXPECT_ERROR_CODE(add("image/png", 320, 200, std::vector<std::uint8_t>(2048, 0x5a)), ErrorCode::ImageUnreadable);
    auto cut = test::pngHeader(320, 200);
    cut.resize(20);
    EXPECT_ERROR_CODE(add("image/png", 320, 200, cut), ErrorCode::ImageUnreadable);
    EXPECT_ERROR_CODE(add("image/png", 20000, 20000, test::pngHeader(20000, 20000)), ErrorCode::ImageTooLarge);
    EXPECT_ERROR_CODE(add("image/png", 320, 200, test::pngHeader(20001, 200)), ErrorCode::ImageTooLarge);
    auto images = officer.records().images(*id);
    ASSERT_OK(images);
    EXPECT_EQ(images->size(), 2u) << "only the two genuine images are stored";
}

TEST_F(EncounterTest, ARoleThatMayNotDoEveryStepSavesNothing) {
    // Auditors may not create records at all; the refusal names the permission and writes nothing.
    auto auditor = openAs("auditor", "auditor-pw");
    EXPECT_ERROR_CODE(auditor.records().save(fullDraft()), ErrorCode::PermissionDenied);
    auditor.logout();
    EXPECT_EQ(recordCount(), 0u);
}

// Issue 17 defect: audit entries for images, flags, rectifications and closing carried the literal purpose
// "secondary_inspection" whatever the record's purpose was.
TEST_F(EncounterTest, AuditEntriesCarryTheRecordsOwnPurpose) {
    {
        auto officer = openAs("officer", "officer-pw");
        auto draft = fullDraft();
        draft.encounter.purpose = "training";
        ASSERT_OK(officer.records().save(draft));
    }
    int steps = 0;
    for (const auto& entry : auditActions()) {
        for (const char* action : {"record.create", "image.create", "record.rectify", "flag.create", "encounter.close"})
            if (entry.rfind(std::string(action) + " ", 0) == 0) {
                EXPECT_EQ(entry, std::string(action) + " training");
                ++steps;
            }
    }
    EXPECT_EQ(steps, 6); // the record, two images, one correction, the referral, the closing
}

// Issue 17 defect: `records flag` never set the basis, and the basis travelled as a prefix of the reason.
TEST_F(EncounterTest, TheBasisIsAColumnAndReachesTheStatistics) {
    core::RecordId recordId{};
    {
        auto officer = openAs("officer", "officer-pw");
        auto id = officer.records().add(specimen(), {.source = "scan"});
        ASSERT_OK(id);
        recordId = *id;
        ASSERT_OK(officer.flags().raise(recordId, {.kind = storage::FlagKind::Review,
                                                   .basis = storage::ReferralBasis::Assessment,
                                                   .reason = "travel pattern",
                                                   .referredTo = {}}));
        // A reason that looks like the old prefix is just a reason.
        ASSERT_OK(officer.flags().raise(recordId, {.kind = storage::FlagKind::Review,
                                                   .basis = storage::ReferralBasis::None,
                                                   .reason = "fact: written by hand",
                                                   .referredTo = {}}));
    }
    auto supervisor = openAs("supervisor", "supervisor-pw");
    auto flags = supervisor.flags().list(false);
    ASSERT_OK(flags);
    ASSERT_EQ(flags->size(), 2u);
    EXPECT_EQ((*flags)[0].basis, storage::ReferralBasis::Assessment);
    EXPECT_EQ((*flags)[0].reason, "travel pattern");
    EXPECT_EQ((*flags)[1].basis, storage::ReferralBasis::None);
    auto stats = supervisor.statistics().rows(clock.now() - std::chrono::hours{1}, clock.now() + std::chrono::hours{1});
    ASSERT_OK(stats);
    ASSERT_EQ(stats->rows.size(), 1u);
    EXPECT_TRUE(stats->rows.front().flagged);
    EXPECT_EQ(stats->value(stats->rows.front(), storage::StatisticsData::Basis), "assessment");
}

// Issue 17 defect: the store's rectification accepted years 1800-2200 and any 200 bytes while the desk's
// field rules refused them, so the command line stored values the desk would not. One set of rules now.
TEST_F(EncounterTest, TheStoreAppliesTheSameFieldRulesAsTheDesk) {
    auto officer = openAs("officer", "officer-pw");
    auto id = officer.records().add(specimen(), {.source = "scan"});
    ASSERT_OK(id);
    for (auto [field, value] : {std::pair{"birth_date", "1850-01-01"}, std::pair{"expiry_date", "2150-01-01"},
                                std::pair{"surname", "eriksson"}, std::pair{"surname", "ERIKSSON<<ANNA"},
                                std::pair{"given_names", "ANNA\tMARIA"}, std::pair{"nationality", "QQQ"},
                                std::pair{"sex", "male"}, std::pair{"document_number", "L898-902"}}) {
        EXPECT_ERROR_CODE(officer.subjects().rectify(*id, field, value, "typed"), ErrorCode::InvalidArgument)
            << field << " = " << value;
        auto draft = fullDraft();
        draft.corrections = {{field, value}};
        EXPECT_ERROR_CODE(officer.records().save(draft), ErrorCode::InvalidArgument) << field;
    }
    EXPECT_ERROR_CODE(officer.subjects().rectify(*id, "given_names", std::string(200, 'A'), "typed"),
                      ErrorCode::InvalidArgument);
    EXPECT_OK(officer.subjects().rectify(*id, "birth_date", "1974-08-XX", "day unreadable"));
    EXPECT_OK(officer.subjects().rectify(*id, "nationality", "D", "misread"));
}

// Issue 17 defect: changePassword and cipherSettings checked only that the store was open, not the idle
// rule every other operation goes through: an unattended desk could still have its user's password changed.
TEST_F(EncounterTest, EveryOperationPassesTheIdleRule) {
    auto officer = openAs("officer", "officer-pw");
    clock.advance(std::chrono::minutes{16}); // the default pack's idle time is 15 minutes
    EXPECT_ERROR_CODE(officer.users().changePassword(test::password("new-pw"), privacy::KdfParams::fastForTests()),
                      ErrorCode::SessionExpired);
    EXPECT_ERROR_CODE(officer.maintenance().cipherSettings(), ErrorCode::InvalidArgument); // the session has ended
    auto again = openAs("officer", "officer-pw"); // the old password still opens the store
    clock.advance(std::chrono::minutes{16});
    EXPECT_ERROR_CODE(again.maintenance().cipherSettings(), ErrorCode::SessionExpired);
    EXPECT_TRUE(openAs("officer", "officer-pw").purgeAtOpen().has_value());
}

// Schema 6 stores typed a referral only through the desk's reason prefix; the migration to 7 reads that
// prefix once into the column and keeps the reason as it was written.
TEST_F(EncounterTest, MigrationToSchema7TypesOldReferralsFromTheirPrefix) {
    {
        auto officer = openAs("officer", "officer-pw");
        auto id = officer.records().add(specimen(), {.source = "scan"});
        ASSERT_OK(id);
        for (const char* reason : {"fact: stamp missing", "assessment: travel pattern", "no basis given"})
            ASSERT_OK(officer.flags().raise(*id, {.kind = storage::FlagKind::Review, .reason = reason}));
    }
    privacy_store::tamper(
        path, "admin", "admin-pw",
        "ALTER TABLE flags DROP COLUMN basis; UPDATE meta SET value = '6' WHERE key = 'schema_version';");
    auto supervisor = openAs("supervisor", "supervisor-pw");
    auto flags = supervisor.flags().list(false);
    ASSERT_OK(flags);
    ASSERT_EQ(flags->size(), 3u);
    EXPECT_EQ((*flags)[0].basis, storage::ReferralBasis::Fact);
    EXPECT_EQ((*flags)[0].reason, "fact: stamp missing");
    EXPECT_EQ((*flags)[1].basis, storage::ReferralBasis::Assessment);
    EXPECT_EQ((*flags)[2].basis, storage::ReferralBasis::None);
}

TEST(ReferralBasis, StableNames) {
    using storage::ReferralBasis;
    const std::pair<ReferralBasis, const char*> pinned[] = {{ReferralBasis::None, "none"},
                                                            {ReferralBasis::Fact, "fact"},
                                                            {ReferralBasis::Assessment, "assessment"},
                                                            {ReferralBasis::ListHit, "list_hit"},
                                                            {ReferralBasis::ChipFailure, "chip_failure"}};
    for (auto [basis, name] : pinned) {
        EXPECT_EQ(storage::referralBasisName(basis), name);
        EXPECT_EQ(storage::referralBasisFrom(name), basis);
    }
    EXPECT_FALSE(storage::referralBasisFrom("Fact").has_value());
    EXPECT_FALSE(storage::referralBasisFrom("").has_value());
    for (auto [status, name] :
         {std::pair{storage::FlagStatus::Open, "open"}, std::pair{storage::FlagStatus::Resolved, "resolved"},
          std::pair{storage::FlagStatus::Dismissed, "dismissed"}}) {
        EXPECT_EQ(storage::flagStatusName(status), name);
        EXPECT_EQ(storage::flagStatusFrom(name), status);
    }
}

} // namespace
} // namespace secondline
