#include <secondline/privacy/password_rule.h>

#include <sodium.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;

static_assert(kProductionKdfFloor.opsLimit == crypto_pwhash_OPSLIMIT_MODERATE);
static_assert(kProductionKdfFloor.memLimitBytes == crypto_pwhash_MEMLIMIT_MODERATE);

namespace {

// Seen most often in published password leaks; a dictionary of words does not hold them.
constexpr const char* kLeaked[] = {
    "123456",       "1234567",      "12345678",      "123456789",    "1234567890", "12345678910", "123123123",
    "111111111111", "000000000000", "123456789012",  "qwerty",       "qwertyuiop", "qwerty123",   "qwertyuiopasdfghjkl",
    "azerty",       "asdfghjkl",    "1q2w3e4r5t6y",  "1qaz2wsx3edc", "zaq12wsx",   "password",    "passw0rd",
    "password1",    "password123",  "p@ssw0rd",      "letmein",      "iloveyou",   "trustno1",    "welcome",
    "welcome123",   "admin",        "administrator", "changeme",     "secret",     "monkey",      "dragon",
    "football",     "baseball",     "sunshine",      "princess",     "superman",   "whatever",    "abc123",
    "abcdefghijkl", "abcd1234",     "default",       "master",       "login",      "test",        "guest",
};

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool isLetter(char c) {
    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
}

/// A string wiped when it goes out of scope (copies of the password).
struct Wiped {
    std::string text;
    ~Wiped() { sodium_memzero(text.data(), text.size()); }
};

} // namespace

CommonPasswords::CommonPasswords() {
    for (const char* word : kLeaked) m_words.insert(word);
}

CommonPasswords CommonPasswords::fromWordList(std::string_view text) {
    CommonPasswords out;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view word = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        while (!word.empty() && (word.back() == '\r' || word.back() == ' ')) word.remove_suffix(1);
        if (word.size() > 2 && word.substr(word.size() - 2) == "'s") word.remove_suffix(2);
        if (!word.empty()) out.m_words.insert(lowerAscii(word));
    }
    return out;
}

core::Result<CommonPasswords> CommonPasswords::load(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::FileNotFound, "the common-password list " + path +
                                                 " is missing (Debian package wamerican): production passwords "
                                                 "cannot be checked, so none is accepted");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return fail(ErrorCode::Io, "cannot read the common-password list " + path);
    return fromWordList(text.str());
}

bool CommonPasswords::contains(std::string_view word) const {
    return m_words.count(lowerAscii(word)) > 0;
}

core::Status checkPassword(const core::SecretBytes& password, std::string_view userName,
                           const CommonPasswords& common) {
    const std::string tooShort =
        "a production password needs at least " + std::to_string(kMinPasswordLength) + " characters";
    if (password.size() < kMinPasswordLength) return fail(ErrorCode::PasswordWeak, tooShort); // fewer bytes still
    const auto reader = password.read();
    const auto bytes = reader.bytes();
    std::size_t characters = 0;
    for (const auto b : bytes)
        if ((b & 0xc0) != 0x80) ++characters; // UTF-8: count every byte but continuation bytes
    if (characters < kMinPasswordLength) return fail(ErrorCode::PasswordWeak, tooShort);
    Wiped lower{lowerAscii(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()))};
    const std::string name = lowerAscii(userName);
    if (lower.text == name || (name.size() >= 3 && lower.text.find(name) != std::string::npos))
        return fail(ErrorCode::PasswordWeak, "the password must not be or contain the user name");
    if (common.contains(lower.text)) return fail(ErrorCode::PasswordWeak, "the password is a common word or password");
    // The same with digits and punctuation around it taken away: "Password2026!" is "password".
    std::size_t first = 0;
    std::size_t last = lower.text.size();
    while (first < last && !isLetter(lower.text[first])) ++first;
    while (last > first && !isLetter(lower.text[last - 1])) --last;
    Wiped stripped{lower.text.substr(first, last - first)};
    if (!stripped.text.empty() && common.contains(stripped.text))
        return fail(ErrorCode::PasswordWeak,
                    "the password is a common word or password with digits or punctuation around it");
    return {};
}

core::Status checkKdfCost(const KdfParams& kdf) {
    if (kdf.opsLimit < kProductionKdfFloor.opsLimit || kdf.memLimitBytes < kProductionKdfFloor.memLimitBytes)
        return fail(ErrorCode::PasswordWeak, "a production store's Argon2id cost must be at least " +
                                                 std::to_string(kProductionKdfFloor.opsLimit) + " passes and " +
                                                 std::to_string(kProductionKdfFloor.memLimitBytes >> 20) +
                                                 " MiB (libsodium's MODERATE)");
    return {};
}

} // namespace secondline::privacy
