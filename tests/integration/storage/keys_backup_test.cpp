// Key rotation, backup and restore, and migrations from every earlier schema: real SQLCipher files on disk.

#include <secondline/privacy/key_slot.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <nlohmann/json.hpp>

#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>

#include <filesystem>

using namespace secondline;
using core::ErrorCode;
using privacy::Role;
using storage::Store;

namespace {

validation::TravelDocument parsed(const char* text) {
    validation::ParseOptions o;
    o.inspectionDate = test::testDate();
    auto doc = validation::parseMrzText(text, o);
    if (!doc) throw std::runtime_error("test MRZ does not parse");
    return *doc;
}

validation::TravelDocument td3() {
    return parsed("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10");
}

validation::TravelDocument td1() {
    return parsed("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
}

/// Runs one statement on a store's database directly, keyed with its raw database key: how the tests
/// stand in for a newer SecondLine that wrote the file.
bool execOnSqlcipher(const std::string& path, const core::SecretBytes& key, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return false;
    std::string literal = "x'";
    static constexpr char kHex[] = "0123456789abcdef";
    const auto view = key.read(); // held for the loop: the guarded page is readable only while it lives
    for (std::uint8_t b : view.bytes()) {
        literal += kHex[b >> 4];
        literal += kHex[b & 0xf];
    }
    literal += "'";
    const bool ok = sqlite3_key_v2(db, "main", literal.data(), static_cast<int>(literal.size())) == SQLITE_OK &&
                    sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

storage::CreateOptions fast() {
    storage::CreateOptions o;
    o.kdf = privacy::KdfParams::fastForTests();
    o.testStore = true; // short test passwords and the cheapest Argon2id (issue 18's production rule exempts it)
    return o;
}

/// The sealed database key recorded in a slot file's text ("" for a format-1 file).
std::string sealedDatabaseKeyIn(const std::string& slotsText) {
    const auto doc = nlohmann::json::parse(slotsText);
    return doc.contains("database_key") ? doc["database_key"]["sealed"].get<std::string>() : std::string{};
}

std::string sealedDatabaseKeyOf(const std::string& slotsPath) {
    return sealedDatabaseKeyIn(test::readFile(slotsPath));
}

class KeysTest : public ::testing::Test {
protected:
    test::TempDir dir;
    test::FakeClock clock;
    std::string path = dir.file("store.db");

    void SetUp() override {
        ASSERT_OK(Store::create(path, "admin", test::password("admin-pw"), fast(), clock));
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.users().add("officer1", Role::Officer, test::password("officer1-pw"),
                                    privacy::KdfParams::fastForTests()));
        admin.close();
        auto officer = open("officer1", "officer1-pw");
        for (int i = 0; i < 20; ++i) ASSERT_OK(officer.records().add(i % 2 ? td1() : td3(), {.source = "file"}));
    }

    Store open(const std::string& user, const std::string& pw, const std::string& at = {}) {
        auto s = Store::open(at.empty() ? path : at, user, test::password(pw), {}, clock);
        if (!s) throw std::runtime_error(s.error().message);
        return std::move(*s);
    }

    /// Every record the officer sees, as (id, surname, document number).
    std::vector<std::tuple<core::RecordId, std::string, std::string>> contents(const std::string& at = {}) {
        auto officer = open("officer1", "officer1-pw", at);
        auto list = officer.records().list();
        if (!list) throw std::runtime_error(list.error().message);
        std::vector<std::tuple<core::RecordId, std::string, std::string>> out;
        for (const auto& r : *list) {
            auto rec = officer.records().get(r.id);
            if (!rec) throw std::runtime_error(rec.error().message);
            out.emplace_back(rec->id, rec->document.surname(), rec->document.documentNumber());
        }
        return out;
    }

    void expectHealthy(const std::string& at = {}) {
        auto admin = open("admin", "admin-pw", at);
        auto report = admin.maintenance().check();
        ASSERT_OK(report);
        EXPECT_TRUE(report->ok()) << report->problems;
    }
};

} // namespace

TEST_F(KeysTest, RekeyReencryptsEveryPageAndKeepsEveryRecordAndPassword) {
    const auto before = contents();
    const std::string fileBefore = test::readFile(path);
    const std::string sealedBefore = sealedDatabaseKeyOf(path + ".keys");
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().rekey());
        // The session goes on under the new key.
        auto report = admin.maintenance().check();
        ASSERT_OK(report);
        EXPECT_TRUE(report->ok()) << report->problems;
    }
    EXPECT_NE(sealedDatabaseKeyOf(path + ".keys"), sealedBefore);
    EXPECT_FALSE(test::contains(test::readFile(path + ".keys"), "pending_database_key"));
    // Every page changed: with a new key not even one 4 KiB page is the same as before.
    const std::string fileAfter = test::readFile(path);
    ASSERT_GE(fileAfter.size(), 4096u * 4);
    std::size_t samePages = 0;
    for (std::size_t p = 0; p + 4096 <= std::min(fileBefore.size(), fileAfter.size()); p += 4096)
        samePages += fileBefore.compare(p, 4096, fileAfter, p, 4096) == 0;
    EXPECT_EQ(samePages, 0u);
    EXPECT_EQ(contents(), before) << "no record lost, officer's password still works";
    {
        auto officer = open("officer1", "officer1-pw");
        auto found = officer.records().findByDocument("UTO", "L898902C3");
        ASSERT_OK(found);
        EXPECT_EQ(found->size(), 10u) << "blind indexes survive a rotation";
    }
    expectHealthy();
    auto admin = open("admin", "admin-pw");
    auto trail = admin.audit().entries();
    ASSERT_OK(trail);
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [](const auto& e) { return e.action == "store.rekey"; }));
}

