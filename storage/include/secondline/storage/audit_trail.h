#pragma once
// The store's signed audit trail: reading, verifying, exporting and checkpointing it. A facet of Store
// (store.audit()); entries themselves are written by every operation, in its own transaction.

#include <secondline/core/result.h>
#include <secondline/privacy/audit.h>

#include <cstdint>
#include <string>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// store.audit(): the trail and the workstation's audit key.
class AuditTrail {
public:
    /// The whole audit trail. Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::vector<privacy::AuditEntry>> entries();
    /// Verifies the trail in the store: chain, every signature, and (when given) a checkpoint (auditors and
    /// administrators; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<privacy::TrailCheck> verify(const privacy::AuditCheckpoint* checkpoint);
    /// The trail as a signed export (auditors; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::string> exportSigned();
    /// A signed checkpoint at the trail's last entry (auditors; audited). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::string> checkpoint();
    /// The same signed checkpoint (privacy::encodeCheckpoint()), written atomically as a new file in `folder`
    /// named "checkpoint-<UTC time>-<sequence>.json" (a "-N" suffix rather than overwriting): a scheduled
    /// duty of the store, outside the desk's reach, so no role is needed and nothing is audited. Errors:
    /// InvalidArgument (store closed), StoreNeedsMigration, FileNotFound, ReadOnly, DiskFull, Io.
    [[nodiscard]] core::Status writeCheckpointFile(const std::string& folder);
    /// The workstation's audit-signing public key (hex Ed25519) and the first signed entry.
    [[nodiscard]] const std::string& publicKey() const;
    [[nodiscard]] std::int64_t signedFrom() const;

private:
    friend class Store;
    explicit AuditTrail(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
