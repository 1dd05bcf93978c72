// Real SQLCipher files on disk.

#include <secondline/privacy/password_rule.h>
#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>

#include "test_support.h"

#include <sys/stat.h>
#include <grp.h>
#include <csignal>
#include <filesystem>
#include <functional>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace secondline;
using core::ErrorCode;
using privacy::Role;
using storage::Store;

namespace {

validation::TravelDocument specimen() {
    validation::ParseOptions o;
    o.inspectionDate = test::testDate();
    auto doc = validation::parseMrzText("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
                                        o);
    if (!doc) throw std::runtime_error("specimen does not parse");
    return *doc;
}

storage::CreateOptions fast(bool training = false) {
    storage::CreateOptions o;
    o.training = training;
    o.kdf = privacy::KdfParams::fastForTests();
    o.testStore = true; // short test passwords and the cheapest Argon2id (issue 18's production rule exempts it)
    return o;
}

class StoreTest : public ::testing::Test {
protected:
    test::TempDir dir;
    test::FakeClock clock;
    std::string path = dir.file("store.db");

    void SetUp() override { ASSERT_OK(Store::create(path, "admin", test::password("admin-pw"), fast(), clock)); }

    Store openAs(const std::string& user, const std::string& pw) {
        auto s = Store::open(path, user, test::password(pw), {}, clock);
        if (!s) throw std::runtime_error(s.error().message);
        return std::move(*s);
    }

    void addUser(const std::string& name, Role role) {
        auto admin = openAs("admin", "admin-pw");
        ASSERT_OK(admin.users().add(name, role, test::password(name + "-pw"), privacy::KdfParams::fastForTests()));
    }

    std::string allFiles() {
        std::string bytes;
        for (const auto& e : std::filesystem::directory_iterator(dir.path()))
            bytes += test::readFile(e.path().string());
        return bytes;
    }
};

} // namespace

