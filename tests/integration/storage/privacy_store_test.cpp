// Issue 7: the privacy rules as the store enforces them, on real SQLCipher files: the role x operation
// matrix, break-glass, audit tampering (edit, delete, reorder, truncate, re-hash), retention with legal
// holds, minimization, rectification, erasure, subject access, sharing, lockout and idle timeout.

#include <secondline/privacy/sharing.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include <test_support.h>

#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace secondline {
namespace {

using core::ErrorCode;
using privacy::Role;
using storage::Store;

validation::TravelDocument parsed(const std::string& text) {
    validation::ParseOptions o;
    o.inspectionDate = test::testDate();
    auto doc = validation::parseMrzText(text, o);
    if (!doc) throw std::runtime_error("test MRZ does not parse");
    return *doc;
}

// Generated specimen identities (the ICAO specimen and variations of it), never real people.
validation::TravelDocument anna() {
    return parsed("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10");
}
validation::TravelDocument other() {
    return parsed("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
}

privacy::KdfParams fastKdf() {
    return privacy::KdfParams::fastForTests();
}

std::string keyLiteral(const core::SecretBytes& key) {
    std::string literal = "x'";
    static constexpr char kHex[] = "0123456789abcdef";
    const auto view = key.read();
    for (std::uint8_t b : view.bytes()) {
        literal += kHex[b >> 4];
        literal += kHex[b & 0xf];
    }
    return literal + "'";
}

/// Runs SQL directly on a store's database, as an attacker with the database key (or a stolen, unlocked
/// workstation) could: how the tamper tests edit the trail under the store's feet.
void tamper(const std::string& path, const std::string& user, const char* password, const std::string& sql) {
    auto text = test::readFile(storage::keySlotPath(path));
    auto file = privacy::decodeKeySlotFile(text);
    ASSERT_OK(file);
    auto storeKey = privacy::unwrapKey(*privacy::findSlot(*file, user), test::password(password));
    ASSERT_OK(storeKey);
    auto dbKey = privacy::openSealedKey(*storeKey, *file->databaseKey, "secondline database key " + file->storeId);
    ASSERT_OK(dbKey);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const std::string literal = keyLiteral(*dbKey);
    ASSERT_EQ(sqlite3_key_v2(db, "main", literal.data(), static_cast<int>(literal.size())), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

/// One number from a query run directly on a store's database.
std::int64_t queryInt(const std::string& path, const std::string& user, const char* password, const std::string& sql) {
    auto file = privacy::decodeKeySlotFile(test::readFile(storage::keySlotPath(path)));
    auto storeKey = privacy::unwrapKey(*privacy::findSlot(*file, user), test::password(password));
    auto dbKey = privacy::openSealedKey(*storeKey, *file->databaseKey, "secondline database key " + file->storeId);
    sqlite3* db = nullptr;
    std::int64_t out = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        const std::string literal = keyLiteral(*dbKey);
        sqlite3_stmt* q = nullptr;
        if (sqlite3_key_v2(db, "main", literal.data(), static_cast<int>(literal.size())) == SQLITE_OK &&
            sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            out = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return out;
}

/// A policy pack: the default one with `edit` applied to its JSON.
std::string packWith(const std::function<void(nlohmann::json&)>& edit) {
    auto j = nlohmann::json::parse(privacy::Policy::presetText("default"));
    edit(j);
    return j.dump(2);
}

/// A store with an administrator, two officers, a supervisor and an auditor (a trainer and two officers in
/// a training store), and a record of each officer.
class PrivacyStore : public ::testing::Test {
public: // also used cell by cell by the matrix test
    test::TempDir dir;
    test::FakeClock clock;
    std::string path = dir.file("store.db");
    std::int64_t recordA = 0; // officer1's
    std::int64_t recordB = 0; // officer2's

    void build(bool training = false) {
        storage::CreateOptions o;
        o.kdf = fastKdf();
        o.training = training;
        o.firstUserRole = training ? Role::Trainer : Role::Administrator;
        const std::string first = training ? "trainer" : "admin";
        ASSERT_OK(Store::create(path, first, test::password("pw-" + first), o, clock));
        {
            auto s = open(first);
            ASSERT_OK(s);
            ASSERT_OK(s->users().add("officer1", Role::Officer, test::password("pw-officer1"), fastKdf()));
            ASSERT_OK(s->users().add("officer2", Role::Officer, test::password("pw-officer2"), fastKdf()));
            if (!training) {
                ASSERT_OK(s->users().add("supervisor", Role::Supervisor, test::password("pw-supervisor"), fastKdf()));
                ASSERT_OK(s->users().add("auditor", Role::Auditor, test::password("pw-auditor"), fastKdf()));
            }
        }
        auto a = open("officer1");
        ASSERT_OK(a);
        auto id = a->records().add(anna(), {.source = "scan"});
        ASSERT_OK(id);
        recordA = *id;
        ASSERT_OK(a->flags().raise(recordA, {.kind = storage::FlagKind::Review, .reason = "photo does not match"}));
        a->logout();
        auto b = open("officer2");
        ASSERT_OK(b);
        id = b->records().add(other(), {.source = "scan"});
        ASSERT_OK(id);
        recordB = *id;
    }

    core::Result<Store> open(const std::string& user) {
        return Store::open(path, user, test::password("pw-" + user), {}, clock);
    }
};

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
    using Op = std::function<core::Status(Store&, std::int64_t a, std::int64_t b, test::TempDir&)>;
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
             const std::vector<std::uint8_t> jpeg(64, 0xff);
             return status(s.records().addImage(a, storage::ImageKind::Portrait, "image/jpeg", 300, 400, jpeg));
         }},
        {"flag.create",
         [](Store& s, auto a, auto, auto&) {
             return status(s.flags().raise(a, {.kind = storage::FlagKind::Review, .reason = "check"}));
         }},
        {"flag.review",
         [](Store& s, auto, auto, auto&) { return s.flags().update(1, storage::FlagStatus::Resolved, "ok"); }},
        {"record.update", [](Store& s, auto, auto, auto&) { return s.records().closeEncounter(1, "cleared"); }},
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
    auto trail = privacy::decodeAuditExport(*exported);
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
    auto e = privacy::decodeAuditExport(join(edited));
    ASSERT_OK(e) << "the header still verifies; the entry does not";
    EXPECT_FALSE(privacy::verifyTrail(e->entries, {e->publicKeyHex, e->signedFrom}).ok);

    auto cut = lines;
    cut.resize(cut.size() - 3);
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(join(cut)), ErrorCode::AuditInvalid);
    auto swapped = lines;
    std::swap(swapped[5], swapped[6]);
    auto sw = privacy::decodeAuditExport(join(swapped));
    ASSERT_OK(sw);
    EXPECT_FALSE(privacy::verifyTrail(sw->entries, {sw->publicKeyHex, sw->signedFrom}).ok);
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(exported->substr(0, exported->size() - 10)), ErrorCode::AuditInvalid);
    auto header = lines;
    header[0].replace(header[0].find("\"entries\":"), 10, "\"entries\":1");
    EXPECT_ERROR_CODE(privacy::decodeAuditExport(join(header)), ErrorCode::AuditInvalid);
}

