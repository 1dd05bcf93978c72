// Issue 18, item 9: the escrow key pair of backups (privacy/escrow.h): the key file, sealing and opening, and
// the fingerprint.

#include <secondline/privacy/escrow.h>

#include "test_support.h"

#include <gtest/gtest.h>

using namespace secondline;
using core::ErrorCode;

namespace {

privacy::EscrowKeyPair keyPair() {
    auto keys = privacy::newEscrowKeyPair();
    if (!keys) throw std::runtime_error(keys.error().message);
    return std::move(*keys);
}

core::SecretBytes key32() {
    auto key = core::SecretBytes::random(32);
    if (!key) throw std::runtime_error(key.error().message);
    return std::move(*key);
}

} // namespace

TEST(EscrowKey, FileRoundTripsAndStartsWithItsHeaderLine) {
    const auto keys = keyPair();
    EXPECT_EQ(keys.publicKeyHex.size(), 64u);
    const std::string text = privacy::encodeEscrowKeyFile(keys);
    EXPECT_EQ(text.rfind(std::string(privacy::kEscrowKeyFileMagic) + "\n", 0), 0u);
    auto back = privacy::decodeEscrowKeyFile(text);
    ASSERT_OK(back);
    EXPECT_EQ(back->publicKeyHex, keys.publicKeyHex);
    EXPECT_TRUE(back->secret.equals(keys.secret));
}

TEST(EscrowKey, MalformedFilesAreRefused) {
    const auto keys = keyPair();
    const std::string good = privacy::encodeEscrowKeyFile(keys);
    const std::string other = privacy::encodeEscrowKeyFile(keyPair());
    auto refused = [](const std::string& text, const char* what) {
        SCOPED_TRACE(what);
        EXPECT_ERROR_CODE(privacy::decodeEscrowKeyFile(text), ErrorCode::InvalidArgument);
    };
    refused("", "empty");
    refused(good.substr(0, good.size() - 1), "no final newline");
    refused(good + "\n", "a line more");
    refused("secondline-escrow-key 2" + good.substr(good.find('\n')), "another version");
    // The public line of one file with the secret line of another: the keys do not belong together.
    refused(good.substr(0, good.find("\nsecret ")) + other.substr(other.find("\nsecret ")), "mismatched keys");
    std::string notHex = good;
    notHex[notHex.find("\nsecret ") + 9] = 'z';
    refused(notHex, "not hex");
    refused(std::string(8192, 'a'), "too large");
}

TEST(EscrowKey, SealedKeyOpensWithTheMatchingPairOnly) {
    const auto keys = keyPair();
    const auto key = key32();
    auto sealed = privacy::sealToEscrow(key, keys.publicKeyHex);
    ASSERT_OK(sealed);
    auto opened = privacy::openFromEscrow(*sealed, keys);
    ASSERT_OK(opened);
    EXPECT_TRUE(opened->equals(key));
    EXPECT_ERROR_CODE(privacy::openFromEscrow(*sealed, keyPair()), ErrorCode::AuthenticationFailed);
    std::string altered = *sealed;
    altered[10] = altered[10] == '0' ? '1' : '0';
    EXPECT_ERROR_CODE(privacy::openFromEscrow(altered, keys), ErrorCode::AuthenticationFailed);
    EXPECT_ERROR_CODE(privacy::openFromEscrow("zz", keys), ErrorCode::InvalidArgument);
    auto again = privacy::sealToEscrow(key, keys.publicKeyHex);
    ASSERT_OK(again);
    EXPECT_NE(*again, *sealed) << "an ephemeral key per seal";
}

TEST(EscrowKey, PublicKeysAreCheckedAndNormalized) {
    const auto keys = keyPair();
    std::string upper = keys.publicKeyHex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto parsed = privacy::parseEscrowPublicKey(upper);
    ASSERT_OK(parsed);
    EXPECT_EQ(*parsed, keys.publicKeyHex);
    EXPECT_ERROR_CODE(privacy::parseEscrowPublicKey(""), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(privacy::parseEscrowPublicKey(keys.publicKeyHex.substr(2)), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(privacy::parseEscrowPublicKey(keys.publicKeyHex + "00"), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(privacy::parseEscrowPublicKey(std::string(64, '0')), ErrorCode::InvalidArgument);
    EXPECT_ERROR_CODE(privacy::sealToEscrow(key32(), "nothex"), ErrorCode::InvalidArgument);
}

TEST(EscrowKey, FingerprintIsShortStableAndPerKey) {
    const auto a = keyPair();
    const auto b = keyPair();
    const std::string fa = privacy::escrowFingerprint(a.publicKeyHex);
    EXPECT_EQ(fa.size(), 32u);
    EXPECT_EQ(fa, privacy::escrowFingerprint(a.publicKeyHex));
    EXPECT_NE(fa, privacy::escrowFingerprint(b.publicKeyHex));
    // Known answer (BLAKE2b-128 of the domain string and the key's hex, computed independently): pinned so that
    // a change of the domain or the hash shows, since fingerprints are kept in audit trails.
    EXPECT_EQ(privacy::escrowFingerprint(std::string(64, 'a')), "105b1f3759c8c77922702074bc43b19f");
}