TEST_F(StoreTest, StoresAndReadsBackARecord) {
    addUser("officer1", Role::Officer);
    auto officer = openAs("officer1", "officer1-pw");
    auto id = officer.records().add(specimen(), {.source = "file"});
    ASSERT_OK(id);
    auto rec = officer.records().get(*id);
    ASSERT_OK(rec);
    EXPECT_EQ(rec->officer, "officer1");
    EXPECT_EQ(rec->document.surname(), "ERIKSSON");
    EXPECT_EQ(rec->document.documentNumber(), "L898902C3");
    EXPECT_EQ(rec->document.birthDate.iso(), "1974-08-12");
    EXPECT_EQ(rec->document.lines, specimen().lines);
    EXPECT_EQ(rec->document.checks.size(), 5u);
    EXPECT_TRUE(rec->document.field("document_number")->checkDigitVerified);
    auto list = officer.records().list();
    ASSERT_OK(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(list->front().format, "TD3");
}

TEST_F(StoreTest, FilesOnDiskHoldNoPersonalData) {
    addUser("officer1", Role::Officer);
    {
        auto officer = openAs("officer1", "officer1-pw");
        for (int i = 0; i < 20; ++i) ASSERT_OK(officer.records().add(specimen(), {.source = "file"}));
        // Scan while the store is open (WAL file present) and again after closing.
        const std::string open = allFiles();
        for (const char* secret : {"ERIKSSON", "L898902C3", "740812", "1974-08-12", "ANNA", "UTOERIKSSON"})
            EXPECT_FALSE(test::contains(open, secret)) << secret << " found in the store files while open";
    }
    const std::string closed = allFiles();
    for (const char* secret : {"ERIKSSON", "L898902C3", "740812", "1974-08-12", "ANNA", "UTOERIKSSON"})
        EXPECT_FALSE(test::contains(closed, secret)) << secret << " found in the store files";
    EXPECT_FALSE(test::contains(closed, "SQLite format 3")) << "the database header must be encrypted too";
}

TEST_F(StoreTest, WrongPasswordIsClearAndLeavesTheStoreByteForByteIntact) {
    addUser("officer1", Role::Officer);
    {
        auto officer = openAs("officer1", "officer1-pw");
        ASSERT_OK(officer.records().add(specimen(), {.source = "file"}));
    }
    const std::string db = test::readFile(path), keys = test::readFile(storage::keySlotPath(path));
    auto wrong = Store::open(path, "officer1", test::password("officer1-pX"), {}, clock);
    EXPECT_ERROR_CODE(wrong, ErrorCode::AuthenticationFailed);
    EXPECT_FALSE(test::contains(wrong.error().message, "officer1-pX"));
    auto unknown = Store::open(path, "nobody", test::password("x"), {}, clock);
    EXPECT_ERROR_CODE(unknown, ErrorCode::AuthenticationFailed);
    EXPECT_EQ(wrong.error().message, unknown.error().message) << "unknown users and wrong passwords look alike";
    EXPECT_EQ(test::readFile(path), db);
    EXPECT_EQ(test::readFile(storage::keySlotPath(path)), keys);
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_F(StoreTest, RolesAreEnforcedByStorage) {
    addUser("officer1", Role::Officer);
    addUser("officer2", Role::Officer);
    addUser("sup", Role::Supervisor);
    addUser("aud", Role::Auditor);
    core::RecordId id{};
    {
        auto o1 = openAs("officer1", "officer1-pw");
        auto r = o1.records().add(specimen(), {.source = "file"});
        ASSERT_OK(r);
        id = *r;
        EXPECT_ERROR_CODE(o1.users().add("x", Role::Officer, test::password("x"), privacy::KdfParams::fastForTests()),
                          ErrorCode::PermissionDenied);
        EXPECT_ERROR_CODE(o1.audit().entries(), ErrorCode::PermissionDenied);
    }
    {
        auto o2 = openAs("officer2", "officer2-pw");
        SCOPED_TRACE("another officer's case is not visible");
        EXPECT_ERROR_CODE(o2.records().get(id), ErrorCode::RecordNotFound);
        auto list = o2.records().list();
        ASSERT_OK(list);
        EXPECT_TRUE(list->empty());
    }
    {
        auto sup = openAs("sup", "sup-pw");
        EXPECT_OK(sup.records().get(id));
    }
    {
        auto admin = openAs("admin", "admin-pw");
        SCOPED_TRACE("administrators read no personal data");
        EXPECT_ERROR_CODE(admin.records().get(id), ErrorCode::PermissionDenied);
    }
    {
        auto aud = openAs("aud", "aud-pw");
        EXPECT_ERROR_CODE(aud.records().list(), ErrorCode::PermissionDenied);
        auto trail = aud.audit().entries();
        ASSERT_OK(trail);
        EXPECT_TRUE(privacy::verifyAuditChain(*trail).intact);
        bool sawCreate = false, sawRead = false;
        for (const auto& e : *trail) {
            sawCreate |= e.action == "record.create" && e.recordId == id.value();
            sawRead |= e.action == "record.read" && e.userName == "sup";
            EXPECT_FALSE(test::contains(e.detail, "ERIKSSON"));
        }
        EXPECT_TRUE(sawCreate);
        EXPECT_TRUE(sawRead);
    }
}

TEST_F(StoreTest, TrainingAndProductionStoresRefuseTheOtherMode) {
    auto prod =
        Store::open(path, "admin", test::password("admin-pw"), {.mode = storage::OpenOptions::Mode::Training}, clock);
    EXPECT_ERROR_CODE(prod, ErrorCode::StoreModeMismatch);
    const std::string trainingPath = dir.file("training.db");
    auto options = fast(true);
    options.firstUserRole = Role::Trainer;
    ASSERT_OK(Store::create(trainingPath, "trainer", test::password("t"), options, clock));
    auto training = Store::open(trainingPath, "trainer", test::password("t"),
                                {.mode = storage::OpenOptions::Mode::Production}, clock);
    EXPECT_ERROR_CODE(training, ErrorCode::StoreModeMismatch);
    auto ok = Store::open(trainingPath, "trainer", test::password("t"), {.mode = storage::OpenOptions::Mode::Training},
                          clock);
    ASSERT_OK(ok);
    EXPECT_TRUE(ok->training());
    EXPECT_OK(ok->records().add(specimen(), {.source = "synthetic"}));
}

TEST_F(StoreTest, RefusesToOverwriteAStore) {
    EXPECT_ERROR_CODE(Store::create(path, "admin", test::password("x"), fast(), clock), ErrorCode::StoreExists);
}

TEST_F(StoreTest, MissingOrCorruptKeySlotFileIsAClearError) {
    const std::string keys = storage::keySlotPath(path);
    const std::string original = test::readFile(keys);
    std::filesystem::rename(keys, keys + ".away");
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), {}, clock), ErrorCode::KeySlotMissing);
    std::filesystem::rename(keys + ".away", keys);
    test::writeFile(keys, original.substr(0, original.size() / 2));
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), {}, clock), ErrorCode::KeySlotCorrupt);
    test::writeFile(keys, "");
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), {}, clock), ErrorCode::KeySlotCorrupt);
    test::writeFile(keys, original);
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), {}, clock));
}

