// Issue 7: the privacy rules as the store enforces them, on real SQLCipher files: retention with legal holds,
// minimization, rectification, erasure, subject access, sharing, lockout and idle timeout, training results and
// the statistics rows.

#include "privacy_store_fixture.h"

namespace secondline::privacy_store {
namespace {

// ---- retention ----------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, PurgeErasesExpiredRecordsAndKeepsLegalHolds) {
    build();
    core::RecordId recordC{};
    {
        auto officer = open("officer1");
        ASSERT_OK(officer);
        auto c = officer->records().add(anna(), {.source = "scan"});
        ASSERT_OK(c);
        recordC = *c;
        ASSERT_OK(officer->records().closeEncounter(officer->records().get(recordA)->encounter.encounterId.value(),
                                                    "cleared"));
        ASSERT_OK(officer->records().closeEncounter(officer->records().get(recordC)->encounter.encounterId.value(),
                                                    "refused"));
    }
    {
        auto supervisor = open("supervisor");
        ASSERT_OK(supervisor->subjects().setLegalHold(recordB, true, "court order 2026/17"));
        auto report = supervisor->retention().report();
        ASSERT_OK(report);
        auto row = [&](const char* outcome) {
            return *std::find_if(report->begin(), report->end(), [&](const auto& r) { return r.outcome == outcome; });
        };
        EXPECT_EQ(row("cleared").records, 1);
        EXPECT_EQ(row("cleared").within30, 1);
        EXPECT_EQ(row("open").held, 1);
        EXPECT_EQ(row("refused").later, 1);
    }
    clock.advance(std::chrono::days{31});
    {
        auto admin = open("admin"); // the purge at sign-in runs first
        ASSERT_OK(admin);
        auto dry = admin->retention().purge(true);
        ASSERT_OK(dry);
        EXPECT_EQ(dry->erased, 0) << "already purged at sign-in";
        EXPECT_EQ(dry->held, 1);
        auto trail = admin->audit().entries();
        ASSERT_OK(trail);
        auto purge =
            std::find_if(trail->begin(), trail->end(), [](const auto& e) { return e.action == "retention.purge"; });
        ASSERT_NE(purge, trail->end());
        EXPECT_EQ(purge->detail, "1 records erased, 0 images, 1 kept under legal hold");
        EXPECT_EQ(purge->userName, "admin");
    }
    auto supervisor = open("supervisor");
    EXPECT_ERROR_CODE(supervisor->records().get(recordA), ErrorCode::RecordNotFound) << "cleared 31 days ago: erased";
    EXPECT_OK(supervisor->records().get(recordB)) << "open past its 30 days, but held";
    EXPECT_OK(supervisor->records().get(recordC)) << "refused: kept five years";
    auto flags = supervisor->flags().list(false);
    ASSERT_OK(flags);
    EXPECT_TRUE(flags->empty()) << "the erased record's flag went with it";
    ASSERT_OK(supervisor->subjects().setLegalHold(recordB, false, "order lifted"));
    supervisor->logout();
    {
        auto admin = open("admin"); // the next sign-in's purge takes the released record
        ASSERT_OK(admin);
        auto trail = admin->audit().entries();
        ASSERT_OK(trail);
        std::vector<std::string> purges;
        for (const auto& e : *trail)
            if (e.action == "retention.purge") purges.push_back(e.detail);
        EXPECT_EQ(purges, (std::vector<std::string>{"1 records erased, 0 images, 1 kept under legal hold",
                                                    "1 records erased, 0 images, 0 kept under legal hold"}));
        auto again = admin->retention().purge(false);
        ASSERT_OK(again);
        EXPECT_EQ(again->erased, 0);
    }
    // Gone from the file, not merely hidden: no row, no flag, no encounter, and the WAL checkpointed away.
    EXPECT_EQ(queryInt(path, "admin", "pw-admin",
                       "SELECT COUNT(*) FROM records WHERE id IN (" + std::to_string(recordA.value()) + "," +
                           std::to_string(recordB.value()) + ");"),
              0);
    EXPECT_EQ(queryInt(path, "admin", "pw-admin", "SELECT COUNT(*) FROM flags;"), 0);
    EXPECT_EQ(queryInt(path, "admin", "pw-admin", "SELECT COUNT(*) FROM records;"), 1);
    EXPECT_EQ(queryInt(path, "admin", "pw-admin", "SELECT COUNT(*) FROM encounters;"), 1);
}

// ---- minimization --------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, TheStrictPackKeepsOnlyWhatItsProfileAllows) {
    build();
    {
        auto admin = open("admin");
        ASSERT_OK(admin->loadPolicy(privacy::Policy::presetText("strict")));
        auto trail = admin->audit().entries();
        EXPECT_EQ(trail->back().action, "policy.load");
        EXPECT_NE(trail->back().detail.find(privacy::Policy::parse(privacy::Policy::presetText("strict"))->hash()),
                  std::string::npos)
            << "the pack's hash is audited";
    }
    auto officer = open("officer1");
    auto id = officer->records().add(anna(), {.source = "scan"});
    ASSERT_OK(id);
    auto rec = officer->records().get(*id);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->document.field("optional_data"), nullptr) << "the personal number is never written";
    EXPECT_TRUE(rec->document.lines.empty()) << "nor the MRZ lines that hold it";
    EXPECT_EQ(rec->document.surname(), "ERIKSSON");
    EXPECT_ERROR_CODE(officer->records().addImage(*id, storage::ImageKind::Document, "image/jpeg", 800, 600,
                                                  test::jpegHeader(800, 600)),
                      ErrorCode::PolicyForbids);
    EXPECT_ERROR_CODE(officer->records().addImage(*id, storage::ImageKind::Portrait, "image/jpeg", 240, 320,
                                                  test::jpegHeader(240, 320)),
                      ErrorCode::PolicyForbids)
        << "larger than the profile's 300 pixels";
    EXPECT_OK(officer->records().addImage(*id, storage::ImageKind::Portrait, "image/jpeg", 225, 300,
                                          test::jpegHeader(225, 300)));
    auto limit = officer->records().imageLimit(*id, storage::ImageKind::Portrait);
    ASSERT_OK(limit);
    EXPECT_EQ(*limit, 300);
    EXPECT_ERROR_CODE(officer->records().add(anna(), {.source = "scan", .purpose = "marketing"}),
                      ErrorCode::PolicyForbids);
    EXPECT_ERROR_CODE(officer->subjects().rectify(*id, "optional_data", "X", "why"), ErrorCode::PolicyForbids);
}

