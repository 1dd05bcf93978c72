#pragma once
// The audit chain: every entry's hash covers its content and the previous entry's hash, so an edited,
// deleted or reordered entry breaks the chain from that point. storage appends entries in the same
// transaction as the operation they record. Entries carry ids, roles and actions — never personal data.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/trusted_keys.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
    std::string hash;         ///< hex BLAKE2b-256 over the fields above (and the justification)
    /// Why, in the user's words, where an operation needs a reason: break-glass, rectification, erasure,
    /// sharing. Covered by the hash when not empty (entries written before it existed hash as they did).
    std::string justification{};
    /// Hex Ed25519 signature of the workstation over `hash`; empty on entries written before stores were
    /// signed (schema 3 and older).
    std::string signature{};
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

/// The workstation's signing key for one store: an Ed25519 key pair made from a 32-byte seed. Stores of
/// key-slot format 3 keep a random seed sealed under their root key; older stores derived it from their store
/// key (seedFromStoreKey), and keep that seed when migrated, so the trail's key does not change. A database
/// key rotation keeps it, and a restored store goes on signing with it. The secret half lives in guarded memory.
class AuditSigner {
public:
    /// The key pair of a 32-byte seed. Errors: InvalidArgument (size), Crypto.
    [[nodiscard]] static core::Result<AuditSigner> fromSeed(const core::SecretBytes& seed);
    /// The seed a format-1/2 store derived from its store key. Errors: Crypto.
    [[nodiscard]] static core::Result<core::SecretBytes> seedFromStoreKey(const core::SecretBytes& storeKey);
    /// fromSeed(seedFromStoreKey(storeKey)). Errors: Crypto.
    [[nodiscard]] static core::Result<AuditSigner> fromStoreKey(const core::SecretBytes& storeKey);
    /// Hex of the 32-byte public key.
    [[nodiscard]] const std::string& publicKeyHex() const { return m_publicHex; }
    /// Hex signature over `message` (with a domain prefix, so audit signatures sign nothing else).
    [[nodiscard]] std::string sign(std::string_view domain, std::string_view message) const;

private:
    core::SecretBytes m_secret;
    std::string m_publicHex;
};

/// Whether `signatureHex` is `publicKeyHex`'s signature over `message` in `domain`.
[[nodiscard]] bool verifySignature(std::string_view publicKeyHex, std::string_view domain, std::string_view message,
                                   std::string_view signatureHex);

inline constexpr std::string_view kAuditEntryDomain = "secondline audit entry v1";

struct TrailVerifyOptions {
    std::string publicKeyHex;    ///< the workstation's key: the store's own, or one the verifier trusts
    std::int64_t signedFrom = 1; ///< every entry from this sequence on must carry a valid signature
};

/// A signed statement that the trail of store `storeId` had reached entry `sequence` with `hash` at `time`.
/// Kept apart from the workstation (printed, mailed to the data protection officer), it detects a later
/// truncation of the trail to before that entry, which no hash chain can detect by itself.
struct AuditCheckpoint {
    std::string storeId;
    std::int64_t sequence = 0;
    std::string hash;
    core::TimePoint time{};
    std::string publicKeyHex;
    std::string signature;
};

struct TrailCheck {
    bool ok = true;
    std::int64_t entries = 0;
    std::int64_t signedEntries = 0;
    std::optional<std::int64_t> firstBadSequence;
    std::string problem; ///< what failed, without personal data
};

/// Chain, signatures and (when given) the checkpoint: the checkpoint's key must be the trail's, and the
/// trail must still hold the checkpoint's entry with the same hash.
[[nodiscard]] TrailCheck verifyTrail(const std::vector<AuditEntry>& entries, const TrailVerifyOptions& options,
                                     const AuditCheckpoint* checkpoint = nullptr);

/// A checkpoint at the trail's last entry, signed. Errors: InvalidArgument (empty trail).
[[nodiscard]] core::Result<AuditCheckpoint> makeCheckpoint(const std::vector<AuditEntry>& entries,
                                                           const std::string& storeId, core::TimePoint now,
                                                           const AuditSigner& signer);
[[nodiscard]] std::string encodeCheckpoint(const AuditCheckpoint& checkpoint);
/// Parses and verifies a checkpoint's own signature. Errors: AuditInvalid.
[[nodiscard]] core::Result<AuditCheckpoint> decodeCheckpoint(std::string_view text);

/// An exported trail: a signed header line (store, key, entry count, last hash, time), then one JSON line
/// per entry. Entries carry user names, roles, actions and record ids: no traveller's data.
struct AuditExport {
    std::string storeId;
    std::string publicKeyHex;
    std::int64_t signedFrom = 1;
    core::TimePoint exported{};
    std::vector<AuditEntry> entries;
};
[[nodiscard]] std::string encodeAuditExport(const AuditExport& trail, const AuditSigner& signer);
/// Parses an export, checks that its header names one of the `trusted` keys (trusted_keys.h: the key an export
/// names proves nothing by itself, anyone can sign a forged trail with a key pair of their own), then its header
/// signature and entry count (a cut or extended file fails). The entries themselves are checked with verifyTrail.
/// Errors: AuditInvalid (malformed, signed by a key not in `trusted`, altered, cut or extended).
[[nodiscard]] core::Result<AuditExport> decodeAuditExport(std::string_view text, const TrustedKeys& trusted);

} // namespace secondline::privacy
