// Issue 7: the privacy rules as the store enforces them, on real SQLCipher files: the role x operation matrix,
// break-glass and audit tampering (edit, delete, reorder, truncate, re-hash).

#include "privacy_store_fixture.h"

#include <filesystem>

namespace secondline::privacy_store {
namespace {

// ---- the role x operation matrix -------------------------------------------------------------------------------

/// What one operation did: "Y" allowed, "N" refused for the role, "-" the record is hidden from the user.
std::string outcomeOf(const core::Status& s) {
    if (s) return "Y";
    if (s.error().code == ErrorCode::PermissionDenied) return "N";
    if (s.error().code == ErrorCode::RecordNotFound) return "-";
    return std::string(core::errorCodeName(s.error().code));
}

template <class T>
core::Status status(const core::Result<T>& r) {
    if (r) return {};
    return core::fail(r.error());
}

TEST(PrivacyMatrix, EveryRoleTimesEveryOperationThroughTheLibrary) {
    auto keys = privacy::newShareKeyPair();
    ASSERT_OK(keys);
    const std::string pack = packWith([&](nlohmann::json& j) {
        j["sharing"] = {{{"name", "liaison"},
                         {"recipient", "Specimen Liaison Office"},
                         {"purpose", "secondary_inspection"},
                         {"legal_reference", "Specimen Agreement art. 1"},
                         {"fields", {"surname", "document_number"}},
                         {"recipient_public_key", keys->publicKeyHex}}};
    });
    using Op = std::function<core::Status(Store&, core::RecordId a, core::RecordId b, test::TempDir&)>;
    const std::vector<std::pair<std::string, Op>> ops = {
        {"record.create",
         [](Store& s, auto, auto, auto&) { return status(s.records().add(anna(), {.source = "scan"})); }},
        {"record.read(officer1's)", [](Store& s, auto a, auto, auto&) { return status(s.records().get(a)); }},
        {"record.read(officer2's)", [](Store& s, auto, auto b, auto&) { return status(s.records().get(b)); }},
        {"record.list", [](Store& s, auto, auto, auto&) { return status(s.records().list()); }},
        {"record.find",
         [](Store& s, auto, auto, auto&) { return status(s.records().findByDocument("UTO", "L898902C3")); }},
        {"image.add",
         [](Store& s, auto a, auto, auto&) {
             return status(s.records().addImage(a, storage::ImageKind::Portrait, "image/jpeg", 300, 400,
                                                test::jpegHeader(300, 400)));
         }},
        {"flag.create",
         [](Store& s, auto a, auto, auto&) {
             return status(s.flags().raise(a, {.kind = storage::FlagKind::Review, .reason = "check"}));
         }},
        {"flag.review", [](Store& s, auto, auto,
                           auto&) { return s.flags().update(core::FlagId{1}, storage::FlagStatus::Resolved, "ok"); }},
        {"record.update",
         [](Store& s, auto, auto, auto&) { return s.records().closeEncounter(core::EncounterId{1}, "cleared"); }},
        {"record.rectify",
         [](Store& s, auto a, auto, auto&) {
             return s.subjects().rectify(a, "given_names", "ANNA MARIE", "visual zone reads MARIE");
         }},
        {"record.hold",
         [](Store& s, auto a, auto, auto&) { return s.subjects().setLegalHold(a, true, "court order 1"); }},
        {"record.erase", [](Store& s, auto a, auto, auto&) { return s.subjects().erase(a, "request 7"); }},
        {"subject.export",
         [](Store& s, auto, auto, auto&) { return status(s.subjects().exportSubject("UTO", "L898902C3")); }},
        {"share.export",
         [](Store& s, auto a, auto, auto&) { return status(s.subjects().share(a, "liaison", "case 9")); }},
        {"user.manage", [](Store& s, auto, auto, auto&) { return status(s.users().list()); }},
        {"store.backup",
         [](Store& s, auto, auto, test::TempDir& d) {
             return status(s.maintenance().backup(d.file("backup.slb"), test::password("b"), fastKdf()));
         }},
        {"store.rekey", [](Store& s, auto, auto, auto&) { return s.maintenance().rekey(); }},
        {"store.check", [](Store& s, auto, auto, auto&) { return status(s.maintenance().check()); }},
        {"policy.load", [&pack](Store& s, auto, auto, auto&) { return s.loadPolicy(pack); }},
        {"retention.purge", [](Store& s, auto, auto, auto&) { return status(s.retention().purge(true)); }},
        {"retention.report", [](Store& s, auto, auto, auto&) { return status(s.retention().report()); }},
        {"audit.read", [](Store& s, auto, auto, auto&) { return status(s.audit().verify(nullptr)); }},
        {"audit.export", [](Store& s, auto, auto, auto&) { return status(s.audit().exportSigned()); }},
        {"breakglass.start", [](Store& s, auto, auto, auto&) { return status(s.breakGlass("incident 12", 10)); }},
    };
    // Written out by hand from the issue and the default pack: officer (own open cases), supervisor (the
    // flagged queue and decisions), trainer (training stores only), auditor (the trail, no personal data),
    // administrator (users, keys, policy; no routine personal data). Columns: officer1, supervisor,
    // auditor, admin, and the trainer in a training store.
    const std::map<std::string, std::string> expected = {
        {"record.create", "YYNNY"},
        {"record.read(officer1's)", "YYNNY"},
        {"record.read(officer2's)", "-YNNY"},
        {"record.list", "YYNNY"},
        {"record.find", "YYNNY"},
        {"image.add", "YYNNY"},
        {"flag.create", "YYNNY"},
        {"flag.review", "NYNNY"},
        {"record.update", "YYNNY"},
        {"record.rectify", "YYNNY"},
        {"record.hold", "NYNNY"},
        {"record.erase", "NYNNY"},
        {"subject.export", "NYNNY"},
        {"share.export", "NYNNN"},
        {"user.manage", "NNNYY"},
        {"store.backup", "NNNYN"},
        {"store.rekey", "NNNYN"},
        {"store.check", "NNYYN"},
        {"policy.load", "NNNYN"},
        {"retention.purge", "NNNYN"},
        {"retention.report", "NYYYY"},
        {"audit.read", "NNYYN"},
        {"audit.export", "NNYNN"},
        {"breakglass.start", "NNYYN"},
    };
    const std::vector<std::pair<std::string, bool>> columns = {
        {"officer1", false}, {"supervisor", false}, {"auditor", false}, {"admin", false}, {"trainer", true}};
    std::map<std::string, std::string> got;
    for (const auto& [user, training] : columns) {
        for (const auto& [name, op] : ops) {
            SCOPED_TRACE(user + " " + name);
            // A fresh store per cell: operations change what the next one would see.
            struct Cell : PrivacyStore {
                void TestBody() override {}
            } cell;
            cell.build(training);
            if (::testing::Test::HasFatalFailure()) return;
            {
                auto admin = cell.open(training ? "trainer" : "admin");
                ASSERT_OK(admin);
                if (!training) {
                    ASSERT_OK(admin->loadPolicy(pack));
                }
            }
            auto store = cell.open(user);
            ASSERT_OK(store);
            const auto s = op(*store, cell.recordA, cell.recordB, cell.dir);
            const std::string o = outcomeOf(s);
            got[name] += o;
            if (o == "N") {
                // The refusal names the permission, and is itself in the trail.
                EXPECT_NE(s.error().message.find("permission"), std::string::npos) << s.error().message;
                store->logout();
                auto auditor = cell.open(training ? "trainer" : "admin");
                ASSERT_OK(auditor);
                if (!training) {
                    auto trail = auditor->audit().entries();
                    ASSERT_OK(trail);
                    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [&](const auto& e) {
                        return e.action == "access.denied" && e.userName == user;
                    }));
                }
            }
        }
    }
    for (const auto& [name, _] : ops) EXPECT_EQ(got[name], expected.at(name)) << name;
}

