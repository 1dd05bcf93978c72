// The command-line contract, through the real binary: every role and operation, and no personal data outside the store
// (app/cli/commands_privacy.cpp).

#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/sharing.h>
#include <secondline/privacy/trusted_keys.h>
#include <secondline/validation/mrz_parser.h>

#include "cli_fixture.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace secondline;
using namespace secondline::test;
using nlohmann::json;

TEST_F(PrivacyCli, EveryRoleTimesEveryOperationThroughTheCommandLine) {
    // Each role's destructive operations get their own record: role k closes record 1+k, erases 6+k.
    using Args = std::function<std::vector<std::string>(int k)>;
    int unique = 0;
    auto fresh = [&](const char* stem) { return dir.file(std::string(stem) + std::to_string(++unique)); };
    const std::vector<std::pair<std::string, Args>> ops = {
        {"ingest",
         [&](int) {
             return std::vector<std::string>{"ingest", image};
         }},
        {"records list",
         [](int) {
             return std::vector<std::string>{"records", "list"};
         }},
        {"records show",
         [](int) {
             return std::vector<std::string>{"records", "show", "11"};
         }},
        {"records flag",
         [](int) {
             return std::vector<std::string>{"records", "flag", "11", "--reason", "x"};
         }},
        {"flags update",
         [](int) { return std::vector<std::string>{"flags", "update", "1", "--status", "resolved", "--note", "ok"}; }},
        {"records close",
         [](int k) {
             return std::vector<std::string>{"records", "close", std::to_string(1 + k), "--outcome", "cleared"};
         }},
        {"records rectify",
         [](int) {
             return std::vector<std::string>{"records", "rectify", "11",       "--field",    "given_names",
                                             "--value", "ANNE",    "--reason", "visual zone"};
         }},
        {"records hold",
         [](int) {
             return std::vector<std::string>{"records", "hold", "11", "--reason", "order 1"};
         }},
        {"records erase",
         [](int k) {
             return std::vector<std::string>{"records", "erase", std::to_string(6 + k), "--reason", "req"};
         }},
        {"subject export",
         [&](int) {
             return std::vector<std::string>{"subject", "export", "--document", documentKey, "--out", fresh("subj")};
         }},
        {"share export",
         [&](int) {
             return std::vector<std::string>{"share",        "export",          "11",
                                             "--agreement",  "liaison",         "--out",
                                             fresh("share"), "--justification", "joint case 2026"};
         }},
        {"user list",
         [](int) {
             return std::vector<std::string>{"user", "list"};
         }},
        {"store backup",
         [&](int) {
             return std::vector<std::string>{"store", "backup",        fresh("backup"), "--kdf-ops",
                                             "1",     "--kdf-mem-kib", "8192"};
         }},
        {"store rekey",
         [](int) {
             return std::vector<std::string>{"store", "rekey"};
         }},
        {"store check",
         [](int) {
             return std::vector<std::string>{"store", "check"};
         }},
        {"policy load",
         [&](int) {
             return std::vector<std::string>{"policy", "load", policyFile};
         }},
        {"purge",
         [](int) {
             return std::vector<std::string>{"purge", "--dry-run"};
         }},
        {"retention report",
         [](int) {
             return std::vector<std::string>{"retention", "report"};
         }},
        {"audit verify",
         [](int) {
             return std::vector<std::string>{"audit", "verify"};
         }},
        {"audit export",
         [&](int) {
             return std::vector<std::string>{"audit", "export", "--out", fresh("audit")};
         }},
        {"audit checkpoint",
         [&](int) {
             return std::vector<std::string>{"audit", "checkpoint", "--out", fresh("cp")};
         }},
        {"breakglass",
         [](int) {
             return std::vector<std::string>{"breakglass", "--reason", "incident 12"};
         }},
    };
    // Columns: officer, supervisor, auditor, administrator, and a trainer in a training store.
    const std::map<std::string, std::string> expected = {
        {"ingest", "YYNNY"},          {"records list", "YYNNY"}, {"records show", "YYNNY"},
        {"records flag", "YYNNY"},    {"flags update", "NYNNY"}, {"records close", "YYNNY"},
        {"records rectify", "YYNNY"}, {"records hold", "NYNNY"}, {"records erase", "NYNNY"},
        {"subject export", "NYNNY"},  {"share export", "NYNNN"}, {"user list", "NNNYY"},
        {"store backup", "NNNYN"},    {"store rekey", "NNNYN"},  {"store check", "NNYYN"},
        {"policy load", "NNNYN"},     {"purge", "NNNYN"},        {"retention report", "NYYYY"},
        {"audit verify", "NNYYN"},    {"audit export", "NNYNN"}, {"audit checkpoint", "NNYNN"},
        {"breakglass", "NNYYN"},
    };
    std::map<std::string, std::string> got;
    // A refusal names the permission: "lacks permission" for a role; a trainer is also told "missing permission"
    // when a training store may not share at all.
    auto cell = [&](const std::string& user, const std::string& name, const Args& args, int k, const char* refusal) {
        const auto r = run(as(user, args(k)), pw(user) + "backup-pw\n");
        const std::string c = r.exitCode == 0 ? "Y" : r.exitCode == 3 ? "N" : "rc" + std::to_string(r.exitCode);
        got[name] += c;
        if (c == "N") {
            EXPECT_TRUE(test::contains(r.err + r.out, refusal)) << name << ": " << r.err;
        }
        if (c.size() > 1) ADD_FAILURE() << user << " " << name << ": " << r.err;
    };
    const std::vector<std::string> production = {"o1", "s1", "au1", "admin"};
    build("store.db", false, 11);
    for (std::size_t k = 0; k < production.size(); ++k)
        for (const auto& [name, args] : ops) cell(production[k], name, args, static_cast<int>(k), "lacks permission");
    build("training.db", true, 11);
    for (const auto& [name, args] : ops) cell("t1", name, args, 4, "permission ");
    for (const auto& [name, _] : ops) EXPECT_EQ(got[name], expected.at(name)) << name;
}