TEST_F(StoreTest, DamagedDatabaseIsAClearErrorNotACrash) {
    addUser("officer1", Role::Officer);
    {
        auto o = openAs("officer1", "officer1-pw");
        for (int i = 0; i < 50; ++i) ASSERT_OK(o.records().add(specimen(), {.source = "file"}));
    }
    const std::string original = test::readFile(path);
    ASSERT_GT(original.size(), 8192u);
    // Truncated to its first page.
    test::writeFile(path, original.substr(0, 4096));
    auto truncated = Store::open(path, "officer1", test::password("officer1-pw"), {}, clock);
    if (truncated) {
        EXPECT_FALSE(truncated->records().list().has_value()) << "a truncated store must not read as complete";
    }
    // One flipped byte on page 1 (SQLCipher's per-page HMAC catches it).
    std::string flipped = original;
    flipped[2000] = static_cast<char>(flipped[2000] ^ 0x5a);
    test::writeFile(path, flipped);
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("officer1-pw"), {}, clock), ErrorCode::StoreCorrupt);
}

TEST_F(StoreTest, PlainSqliteFileIsNotAStore) {
    const std::string plain = dir.file("plain.db");
    std::string header("SQLite format 3\0", 16);
    header.resize(4096, '\0');
    test::writeFile(plain, header);
    test::writeFile(storage::keySlotPath(plain), test::readFile(storage::keySlotPath(path)));
    EXPECT_ERROR_CODE(Store::open(plain, "admin", test::password("admin-pw"), {}, clock), ErrorCode::StoreNotAStore);
    EXPECT_ERROR_CODE(Store::open(dir.file("absent.db"), "admin", test::password("admin-pw"), {}, clock),
                      ErrorCode::StoreNotFound);
}

TEST_F(StoreTest, KeySlotFileOfAnotherStoreIsRejected) {
    const std::string other = dir.file("other.db");
    ASSERT_OK(Store::create(other, "admin", test::password("admin-pw"), fast(), clock));
    test::writeFile(storage::keySlotPath(path), test::readFile(storage::keySlotPath(other)));
    auto r = Store::open(path, "admin", test::password("admin-pw"), {}, clock);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().code == ErrorCode::StoreCorrupt || r.error().code == ErrorCode::KeySlotCorrupt)
        << core::errorCodeName(r.error().code);
}

