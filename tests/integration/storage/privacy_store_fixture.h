#pragma once
// The fixture the privacy store tests share (issue 7): generated travellers, a store with every role, and
// direct SQL on a store's database for the tamper tests.

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

namespace secondline::privacy_store {

using core::ErrorCode;
using privacy::Role;
using storage::Store;

inline validation::TravelDocument parsed(const std::string& text) {
    validation::ParseOptions o;
    o.inspectionDate = test::testDate();
    auto doc = validation::parseMrzText(text, o);
    if (!doc) throw std::runtime_error("test MRZ does not parse");
    return *doc;
}

// Generated specimen identities (the ICAO specimen and variations of it), never real people.
inline validation::TravelDocument anna() {
    return parsed("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10");
}
inline validation::TravelDocument other() {
    return parsed("I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<");
}

inline privacy::KdfParams fastKdf() {
    return privacy::KdfParams::fastForTests();
}

inline std::string keyLiteral(const core::SecretBytes& key) {
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
/// workstation) could: how the tamper tests edit the trail under the store's feet. Since issue 18 no password
/// reaches that key: the attacker here holds the root key file (`user` and `password` are kept for the
/// callers' sake and unused).
inline void tamper(const std::string& path, const std::string& user, const char* password, const std::string& sql) {
    (void)user;     // unused: no password unwraps a key any more
    (void)password; // unused: as above
    auto text = test::readFile(storage::keySlotPath(path));
    auto file = privacy::decodeKeySlotFile(text);
    ASSERT_OK(file);
    auto rootKey = storage::readRootKey(storage::rootKeyPath(path));
    ASSERT_OK(rootKey);
    auto dbKey = privacy::openSealedKey(*rootKey, *file->databaseKey, "secondline database key " + file->storeId);
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
inline std::int64_t queryInt(const std::string& path, const std::string& user, const char* password,
                             const std::string& sql) {
    (void)user;     // unused: the root key file opens the database key (see tamper())
    (void)password; // unused: as above
    auto file = privacy::decodeKeySlotFile(test::readFile(storage::keySlotPath(path)));
    auto rootKey = storage::readRootKey(storage::rootKeyPath(path));
    auto dbKey = privacy::openSealedKey(*rootKey, *file->databaseKey, "secondline database key " + file->storeId);
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
inline std::string packWith(const std::function<void(nlohmann::json&)>& edit) {
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
    core::RecordId recordA{}; // officer1's
    core::RecordId recordB{}; // officer2's

    void build(bool training = false) {
        storage::CreateOptions o;
        o.kdf = fastKdf();
        o.training = training;
        o.testStore = true;
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

} // namespace secondline::privacy_store
