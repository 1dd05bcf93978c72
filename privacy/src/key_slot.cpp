#include <secondline/privacy/key_slot.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;

namespace {

constexpr int kFileVersion = 1;
constexpr char kMacContext[] = "SLkeyMAC"; // crypto_kdf context: exactly 8 bytes

bool sodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

std::string toHex(const std::vector<std::uint8_t>& bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

bool fromHex(const std::string& hex, std::vector<std::uint8_t>& out, std::size_t expected) {
    out.assign(hex.size() / 2, 0);
    std::size_t len = 0;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0) return false;
    out.resize(len);
    return expected == 0 ? len > 0 : len == expected;
}

/// Canonical bytes the MAC covers: the JSON of everything but the MAC, serialized deterministically.
std::string macInput(const nlohmann::json& body) {
    return body.dump();
}

Result<std::vector<std::uint8_t>> computeMac(const std::string& input, const SecretBytes& databaseKey) {
    auto macKey = SecretBytes::allocate(crypto_generichash_KEYBYTES);
    if (!macKey) return fail(macKey.error());
    {
        auto k = databaseKey.read();
        auto out = macKey->write();
        if (k.bytes().size() != crypto_kdf_KEYBYTES ||
            crypto_kdf_derive_from_key(out.bytes().data(), out.bytes().size(), 1, kMacContext, k.bytes().data()) != 0)
            return fail(ErrorCode::Crypto, "cannot derive the key slot file MAC key");
    }
    std::vector<std::uint8_t> mac(crypto_generichash_BYTES);
    auto k = macKey->read();
    crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       k.bytes().data(), k.bytes().size());
    return mac;
}

nlohmann::json bodyOf(const KeySlotFile& file) {
    nlohmann::json slots = nlohmann::json::array();
    for (const auto& s : file.slots) {
        slots.push_back({{"user", s.userName},
                         {"kdf", "argon2id13"},
                         {"ops", s.kdf.opsLimit},
                         {"mem", s.kdf.memLimitBytes},
                         {"salt", toHex(s.salt)},
                         {"nonce", toHex(s.nonce)},
                         {"wrapped", toHex(s.ciphertext)}});
    }
    return {{"format", "secondline-keyslots"},
            {"version", kFileVersion},
            {"store_id", file.storeId},
            {"training", file.training},
            {"slots", slots}};
}

} // namespace

std::string newStoreId() {
    sodiumReady();
    std::vector<std::uint8_t> bytes(16);
    randombytes_buf(bytes.data(), bytes.size());
    return toHex(bytes);
}

Result<SecretBytes> newDatabaseKey() {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    return SecretBytes::random(kDatabaseKeyBytes);
}