TEST_F(StoreTest, EveryFileOfTheStoreIsOwnerOnly) {
    addUser("officer1", Role::Officer);
    auto officer = openAs("officer1", "officer1-pw");
    ASSERT_OK(officer.records().add(specimen(), {.source = "file"}));
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
        const auto perms = e.status().permissions();
        EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
                  std::filesystem::perms::none)
            << e.path().filename() << " is readable or writable by others";
        ++files;
    }
    EXPECT_GE(files, 4) << "database, WAL, shared memory, key slots (and the lock)";
}

namespace {

/// Runs `body` and returns what it returns. As root (who ignores folder permissions, as in CI containers) it
/// runs in a child process that has dropped to the unprivileged "nobody" ids, so permissions are enforced.
std::string runUnprivileged(const std::function<std::string()>& body) {
    if (::geteuid() != 0) return body();
    int fds[2];
    if (::pipe(fds) != 0) return "pipe failed";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::string out = (::setgroups(0, nullptr) == 0 && ::setgid(65534) == 0 && ::setuid(65534) == 0)
                              ? body()
                              : std::string("cannot drop privileges");
        const auto written = ::write(fds[1], out.data(), out.size());
        ::_exit(written == static_cast<ssize_t>(out.size()) ? 0 : 1);
    }
    ::close(fds[1]);
    std::string out;
    char buf[256];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return out;
}

std::string codeOf(const core::Status& s) {
    return s ? "ok" : std::string(core::errorCodeName(s.error().code));
}

} // namespace

TEST_F(StoreTest, ReadOnlyFolderIsAClearErrorAndKeepsTheStore) {
    // The folder is made writable for everyone so that an unprivileged child can work in it.
    ::chmod(dir.path().c_str(), 0777);
    const auto folder = dir.path() / "desk";
    const std::string result = runUnprivileged([&]() -> std::string {
        std::filesystem::create_directory(folder);
        const std::string store = (folder / "s.db").string();
        std::string out;
        if (auto s = Store::create(store, "admin", test::password("a-pw"), fast(), clock); !s) return "create failed";
        {
            auto admin = Store::open(store, "admin", test::password("a-pw"), {}, clock);
            if (!admin) return "open failed";
            if (!admin->users().add("o1", Role::Officer, test::password("o-pw"), privacy::KdfParams::fastForTests()))
                return "add user failed";
        }
        {
            auto officer = Store::open(store, "o1", test::password("o-pw"), {}, clock);
            if (!officer || !officer->records().add(specimen(), {.source = "file"})) return "first record failed";
        }
        ::chmod(folder.c_str(), 0500);
        out += "create:" +
               codeOf(Store::create((folder / "new.db").string(), "admin", test::password("x"), fast(), clock));
        auto officer = Store::open(store, "o1", test::password("o-pw"), {}, clock);
        if (officer) {
            auto r = officer->records().add(specimen(), {.source = "file"});
            out += " add:" + (r ? std::string("ok") : std::string(core::errorCodeName(r.error().code)));
        } else {
            out += " open:" + std::string(core::errorCodeName(officer.error().code));
        }
        officer = core::fail(core::ErrorCode::Internal, "closed");
        ::chmod(folder.c_str(), 0700);
        auto after = Store::open(store, "o1", test::password("o-pw"), {}, clock);
        if (!after) return out + " reopen:" + std::string(core::errorCodeName(after.error().code));
        auto list = after->records().list();
        out += " records:" + (list ? std::to_string(list->size()) : std::string("?"));
        return out;
    });
    EXPECT_EQ(result, "create:read_only open:read_only records:1");
}

