#include "tls_credentials.h"

#include <secondline/core/small_file.h>

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sodium.h>

#include <charconv>
#include <cstring>
#include <string>

namespace secondline::service::detail {

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

/// Reads a PEM file; `role` names it in errors ("TLS certificate file"), never its content.
core::Status readPem(const std::string& path, const char* role, bool privateKey, std::string& out) {
    if (path.empty()) return fail(ErrorCode::InvalidArgument, std::string(role) + " is not given");
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

/// The first certificate of a PEM text, and how many it holds.
X509Ptr firstCertificate(const std::string& pem, int& count) {
    count = 0;
    auto bio = memory(pem);
    X509Ptr first;
    while (bio) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        if (!first) first = std::move(cert);
        ++count;
    }
    ERR_clear_error(); // the end of the text reads as an error
    return first;
}

/// An encrypted key is refused rather than prompting for its passphrase on the service's terminal.
int noPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
    return -1;
}

} // namespace

core::Status checkListenAddress(std::string_view address) {
    const auto colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size())
        return fail(ErrorCode::InvalidArgument, "the TLS listen address must be HOST:PORT");
    const auto port = address.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value > 65535)
        return fail(ErrorCode::InvalidArgument, "the TLS listen address's port must be a number from 0 to 65535");
    return {};
}

core::Result<std::shared_ptr<grpc::ServerCredentials>> serverCredentials(const TlsListen& tls) {
    if (auto s = checkListenAddress(tls.address); !s) return fail(s.error());
    if (tls.certFile.empty() || tls.keyFile.empty() || tls.clientCaFile.empty())
        return fail(ErrorCode::InvalidArgument,
                    "listening with TLS needs the certificate, its key and the client CA (--tls-cert, --tls-key, "
                    "--client-ca)");
    std::string certPem, caPem;
    KeyText key;
    if (auto s = readPem(tls.certFile, "TLS certificate file", false, certPem); !s) return fail(s.error());
    if (auto s = readPem(tls.keyFile, "TLS key file", true, key.text); !s) return fail(s.error());
    if (auto s = readPem(tls.clientCaFile, "client CA file", false, caPem); !s) return fail(s.error());

    int count = 0;
    auto cert = firstCertificate(certPem, count);
    if (!cert) return fail(ErrorCode::InvalidArgument, "the TLS certificate file holds no PEM certificate");
    firstCertificate(caPem, count);
    if (count == 0) return fail(ErrorCode::InvalidArgument, "the client CA file holds no PEM certificate");
    auto keyBio = memory(key.text);
    PkeyPtr pkey(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    ERR_clear_error();
    if (!pkey) return fail(ErrorCode::InvalidArgument, "the TLS key file holds no unencrypted PEM private key");
    if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
        ERR_clear_error();
        return fail(ErrorCode::InvalidArgument, "the TLS key is not the key of the TLS certificate");
    }

    grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    options.pem_root_certs = caPem;
    options.pem_key_cert_pairs.push_back({key.text, certPem});
    auto credentials = grpc::SslServerCredentials(options);
    OPENSSL_cleanse(options.pem_key_cert_pairs.front().private_key.data(),
                    options.pem_key_cert_pairs.front().private_key.size());
    if (!credentials) return fail(ErrorCode::Internal, "gRPC refused the TLS credentials");
    return credentials;
}

std::optional<Peer> tlsPeerOf(const grpc::ServerContext& context) {
    const auto auth = context.auth_context();
    if (!auth || !auth->IsPeerAuthenticated()) return std::nullopt;
    const auto type = auth->FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
    if (type.size() != 1 || type.front() != GRPC_SSL_TRANSPORT_SECURITY_TYPE) return std::nullopt;
    // The connection's address, then the certificate's identity: "ipv4:10.1.2.3:50122\ncn=desk-2\nsan=...".
    std::string identity = context.peer();
    identity += "\ncn=";
    for (const auto& cn : auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) identity.append(cn.data(), cn.size());
    identity += "\nsan=";
    for (const auto& san : auth->FindPropertyValues(GRPC_X509_SAN_PROPERTY_NAME)) {
        identity.append(san.data(), san.size());
        identity += ',';
    }
    unsigned char hash[crypto_generichash_BYTES_MIN];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(identity.data()), identity.size(),
                       nullptr, 0);
    std::uint64_t connection = 0;
    std::memcpy(&connection, hash, sizeof connection);
    Peer peer;
    peer.connection = connection | (std::uint64_t{1} << 63);
    peer.uid = kNoUid;
    peer.gid = static_cast<gid_t>(-1);
    std::string cn;
    for (const auto& value : auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME))
        cn.append(value.data(), value.size());
    peer.tlsIdentity = "cn=" + cn.substr(0, 64) + " at " + context.peer().substr(0, 64);
    return peer;
}

} // namespace secondline::service::detail
