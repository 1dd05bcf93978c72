// The command-line contract, through the real binary: the store, records, users and review commands
// (app/cli/commands_store.cpp).

#include <secondline/privacy/password_rule.h>

#include "cli_fixture.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

TEST_F(CliTest, StoreInitIngestAndShow) {
    const std::string store = dir.file("s.db");
    // A production store at the default Argon2id cost: passwords the production rule accepts (issue 18).
    const std::string adminPw = "Kestrel-Harbour-2026\n";
    const std::string officerPw = "Lantern-Meadow-7731\n";
    auto init = run({"store", "init", "--store", store, "--user", "admin", "--password-stdin"}, adminPw);
    ASSERT_EQ(init.exitCode, 0) << init.err;
    auto add =
        run({"user", "add", "officer1", "--role", "officer", "--store", store, "--user", "admin", "--password-stdin"},
            adminPw + officerPw);
    ASSERT_EQ(add.exitCode, 0) << add.err;
    std::vector<std::string> mrz;
    const std::string image = renderImage(31, validation::MrzFormat::TD1, &mrz);
    auto ingest = run({"ingest", "--store", store, "--user", "officer1", "--password-stdin", image}, officerPw);
    ASSERT_EQ(ingest.exitCode, 0) << ingest.out << ingest.err;
    const auto ingested = ingest.jsonLines();
    ASSERT_EQ(ingested.size(), 1u);
    ASSERT_TRUE(ingested[0].contains("record_id")) << ingest.out;
    const auto id = std::to_string(ingested[0]["record_id"].get<std::int64_t>());
    auto show = run({"records", "show", id, "--store", store, "--user", "officer1", "--password-stdin"}, officerPw);
    ASSERT_EQ(show.exitCode, 0) << show.err;
    const auto rec = json::parse(show.out);
    EXPECT_EQ(rec["document"]["lines"], json(mrz));
    EXPECT_EQ(rec["officer"], "officer1");
    // The squared-up document and the portrait were stored with the record, inside the encrypted store
    // only: nothing else appeared beside it.
    EXPECT_EQ(ingested[0]["images"], 2);
    ASSERT_EQ(rec["images"].size(), 2u) << show.out;
    EXPECT_EQ(rec["images"][0]["kind"], "document");
    EXPECT_EQ(rec["images"][1]["kind"], "portrait");
    EXPECT_EQ(rec["images"][0]["media_type"], "image/jpeg");
    EXPECT_GT(rec["images"][0]["width"].get<int>(), rec["images"][0]["height"].get<int>());
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(store).parent_path())) {
        const std::string ext = e.path().extension().string();
        EXPECT_TRUE(ext != ".jpg" && ext != ".jpeg") << e.path() << " left on disk";
    }
    const std::string documentKey = rec["document"]["fields"]["issuing_state"]["value"].get<std::string>() + ":" +
                                    rec["document"]["fields"]["document_number"]["value"].get<std::string>();
    auto find =
        run({"records", "find", "--document", documentKey, "--store", store, "--user", "officer1", "--password-stdin"},
            officerPw);
    EXPECT_EQ(find.exitCode, 0) << find.err;
    ASSERT_EQ(find.jsonLines().size(), 1u) << find.out;
    EXPECT_EQ(find.jsonLines()[0]["id"].get<std::int64_t>(), ingested[0]["record_id"].get<std::int64_t>());
    auto check = run({"store", "check", "--store", store, "--user", "admin", "--password-stdin"}, adminPw);
    EXPECT_EQ(check.exitCode, 0) << check.err;
    EXPECT_EQ(json::parse(check.out)["ok"], true);
    // Wrong password: a clear error, exit 2, and nothing about the password in the message.
    auto wrong = run({"records", "show", id, "--store", store, "--user", "officer1", "--password-stdin"}, "nope\n");
    EXPECT_EQ(wrong.exitCode, 2);
    EXPECT_TRUE(test::contains(wrong.err, "authentication_failed")) << wrong.err;
    EXPECT_FALSE(test::contains(wrong.err, "nope"));
    // The administrator may not read personal data: refused with its own status.
    auto refused = run({"records", "show", id, "--store", store, "--user", "admin", "--password-stdin"}, adminPw);
    EXPECT_EQ(refused.exitCode, 3);
    EXPECT_TRUE(test::contains(refused.err, "permission_denied")) << refused.err;
    EXPECT_TRUE(test::contains(refused.err, "record.read")) << "names the missing permission: " << refused.err;
}