TEST_F(StoreTest, FindsByDocumentAndByNameAndBirthThroughBlindIndexes) {
    addUser("officer1", Role::Officer);
    addUser("officer2", Role::Officer);
    core::RecordId id{};
    {
        auto o1 = openAs("officer1", "officer1-pw");
        auto r = o1.records().add(specimen(), {.source = "file"});
        ASSERT_OK(r);
        id = *r;
        auto byDoc = o1.records().findByDocument("uto", "L898902C3<");
        ASSERT_OK(byDoc);
        ASSERT_EQ(byDoc->size(), 1u);
        EXPECT_EQ(byDoc->front().id, id);
        auto byName = o1.records().findByNameAndBirth("Eriksson", "1974-08-12");
        ASSERT_OK(byName);
        ASSERT_EQ(byName->size(), 1u);
        auto none = o1.records().findByDocument("UTO", "L898902C4");
        ASSERT_OK(none);
        EXPECT_TRUE(none->empty());
    }
    {
        auto o2 = openAs("officer2", "officer2-pw");
        auto hidden = o2.records().findByDocument("UTO", "L898902C3");
        ASSERT_OK(hidden);
        EXPECT_TRUE(hidden->empty()) << "another officer's record is not found";
    }
    // No plaintext of the looked-up values reaches the file, including the index columns.
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
        const std::string bytes = test::readFile(e.path().string());
        EXPECT_FALSE(test::contains(bytes, "UTO:L898902C3"));
        EXPECT_FALSE(test::contains(bytes, "ERIKSSON|1974"));
    }
}

// Stores written by earlier schemas: the Migration tests in keys_backup_test.cpp.
// Issue 18, item 6: a production store enforces the password rule and the Argon2id floor whenever a password is
// set (creation, a new user, a password change); training stores and stores marked for tests do not.
TEST(ProductionPasswords, AreCheckedWheneverAPasswordIsSet) {
    test::TempDir dir;
    test::FakeClock clock;
    const std::string path = dir.file("production.db");
    const std::string strong = "Kestrel-Harbour-2026";
    const storage::CreateOptions production; // default Argon2id cost, not a test store
    if (!std::filesystem::exists(privacy::kCommonPasswordsPath)) {
        // Fails closed: without the word list no production password is accepted.
        EXPECT_ERROR_CODE(Store::create(path, "admin", test::password(strong), production, clock),
                          ErrorCode::FileNotFound);
        GTEST_SKIP() << privacy::kCommonPasswordsPath << " is not installed (Debian package wamerican)";
    }
    for (const char* weak : {"admin-pw", "administrator2026", "Sunshine2026!", "Mississippi!!"})
        EXPECT_ERROR_CODE(Store::create(path, "admin", test::password(weak), production, clock),
                          ErrorCode::PasswordWeak)
            << weak;
    auto cheap = production;
    cheap.kdf = privacy::KdfParams::fastForTests();
    EXPECT_ERROR_CODE(Store::create(path, "admin", test::password(strong), cheap, clock), ErrorCode::PasswordWeak)
        << "below libsodium's MODERATE";
    EXPECT_FALSE(std::filesystem::exists(path)) << "nothing is created";
    ASSERT_OK(Store::create(path, "admin", test::password(strong), production, clock));

    auto admin = Store::open(path, "admin", test::password(strong), {}, clock);
    ASSERT_OK(admin);
    EXPECT_ERROR_CODE(admin->users().add("officer1", Role::Officer, test::password("officer1-pw"), {}),
                      ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(admin->users().add("officer1", Role::Officer, test::password("OFFICER1-2026-north"), {}),
                      ErrorCode::PasswordWeak)
        << "contains the user name";
    EXPECT_ERROR_CODE(admin->users().add("officer1", Role::Officer, test::password("Lantern-Meadow-7731"),
                                         privacy::KdfParams::fastForTests()),
                      ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(admin->users().changePassword(test::password("Password2026!"), {}), ErrorCode::PasswordWeak);
    EXPECT_ERROR_CODE(admin->users().changePassword(test::password("Lantern-Meadow-7731"), {2, 256ull << 20}),
                      ErrorCode::PasswordWeak);
    auto users = admin->users().list();
    ASSERT_OK(users);
    EXPECT_EQ(users->size(), 1u) << "no weak user was added";

    // A training store and a store marked for tests take short passwords and the cheapest cost.
    storage::CreateOptions training;
    training.training = true;
    training.firstUserRole = Role::Trainer;
    training.kdf = privacy::KdfParams::fastForTests();
    EXPECT_OK(Store::create(dir.file("training.db"), "trainer", test::password("t"), training, clock));
    storage::CreateOptions forTests;
    forTests.testStore = true;
    forTests.kdf = privacy::KdfParams::fastForTests();
    ASSERT_OK(Store::create(dir.file("test.db"), "admin", test::password("x"), forTests, clock));
    auto testAdmin = Store::open(dir.file("test.db"), "admin", test::password("x"), {}, clock);
    ASSERT_OK(testAdmin);
    EXPECT_OK(testAdmin->users().add("o", Role::Officer, test::password("o"), privacy::KdfParams::fastForTests()));
    EXPECT_OK(testAdmin->users().changePassword(test::password("y"), privacy::KdfParams::fastForTests()));
}

TEST(StoreMigration, NewStoresAreCreatedThroughEveryMigration) {
    test::TempDir dir;
    test::FakeClock clock;
    const std::string path = dir.file("s.db");
    ASSERT_OK(Store::create(path, "admin", test::password("pw"), fast(), clock));
    auto admin = Store::open(path, "admin", test::password("pw"), {}, clock);
    ASSERT_OK(admin);
    auto trail = admin->audit().entries();
    ASSERT_OK(trail);
    ASSERT_GE(trail->size(), 3u);
    EXPECT_EQ((*trail)[0].action, "store.create");
    EXPECT_EQ((*trail)[1].action, "store.migrate");
}

TEST_F(StoreTest, SecondOpenOfTheSameStoreIsBusyUntilTheFirstCloses) {
    auto first = Store::open(path, "admin", test::password("admin-pw"), {}, clock);
    ASSERT_OK(first);
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), {}, clock), ErrorCode::StoreBusy);
    first->close();
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), {}, clock));
}

