// Issue 18, items 3 and 4: keys users never hold. The root key file, verifiers instead of wrapped keys,
// removal and rotation that take effect at once, and the service's hooks (shared lock, origin, checkpoints).

#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#define SQLITE_HAS_CODEC 1
#include <sodium.h>
#include <sqlcipher/sqlite3.h>

#include <filesystem>

using namespace secondline;
using core::ErrorCode;
using privacy::Role;
using storage::Store;
namespace fs = std::filesystem;

namespace {

validation::TravelDocument td3() {
    validation::ParseOptions o;
    o.inspectionDate = test::testDate();
    auto doc = validation::parseMrzText(
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", o);
    if (!doc) throw std::runtime_error("test MRZ does not parse");
    return *doc;
}

storage::CreateOptions fast(const std::string& rootKeyFile = {}) {
    storage::CreateOptions o;
    o.kdf = privacy::KdfParams::fastForTests();
    o.testStore = true;
    o.rootKeyFile = rootKeyFile;
    return o;
}

/// Whether SQLCipher opens `path` under the raw key `key` (nullptr: no key at all) and reads its schema.
bool sqlcipherReads(const std::string& path, const std::uint8_t* key) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    bool ok = true;
    if (key) {
        std::string literal = "x'";
        static constexpr char kHex[] = "0123456789abcdef";
        for (int i = 0; i < 32; ++i) {
            literal += kHex[key[i] >> 4];
            literal += kHex[key[i] & 0xf];
        }
        literal += "'";
        ok = sqlite3_key_v2(db, "main", literal.data(), static_cast<int>(literal.size())) == SQLITE_OK;
    }
    ok = ok && sqlite3_exec(db, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

class RootKeyTest : public ::testing::Test {
protected:
    test::TempDir dir;
    test::TempDir keyDir; // where a production store keeps its root key: outside the store folder
    test::FakeClock clock;
    std::string path = dir.file("store.db");
    std::string rootFile = keyDir.file("store.root-key");

    void SetUp() override {
        ASSERT_OK(Store::create(path, "admin", test::password("admin-pw"), fast(rootFile), clock));
        auto admin = open("admin", "admin-pw");
        for (const char* user : {"officer1", "officer2"})
            ASSERT_OK(admin.users().add(user, Role::Officer, test::password(std::string(user) + "-pw"),
                                        privacy::KdfParams::fastForTests()));
        admin.close();
        auto officer = open("officer1", "officer1-pw");
        for (int i = 0; i < 3; ++i) ASSERT_OK(officer.records().add(td3(), {.source = "file"}));
    }

    storage::OpenOptions options() const {
        storage::OpenOptions o;
        o.rootKeyFile = rootFile;
        return o;
    }

    Store open(const std::string& user, const std::string& pw, storage::OpenOptions o) {
        auto s = Store::open(path, user, test::password(pw), o, clock);
        if (!s) throw std::runtime_error(s.error().message);
        return std::move(*s);
    }
    Store open(const std::string& user, const std::string& pw) { return open(user, pw, options()); }

    /// An open with the root key file in another folder, and the store's lock held by a "service".
    storage::OpenOptions shared() const {
        auto o = options();
        o.sharedLock = true;
        return o;
    }
};

} // namespace

TEST_F(RootKeyTest, EveryStoreFileAndEveryPasswordDecryptNothingWithoutTheRootKeyFile) {
    // The attacker's copy: every file in the store folder, and every user's password.
    test::TempDir stolen;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        if (entry.path().extension() != ".lock") fs::copy_file(entry.path(), stolen.path() / entry.path().filename());
    const std::string copy = stolen.file("store.db");
    const std::vector<std::pair<std::string, std::string>> users = {
        {"admin", "admin-pw"}, {"officer1", "officer1-pw"}, {"officer2", "officer2-pw"}};
    for (const auto& [user, pw] : users)
        EXPECT_ERROR_CODE(Store::open(copy, user, test::password(pw), {}, clock), ErrorCode::RootKeyUnavailable)
            << user;

    // Every password through Argon2id with every slot's salt and cost: a key for nothing.
    auto file = privacy::decodeKeySlotFile(test::readFile(storage::keySlotPath(copy)));
    ASSERT_OK(file);
    ASSERT_EQ(file->version, 3);
    ASSERT_TRUE(file->databaseKey && file->indexKey && file->auditKey);
    const std::vector<std::pair<const privacy::SealedKey*, std::string>> sealed = {
        {&*file->databaseKey, "secondline database key " + file->storeId},
        {&*file->indexKey, "secondline blind index key " + file->storeId},
        {&*file->auditKey, "secondline audit signing seed " + file->storeId}};
    ASSERT_EQ(sodium_init() >= 0, true);
    int tries = 0;
    for (const auto& slot : file->slots) {
        EXPECT_TRUE(slot.isVerifier());
        EXPECT_TRUE(slot.ciphertext.empty()) << "no slot wraps a key";
        for (const auto& [user, pw] : users) {
            std::uint8_t derived[32];
            ASSERT_EQ(crypto_pwhash(derived, sizeof derived, pw.data(), pw.size(), slot.salt.data(), slot.kdf.opsLimit,
                                    static_cast<std::size_t>(slot.kdf.memLimitBytes), crypto_pwhash_ALG_ARGON2ID13),
                      0);
            EXPECT_FALSE(sqlcipherReads(copy, derived)) << "as a SQLCipher key";
            auto asKey = core::SecretBytes::copyOf(std::span<const std::uint8_t>(derived, sizeof derived));
            ASSERT_OK(asKey);
            for (const auto& [value, context] : sealed)
                EXPECT_ERROR_CODE(privacy::openSealedKey(*asKey, *value, context), ErrorCode::KeySlotCorrupt)
                    << "as the key of a sealed value";
            EXPECT_ERROR_CODE(privacy::verifyKeySlotFile(test::readFile(storage::keySlotPath(copy)), *asKey),
                              ErrorCode::KeySlotCorrupt);
            ++tries;
        }
    }
    EXPECT_EQ(tries, 9);
    EXPECT_FALSE(sqlcipherReads(copy, nullptr)) << "the database is not readable as SQLite";
    EXPECT_NE(test::readFile(copy).substr(0, 15), "SQLite format 3");
    // With the root key file, the same copy opens: what was missing was the key, not a file.
    fs::copy_file(rootFile, storage::rootKeyPath(copy));
    EXPECT_OK(Store::open(copy, "officer1", test::password("officer1-pw"), {}, clock));
}

TEST_F(RootKeyTest, ARootKeyFileOfAnotherStoreOrAlteredIsRefused) {
    test::TempDir other;
    const std::string otherPath = other.file("other.db");
    ASSERT_OK(Store::create(otherPath, "admin", test::password("admin-pw"), fast(), clock));
    auto o = options();
    o.rootKeyFile = storage::rootKeyPath(otherPath);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), o, clock), ErrorCode::KeySlotCorrupt);
    // Its key under this store's id: the slot file's MAC does not verify.
    std::string forged = test::readFile(storage::rootKeyPath(otherPath));
    const std::string ours = test::readFile(rootFile);
    const auto storeLine = [](const std::string& text) {
        const auto at = text.find("\nstore ");
        return text.substr(at, text.find('\n', at + 1) - at);
    };
    forged.replace(forged.find(storeLine(forged)), storeLine(forged).size(), storeLine(ours));
    test::writeFile(o.rootKeyFile, forged);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), o, clock), ErrorCode::KeySlotCorrupt);
    test::writeFile(o.rootKeyFile, "not a key\n");
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), o, clock), ErrorCode::KeySlotCorrupt);
    o.rootKeyFile = other.file("absent");
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), o, clock), ErrorCode::RootKeyUnavailable);
    // The service's way: the key read once, given to every open.
    auto key = storage::readRootKey(rootFile);
    ASSERT_OK(key);
    o.rootKey = &*key;
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), o, clock)) << "no file is read";
    EXPECT_EQ(fs::status(rootFile).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST_F(RootKeyTest, AVerifierAddedOrChangedWithoutTheRootKeyIsRefused) {
    const std::string slotsPath = storage::keySlotPath(path);
    auto file = privacy::decodeKeySlotFile(test::readFile(slotsPath));
    ASSERT_OK(file);
    auto attackerKey = privacy::newDatabaseKey(); // anything but the root key
    ASSERT_OK(attackerKey);
    auto mallory = privacy::makeVerifier("mallory", test::password("mallory-pw"), privacy::KdfParams::fastForTests());
    ASSERT_OK(mallory);
    auto added = *file;
    added.slots.push_back(*mallory);
    auto text = privacy::encodeKeySlotFile(added, *attackerKey);
    ASSERT_OK(text);
    const std::string original = test::readFile(slotsPath);
    test::writeFile(slotsPath, *text);
    EXPECT_ERROR_CODE(Store::open(path, "mallory", test::password("mallory-pw"), options(), clock),
                      ErrorCode::KeySlotCorrupt);
    // An administrator's verifier replaced by one of the attacker's password.
    auto replaced = *file;
    auto mine = privacy::makeVerifier("admin", test::password("attacker-pw"), privacy::KdfParams::fastForTests());
    ASSERT_OK(mine);
    replaced.slots[0] = *mine;
    text = privacy::encodeKeySlotFile(replaced, *attackerKey);
    ASSERT_OK(text);
    test::writeFile(slotsPath, *text);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("attacker-pw"), options(), clock),
                      ErrorCode::KeySlotCorrupt);
    test::writeFile(slotsPath, original);
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), options(), clock));
}

