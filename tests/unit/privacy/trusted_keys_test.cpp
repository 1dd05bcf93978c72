// Issue 18, item 8: a sharing package and an audit export are trusted only when signed by a key the verifier
// pins (a trust store or one key), never by the key they carry. The attacks: someone makes their own key pair,
// forges a package or a rewritten trail that carries their own key, and offers it as genuine.

#include <secondline/privacy/audit.h>
#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/sharing.h>
#include <secondline/privacy/trusted_keys.h>

#include "test_support.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace secondline;
using namespace secondline::privacy;
using core::ErrorCode;

namespace {

const std::string kKeyA = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";
const std::string kKeyB = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c";

/// A workstation's signer from a fresh store key (each call a different workstation).
AuditSigner newWorkstation() {
    auto key = newDatabaseKey();
    if (!key) throw std::runtime_error(key.error().message);
    auto signer = AuditSigner::fromStoreKey(*key);
    if (!signer) throw std::runtime_error(signer.error().message);
    return std::move(*signer);
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 'a' + 'A') : c; });
    return s;
}

} // namespace

TEST(TrustedKeys, ParsesKeysNamesCommentsAndBlankLines) {
    const std::string text = "# Workstations of the Specimen border post\n"
                             "\n"
                             "   # an indented comment\n" +
                             kKeyA + "  UTO-AIR-1 desk 4\r\n" + upper(kKeyB) + "\tliaison office  \n";
    auto keys = TrustedKeys::parse(text);
    ASSERT_OK(keys);
    ASSERT_EQ(keys->keys().size(), 2u);
    EXPECT_EQ(keys->keys()[0].publicKeyHex, kKeyA);
    EXPECT_EQ(keys->keys()[0].name, "UTO-AIR-1 desk 4");
    EXPECT_EQ(keys->keys()[1].publicKeyHex, kKeyB) << "stored lowercase";
    EXPECT_EQ(keys->keys()[1].name, "liaison office");
    ASSERT_NE(keys->find(upper(kKeyA)), nullptr) << "compared case-insensitively";
    EXPECT_EQ(keys->find(upper(kKeyA))->name, "UTO-AIR-1 desk 4");
    EXPECT_EQ(keys->find(std::string(64, '0')), nullptr);
    EXPECT_EQ(keys->find(""), nullptr);
    EXPECT_EQ(keys->find("not hex"), nullptr);
    EXPECT_EQ(keys->find(kKeyA.substr(0, 63)), nullptr);
}