TEST_F(StoreTest, AnotherProcessHoldingTheStoreMakesItBusy) {
    int toParent[2], toChild[2];
    ASSERT_EQ(::pipe(toParent), 0);
    ASSERT_EQ(::pipe(toChild), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        auto held = Store::open(path, "admin", test::password("admin-pw"), {}, clock);
        const char ready = held ? 'y' : 'n';
        core::ignoreResult(::write(toParent[1], &ready, 1), "the parent fails its own read if this is lost");
        char done = 0;
        core::ignoreResult(::read(toChild[0], &done, 1), "holds the store until the parent has tried; EOF ends it too");
        ::_exit(0);
    }
    char ready = 0;
    ASSERT_EQ(::read(toParent[0], &ready, 1), 1);
    ASSERT_EQ(ready, 'y');
    EXPECT_ERROR_CODE(Store::open(path, "admin", test::password("admin-pw"), {}, clock), ErrorCode::StoreBusy);
    EXPECT_EQ(::write(toChild[1], "x", 1), 1);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), {}, clock)) << "the lock goes with the process";
    for (int fd : {toParent[0], toParent[1], toChild[0], toChild[1]}) ::close(fd);
}

TEST_F(StoreTest, CheckPassesOnAHealthyStoreAndIsForAdministratorsAndAuditors) {
    addUser("officer1", Role::Officer);
    {
        auto o = openAs("officer1", "officer1-pw");
        for (int i = 0; i < 5; ++i) ASSERT_OK(o.records().add(specimen(), {.source = "file"}));
        EXPECT_ERROR_CODE(o.maintenance().check(), ErrorCode::PermissionDenied);
    }
    auto admin = openAs("admin", "admin-pw");
    auto report = admin.maintenance().check();
    ASSERT_OK(report);
    EXPECT_TRUE(report->integrityOk);
    EXPECT_TRUE(report->cipherIntegrityOk);
    EXPECT_TRUE(report->auditChainOk);
    EXPECT_TRUE(report->ok()) << report->problems;
}

