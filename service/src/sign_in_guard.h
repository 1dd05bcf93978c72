#pragma once
// The service's own count of failed sign-ins, in memory, per user name and per peer OS user (uid).
//
// The store keeps failed sign-ins in its sign-in file beside the database (storage/src/logins.cpp), which a
// user with a shell on the desk may delete or restore from an old copy. While the service runs, this count
// holds regardless: after kMaxFailures failures within kWindow for one user name, or from one OS user, sign-in
// is refused with AccountLocked before the store (and its Argon2 work) is reached. A successful sign-in
// forgets its user name's failures, never the OS user's: guessing other users' passwords from one account is
// not reset by signing into that account.
//
// Thread-safety: none; the service calls it under the sessions' lock.

#include <secondline/core/clock.h>

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace secondline::service::detail {

class SignInGuard {
public:
    static constexpr std::size_t kMaxFailures = 5;
    static constexpr std::chrono::minutes kWindow{15};

    /// True when `user` or `uid` has kMaxFailures failures within kWindow before `now`.
    [[nodiscard]] bool locked(std::string_view user, uid_t uid, core::TimePoint now);
    /// Counts one failed sign-in (wrong password, unknown user, a lockout the store reported).
    void failed(std::string_view user, uid_t uid, core::TimePoint now);
    /// Forgets `user`'s failures (the uid's stay until they age out).
    void succeeded(std::string_view user);

private:
    using Times = std::deque<core::TimePoint>;
    static bool full(Times& times, core::TimePoint now);
    std::map<std::string, Times, std::less<>> m_byUser;
    std::map<uid_t, Times> m_byUid;
};

} // namespace secondline::service::detail
