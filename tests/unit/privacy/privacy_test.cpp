#include <secondline/privacy/access.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/policy.h>

#include "test_support.h"

#include <algorithm>
#include <functional>

#include <nlohmann/json.hpp>

using namespace secondline;
using namespace secondline::privacy;
using core::ErrorCode;

TEST(KeySlot, WrapsAndUnwrapsForTheRightPasswordOnly) {
    auto key = newDatabaseKey();
    ASSERT_OK(key);
    auto slot = wrapKey(*key, "officer1", test::password("correct horse"), KdfParams::fastForTests());
    ASSERT_OK(slot);
    auto back = unwrapKey(*slot, test::password("correct horse"));
    ASSERT_OK(back);
    EXPECT_TRUE(back->equals(*key));
    EXPECT_ERROR_CODE(unwrapKey(*slot, test::password("correct horsE")), ErrorCode::AuthenticationFailed);
}

TEST(KeySlot, IsBoundToItsUser) {
    auto key = newDatabaseKey();
    ASSERT_OK(key);
    auto slot = wrapKey(*key, "alice", test::password("pw"), KdfParams::fastForTests());
    ASSERT_OK(slot);
    slot->userName = "mallory";
    EXPECT_ERROR_CODE(unwrapKey(*slot, test::password("pw")), ErrorCode::AuthenticationFailed);
}

TEST(KeySlotFile, RoundTripsAndDetectsTampering) {
    auto key = newDatabaseKey();
    ASSERT_OK(key);
    auto a = wrapKey(*key, "alice", test::password("a"), KdfParams::fastForTests());
    auto b = wrapKey(*key, "bob", test::password("b"), KdfParams::fastForTests());
    ASSERT_OK(a);
    ASSERT_OK(b);
    KeySlotFile file;
    file.storeId = newStoreId();
    file.training = true;
    file.slots = {*a, *b};
    auto text = encodeKeySlotFile(file, *key);
    ASSERT_OK(text);
    auto decoded = decodeKeySlotFile(*text);
    ASSERT_OK(decoded);
    EXPECT_EQ(decoded->slots.size(), 2u);
    EXPECT_TRUE(decoded->training);
    EXPECT_OK(verifyKeySlotFile(*text, *key));
    ASSERT_NE(findSlot(*decoded, "bob"), nullptr);
    EXPECT_EQ(findSlot(*decoded, "carol"), nullptr);

    // Flipping training to false is caught by the MAC.
    std::string edited = *text;
    const auto pos = edited.find("\"training\": true");
    ASSERT_NE(pos, std::string::npos);
    edited.replace(pos, 16, "\"training\": false");
    ASSERT_OK(decodeKeySlotFile(edited));
    EXPECT_ERROR_CODE(verifyKeySlotFile(edited, *key), ErrorCode::KeySlotCorrupt);

    // A MAC checked with another store's key fails too.
    auto other = newDatabaseKey();
    ASSERT_OK(other);
    EXPECT_ERROR_CODE(verifyKeySlotFile(*text, *other), ErrorCode::KeySlotCorrupt);
}

TEST(SealedKey, OpensOnlyWithItsKeyAndContext) {
    auto storeKey = newDatabaseKey();
    auto dbKey = newDatabaseKey();
    auto other = newDatabaseKey();
    ASSERT_OK(storeKey);
    ASSERT_OK(dbKey);
    ASSERT_OK(other);
    auto sealed = sealKey(*storeKey, *dbKey, "database s1");
    ASSERT_OK(sealed);
    auto opened = openSealedKey(*storeKey, *sealed, "database s1");
    ASSERT_OK(opened);
    EXPECT_TRUE(std::ranges::equal(opened->read().bytes(), dbKey->read().bytes()));
    EXPECT_ERROR_CODE(openSealedKey(*other, *sealed, "database s1"), ErrorCode::KeySlotCorrupt);
    EXPECT_ERROR_CODE(openSealedKey(*storeKey, *sealed, "database s2"), ErrorCode::KeySlotCorrupt)
        << "a sealed key cannot be moved to another store";
    auto flipped = *sealed;
    flipped.ciphertext[3] ^= 1;
    EXPECT_ERROR_CODE(openSealedKey(*storeKey, flipped, "database s1"), ErrorCode::KeySlotCorrupt);
}