TEST_F(KeysTest, OnlyAdministratorsRotateKeysOrTakeBackups) {
    auto officer = open("officer1", "officer1-pw");
    EXPECT_ERROR_CODE(officer.maintenance().rekey(), ErrorCode::PermissionDenied);
    EXPECT_ERROR_CODE(
        officer.maintenance().backup(dir.file("b.slb"), test::password("b"), privacy::KdfParams::fastForTests()),
        ErrorCode::PermissionDenied);
    EXPECT_FALSE(std::filesystem::exists(dir.file("b.slb")));
}

// The states a crash can leave a rotation in, built exactly as rekey() writes them: the root key file with
// the next root key beside the current one, the slot file under the next root key with the next database key
// pending, and the database either still under the old key or already under the new one.
TEST_F(KeysTest, AnInterruptedRotationIsFinishedOrDroppedOnTheNextOpen) {
    const auto before = contents();
    const std::string oldDb = test::readFile(path);
    const std::string oldSlots = test::readFile(path + ".keys");
    const std::string oldRootFile = test::readFile(storage::rootKeyPath(path));
    auto oldRoot = storage::readRootKey(storage::rootKeyPath(path));
    ASSERT_OK(oldRoot);
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().rekey());
    }
    const std::string newDb = test::readFile(path);
    const std::string newSlots = test::readFile(path + ".keys");
    const std::string newRootFile = test::readFile(storage::rootKeyPath(path));
    auto newRoot = storage::readRootKey(storage::rootKeyPath(path));
    ASSERT_OK(newRoot);
    EXPECT_FALSE(newRoot->equals(*oldRoot)) << "the root key was renewed";

    auto decodedOld = privacy::decodeKeySlotFile(oldSlots);
    auto decodedNew = privacy::decodeKeySlotFile(newSlots);
    ASSERT_OK(decodedOld);
    ASSERT_OK(decodedNew);
    const std::string context = "secondline database key " + decodedOld->storeId;
    auto oldKey = privacy::openSealedKey(*oldRoot, *decodedOld->databaseKey, context);
    auto newKey = privacy::openSealedKey(*newRoot, *decodedNew->databaseKey, context);
    ASSERT_OK(oldKey);
    ASSERT_OK(newKey);
    // The slot file as step 2 of rekey() leaves it: under the next root key, the old database key in force,
    // the new one pending; the root key file as step 1 leaves it: both root keys.
    auto pendingFile = *decodedNew;
    auto resealed = privacy::sealKey(*newRoot, *oldKey, context);
    ASSERT_OK(resealed);
    pendingFile.databaseKey = *resealed;
    pendingFile.pendingDatabaseKey = decodedNew->databaseKey;
    auto pendingSlots = privacy::encodeKeySlotFile(pendingFile, *newRoot);
    ASSERT_OK(pendingSlots);
    const std::string bothRoots = oldRootFile + "next " + newRootFile.substr(newRootFile.find("\nkey ") + 5);

    for (const bool databaseRekeyed : {false, true}) {
        SCOPED_TRACE(databaseRekeyed ? "crash after the re-encryption" : "crash before the re-encryption");
        test::writeFile(path, databaseRekeyed ? newDb : oldDb);
        test::writeFile(path + ".keys", *pendingSlots);
        test::writeFile(storage::rootKeyPath(path), bothRoots);
        EXPECT_EQ(contents(), before);
        const std::string slots = test::readFile(path + ".keys");
        EXPECT_FALSE(test::contains(slots, "pending_database_key")) << "the rotation was settled";
        auto settled = privacy::decodeKeySlotFile(slots);
        ASSERT_OK(settled);
        auto kept = privacy::openSealedKey(*newRoot, *settled->databaseKey, context);
        ASSERT_OK(kept);
        EXPECT_TRUE(kept->equals(databaseRekeyed ? *newKey : *oldKey)) << "the key that opens the database is kept";
        EXPECT_EQ(test::readFile(storage::rootKeyPath(path)), newRootFile) << "the old root key left its file";
        expectHealthy();
    }
}