// ---- retention ----------------------------------------------------------------------------------------------

TEST_F(PrivacyStore, PurgeErasesExpiredRecordsAndKeepsLegalHolds) {
    build();
    std::int64_t recordC = 0;
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
                       "SELECT COUNT(*) FROM records WHERE id IN (" + std::to_string(recordA) + "," +
                           std::to_string(recordB) + ");"),
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
    const std::vector<std::uint8_t> jpeg(100, 0xff);
    EXPECT_ERROR_CODE(officer->records().addImage(*id, storage::ImageKind::Document, "image/jpeg", 800, 600, jpeg),
                      ErrorCode::PolicyForbids);
    EXPECT_ERROR_CODE(officer->records().addImage(*id, storage::ImageKind::Portrait, "image/jpeg", 240, 320, jpeg),
                      ErrorCode::PolicyForbids)
        << "larger than the profile's 300 pixels";
    EXPECT_OK(officer->records().addImage(*id, storage::ImageKind::Portrait, "image/jpeg", 225, 300, jpeg));
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

    auto opened = privacy::openShare(*package, *recipient, workstation);
    ASSERT_OK(opened);
    std::map<std::string, std::string> fields(opened->payload.fields.begin(), opened->payload.fields.end());
    EXPECT_EQ(fields, (std::map<std::string, std::string>{
                          {"document_number", "L898902C3"}, {"nationality", "UTO"}, {"surname", "ERIKSSON"}}))
        << "only the agreement's fields";
    EXPECT_EQ(opened->payload.legalReference, "Specimen Agreement art. 1");
    EXPECT_ERROR_CODE(privacy::openShare(*package, *stranger), ErrorCode::ShareInvalid);
    EXPECT_ERROR_CODE(privacy::openShare(*package, *recipient, std::string(64, 'a')), ErrorCode::ShareInvalid);
    auto altered = *package;
    const auto at = altered.find("\"ciphertext\": \"") + 20;
    altered[at] = altered[at] == 'a' ? 'b' : 'a';
    EXPECT_ERROR_CODE(privacy::openShare(altered, *recipient), ErrorCode::ShareInvalid);
    EXPECT_ERROR_CODE(privacy::openShare("not json", *recipient), ErrorCode::ShareInvalid);
    auto keyFile = privacy::decodeShareKeyFile(privacy::encodeShareKeyFile(*recipient));
    ASSERT_OK(keyFile);
    EXPECT_OK(privacy::openShare(*package, *keyFile));

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
    EXPECT_EQ(due->erasedIds, (std::vector<std::int64_t>{recordA, recordB}));
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
} // namespace secondline