// ---- break-glass ----------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, BreakGlassIsTimeLimitedReadOnlyAndLoudlyAudited) {
    build();
    auto auditor = open("auditor");
    ASSERT_OK(auditor);
    EXPECT_ERROR_CODE(auditor->records().get(recordA), ErrorCode::PermissionDenied);
    EXPECT_ERROR_CODE(auditor->breakGlass("", 10), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(auditor->breakGlass("incident 12", 61), ErrorCode::InvalidArgument) << "over the pack's limit";
    ASSERT_OK(auditor->breakGlass("incident 12: suspected forged visa", 30));
    auto rec = auditor->records().get(recordA);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->document.surname(), "ERIKSSON");
    EXPECT_ERROR_CODE(auditor->subjects().rectify(recordA, "surname", "X", "no"), ErrorCode::PermissionDenied)
        << "read only";
    EXPECT_ERROR_CODE(auditor->records().add(anna(), {.source = "scan"}), ErrorCode::PermissionDenied);
    auditor->logout();

    clock.advance(std::chrono::minutes{10});
    auto again = open("auditor");
    ASSERT_OK(again);
    ASSERT_TRUE(again->breakGlassUntil().has_value()) << "the grant holds across sign-ins";
    EXPECT_OK(again->records().list());
    auto trail = again->audit().entries();
    ASSERT_OK(trail);
    again->logout();
    const auto glassEntries = std::count_if(trail->begin(), trail->end(), [](const auto& e) {
        return e.purpose == "breakglass" && e.justification == "incident 12: suspected forged visa";
    });
    EXPECT_GE(glassEntries, 3) << "the start, the read and the list, each with the reason";

    clock.advance(std::chrono::minutes{21});
    auto expired = open("auditor");
    ASSERT_OK(expired);
    EXPECT_FALSE(expired->breakGlassUntil().has_value());
    EXPECT_ERROR_CODE(expired->records().get(recordA), ErrorCode::PermissionDenied);
    expired->logout();
    auto officer = open("officer1");
    ASSERT_OK(officer);
    EXPECT_ERROR_CODE(officer->breakGlass("just because", 5), ErrorCode::PermissionDenied);
}

