#include "sessions.h"

#include <sodium.h>

#include <charconv>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

void Sessions::connectionOpened(const Peer& peer) {
    auto guard = lock();
    m_peers[peer.fd] = peer;
}

void Sessions::connectionClosed(const Peer& peer) {
    auto guard = lock();
    if (auto it = m_peers.find(peer.fd); it != m_peers.end() && it->second.connection == peer.connection)
        m_peers.erase(it);
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->second.connection == peer.connection) {
            end(it->second);
            it = m_sessions.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<Peer> Sessions::peerOf(std::string_view grpcPeer) const {
    constexpr std::string_view kPrefix = "fd:";
    if (!grpcPeer.starts_with(kPrefix)) return std::nullopt;
    grpcPeer.remove_prefix(kPrefix.size());
    int fd = -1;
    const auto [end, ec] = std::from_chars(grpcPeer.data(), grpcPeer.data() + grpcPeer.size(), fd);
    if (ec != std::errc{} || end != grpcPeer.data() + grpcPeer.size()) return std::nullopt;
    auto guard = lock();
    auto it = m_peers.find(fd);
    if (it == m_peers.end()) return std::nullopt;
    return it->second;
}

bool Sessions::anyOpen(const Lock& lock) {
    endIdle(lock);
    return !m_sessions.empty();
}

std::size_t Sessions::openCount(const Lock& lock) {
    endIdle(lock);
    return m_sessions.size();
}

core::Result<std::string> Sessions::add(const Lock& /*lock*/, Session session) {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    std::string token(hex, 2 * sizeof bytes);
    sodium_memzero(hex, sizeof hex);
    session.lastUse = m_clock.now();
    m_sessions.emplace(token, std::move(session));
    return token;
}

core::Result<Session*> Sessions::find(const Lock& lock, std::string_view token, const Peer& peer) {
    auto it = token.empty() ? m_sessions.end() : m_sessions.find(token);
    // The same answer for an unknown token and another connection's: a token is not a probe.
    if (it == m_sessions.end() || it->second.connection != peer.connection || it->second.uid != peer.uid) {
        endIdle(lock);
        return fail(ErrorCode::AuthenticationFailed, "no session on this connection: sign in first");
    }
    const auto now = m_clock.now();
    if (now - it->second.lastUse > m_idle) {
        end(it->second);
        m_sessions.erase(it);
        return fail(ErrorCode::SessionExpired, "the session was idle too long: sign in again");
    }
    it->second.lastUse = now;
    return &it->second;
}

void Sessions::remove(const Lock& /*lock*/, std::string_view token) {
    if (auto it = m_sessions.find(token); it != m_sessions.end()) {
        end(it->second);
        m_sessions.erase(it);
    }
}

void Sessions::clear() {
    auto guard = lock();
    for (auto& [token, session] : m_sessions) end(session);
    m_sessions.clear();
    m_peers.clear();
}

std::size_t Sessions::count() const {
    auto guard = lock();
    return m_sessions.size();
}

void Sessions::forEach(const Lock& /*lock*/, const std::function<void(Session&)>& each) {
    for (auto& [token, session] : m_sessions) each(session);
}

void Sessions::end(Session& session) {
    if (m_onSignOut) m_onSignOut(session);
    session.store.logout();
}

void Sessions::endIdle(const Lock& /*lock*/) {
    const auto now = m_clock.now();
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (now - it->second.lastUse > m_idle) {
            end(it->second);
            it = m_sessions.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace secondline::service::detail