// ---- subject rights -------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, RectificationKeepsTheOldValueAndErasureRespectsHoldsAndThePack) {
    build();
    auto officer = open("officer1");
    ASSERT_OK(officer->subjects().rectify(recordA, "given_names", "ANNA MARIE", "visual zone reads MARIE"));
    EXPECT_ERROR_CODE(officer->subjects().rectify(recordA, "birth_date", "1974-13-01", "typo"),
                      ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(officer->subjects().rectify(recordA, "no_such", "X", "typo"), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(officer->subjects().rectify(recordA, "surname", "X", ""), ErrorCode::InvalidArgument);
    ASSERT_OK(officer->subjects().rectify(recordA, "birth_date", "1974-08-21", "digits swapped at capture"));
    auto rec = officer->records().get(recordA);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->document.givenNames(), "ANNA MARIE");
    EXPECT_EQ(rec->document.birthDate.iso(), "1974-08-21");
    ASSERT_EQ(rec->history.size(), 2u);
    EXPECT_EQ(rec->history[0].oldValue, "ANNA MARIA");
    EXPECT_EQ(rec->history[0].reason, "visual zone reads MARIE");
    EXPECT_EQ(rec->history[0].user, "officer1");
    auto found = officer->records().findByNameAndBirth("ERIKSSON", "1974-08-21");
    ASSERT_OK(found);
    EXPECT_EQ(found->size(), 1u) << "the blind index follows the rectified value";
    officer->logout();

    auto supervisor = open("supervisor");
    ASSERT_OK(supervisor->subjects().setLegalHold(recordA, true, "court order 5"));
    EXPECT_ERROR_CODE(supervisor->subjects().erase(recordA, "request 7"), ErrorCode::LegalHold);
    ASSERT_OK(supervisor->subjects().setLegalHold(recordA, false, "order lifted"));
    ASSERT_OK(supervisor->records().closeEncounter(rec->encounter.encounterId.value(), "refused"));
    EXPECT_ERROR_CODE(supervisor->subjects().erase(recordA, "request 7"), ErrorCode::PolicyForbids)
        << "refusals are kept for their retention period";
    EXPECT_OK(supervisor->subjects().erase(recordB, "request 8"));
    EXPECT_ERROR_CODE(supervisor->records().get(recordB), ErrorCode::RecordNotFound);
    supervisor->logout();
    auto admin = open("admin");
    auto entries = admin->audit().entries();
    ASSERT_OK(entries);
    EXPECT_EQ(std::count_if(entries->begin(), entries->end(),
                            [](const auto& e) { return e.action == "record.erase_refused"; }),
              2);
    EXPECT_EQ(std::count_if(entries->begin(), entries->end(), [](const auto& e) { return e.action == "record.erase"; }),
              1);
}