TEST_F(RootKeyTest, AnUnknownUserAndAWrongPasswordBothRunArgon2id) {
    auto before = privacy::argon2idRuns();
    EXPECT_ERROR_CODE(Store::open(path, "nobody", test::password("x"), options(), clock),
                      ErrorCode::AuthenticationFailed);
    EXPECT_EQ(privacy::argon2idRuns(), before + 1) << "an unknown user";
    before = privacy::argon2idRuns();
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("wrong"), options(), clock),
                      ErrorCode::AuthenticationFailed);
    EXPECT_EQ(privacy::argon2idRuns(), before + 1) << "a wrong password";
    before = privacy::argon2idRuns();
    EXPECT_OK(Store::open(path, "officer1", test::password("officer1-pw"), options(), clock));
    EXPECT_EQ(privacy::argon2idRuns(), before + 1) << "the right one";
}

TEST_F(RootKeyTest, ARemovedUsersOpenSessionEndsAtItsNextOperation) {
    auto lock = Store::lockForService(path);
    ASSERT_OK(lock);
    EXPECT_ERROR_CODE(Store::lockForService(path), ErrorCode::StoreBusy);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), options(), clock), ErrorCode::StoreBusy)
        << "an open that does not share the service's lock";
    auto officer = open("officer2", "officer2-pw", shared());
    ASSERT_OK(officer.records().list());
    {
        auto admin = open("admin", "admin-pw", shared());
        ASSERT_OK(admin.users().remove("officer2"));
    }
    EXPECT_ERROR_CODE(officer.records().list(), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(officer.records().add(td3(), {.source = "file"}), ErrorCode::InvalidArgument)
        << "the session is closed";
}

