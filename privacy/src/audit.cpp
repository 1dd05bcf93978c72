#include <secondline/privacy/audit.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <charconv>

namespace secondline::privacy {

namespace {

void appendField(std::string& out, const std::string& value) {
    // Length-prefixed, so no two different entries serialize the same.
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += ';';
}

} // namespace

std::string genesisHash() {
    return std::string(64, '0');
}

std::string computeAuditHash(const AuditEntry& e) {
    std::string canonical = "secondline-audit-v1;";
    appendField(canonical, std::to_string(e.sequence));
    appendField(canonical, core::formatUtc(e.time));
    appendField(canonical, e.userName);
    appendField(canonical, e.role);
    appendField(canonical, e.action);
    appendField(canonical, e.recordId ? std::to_string(*e.recordId) : std::string("-"));
    appendField(canonical, e.purpose);
    appendField(canonical, e.detail);
    appendField(canonical, e.previousHash);
    if (!e.justification.empty()) {
        canonical += "j;";
        appendField(canonical, e.justification);
    }
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(canonical.data()),
                       canonical.size(), nullptr, 0);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

ChainCheck verifyAuditChain(const std::vector<AuditEntry>& entries) {
    std::string previous = genesisHash();
    std::int64_t expectedSeq = 1;
    for (const auto& e : entries) {
        auto broken = [&](std::string problem) { return ChainCheck{false, e.sequence, std::move(problem)}; };
        if (e.sequence != expectedSeq) return broken("sequence gap or reordering");
        if (e.previousHash != previous) return broken("previous hash does not match the entry before");
        if (computeAuditHash(e) != e.hash) return broken("entry content does not match its hash");
        previous = e.hash;
        ++expectedSeq;
    }
    return {};
}

namespace {

constexpr char kSigningContext[] = "SLauditk"; // crypto_kdf context: exactly 8 bytes
constexpr std::string_view kCheckpointDomain = "secondline audit checkpoint v1";
constexpr std::string_view kExportDomain = "secondline audit export v1";
constexpr std::string_view kCheckpointFormat = "secondline-audit-checkpoint/1";
constexpr std::string_view kExportFormat = "secondline-audit-export/1";

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

std::string signedMessage(std::string_view domain, std::string_view message) {
    std::string m(domain);
    m += '\n';
    m += message;
    return m;
}

std::string checkpointMessage(const AuditCheckpoint& c) {
    return c.storeId + "\n" + std::to_string(c.sequence) + "\n" + c.hash + "\n" + core::formatUtc(c.time) + "\n" +
           c.publicKeyHex;
}

std::string exportMessage(const AuditExport& t, std::uint64_t count, const std::string& lastHash) {
    return t.storeId + "\n" + t.publicKeyHex + "\n" + std::to_string(t.signedFrom) + "\n" + std::to_string(count) +
           "\n" + lastHash + "\n" + core::formatUtc(t.exported);
}

nlohmann::json entryJson(const AuditEntry& e) {
    nlohmann::json j = {{"seq", e.sequence},
                        {"time", core::formatUtc(e.time)},
                        {"user", e.userName},
                        {"role", e.role},
                        {"action", e.action},
                        {"record_id", nullptr},
                        {"purpose", e.purpose},
                        {"detail", e.detail},
                        {"justification", e.justification},
                        {"prev_hash", e.previousHash},
                        {"hash", e.hash},
                        {"signature", e.signature}};
    if (e.recordId) j["record_id"] = *e.recordId;
    return j;
}

} // namespace

core::Result<core::SecretBytes> AuditSigner::seedFromStoreKey(const core::SecretBytes& storeKey) {
    if (sodium_init() < 0) return core::fail(core::ErrorCode::Crypto, "libsodium failed to initialise");
    auto seed = core::SecretBytes::allocate(crypto_sign_SEEDBYTES);
    if (!seed) return core::fail(seed.error());
    auto in = storeKey.read();
    auto s = seed->write();
    if (in.bytes().size() != crypto_kdf_KEYBYTES ||
        crypto_kdf_derive_from_key(s.bytes().data(), s.bytes().size(), 3, kSigningContext, in.bytes().data()) != 0)
        return core::fail(core::ErrorCode::Crypto, "cannot derive the workstation signing key");
    return seed;
}

core::Result<AuditSigner> AuditSigner::fromSeed(const core::SecretBytes& seed) {
    if (sodium_init() < 0) return core::fail(core::ErrorCode::Crypto, "libsodium failed to initialise");
    if (seed.size() != crypto_sign_SEEDBYTES)
        return core::fail(core::ErrorCode::InvalidArgument, "the signing seed has the wrong size");
    auto secret = core::SecretBytes::allocate(crypto_sign_SECRETKEYBYTES);
    if (!secret) return core::fail(secret.error());
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    {
        auto s = seed.read();
        auto sk = secret->write();
        if (crypto_sign_seed_keypair(pk, sk.bytes().data(), s.bytes().data()) != 0)
            return core::fail(core::ErrorCode::Crypto, "cannot make the workstation signing key");
    }
    AuditSigner signer;
    signer.m_secret = std::move(*secret);
    signer.m_publicHex = hexOf(pk, sizeof pk);
    return signer;
}

core::Result<AuditSigner> AuditSigner::fromStoreKey(const core::SecretBytes& storeKey) {
    auto seed = seedFromStoreKey(storeKey);
    if (!seed) return core::fail(seed.error());
    return fromSeed(*seed);
}

std::string AuditSigner::sign(std::string_view domain, std::string_view message) const {
    const std::string m = signedMessage(domain, message);
    unsigned char sig[crypto_sign_BYTES];
    auto sk = m_secret.read();
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(m.data()), m.size(), sk.bytes().data());
    return hexOf(sig, sizeof sig);
}

