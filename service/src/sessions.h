#pragma once
// The service's connections and sessions.
//
// A session is made by a successful sign-in and named by a token of 256 random bits (libsodium). It is
// bound to the connection it was made on, and so to that connection's OS user (peer credentials): the token
// is refused on any other connection, and the session ends when its connection closes, when it is idle too
// long, at sign-out and at shutdown.
//
// Each session holds its own Store, opened as its user with the service's root key under the lock the service
// holds for its whole life (storage::OpenOptions::sharedLock): any number of sessions at once. The user's
// password only proved who they are; it unwrapped nothing.
//
// Thread-safety: every member takes the one mutex, which also guards the sessions' stores; callers that use
// a session's Store hold a Lock for the whole operation.

#include "unix_listener.h"

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/privacy/access.h>
#include <secondline/storage/store.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace secondline::service::detail {

struct Session {
    std::string user;
    privacy::Role role = privacy::Role::Officer;
    uid_t uid = 0;
    std::uint64_t connection = 0;
    core::TimePoint lastUse{};
    storage::Store store;
};

class Sessions {
public:
    using Lock = std::unique_lock<std::mutex>;

    Sessions(const core::Clock& clock, std::chrono::minutes idle) : m_clock(clock), m_idle(idle) {}

    [[nodiscard]] Lock lock() const { return Lock(m_mutex); }

    // Connections (called by the listener's thread).
    void connectionOpened(const Peer& peer);
    /// Forgets the connection and ends (signs out) its sessions.
    void connectionClosed(const Peer& peer);
    /// The peer of a gRPC peer string ("fd:<n>"), if that connection is known.
    [[nodiscard]] std::optional<Peer> peerOf(std::string_view grpcPeer) const;

    // Sessions (hold a Lock).
    /// True when a session is open (its Store holds the store's file lock).
    [[nodiscard]] bool anyOpen(const Lock& lock);
    /// How many sessions are open, once those idle too long are ended.
    [[nodiscard]] std::size_t openCount(const Lock& lock);
    /// Keeps `session` under a fresh token, which is returned. Errors: Crypto.
    [[nodiscard]] core::Result<std::string> add(const Lock& lock, Session session);
    /// The session named by `token` for a request arriving on `peer`'s connection, its idle time renewed.
    /// Errors: AuthenticationFailed (no such session, or another connection's), SessionExpired (idle too long:
    /// it is ended).
    [[nodiscard]] core::Result<Session*> find(const Lock& lock, std::string_view token, const Peer& peer);
    /// Signs the session out (audited) and forgets it.
    void remove(const Lock& lock, std::string_view token);
    /// Signs every session out.
    void clear();
    [[nodiscard]] std::size_t count() const;
    /// Runs `each` on every open session (hold a Lock).
    void forEach(const Lock& lock, const std::function<void(Session&)>& each);
    /// Runs just before any session is signed out, whatever ends it (sign-out, idle, closed connection,
    /// shutdown), under the lock, with its store still open: the service's checkpoint at sign-out. Set before
    /// the service starts.
    void onSignOut(std::function<void(Session&)> hook) { m_onSignOut = std::move(hook); }

private:
    void endIdle(const Lock& lock);
    void end(Session& session);
    std::function<void(Session&)> m_onSignOut;
    const core::Clock& m_clock;
    std::chrono::minutes m_idle;
    mutable std::mutex m_mutex;
    std::map<int, Peer> m_peers; ///< by the descriptor gRPC names in its peer string
    std::map<std::string, Session, std::less<>> m_sessions;
};

} // namespace secondline::service::detail