TEST_F(PrivacyCli, AFullWorkflowLeavesNoPersonalDataOutsideTheStore) {
    build("store.db", false, 2);
    auto doc = validation::parseMrzText(mrz[0] + "\n" + mrz[1], {});
    ASSERT_TRUE(doc.has_value());
    // What must never appear outside the store: the traveller's names and numbers, as stored and as printed.
    std::vector<std::string> needles = {doc->surname(), doc->documentNumber(), mrz[0], mrz[1],
                                        doc->givenNames().substr(0, doc->givenNames().find(' '))};
    if (!doc->optionalData().empty()) needles.push_back(doc->optionalData());
    std::string logs;
    auto step = [&](const std::string& user, std::vector<std::string> args, const std::string& extra = "") {
        auto r = run(as(user, std::move(args)), pw(user) + extra);
        logs += r.err;
        return r;
    };
    EXPECT_EQ(step("o1", {"records", "show", "1"}).exitCode, 0);
    EXPECT_EQ(
        step("o1", {"records", "rectify", "1", "--field", "given_names", "--value", "ANNE", "--reason", "visual zone"})
            .exitCode,
        0);
    EXPECT_EQ(step("o1", {"records", "close", "2", "--outcome", "cleared"}).exitCode, 0);
    EXPECT_EQ(step("s1", {"records", "hold", "1", "--reason", "order 1"}).exitCode, 0);
    const auto shared = step("s1", {"share", "export", "1", "--agreement", "liaison", "--justification", "case 2026-44",
                                    "--out", dir.file("case.share")});
    ASSERT_EQ(shared.exitCode, 0);
    // The receiving agency and the auditor pin the workstation's key, learnt from the desk (issue 18).
    const std::string workstation = json::parse(shared.out)["workstation_key"];
    EXPECT_EQ(step("s1", {"share", "export", "1", "--agreement", "press", "--justification", "asked", "--out",
                          dir.file("refused.share")})
                  .exitCode,
              3);
    EXPECT_EQ(step("s1", {"subject", "export", "--document", documentKey, "--out", dir.file("subject")}).exitCode, 0);
    EXPECT_EQ(step("admin", {"purge", "--dry-run"}).exitCode, 0);
    EXPECT_EQ(step("admin", {"retention", "report"}).exitCode, 0);
    EXPECT_NE(run(as("o1", {"records", "list"}), "wrong\n").exitCode, 0);
    EXPECT_EQ(step("au1", {"breakglass", "--reason", "incident 12"}).exitCode, 0);
    EXPECT_EQ(step("au1", {"records", "list"}).exitCode, 0);
    EXPECT_EQ(step("au1", {"audit", "checkpoint", "--out", dir.file("checkpoint.json")}).exitCode, 0);
    EXPECT_EQ(step("au1", {"audit", "export", "--out", dir.file("audit.jsonl")}).exitCode, 0);
    auto verify = step("au1", {"audit", "verify", "--checkpoint", dir.file("checkpoint.json")});
    EXPECT_EQ(verify.exitCode, 0) << verify.out;
    auto offline = run({"audit", "verify", "--export", dir.file("audit.jsonl"), "--checkpoint",
                        dir.file("checkpoint.json"), "--public-key", workstation});
    EXPECT_EQ(offline.exitCode, 0) << offline.out << offline.err;
    auto opened = run({"share", "open", dir.file("case.share"), "--key", keyFile, "--public-key", workstation});
    ASSERT_EQ(opened.exitCode, 0) << opened.err;
    EXPECT_EQ(json::parse(opened.out)["fields"],
              (json{{"surname", doc->surname()}, {"nationality", doc->nationality()}}));
    ASSERT_TRUE(std::filesystem::exists(dir.file("subject") + "/subject.json"));
    EXPECT_TRUE(test::contains(test::readFile(dir.file("subject") + "/subject.json"), doc->surname()))
        << "the subject's own export holds their data (and is excluded from the search below)";
    EXPECT_TRUE(test::contains(logs, "BREAK-GLASS")) << "break-glass is loud";

    // The search: every file under the test folder (the store's files, the sign-in file, the temporary
    // folder, the audit export and checkpoint, the sealed package, the data directory) and every log line,
    // except the subject's own export and the captured standard output of commands that show records.
    std::size_t searched = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
        if (!entry.is_regular_file()) continue;
        const auto p = entry.path().string();
        if (p.find(dir.file("subject")) == 0 || p == dir.file("stdout") || p == dir.file("stdin")) continue;
        if (entry.path().extension() == ".png") continue; // the generated input pictures themselves
        const std::string bytes = test::readFile(p);
        ++searched;
        for (const auto& needle : needles) EXPECT_FALSE(test::contains(bytes, needle)) << needle << " in " << p;
    }
    for (const auto& needle : needles) EXPECT_FALSE(test::contains(logs, needle)) << needle << " in the logs";
    EXPECT_GE(searched, 8u) << "the store, its keys, lock and sign-in files, the export, checkpoint, package, key";
}