namespace {
Result<SecretBytes> deriveWrappingKey(const SecretBytes& password, const std::vector<std::uint8_t>& salt,
                                      const KdfParams& kdf) {
    if (salt.size() != crypto_pwhash_SALTBYTES)
        return fail(ErrorCode::KeySlotCorrupt, "key slot salt has the wrong size");
    if (kdf.opsLimit < crypto_pwhash_OPSLIMIT_MIN || kdf.opsLimit > crypto_pwhash_OPSLIMIT_MAX ||
        kdf.memLimitBytes < crypto_pwhash_MEMLIMIT_MIN || kdf.memLimitBytes > (8ull << 30))
        return fail(ErrorCode::KeySlotCorrupt, "key slot has key derivation parameters outside the accepted range");
    auto key = SecretBytes::allocate(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
    if (!key) return key;
    auto out = key->write();
    auto pw = password.read();
    if (crypto_pwhash(out.bytes().data(), out.bytes().size(), reinterpret_cast<const char*>(pw.bytes().data()),
                      pw.bytes().size(), salt.data(), kdf.opsLimit, static_cast<std::size_t>(kdf.memLimitBytes),
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail(ErrorCode::Crypto, "password key derivation failed (out of memory?)");
    return key;
}
} // namespace

Result<KeySlot> wrapKey(const SecretBytes& databaseKey, std::string_view userName, const SecretBytes& password,
                        const KdfParams& kdf) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (databaseKey.size() != kDatabaseKeyBytes)
        return fail(ErrorCode::InvalidArgument, "database key has the wrong size");
    KeySlot slot;
    slot.userName = std::string(userName);
    slot.kdf = kdf;
    slot.salt.resize(crypto_pwhash_SALTBYTES);
    randombytes_buf(slot.salt.data(), slot.salt.size());
    slot.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    randombytes_buf(slot.nonce.data(), slot.nonce.size());
    auto wrapping = deriveWrappingKey(password, slot.salt, kdf);
    if (!wrapping)
        return fail(wrapping.error().code == ErrorCode::KeySlotCorrupt ? ErrorCode::InvalidArgument
                                                                       : wrapping.error().code,
                    wrapping.error().message);
    slot.ciphertext.resize(kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long written = 0;
    auto k = wrapping->read();
    auto plain = databaseKey.read();
    crypto_aead_xchacha20poly1305_ietf_encrypt(slot.ciphertext.data(), &written, plain.bytes().data(),
                                               plain.bytes().size(),
                                               reinterpret_cast<const unsigned char*>(slot.userName.data()),
                                               slot.userName.size(), nullptr, slot.nonce.data(), k.bytes().data());
    slot.ciphertext.resize(static_cast<std::size_t>(written));
    return slot;
}

Result<SecretBytes> unwrapKey(const KeySlot& slot, const SecretBytes& password) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (slot.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        slot.ciphertext.size() != kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return fail(ErrorCode::KeySlotCorrupt, "key slot has the wrong size");
    auto wrapping = deriveWrappingKey(password, slot.salt, slot.kdf);
    if (!wrapping) return fail(wrapping.error());
    auto key = SecretBytes::allocate(kDatabaseKeyBytes);
    if (!key) return key;
    {
        auto out = key->write();
        auto k = wrapping->read();
        unsigned long long len = 0;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.bytes().data(), &len, nullptr, slot.ciphertext.data(),
                                                       slot.ciphertext.size(),
                                                       reinterpret_cast<const unsigned char*>(slot.userName.data()),
                                                       slot.userName.size(), slot.nonce.data(), k.bytes().data()) != 0)
            return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
    }
    return key;
}

Result<std::string> encodeKeySlotFile(const KeySlotFile& file, const SecretBytes& databaseKey) {
    nlohmann::json body = bodyOf(file);
    auto mac = computeMac(macInput(body), databaseKey);
    if (!mac) return fail(mac.error());
    nlohmann::json doc = body;
    doc["mac"] = toHex(*mac);
    return doc.dump(2) + "\n";
}

Result<KeySlotFile> decodeKeySlotFile(std::string_view text) {
    if (text.size() > (4u << 20)) return fail(ErrorCode::KeySlotCorrupt, "key slot file is too large");
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is not valid JSON");
    try {
        if (doc.at("format").get<std::string>() != "secondline-keyslots")
            return fail(ErrorCode::KeySlotCorrupt, "not a SecondLine key slot file");
        if (doc.at("version").get<int>() != kFileVersion)
            return fail(ErrorCode::KeySlotCorrupt, "key slot file version is not supported");
        KeySlotFile file;
        file.storeId = doc.at("store_id").get<std::string>();
        file.training = doc.at("training").get<bool>();
        for (const auto& s : doc.at("slots")) {
            KeySlot slot;
            slot.userName = s.at("user").get<std::string>();
            if (s.at("kdf").get<std::string>() != "argon2id13")
                return fail(ErrorCode::KeySlotCorrupt, "key slot uses an unknown key derivation");
            slot.kdf.opsLimit = s.at("ops").get<std::uint64_t>();
            slot.kdf.memLimitBytes = s.at("mem").get<std::uint64_t>();
            if (!fromHex(s.at("salt").get<std::string>(), slot.salt, crypto_pwhash_SALTBYTES) ||
                !fromHex(s.at("nonce").get<std::string>(), slot.nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) ||
                !fromHex(s.at("wrapped").get<std::string>(), slot.ciphertext,
                         kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES))
                return fail(ErrorCode::KeySlotCorrupt, "key slot has a malformed field");
            file.slots.push_back(std::move(slot));
        }
        std::vector<std::uint8_t> mac;
        if (!fromHex(doc.at("mac").get<std::string>(), mac, crypto_generichash_BYTES))
            return fail(ErrorCode::KeySlotCorrupt, "key slot file MAC is malformed");
        return file;
    } catch (const nlohmann::json::exception&) {
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is missing a field or has one of the wrong type");
    }
}

core::Status verifyKeySlotFile(std::string_view text, const SecretBytes& databaseKey) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("mac") || !doc["mac"].is_string())
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is not valid JSON");
    std::vector<std::uint8_t> stored;
    if (!fromHex(doc["mac"].get<std::string>(), stored, crypto_generichash_BYTES))
        return fail(ErrorCode::KeySlotCorrupt, "key slot file MAC is malformed");
    nlohmann::json body = doc;
    body.erase("mac");
    auto expected = computeMac(macInput(body), databaseKey);
    if (!expected) return fail(expected.error());
    if (sodium_memcmp(stored.data(), expected->data(), stored.size()) != 0)
        return fail(ErrorCode::KeySlotCorrupt, "key slot file was altered (MAC mismatch)");
    return {};
}

const KeySlot* findSlot(const KeySlotFile& file, std::string_view userName) {
    const auto it =
        std::find_if(file.slots.begin(), file.slots.end(), [&](const KeySlot& s) { return s.userName == userName; });
    return it == file.slots.end() ? nullptr : &*it;
}

} // namespace secondline::privacy