bool verifySignature(std::string_view publicKeyHex, std::string_view domain, std::string_view message,
                     std::string_view signatureHex) {
    if (sodium_init() < 0) return false;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sig[crypto_sign_BYTES];
    if (!binOf(publicKeyHex, pk, sizeof pk) || !binOf(signatureHex, sig, sizeof sig)) return false;
    const std::string m = signedMessage(domain, message);
    return crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(m.data()), m.size(), pk) == 0;
}

TrailCheck verifyTrail(const std::vector<AuditEntry>& entries, const TrailVerifyOptions& options,
                       const AuditCheckpoint* checkpoint) {
    TrailCheck out;
    out.entries = static_cast<std::int64_t>(entries.size());
    const auto chain = verifyAuditChain(entries);
    if (!chain.intact) {
        out.ok = false;
        out.firstBadSequence = chain.firstBadSequence;
        out.problem = chain.problem;
        return out;
    }
    for (const auto& e : entries) {
        if (e.sequence < options.signedFrom) continue;
        if (!verifySignature(options.publicKeyHex, kAuditEntryDomain, e.hash, e.signature)) {
            out.ok = false;
            out.firstBadSequence = e.sequence;
            out.problem = e.signature.empty() ? "entry is not signed" : "entry's signature does not verify";
            return out;
        }
        ++out.signedEntries;
    }
    if (checkpoint) {
        if (checkpoint->publicKeyHex != options.publicKeyHex) {
            out.ok = false;
            out.problem = "the checkpoint was signed by another workstation key";
            return out;
        }
        if (checkpoint->sequence > out.entries) {
            out.ok = false;
            out.firstBadSequence = out.entries + 1;
            out.problem = "the trail is truncated: it ends at entry " + std::to_string(out.entries) +
                          " but the checkpoint saw entry " + std::to_string(checkpoint->sequence);
            return out;
        }
        const auto& at = entries[static_cast<std::size_t>(checkpoint->sequence - 1)];
        if (at.hash != checkpoint->hash) {
            out.ok = false;
            out.firstBadSequence = checkpoint->sequence;
            out.problem = "the trail no longer holds the checkpoint's entry: it was truncated and written on, or "
                          "rewritten";
            return out;
        }
    }
    return out;
}

core::Result<AuditCheckpoint> makeCheckpoint(const std::vector<AuditEntry>& entries, const std::string& storeId,
                                             core::TimePoint now, const AuditSigner& signer) {
    if (entries.empty()) return core::fail(core::ErrorCode::InvalidArgument, "the audit trail is empty");
    AuditCheckpoint c;
    c.storeId = storeId;
    c.sequence = entries.back().sequence;
    c.hash = entries.back().hash;
    c.time = std::chrono::time_point_cast<std::chrono::seconds>(now);
    c.publicKeyHex = signer.publicKeyHex();
    c.signature = signer.sign(kCheckpointDomain, checkpointMessage(c));
    return c;
}

std::string encodeCheckpoint(const AuditCheckpoint& c) {
    return nlohmann::json{{"format", kCheckpointFormat},     {"store_id", c.storeId},
                          {"sequence", c.sequence},          {"hash", c.hash},
                          {"time", core::formatUtc(c.time)}, {"public_key", c.publicKeyHex},
                          {"signature", c.signature}}
               .dump(2) +
           "\n";
}

