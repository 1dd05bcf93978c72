#pragma once
// What every handler of every part of the contract does around its body: admit the call (a deadline, a peer
// the service accepted itself or a verified TLS peer), find the session of the call's token on the call's own
// connection, and turn errors into statuses (status.h). Shared by the handlers of secondline.proto,
// records.proto and admin.proto.

#include "sessions.h"
#include "status.h"

#include <secondline/core/result.h>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <string_view>

namespace secondline::service::detail {

/// InvalidArgument naming `what` when `value` is longer than `max` bytes.
[[nodiscard]] core::Status bounded(std::string_view value, std::size_t max, const char* what);

/// Every call: a deadline, and a connection whose peer the service accepted itself or a verified TLS peer.
/// Errors: InvalidArgument (no deadline), PermissionDenied (unknown peer).
[[nodiscard]] core::Result<Peer> admit(const grpc::ServerContext& context, const Sessions& sessions);

/// The session token of the call's metadata ("" when none).
[[nodiscard]] std::string_view sessionToken(const grpc::ServerContext& context);

/// Every call after sign-in: admits the call, takes the sessions' lock, finds the session of the call's token
/// on this connection and runs `body(session, lock)` with the lock held. The error of any step, or the
/// core::Status `body` returns, becomes the call's status; a session whose store ended it (AuthenticationFailed,
/// SessionExpired) is ended in the service too.
template <class Body>
grpc::Status withSession(grpc::ServerContext& context, Sessions& sessions, Body&& body) {
    auto peer = admit(context, sessions);
    if (!peer) return toStatus(context, peer.error());
    auto lock = sessions.lock();
    auto session = sessions.find(lock, sessionToken(context), *peer);
    if (!session) return toStatus(context, session.error());
    const core::Status done = body(**session, lock);
    if (!done) {
        // The store ended the session (its user was removed, or it was idle by the pack's rule): the service
        // ends it too, so every later call with its token is refused the same way.
        const auto code = done.error().code;
        if (code == core::ErrorCode::AuthenticationFailed || code == core::ErrorCode::SessionExpired)
            sessions.remove(lock, sessionToken(context));
        return toStatus(context, done.error());
    }
    return grpc::Status::OK;
}

} // namespace secondline::service::detail