TEST_F(PrivacyStore, SharingRoundTripSubjectAccessAndDisclosureHistory) {
    build();
    auto recipient = privacy::newShareKeyPair();
    auto stranger = privacy::newShareKeyPair();
    ASSERT_OK(recipient);
    ASSERT_OK(stranger);
    const std::string pack = packWith([&](nlohmann::json& j) {
        j["sharing"] = {{{"name", "liaison"},
                         {"recipient", "Specimen Liaison Office"},
                         {"purpose", "secondary_inspection"},
                         {"legal_reference", "Specimen Agreement art. 1"},
                         {"fields", {"surname", "document_number", "nationality"}},
                         {"recipient_public_key", recipient->publicKeyHex}}};
    });
    {
        auto admin = open("admin");
        ASSERT_OK(admin->loadPolicy(pack));
    }
    auto supervisor = open("supervisor");
    ASSERT_OK(supervisor);
    EXPECT_ERROR_CODE(supervisor->subjects().share(recordA, "press", "asked nicely"), ErrorCode::PolicyForbids);
    EXPECT_ERROR_CODE(supervisor->subjects().share(recordA, "liaison", ""), ErrorCode::InvalidArgument);
    auto package = supervisor->subjects().share(recordA, "liaison", "joint case 2026-44");
    ASSERT_OK(package);
    const std::string workstation = supervisor->audit().publicKey();
    for (const char* personal : {"ERIKSSON", "L898902C3", "ANNA"})
        EXPECT_FALSE(test::contains(*package, personal)) << "sealed: " << personal;

    // The recipient pins the sending workstation's key (issue 18: never the key the package carries).
    auto trusted = privacy::TrustedKeys::single(workstation, "UTO-AIR-1");
    ASSERT_OK(trusted);
    auto opened = privacy::openShare(*package, *recipient, *trusted);
    ASSERT_OK(opened);
    EXPECT_EQ(opened->senderName, "UTO-AIR-1");
    std::map<std::string, std::string> fields(opened->payload.fields.begin(), opened->payload.fields.end());
    EXPECT_EQ(fields, (std::map<std::string, std::string>{
                          {"document_number", "L898902C3"}, {"nationality", "UTO"}, {"surname", "ERIKSSON"}}))
        << "only the agreement's fields";
    EXPECT_EQ(opened->payload.legalReference, "Specimen Agreement art. 1");
    EXPECT_ERROR_CODE(privacy::openShare(*package, *stranger, *trusted), ErrorCode::ShareInvalid);
    auto otherWorkstation = privacy::TrustedKeys::single(std::string(64, 'a'), "another desk");
    ASSERT_OK(otherWorkstation);
    EXPECT_ERROR_CODE(privacy::openShare(*package, *recipient, *otherWorkstation), ErrorCode::ShareInvalid);
    auto altered = *package;
    const auto at = altered.find("\"ciphertext\": \"") + 20;
    altered[at] = altered[at] == 'a' ? 'b' : 'a';
    EXPECT_ERROR_CODE(privacy::openShare(altered, *recipient, *trusted), ErrorCode::ShareInvalid);
    EXPECT_ERROR_CODE(privacy::openShare("not json", *recipient, *trusted), ErrorCode::ShareInvalid);
    auto keyFile = privacy::decodeShareKeyFile(privacy::encodeShareKeyFile(*recipient));
    ASSERT_OK(keyFile);
    EXPECT_OK(privacy::openShare(*package, *keyFile, *trusted));

    auto subject = supervisor->subjects().exportSubject("UTO", "L898902C3");
    ASSERT_OK(subject);
    ASSERT_EQ(subject->records.size(), 1u);
    EXPECT_EQ(subject->records[0].id, recordA);
    ASSERT_EQ(subject->disclosures.size(), 1u);
    EXPECT_EQ(subject->disclosures[0].recipient, "Specimen Liaison Office");
    EXPECT_EQ(subject->disclosures[0].fields.size(), 3u);
    EXPECT_EQ(subject->flags.size(), 1u);
    EXPECT_TRUE(std::any_of(subject->accessLog.begin(), subject->accessLog.end(),
                            [](const auto& e) { return e.action == "share.export"; }));
    EXPECT_TRUE(std::any_of(subject->accessLog.begin(), subject->accessLog.end(),
                            [](const auto& e) { return e.action == "record.create" && e.userName == "officer1"; }));
    supervisor->logout();
    auto admin = open("admin");
    auto trail = admin->audit().entries();
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [](const auto& e) {
        return e.action == "share.refused" && e.justification == "asked nicely";
    })) << "a disclosure outside any agreement is refused and audited";
}

