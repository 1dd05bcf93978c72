#pragma once
// Who may do what. Pure decisions: storage asks, then enforces in the same transaction as the write.
// The full policy pack (purposes, retention, minimization, sharing) builds on these roles and actions.

#include <optional>
#include <string>
#include <string_view>

namespace secondline::privacy {

enum class Role { Officer, Supervisor, Trainer, Auditor, Administrator };

/// "officer", "supervisor", "trainer", "auditor", "administrator".
[[nodiscard]] std::string_view roleName(Role role) noexcept;
[[nodiscard]] std::optional<Role> roleFromName(std::string_view name) noexcept;

enum class Action {
    CreateRecord,  ///< store a captured document
    ReadOwnRecord, ///< read a record this user created
    ReadAnyRecord, ///< read any record
    ListRecords,   ///< list record summaries
    ManageUsers,   ///< add or remove users and key slots
    ReadAudit,     ///< read the audit trail (no personal data)
    BackupStore,   ///< write an encrypted backup of the whole store
    RotateKeys,    ///< re-encrypt the database under a new key
    FlagRecord,    ///< flag a visible record for review, or refer it
    ReviewFlags,   ///< see every flag and change its status
};

/// "record.create", ... — the names written to the audit trail.
[[nodiscard]] std::string_view actionName(Action action) noexcept;

struct AccessContext {
    bool trainingStore = false; ///< the store is a training store
};

struct Decision {
    bool allowed = false;
    std::string reason; ///< why not, naming the permission; empty when allowed
};

/// Whether `role` may perform `action`. Trainers work only in training stores; administrators and
/// auditors never read personal data routinely.
[[nodiscard]] Decision decide(Role role, Action action, const AccessContext& context);

} // namespace secondline::privacy