TEST_F(KeysTest, BackupRestoresOnANewMachineRecordByRecordUnderANewKey) {
    const auto before = contents();
    const std::string backupFile = dir.file("store.slbackup");
    {
        auto admin = open("admin", "admin-pw");
        auto report =
            admin.maintenance().backup(backupFile, test::password("backup-pw"), privacy::KdfParams::fastForTests());
        ASSERT_OK(report);
        EXPECT_EQ(report->records, 20);
        EXPECT_EQ(report->schema, storage::kSchemaVersion);
        EXPECT_EQ(report->bytes, std::filesystem::file_size(backupFile));
        // Another officer's work goes on after the backup; it is not in it.
        admin.close();
        auto officer = open("officer1", "officer1-pw");
        ASSERT_OK(officer.records().add(td3(), {.source = "file"}));
    }
    const std::string backupBytes = test::readFile(backupFile);
    EXPECT_FALSE(test::contains(backupBytes, "ERIKSSON")) << "the backup is encrypted";
    EXPECT_FALSE(test::contains(backupBytes, "L898902C3"));
    EXPECT_FALSE(std::filesystem::exists(backupFile + ".export")) << "no working copy left behind";

    test::TempDir machine2;
    const std::string restored = machine2.file("restored.db");
    auto report = Store::restore(backupFile, test::password("backup-pw"), restored, clock);
    ASSERT_OK(report);
    EXPECT_EQ(report->records, 20);
    EXPECT_EQ(contents(restored), before) << "same records, same users and passwords";
    EXPECT_NE(sealedDatabaseKeyOf(restored + ".keys"), sealedDatabaseKeyOf(path + ".keys"))
        << "a restored store gets its own database key";
    EXPECT_FALSE(std::filesystem::exists(restored + ".restoring"));
    expectHealthy(restored);
    // The restored trail continues the backed-up one and says it was restored, before any sign-in.
    auto admin = open("admin", "admin-pw", restored);
    auto trail = admin.audit().entries();
    ASSERT_OK(trail);
    const auto restoreEntry = std::find_if(trail->begin(), trail->end(),
                                           [](const privacy::AuditEntry& e) { return e.action == "store.restore"; });
    ASSERT_NE(restoreEntry, trail->end());
    EXPECT_EQ(restoreEntry->userName, "(restore)");
    EXPECT_EQ(restoreEntry->detail,
              "schema " + std::to_string(storage::kSchemaVersion) + ", 20 records, no erasure ledger");
    EXPECT_EQ(std::next(restoreEntry)->action, "session.login") << "the first entry after it is the first sign-in";
    // The backup's own "store.backup" entry is written to the store after the copy is taken, so the entry
    // before the restore is the sign-in of the administrator who took it.
    EXPECT_EQ(std::prev(restoreEntry)->action, "session.login");
    EXPECT_EQ(std::prev(restoreEntry)->userName, "admin");
}

