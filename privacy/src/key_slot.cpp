#include <secondline/privacy/key_slot.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <atomic>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;

namespace {

// 1: slots wrap the database key; 2: adds sealed keys and attributes; 3: verifiers, keys under the root key
constexpr int kFileVersion = kKeySlotFileVersion;
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

Result<std::vector<std::uint8_t>> computeMac(const std::string& input, const SecretBytes& storeKey) {
    auto macKey = SecretBytes::allocate(crypto_generichash_KEYBYTES);
    if (!macKey) return fail(macKey.error());
    {
        auto k = storeKey.read();
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
        nlohmann::json slot = {{"user", s.userName},
                               {"kdf", "argon2id13"},
                               {"ops", s.kdf.opsLimit},
                               {"mem", s.kdf.memLimitBytes},
                               {"salt", toHex(s.salt)}};
        if (s.isVerifier()) {
            slot["verifier"] = s.resetRequired ? std::string() : toHex(s.verifier);
            slot["reset_required"] = s.resetRequired;
        } else {
            slot["nonce"] = toHex(s.nonce);
            slot["wrapped"] = toHex(s.ciphertext);
        }
        slots.push_back(std::move(slot));
    }
    nlohmann::json body = {{"format", file.kind},
                           {"version", file.version >= 3 ? 3 : 2},
                           {"store_id", file.storeId},
                           {"training", file.training},
                           {"slots", slots}};
    auto sealed = [](const SealedKey& k) {
        return nlohmann::json{{"nonce", toHex(k.nonce)}, {"sealed", toHex(k.ciphertext)}};
    };
    if (file.databaseKey) body["database_key"] = sealed(*file.databaseKey);
    if (file.pendingDatabaseKey) body["pending_database_key"] = sealed(*file.pendingDatabaseKey);
    if (file.indexKey) body["index_key"] = sealed(*file.indexKey);
    if (file.auditKey) body["audit_key"] = sealed(*file.auditKey);
    if (file.storeKey) body["store_key"] = sealed(*file.storeKey);
    if (!file.attributes.empty()) {
        nlohmann::json attributes = nlohmann::json::object();
        for (const auto& [name, value] : file.attributes) attributes[name] = value;
        body["attributes"] = attributes;
    }
    return body;
}

bool readSealed(const nlohmann::json& j, SealedKey& out) {
    return fromHex(j.at("nonce").get<std::string>(), out.nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) &&
           fromHex(j.at("sealed").get<std::string>(), out.ciphertext,
                   kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES);
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
std::atomic<std::uint64_t> g_argon2idRuns{0};

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
    g_argon2idRuns.fetch_add(1, std::memory_order_relaxed);
    // An empty password (a reset-required slot's dummy run) has no buffer: libsodium still wants a pointer.
    static const char kNoPassword = '\0';
    const char* passwordBytes = pw.bytes().empty() ? &kNoPassword : reinterpret_cast<const char*>(pw.bytes().data());
    if (crypto_pwhash(out.bytes().data(), out.bytes().size(), passwordBytes, pw.bytes().size(), salt.data(),
                      kdf.opsLimit, static_cast<std::size_t>(kdf.memLimitBytes), crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail(ErrorCode::Crypto, "password key derivation failed (out of memory?)");
    return key;
}
} // namespace

Result<KeySlot> wrapKey(const SecretBytes& storeKey, std::string_view userName, const SecretBytes& password,
                        const KdfParams& kdf) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (storeKey.size() != kDatabaseKeyBytes)
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
    auto plain = storeKey.read();
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

namespace {
constexpr std::string_view kVerifierContext = "secondline verifier v1 ";

/// BLAKE2b-256 keyed with Argon2id(password, salt), over the user name.
Result<std::vector<std::uint8_t>> verifierOf(std::string_view userName, const SecretBytes& password,
                                             const std::vector<std::uint8_t>& salt, const KdfParams& kdf) {
    auto stretched = deriveWrappingKey(password, salt, kdf);
    if (!stretched) return fail(stretched.error());
    std::string message(kVerifierContext);
    message += userName;
    std::vector<std::uint8_t> out(crypto_generichash_BYTES);
    auto k = stretched->read();
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       k.bytes().data(), k.bytes().size());
    return out;
}
} // namespace

Result<KeySlot> makeVerifier(std::string_view userName, const SecretBytes& password, const KdfParams& kdf) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    KeySlot slot;
    slot.userName = std::string(userName);
    slot.kdf = kdf;
    slot.salt.resize(crypto_pwhash_SALTBYTES);
    randombytes_buf(slot.salt.data(), slot.salt.size());
    auto v = verifierOf(userName, password, slot.salt, kdf);
    if (!v)
        return fail(v.error().code == ErrorCode::KeySlotCorrupt ? ErrorCode::InvalidArgument : v.error().code,
                    v.error().message);
    slot.verifier = std::move(*v);
    return slot;
}