TEST_F(PrivacyStore, TrainingStoresShareNothing) {
    build(true);
    auto trainer = open("trainer");
    EXPECT_ERROR_CODE(trainer->subjects().share(recordA, "liaison", "x"), ErrorCode::PermissionDenied);
}

// ---- sessions -------------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, RepeatedFailedSignInsLockTheAccountAndAreAudited) {
    build();
    for (int i = 0; i < 5; ++i)
        EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("guess"), {}, clock),
                          ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(open("officer1"), ErrorCode::AccountLocked) << "even with the right password";
    EXPECT_OK(open("officer2")) << "other accounts are not locked";
    EXPECT_ERROR_CODE(Store::open(path, "nobody", test::password("guess"), {}, clock), ErrorCode::AuthenticationFailed);
    clock.advance(std::chrono::minutes{16});
    auto officer = open("officer1");
    ASSERT_OK(officer);
    officer->logout();
    auto admin = open("admin");
    auto trail = admin->audit().entries();
    ASSERT_OK(trail);
    EXPECT_EQ(
        std::count_if(trail->begin(), trail->end(),
                      [](const auto& e) { return e.action == "session.login_failed" && e.userName == "officer1"; }),
        4);
    EXPECT_EQ(std::count_if(trail->begin(), trail->end(),
                            [](const auto& e) { return e.action == "session.locked" && e.userName == "officer1"; }),
              1);
    EXPECT_EQ(
        std::count_if(trail->begin(), trail->end(),
                      [](const auto& e) { return e.action == "session.login_failed" && e.userName == "(unknown)"; }),
        1);
    const auto logins = test::readFile(storage::loginsPath(path));
    EXPECT_FALSE(test::contains(logins, "guess"));
    EXPECT_FALSE(test::contains(logins, "officer1")) << "forgotten once in the trail and signed in again";
}

