#include "test_pki.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

namespace secondline::test {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

PkeyPtr newKey() {
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    check(key != nullptr, "EVP_PKEY_Q_keygen");
    return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    const int added = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(added == 1, "X509_add_ext");
}

/// A certificate for `key` named `commonName`, issued by `issuerName` (itself for a CA), not yet signed.
X509Ptr newCertificate(EVP_PKEY* key, const std::string& commonName) {
    X509Ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "RAND_bytes");
    serial[0] &= 0x7f; // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    check(bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr, "serial");
    BN_free(bn);
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
    check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("SecondLine test"),
                                     -1, -1, 0) == 1,
          "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1, 0) == 1,
          "subject CN");
    return cert;
}

std::string pemOf(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

std::string pemOf(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

} // namespace

struct TestCa::Impl {
    PkeyPtr key;
    X509Ptr cert;
    std::string pem;
};

TestCa TestCa::make(const std::string& commonName) {
    auto impl = std::make_unique<Impl>();
    impl->key = newKey();
    impl->cert = newCertificate(impl->key.get(), commonName);
    X509* cert = impl->cert.get();
    check(X509_set_issuer_name(cert, X509_get_subject_name(cert)) == 1, "X509_set_issuer_name");
    addExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(cert, cert, NID_subject_key_identifier, "hash");
    check(X509_sign(cert, impl->key.get(), EVP_sha256()) > 0, "X509_sign");
    impl->pem = pemOf(cert);
    return TestCa(std::move(impl));
}

TestCa::TestCa(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TestCa::TestCa(TestCa&&) noexcept = default;
TestCa& TestCa::operator=(TestCa&&) noexcept = default;
TestCa::~TestCa() = default;

const std::string& TestCa::certPem() const {
    return m_impl->pem;
}

IssuedCertificate TestCa::issue(const CertificateRequest& request) const {
    auto key = newKey();
    auto cert = newCertificate(key.get(), request.commonName);
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(m_impl->cert.get())) == 1, "X509_set_issuer_name");
    addExtension(cert.get(), m_impl->cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), m_impl->cert.get(), NID_key_usage, "critical,digitalSignature");
    addExtension(cert.get(), m_impl->cert.get(), NID_ext_key_usage, request.server ? "serverAuth" : "clientAuth");
    addExtension(cert.get(), m_impl->cert.get(), NID_authority_key_identifier, "keyid:always");
    std::string names;
    for (const auto& dns : request.dnsNames) names += (names.empty() ? "DNS:" : ",DNS:") + dns;
    for (const auto& ip : request.ipAddresses) names += (names.empty() ? "IP:" : ",IP:") + ip;
    if (!names.empty()) addExtension(cert.get(), m_impl->cert.get(), NID_subject_alt_name, names);
    check(X509_sign(cert.get(), m_impl->key.get(), EVP_sha256()) > 0, "X509_sign");
    return {pemOf(cert.get()), pemOf(key.get())};
}

void writePem(const std::filesystem::path& path, const std::string& text, unsigned mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw std::runtime_error("test PKI: cannot write a PEM file");
    }
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) throw std::runtime_error("test PKI: chmod failed");
}

} // namespace secondline::test
