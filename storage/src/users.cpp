// The Users facet: accounts in the database, their password verifiers in the slot file (under the root key's
// MAC, so no user's password is needed to add, remove or reset another).

#include <secondline/storage/users.h>

#include "atomic_file.h"
#include "store_files.h"
#include "store_impl.h"

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;
using detail::Database;
using detail::loadSlotFile;
using detail::Transaction;

bool validUserName(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

Status Users::add(const std::string& name, privacy::Role role, const SecretBytes& password,
                  const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (!validUserName(name)) return fail(ErrorCode::InvalidArgument, "user name must be 1-64 of a-z A-Z 0-9 . _ -");
    if (password.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    if (role == privacy::Role::Trainer && !im.training)
        return fail(ErrorCode::InvalidArgument, "trainers belong in training stores");
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.rootKey);
    if (!file) return fail(file.error());
    if (privacy::findSlot(*file, name))
        return fail(ErrorCode::UserExists, "a user with that name exists or once existed (names are not reused)");
    if (auto s = detail::checkNewCredential(*file, name, password, kdf); !s) return s;
    auto slot = privacy::makeVerifier(name, password, kdf);
    if (!slot) return fail(slot.error());
    file->slots.push_back(std::move(*slot));
    auto encoded = privacy::encodeKeySlotFile(*file, im.rootKey);
    if (!encoded) return fail(encoded.error());

    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    auto ins = tx->db().prepare("INSERT INTO users (name, role, created_utc) VALUES (?, ?, ?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, name).bind(2, privacy::roleName(role)).bind(3, core::formatUtc(im.clock->now()));
    if (auto s = ins->run(); !s) {
        if (s.error().code == ErrorCode::Database)
            return fail(ErrorCode::UserExists, "a user with that name exists or once existed (names are not reused)");
        return s;
    }
    if (auto s = im.audit(privacy::AuditAction::UserAdd, std::nullopt, "administration",
                          "role " + std::string(privacy::roleName(role)));
        !s)
        return s;
    // The slot file is replaced before the commit: if the commit then fails, the extra slot names a user the
    // database does not know, and opening with it fails cleanly (AuthenticationFailed).
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return im.commit(*tx);
}

Status Users::remove(const std::string& name) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (name == im.user) return fail(ErrorCode::InvalidArgument, "you cannot remove yourself");
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.rootKey);
    if (!file) return fail(file.error());
    const auto before = file->slots.size();
    std::erase_if(file->slots, [&](const privacy::KeySlot& slot) { return slot.userName == name; });
    auto encoded = privacy::encodeKeySlotFile(*file, im.rootKey);
    if (!encoded) return fail(encoded.error());

    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    auto q = tx->db().prepare("UPDATE users SET active = 0 WHERE name = ? AND active = 1 RETURNING role;");
    if (!q) return fail(q.error());
    q->bind(1, name);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row && file->slots.size() == before) return fail(ErrorCode::UserNotFound, "no active user with that name");
    const std::string role = *row ? q->text(0) : std::string("unknown");
    q = {};
    if (auto s = im.audit(privacy::AuditAction::UserRemove, std::nullopt, "administration", "role " + role); !s)
        return s;
    // The slot goes first: if the commit then fails, the user can no longer sign in, which is what was asked.
    if (file->slots.size() != before)
        if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return im.commit(*tx);
}

Result<std::vector<UserInfo>> Users::list() {
    auto& im = *m_impl;
    auto access = im.connection(privacy::Action::ManageUsers);
    if (!access) return fail(access.error());
    auto file = loadSlotFile(keySlotPath(im.path), im.rootKey);
    if (!file) return fail(file.error());
    auto q = access->db().prepare("SELECT name, role, created_utc, active FROM users ORDER BY id;");
    if (!q) return fail(q.error());
    std::vector<UserInfo> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        UserInfo u;
        u.name = q->text(0);
        const auto role = privacy::roleFromName(q->text(1));
        if (!role) return fail(ErrorCode::StoreCorrupt, "a user has an unknown role");
        u.role = *role;
        u.created = core::parseUtc(q->text(2)).value_or(core::TimePoint{});
        const privacy::KeySlot* slot = privacy::findSlot(*file, u.name);
        u.active = q->int64(3) != 0 && slot != nullptr;
        u.passwordResetRequired = u.active && slot->resetRequired;
        out.push_back(std::move(u));
    }
    return out;
}

namespace {

/// A new verifier for `name` in the slot file, written before the audited transaction commits. A
/// resetRequired slot (a user carried over from a format-1/2 store) is replaced like any other.
Status replaceVerifier(StoreImpl& im, const std::string& name, const SecretBytes& password,
                       const privacy::KdfParams& kdf, privacy::AuditAction action, const std::string& detail) {
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.rootKey);
    if (!file) return fail(file.error());
    if (auto s = detail::checkNewCredential(*file, name, password, kdf); !s) return s;
    auto slot = privacy::makeVerifier(name, password, kdf);
    if (!slot) return fail(slot.error());
    bool replaced = false;
    for (auto& existing : file->slots)
        if (existing.userName == name) {
            existing = std::move(*slot);
            replaced = true;
        }
    if (!replaced) return fail(ErrorCode::UserNotFound, "no active user with that name");
    auto encoded = privacy::encodeKeySlotFile(*file, im.rootKey);
    if (!encoded) return fail(encoded.error());
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.audit(action, std::nullopt, "administration", detail); !s) return s;
    // The slot file is replaced first; if the commit then fails, the new password works and the audit entry
    // is missing, which is the lesser harm than a user locked out.
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return im.commit(*tx);
}

} // namespace

Status Users::changePassword(const SecretBytes& newPassword, const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    // Every user may change their own password: the session is checked (idle rule included), no permission.
    if (auto s = im.session(std::nullopt, StoreImpl::Use::Activity); !s) return s;
    if (newPassword.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    auto s = replaceVerifier(im, im.user, newPassword, kdf, privacy::AuditAction::UserPasswd, "");
    if (!s && s.error().code == ErrorCode::UserNotFound)
        return fail(ErrorCode::KeySlotCorrupt, "the signed-in user has no key slot");
    return s;
}

Status Users::setPassword(const std::string& name, const SecretBytes& newPassword, const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (newPassword.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    {
        auto access = im.connection(std::nullopt);
        if (!access) return fail(access.error());
        auto q = access->db().prepare("SELECT role FROM users WHERE name = ? AND active = 1;");
        if (!q) return fail(q.error());
        q->bind(1, name);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(ErrorCode::UserNotFound, "no active user with that name");
    }
    return replaceVerifier(im, name, newPassword, kdf, privacy::AuditAction::UserSetPassword,
                           name == im.user ? "own password" : "another user's password");
}

} // namespace secondline::storage
