#pragma once
// The service's mutual TLS: its server credentials, read and checked from PEM files before gRPC sees them,
// and the TLS peer of a call.
//
// gRPC names a TCP peer by its address ("ipv4:10.1.2.3:50122", "ipv6:[...]:50122") and reports the client
// certificate it verified in the call's AuthContext. The TLS peer is both: the address tells connections
// apart, the certificate identity tells desks apart, so a session token is refused on any other connection
// and on the same address presented with another certificate.

#include "unix_listener.h"

#include <secondline/core/result.h>
#include <secondline/service/tls_listen.h>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_context.h>

#include <memory>
#include <optional>
#include <string_view>

namespace secondline::service::detail {

/// The user id of a TLS peer: no OS user (never equal to a Unix peer's).
inline constexpr uid_t kNoUid = static_cast<uid_t>(-1);

/// Checks HOST:PORT (a host, then a port 0..65535). Errors: InvalidArgument.
[[nodiscard]] core::Status checkListenAddress(std::string_view address);

/// Reads the three files and returns gRPC's mutual TLS credentials (client certificate requested, required and
/// verified against the client CA). Errors: InvalidArgument (a file not given, not a regular file, larger than
/// 1 MiB, holding no PEM certificate or unencrypted private key, a key that is not the certificate's, or a key
/// file readable by group or others), FileNotFound (a file that does not exist), Io (unreadable).
[[nodiscard]] core::Result<std::shared_ptr<grpc::ServerCredentials>> serverCredentials(const TlsListen& tls);

/// The peer of a call that came over mutual TLS with a verified client certificate; nullopt for any other
/// call. Its connection number is derived from the address and the certificate identity (high bit set, so
/// never a Unix connection's), its uid is kNoUid.
[[nodiscard]] std::optional<Peer> tlsPeerOf(const grpc::ServerContext& context);

} // namespace secondline::service::detail