// ---- the signed audit trail --------------------------------------------------------------------------------------

class AuditTamper : public PrivacyStore {
protected:
    void SetUp() override {
        build();
        auto s = open("supervisor");
        ASSERT_OK(s);
        ASSERT_OK(s->records().get(recordA));
        ASSERT_OK(s->records().list());
    }

    privacy::TrailCheck verify(const privacy::AuditCheckpoint* checkpoint = nullptr) {
        auto s = open("auditor");
        EXPECT_OK(s);
        if (!s) return {};
        auto c = s->audit().verify(checkpoint);
        EXPECT_OK(c);
        return c ? *c : privacy::TrailCheck{};
    }

    privacy::AuditCheckpoint checkpoint() {
        auto s = open("auditor");
        auto text = s->audit().checkpoint();
        EXPECT_OK(text);
        auto c = privacy::decodeCheckpoint(*text);
        EXPECT_OK(c);
        return *c;
    }

    std::int64_t lastSequence() {
        auto s = open("admin");
        auto trail = s->audit().entries();
        return trail->back().sequence;
    }
};

TEST_F(AuditTamper, AnIntactTrailVerifiesAndEveryEntryFromSchema4IsSigned) {
    const auto c = verify();
    EXPECT_TRUE(c.ok) << c.problem;
    EXPECT_GT(c.signedEntries, 10);
    EXPECT_EQ(c.entries - c.signedEntries, 3) << "store.create and two migrations ran before the trail was signed";
}

TEST_F(AuditTamper, AnEditedEntryIsFound) {
    tamper(path, "admin", "pw-admin", "UPDATE audit SET user_name = 'officer2' WHERE seq = 12;");
    const auto c = verify();
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.firstBadSequence, 12);
}

TEST_F(AuditTamper, AnEditedEntryWithARecomputedChainFailsItsSignature) {
    // The attacker edits entry 12 and recomputes its hash and every later one's: the chain holds, but
    // without the workstation key the signatures cannot follow.
    auto s = open("admin");
    auto trail = s->audit().entries();
    ASSERT_OK(trail);
    s->close(); // wipes the keys without a sign-out entry, so the trail read is the whole trail
    std::string sql = "BEGIN;";
    std::string previous;
    for (auto& e : *trail) {
        if (e.sequence < 12) {
            previous = e.hash;
            continue;
        }
        if (e.sequence == 12) e.detail = "nothing happened";
        e.previousHash = previous;
        e.hash = privacy::computeAuditHash(e);
        previous = e.hash;
        sql += "UPDATE audit SET detail = '" + e.detail + "', prev_hash = '" + e.previousHash + "', hash = '" + e.hash +
               "' WHERE seq = " + std::to_string(e.sequence) + ";";
    }
    sql += "COMMIT;";
    tamper(path, "admin", "pw-admin", sql);
    const auto c = verify();
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.firstBadSequence, 12);
    EXPECT_NE(c.problem.find("signature"), std::string::npos) << c.problem;
}

TEST_F(AuditTamper, ADeletedEntryIsFound) {
    tamper(path, "admin", "pw-admin", "DELETE FROM audit WHERE seq = 9;");
    const auto c = verify();
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.firstBadSequence, 10);
}

TEST_F(AuditTamper, ReorderedEntriesAreFound) {
    tamper(path, "admin", "pw-admin",
           "UPDATE audit SET seq = -1 WHERE seq = 10; UPDATE audit SET seq = 10 WHERE seq = 11; "
           "UPDATE audit SET seq = 11 WHERE seq = -1;");
    const auto c = verify();
    EXPECT_FALSE(c.ok);
    EXPECT_EQ(c.firstBadSequence, 10);
}

