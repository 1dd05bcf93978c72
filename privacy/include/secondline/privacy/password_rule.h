#pragma once
// What a production store accepts as a password, and the least Argon2id cost it accepts for one. Training
// stores (synthetic data) and stores made for automated tests are exempt; storage decides which store is which
// and asks here when a password is set (store creation, a new user, a password change).
//
//   auto common = CommonPasswords::load(kCommonPasswordsPath);   // fails closed when the list is missing
//   if (!common) return fail(common.error());
//   if (auto s = checkPassword(password, userName, *common); !s) return s;   // password_weak, with the reason
//   if (auto s = checkKdfCost(kdf); !s) return s;
//
// Messages say which rule failed, never the password.

#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/privacy/key_slot.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace secondline::privacy {

/// Debian's American English word list (package wamerican), the source of common words.
inline constexpr const char* kCommonPasswordsPath = "/usr/share/dict/american-english";

/// Fewest characters (Unicode code points) in a production password.
inline constexpr std::size_t kMinPasswordLength = 12;

/// The least Argon2id cost of a production key slot or verifier: libsodium's MODERATE (3 passes, 256 MiB),
/// about half a second on a desk PC. KdfParams{} is exactly this.
inline constexpr KdfParams kProductionKdfFloor{3, 256ull << 20};

/// Words and passwords too common to be one, compared case-insensitively (ASCII letters folded). Besides the
/// list it is made from, it always holds a few dozen of the passwords seen most in leaks (123456, qwerty, ...).
class CommonPasswords {
public:
    /// From a word list: one word a line; blank lines ignored, a possessive "'s" dropped. Pure.
    [[nodiscard]] static CommonPasswords fromWordList(std::string_view text);
    /// Reads a word list file (kCommonPasswordsPath in production). Errors: FileNotFound (missing: the caller
    /// must refuse the password rather than skip the check), Io.
    [[nodiscard]] static core::Result<CommonPasswords> load(const std::string& path);

    /// Whether `word` (any case) is in the list.
    [[nodiscard]] bool contains(std::string_view word) const;
    [[nodiscard]] std::size_t size() const { return m_words.size(); }

private:
    CommonPasswords();
    std::unordered_set<std::string> m_words;
};

/// The production rule. Errors: PasswordWeak, naming the rule that failed:
/// - at least kMinPasswordLength characters;
/// - not the user name, and, for names of 3 characters or more, not containing it (case-insensitive);
/// - not a common word or password, as it stands or once digits and punctuation around it are taken away
///   ("Password2026!" is "password").
[[nodiscard]] core::Status checkPassword(const core::SecretBytes& password, std::string_view userName,
                                         const CommonPasswords& common);

/// Errors: PasswordWeak when `kdf` costs less than kProductionKdfFloor in passes or in memory.
[[nodiscard]] core::Status checkKdfCost(const KdfParams& kdf);

} // namespace secondline::privacy
