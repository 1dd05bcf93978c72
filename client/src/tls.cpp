#include "tls.h"

#include <secondline/core/small_file.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <charconv>
#include <cstdint>

namespace secondline::client::detail {

using core::ErrorCode;
using core::fail;

namespace {

constexpr std::size_t kMaxPemBytes = 1u << 20;

/// A string that held a private key: overwritten before it is freed.
struct KeyText {
    std::string text;
    KeyText() = default;
    KeyText(const KeyText&) = delete;
    KeyText& operator=(const KeyText&) = delete;
    ~KeyText() { OPENSSL_cleanse(text.data(), text.size()); }
};

/// Reads a PEM file; `role` names it in errors, never its content.
core::Status readPem(const std::string& path, const char* role, bool privateKey, std::string& out) {
    if (path.empty())
        return fail(ErrorCode::InvalidArgument,
                    std::string("a tls: address needs the ") + role + " (--tls-cert, --tls-key, --server-ca)");
    return core::readSmallFile(path, role, {.maxBytes = kMaxPemBytes, .secret = privateKey}, out);
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

BioPtr memory(const std::string& text) {
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

X509Ptr firstCertificate(const std::string& pem) {
    auto bio = memory(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    return cert;
}

/// An encrypted key is refused rather than prompting for its passphrase.
int noPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
    return -1;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

core::Result<TlsChannel> tlsChannel(std::string_view hostPort, const ClientOptions& options) {
    const auto colon = hostPort.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == hostPort.size())
        return fail(ErrorCode::InvalidArgument, "the service address must be tls:HOST:PORT");
    const auto port = hostPort.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
        return fail(ErrorCode::InvalidArgument, "the port of a tls: address must be a number from 1 to 65535");

    std::string certPem, caPem;
    KeyText key;
    if (auto s = readPem(options.tlsCert, "TLS certificate file", false, certPem); !s) return fail(s.error());
    if (auto s = readPem(options.tlsKey, "TLS key file", true, key.text); !s) return fail(s.error());
    if (auto s = readPem(options.serverCa, "server CA file", false, caPem); !s) return fail(s.error());
    auto cert = firstCertificate(certPem);
    if (!cert) return fail(ErrorCode::InvalidArgument, "the TLS certificate file holds no PEM certificate");
    if (!firstCertificate(caPem))
        return fail(ErrorCode::InvalidArgument, "the server CA file holds no PEM certificate");
    auto keyBio = memory(key.text);
    PkeyPtr pkey(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    ERR_clear_error();
    if (!pkey) return fail(ErrorCode::InvalidArgument, "the TLS key file holds no unencrypted PEM private key");
    if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::InvalidArgument, "the TLS key is not the key of the TLS certificate");
    }

    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = caPem;
    ssl.pem_private_key = key.text;
    ssl.pem_cert_chain = certPem;
    auto credentials = grpc::SslCredentials(ssl);
    OPENSSL_cleanse(ssl.pem_private_key.data(), ssl.pem_private_key.size());
    if (!credentials) return fail(ErrorCode::Internal, "gRPC refused the TLS credentials");
    return TlsChannel{std::string(hostPort), std::move(credentials)};
}

core::Error tlsUnavailable(const grpc::Status& status, const std::string& address) {
    const auto& m = status.error_message();
    // Our own checks of the service's certificate (OpenSSL's chain verification, gRPC's name check).
    if (contains(m, "CERTIFICATE_VERIFY_FAILED") || contains(m, "certificate verify failed") ||
        contains(m, "not in peer certificate") || contains(m, "Peer name"))
        return {ErrorCode::ServiceUnavailable,
                "the service at " + address +
                    " was not trusted: its certificate does not chain to the server CA or does not name the host"};
    if (contains(m, "andshake") || contains(m, "SSL") || contains(m, "alert"))
        return {ErrorCode::ServiceUnavailable, "the TLS handshake with the service at " + address +
                                                   " failed (the service may have refused this desk's certificate)"};
    // With TLS 1.3 the desk's side of the handshake is over before the service checks the desk's certificate:
    // a refused certificate shows as the connection closed.
    if (contains(m, "Socket closed") || contains(m, "Connection reset"))
        return {ErrorCode::ServiceUnavailable,
                "the service at " + address +
                    " closed the connection (a service refuses this way a desk certificate that does not chain to "
                    "its client CA)"};
    return {ErrorCode::ServiceUnavailable, "the service at " + address + " cannot be reached"};
}

} // namespace secondline::client::detail