core::Result<AuditCheckpoint> decodeCheckpoint(std::string_view text) {
    auto bad = [](std::string why) { return core::fail(core::ErrorCode::AuditInvalid, "audit checkpoint: " + why); };
    if (text.size() > 64 * 1024) return bad("too large");
    const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("not JSON");
    AuditCheckpoint c;
    try {
        if (j.at("format").get<std::string>() != kCheckpointFormat) return bad("unknown format");
        c.storeId = j.at("store_id").get<std::string>();
        c.sequence = j.at("sequence").get<std::int64_t>();
        c.hash = j.at("hash").get<std::string>();
        auto time = core::parseUtc(j.at("time").get<std::string>());
        if (!time) return bad("unreadable time");
        c.time = *time;
        c.publicKeyHex = j.at("public_key").get<std::string>();
        c.signature = j.at("signature").get<std::string>();
    } catch (const nlohmann::json::exception&) {
        return bad("missing or mistyped field");
    }
    if (c.sequence < 1) return bad("sequence out of range");
    if (!verifySignature(c.publicKeyHex, kCheckpointDomain, checkpointMessage(c), c.signature))
        return bad("its signature does not verify");
    return c;
}

std::string encodeAuditExport(const AuditExport& t, const AuditSigner& signer) {
    const std::string lastHash = t.entries.empty() ? genesisHash() : t.entries.back().hash;
    AuditExport header = t;
    header.publicKeyHex = signer.publicKeyHex();
    nlohmann::json head = {
        {"format", kExportFormat},
        {"store_id", t.storeId},
        {"public_key", header.publicKeyHex},
        {"signed_from", t.signedFrom},
        {"entries", t.entries.size()},
        {"last_hash", lastHash},
        {"exported", core::formatUtc(t.exported)},
        {"signature", signer.sign(kExportDomain, exportMessage(header, t.entries.size(), lastHash))}};
    std::string out = head.dump() + "\n";
    for (const auto& e : t.entries) out += entryJson(e).dump() + "\n";
    return out;
}

core::Result<AuditExport> decodeAuditExport(std::string_view text, const TrustedKeys& trusted) {
    auto bad = [](std::string why) { return core::fail(core::ErrorCode::AuditInvalid, "audit export: " + why); };
    AuditExport t;
    std::size_t pos = 0;
    std::size_t lineNo = 0;
    std::string lastHash;
    std::string signature;
    std::uint64_t count = 0;
    try {
        while (pos < text.size()) {
            auto end = text.find('\n', pos);
            if (end == std::string_view::npos) return bad("the last line is cut off");
            const auto line = text.substr(pos, end - pos);
            pos = end + 1;
            const auto j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
            if (j.is_discarded() || !j.is_object()) return bad("line " + std::to_string(lineNo + 1) + " is not JSON");
            if (lineNo++ == 0) {
                if (j.at("format").get<std::string>() != kExportFormat) return bad("unknown format");
                t.storeId = j.at("store_id").get<std::string>();
                t.publicKeyHex = j.at("public_key").get<std::string>();
                t.signedFrom = j.at("signed_from").get<std::int64_t>();
                count = j.at("entries").get<std::uint64_t>();
                lastHash = j.at("last_hash").get<std::string>();
                auto time = core::parseUtc(j.at("exported").get<std::string>());
                if (!time) return bad("unreadable export time");
                t.exported = *time;
                signature = j.at("signature").get<std::string>();
                continue;
            }
            AuditEntry e;
            e.sequence = j.at("seq").get<std::int64_t>();
            auto time = core::parseUtc(j.at("time").get<std::string>());
            if (!time) return bad("unreadable time on line " + std::to_string(lineNo));
            e.time = *time;
            e.userName = j.at("user").get<std::string>();
            e.role = j.at("role").get<std::string>();
            e.action = j.at("action").get<std::string>();
            if (!j.at("record_id").is_null()) e.recordId = j.at("record_id").get<std::int64_t>();
            e.purpose = j.at("purpose").get<std::string>();
            e.detail = j.at("detail").get<std::string>();
            e.justification = j.at("justification").get<std::string>();
            e.previousHash = j.at("prev_hash").get<std::string>();
            e.hash = j.at("hash").get<std::string>();
            e.signature = j.at("signature").get<std::string>();
            t.entries.push_back(std::move(e));
        }
    } catch (const nlohmann::json::exception&) {
        return bad("missing or mistyped field on line " + std::to_string(lineNo));
    }
    if (lineNo == 0) return bad("empty");
    if (!trusted.find(t.publicKeyHex))
        return bad("signed with a workstation key that is not trusted (not the --public-key given, nor in the "
                   "trust store)");
    if (!verifySignature(t.publicKeyHex, kExportDomain, exportMessage(t, count, lastHash), signature))
        return bad("its header signature does not verify");
    // With the header verified, the count and last hash say whether lines were cut off, added or swapped.
    if (t.entries.size() != count)
        return bad("it holds " + std::to_string(t.entries.size()) + " entries, its header says " +
                   std::to_string(count));
    if ((t.entries.empty() ? genesisHash() : t.entries.back().hash) != lastHash)
        return bad("its last entry is not the one its header names");
    return t;
}

} // namespace secondline::privacy
