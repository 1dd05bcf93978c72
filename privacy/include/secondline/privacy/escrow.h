#pragma once
// Backups sealed to an escrow key (issue 18, item 9): an X25519 key pair made once by the administrator or
// the data protection officer. The public key is given to `store backup`; the secret key is kept offline
// and is the only thing that opens those backups. The backup's random key is sealed to the public key with
// libsodium's sealed box (X25519, an ephemeral key pair, XSalsa20-Poly1305): whoever writes a backup can
// no longer read it, and no password, of a user or of the backup, takes part.
//
// The secret key file is text, at most 4 KiB, written mode 0600 by the caller:
//
//   secondline-escrow-key 1
//   public <64 hex digits>
//   secret <64 hex digits>
//
// This layer only computes; storage and the command line read and write the files.

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <string>
#include <string_view>

namespace secondline::privacy {

inline constexpr std::string_view kEscrowKeyFileMagic = "secondline-escrow-key 1";

struct EscrowKeyPair {
    std::string publicKeyHex; ///< 32-byte X25519 public key, 64 lower-case hex digits
    core::SecretBytes secret; ///< 32-byte X25519 secret key, guarded
};

/// A fresh key pair (crypto_box_keypair). Errors: Crypto.
[[nodiscard]] core::Result<EscrowKeyPair> newEscrowKeyPair();

/// The secret key file's text. The caller wipes it (wipeText()) once written.
[[nodiscard]] std::string encodeEscrowKeyFile(const EscrowKeyPair& keys);

/// Parses a secret key file strictly and checks that its public key belongs to its secret key.
/// Errors: InvalidArgument (not an escrow key file, malformed, or the two keys do not match), Crypto.
[[nodiscard]] core::Result<EscrowKeyPair> decodeEscrowKeyFile(std::string_view text);

/// Checks and normalizes (lower case) a public key given as hex: 64 hex digits of a point libsodium accepts
/// (not all zero). Errors: InvalidArgument.
[[nodiscard]] core::Result<std::string> parseEscrowPublicKey(std::string_view hex);

/// A short fingerprint of a public key for humans and the audit trail: hex of BLAKE2b-128 over a domain
/// string and the key (32 hex digits). The public key is no secret; the fingerprint only names it.
[[nodiscard]] std::string escrowFingerprint(std::string_view publicKeyHex);

/// Seals `key` to the public key (crypto_box_seal); the result is hex. Errors: InvalidArgument (a malformed
/// public key), Crypto.
[[nodiscard]] core::Result<std::string> sealToEscrow(const core::SecretBytes& key, std::string_view publicKeyHex);

/// Opens what sealToEscrow() made, with the matching key pair, into guarded memory. Errors: AuthenticationFailed
/// (another key pair, or the sealed text was altered: a sealed box cannot tell the two apart; callers check
/// the fingerprint first to tell them apart), InvalidArgument (not hex), Crypto.
[[nodiscard]] core::Result<core::SecretBytes> openFromEscrow(std::string_view sealedHex, const EscrowKeyPair& keys);

} // namespace secondline::privacy
