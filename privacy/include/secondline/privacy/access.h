#pragma once
// Who may do what. Pure decisions: storage asks, then enforces in the same transaction as the write.
// Which role holds which permission comes from the policy pack (policy.h).

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
    // Added with the policy pack (issue 7).
    UpdateRecord,    ///< close an encounter with its outcome
    RectifyRecord,   ///< correct a field, with a reason; the old value is kept in the record's history
    EraseRecord,     ///< erase a record on the traveller's request, where the policy allows
    HoldRecord,      ///< place or release a legal hold
    ExportSubject,   ///< export everything held about one traveller (subject access)
    ShareRecord,     ///< export a case to another agency under a sharing agreement
    CheckStore,      ///< run the store's integrity checks
    LoadPolicy,      ///< put a new policy pack in force
    PurgeRecords,    ///< erase the records whose retention has run out
    ReportRetention, ///< see what expires when (counts only)
    ExportAudit,     ///< export the audit trail and write checkpoints
    BreakGlass,      ///< open a time-limited, audited emergency read of personal data
    // Added with the analysis (issue 9).
    ReadStatistics, ///< aggregate statistics and bias reports, small cells suppressed (no personal data)
};

/// Every action, in declaration order.
inline constexpr Action kAllActions[] = {
    Action::CreateRecord, Action::ReadOwnRecord, Action::ReadAnyRecord,  Action::ListRecords,  Action::ManageUsers,
    Action::ReadAudit,    Action::BackupStore,   Action::RotateKeys,     Action::FlagRecord,   Action::ReviewFlags,
    Action::UpdateRecord, Action::RectifyRecord, Action::EraseRecord,    Action::HoldRecord,   Action::ExportSubject,
    Action::ShareRecord,  Action::CheckStore,    Action::LoadPolicy,     Action::PurgeRecords, Action::ReportRetention,
    Action::ExportAudit,  Action::BreakGlass,    Action::ReadStatistics,
};

inline constexpr Role kAllRoles[] = {Role::Officer, Role::Supervisor, Role::Trainer, Role::Auditor,
                                     Role::Administrator};

/// Actions that show or change a traveller's data. A policy pack may not give them to auditors or
/// administrators (they reach such data only through break-glass).
[[nodiscard]] bool touchesPersonalData(Action action) noexcept;

/// "record.create", ... — the names written to the audit trail and used as permissions in a policy pack.
[[nodiscard]] std::string_view actionName(Action action) noexcept;
[[nodiscard]] std::optional<Action> actionFromName(std::string_view name) noexcept;

struct AccessContext {
    bool trainingStore = false; ///< the store is a training store
    bool breakGlass = false;    ///< the session holds an unexpired break-glass grant
};

class Policy;

struct Decision {
    bool allowed = false;
    std::string reason; ///< why not, naming the permission; empty when allowed
};

/// Whether `role` may perform `action` under `policy`: the role's permissions, or, during break-glass, the
/// grants of break-glass. Trainers work only in training stores, whatever the pack says; in a training store
/// nothing is shared with another agency.
[[nodiscard]] Decision decide(const Policy& policy, Role role, Action action, const AccessContext& context);
/// The same under the default policy pack.
[[nodiscard]] Decision decide(Role role, Action action, const AccessContext& context);

} // namespace secondline::privacy