KeySlot resetRequiredSlot(std::string_view userName, const KdfParams& kdf) {
    sodiumReady();
    KeySlot slot;
    slot.userName = std::string(userName);
    slot.kdf = kdf;
    slot.salt.resize(crypto_pwhash_SALTBYTES);
    randombytes_buf(slot.salt.data(), slot.salt.size());
    slot.resetRequired = true;
    return slot;
}

core::Status checkVerifier(const KeySlot& slot, const SecretBytes& password) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (!slot.isVerifier() || (!slot.resetRequired && slot.verifier.size() != crypto_generichash_BYTES))
        return fail(ErrorCode::KeySlotCorrupt, "key slot is not a well-formed verifier");
    auto v = verifierOf(slot.userName, password, slot.salt, slot.kdf);
    if (!v) return fail(v.error());
    static_assert(crypto_generichash_BYTES == 32);
    if (slot.resetRequired || crypto_verify_32(v->data(), slot.verifier.data()) != 0)
        return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
    return {};
}

core::Status spendPasswordHash(const SecretBytes& password, const KdfParams& kdf) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    static const std::vector<std::uint8_t> dummySalt(crypto_pwhash_SALTBYTES, 0x5a);
    auto v = verifierOf("(unknown)", password, dummySalt, kdf);
    if (!v) return fail(ErrorCode::Crypto, "password key derivation failed");
    return {};
}

std::uint64_t argon2idRuns() noexcept {
    return g_argon2idRuns.load(std::memory_order_relaxed);
}

Result<SealedKey> sealKey(const SecretBytes& wrappingKey, const SecretBytes& key, std::string_view context) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (wrappingKey.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES || key.size() != kDatabaseKeyBytes)
        return fail(ErrorCode::InvalidArgument, "keys to seal must be 256-bit");
    SealedKey out;
    out.nonce.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    randombytes_buf(out.nonce.data(), out.nonce.size());
    out.ciphertext.resize(kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long written = 0;
    auto w = wrappingKey.read();
    auto plain = key.read();
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.ciphertext.data(), &written, plain.bytes().data(),
                                               plain.bytes().size(),
                                               reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                                               nullptr, out.nonce.data(), w.bytes().data());
    out.ciphertext.resize(static_cast<std::size_t>(written));
    return out;
}

Result<SecretBytes> openSealedKey(const SecretBytes& wrappingKey, const SealedKey& sealed, std::string_view context) {
    if (!sodiumReady()) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (wrappingKey.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES ||
        sealed.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        sealed.ciphertext.size() != kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return fail(ErrorCode::KeySlotCorrupt, "sealed key has the wrong size");
    auto key = SecretBytes::allocate(kDatabaseKeyBytes);
    if (!key) return key;
    auto out = key->write();
    auto w = wrappingKey.read();
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.bytes().data(), &len, nullptr, sealed.ciphertext.data(),
                                                   sealed.ciphertext.size(),
                                                   reinterpret_cast<const unsigned char*>(context.data()),
                                                   context.size(), sealed.nonce.data(), w.bytes().data()) != 0)
        return fail(ErrorCode::KeySlotCorrupt, "a sealed key does not open (altered, or from another store)");
    return key;
}

const std::string* KeySlotFile::attribute(std::string_view name) const {
    for (const auto& [n, v] : attributes)
        if (n == name) return &v;
    return nullptr;
}