TEST(TrustedKeys, RefusesMalformedFilesNamingTheLine) {
    auto line2 = TrustedKeys::parse("# ok\n" + kKeyA.substr(1) + " short key\n");
    ASSERT_FALSE(line2);
    EXPECT_EQ(line2.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(test::contains(line2.error().message, "line 2")) << line2.error().message;
    for (const std::string& bad : {
             std::string(""),                                           // no key at all
             std::string("# only a comment\n\n"),                       // no key at all
             kKeyA + "\n",                                              // no name
             kKeyA + "    \n",                                          // no name
             "g" + kKeyA.substr(1) + " name\n",                         // not hex
             kKeyA + "00 name\n",                                       // too long
             kKeyA + "x name\n",                                        // no space after the key
             "name " + kKeyA + "\n",                                    // name first
             kKeyA + " one\n" + upper(kKeyA) + " the same key again\n", // listed twice
             kKeyA + " " + std::string(201, 'n') + "\n",                // name too long
         })
        EXPECT_ERROR_CODE(TrustedKeys::parse(bad), ErrorCode::InvalidArgument) << bad;
    EXPECT_ERROR_CODE(TrustedKeys::parse(std::string((1u << 20) + 1, '#')), ErrorCode::InvalidArgument);
}

TEST(TrustedKeys, SingleKey) {
    auto one = TrustedKeys::single(upper(kKeyA), "--public-key");
    ASSERT_OK(one);
    ASSERT_EQ(one->keys().size(), 1u);
    EXPECT_EQ(one->keys()[0].publicKeyHex, kKeyA);
    EXPECT_NE(one->find(kKeyA), nullptr);
    EXPECT_EQ(one->find(kKeyB), nullptr);
    EXPECT_ERROR_CODE(TrustedKeys::single("", "x"), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(TrustedKeys::single(kKeyA + "0", "x"), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(TrustedKeys::single(std::string(64, 'z'), "x"), ErrorCode::InvalidArgument);
}

// ---- sharing --------------------------------------------------------------------------------------------------

class ShareForgery : public ::testing::Test {
protected:
    AuditSigner genuine = newWorkstation();
    AuditSigner attacker = newWorkstation();
    ShareKeyPair recipient = std::move(*newShareKeyPair());
    SharingAgreement agreement;

    void SetUp() override {
        agreement.name = "liaison";
        agreement.recipient = "Specimen Liaison Office";
        agreement.purpose = "secondary_inspection";
        agreement.legalReference = "Specimen Agreement art. 1";
        agreement.fields = {"surname", "nationality"};
        for (std::size_t i = 0; i < 32; ++i)
            agreement.publicKey[i] =
                static_cast<std::uint8_t>(std::stoi(recipient.publicKeyHex.substr(i * 2, 2), nullptr, 16));
    }

    std::string seal(const AuditSigner& signer, const std::string& surname) {
        SharePayload p;
        p.agreement = agreement.name;
        p.recipient = agreement.recipient;
        p.purpose = agreement.purpose;
        p.legalReference = agreement.legalReference;
        p.storeId = "specimen-store";
        p.recordId = 7;
        p.fields = {{"surname", surname}, {"nationality", "UTO"}};
        auto sealed = sealShare(p, agreement, signer);
        if (!sealed) throw std::runtime_error(sealed.error().message);
        return *sealed;
    }
};

TEST_F(ShareForgery, APackageSignedWithTheAttackersOwnKeyIsRefused) {
    auto pinned = TrustedKeys::single(genuine.publicKeyHex(), "UTO-AIR-1");
    ASSERT_OK(pinned);
    // The genuine package opens with the pinned key, and says whose it is.
    auto opened = openShare(seal(genuine, "ERIKSSON"), recipient, *pinned);
    ASSERT_OK(opened);
    EXPECT_EQ(opened->senderName, "UTO-AIR-1");
    const auto& fields = opened->payload.fields;
    EXPECT_NE(std::find(fields.begin(), fields.end(), std::pair<std::string, std::string>{"surname", "ERIKSSON"}),
              fields.end());
    // The forgery: well formed, correctly encrypted to the recipient, and validly signed, by a key of the
    // attacker's own that the package itself names. Before issue 18 it opened when no sender key was given.
    const std::string forged = seal(attacker, "SOMEONE ELSE");
    auto refused = openShare(forged, recipient, *pinned);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::ShareInvalid);
    EXPECT_TRUE(test::contains(refused.error().message, "not trusted")) << refused.error().message;
    // A trust store with other workstations, not the attacker's: refused too.
    auto store = TrustedKeys::parse(genuine.publicKeyHex() + " UTO-AIR-1\n" + kKeyA + " UTO-SEA-2\n");
    ASSERT_OK(store);
    EXPECT_ERROR_CODE(openShare(forged, recipient, *store), ErrorCode::ShareInvalid);
    EXPECT_OK(openShare(seal(genuine, "ERIKSSON"), recipient, *store));
    // The attacker's envelope naming the genuine key, over the attacker's signature: the signature fails.
    std::string relabelled = forged;
    const auto at = relabelled.find(attacker.publicKeyHex());
    ASSERT_NE(at, std::string::npos);
    relabelled.replace(at, attacker.publicKeyHex().size(), genuine.publicKeyHex());
    EXPECT_ERROR_CODE(openShare(relabelled, recipient, *pinned), ErrorCode::ShareInvalid);
}

// ---- audit exports --------------------------------------------------------------------------------------------

namespace {

/// A signed trail of `n` entries by `signer`, chained as storage writes it.
std::vector<AuditEntry> trail(const AuditSigner& signer, int n, const std::string& firstUser) {
    std::vector<AuditEntry> out;
    std::string previous = genesisHash();
    for (int i = 1; i <= n; ++i) {
        AuditEntry e;
        e.sequence = i;
        e.time = core::TimePoint{std::chrono::hours{24 * 20000 + i}};
        e.userName = i == 1 ? firstUser : "officer1";
        e.role = "officer";
        e.action = "record.read";
        e.recordId = i;
        e.purpose = "secondary_inspection";
        e.previousHash = previous;
        e.hash = computeAuditHash(e);
        e.signature = signer.sign(kAuditEntryDomain, e.hash);
        previous = e.hash;
        out.push_back(e);
    }
    return out;
}

} // namespace

TEST(AuditExportForgery, AnExportSignedWithTheAttackersOwnKeyIsRefused) {
    const AuditSigner genuine = newWorkstation();
    const AuditSigner attacker = newWorkstation();
    AuditExport real{"specimen-store", genuine.publicKeyHex(), 1, core::TimePoint{}, trail(genuine, 5, "officer1")};
    const std::string exported = encodeAuditExport(real, genuine);
    auto pinned = TrustedKeys::single(genuine.publicKeyHex(), "--public-key");
    ASSERT_OK(pinned);
    auto decoded = decodeAuditExport(exported, *pinned);
    ASSERT_OK(decoded);
    EXPECT_TRUE(verifyTrail(decoded->entries, {decoded->publicKeyHex, decoded->signedFrom}).ok);

    // The attacker rewrites the trail (the first entry now names someone else), re-hashes and re-signs every
    // entry and the header with a key pair of their own, and writes their public key into the export.
    AuditExport rewritten{"specimen-store", attacker.publicKeyHex(), 1, core::TimePoint{},
                          trail(attacker, 5, "supervisor9")};
    const std::string forged = encodeAuditExport(rewritten, attacker);
    // Internally consistent: what `audit verify --export` accepted before issue 18, trusting the key inside.
    auto selfTrusted = TrustedKeys::single(attacker.publicKeyHex(), "the export's own key");
    ASSERT_OK(selfTrusted);
    auto consistent = decodeAuditExport(forged, *selfTrusted);
    ASSERT_OK(consistent);
    EXPECT_TRUE(verifyTrail(consistent->entries, {consistent->publicKeyHex, consistent->signedFrom}).ok);
    // Against the pinned workstation key: refused.
    auto refused = decodeAuditExport(forged, *pinned);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::AuditInvalid);
    EXPECT_TRUE(test::contains(refused.error().message, "not trusted")) << refused.error().message;
    // Naming the genuine key in the header without its secret half: the header signature fails.
    std::string relabelled = forged;
    const auto at = relabelled.find(attacker.publicKeyHex());
    ASSERT_NE(at, std::string::npos);
    relabelled.replace(at, attacker.publicKeyHex().size(), genuine.publicKeyHex());
    EXPECT_ERROR_CODE(decodeAuditExport(relabelled, *pinned), ErrorCode::AuditInvalid);
}