TEST_F(RootKeyTest, AnOldSlotFileRestoredByARemovedUserOpensNothing) {
    const std::string slotsPath = storage::keySlotPath(path);
    const std::string saved = test::readFile(slotsPath); // officer2's copy, taken before the removal
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.users().remove("officer2"));
    }
    // Without a rotation the old file's MAC still holds, but the users table says removed.
    const std::string current = test::readFile(slotsPath);
    test::writeFile(slotsPath, saved);
    EXPECT_ERROR_CODE(Store::open(path, "officer2", test::password("officer2-pw"), options(), clock),
                      ErrorCode::AuthenticationFailed);
    test::writeFile(slotsPath, current);
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().rekey());
    }
    // After a rotation the old file does not even verify.
    test::writeFile(slotsPath, saved);
    EXPECT_ERROR_CODE(Store::open(path, "officer2", test::password("officer2-pw"), options(), clock),
                      ErrorCode::KeySlotCorrupt);
}

TEST_F(RootKeyTest, RotationNeedsNoPasswordAndRetiresTheOldRootKeyFile) {
    const std::string oldRootFile = test::readFile(rootFile);
    const std::string oldSlots = test::readFile(storage::keySlotPath(path));
    {
        auto admin = open("admin", "admin-pw");
        ASSERT_OK(admin.maintenance().rekey()); // no password anywhere
        auto check = admin.maintenance().check();
        ASSERT_OK(check);
        EXPECT_TRUE(check->ok()) << check->problems;
    }
    const std::string newRootFile = test::readFile(rootFile);
    EXPECT_NE(newRootFile, oldRootFile);
    EXPECT_FALSE(test::contains(newRootFile, "\nnext ")) << "the rotation finished";
    {
        auto officer = open("officer1", "officer1-pw");
        auto found = officer.records().findByDocument("UTO", "L898902C3");
        ASSERT_OK(found);
        EXPECT_EQ(found->size(), 3u) << "passwords and blind indexes survive";
    }
    EXPECT_OK(Store::open(path, "officer2", test::password("officer2-pw"), options(), clock));
    test::writeFile(rootFile, oldRootFile);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), options(), clock),
                      ErrorCode::KeySlotCorrupt)
        << "the old root key file opens nothing";
    test::writeFile(storage::keySlotPath(path), oldSlots);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), options(), clock), ErrorCode::StoreCorrupt)
        << "nor does it with the old slot file: the database is under a new key";
    test::writeFile(rootFile, newRootFile);
}

