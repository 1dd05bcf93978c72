// The root key file (root_key.h): read bounded, written atomically; its text is privacy's (root_key_file.h).

#include "root_key.h"

#include "atomic_file.h"
#include "store_files.h"

#include <secondline/privacy/key_slot.h>
#include <secondline/privacy/root_key_file.h>
#include <secondline/storage/store.h>

#include <filesystem>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;

namespace {

/// Wipes a std::string that held key material when the scope ends.
struct WipeOnExit {
    std::string& text;
    ~WipeOnExit() { privacy::wipeText(text); }
};

} // namespace

std::string rootKeyPath(const std::string& databasePath) {
    return databasePath + ".root-key";
}

Result<SecretBytes> readRootKey(const std::string& keyFilePath) {
    auto file = detail::readRootKeyFile(keyFilePath);
    if (!file) return fail(file.error());
    return std::move(file->key);
}

Result<SecretBytes> loadRootKey(const std::string& databasePath, const std::string& keyFilePath) {
    const std::string slotsPath = keySlotPath(databasePath);
    std::error_code ec;
    if (!std::filesystem::exists(slotsPath, ec))
        return fail(ErrorCode::KeySlotMissing, "the store's key slot file is missing");
    auto slotText = detail::readWholeFile(slotsPath, detail::kMaxKeySlotFileBytes);
    if (!slotText) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    auto slots = privacy::decodeKeySlotFile(*slotText);
    if (!slots) return fail(slots.error());
    auto file = detail::readRootKeyFile(keyFilePath);
    if (!file) return fail(file.error());
    const bool hadNext = file->next.has_value();
    auto inForce = detail::rootKeyInForce(*file, slots->storeId, *slotText);
    if (!inForce) return fail(inForce.error());
    if (hadNext)
        if (auto s = detail::writeRootKeyFile(keyFilePath, slots->storeId, inForce->key); !s) return fail(s.error());
    return std::move(inForce->key);
}

namespace detail {

Result<RootKeyFile> readRootKeyFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::RootKeyUnavailable, "the store's root key file is missing");
    auto text = readWholeFile(path, kMaxRootKeyFileBytes);
    if (!text) return fail(ErrorCode::RootKeyUnavailable, "the store's root key file cannot be read");
    WipeOnExit wipe{*text};
    auto content = privacy::decodeRootKeyFile(*text);
    if (!content) return fail(content.error());
    return RootKeyFile{std::move(content->storeId), std::move(content->key), std::move(content->next)};
}

Status writeRootKeyFile(const std::string& path, const std::string& storeId, const SecretBytes& key,
                        const SecretBytes* next) {
    auto text = privacy::encodeRootKeyFile(storeId, key, next);
    if (!text) return fail(text.error());
    WipeOnExit wipe{*text};
    return writeFileAtomically(path, *text);
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
