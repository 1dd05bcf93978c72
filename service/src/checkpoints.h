#pragma once
// Automatic audit checkpoints (service run --checkpoint-dir): the service writes a checkpoint of the store's
// audit trail into a folder at every sign-out and every interval (an hour) while sessions are open, so the
// trail is witnessed outside the database.
//
// The folder must exist, be a folder and not be writable by group or others (checkCheckpointFolder). The
// writing itself is storage's AuditTrail::writeCheckpointFile(folder); storage also writes one before the
// retention purge of each sign-in (OpenOptions::checkpointFolder).
//
// Thread-safety: CheckpointTimer has none (the service uses it under the sessions' lock).

#include <secondline/core/clock.h>
#include <secondline/core/result.h>

#include <chrono>
#include <optional>
#include <string>

namespace secondline::storage {
class Store;
}

namespace secondline::service::detail {

/// Ok when `folder` exists, is a folder (not a link to one) and is not writable by group or others.
/// Errors: FileNotFound, InvalidArgument (not a folder, or writable by group or others).
[[nodiscard]] core::Status checkCheckpointFolder(const std::string& folder);

/// Writes one checkpoint of `store`'s audit trail into `folder` (checked at start).
[[nodiscard]] core::Status writeCheckpoint(storage::Store& store, const std::string& folder);

/// When the next periodic checkpoint is due: `interval` after the first session opened, then every interval
/// while a session stays open; idle (no due time) while none is.
class CheckpointTimer {
public:
    explicit CheckpointTimer(std::chrono::seconds interval) : m_interval(interval) {}
    /// Called on every tick with whether sessions are open; true when a checkpoint is due now (then the next
    /// one is scheduled an interval later).
    [[nodiscard]] bool due(core::TimePoint now, bool sessionsOpen);
    [[nodiscard]] std::chrono::seconds interval() const noexcept { return m_interval; }

private:
    std::chrono::seconds m_interval;
    std::optional<core::TimePoint> m_next;
};

} // namespace secondline::service::detail