TEST_F(KeysTest, RemovedUserCannotSignInAndTheirRecordsStay) {
    auto admin = open("admin", "admin-pw");
    ASSERT_OK(admin.users().add("officer2", Role::Officer, test::password("officer2-pw"),
                                privacy::KdfParams::fastForTests()));
    ASSERT_OK(admin.users().add("sup", Role::Supervisor, test::password("sup-pw"), privacy::KdfParams::fastForTests()));
    EXPECT_ERROR_CODE(admin.users().remove("admin"), ErrorCode::InvalidArgument) << "never yourself";
    EXPECT_ERROR_CODE(admin.users().remove("nobody"), ErrorCode::UserNotFound);
    ASSERT_OK(admin.users().remove("officer1"));
    EXPECT_ERROR_CODE(admin.users().remove("officer1"), ErrorCode::UserNotFound) << "already removed";
    EXPECT_ERROR_CODE(
        admin.users().add("officer1", Role::Officer, test::password("x"), privacy::KdfParams::fastForTests()),
        ErrorCode::UserExists)
        << "a removed user's name is not given to someone else";
    auto users = admin.users().list();
    ASSERT_OK(users);
    ASSERT_EQ(users->size(), 4U);
    EXPECT_EQ((*users)[0].name, "admin");
    EXPECT_TRUE((*users)[0].active);
    EXPECT_EQ((*users)[1].name, "officer1");
    EXPECT_FALSE((*users)[1].active);
    EXPECT_EQ((*users)[1].role, Role::Officer);
    EXPECT_TRUE((*users)[2].active);
    admin.close();

    // The slot is gone from the file: the old password opens nothing, and the error does not tell why.
    EXPECT_FALSE(privacy::findSlot(*privacy::decodeKeySlotFile(test::readFile(path + ".keys")), "officer1"));
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("officer1-pw"), {}, clock),
                      ErrorCode::AuthenticationFailed);
    // Their records stay, still attributed to them; other users still sign in.
    {
        auto supervisor = open("sup", "sup-pw");
        auto list = supervisor.records().list();
        ASSERT_OK(list);
        EXPECT_EQ(std::count_if(list->begin(), list->end(),
                                [](const storage::RecordSummary& r) { return r.officer == "officer1"; }),
                  20);
        EXPECT_ERROR_CODE(supervisor.users().remove("officer2"), ErrorCode::PermissionDenied);
    }
    auto officer2 = open("officer2", "officer2-pw");
    officer2.close();
    admin = open("admin", "admin-pw");
    auto trail = admin.audit().entries();
    ASSERT_OK(trail);
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [](const privacy::AuditEntry& e) {
        return e.action == "user.remove" && e.detail == "role officer";
    }));
    admin.close();
    expectHealthy();
}