TEST(KeySlotFile, SealedKeysAndAttributesRoundTripUnderTheMac) {
    auto storeKey = newDatabaseKey();
    auto dbKey = newDatabaseKey();
    ASSERT_OK(storeKey);
    ASSERT_OK(dbKey);
    auto slot = wrapKey(*storeKey, "alice", test::password("a"), KdfParams::fastForTests());
    auto sealed = sealKey(*storeKey, *dbKey, "ctx");
    ASSERT_OK(slot);
    ASSERT_OK(sealed);
    KeySlotFile file;
    file.storeId = newStoreId();
    file.slots = {*slot};
    file.databaseKey = *sealed;
    file.pendingDatabaseKey = *sealed;
    file.attributes = {{"schema", "2"}, {"rows.records", "12"}};
    auto text = encodeKeySlotFile(file, *storeKey);
    ASSERT_OK(text);
    auto decoded = decodeKeySlotFile(*text);
    ASSERT_OK(decoded);
    ASSERT_TRUE(decoded->databaseKey.has_value());
    ASSERT_TRUE(decoded->pendingDatabaseKey.has_value());
    EXPECT_FALSE(decoded->storeKey.has_value());
    EXPECT_EQ(decoded->databaseKey->ciphertext, sealed->ciphertext);
    ASSERT_NE(decoded->attribute("rows.records"), nullptr);
    EXPECT_EQ(*decoded->attribute("rows.records"), "12");
    EXPECT_EQ(decoded->attribute("missing"), nullptr);
    EXPECT_ERROR_CODE(decodeKeySlotFile(*text, "secondline-backup"), ErrorCode::KeySlotCorrupt)
        << "a slot file is not accepted where a backup header is expected";
    std::string edited = *text;
    const auto pos = edited.find("\"12\"");
    ASSERT_NE(pos, std::string::npos);
    edited.replace(pos, 4, "\"13\"");
    EXPECT_ERROR_CODE(verifyKeySlotFile(edited, *storeKey), ErrorCode::KeySlotCorrupt);
}

TEST(KeySlotFile, MalformedFilesAreKeySlotCorrupt) {
    for (const std::string& bad : std::vector<std::string>{
             "", "{}", "[1,2]", "not json", "{\"format\":\"secondline-keyslots\",\"version\":1}",
             "{\"format\":\"other\",\"version\":1,\"store_id\":\"x\",\"training\":false,\"slots\":[],\"mac\":\"00\"}",
             "{\"format\":\"secondline-keyslots\",\"version\":3,\"store_id\":\"x\",\"training\":false,\"slots\":[]}",
             "{\"format\":\"secondline-keyslots\",\"version\":2,\"store_id\":\"x\",\"training\":false,\"slots\":[],"
             "\"database_key\":{\"nonce\":\"00\",\"sealed\":\"00\"},\"mac\":\"00\"}",
             std::string(5 << 20, '{')}) {
        EXPECT_ERROR_CODE(decodeKeySlotFile(bad), ErrorCode::KeySlotCorrupt) << bad.substr(0, 60);
    }
}

TEST(KeySlot, RejectsKdfParametersOutsideTheAcceptedRange) {
    auto key = newDatabaseKey();
    ASSERT_OK(key);
    auto slot = wrapKey(*key, "alice", test::password("pw"), KdfParams::fastForTests());
    ASSERT_OK(slot);
    slot->kdf.memLimitBytes = 1ull << 40; // a hostile slot file asking for a terabyte
    EXPECT_ERROR_CODE(unwrapKey(*slot, test::password("pw")), ErrorCode::KeySlotCorrupt);
}

