#include <secondline/privacy/access.h>

#include <array>

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
    for (Role r : {Role::Officer, Role::Supervisor, Role::Trainer, Role::Auditor, Role::Administrator})
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
    }
    return "unknown";
}

Decision decide(Role role, Action action, const AccessContext& context) {
    auto deny = [&](std::string why) { return Decision{false, std::move(why)}; };
    const std::string permission = std::string(actionName(action));
    if (role == Role::Trainer && !context.trainingStore)
        return deny("trainers work in training stores only (missing permission " + permission + " here)");
    switch (action) {
    case Action::CreateRecord:
    case Action::ReadOwnRecord:
    case Action::ListRecords:
    case Action::FlagRecord:
        if (role == Role::Officer || role == Role::Supervisor || role == Role::Trainer) return {true, {}};
        return deny("role " + std::string(roleName(role)) + " lacks permission " + permission);
    case Action::ReadAnyRecord:
    case Action::ReviewFlags:
        if (role == Role::Supervisor || role == Role::Trainer) return {true, {}};
        return deny("role " + std::string(roleName(role)) + " lacks permission " + permission);
    case Action::ManageUsers:
    case Action::BackupStore:
    case Action::RotateKeys:
        if (role == Role::Administrator) return {true, {}};
        return deny("role " + std::string(roleName(role)) + " lacks permission " + permission);
    case Action::ReadAudit:
        if (role == Role::Auditor || role == Role::Administrator) return {true, {}};
        return deny("role " + std::string(roleName(role)) + " lacks permission " + permission);
    }
    return deny("unknown action");
}

} // namespace secondline::privacy
