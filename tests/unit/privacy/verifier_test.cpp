// Issue 18, items 3 and 4: format-3 key slots hold Argon2id verifiers, not wrapped keys.

#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/root_key_file.h>

#include "test_support.h"

using namespace secondline;
using namespace secondline::privacy;
using core::ErrorCode;

TEST(Verifier, PassesTheRightPasswordOnly) {
    auto slot = makeVerifier("officer1", test::password("correct horse"), KdfParams::fastForTests());
    ASSERT_OK(slot);
    EXPECT_TRUE(slot->isVerifier());
    EXPECT_EQ(slot->verifier.size(), 32u);
    EXPECT_TRUE(slot->ciphertext.empty()) << "a verifier wraps no key";
    EXPECT_OK(checkVerifier(*slot, test::password("correct horse")));
    EXPECT_ERROR_CODE(checkVerifier(*slot, test::password("correct horsE")), ErrorCode::AuthenticationFailed);
}

TEST(Verifier, IsBoundToItsUser) {
    auto slot = makeVerifier("alice", test::password("pw"), KdfParams::fastForTests());
    ASSERT_OK(slot);
    slot->userName = "mallory";
    EXPECT_ERROR_CODE(checkVerifier(*slot, test::password("pw")), ErrorCode::AuthenticationFailed);
}

TEST(Verifier, ResetRequiredSlotPassesNothingButStillRunsArgon2id) {
    const KeySlot slot = resetRequiredSlot("bob", KdfParams::fastForTests());
    const auto before = argon2idRuns();
    EXPECT_ERROR_CODE(checkVerifier(slot, test::password("")), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(checkVerifier(slot, test::password("anything")), ErrorCode::AuthenticationFailed);
    EXPECT_EQ(argon2idRuns(), before + 2);
    EXPECT_OK(spendPasswordHash(test::password("x"), KdfParams::fastForTests()));
    EXPECT_EQ(argon2idRuns(), before + 3);
}

TEST(KeySlotFile, Format3RoundTripsVerifiersAndSealedKeysUnderTheMac) {
    auto root = newDatabaseKey();
    auto index = newDatabaseKey();
    ASSERT_OK(root);
    ASSERT_OK(index);
    auto a = makeVerifier("alice", test::password("a"), KdfParams::fastForTests());
    ASSERT_OK(a);
    auto sealed = sealKey(*root, *index, "ctx");
    ASSERT_OK(sealed);
    KeySlotFile file;
    file.storeId = newStoreId();
    file.slots = {*a, resetRequiredSlot("bob", KdfParams::fastForTests())};
    file.indexKey = *sealed;
    file.auditKey = *sealed;
    auto text = encodeKeySlotFile(file, *root);
    ASSERT_OK(text);
    EXPECT_FALSE(test::contains(*text, "wrapped"));
    auto decoded = decodeKeySlotFile(*text);
    ASSERT_OK(decoded);
    EXPECT_EQ(decoded->version, 3);
    ASSERT_EQ(decoded->slots.size(), 2u);
    EXPECT_EQ(decoded->slots[0].verifier, a->verifier);
    EXPECT_TRUE(decoded->slots[1].resetRequired);
    ASSERT_TRUE(decoded->indexKey && decoded->auditKey);
    EXPECT_OK(verifyKeySlotFile(*text, *root));
    EXPECT_OK(checkVerifier(decoded->slots[0], test::password("a")));

    // A verifier written by someone without the root key: the MAC no longer matches.
    auto forged = makeVerifier("mallory", test::password("m"), KdfParams::fastForTests());
    ASSERT_OK(forged);
    auto other = newDatabaseKey();
    ASSERT_OK(other);
    KeySlotFile tampered = *decoded;
    tampered.slots.push_back(*forged);
    auto forgedText = encodeKeySlotFile(tampered, *other);
    ASSERT_OK(forgedText);
    EXPECT_ERROR_CODE(verifyKeySlotFile(*forgedText, *root), ErrorCode::KeySlotCorrupt);

    // A format-2 file cannot carry a verifier.
    KeySlotFile old = *decoded;
    old.version = 2;
    EXPECT_ERROR_CODE(encodeKeySlotFile(old, *root), ErrorCode::InvalidArgument);
}

TEST(AuditSigner, SeedOfAStoreKeyGivesTheSameKeyAsBefore) {
    auto storeKey = newDatabaseKey();
    ASSERT_OK(storeKey);
    auto derived = AuditSigner::fromStoreKey(*storeKey);
    auto seed = AuditSigner::seedFromStoreKey(*storeKey);
    ASSERT_OK(derived);
    ASSERT_OK(seed);
    auto fromSeed = AuditSigner::fromSeed(*seed);
    ASSERT_OK(fromSeed);
    EXPECT_EQ(fromSeed->publicKeyHex(), derived->publicKeyHex());
}

TEST(RootKeyFile, RoundTripsAndRefusesAnythingElse) {
    auto key = newDatabaseKey();
    auto next = newDatabaseKey();
    ASSERT_OK(key);
    ASSERT_OK(next);
    auto text = encodeRootKeyFile("00ff", *key);
    ASSERT_OK(text);
    EXPECT_TRUE(text->starts_with("secondline-root-key 1\nstore 00ff\nkey "));
    auto back = decodeRootKeyFile(*text);
    ASSERT_OK(back);
    EXPECT_EQ(back->storeId, "00ff");
    EXPECT_TRUE(back->key.equals(*key));
    EXPECT_FALSE(back->next.has_value());
    auto both = encodeRootKeyFile("00ff", *key, &*next);
    ASSERT_OK(both);
    auto backBoth = decodeRootKeyFile(*both);
    ASSERT_OK(backBoth);
    ASSERT_TRUE(backBoth->next.has_value());
    EXPECT_TRUE(backBoth->next->equals(*next));
    for (const std::string& bad :
         {std::string(), std::string("secondline-root-key 2\n") + text->substr(22), text->substr(0, text->size() - 1),
          *text + "extra\n", text->substr(0, text->size() - 3) + "zz\n",
          std::string("secondline-root-key 1\nstore \n")}) {
        EXPECT_ERROR_CODE(decodeRootKeyFile(bad), ErrorCode::KeySlotCorrupt);
    }
    std::string wiped = *text;
    wipeText(wiped);
    EXPECT_EQ(wiped, std::string(text->size(), '\0'));
}