namespace {
std::vector<AuditEntry> chain(int n) {
    std::vector<AuditEntry> out;
    std::string prev = genesisHash();
    test::FakeClock clock;
    for (int i = 1; i <= n; ++i) {
        AuditEntry e;
        e.sequence = i;
        e.time = clock.now();
        clock.advance(std::chrono::seconds{1});
        e.userName = "officer1";
        e.role = "officer";
        e.action = "record.create";
        e.recordId = i;
        e.purpose = "secondary_inspection";
        e.previousHash = prev;
        e.hash = computeAuditHash(e);
        prev = e.hash;
        out.push_back(e);
    }
    return out;
}
} // namespace

TEST(AuditChain, IntactChainVerifies) {
    EXPECT_TRUE(verifyAuditChain(chain(10)).intact);
}

TEST(AuditChain, DetectsEditDeletionAndReordering) {
    auto edited = chain(10);
    edited[4].action = "record.read";
    auto r = verifyAuditChain(edited);
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.firstBadSequence, 5);

    auto deleted = chain(10);
    deleted.erase(deleted.begin() + 3);
    EXPECT_FALSE(verifyAuditChain(deleted).intact);

    auto reordered = chain(10);
    std::swap(reordered[2], reordered[3]);
    EXPECT_FALSE(verifyAuditChain(reordered).intact);

    auto rehashed = chain(10);
    rehashed[6].recordId = 99;
    rehashed[6].hash = computeAuditHash(rehashed[6]); // recomputing one hash breaks the next link
    r = verifyAuditChain(rehashed);
    EXPECT_FALSE(r.intact);
    EXPECT_EQ(r.firstBadSequence, 8);
}

TEST(Access, RolesGetOnlyTheirOperations) {
    const AccessContext production{false}, training{true};
    EXPECT_TRUE(decide(Role::Officer, Action::CreateRecord, production).allowed);
    EXPECT_FALSE(decide(Role::Officer, Action::ReadAnyRecord, production).allowed);
    EXPECT_FALSE(decide(Role::Officer, Action::ManageUsers, production).allowed);
    EXPECT_TRUE(decide(Role::Supervisor, Action::ReadAnyRecord, production).allowed);
    EXPECT_FALSE(decide(Role::Administrator, Action::ReadOwnRecord, production).allowed);
    EXPECT_TRUE(decide(Role::Administrator, Action::ManageUsers, production).allowed);
    EXPECT_FALSE(decide(Role::Auditor, Action::ListRecords, production).allowed);
    EXPECT_TRUE(decide(Role::Auditor, Action::ReadAudit, production).allowed);
    EXPECT_FALSE(decide(Role::Trainer, Action::CreateRecord, production).allowed);
    EXPECT_TRUE(decide(Role::Trainer, Action::CreateRecord, training).allowed);
    const auto d = decide(Role::Officer, Action::ManageUsers, production);
    EXPECT_TRUE(test::contains(d.reason, "user.manage")) << "a refusal names the missing permission";
}

TEST(BlindIndex, DeterministicPerKeyAndPurpose) {
    auto key = newDatabaseKey();
    auto other = newDatabaseKey();
    ASSERT_OK(key);
    ASSERT_OK(other);
    auto k1 = deriveBlindIndexKey(*key);
    auto k1again = deriveBlindIndexKey(*key);
    auto k2 = deriveBlindIndexKey(*other);
    ASSERT_OK(k1);
    ASSERT_OK(k1again);
    ASSERT_OK(k2);
    const std::string v = documentLookupValue("uto", "L898902C3<<");
    EXPECT_EQ(v, "UTO:L898902C3");
    EXPECT_EQ(blindIndex(*k1, "document", v), blindIndex(*k1again, "document", v));
    EXPECT_NE(blindIndex(*k1, "document", v), blindIndex(*k2, "document", v));
    EXPECT_NE(blindIndex(*k1, "document", v), blindIndex(*k1, "name_birth", v));
    EXPECT_EQ(blindIndex(*k1, "document", v).size(), 32u);
    EXPECT_FALSE(test::contains(blindIndex(*k1, "document", v), "L898"));
    EXPECT_EQ(nameBirthLookupValue("van der  berg", "1974-08-12"), "VAN DER BERG|1974-08-12");
}

