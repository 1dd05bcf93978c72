#include <secondline/privacy/sharing.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

namespace {

constexpr std::string_view kShareFormat = "secondline-share/1";
constexpr std::string_view kKeyFormat = "secondline-share-key/1";
constexpr std::string_view kShareDomain = "secondline share v1";
constexpr std::size_t kMaxShareBytes = 4u << 20;

std::string hexOf(const unsigned char* bytes, std::size_t size) {
    std::string hex(size * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, size);
    hex.pop_back();
    return hex;
}

bool binOf(std::string_view hex, std::vector<unsigned char>& out) {
    if (hex.size() % 2 != 0) return false;
    out.resize(hex.size() / 2);
    std::size_t length = 0;
    return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, nullptr) == 0 &&
           length == out.size();
}

std::string envelopeMessage(const std::string& agreement, const std::string& recipient, const std::string& recipientKey,
                            const std::string& sender, const std::string& ciphertextHex) {
    return agreement + "\n" + recipient + "\n" + recipientKey + "\n" + sender + "\n" + ciphertextHex;
}

core::Error invalid(const std::string& why) {
    return {ErrorCode::ShareInvalid, "sharing package: " + why};
}

} // namespace

core::Result<ShareKeyPair> newShareKeyPair() {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    auto secret = core::SecretBytes::allocate(crypto_box_SECRETKEYBYTES);
    if (!secret) return fail(secret.error());
    unsigned char pk[crypto_box_PUBLICKEYBYTES];
    {
        auto sk = secret->write();
        if (crypto_box_keypair(pk, sk.bytes().data()) != 0) return fail(ErrorCode::Crypto, "cannot make a key pair");
    }
    return ShareKeyPair{hexOf(pk, sizeof pk), std::move(*secret)};
}

std::string encodeShareKeyFile(const ShareKeyPair& keys) {
    auto sk = keys.secret.read();
    return json{{"format", kKeyFormat},
                {"public_key", keys.publicKeyHex},
                {"secret_key", hexOf(sk.bytes().data(), sk.bytes().size())}}
               .dump(2) +
           "\n";
}

core::Result<ShareKeyPair> decodeShareKeyFile(std::string_view text) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (text.size() > 64 * 1024) return fail(invalid("the key file is too large"));
    const auto j = json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("format") || j["format"] != kKeyFormat ||
        !j.contains("public_key") || !j["public_key"].is_string() || !j.contains("secret_key") ||
        !j["secret_key"].is_string())
        return fail(invalid("not a SecondLine share key file"));
    std::vector<unsigned char> secret;
    std::vector<unsigned char> pub;
    if (!binOf(j["secret_key"].get<std::string>(), secret) || secret.size() != crypto_box_SECRETKEYBYTES ||
        !binOf(j["public_key"].get<std::string>(), pub) || pub.size() != crypto_box_PUBLICKEYBYTES)
        return fail(invalid("the key file's keys are malformed"));
    unsigned char derived[crypto_box_PUBLICKEYBYTES];
    crypto_scalarmult_base(derived, secret.data());
    const bool matches = sodium_memcmp(derived, pub.data(), sizeof derived) == 0;
    auto guarded = core::SecretBytes::copyOf(secret);
    sodium_memzero(secret.data(), secret.size());
    if (!matches) return fail(invalid("the key file's public key does not belong to its secret key"));
    if (!guarded) return fail(guarded.error());
    return ShareKeyPair{j["public_key"].get<std::string>(), std::move(*guarded)};
}

core::Result<std::string> sealShare(const SharePayload& p, const SharingAgreement& agreement,
                                    const AuditSigner& signer) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    json fields = json::object();
    for (const auto& [name, value] : p.fields) {
        if (!agreement.fields.count(name))
            return fail(ErrorCode::PolicyForbids, "field " + name + " is outside agreement " + agreement.name);
        fields[name] = value;
    }
    const json payload = {{"agreement", p.agreement},
                          {"recipient", p.recipient},
                          {"purpose", p.purpose},
                          {"legal_reference", p.legalReference},
                          {"store_id", p.storeId},
                          {"sender_public_key", signer.publicKeyHex()},
                          {"created", core::formatUtc(p.created)},
                          {"record_id", p.recordId},
                          {"fields", fields}};
    std::string plain = payload.dump();
    std::vector<unsigned char> sealed(plain.size() + crypto_box_SEALBYTES);
    const int rc = crypto_box_seal(sealed.data(), reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
                                   agreement.publicKey.data());
    sodium_memzero(plain.data(), plain.size());
    if (rc != 0) return fail(ErrorCode::Crypto, "cannot encrypt the sharing package");
    const std::string recipientKey = hexOf(agreement.publicKey.data(), agreement.publicKey.size());
    const std::string ciphertext = hexOf(sealed.data(), sealed.size());
    const std::string signature =
        signer.sign(kShareDomain, envelopeMessage(agreement.name, agreement.recipient, recipientKey,
                                                  signer.publicKeyHex(), ciphertext));
    return json{{"format", kShareFormat},
                {"agreement", agreement.name},
                {"recipient", agreement.recipient},
                {"recipient_public_key", recipientKey},
                {"sender_public_key", signer.publicKeyHex()},
                {"ciphertext", ciphertext},
                {"signature", signature}}
               .dump(2) +
           "\n";
}

