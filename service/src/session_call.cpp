#include "session_call.h"

#include "tls_credentials.h"

#include <chrono>
#include <string>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

namespace {

/// A deadline further away than this is no deadline at all (gRPC reports "none" as the far future).
constexpr auto kNoDeadline = std::chrono::hours{24 * 366};

} // namespace

core::Status bounded(std::string_view value, std::size_t max, const char* what) {
    if (value.size() > max) return fail(ErrorCode::InvalidArgument, std::string(what) + " is too long");
    return {};
}

/// Every call: a deadline, and a connection whose peer the service accepted itself or a verified TLS peer.
core::Result<Peer> admit(const grpc::ServerContext& context, const Sessions& sessions) {
    if (context.deadline() > std::chrono::system_clock::now() + kNoDeadline)
        return fail(ErrorCode::InvalidArgument, "every call needs a deadline");
    auto peer = sessions.peerOf(context.peer());
    if (!peer) peer = tlsPeerOf(context); // a desk of the post, over mutual TLS
    if (!peer) return fail(ErrorCode::PermissionDenied, "the connection's peer is unknown");
    return *peer;
}

std::string_view sessionToken(const grpc::ServerContext& context) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find(kSessionKey);
    if (it == metadata.end()) return {};
    return {it->second.data(), it->second.size()};
}

} // namespace secondline::service::detail