Result<std::string> encodeKeySlotFile(const KeySlotFile& file, const SecretBytes& storeKey) {
    if (file.version < 3)
        for (const auto& slot : file.slots)
            if (slot.isVerifier()) return fail(ErrorCode::InvalidArgument, "a verifier slot needs format 3");
    nlohmann::json body = bodyOf(file);
    auto mac = computeMac(macInput(body), storeKey);
    if (!mac) return fail(mac.error());
    nlohmann::json doc = body;
    doc["mac"] = toHex(*mac);
    return doc.dump(2) + "\n";
}

Result<KeySlotFile> decodeKeySlotFile(std::string_view text, std::string_view kind) {
    if (text.size() > (4u << 20)) return fail(ErrorCode::KeySlotCorrupt, "key slot file is too large");
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is not valid JSON");
    try {
        if (doc.at("format").get<std::string>() != kind)
            return fail(ErrorCode::KeySlotCorrupt, "not a SecondLine " + std::string(kind) + " file");
        const int version = doc.at("version").get<int>();
        if (version < 1 || version > kFileVersion)
            return fail(ErrorCode::KeySlotCorrupt, "key slot file version is not supported");
        KeySlotFile file;
        file.kind = std::string(kind);
        file.version = version;
        file.storeId = doc.at("store_id").get<std::string>();
        file.training = doc.at("training").get<bool>();
        for (const auto& s : doc.at("slots")) {
            KeySlot slot;
            slot.userName = s.at("user").get<std::string>();
            if (s.at("kdf").get<std::string>() != "argon2id13")
                return fail(ErrorCode::KeySlotCorrupt, "key slot uses an unknown key derivation");
            slot.kdf.opsLimit = s.at("ops").get<std::uint64_t>();
            slot.kdf.memLimitBytes = s.at("mem").get<std::uint64_t>();
            if (version >= 3 && s.contains("verifier")) {
                slot.resetRequired = s.at("reset_required").get<bool>();
                const auto hex = s.at("verifier").get<std::string>();
                if (!fromHex(s.at("salt").get<std::string>(), slot.salt, crypto_pwhash_SALTBYTES) ||
                    (slot.resetRequired ? !hex.empty() : !fromHex(hex, slot.verifier, crypto_generichash_BYTES)))
                    return fail(ErrorCode::KeySlotCorrupt, "key slot has a malformed field");
                file.slots.push_back(std::move(slot));
                continue;
            }
            if (!fromHex(s.at("salt").get<std::string>(), slot.salt, crypto_pwhash_SALTBYTES) ||
                !fromHex(s.at("nonce").get<std::string>(), slot.nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) ||
                !fromHex(s.at("wrapped").get<std::string>(), slot.ciphertext,
                         kDatabaseKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES))
                return fail(ErrorCode::KeySlotCorrupt, "key slot has a malformed field");
            file.slots.push_back(std::move(slot));
        }
        for (const auto& [field, target] :
             {std::pair{"database_key", &file.databaseKey}, std::pair{"pending_database_key", &file.pendingDatabaseKey},
              std::pair{"index_key", &file.indexKey}, std::pair{"audit_key", &file.auditKey},
              std::pair{"store_key", &file.storeKey}}) {
            if (!doc.contains(field)) continue;
            SealedKey k;
            if (!readSealed(doc.at(field), k)) return fail(ErrorCode::KeySlotCorrupt, "a sealed key is malformed");
            *target = std::move(k);
        }
        if (doc.contains("attributes"))
            for (const auto& [name, value] : doc.at("attributes").items())
                file.attributes.emplace_back(name, value.get<std::string>());
        std::vector<std::uint8_t> mac;
        if (!fromHex(doc.at("mac").get<std::string>(), mac, crypto_generichash_BYTES))
            return fail(ErrorCode::KeySlotCorrupt, "key slot file MAC is malformed");
        return file;
    } catch (const nlohmann::json::exception&) {
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is missing a field or has one of the wrong type");
    }
}

core::Status verifyKeySlotFile(std::string_view text, const SecretBytes& storeKey) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("mac") || !doc["mac"].is_string())
        return fail(ErrorCode::KeySlotCorrupt, "key slot file is not valid JSON");
    std::vector<std::uint8_t> stored;
    if (!fromHex(doc["mac"].get<std::string>(), stored, crypto_generichash_BYTES))
        return fail(ErrorCode::KeySlotCorrupt, "key slot file MAC is malformed");
    nlohmann::json body = doc;
    body.erase("mac");
    auto expected = computeMac(macInput(body), storeKey);
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
