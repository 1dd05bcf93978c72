#pragma once
// The workstation keys a verifier trusts. A sharing package and an audit export each name the Ed25519 key they
// were signed with; that proves nothing by itself, since anyone can make a key pair, sign a forgery with it and
// write its public half beside the signature. So openShare and decodeAuditExport take the keys to trust from the
// person verifying (a trust-store file, or one key given on the command line) and refuse anything signed by
// another key. There is no "trust the key inside" default: an empty set trusts nothing.
//
// Trust-store file (UTF-8 text, one key per line):
//
//   # Workstations of the Specimen border post (comment lines start with '#'; blank lines are ignored)
//   3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29  UTO-AIR-1 desk 4
//   <64 hex digits: the Ed25519 public key>                              <name: the rest of the line>
//
// The key comes first (any case), then spaces or tabs, then a name of 1 to 200 characters that identifies the
// workstation to a human (it is printed with what it verified). A key may appear once.
//
// Values, copyable; thread-safe for concurrent reads.

#include <secondline/core/result.h>

#include <string>
#include <string_view>
#include <vector>

namespace secondline::privacy {

struct TrustedKey {
    std::string publicKeyHex; ///< 64 lowercase hex digits
    std::string name;         ///< who holds it, for a human
};

class TrustedKeys {
public:
    /// Parses a trust-store file. Errors: InvalidArgument (a malformed line, named by its number; a key listed
    /// twice; no key at all; larger than 1 MiB).
    [[nodiscard]] static core::Result<TrustedKeys> parse(std::string_view text);
    /// Exactly one key (a command line's `--public-key HEX`), named `name`. Errors: InvalidArgument (not 64 hex
    /// digits).
    [[nodiscard]] static core::Result<TrustedKeys> single(std::string_view publicKeyHex, std::string name);

    /// The trusted key equal to `publicKeyHex` (compared case-insensitively), or nullptr.
    [[nodiscard]] const TrustedKey* find(std::string_view publicKeyHex) const;
    [[nodiscard]] const std::vector<TrustedKey>& keys() const { return m_keys; }

private:
    TrustedKeys() = default;
    std::vector<TrustedKey> m_keys;
};

} // namespace secondline::privacy