TEST_F(KeysTest, RestoreRefusesBadBackupsAndLeavesNothingBehind) {
    const std::string backupFile = dir.file("store.slbackup");
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(
            admin.maintenance().backup(backupFile, test::password("backup-pw"), privacy::KdfParams::fastForTests()));
        EXPECT_ERROR_CODE(
            admin.maintenance().backup(backupFile, test::password("x"), privacy::KdfParams::fastForTests()),
            ErrorCode::StoreExists)
            << "a backup never overwrites a file";
        EXPECT_ERROR_CODE(admin.maintenance().backup(dir.file("no/such/folder/b"), test::password("x"),
                                                     privacy::KdfParams::fastForTests()),
                          ErrorCode::FileNotFound);
    }
    const std::string good = test::readFile(backupFile);
    test::TempDir machine2;
    const std::string target = machine2.file("restored.db");
    auto expectRefused = [&](const std::string& bytes, const std::string& pw, ErrorCode code, const char* what) {
        SCOPED_TRACE(what);
        const std::string file = machine2.file("candidate.slbackup");
        test::writeFile(file, bytes);
        EXPECT_ERROR_CODE(Store::restore(file, test::password(pw), target, clock), code);
        // Only the input remains (and possibly the empty lock file a restore takes: it holds nothing).
        for (const auto& e : std::filesystem::directory_iterator(machine2.path())) {
            const std::string name = e.path().filename().string();
            if (name == "restored.db.lock") {
                EXPECT_EQ(std::filesystem::file_size(e.path()), 0u);
                continue;
            }
            EXPECT_EQ(name, "candidate.slbackup") << "left behind: " << e.path();
        }
    };
    expectRefused(good, "wrong-pw", ErrorCode::AuthenticationFailed, "wrong backup password");
    expectRefused(good.substr(0, good.size() - 4096), "backup-pw", ErrorCode::BackupCorrupt, "truncated");
    expectRefused(good + "x", "backup-pw", ErrorCode::BackupCorrupt, "extended");
    std::string flipped = good;
    flipped[flipped.size() - 1000] = static_cast<char>(flipped[flipped.size() - 1000] ^ 0x20);
    expectRefused(flipped, "backup-pw", ErrorCode::BackupCorrupt, "one bit flipped in the database");
    std::string header = good;
    const auto schemaAt = header.find("\"schema\": \"");
    ASSERT_NE(schemaAt, std::string::npos);
    header[schemaAt + 11] = '1';
    expectRefused(header, "backup-pw", ErrorCode::BackupCorrupt, "header edited");
    expectRefused("SECONDLINE-BACKUP 1\n99999999\n{}", "backup-pw", ErrorCode::BackupCorrupt, "header length lies");
    expectRefused("", "backup-pw", ErrorCode::BackupCorrupt, "empty file");
    expectRefused(test::readFile(path), "backup-pw", ErrorCode::BackupCorrupt, "a store file, not a backup");
    EXPECT_ERROR_CODE(Store::restore(machine2.file("absent"), test::password("backup-pw"), target, clock),
                      ErrorCode::FileNotFound);
    EXPECT_ERROR_CODE(Store::restore(backupFile, test::password("backup-pw"), path, clock), ErrorCode::StoreExists)
        << "restore never overwrites a store";
    EXPECT_EQ(contents().size(), 20u) << "the existing store is untouched";
}

// Each earlier schema, with data in it, migrates to the current one (tests/data/stores, see its README).
struct Fixture {
    const char* folder;
    int schema;
};

void PrintTo(const Fixture& f, std::ostream* os) {
    *os << f.folder << " (schema " << f.schema << ")";
}

class Migration : public ::testing::TestWithParam<Fixture> {
protected:
    test::TempDir dir;
    test::FakeClock clock;
    std::string path = dir.file("store.db");

    void SetUp() override {
        const std::string fixture = std::string(SECONDLINE_TEST_DATA) + "/stores/" + GetParam().folder + "/store.db";
        std::filesystem::copy_file(fixture, path);
        std::filesystem::copy_file(fixture + ".keys", path + ".keys");
    }
};