// ---- issue 18, item 8: signed files from elsewhere are trusted only under a pinned key ---------------------------

namespace {

/// A key pair of the attacker's own: an Ed25519 signer from a fresh random key, as anyone can make.
privacy::AuditSigner attackerKey() {
    auto key = privacy::newDatabaseKey();
    if (!key) throw std::runtime_error(key.error().message);
    auto signer = privacy::AuditSigner::fromStoreKey(*key);
    if (!signer) throw std::runtime_error(signer.error().message);
    return std::move(*signer);
}

} // namespace

TEST_F(PrivacyCli, ShareOpenTrustsOnlyAPinnedWorkstationKey) {
    build("store.db", false, 1);
    const auto shared = run(as("s1", {"share", "export", "1", "--agreement", "liaison", "--justification",
                                      "case 2026-44", "--out", dir.file("case.share")}),
                            pw("s1"));
    ASSERT_EQ(shared.exitCode, 0) << shared.err;
    const std::string workstation = json::parse(shared.out)["workstation_key"];
    const std::string package = dir.file("case.share");

    // No key to trust: refused before anything is read (the package's own key is never trusted).
    const auto unpinned = run({"share", "open", package, "--key", keyFile});
    EXPECT_EQ(unpinned.exitCode, 2);
    EXPECT_TRUE(test::contains(unpinned.err, "invalid_argument")) << unpinned.err;
    EXPECT_TRUE(test::contains(unpinned.err, "--public-key HEX or --trust-store FILE")) << unpinned.err;
    EXPECT_TRUE(unpinned.out.empty());

    // The genuine package opens under the pinned key, given on the command line or in a trust store.
    const auto pinned = run({"share", "open", package, "--key", keyFile, "--public-key", workstation});
    ASSERT_EQ(pinned.exitCode, 0) << pinned.err;
    EXPECT_EQ(json::parse(pinned.out)["sender_key"], workstation);
    EXPECT_EQ(json::parse(pinned.out)["sender_name"], "--public-key");
    const auto legacy = run({"share", "open", package, "--key", keyFile, "--sender-key", workstation});
    EXPECT_EQ(legacy.exitCode, 0) << "--sender-key stays as the same option: " << legacy.err;
    const std::string trustStore = dir.file("trusted.keys");
    test::writeFile(trustStore, "# Workstations whose packages we accept\n" + workstation + "  UTO-AIR-1 desk 4\n");
    const auto stored = run({"share", "open", package, "--key", keyFile, "--trust-store", trustStore});
    ASSERT_EQ(stored.exitCode, 0) << stored.err;
    EXPECT_EQ(json::parse(stored.out)["sender_name"], "UTO-AIR-1 desk 4");
    EXPECT_EQ(
        run({"share", "open", package, "--key", keyFile, "--public-key", workstation, "--trust-store", trustStore})
            .exitCode,
        2)
        << "one source of trust at a time";

    // The attack: a package to the same recipient, correctly encrypted and validly signed, with a key pair of
    // the attacker's own whose public half the package carries. Before issue 18 it opened when no key was given.
    auto recipient = privacy::decodeShareKeyFile(test::readFile(keyFile));
    ASSERT_OK(recipient);
    privacy::SharingAgreement agreement{"liaison",
                                        "Specimen Liaison Office",
                                        "secondary_inspection",
                                        "Specimen Agreement art. 1",
                                        {"surname", "nationality"},
                                        {}};
    for (std::size_t i = 0; i < agreement.publicKey.size(); ++i)
        agreement.publicKey[i] =
            static_cast<std::uint8_t>(std::stoi(recipient->publicKeyHex.substr(i * 2, 2), nullptr, 16));
    const auto attacker = attackerKey();
    privacy::SharePayload payload{.agreement = "liaison",
                                  .recipient = "Specimen Liaison Office",
                                  .purpose = "secondary_inspection",
                                  .legalReference = "Specimen Agreement art. 1",
                                  .storeId = "forged",
                                  .senderPublicKeyHex = {},
                                  .created = {},
                                  .recordId = 1,
                                  .fields = {{"surname", "SPECIMEN"}, {"nationality", "UTO"}}};
    auto forged = privacy::sealShare(payload, agreement, attacker);
    ASSERT_OK(forged);
    test::writeFile(dir.file("forged.share"), *forged);
    for (const auto& trust : {std::vector<std::string>{"--public-key", workstation},
                              std::vector<std::string>{"--trust-store", trustStore}}) {
        std::vector<std::string> args = {"share", "open", dir.file("forged.share"), "--key", keyFile};
        args.insert(args.end(), trust.begin(), trust.end());
        const auto refused = run(args);
        EXPECT_EQ(refused.exitCode, 2) << trust[0];
        EXPECT_TRUE(test::contains(refused.err, "share_invalid")) << refused.err;
        EXPECT_TRUE(test::contains(refused.err, "not trusted")) << refused.err;
        EXPECT_FALSE(test::contains(refused.out, "SPECIMEN")) << "nothing of the forgery is shown";
    }
}

