#include "status.h"

#include <string>

namespace secondline::service::detail {

using core::ErrorCode;

grpc::StatusCode statusCodeFor(core::ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::MrzEmpty:
    case ErrorCode::MrzTooLong:
    case ErrorCode::MrzLineCount:
    case ErrorCode::MrzLineLength:
    case ErrorCode::MrzCharacter:
    case ErrorCode::MrzFormat:
    case ErrorCode::ImageUnreadable:
    case ErrorCode::ImageTooLarge:
    case ErrorCode::PolicyInvalid: return grpc::StatusCode::INVALID_ARGUMENT;
    case ErrorCode::AuthenticationFailed:
    case ErrorCode::SessionExpired: return grpc::StatusCode::UNAUTHENTICATED;
    case ErrorCode::PermissionDenied:
    case ErrorCode::PolicyForbids:
    case ErrorCode::LegalHold: return grpc::StatusCode::PERMISSION_DENIED;
    case ErrorCode::AccountLocked: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case ErrorCode::RecordNotFound:
    case ErrorCode::UserNotFound:
    case ErrorCode::FileNotFound:
    case ErrorCode::StoreNotFound: return grpc::StatusCode::NOT_FOUND;
    case ErrorCode::UserExists:
    case ErrorCode::StoreExists: return grpc::StatusCode::ALREADY_EXISTS;
    case ErrorCode::StoreBusy: return grpc::StatusCode::ABORTED;
    case ErrorCode::StoreNeedsMigration:
    case ErrorCode::StoreModeMismatch: return grpc::StatusCode::FAILED_PRECONDITION;
    case ErrorCode::DiskFull: return grpc::StatusCode::RESOURCE_EXHAUSTED;
    // A service never answers "unreachable" about itself: the client decides that from gRPC's own status.
    case ErrorCode::ServiceUnavailable: return grpc::StatusCode::INTERNAL;
    default: return grpc::StatusCode::INTERNAL;
    }
}

grpc::Status toStatus(grpc::ServerContext& context, const core::Error& error) {
    context.AddTrailingMetadata(kErrorCodeKey, std::string(core::errorCodeName(error.code)));
    return {statusCodeFor(error.code), error.message};
}

} // namespace secondline::service::detail
