#pragma once
// The audit chain: every entry's hash covers its content and the previous entry's hash, so an edited,
// deleted or reordered entry breaks the chain from that point. storage appends entries in the same
// transaction as the operation they record. Entries carry ids, roles and actions — never personal data.

#include <secondline/core/clock.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secondline::privacy {

struct AuditEntry {
    std::int64_t sequence = 0; ///< 1, 2, 3, ... without gaps
    core::TimePoint time{};    ///< UTC
    std::string userName;      ///< who (a login name, not a traveller)
    std::string role;
    std::string action; ///< e.g. "record.create"
    std::optional<std::int64_t> recordId;
    std::string purpose;      ///< why, e.g. "secondary_inspection"
    std::string detail;       ///< free text without personal data
    std::string previousHash; ///< hex; all zeros for the first entry
    std::string hash;         ///< hex BLAKE2b-256 over the fields above
};

/// Hash of the first entry's predecessor.
[[nodiscard]] std::string genesisHash();

/// The hash `entry` must carry, given its fields and previousHash.
[[nodiscard]] std::string computeAuditHash(const AuditEntry& entry);

struct ChainCheck {
    bool intact = true;
    std::optional<std::int64_t> firstBadSequence; ///< where the chain breaks
    std::string problem;                          ///< what is wrong there
};

/// Verifies order, sequence numbers and hashes of a whole trail.
[[nodiscard]] ChainCheck verifyAuditChain(const std::vector<AuditEntry>& entries);

} // namespace secondline::privacy
