#include <secondline/privacy/escrow.h>

#include <sodium.h>

#include <array>
#include <vector>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;

namespace {

constexpr std::size_t kMaxEscrowKeyFileBytes = 4096;
constexpr std::string_view kFingerprintDomain = "secondline escrow key fingerprint 1";

std::string hexOf(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

bool binOf(std::string_view hex, unsigned char* out, std::size_t size) {
    std::size_t length = 0;
    return hex.size() == size * 2 &&
           sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &length, nullptr) == 0 && length == size;
}

core::Error malformed(const char* why) {
    return {ErrorCode::InvalidArgument, std::string("escrow key file: ") + why};
}

} // namespace

core::Result<EscrowKeyPair> newEscrowKeyPair() {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    auto secret = core::SecretBytes::allocate(crypto_box_SECRETKEYBYTES);
    if (!secret) return fail(secret.error());
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
    {
        auto sk = secret->write();
        if (crypto_box_keypair(pk.data(), sk.bytes().data()) != 0)
            return fail(ErrorCode::Crypto, "cannot make an escrow key pair");
    }
    return EscrowKeyPair{hexOf(pk.data(), pk.size()), std::move(*secret)};
}

std::string encodeEscrowKeyFile(const EscrowKeyPair& keys) {
    auto sk = keys.secret.read();
    std::string secretHex = hexOf(sk.bytes().data(), sk.bytes().size());
    std::string text =
        std::string(kEscrowKeyFileMagic) + "\npublic " + keys.publicKeyHex + "\nsecret " + secretHex + "\n";
    sodium_memzero(secretHex.data(), secretHex.size());
    return text;
}

core::Result<EscrowKeyPair> decodeEscrowKeyFile(std::string_view text) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (text.size() > kMaxEscrowKeyFileBytes) return fail(malformed("larger than any escrow key file"));
    const std::string publicPrefix = std::string(kEscrowKeyFileMagic) + "\npublic ";
    constexpr std::string_view kSecretPrefix = "\nsecret ";
    constexpr std::size_t kHex = crypto_box_PUBLICKEYBYTES * 2;
    const std::size_t expected = publicPrefix.size() + kHex + kSecretPrefix.size() + kHex + 1;
    if (text.size() != expected || text.compare(0, publicPrefix.size(), publicPrefix) != 0 ||
        text.substr(publicPrefix.size() + kHex, kSecretPrefix.size()) != kSecretPrefix || text.back() != '\n')
        return fail(malformed("not a SecondLine escrow key file"));
    const auto publicHex = text.substr(publicPrefix.size(), kHex);
    const auto secretHex = text.substr(publicPrefix.size() + kHex + kSecretPrefix.size(), kHex);
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
    if (!binOf(publicHex, pk.data(), pk.size())) return fail(malformed("the public key is not 64 hex digits"));
    auto secret = core::SecretBytes::allocate(crypto_box_SECRETKEYBYTES);
    if (!secret) return fail(secret.error());
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> derived{};
    {
        auto sk = secret->write();
        if (!binOf(secretHex, sk.bytes().data(), sk.bytes().size()))
            return fail(malformed("the secret key is not 64 hex digits"));
        if (crypto_scalarmult_base(derived.data(), sk.bytes().data()) != 0)
            return fail(malformed("the secret key is not usable"));
    }
    if (sodium_memcmp(derived.data(), pk.data(), pk.size()) != 0)
        return fail(malformed("the public key does not belong to the secret key"));
    return EscrowKeyPair{hexOf(pk.data(), pk.size()), std::move(*secret)};
}

core::Result<std::string> parseEscrowPublicKey(std::string_view hex) {
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
    if (!binOf(hex, pk.data(), pk.size()))
        return fail(ErrorCode::InvalidArgument, "the escrow public key must be 64 hex digits (32 bytes)");
    if (sodium_is_zero(pk.data(), pk.size()))
        return fail(ErrorCode::InvalidArgument, "the escrow public key is all zeros");
    return hexOf(pk.data(), pk.size());
}

std::string escrowFingerprint(std::string_view publicKeyHex) {
    std::array<unsigned char, 16> out{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, out.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kFingerprintDomain.data()),
                              kFingerprintDomain.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(publicKeyHex.data()), publicKeyHex.size());
    crypto_generichash_final(&state, out.data(), out.size());
    return hexOf(out.data(), out.size());
}

core::Result<std::string> sealToEscrow(const core::SecretBytes& key, std::string_view publicKeyHex) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
    if (!binOf(publicKeyHex, pk.data(), pk.size()))
        return fail(ErrorCode::InvalidArgument, "the escrow public key must be 64 hex digits (32 bytes)");
    auto plain = key.read();
    std::vector<unsigned char> sealed(plain.bytes().size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(sealed.data(), plain.bytes().data(), plain.bytes().size(), pk.data()) != 0)
        return fail(ErrorCode::Crypto, "cannot seal to the escrow key");
    return hexOf(sealed.data(), sealed.size());
}

core::Result<core::SecretBytes> openFromEscrow(std::string_view sealedHex, const EscrowKeyPair& keys) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (sealedHex.size() % 2 != 0 || sealedHex.size() / 2 <= crypto_box_SEALBYTES)
        return fail(ErrorCode::InvalidArgument, "the sealed key is malformed");
    std::vector<unsigned char> sealed(sealedHex.size() / 2);
    if (!binOf(sealedHex, sealed.data(), sealed.size()))
        return fail(ErrorCode::InvalidArgument, "the sealed key is not hex");
    std::array<unsigned char, crypto_box_PUBLICKEYBYTES> pk{};
    if (!binOf(keys.publicKeyHex, pk.data(), pk.size()))
        return fail(ErrorCode::InvalidArgument, "the escrow public key is malformed");
    auto out = core::SecretBytes::allocate(sealed.size() - crypto_box_SEALBYTES);
    if (!out) return fail(out.error());
    {
        auto plain = out->write();
        auto sk = keys.secret.read();
        if (crypto_box_seal_open(plain.bytes().data(), sealed.data(), sealed.size(), pk.data(), sk.bytes().data()) != 0)
            return fail(ErrorCode::AuthenticationFailed, "the sealed key does not open with this escrow key");
    }
    return out;
}

} // namespace secondline::privacy