// Disk full, simulated with a file size limit in a child process (works as root, unlike a read-only
// folder): writing stops with a clear error, and every record reported committed is still there.
TEST_F(StoreTest, DiskFullStopsWithAClearErrorAndLosesNothingCommitted) {
    addUser("officer1", Role::Officer);
    int toParent[2];
    ASSERT_EQ(::pipe(toParent), 0);
    const auto startSize = std::filesystem::file_size(path);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::signal(SIGXFSZ, SIG_IGN); // a write past the limit fails with EFBIG instead of killing us
        const rlimit limit{startSize + 64 * 1024, startSize + 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto o = Store::open(path, "officer1", test::password("officer1-pw"), {}, clock);
        std::int32_t committed = 0;
        std::string code = "none";
        if (!o) {
            code = std::string(core::errorCodeName(o.error().code));
        } else {
            for (int i = 0; i < 5000; ++i) {
                auto r = o->records().add(specimen(), {.source = "file"});
                if (!r) {
                    code = std::string(core::errorCodeName(r.error().code));
                    break;
                }
                ++committed;
            }
        }
        core::ignoreResult(::write(toParent[1], &committed, sizeof committed), "the parent checks what it reads");
        core::ignoreResult(::write(toParent[1], code.data(), code.size()), "the parent checks what it reads");
        ::_exit(0);
    }
    ::close(toParent[1]);
    std::int32_t committed = -1;
    ASSERT_EQ(::read(toParent[0], &committed, sizeof committed), static_cast<ssize_t>(sizeof committed));
    char codeBuf[64] = {};
    core::ignoreResult(::read(toParent[0], codeBuf, sizeof codeBuf - 1), "a short read fails the comparison below");
    ::close(toParent[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_STREQ(codeBuf, "disk_full");
    EXPECT_GT(committed, 0);
    auto o = openAs("officer1", "officer1-pw");
    auto list = o.records().list();
    ASSERT_OK(list);
    EXPECT_EQ(static_cast<std::int32_t>(list->size()), committed) << "every committed record, and nothing half written";
    o.close();
    auto admin = openAs("admin", "admin-pw");
    auto report = admin.maintenance().check();
    ASSERT_OK(report);
    EXPECT_TRUE(report->ok()) << report->problems;
}

TEST_F(StoreTest, ChangingAPasswordKeepsEveryoneElsesSlotAndTheData) {
    addUser("officer1", Role::Officer);
    {
        auto o = openAs("officer1", "officer1-pw");
        ASSERT_OK(o.records().add(specimen(), {.source = "file"}));
        ASSERT_OK(o.users().changePassword(test::password("new-secret"), privacy::KdfParams::fastForTests()));
    }
    EXPECT_ERROR_CODE(Store::open(path, "officer1", test::password("officer1-pw"), {}, clock),
                      ErrorCode::AuthenticationFailed);
    auto o = Store::open(path, "officer1", test::password("new-secret"), {}, clock);
    ASSERT_OK(o);
    auto list = o->records().list();
    ASSERT_OK(list);
    EXPECT_EQ(list->size(), 1u);
    o->close();
    EXPECT_OK(Store::open(path, "admin", test::password("admin-pw"), {}, clock)) << "other slots untouched";
}

// The SQLCipher 4 settings SecondLine relies on (README, "Security notes").
TEST_F(StoreTest, CipherSettingsAreTheStatedOnes) {
    auto admin = openAs("admin", "admin-pw");
    auto c = admin.maintenance().cipherSettings();
    ASSERT_OK(c);
    EXPECT_EQ(c->version.rfind("4.", 0), 0u) << c->version;
    EXPECT_EQ(c->pageSize, 4096);
    EXPECT_EQ(c->hmacAlgorithm, "HMAC_SHA512");
    EXPECT_EQ(c->kdfAlgorithm, "PBKDF2_HMAC_SHA512");
    EXPECT_EQ(c->plaintextHeaderSize, 0);
    EXPECT_FALSE(c->memorySecurity) << "off by decision (README, Security notes); change both together";
}
