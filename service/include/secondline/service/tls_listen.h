#pragma once
// The service's second door (issue 18, item 1): TCP with mutual TLS, for the other desks of a post.
//
// The service presents `certFile` (with its key `keyFile`) and accepts only clients whose certificate chains
// to `clientCaFile`; a client without a certificate, or with one from another CA, fails the TLS handshake and
// never reaches a handler. TLS 1.2 is the oldest version accepted (gRPC's own floor, which the service
// keeps). The client certificate's identity (subject CN and subject alternative names) together with the
// connection's address is the TLS peer: a session made on one TLS connection is bound to it, as a Unix
// session is bound to its connection and OS user.

#include <string>

namespace secondline::service {

struct TlsListen {
    /// HOST:PORT ("[::1]:PORT" for IPv6). Port 0 takes a free port: Service::tlsPort() names it.
    std::string address;
    std::string certFile;     ///< the service's certificate, then any intermediate CA certificates (PEM)
    std::string keyFile;      ///< its private key (PEM, not encrypted); refused unless readable by its owner only
    std::string clientCaFile; ///< the CA certificate(s) a desk's client certificate must chain to (PEM)
};

} // namespace secondline::service