TEST_F(AuditTamper, TruncationIsFoundAgainstACheckpoint) {
    const auto cp = checkpoint();
    const auto last = lastSequence();
    tamper(path, "admin", "pw-admin", "DELETE FROM audit WHERE seq > " + std::to_string(last - 6) + ";");
    EXPECT_TRUE(verify().ok) << "a cut-off chain is still a chain: only a checkpoint kept elsewhere tells";
    const auto c = verify(&cp);
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.problem.find("truncated"), std::string::npos) << c.problem;
    EXPECT_EQ(c.firstBadSequence, cp.sequence);
}

TEST_F(AuditTamper, ACheckpointOfAnotherKeyOrAlteredIsRefused) {
    auto cp = checkpoint();
    auto altered = cp;
    altered.sequence -= 1;
    EXPECT_ERROR_CODE(privacy::decodeCheckpoint(privacy::encodeCheckpoint(altered)), ErrorCode::AuditInvalid)
        << "its signature no longer matches";
    EXPECT_ERROR_CODE(privacy::decodeCheckpoint("{]"), ErrorCode::AuditInvalid);
    EXPECT_OK(privacy::decodeCheckpoint(privacy::encodeCheckpoint(cp)));
    // A checkpoint signed by another store's workstation key does not vouch for this trail.
    test::TempDir otherDir;
    const std::string otherPath = otherDir.file("other.db");
    storage::CreateOptions o;
    o.kdf = fastKdf();
    o.testStore = true;
    ASSERT_OK(Store::create(otherPath, "admin", test::password("x"), o, clock));
    {
        auto admin = Store::open(otherPath, "admin", test::password("x"), {}, clock);
        ASSERT_OK(admin->users().add("auditor", Role::Auditor, test::password("y"), fastKdf()));
    }
    auto other = Store::open(otherPath, "auditor", test::password("y"), {}, clock);
    ASSERT_OK(other);
    auto foreign = privacy::decodeCheckpoint(*other->audit().checkpoint());
    ASSERT_OK(foreign);
    auto s = open("auditor");
    auto wrongStore = s->audit().verify(&*foreign);
    EXPECT_ERROR_CODE(wrongStore, ErrorCode::AuditInvalid) << "another store's checkpoint";
    foreign->storeId = s->storeId();
    auto c = s->audit().verify(&*foreign);
    ASSERT_OK(c);
    EXPECT_FALSE(c->ok);
    EXPECT_NE(c->problem.find("another workstation key"), std::string::npos) << c->problem;
}

TEST_F(AuditTamper, AnExportDetectsEditsCutsAndSplicesOffline) {
    auto s = open("auditor");
    auto exported = s->audit().exportSigned();
    ASSERT_OK(exported);
    auto cp = privacy::decodeCheckpoint(*s->audit().checkpoint());
    ASSERT_OK(cp);
    // The auditor trusts the workstation's key, learnt at the desk (issue 18: never the key inside the export).
    auto trusted = privacy::TrustedKeys::single(s->audit().publicKey(), "desk");
    ASSERT_OK(trusted);
    auto trail = privacy::decodeAuditExport(*exported, *trusted);
    ASSERT_OK(trail);
    EXPECT_TRUE(privacy::verifyTrail(trail->entries, {trail->publicKeyHex, trail->signedFrom}).ok);
    // No traveller's data in it.
    for (const char* personal : {"ERIKSSON", "L898902C3", "D23145890", "740812", "ANNA"})
        EXPECT_FALSE(test::contains(*exported, personal)) << personal;

    std::vector<std::string> lines;
    for (std::size_t pos = 0; pos < exported->size();) {
        const auto end = exported->find('\n', pos);
        lines.push_back(exported->substr(pos, end - pos + 1));
        pos = end + 1;
    }
    auto join = [](const std::vector<std::string>& ls) {
        std::string out;
        for (const auto& l : ls) out += l;
        return out;
    };
    auto edited = lines;
    const auto at = edited[8].find("\"user\":\"");
    edited[8].replace(at, 8, "\"user\":\"X");
    auto e = privacy::decodeAuditExport(join(edited), *trusted);
    ASSERT_OK(e) << "the header still verifies; the entry does not";
    EXPECT_FALSE(privacy::verifyTrail(e->entries, {e->publicKeyHex, e->signedFrom}).ok);

    auto cut = lines;
    cut.resize(cut.size() - 3);
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(join(cut), *trusted), ErrorCode::AuditInvalid);
    auto swapped = lines;
    std::swap(swapped[5], swapped[6]);
    auto sw = privacy::decodeAuditExport(join(swapped), *trusted);
    ASSERT_OK(sw);
    EXPECT_FALSE(privacy::verifyTrail(sw->entries, {sw->publicKeyHex, sw->signedFrom}).ok);
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(exported->substr(0, exported->size() - 10), *trusted),
                      ErrorCode::AuditInvalid);
    auto header = lines;
    header[0].replace(header[0].find("\"entries\":"), 10, "\"entries\":1");
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(join(header), *trusted), ErrorCode::AuditInvalid);
}

