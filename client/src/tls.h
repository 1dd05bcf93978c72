#pragma once
// The client's side of mutual TLS ("tls:HOST:PORT"): this desk's certificate and key, the CA the service's
// certificate must chain to, and what a failed handshake means to the caller.

#include <secondline/client/client.h>
#include <secondline/core/result.h>

#include <grpcpp/security/credentials.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <string_view>

namespace secondline::client::detail {

struct TlsChannel {
    std::string target; ///< HOST:PORT for gRPC (the name checked against the service's certificate is HOST)
    std::shared_ptr<grpc::ChannelCredentials> credentials;
};

/// Checks HOST:PORT and reads the three files of `options` (tlsCert, tlsKey, serverCa). Errors: InvalidArgument
/// (a malformed address, a file not given, not a regular file, larger than 1 MiB, holding no PEM certificate or
/// unencrypted private key, a key that is not the certificate's, a key file group or others may access),
/// FileNotFound, Io.
[[nodiscard]] core::Result<TlsChannel> tlsChannel(std::string_view hostPort, const ClientOptions& options);

/// The error for a call over TLS that gRPC itself failed as UNAVAILABLE: ServiceUnavailable, saying when the
/// service's certificate was not trusted (no chain to serverCa, or HOST not named in it) or when the TLS
/// handshake failed otherwise (the service may have refused this desk's certificate).
[[nodiscard]] core::Error tlsUnavailable(const grpc::Status& status, const std::string& address);

} // namespace secondline::client::detail
