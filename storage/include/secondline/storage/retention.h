#pragma once
// Retention: erasing what the policy pack says is due, and reporting what expires when. A facet of Store
// (store.retention()); privacy decides (Policy::deleteBy), storage erases and audits in one transaction.

#include <secondline/core/clock.h>
#include <secondline/core/ids.h>
#include <secondline/core/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

/// What retention would do, or did.
struct PurgeReport {
    std::int64_t erased = 0;                 ///< records erased (or, in a dry run, that would be)
    std::int64_t images = 0;                 ///< their images
    std::int64_t encounters = 0;             ///< encounters left without records and erased with them
    std::int64_t held = 0;                   ///< expired records kept because of a legal hold
    std::vector<core::RecordId> erasedIds{}; ///< record ids (no personal data)
};

/// What expires when, per outcome (counts only: an auditor may read it).
struct RetentionRow {
    std::string outcome;
    std::optional<int> days; ///< the rule's days; nullopt: the pack's default for unknown outcomes
    std::int64_t records = 0;
    std::int64_t expired = 0;              ///< due now: the next purge erases them
    std::int64_t within7 = 0;              ///< due within 7 days
    std::int64_t within30 = 0;             ///< within 30 days (after the first 7)
    std::int64_t later = 0;                ///< later
    std::int64_t held = 0;                 ///< under legal hold: kept until released
    std::optional<core::TimePoint> next{}; ///< the earliest expiry
};

/// store.retention(): purges and the retention report.
class Retention {
public:
    /// Erases every record whose retention has run out (administrators, and the store itself at open when the
    /// pack says so), except those under a legal hold; then vacuums, so erased data leaves the file. Audited
    /// without personal data. `dryRun` only counts.
    [[nodiscard]] core::Result<PurgeReport> purge(bool dryRun = false);
    /// The scheduled purge: erases what retention says is due, as at every sign-in. Any signed-in role may
    /// run it (retention is the workstation's duty, not a privilege); it neither counts as activity for the
    /// idle timeout nor is stopped by it. Errors: InvalidArgument (closed), StoreNeedsMigration, Database,
    /// DiskFull.
    [[nodiscard]] core::Result<PurgeReport> purgeDue();
    /// What expires when (administrators, auditors, supervisors). Errors: PermissionDenied.
    [[nodiscard]] core::Result<std::vector<RetentionRow>> report();

private:
    friend class Store;
    explicit Retention(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