// Issue 18: an insider with the database key plants schema objects that change what the store does. The store
// checks its schema at every open and refuses anything it did not create, before a migration or a sign-in
// entry could run through it.
class SchemaTamper : public PrivacyStore {
protected:
    void SetUp() override { build(); }
};

TEST_F(SchemaTamper, ATriggerThatDropsAuditEntriesIsRefusedAtOpen) {
    tamper(path, "admin", "pw-admin",
           "CREATE TRIGGER drop_reads AFTER INSERT ON audit WHEN NEW.action = 'record.read' "
           "BEGIN DELETE FROM audit WHERE seq = NEW.seq; END;");
    for (const char* user : {"officer1", "admin", "auditor"}) {
        auto s = open(user);
        EXPECT_ERROR_CODE(s, ErrorCode::StoreTampered) << user;
        if (!s) {
            EXPECT_NE(s.error().message.find("trigger"), std::string::npos) << s.error().message;
            EXPECT_NE(s.error().message.find("drop_reads"), std::string::npos) << s.error().message;
        }
    }
}

TEST_F(SchemaTamper, AViewAnExtraTableOrAnExtraIndexIsRefused) {
    for (const char* sql : {"CREATE VIEW everyone AS SELECT * FROM records;", "CREATE TABLE stash (x BLOB);",
                            "CREATE INDEX records_by_time ON records(created_utc);"}) {
        test::TempDir copyDir;
        const std::string copy = copyDir.file("store.db");
        std::filesystem::copy_file(path, copy);
        std::filesystem::copy_file(storage::keySlotPath(path), storage::keySlotPath(copy));
        std::filesystem::copy_file(storage::rootKeyPath(path), storage::rootKeyPath(copy));
        tamper(copy, "admin", "pw-admin", sql);
        EXPECT_ERROR_CODE(Store::open(copy, "admin", test::password("pw-admin"), {}, clock), ErrorCode::StoreTampered)
            << sql;
    }
}

TEST_F(SchemaTamper, ARedefinedOrMissingTableIsRefused) {
    // The audit table recreated without its constraints, under the same name, with the same rows.
    tamper(path, "admin", "pw-admin",
           "CREATE TABLE audit_copy AS SELECT * FROM audit; DROP TABLE audit; ALTER TABLE audit_copy RENAME TO audit;");
    EXPECT_ERROR_CODE(open("admin"), ErrorCode::StoreTampered);
}

TEST_F(SchemaTamper, StoreCheckReportsWhatOpenWouldRefuse) {
    {
        auto admin = open("admin");
        ASSERT_OK(admin);
        auto report = admin->maintenance().check();
        ASSERT_OK(report);
        EXPECT_TRUE(report->schemaOk) << report->problems;
        EXPECT_TRUE(report->ok()) << report->problems;
    }
    // Planted while a session is open (by someone else holding the key): the next check says so.
    auto admin = open("admin");
    ASSERT_OK(admin);
    tamper(path, "admin", "pw-admin", "CREATE TRIGGER t AFTER INSERT ON records BEGIN SELECT 1; END;");
    auto report = admin->maintenance().check();
    ASSERT_OK(report);
    EXPECT_FALSE(report->schemaOk);
    EXPECT_FALSE(report->ok());
    EXPECT_NE(report->problems.find("trigger"), std::string::npos) << report->problems;
}

TEST_F(SchemaTamper, AnUntouchedStoreOpensAfterEveryKindOfUse) {
    // Rotation, backup and a purge rewrite the file (copy, export, VACUUM); the schema they leave is the one
    // the check expects.
    {
        auto admin = open("admin");
        ASSERT_OK(admin);
        ASSERT_OK(admin->maintenance().rekey());
    }
    {
        auto admin = open("admin");
        ASSERT_OK(admin);
        ASSERT_OK(admin->retention().purge(false));
    }
    EXPECT_OK(open("officer1"));
}

} // namespace
} // namespace secondline::privacy_store
