// The root key file (root_key.h): small, strict and bounded; the key goes from hex straight into guarded memory.

#include "root_key.h"

#include "atomic_file.h"

#include <secondline/privacy/key_slot.h>
#include <secondline/storage/env.h>
#include <secondline/storage/store.h>

#include <sodium.h>

#include <cerrno>
#include <filesystem>
#include <sstream>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;

namespace {

constexpr std::string_view kMagic = "secondline-root-key 1";

/// Wipes a std::string that held key material when the scope ends.
struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { sodium_memzero(text.data(), text.size()); }
};

Result<SecretBytes> keyFromHex(std::string_view hex) {
    if (hex.size() != 2 * privacy::kDatabaseKeyBytes)
        return fail(ErrorCode::KeySlotCorrupt, "the root key file's key has the wrong length");
    auto key = SecretBytes::allocate(privacy::kDatabaseKeyBytes);
    if (!key) return fail(key.error());
    auto out = key->write();
    std::size_t len = 0;
    if (sodium_hex2bin(out.bytes().data(), out.bytes().size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
        len != privacy::kDatabaseKeyBytes)
        return fail(ErrorCode::KeySlotCorrupt, "the root key file's key is not hex");
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

std::string rootKeyPath(const std::string& databasePath) {
    return databasePath + ".root-key";
}

Result<SecretBytes> readRootKey(const std::string& keyFilePath) {
    auto file = detail::readRootKeyFile(keyFilePath);
    if (!file) return fail(file.error());
    return std::move(file->key);
}

namespace detail {

Result<RootKeyFile> readRootKeyFile(const std::string& path) {
    if (sodium_init() < 0) return fail(ErrorCode::Crypto, "libsodium failed to initialise");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::RootKeyUnavailable, "the store's root key file is missing");
    auto text = readWholeFile(path, kMaxRootKeyFileBytes);
    if (!text) return fail(ErrorCode::RootKeyUnavailable, "the store's root key file cannot be read");
    WipeOnExit wipe{*text};
    RootKeyFile out;
    std::size_t at = 0;
    auto nextLine = [&](std::string_view& line) {
        if (at >= text->size()) return false;
        const auto end = text->find('\n', at);
        if (end == std::string::npos) return false; // every line ends with a newline
        line = std::string_view(*text).substr(at, end - at);
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
    if (at != text->size()) return fail(ErrorCode::KeySlotCorrupt, "the root key file has trailing content");
    return out;
}

Status writeRootKeyFile(const std::string& path, const std::string& storeId, const SecretBytes& key,
                        const SecretBytes* next) {
    std::string text = std::string(kMagic) + "\nstore " + storeId + "\nkey " + hexOf(key) + "\n";
    if (next) text += "next " + hexOf(*next) + "\n";
    WipeOnExit wipe{text};
    return writeFileAtomically(path, text);
}

Result<RootKeyInForce> rootKeyInForce(RootKeyFile& file, const std::string& storeId, const std::string& slotText) {
    if (file.storeId != storeId) return fail(ErrorCode::KeySlotCorrupt, "the root key file belongs to another store");
    if (privacy::verifyKeySlotFile(slotText, file.key)) return RootKeyInForce{std::move(file.key), false};
    if (file.next && privacy::verifyKeySlotFile(slotText, *file.next))
        return RootKeyInForce{std::move(*file.next), true};
    return fail(ErrorCode::KeySlotCorrupt, "the key slot file does not verify under the root key (altered)");
}

} // namespace detail

} // namespace secondline::storage
