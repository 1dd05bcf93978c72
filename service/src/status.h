#pragma once
// Errors on the wire: a gRPC status whose code fits the error, with the stable SecondLine error code
// (core::errorCodeName) in the trailing metadata, so that a client maps it back to the same ErrorCode.

#include <secondline/core/error.h>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

namespace secondline::service::detail {

/// Trailing-metadata key of the stable error code (the contract's comment names it too).
inline constexpr const char* kErrorCodeKey = "secondline-error-code";
/// Request-metadata key of the session token.
inline constexpr const char* kSessionKey = "secondline-session";

/// The gRPC status code for an error code.
[[nodiscard]] grpc::StatusCode statusCodeFor(core::ErrorCode code) noexcept;

/// Sets the trailing metadata on `context` and returns the status to return from a handler.
[[nodiscard]] grpc::Status toStatus(grpc::ServerContext& context, const core::Error& error);

} // namespace secondline::service::detail