TEST_P(Migration, EarlierSchemaMigratesWithItsDataAndItsLookups) {
    auto officer = Store::open(path, "officer1", test::password("officer-password"), {}, clock);
    ASSERT_OK(officer);
    auto list = officer->records().list();
    ASSERT_OK(list);
    ASSERT_EQ(list->size(), 3u);
    auto rec = officer->records().get(list->back().id);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->document.surname(), "ERIKSSON");
    // The blind indexes of the old records work (schema 1: back-filled by the migration).
    auto byDoc = officer->records().findByDocument("UTO", "L898902C3");
    ASSERT_OK(byDoc);
    EXPECT_EQ(byDoc->size(), 1u);
    auto byName = officer->records().findByNameAndBirth("ERIKSSON", "1974-08-12");
    ASSERT_OK(byName);
    EXPECT_EQ(byName->size(), 2u) << "the TD3 and TD1 specimens";
    // New records get indexes too.
    ASSERT_OK(officer->records().add(td3(), {.source = "file"}));
    auto withNew = officer->records().findByDocument("UTO", "L898902C3");
    ASSERT_OK(withNew);
    EXPECT_EQ(withNew->size(), 2u);
    officer->close();
    // An officer's sign-in leaves the wrapped slots alone (only a user who can set passwords migrates them).
    EXPECT_FALSE(std::filesystem::exists(storage::rootKeyPath(path)));
    auto admin = Store::open(path, "admin", test::password("admin-password"), {}, clock);
    ASSERT_OK(admin);
    // Issue 18: the administrator's sign-in moved the keys under a root key file; every slot is a verifier.
    EXPECT_TRUE(std::filesystem::exists(storage::rootKeyPath(path)));
    auto slots = privacy::decodeKeySlotFile(test::readFile(path + ".keys"));
    ASSERT_OK(slots);
    EXPECT_EQ(slots->version, 3);
    for (const auto& slot : slots->slots) EXPECT_TRUE(slot.isVerifier()) << "no wrapped key is left";
    auto trail = admin->audit().entries();
    ASSERT_OK(trail);
    EXPECT_TRUE(privacy::verifyAuditChain(*trail).intact) << "migration continues the chain";
    int migrations = 0;
    for (const auto& e : *trail) migrations += e.action == "store.migrate";
    // Every step exactly once in the store's life: those its old version ran, then the rest on this open.
    EXPECT_EQ(migrations, storage::kSchemaVersion - 1) << "each step once";
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(),
                            [](const privacy::AuditEntry& e) { return e.action == "store.keys_migrate"; }));
    // A store from before key rotation existed (slot file format 1) can be rotated.
    ASSERT_OK(admin->maintenance().rekey());
    auto report = admin->maintenance().check();
    ASSERT_OK(report);
    EXPECT_TRUE(report->ok()) << report->problems;
    // The officer's old wrapped slot became one no password passes until an administrator sets one.
    auto users = admin->users().list();
    ASSERT_OK(users);
    ASSERT_EQ(users->size(), 2u);
    EXPECT_TRUE((*users)[1].passwordResetRequired);
    storage::OpenOptions beside; // the administrator's session holds the store's lock meanwhile
    beside.sharedLock = true;
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("officer-password"), beside, clock),
                      ErrorCode::AuthenticationFailed);
    // A production store: the new password passes the production rule at the production cost.
    ASSERT_OK(admin->users().setPassword("officer1", test::password("Qz7-vRk2-Wm9x-Lp4t"), privacy::KdfParams{}));
    admin->close();
    auto again = Store::open(path, "officer1", test::password("Qz7-vRk2-Wm9x-Lp4t"), {}, clock);
    ASSERT_OK(again);
    auto found = again->records().findByDocument("UTO", "L898902C3");
    ASSERT_OK(found);
    EXPECT_EQ(found->size(), 2u) << "the carried-over blind-index key still finds the old records";
}