TEST_F(PrivacyCli, AuditVerifyExportTrustsOnlyAPinnedWorkstationKey) {
    build("store.db", false, 1);
    ASSERT_EQ(run(as("au1", {"audit", "checkpoint", "--out", dir.file("checkpoint.json")}), pw("au1")).exitCode, 0);
    ASSERT_EQ(run(as("au1", {"audit", "export", "--out", dir.file("audit.jsonl")}), pw("au1")).exitCode, 0);
    // The auditor learns the workstation's key at the desk (a checkpoint they wrote there names it).
    const std::string workstation = json::parse(test::readFile(dir.file("checkpoint.json")))["public_key"];

    const auto unpinned = run({"audit", "verify", "--export", dir.file("audit.jsonl")});
    EXPECT_EQ(unpinned.exitCode, 2);
    EXPECT_TRUE(test::contains(unpinned.err, "--public-key HEX or --trust-store FILE")) << unpinned.err;
    const auto unpinnedWithCheckpoint =
        run({"audit", "verify", "--export", dir.file("audit.jsonl"), "--checkpoint", dir.file("checkpoint.json")});
    EXPECT_EQ(unpinnedWithCheckpoint.exitCode, 2) << "a checkpoint's key is no more trusted than the export's";

    const auto genuine = run({"audit", "verify", "--export", dir.file("audit.jsonl"), "--public-key", workstation});
    ASSERT_EQ(genuine.exitCode, 0) << genuine.out << genuine.err;
    EXPECT_EQ(json::parse(genuine.out)["ok"], true);
    EXPECT_EQ(json::parse(genuine.out)["signer"], "--public-key");
    const std::string trustStore = dir.file("trusted.keys");
    test::writeFile(trustStore, workstation + " UTO-AIR-1 desk 4\n");
    const auto stored = run({"audit", "verify", "--export", dir.file("audit.jsonl"), "--checkpoint",
                             dir.file("checkpoint.json"), "--trust-store", trustStore});
    ASSERT_EQ(stored.exitCode, 0) << stored.out << stored.err;
    EXPECT_EQ(json::parse(stored.out)["signer"], "UTO-AIR-1 desk 4");

    // The attack: the trail rewritten (every entry now names another user), re-hashed, every entry and the
    // header re-signed with a key pair of the attacker's own, whose public half the export carries.
    auto trusted = privacy::TrustedKeys::single(workstation, "desk");
    ASSERT_OK(trusted);
    auto trail = privacy::decodeAuditExport(test::readFile(dir.file("audit.jsonl")), *trusted);
    ASSERT_OK(trail);
    const auto attacker = attackerKey();
    std::string previous = privacy::genesisHash();
    for (auto& e : trail->entries) {
        e.userName = "someone-else";
        e.previousHash = previous;
        e.hash = privacy::computeAuditHash(e);
        e.signature = attacker.sign(privacy::kAuditEntryDomain, e.hash);
        previous = e.hash;
    }
    trail->publicKeyHex = attacker.publicKeyHex();
    test::writeFile(dir.file("forged.jsonl"), privacy::encodeAuditExport(*trail, attacker));
    // What the old command accepted: consistent under the key it carries.
    const auto selfSigned =
        run({"audit", "verify", "--export", dir.file("forged.jsonl"), "--public-key", attacker.publicKeyHex()});
    EXPECT_EQ(selfSigned.exitCode, 0) << selfSigned.out << selfSigned.err;
    for (const auto& trust : {std::vector<std::string>{"--public-key", workstation},
                              std::vector<std::string>{"--trust-store", trustStore}}) {
        std::vector<std::string> args = {"audit", "verify", "--export", dir.file("forged.jsonl")};
        args.insert(args.end(), trust.begin(), trust.end());
        const auto refused = run(args);
        EXPECT_EQ(refused.exitCode, 1) << trust[0];
        EXPECT_EQ(json::parse(refused.out)["ok"], false);
        EXPECT_TRUE(test::contains(refused.err, "audit_invalid")) << refused.err;
        EXPECT_TRUE(test::contains(refused.err, "not trusted")) << refused.err;
    }
}
