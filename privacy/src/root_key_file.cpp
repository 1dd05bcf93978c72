#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/root_key_file.h>

#include <sodium.h>

namespace secondline::privacy {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;

namespace {

constexpr std::string_view kMagic = "secondline-root-key 1";

Result<SecretBytes> keyFromHex(std::string_view hex) {
    if (hex.size() != 2 * kDatabaseKeyBytes)
        return fail(ErrorCode::KeySlotCorrupt, "the root key file's key has the wrong length");
    auto key = SecretBytes::allocate(kDatabaseKeyBytes);
    if (!key) return fail(key.error());
    {
        auto out = key->write();
        std::size_t len = 0;
        if (sodium_hex2bin(out.bytes().data(), out.bytes().size(), hex.data(), hex.size(), nullptr, &len, nullptr) !=
                0 ||
            len != kDatabaseKeyBytes)
            return fail(ErrorCode::KeySlotCorrupt, "the root key file's key is not hex");
    }
    return key;
}

std::string hexOf(const SecretBytes& key) {
    auto in = key.read();
    std::string out(in.bytes().size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), in.bytes().data(), in.bytes().size());
    out.pop_back();
    return out;
}

} // namespace

Result<RootKeyFileContent> decodeRootKeyFile(std::string_view text) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    RootKeyFileContent out;
    std::size_t at = 0;
    auto nextLine = [&](std::string_view& line) {
        if (at >= text.size()) return false;
        const auto end = text.find('\n', at);
        if (end == std::string_view::npos) return false; // every line ends with a newline
        line = text.substr(at, end - at);
        at = end + 1;
        return true;
    };
    std::string_view line;
    if (!nextLine(line) || line != kMagic)
        return fail(ErrorCode::KeySlotCorrupt, "not a SecondLine root key file (or of an unsupported version)");
    if (!nextLine(line) || !line.starts_with("store ") || line.size() == 6)
        return fail(ErrorCode::KeySlotCorrupt, "the root key file names no store");
    out.storeId = std::string(line.substr(6));
    if (!nextLine(line) || !line.starts_with("key "))
        return fail(ErrorCode::KeySlotCorrupt, "the root key file holds no key");
    auto key = keyFromHex(line.substr(4));
    if (!key) return fail(key.error());
    out.key = std::move(*key);
    if (nextLine(line)) {
        if (!line.starts_with("next ")) return fail(ErrorCode::KeySlotCorrupt, "the root key file has an unknown line");
        auto next = keyFromHex(line.substr(5));
        if (!next) return fail(next.error());
        out.next = std::move(*next);
    }
    if (at != text.size()) return fail(ErrorCode::KeySlotCorrupt, "the root key file has trailing content");
    return out;
}

Result<std::string> encodeRootKeyFile(const std::string& storeId, const SecretBytes& key, const SecretBytes* next) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    if (key.size() != kDatabaseKeyBytes || (next && next->size() != kDatabaseKeyBytes))
        return fail(ErrorCode::InvalidArgument, "root keys must be 256-bit");
    std::string text = std::string(kMagic) + "\nstore " + storeId + "\nkey " + hexOf(key) + "\n";
    if (next) text += "next " + hexOf(*next) + "\n";
    return text;
}

void wipeText(std::string& text) noexcept {
    sodium_memzero(text.data(), text.size());
}

} // namespace secondline::privacy
