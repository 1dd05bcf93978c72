#pragma once
// Sharing a case with another agency under a sharing agreement of the policy pack: only the agreement's
// fields, encrypted to the recipient's X25519 public key (libsodium sealed box), the envelope signed by the
// workstation's Ed25519 key (audit.h's AuditSigner). The recipient opens it with their own key pair, and only
// when it was signed by a workstation key they trust (trusted_keys.h): the key a package names proves nothing,
// since anyone can sign a forgery with a key pair of their own.
//
//   auto keys = newShareKeyPair();                          // recipient, once; public half goes in the pack
//   auto file = sealShare(payload, agreement, signer);      // sender
//   auto opened = openShare(*file, *keys, trustedSenders);  // recipient
//
// Pure computation: the caller reads and writes files. Messages never contain the shared values.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/audit.h>
#include <secondline/privacy/policy.h>
#include <secondline/privacy/trusted_keys.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace secondline::privacy {

struct ShareKeyPair {
    std::string publicKeyHex; ///< what the sender's policy pack names as recipient_public_key
    core::SecretBytes secret; ///< 32-byte X25519 secret key, guarded
};

/// Errors: Crypto.
[[nodiscard]] core::Result<ShareKeyPair> newShareKeyPair();
/// A key file (JSON, secret key in hex): the caller writes it owner-only.
[[nodiscard]] std::string encodeShareKeyFile(const ShareKeyPair& keys);
/// Errors: ShareInvalid.
[[nodiscard]] core::Result<ShareKeyPair> decodeShareKeyFile(std::string_view text);

struct SharePayload {
    std::string agreement;
    std::string recipient;
    std::string purpose;
    std::string legalReference;
    std::string storeId; ///< the sending store
    std::string senderPublicKeyHex;
    core::TimePoint created{};
    std::int64_t recordId = 0;                               ///< the case's record id at the sender
    std::vector<std::pair<std::string, std::string>> fields; ///< field name, standardized value
};

/// Seals `payload` for the agreement's recipient. Every field must be one the agreement allows.
/// Errors: PolicyForbids (a field outside the agreement), Crypto.
[[nodiscard]] core::Result<std::string> sealShare(const SharePayload& payload, const SharingAgreement& agreement,
                                                  const AuditSigner& signer);

struct OpenedShare {
    SharePayload payload;
    std::string senderName; ///< the trusted key's name (trusted_keys.h) the package was signed with
};

/// Checks that the envelope is signed by one of `trustedSenders` and that the signature verifies, then decrypts
/// with the recipient's keys and checks the payload matches its envelope. Errors: ShareInvalid (malformed, signed
/// by a key not in `trustedSenders`, altered, or for another recipient).
[[nodiscard]] core::Result<OpenedShare> openShare(std::string_view text, const ShareKeyPair& recipient,
                                                  const TrustedKeys& trustedSenders);

} // namespace secondline::privacy