// An administrator can back up an older store before it is upgraded, and that backup restores through the
// migrations. The fixtures are production stores: their backups are sealed to an escrow key (issue 18 item 9),
// and a password backup is refused.
TEST_P(Migration, BackupOfAnUnmigratedStoreRestoresThroughTheMigrations) {
    const std::string backupFile = dir.file("before-upgrade.slbackup");
    auto escrow = privacy::newEscrowKeyPair();
    ASSERT_OK(escrow);
    {
        storage::OpenOptions noMigration;
        noMigration.migrate = false;
        auto admin = Store::open(path, "admin", test::password("admin-password"), noMigration, clock);
        ASSERT_OK(admin);
        EXPECT_ERROR_CODE(admin->audit().entries(), ErrorCode::StoreNeedsMigration);
        EXPECT_ERROR_CODE(
            admin->maintenance().backup(backupFile, test::password("b-pw"), privacy::KdfParams::fastForTests()),
            ErrorCode::PolicyForbids)
            << "a production store's backup is not kept behind a password";
        auto report = admin->maintenance().backupToEscrow(backupFile, escrow->publicKeyHex);
        ASSERT_OK(report);
        EXPECT_EQ(report->schema, GetParam().schema);
        EXPECT_EQ(report->records, 3);
    }
    const std::string restored = dir.file("restored.db");
    auto report = Store::restoreFromEscrow(backupFile, *escrow, restored, clock);
    ASSERT_OK(report);
    EXPECT_EQ(report->schema, GetParam().schema);
    auto officer = Store::open(restored, "officer1", test::password("officer-password"), {}, clock);
    ASSERT_OK(officer);
    auto byName = officer->records().findByNameAndBirth("ERIKSSON", "1974-08-12");
    ASSERT_OK(byName);
    EXPECT_EQ(byName->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(EveryEarlierSchema, Migration, ::testing::Values(Fixture{"v1", 1}, Fixture{"v2", 2}),
                         [](const ::testing::TestParamInfo<Fixture>& p) { return std::string(p.param.folder); });

TEST_F(KeysTest, EncountersImagesAndFlagsWithTheirHistory) {
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(
            admin.users().add("sup", Role::Supervisor, test::password("sup-pw"), privacy::KdfParams::fastForTests()));
        ASSERT_OK(admin.users().add("officer2", Role::Officer, test::password("officer2-pw"),
                                    privacy::KdfParams::fastForTests()));
    }
    core::RecordId passport{};
    core::RecordId idCard{};
    const std::vector<std::uint8_t> png = test::pngHeader(1200, 800);
    const std::vector<std::uint8_t> portrait = test::pngHeader(300, 400);
    {
        auto officer = open("officer1", "officer1-pw");
        storage::EncounterInfo e{.source = "scan", .location = "UTO-AIR-1", .desk = "D4", .notes = "synthetic note"};
        auto first = officer.records().add(td3(), e);
        ASSERT_OK(first);
        passport = *first;
        auto rec = officer.records().get(passport);
        ASSERT_OK(rec);
        ASSERT_TRUE(rec->encounter.encounterId.has_value());
        EXPECT_EQ(rec->encounter.location, "UTO-AIR-1");
        EXPECT_EQ(rec->encounter.desk, "D4");
        EXPECT_EQ(rec->encounter.notes, "synthetic note");
        EXPECT_EQ(rec->encounter.outcome, "open");
        // A second document of the same traveller joins the same encounter.
        storage::EncounterInfo same{.source = "scan", .encounterId = rec->encounter.encounterId};
        auto second = officer.records().add(td1(), same);
        ASSERT_OK(second);
        idCard = *second;
        auto rec2 = officer.records().get(idCard);
        ASSERT_OK(rec2);
        EXPECT_EQ(rec2->encounter.encounterId, rec->encounter.encounterId);
        EXPECT_EQ(rec2->encounter.desk, "D4");

        ASSERT_OK(officer.records().addImage(passport, storage::ImageKind::Document, "image/png", 1200, 800, png));
        ASSERT_OK(officer.records().addImage(passport, storage::ImageKind::Portrait, "image/png", 300, 400, portrait));
        EXPECT_ERROR_CODE(officer.records().addImage(passport, storage::ImageKind::Document, "text/html", 1, 1, png),
                          ErrorCode::InvalidArgument);
        EXPECT_ERROR_CODE(officer.records().addImage(passport, storage::ImageKind::Document, "image/png", 1, 1, {}),
                          ErrorCode::InvalidArgument);
        EXPECT_ERROR_CODE(officer.records().addImage(core::RecordId{999999}, storage::ImageKind::Document, "image/png",
                                                     1200, 800, png),
                          ErrorCode::RecordNotFound);
        auto images = officer.records().images(passport);
        ASSERT_OK(images);
        ASSERT_EQ(images->size(), 2u);
        EXPECT_EQ((*images)[0].data, png);
        EXPECT_EQ((*images)[1].kind, storage::ImageKind::Portrait);
        EXPECT_EQ((*images)[1].height, 400);

        ASSERT_OK(
            officer.flags().raise(passport, {.kind = storage::FlagKind::Review, .reason = "photo does not match"}));
        ASSERT_OK(officer.flags().raise(
            idCard, {.kind = storage::FlagKind::Referral, .reason = "possible forgery", .referredTo = "document-lab"}));
        EXPECT_ERROR_CODE(officer.flags().raise(idCard, {.kind = storage::FlagKind::Referral, .reason = "no service"}),
                          ErrorCode::InvalidArgument);
        EXPECT_ERROR_CODE(officer.flags().update(core::FlagId{1}, storage::FlagStatus::Resolved, "x"),
                          ErrorCode::PermissionDenied);
    }
    {
        auto other = open("officer2", "officer2-pw");
        EXPECT_ERROR_CODE(other.records().images(passport), ErrorCode::RecordNotFound) << "another officer's record";
        EXPECT_ERROR_CODE(other.flags().raise(passport, {.kind = storage::FlagKind::Review, .reason = "x"}),
                          ErrorCode::RecordNotFound);
        auto none = other.flags().list(false);
        ASSERT_OK(none);
        EXPECT_TRUE(none->empty());
    }
    {
        auto sup = open("sup", "sup-pw");
        auto open_ = sup.flags().list(true);
        ASSERT_OK(open_);
        ASSERT_EQ(open_->size(), 2u);
        EXPECT_EQ((*open_)[1].referredTo, "document-lab");
        ASSERT_OK(sup.flags().update((*open_)[0].id, storage::FlagStatus::Resolved, "checked in person"));
        auto still = sup.flags().list(true);
        ASSERT_OK(still);
        EXPECT_EQ(still->size(), 1u);
        auto all = sup.flags().list(false);
        ASSERT_OK(all);
        ASSERT_EQ(all->size(), 2u);
        const auto& resolved = (*all)[0];
        EXPECT_EQ(resolved.status, storage::FlagStatus::Resolved);
        ASSERT_EQ(resolved.history.size(), 2u);
        EXPECT_EQ(resolved.history[0].user, "officer1");
        EXPECT_EQ(resolved.history[1].user, "sup");
        EXPECT_EQ(resolved.history[1].note, "checked in person");
    }
    // Images and notes are in the encrypted database only.
    const std::string bytes = test::readFile(path);
    EXPECT_FALSE(test::contains(bytes, "synthetic note"));
    // The whole 8-byte PNG signature: three bytes alone turn up in random ciphertext about once in 150 runs.
    EXPECT_FALSE(test::contains(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8)));
    expectHealthy();
    // ... and they travel with a backup.
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().backup(dir.file("b"), test::password("b"), privacy::KdfParams::fastForTests()));
    }
    test::TempDir machine2;
    ASSERT_OK(Store::restore(dir.file("b"), test::password("b"), machine2.file("r.db"), clock));
    auto restored = open("officer1", "officer1-pw", machine2.file("r.db"));
    auto images = restored.records().images(passport);
    ASSERT_OK(images);
    EXPECT_EQ(images->size(), 2u);
}

