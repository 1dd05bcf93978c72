#include "sign_in_guard.h"

namespace secondline::service::detail {

bool SignInGuard::full(Times& times, core::TimePoint now) {
    while (!times.empty() && now - times.front() >= kWindow) times.pop_front();
    return times.size() >= kMaxFailures;
}

bool SignInGuard::locked(std::string_view user, uid_t uid, core::TimePoint now) {
    bool out = false;
    if (auto it = m_byUser.find(user); it != m_byUser.end()) {
        out = full(it->second, now);
        if (it->second.empty()) m_byUser.erase(it);
    }
    if (auto it = m_byUid.find(uid); it != m_byUid.end()) {
        out = full(it->second, now) || out;
        if (it->second.empty()) m_byUid.erase(it);
    }
    return out;
}

void SignInGuard::failed(std::string_view user, uid_t uid, core::TimePoint now) {
    // Bounded: at most kMaxFailures times are kept per key (older ones no longer decide anything).
    auto add = [now](Times& times) {
        times.push_back(now);
        while (times.size() > kMaxFailures) times.pop_front();
    };
    auto it = m_byUser.find(user);
    if (it == m_byUser.end()) it = m_byUser.emplace(std::string(user), Times{}).first;
    add(it->second);
    add(m_byUid[uid]);
}

void SignInGuard::succeeded(std::string_view user) {
    if (auto it = m_byUser.find(user); it != m_byUser.end()) m_byUser.erase(it);
}

} // namespace secondline::service::detail
