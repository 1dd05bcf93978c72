#pragma once
// Users and their key slots. A facet of Store (store.users()); administrators manage users, and every user
// changes their own password.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/access.h>
#include <secondline/privacy/key_slot.h>

#include <string>
#include <vector>

namespace secondline::storage {

struct StoreImpl; ///< opaque: the open store's state, shared by the facets

struct UserInfo {
    std::string name;
    privacy::Role role = privacy::Role::Officer;
    core::TimePoint created{};
    bool active = false; ///< has a key slot and may sign in
    /// Active, but no password passes until an administrator sets one (Users::setPassword()): a user of a
    /// store whose wrapped key slots were migrated to verifiers by someone else's sign-in.
    bool passwordResetRequired = false;
};

/// User names: 1-64 characters of a-z, A-Z, 0-9, '.', '_', '-'.
[[nodiscard]] bool validUserName(const std::string& name);

/// store.users(): adding, removing and listing users; the signed-in user's own password.
class Users {
public:
    /// Adds a user with their own key slot. In a production store the password and the Argon2id cost must pass
    /// the production rule (privacy/password_rule.h; Store::create says which stores are exempt). Errors:
    /// PermissionDenied, UserExists, InvalidArgument, PasswordWeak, FileNotFound (no common-password list).
    [[nodiscard]] core::Status add(const std::string& name, privacy::Role role, const core::SecretBytes& password,
                                   const privacy::KdfParams& kdf);
    /// Removes a user (administrators): their key slot is deleted, so their password no longer opens the store,
    /// and they are marked inactive; a session of theirs already open (another Store object) ends at its next
    /// operation with AuthenticationFailed. Their records and audit entries stay, attributed to them; the name is not
    /// reused. Errors: PermissionDenied, UserNotFound (no such active user), InvalidArgument (yourself),
    /// KeySlotCorrupt, Io.
    [[nodiscard]] core::Status remove(const std::string& name);
    /// Every user, removed ones included, in the order they were added (administrators). Errors:
    /// PermissionDenied.
    [[nodiscard]] core::Result<std::vector<UserInfo>> list();
    /// Changes the signed-in user's password: their verifier is made again (new salt and the given Argon2id
    /// cost) and the slot file replaced atomically. Checked like every operation (an idle session
    /// is ended first). The new password and cost pass the production rule as in add(). Errors: SessionExpired,
    /// InvalidArgument, PasswordWeak, FileNotFound, KeySlotCorrupt, Io.
    [[nodiscard]] core::Status changePassword(const core::SecretBytes& newPassword, const privacy::KdfParams& kdf);
    /// Sets another user's password (administrators): a new verifier in the slot file, audited as
    /// "user.setpassword"; how a user whose slot needs a reset (UserInfo::passwordResetRequired) gets one. No
    /// other user's password is needed. The password and cost pass the production rule as in add(). Errors:
    /// PermissionDenied, UserNotFound, InvalidArgument, PasswordWeak, FileNotFound.
    [[nodiscard]] core::Status setPassword(const std::string& name, const core::SecretBytes& newPassword,
                                           const privacy::KdfParams& kdf);

private:
    friend class Store;
    explicit Users(StoreImpl* impl) : m_impl(impl) {}
    StoreImpl* m_impl;
};

} // namespace secondline::storage