TEST_F(PrivacyStore, AnIdleSessionExpiresAndItsKeysAreWiped) {
    build();
    auto officer = open("officer1");
    ASSERT_OK(officer);
    clock.advance(std::chrono::minutes{14});
    EXPECT_OK(officer->records().list());
    clock.advance(std::chrono::minutes{16});
    EXPECT_ERROR_CODE(officer->records().list(), ErrorCode::SessionExpired);
    EXPECT_ERROR_CODE(officer->records().get(recordA), ErrorCode::InvalidArgument) << "closed: sign in again";
    auto admin = open("admin");
    ASSERT_OK(admin) << "the expired session released the store";
    auto trail = admin->audit().entries();
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [](const auto& e) {
        return e.action == "session.idle_timeout" && e.userName == "officer1";
    }));
}

// ---- training results and the scheduled purge (desk) --------------------------------------------------------

TEST_F(PrivacyStore, ExerciseResultsAreKeptInTrainingStoresOnlyAndTraineesSeeTheirOwn) {
    build(true);
    storage::ExerciseResult r;
    r.pack = "pack-3";
    r.exercise = 2;
    r.problem = "expired";
    r.fieldsRight = 9;
    r.fieldsTotal = 11;
    r.problemsCaught = 1;
    r.problemsPlanted = 1;
    r.seconds = 41.25;
    r.trainee = "someone else"; // ignored: the store names the signed-in user
    {
        auto trainee = open("officer1");
        ASSERT_OK(trainee);
        ASSERT_OK(trainee->exercises().add(r));
        auto bad = r;
        bad.fieldsRight = 12; // more right than there are
        EXPECT_ERROR_CODE(trainee->exercises().add(bad), ErrorCode::InvalidArgument);
        bad = r;
        bad.exercise = 0;
        EXPECT_ERROR_CODE(trainee->exercises().add(bad), ErrorCode::InvalidArgument);
        bad = r;
        bad.seconds = -1;
        EXPECT_ERROR_CODE(trainee->exercises().add(bad), ErrorCode::InvalidArgument);
        bad = r;
        bad.pack.clear();
        EXPECT_ERROR_CODE(trainee->exercises().add(bad), ErrorCode::InvalidArgument);
    }
    {
        auto other = open("officer2");
        ASSERT_OK(other);
        auto mine = other->exercises().list();
        ASSERT_OK(mine);
        EXPECT_TRUE(mine->empty()); // another trainee's scores are not theirs to see
        ASSERT_OK(other->exercises().add(r));
    }
    auto trainer = open("trainer");
    ASSERT_OK(trainer);
    auto all = trainer->exercises().list();
    ASSERT_OK(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ(all->at(0).trainee, "officer1");
    EXPECT_EQ(all->at(1).trainee, "officer2");
    EXPECT_EQ(all->at(0).pack, "pack-3");
    EXPECT_EQ(all->at(0).exercise, 2);
    EXPECT_EQ(all->at(0).fieldsRight, 9);
    EXPECT_DOUBLE_EQ(all->at(0).seconds, 41.25);
}

TEST_F(PrivacyStore, ProductionStoresKeepNoExerciseResults) {
    build();
    auto officer = open("officer1");
    ASSERT_OK(officer);
    storage::ExerciseResult r;
    r.pack = "pack-1";
    r.exercise = 1;
    r.problem = "none";
    EXPECT_ERROR_CODE(officer->exercises().add(r), ErrorCode::PermissionDenied);
    EXPECT_ERROR_CODE(officer->exercises().list(), ErrorCode::PermissionDenied);
}

TEST_F(PrivacyStore, TheScheduledPurgeRunsForAnyRoleWithoutCountingAsActivity) {
    build();
    {
        auto officer = open("officer1");
        ASSERT_OK(officer);
        auto rec = officer->records().get(recordA);
        ASSERT_OK(rec);
        ASSERT_OK(officer->records().closeEncounter(*rec->encounter.encounterId, "cleared"));
    }
    auto officer = open("officer2"); // an officer may not purge on demand, but the schedule runs anyway
    ASSERT_OK(officer);
    EXPECT_ERROR_CODE(officer->retention().purge(), ErrorCode::PermissionDenied);
    auto none = officer->retention().purgeDue();
    ASSERT_OK(none);
    EXPECT_EQ(none->erased, 0);
    clock.advance(std::chrono::minutes{14}); // idle, but within the pack's 15 minutes
    auto stillNone = officer->retention().purgeDue();
    ASSERT_OK(stillNone);
    clock.advance(std::chrono::minutes{2}); // 16 minutes without the user doing anything
    clock.advance(std::chrono::days{31});
    auto due = officer->retention().purgeDue();
    ASSERT_OK(due);
    EXPECT_EQ(due->erased, 2); // the cleared case, and the one still open after the open rule's 30 days
    EXPECT_EQ(due->erasedIds, (std::vector<core::RecordId>{recordA, recordB}));
    // The purges were not the user's activity: the session has still expired.
    EXPECT_ERROR_CODE(officer->records().list(), ErrorCode::SessionExpired);
}

// ---- statistics rows (analysis) -------------------------------------------------------------------------------

TEST_F(PrivacyStore, StatisticsRowsFollowRecordsFlagsCorrectionsOutcomesAndErasure) {
    build();
    auto officer = open("officer1");
    ASSERT_OK(officer);
    EXPECT_ERROR_CODE(
        officer->statistics().rows(clock.now() - std::chrono::hours{1}, clock.now() + std::chrono::hours{1}),
        ErrorCode::PermissionDenied);
    ASSERT_OK(officer->subjects().rectify(recordA, "nationality", "D", "misread"));
    auto rec = officer->records().get(recordA);
    ASSERT_OK(rec);
    clock.advance(std::chrono::minutes{12});
    ASSERT_OK(officer->records().closeEncounter(*rec->encounter.encounterId, "referred"));
    officer->logout();
    auto auditor = open("auditor"); // aggregates carry no personal data: auditors may read them
    ASSERT_OK(auditor);
    const auto from = clock.now() - std::chrono::hours{1}, to = clock.now() + std::chrono::hours{1};
    auto data = auditor->statistics().rows(from, to);
    ASSERT_OK(data);
    ASSERT_EQ(data->rows.size(), 2u);
    const auto& a = data->rows[0];
    EXPECT_EQ(data->value(a, storage::StatisticsData::Nationality), "D"); // the rectified value
    EXPECT_EQ(data->value(a, storage::StatisticsData::Outcome), "referred");
    EXPECT_EQ(data->value(a, storage::StatisticsData::Sex), "F");
    EXPECT_EQ(data->value(a, storage::StatisticsData::AgeBand), "45-59"); // born 1974, captured 2026
    EXPECT_EQ(data->value(a, storage::StatisticsData::Source), "scan");
    EXPECT_TRUE(a.flagged);
    EXPECT_EQ(a.corrections, 1);
    EXPECT_EQ(a.processing, 12 * 60);
    EXPECT_FALSE(a.checkFailed);
    const auto& b = data->rows[1];
    EXPECT_FALSE(b.flagged);
    EXPECT_EQ(b.corrections, 0);
    EXPECT_EQ(b.processing, -1); // still open
    // A desk filter and a period outside.
    auto none = auditor->statistics().rows(from, to, std::string("desk-that-is-not"));
    ASSERT_OK(none);
    EXPECT_TRUE(none->rows.empty());
    auto later = auditor->statistics().rows(to, to + std::chrono::hours{1});
    ASSERT_OK(later);
    EXPECT_TRUE(later->rows.empty());
    auditor->logout();
    // Erasure takes the statistics row with the record.
    auto supervisor = open("supervisor");
    ASSERT_OK(supervisor);
    auto recB = supervisor->records().get(recordB);
    ASSERT_OK(recB);
    ASSERT_OK(supervisor->subjects().erase(recordB, "traveller asked"));
    supervisor->logout();
    auditor = open("auditor");
    ASSERT_OK(auditor);
    data = auditor->statistics().rows(from, to);
    ASSERT_OK(data);
    EXPECT_EQ(data->rows.size(), 1u);
}

} // namespace
} // namespace secondline::privacy_store