// ---- policy packs (issue 7) ------------------------------------------------------------------------------------

namespace {

std::string edited(const std::function<void(nlohmann::json&)>& edit) {
    auto j = nlohmann::json::parse(Policy::presetText("default"));
    edit(j);
    return j.dump();
}

} // namespace

TEST(PolicyPack, ThePresetsValidateAndTheirHashIsOfTheirBytes) {
    for (const char* name : {"default", "strict"}) {
        auto p = Policy::parse(Policy::presetText(name));
        ASSERT_OK(p) << name;
        EXPECT_EQ(p->name(), name);
        EXPECT_EQ(p->hash().size(), 64u);
    }
    auto p = Policy::parse(Policy::presetText("default"));
    auto q = Policy::parse(std::string(Policy::presetText("default")) + " ");
    ASSERT_OK(q);
    EXPECT_NE(p->hash(), q->hash()) << "the hash is of the exact bytes loaded";
    EXPECT_TRUE(Policy::presetText("nope").empty());
    const auto& d = Policy::defaults();
    EXPECT_TRUE(d.permits(Role::Officer, Action::CreateRecord));
    EXPECT_FALSE(d.permits(Role::Auditor, Action::ReadAnyRecord));
    EXPECT_TRUE(d.profileFor("secondary_inspection")->allowsField("optional_data"));
    EXPECT_EQ(d.profileFor("marketing"), nullptr);
}

TEST(PolicyPack, InvalidPacksAreRefusedWithThePathOfTheProblem) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{", "not valid JSON"},
        {"[]", "policy /: must be an object"},
        {edited([](auto& j) { j["format"] = "secondline-policy/9"; }), "/format"},
        {edited([](auto& j) { j["colour"] = "blue"; }), "/colour: is not a known key"},
        {edited([](auto& j) { j.erase("retention"); }), "/retention: is required"},
        {edited([](auto& j) { j["roles"]["officer"].push_back("record.raed"); }), "/roles/officer/6"},
        {edited([](auto& j) { j["roles"]["administrator"].push_back("record.read_any"); }),
         "administrator may not hold record.read_any"},
        {edited([](auto& j) { j["roles"]["auditor"].push_back("share.export"); }), "/roles/auditor"},
        {edited([](auto& j) { j["purposes"][0]["profile"] = "missing"; }), "/purposes/0/profile: names no profile"},
        {edited([](auto& j) { j["minimization"][0]["fields"].erase(9); }),
         "/minimization/0/raw_mrz: the MRZ lines hold every field"},
        {edited([](auto& j) { j["minimization"][0]["fields"].push_back("shoe_size"); }), "is not a record field"},
        {edited([](auto& j) { j["minimization"][0]["images"]["document"]["max_side"] = 10; }),
         "/minimization/0/images/document/max_side: must be between"},
        {edited([](auto& j) { j["retention"]["rules"].erase(0); }), "needs a rule for the outcome \"open\""},
        {edited([](auto& j) { j["retention"]["rules"][1]["days"] = -1; }), "/retention/rules/1/days"},
        {edited([](auto& j) { j["retention"]["rules"][1]["days"] = "thirty"; }), "must be a whole number"},
        {edited([](auto& j) { j["retention"]["erasable_outcomes"].push_back("vanished"); }), "names no outcome"},
        {edited([](auto& j) {
             j["sharing"] = {{{"name", "x"},
                              {"recipient", "r"},
                              {"purpose", "secondary_inspection"},
                              {"legal_reference", "l"},
                              {"fields", {"surname"}},
                              {"recipient_public_key", "abc"}}};
         }),
         "/sharing/0/recipient_public_key"},
        {edited([](auto& j) {
             j["sharing"] = {{{"name", "x"},
                              {"recipient", "r"},
                              {"purpose", "gossip"},
                              {"legal_reference", "l"},
                              {"fields", {"surname"}},
                              {"recipient_public_key", std::string(64, 'a')}}};
         }),
         "/sharing/0/purpose"},
        {edited([](auto& j) { j["sessions"]["idle_minutes"] = 0; }), "/sessions/idle_minutes"},
        {edited([](auto& j) { j["breakglass"]["grants"].push_back("record.erase"); }), "grants reading only"},
        {edited([](auto& j) { j["name"] = "Has Spaces"; }), "/name: must use only"},
        {std::string(kMaxPolicyBytes + 1, ' '), "larger than 1 MiB"},
    };
    for (const auto& [text, where] : cases) {
        auto p = Policy::parse(text);
        ASSERT_FALSE(p.has_value()) << where;
        EXPECT_EQ(p.error().code, ErrorCode::PolicyInvalid) << where;
        EXPECT_TRUE(test::contains(p.error().message, where)) << p.error().message << " / expected " << where;
    }
}