TEST_F(CliTest, RekeyBackupAndRestoreKeepEveryRecord) {
    const std::string store = dir.file("s.db");
    const std::vector<std::string> fast = {"--kdf-ops", "1", "--kdf-mem-kib", "8"};
    auto with = [](std::vector<std::string> args, const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    ASSERT_EQ(
        run(with({"store", "init", "--store", store, "--user", "admin", "--password-stdin", "--test-store"}, fast),
            "a-pw\n")
            .exitCode,
        0);
    ASSERT_EQ(
        run(with({"user", "add", "o1", "--role", "officer", "--store", store, "--user", "admin", "--password-stdin"},
                 fast),
            "a-pw\no-pw\n")
            .exitCode,
        0);
    const std::string image = renderImage(77, validation::MrzFormat::TD3, nullptr);
    auto ingest = run({"ingest", "--store", store, "--user", "o1", "--password-stdin", image, image}, "o-pw\n");
    ASSERT_EQ(ingest.exitCode, 0) << ingest.err;

    auto rekey = run({"store", "rekey", "--store", store, "--user", "admin", "--password-stdin"}, "a-pw\n");
    ASSERT_EQ(rekey.exitCode, 0) << rekey.err;
    EXPECT_EQ(json::parse(rekey.out)["rekeyed"], true);
    auto refused = run({"store", "rekey", "--store", store, "--user", "o1", "--password-stdin"}, "o-pw\n");
    EXPECT_EQ(refused.exitCode, 3) << refused.err;

    const std::string backupFile = dir.file("s.slbackup");
    auto backup =
        run(with({"store", "backup", backupFile, "--store", store, "--user", "admin", "--password-stdin"}, fast),
            "a-pw\nb-pw\n");
    ASSERT_EQ(backup.exitCode, 0) << backup.err;
    const auto b = json::parse(backup.out);
    EXPECT_EQ(b["records"], 2);
    EXPECT_EQ(b["bytes"].get<std::uintmax_t>(), std::filesystem::file_size(backupFile));
    auto again =
        run(with({"store", "backup", backupFile, "--store", store, "--user", "admin", "--password-stdin"}, fast),
            "a-pw\nb-pw\n");
    EXPECT_EQ(again.exitCode, 2);
    EXPECT_TRUE(test::contains(again.err, "store_exists")) << again.err;

    const std::string restored = dir.file("restored.db");
    auto wrong = run({"store", "restore", backupFile, "--store", restored, "--password-stdin"}, "nope\n");
    EXPECT_EQ(wrong.exitCode, 2);
    EXPECT_TRUE(test::contains(wrong.err, "authentication_failed")) << wrong.err;
    EXPECT_FALSE(std::filesystem::exists(restored));
    auto restore = run({"store", "restore", backupFile, "--store", restored, "--password-stdin"}, "b-pw\n");
    ASSERT_EQ(restore.exitCode, 0) << restore.err;
    EXPECT_EQ(json::parse(restore.out)["records"], 2);
    auto list = run({"records", "list", "--store", restored, "--user", "o1", "--password-stdin"}, "o-pw\n");
    ASSERT_EQ(list.exitCode, 0) << list.err;
    EXPECT_EQ(list.jsonLines().size(), 2u) << "the officer's password works on the restored store";
}

// Issue 18, item 9: a backup sealed to an escrow key restores with its secret key file only, and a record erased
// since the backup stays erased.
TEST_F(CliTest, EscrowBackupRestoresWithTheSecretKeyOnlyAndErasedStaysErased) {
    const std::string store = dir.file("s.db");
    const std::vector<std::string> fast = {"--kdf-ops", "1", "--kdf-mem-kib", "8"};
    auto with = [](std::vector<std::string> args, const std::vector<std::string>& more) {
        args.insert(args.end(), more.begin(), more.end());
        return args;
    };
    const std::string secretFile = dir.file("escrow.key");
    auto keygen = run({"store", "escrow-keygen", "--out", secretFile, "--public-out", dir.file("escrow.pub")});
    ASSERT_EQ(keygen.exitCode, 0) << keygen.err;
    const auto k = json::parse(keygen.out);
    const std::string publicKey = k["public_key"].get<std::string>();
    EXPECT_EQ(publicKey.size(), 64u);
    EXPECT_EQ(k["fingerprint"].get<std::string>().size(), 32u);
    EXPECT_EQ(std::filesystem::status(secretFile).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_EQ(test::readFile(secretFile).rfind("secondline-escrow-key 1\n", 0), 0u);
    EXPECT_FALSE(test::contains(keygen.out, test::readFile(secretFile).substr(24 + 7 + 64 + 8, 64)))
        << "the secret key is never printed";
    auto twice = run({"store", "escrow-keygen", "--out", secretFile});
    EXPECT_NE(twice.exitCode, 0) << "an existing key file is never overwritten";
    const std::string otherSecret = dir.file("other.key");
    ASSERT_EQ(run({"store", "escrow-keygen", "--out", otherSecret}).exitCode, 0);

    ASSERT_EQ(
        run(with({"store", "init", "--store", store, "--user", "admin", "--password-stdin", "--test-store"}, fast),
            "a-pw\n")
            .exitCode,
        0);
    for (const auto& [name, role] : {std::pair{"o1", "officer"}, std::pair{"sv", "supervisor"}})
        ASSERT_EQ(
            run(with({"user", "add", name, "--role", role, "--store", store, "--user", "admin", "--password-stdin"},
                     fast),
                "a-pw\n" + std::string(name) + "-pw\n")
                .exitCode,
            0);
    const std::string image = renderImage(78, validation::MrzFormat::TD3, nullptr);
    ASSERT_EQ(run({"ingest", "--store", store, "--user", "o1", "--password-stdin", image, image}, "o1-pw\n").exitCode,
              0);

    // Only the administrator's password is read: no backup password.
    const std::string backupFile = dir.file("s.slbackup");
    auto backup = run({"store", "backup", backupFile, "--store", store, "--user", "admin", "--password-stdin",
                       "--escrow-key-file", dir.file("escrow.pub")},
                      "a-pw\n");
    ASSERT_EQ(backup.exitCode, 0) << backup.err;
    const auto b = json::parse(backup.out);
    EXPECT_EQ(b["records"], 2);
    EXPECT_EQ(b["escrow"], true);
    EXPECT_EQ(b["escrow_fingerprint"], k["fingerprint"]);
    EXPECT_EQ(b["erasure_ledger_entries"], 0);

    auto erase = run(
        {"records", "erase", "1", "--reason", "traveller asked", "--store", store, "--user", "sv", "--password-stdin"},
        "sv-pw\n");
    ASSERT_EQ(erase.exitCode, 0) << erase.err;

    const std::string restored = dir.file("restored.db");
    auto wrongKey = run({"store", "restore", backupFile, "--store", restored, "--escrow-secret", otherSecret,
                         "--erasures", store + ".erasures"});
    EXPECT_EQ(wrongKey.exitCode, 2);
    EXPECT_TRUE(test::contains(wrongKey.err, "authentication_failed")) << wrongKey.err;
    auto password = run({"store", "restore", backupFile, "--store", restored, "--password-stdin"}, "a-pw\n");
    EXPECT_EQ(password.exitCode, 2);
    EXPECT_TRUE(test::contains(password.err, "invalid_argument")) << password.err;
    auto noLedger = run({"store", "restore", backupFile, "--store", restored, "--escrow-secret", secretFile});
    ASSERT_EQ(noLedger.exitCode, 0) << "the backup recorded an empty ledger: " << noLedger.err;
    EXPECT_EQ(json::parse(noLedger.out)["erasure_ledger_found"], false);
    for (const std::string& f : {restored, restored + ".keys", restored + ".root-key"}) std::filesystem::remove(f);
    auto restore = run({"store", "restore", backupFile, "--store", restored, "--escrow-secret", secretFile,
                        "--erasures", store + ".erasures"});
    ASSERT_EQ(restore.exitCode, 0) << restore.err;
    const auto r = json::parse(restore.out);
    EXPECT_EQ(r["escrow"], true);
    EXPECT_EQ(r["escrow_fingerprint"], k["fingerprint"]);
    EXPECT_EQ(r["erasure_ledger_found"], true);
    EXPECT_EQ(r["erasure_ledger_entries"], 1);
    EXPECT_EQ(r["erased_again"], 1);
    EXPECT_EQ(r["records"], 1);
    auto list = run({"records", "list", "--store", restored, "--user", "o1", "--password-stdin"}, "o1-pw\n");
    ASSERT_EQ(list.exitCode, 0) << list.err;
    ASSERT_EQ(list.jsonLines().size(), 1u) << "the record erased after the backup stays erased";
    EXPECT_NE(list.jsonLines()[0]["id"], 1);
}

TEST_F(CliTest, FlagsReviewAndUserRemoval) {
    const std::string store = dir.file("s.db");
    const std::vector<std::string> fast = {"--kdf-ops", "1", "--kdf-mem-kib", "8"};
    auto as = [&](const std::string& user, std::vector<std::string> args) {
        for (const std::string& a :
             {std::string("--store"), store, std::string("--user"), user, std::string("--password-stdin")})
            args.push_back(a);
        return args;
    };
    auto withFast = [&](std::vector<std::string> args) {
        args.insert(args.end(), fast.begin(), fast.end());
        return args;
    };
    ASSERT_EQ(run(withFast(as("admin", {"store", "init", "--test-store"})), "a-pw\n").exitCode, 0);
    ASSERT_EQ(run(withFast(as("admin", {"user", "add", "o1", "--role", "officer"})), "a-pw\no-pw\n").exitCode, 0);
    ASSERT_EQ(run(withFast(as("admin", {"user", "add", "s1", "--role", "supervisor"})), "a-pw\ns-pw\n").exitCode, 0);
    const std::string image = renderImage(78, validation::MrzFormat::TD1, nullptr);
    auto ingest = run(as("o1", {"ingest", image}), "o-pw\n");
    ASSERT_EQ(ingest.exitCode, 0) << ingest.err;
    const auto recordId = ingest.jsonLines().at(0)["record_id"].get<std::int64_t>();

    auto flag = run(as("o1", {"records", "flag", std::to_string(recordId), "--reason", "photo mismatch"}), "o-pw\n");
    ASSERT_EQ(flag.exitCode, 0) << flag.err;
    const auto flagId = json::parse(flag.out)["flag_id"].get<std::int64_t>();
    // Regression (issue 17): `records flag` types the basis, which the bias report counts; it was never set.
    auto refer = run(as("o1", {"records", "flag", std::to_string(recordId), "--reason", "check", "--refer",
                               "immigration", "--basis", "fact"}),
                     "o-pw\n");
    ASSERT_EQ(refer.exitCode, 0) << refer.err;
    EXPECT_EQ(
        run(as("o1", {"records", "flag", std::to_string(recordId), "--reason", "x", "--basis", "hunch"}), "o-pw\n")
            .exitCode,
        2)
        << "an unknown basis is a usage error";
    EXPECT_EQ(run(as("o1", {"records", "flag", "999", "--reason", "x"}), "o-pw\n").exitCode, 1);
    EXPECT_EQ(
        run(as("o1", {"flags", "update", std::to_string(flagId), "--status", "resolved", "--note", "ok"}), "o-pw\n")
            .exitCode,
        3)
        << "officers do not review flags";
    EXPECT_EQ(run(as("s1", {"flags", "update", std::to_string(flagId), "--status", "closed", "--note", "x"}), "s-pw\n")
                  .exitCode,
              2)
        << "unknown status";
    auto review =
        run(as("s1", {"flags", "update", std::to_string(flagId), "--status", "resolved", "--note", "documents seen"}),
            "s-pw\n");
    ASSERT_EQ(review.exitCode, 0) << review.err;
    auto open = run(as("s1", {"flags", "list", "--open"}), "s-pw\n");
    ASSERT_EQ(open.exitCode, 0) << open.err;
    ASSERT_EQ(open.jsonLines().size(), 1U);
    EXPECT_EQ(open.jsonLines()[0]["kind"], "referral");
    EXPECT_EQ(open.jsonLines()[0]["referred_to"], "immigration");
    EXPECT_EQ(open.jsonLines()[0]["basis"], "fact");
    auto all = run(as("s1", {"flags", "list"}), "s-pw\n");
    ASSERT_EQ(all.jsonLines().size(), 2U);
    bool sawResolved = false;
    for (const auto& f : all.jsonLines())
        if (f["id"] == flagId) {
            sawResolved = true;
            EXPECT_EQ(f["status"], "resolved");
            EXPECT_EQ(f["basis"], "none");
            ASSERT_EQ(f["history"].size(), 2U);
            EXPECT_EQ(f["history"][1]["user"], "s1");
            EXPECT_EQ(f["history"][1]["note"], "documents seen");
        }
    EXPECT_TRUE(sawResolved);

    auto removed = run(as("admin", {"user", "remove", "o1"}), "a-pw\n");
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_EQ(run(as("admin", {"user", "remove", "o1"}), "a-pw\n").exitCode, 1);
    EXPECT_EQ(run(as("s1", {"user", "remove", "admin"}), "s-pw\n").exitCode, 3);
    auto users = run(as("admin", {"user", "list"}), "a-pw\n");
    ASSERT_EQ(users.exitCode, 0) << users.err;
    ASSERT_EQ(users.jsonLines().size(), 3U);
    EXPECT_EQ(users.jsonLines()[1]["name"], "o1");
    EXPECT_EQ(users.jsonLines()[1]["active"], false);
    auto locked = run(as("o1", {"records", "list"}), "o-pw\n");
    EXPECT_EQ(locked.exitCode, 2);
    EXPECT_TRUE(test::contains(locked.err, "authentication_failed")) << locked.err;
    auto stillThere = run(as("s1", {"records", "show", std::to_string(recordId)}), "s-pw\n");
    ASSERT_EQ(stillThere.exitCode, 0) << stillThere.err;
    EXPECT_EQ(json::parse(stillThere.out)["officer"], "o1");
}

TEST_F(CliTest, MalformedLookupAndMissingPasswordAreUsageErrors) {
    const std::string store = dir.file("s.db");
    ASSERT_EQ(run({"store", "init", "--store", store, "--user", "admin", "--password-stdin", "--kdf-ops", "1",
                   "--kdf-mem-kib", "8", "--test-store"},
                  "admin-pass\n")
                  .exitCode,
              0);
    const std::string db = test::readFile(store);
    for (const char* bad : {"UTO", ":L898902C3", "UTO:", ""}) {
        auto r = run({"records", "find", "--document", bad, "--store", store, "--user", "admin", "--password-stdin"},
                     "admin-pass\n");
        EXPECT_EQ(r.exitCode, 2) << bad;
        EXPECT_TRUE(test::contains(r.err, "invalid_argument")) << r.err;
    }
    auto badBirth = run({"records", "find", "--name", "X", "--birth", "1974-13-01", "--store", store, "--user", "admin",
                         "--password-stdin"},
                        "admin-pass\n");
    EXPECT_EQ(badBirth.exitCode, 2);
    auto noPassword = run({"records", "list", "--store", store, "--user", "admin", "--password-stdin"}, "");
    EXPECT_EQ(noPassword.exitCode, 2);
    EXPECT_TRUE(test::contains(noPassword.err, "invalid_argument")) << noPassword.err;
    EXPECT_EQ(test::readFile(store), db) << "refused commands leave the store as it was";
}

// Issue 18, item 6: `store init` (as `user add` and `user passwd`) refuses a weak password or a cheap Argon2id cost
// for a production store; a store marked for tests takes both.
TEST_F(CliTest, ProductionStoresRefuseWeakPasswordsAndCheapKeyDerivation) {
    if (!std::filesystem::exists(privacy::kCommonPasswordsPath))
        GTEST_SKIP() << privacy::kCommonPasswordsPath << " is not installed (Debian package wamerican)";
    const std::string store = dir.file("p.db");
    const std::vector<std::string> init = {"store", "init", "--store", store, "--user", "admin", "--password-stdin"};
    const auto weak = run(init, "admin-pass\n");
    EXPECT_EQ(weak.exitCode, 2);
    EXPECT_TRUE(test::contains(weak.err, "password_weak")) << weak.err;
    EXPECT_TRUE(test::contains(weak.err, "at least 12 characters")) << weak.err;
    EXPECT_FALSE(test::contains(weak.err, "admin-pass")) << "the message never holds the password";
    auto cheap = init;
    cheap.insert(cheap.end(), kFast.begin(), kFast.end());
    const auto cheapRun = run(cheap, "Kestrel-Harbour-2026\n");
    EXPECT_EQ(cheapRun.exitCode, 2);
    EXPECT_TRUE(test::contains(cheapRun.err, "MODERATE")) << cheapRun.err;
    EXPECT_FALSE(std::filesystem::exists(store));
    auto forTests = init;
    forTests.insert(forTests.end(), kFastTestStore.begin(), kFastTestStore.end());
    const auto made = run(forTests, "admin-pass\n");
    EXPECT_EQ(made.exitCode, 0) << made.err;
}
