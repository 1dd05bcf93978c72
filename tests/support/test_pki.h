#pragma once
// Throw-away X.509 for the mutual TLS tests (issue 18, item 1): a CA, and server and client certificates it
// issues, made with OpenSSL 3 in memory for one test (EC P-256 keys, SHA-256 signatures, valid from a minute
// ago for a day). Nothing here is a real identity and nothing is kept after the test.
//
//   auto ca = TestCa::make("post-ca");
//   auto server = ca.issue({.commonName = "desk-1", .dnsNames = {"localhost"}, .ipAddresses = {"127.0.0.1"},
//                           .server = true});
//   writePem(folder / "server.key", server.keyPem, 0600);

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace secondline::test {

/// A certificate and its private key, PEM.
struct IssuedCertificate {
    std::string certPem;
    std::string keyPem;
};

struct CertificateRequest {
    std::string commonName{};
    std::vector<std::string> dnsNames{};    ///< subjectAltName DNS entries
    std::vector<std::string> ipAddresses{}; ///< subjectAltName IP entries
    bool server = false;                    ///< extendedKeyUsage serverAuth; else clientAuth
};

class TestCa {
public:
    /// A self-signed CA named `commonName`. Throws std::runtime_error when OpenSSL fails.
    static TestCa make(const std::string& commonName);

    TestCa(TestCa&&) noexcept;
    TestCa& operator=(TestCa&&) noexcept;
    ~TestCa();

    /// The CA's certificate, PEM (what a peer trusts).
    [[nodiscard]] const std::string& certPem() const;
    /// A leaf certificate signed by this CA. Throws std::runtime_error when OpenSSL fails.
    [[nodiscard]] IssuedCertificate issue(const CertificateRequest& request) const;

    struct Impl;

private:
    explicit TestCa(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// Writes `text` to `path` (replacing it) with permissions `mode` (e.g. 0600 for a key).
void writePem(const std::filesystem::path& path, const std::string& text, unsigned mode);

} // namespace secondline::test
