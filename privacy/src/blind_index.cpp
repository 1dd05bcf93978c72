#include <secondline/privacy/blind_index.h>

#include <sodium.h>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;

namespace {
constexpr char kIndexContext[] = "SLblindx"; // crypto_kdf context: exactly 8 bytes

std::string normalize(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c == '<' || c == ' ' || c == '\t' || c == '-') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        out += c;
        space = false;
    }
    return out;
}
} // namespace

core::Result<core::SecretBytes> deriveBlindIndexKey(const core::SecretBytes& databaseKey) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    auto key = core::SecretBytes::allocate(crypto_generichash_KEYBYTES);
    if (!key) return key;
    auto in = databaseKey.read();
    auto out = key->write();
    if (in.bytes().size() != crypto_kdf_KEYBYTES ||
        crypto_kdf_derive_from_key(out.bytes().data(), out.bytes().size(), 2, kIndexContext, in.bytes().data()) != 0)
        return fail(ErrorCode::Crypto, "cannot derive the blind index key");
    return key;
}

std::string blindIndex(const core::SecretBytes& indexKey, std::string_view purpose, std::string_view value) {
    std::string input(purpose);
    input += '\0';
    input += value;
    unsigned char digest[16];
    auto k = indexKey.read();
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       k.bytes().data(), k.bytes().size());
    sodium_memzero(input.data(), input.size());
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string documentLookupValue(std::string_view issuingState, std::string_view documentNumber) {
    std::string number = normalize(documentNumber);
    std::erase(number, ' ');
    return normalize(issuingState) + ":" + number;
}

std::string nameBirthLookupValue(std::string_view surname, std::string_view birthIso) {
    return normalize(surname) + "|" + std::string(birthIso);
}

} // namespace secondline::privacy