// A store or a backup written by a newer SecondLine is refused with its own code, and left as it was.
TEST_F(KeysTest, StoresAndBackupsFromANewerVersionAreRefusedUntouched) {
    const std::string backupFile = dir.file("b.slbackup");
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().backup(backupFile, test::password("b-pw"), privacy::KdfParams::fastForTests()));
    }
    // The database itself, edited with the key the root key file opens.
    {
        auto file = privacy::decodeKeySlotFile(test::readFile(path + ".keys"));
        ASSERT_OK(file);
        auto rootKey = storage::readRootKey(storage::rootKeyPath(path));
        ASSERT_OK(rootKey);
        auto dbKey = privacy::openSealedKey(*rootKey, *file->databaseKey, "secondline database key " + file->storeId);
        ASSERT_OK(dbKey);
        ASSERT_TRUE(execOnSqlcipher(path, *dbKey, "UPDATE meta SET value = '99' WHERE key = 'schema_version';"));
    }
    const std::string before = test::readFile(path);
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("officer1-pw"), {}, clock),
                      ErrorCode::StoreVersionTooNew);
    EXPECT_EQ(test::readFile(path), before) << "nothing written to a newer store";

    // A backup whose (authenticated) header says a newer schema.
    auto header = [&] {
        const std::string bytes = test::readFile(backupFile);
        const auto lengthEnd = bytes.find('\n', 20);
        const std::size_t length = std::stoul(bytes.substr(20, lengthEnd - 20));
        return std::tuple{bytes, lengthEnd + 1, length};
    };
    auto [bytes, at, length] = header();
    auto decoded = privacy::decodeKeySlotFile(bytes.substr(at, length), "secondline-backup");
    ASSERT_OK(decoded);
    auto backupKey = privacy::unwrapKey(*privacy::findSlot(*decoded, "backup"), test::password("b-pw"));
    ASSERT_OK(backupKey);
    for (auto& [name, value] : decoded->attributes)
        if (name == "schema") value = "99";
    auto reencoded = privacy::encodeKeySlotFile(*decoded, *backupKey);
    ASSERT_OK(reencoded);
    test::writeFile(backupFile, "SECONDLINE-BACKUP 1\n" + std::to_string(reencoded->size()) + "\n" + *reencoded +
                                    bytes.substr(at + length));
    test::TempDir machine2;
    EXPECT_ERROR_CODE(Store::restore(backupFile, test::password("b-pw"), machine2.file("r.db"), clock),
                      ErrorCode::StoreVersionTooNew);
    EXPECT_FALSE(std::filesystem::exists(machine2.file("r.db")));
}
