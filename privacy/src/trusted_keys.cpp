#include <secondline/privacy/trusted_keys.h>

#include <algorithm>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;

namespace {

constexpr std::size_t kKeyHexDigits = 64; // an Ed25519 public key
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxTrustStore = 1u << 20;

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

/// Lowercase hex of a key, or empty when `text` is not 64 hex digits.
std::string normalizedKey(std::string_view text) {
    if (text.size() != kKeyHexDigits) return {};
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (isSpace(s.front()) || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (isSpace(s.back()) || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

} // namespace

core::Result<TrustedKeys> TrustedKeys::parse(std::string_view text) {
    if (text.size() > kMaxTrustStore) return fail(ErrorCode::InvalidArgument, "trust store: larger than 1 MiB");
    TrustedKeys out;
    std::size_t lineNo = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view raw = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++lineNo;
        const std::string_view line = trim(raw);
        if (line.empty() || line.front() == '#') continue;
        const auto where = "trust store line " + std::to_string(lineNo) + ": ";
        const auto gap = std::find_if(line.begin(), line.end(), isSpace);
        const std::string key = normalizedKey(line.substr(0, static_cast<std::size_t>(gap - line.begin())));
        if (key.empty()) return fail(ErrorCode::InvalidArgument, where + "does not start with a key of 64 hex digits");
        const std::string_view name = trim(line.substr(static_cast<std::size_t>(gap - line.begin())));
        if (name.empty() || name.size() > kMaxName)
            return fail(ErrorCode::InvalidArgument, where + "the key needs a name of 1 to 200 characters after it");
        if (out.find(key)) return fail(ErrorCode::InvalidArgument, where + "lists a key already listed");
        out.m_keys.push_back({key, std::string(name)});
    }
    if (out.m_keys.empty()) return fail(ErrorCode::InvalidArgument, "trust store: lists no key");
    return out;
}

core::Result<TrustedKeys> TrustedKeys::single(std::string_view publicKeyHex, std::string name) {
    std::string key = normalizedKey(publicKeyHex);
    if (key.empty()) return fail(ErrorCode::InvalidArgument, "a trusted public key is 64 hex digits");
    TrustedKeys out;
    out.m_keys.push_back({std::move(key), std::move(name)});
    return out;
}

const TrustedKey* TrustedKeys::find(std::string_view publicKeyHex) const {
    const std::string key = normalizedKey(publicKeyHex);
    if (key.empty()) return nullptr;
    for (const auto& k : m_keys)
        if (k.publicKeyHex == key) return &k;
    return nullptr;
}

} // namespace secondline::privacy
