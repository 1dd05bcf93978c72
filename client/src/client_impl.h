#pragma once
// The client's connection, shared by Client and ServiceSession (client/src only): the channel, the session
// token, one call with the deadline and the session, and the service's errors mapped back to their codes.

#include <secondline/client/client.h>

#include "tls.h"

#include <secondline/v1/secondline.grpc.pb.h>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

namespace secondline::client {
namespace detail {

// Metadata keys of the contract (service/proto/secondline/v1/secondline.proto).
inline constexpr const char* kErrorCodeKey = "secondline-error-code";
inline constexpr const char* kSessionKey = "secondline-session";

/// Overwrites a string that held a password (the compiler may not drop the writes: volatile).
inline void wipe(std::string& s) {
    volatile char* p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    s.clear();
}

/// The error of a failed call: the service's stable code from the trailing metadata, else gRPC's own status
/// mapped (UNAVAILABLE and DEADLINE_EXCEEDED: ServiceUnavailable).
[[nodiscard]] core::Error errorOf(const grpc::Status& status, const grpc::ClientContext& context,
                                  const std::string& address, bool tls);

} // namespace detail

struct Client::Impl {
    std::string address;
    ClientOptions options;
    std::shared_ptr<grpc::Channel> channel; ///< for the stubs of every part of the contract
    std::unique_ptr<v1::SecondLine::Stub> stub;
    std::string token;
    bool tls = false;

    /// One call with the deadline and the session; the reply, or the error mapped back to its code.
    template <class Reply, class Call>
    core::Result<Reply> call(Call&& invoke) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + options.deadline);
        if (!token.empty()) context.AddMetadata(detail::kSessionKey, token);
        Reply reply;
        const grpc::Status status = invoke(&context, &reply);
        if (!status.ok()) return core::fail(detail::errorOf(status, context, address, tls));
        return reply;
    }
};

} // namespace secondline::client
