#include <secondline/privacy/audit.h>

#include <sodium.h>

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

} // namespace secondline::privacy
