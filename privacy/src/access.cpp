#include <secondline/privacy/access.h>
#include <secondline/privacy/policy.h>

namespace secondline::privacy {

std::string_view roleName(Role role) noexcept {
    switch (role) {
    case Role::Officer: return "officer";
    case Role::Supervisor: return "supervisor";
    case Role::Trainer: return "trainer";
    case Role::Auditor: return "auditor";
    case Role::Administrator: return "administrator";
    }
    return "officer";
}

std::optional<Role> roleFromName(std::string_view name) noexcept {
    for (Role r : kAllRoles)
        if (roleName(r) == name) return r;
    return std::nullopt;
}

std::string_view actionName(Action action) noexcept {
    switch (action) {
    case Action::CreateRecord: return "record.create";
    case Action::ReadOwnRecord: return "record.read";
    case Action::ReadAnyRecord: return "record.read_any";
    case Action::ListRecords: return "record.list";
    case Action::ManageUsers: return "user.manage";
    case Action::ReadAudit: return "audit.read";
    case Action::BackupStore: return "store.backup";
    case Action::RotateKeys: return "store.rekey";
    case Action::FlagRecord: return "flag.create";
    case Action::ReviewFlags: return "flag.review";
    case Action::UpdateRecord: return "record.update";
    case Action::RectifyRecord: return "record.rectify";
    case Action::EraseRecord: return "record.erase";
    case Action::HoldRecord: return "record.hold";
    case Action::ExportSubject: return "subject.export";
    case Action::ShareRecord: return "share.export";
    case Action::CheckStore: return "store.check";
    case Action::LoadPolicy: return "policy.load";
    case Action::PurgeRecords: return "retention.purge";
    case Action::ReportRetention: return "retention.report";
    case Action::ExportAudit: return "audit.export";
    case Action::BreakGlass: return "breakglass.start";
    case Action::ReadStatistics: return "statistics.read";
    }
    return "unknown";
}

std::optional<Action> actionFromName(std::string_view name) noexcept {
    for (Action a : kAllActions)
        if (actionName(a) == name) return a;
    return std::nullopt;
}

bool touchesPersonalData(Action action) noexcept {
    switch (action) {
    case Action::CreateRecord:
    case Action::ReadOwnRecord:
    case Action::ReadAnyRecord:
    case Action::ListRecords:
    case Action::FlagRecord:
    case Action::ReviewFlags:
    case Action::UpdateRecord:
    case Action::RectifyRecord:
    case Action::EraseRecord:
    case Action::ExportSubject:
    case Action::ShareRecord: return true;
    default: return false;
    }
}

Decision decide(const Policy& policy, Role role, Action action, const AccessContext& context) {
    const std::string permission(actionName(action));
    auto deny = [&](std::string why) { return Decision{false, std::move(why)}; };
    if (role == Role::Trainer && !context.trainingStore)
        return deny("trainers work in training stores only (missing permission " + permission + " here)");
    if (action == Action::ShareRecord && context.trainingStore)
        return deny("nothing is shared from a training store (missing permission " + permission + " here)");
    if (policy.permits(role, action)) return {true, {}};
    if (context.breakGlass && policy.breakGlass().roles.count(role) && policy.breakGlass().grants.count(action))
        return {true, {}};
    return deny("role " + std::string(roleName(role)) + " lacks permission " + permission);
}

Decision decide(Role role, Action action, const AccessContext& context) {
    return decide(Policy::defaults(), role, action, context);
}

} // namespace secondline::privacy