core::Result<OpenedShare> openShare(std::string_view text, const ShareKeyPair& recipient,
                                    const TrustedKeys& trustedSenders) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (text.size() > kMaxShareBytes) return fail(invalid("larger than any package SecondLine writes"));
    const auto env = json::parse(text.begin(), text.end(), nullptr, false);
    if (env.is_discarded() || !env.is_object()) return fail(invalid("not JSON"));
    for (const char* key :
         {"format", "agreement", "recipient", "recipient_public_key", "sender_public_key", "ciphertext", "signature"})
        if (!env.contains(key) || !env[key].is_string()) return fail(invalid(std::string("no ") + key));
    if (env["format"] != kShareFormat) return fail(invalid("unknown format"));
    const auto agreement = env["agreement"].get<std::string>();
    const auto recipientName = env["recipient"].get<std::string>();
    const auto recipientKey = env["recipient_public_key"].get<std::string>();
    const auto sender = env["sender_public_key"].get<std::string>();
    const auto ciphertext = env["ciphertext"].get<std::string>();
    // The key the package names is the sender's claim; only a key the recipient trusts makes it true.
    const TrustedKey* trusted = trustedSenders.find(sender);
    if (!trusted)
        return fail(invalid("signed with a workstation key that is not trusted (not the --public-key given, nor in "
                            "the trust store)"));
    if (!verifySignature(sender, kShareDomain,
                         envelopeMessage(agreement, recipientName, recipientKey, sender, ciphertext),
                         env["signature"].get<std::string>()))
        return fail(
            invalid("the workstation's signature does not verify (altered or not from a SecondLine workstation)"));
    if (recipientKey != recipient.publicKeyHex) return fail(invalid("it is addressed to another recipient key"));
    std::vector<unsigned char> sealed;
    if (!binOf(ciphertext, sealed) || sealed.size() < crypto_box_SEALBYTES)
        return fail(invalid("malformed ciphertext"));
    std::vector<unsigned char> pk;
    if (!binOf(recipient.publicKeyHex, pk) || pk.size() != crypto_box_PUBLICKEYBYTES)
        return fail(invalid("malformed recipient key"));
    std::string plain(sealed.size() - crypto_box_SEALBYTES, '\0');
    {
        auto sk = recipient.secret.read();
        if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), sealed.data(), sealed.size(),
                                 pk.data(), sk.bytes().data()) != 0)
            return fail(invalid("it does not decrypt with this key"));
    }
    const auto j = json::parse(plain, nullptr, false);
    sodium_memzero(plain.data(), plain.size());
    OpenedShare out;
    out.senderName = trusted->name;
    try {
        auto& p = out.payload;
        p.agreement = j.at("agreement").get<std::string>();
        p.recipient = j.at("recipient").get<std::string>();
        p.purpose = j.at("purpose").get<std::string>();
        p.legalReference = j.at("legal_reference").get<std::string>();
        p.storeId = j.at("store_id").get<std::string>();
        p.senderPublicKeyHex = j.at("sender_public_key").get<std::string>();
        auto created = core::parseUtc(j.at("created").get<std::string>());
        if (!created) return fail(invalid("unreadable creation time"));
        p.created = *created;
        p.recordId = j.at("record_id").get<std::int64_t>();
        for (const auto& [name, value] : j.at("fields").items()) p.fields.emplace_back(name, value.get<std::string>());
    } catch (const json::exception&) {
        return fail(invalid("the decrypted content is malformed"));
    }
    if (out.payload.agreement != agreement || out.payload.recipient != recipientName ||
        out.payload.senderPublicKeyHex != sender)
        return fail(invalid("the decrypted content does not match its envelope"));
    return out;
}

} // namespace secondline::privacy