TEST(PolicyPack, RetentionDecidesFromTheCloseAndHoldsWin) {
    const auto& p = Policy::defaults();
    const core::TimePoint start{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}.time_since_epoch()};
    RetentionFacts open{"open", start, std::nullopt, false};
    EXPECT_EQ(p.deleteBy(open), start + std::chrono::days{30});
    RetentionFacts refused{"refused", start, start + std::chrono::days{10}, false};
    EXPECT_EQ(p.deleteBy(refused), start + std::chrono::days{10 + 1825});
    RetentionFacts unknown{"unrecorded", start, std::nullopt, false};
    EXPECT_EQ(p.deleteBy(unknown), start + std::chrono::days{365});
    refused.legalHold = true;
    EXPECT_EQ(p.deleteBy(refused), std::nullopt);
}

TEST(Access, BreakGlassGrantsOnlyItsReadsToItsRoles) {
    const auto& p = Policy::defaults();
    const AccessContext glass{false, true};
    EXPECT_TRUE(decide(p, Role::Auditor, Action::ReadAnyRecord, glass).allowed);
    EXPECT_FALSE(decide(p, Role::Auditor, Action::RectifyRecord, glass).allowed);
    EXPECT_FALSE(decide(p, Role::Officer, Action::ReadAnyRecord, glass).allowed) << "officers are not glass roles";
    EXPECT_FALSE(decide(p, Role::Supervisor, Action::ShareRecord, {true, false}).allowed) << "training: no sharing";
}

TEST(AuditSigner, SignaturesVerifyOnlyForTheirKeyDomainAndMessage) {
    auto key = newDatabaseKey();
    auto other = newDatabaseKey();
    auto signer = AuditSigner::fromStoreKey(*key);
    auto again = AuditSigner::fromStoreKey(*key);
    auto stranger = AuditSigner::fromStoreKey(*other);
    ASSERT_OK(signer);
    ASSERT_OK(again);
    ASSERT_OK(stranger);
    EXPECT_EQ(signer->publicKeyHex(), again->publicKeyHex()) << "derived from the store key";
    EXPECT_NE(signer->publicKeyHex(), stranger->publicKeyHex());
    const auto sig = signer->sign(kAuditEntryDomain, "abc");
    EXPECT_TRUE(verifySignature(signer->publicKeyHex(), kAuditEntryDomain, "abc", sig));
    EXPECT_FALSE(verifySignature(signer->publicKeyHex(), kAuditEntryDomain, "abd", sig));
    EXPECT_FALSE(verifySignature(signer->publicKeyHex(), "another domain", "abc", sig));
    EXPECT_FALSE(verifySignature(stranger->publicKeyHex(), kAuditEntryDomain, "abc", sig));
    EXPECT_FALSE(verifySignature("zz", kAuditEntryDomain, "abc", sig));
}