TEST_F(RootKeyTest, TwoStoresOpenAtOnceWithTheServicesLockBothSave) {
    auto lock = Store::lockForService(path);
    ASSERT_OK(lock);
    auto a = open("officer1", "officer1-pw", shared());
    auto b = open("officer2", "officer2-pw", shared());
    for (int i = 0; i < 5; ++i) {
        ASSERT_OK(a.records().add(td3(), {.source = "file"}));
        ASSERT_OK(b.records().add(td3(), {.source = "file"}));
    }
    auto listA = a.records().list();
    auto listB = b.records().list();
    ASSERT_OK(listA);
    ASSERT_OK(listB);
    EXPECT_EQ(listA->size(), 8u) << "officer1's three and five";
    EXPECT_EQ(listB->size(), 5u);
    a.close();
    b.close();
    auto admin = open("admin", "admin-pw", shared());
    auto check = admin.maintenance().check();
    ASSERT_OK(check);
    EXPECT_TRUE(check->ok()) << check->problems;
}

TEST_F(RootKeyTest, CheckpointFilesAreWrittenAtSignInAndSignOutAndVerify) {
    test::TempDir witness;
    auto o = options();
    o.checkpointFolder = witness.path().string();
    o.origin = "unix uid 1001";
    {
        auto officer = open("officer1", "officer1-pw", o);
        ASSERT_OK(officer.audit().writeCheckpointFile(witness.path().string())) << "no role needed";
        officer.logout();
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(witness.path())) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 3u) << "sign-in, the call, sign-out; none overwritten";
    auto admin = open("admin", "admin-pw");
    for (const auto& f : files) {
        EXPECT_EQ(fs::status(f).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
        auto checkpoint = privacy::decodeCheckpoint(test::readFile(f));
        ASSERT_OK(checkpoint);
        auto verified = admin.audit().verify(&*checkpoint);
        ASSERT_OK(verified);
        EXPECT_TRUE(verified->ok) << verified->problem;
    }
    auto trail = admin.audit().entries();
    ASSERT_OK(trail);
    EXPECT_TRUE(std::any_of(trail->begin(), trail->end(), [](const privacy::AuditEntry& e) {
        return e.action == "session.login" && e.userName == "officer1" &&
               e.detail.find("from unix uid 1001") != std::string::npos;
    })) << "the origin is in the sign-in's entry";
    EXPECT_FALSE(std::any_of(trail->begin(), trail->end(), [](const privacy::AuditEntry& e) {
        return e.action == "audit.checkpoint";
    })) << "checkpoint files are a duty of the store, not audited operations";
}
