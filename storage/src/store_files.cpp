// The files beside a store's database: new stores moved into place, SQLite's companion files, and the
// key slot file.

#include "store_files.h"

#include "atomic_file.h"
#include "root_key.h"

#include <secondline/privacy/password_rule.h>
#include <secondline/storage/env.h>
#include <secondline/storage/store.h>

#include <cerrno>
#include <filesystem>
#include <unistd.h>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;

namespace detail {

void removeDatabaseFiles(const std::string& path) {
    Env& env = Env::current();
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        core::ignoreResult(env.removeFile(path + suffix), "best effort: a file left over is removed at the next try");
}

std::string folderOf(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

Status moveNewStoreIntoPlace(const std::string& building, const std::string& path) {
    Env& env = Env::current();
    if (auto s = env.renameFile(building, path); !s) {
        core::ignoreResult(env.removeFile(keySlotPath(path)), "best effort; the rename's error is the one to report");
        return s;
    }
    if (auto s = env.syncFolder(folderOf(path)); !s) {
        // Not durable: take it back rather than report a failure and leave a store that may not survive.
        removeDatabaseFiles(path);
        core::ignoreResult(env.removeFile(keySlotPath(path)), "best effort; the sync's error is the one to report");
        return s;
    }
    return {};
}

Status checkNewStorePath(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || std::filesystem::exists(keySlotPath(path), ec))
        return fail(ErrorCode::StoreExists, "a store already exists at that path");
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::FileNotFound, "the folder for the store does not exist");
    // Checked up front so that a read-only folder is told apart from other failures to create a file.
    if (::access(parent.empty() ? "." : parent.c_str(), W_OK | X_OK) != 0 && (errno == EACCES || errno == EROFS))
        return fail(ErrorCode::ReadOnly, "the folder for the store is read-only");
    return {};
}

std::string databaseKeyContext(const std::string& storeId) {
    return "secondline database key " + storeId;
}

std::string indexKeyContext(const std::string& storeId) {
    return "secondline blind index key " + storeId;
}

std::string auditKeyContext(const std::string& storeId) {
    return "secondline audit signing seed " + storeId;
}

Result<MigratedKeys> migrateKeySlots(const privacy::KeySlotFile& old, const std::string& user,
                                     const SecretBytes& password, const SecretBytes& databaseKey,
                                     const SecretBytes& indexKey, const SecretBytes& auditSeed,
                                     const std::string& slotsPath, const std::string& rootKeyFile) {
    std::error_code ec;
    if (std::filesystem::exists(rootKeyFile, ec)) {
        // Left by a migration that stopped before the slot file was replaced: this store's, and overwritten.
        auto existing = readRootKeyFile(rootKeyFile);
        if (existing && existing->storeId != old.storeId)
            return fail(ErrorCode::KeySlotCorrupt, "the root key file path holds another store's root key");
    }
    auto root = privacy::newDatabaseKey();
    if (!root) return fail(root.error());
    MigratedKeys out;
    privacy::KeySlotFile next;
    next.storeId = old.storeId;
    next.training = old.training;
    next.attributes = old.attributes;
    for (const auto& slot : old.slots) {
        if (slot.userName == user) {
            auto verifier = privacy::makeVerifier(user, password, slot.kdf);
            if (!verifier) return fail(verifier.error());
            next.slots.push_back(std::move(*verifier));
        } else {
            next.slots.push_back(privacy::resetRequiredSlot(slot.userName, slot.kdf));
            ++out.resetsRequired;
        }
    }
    auto sealedDb = privacy::sealKey(*root, databaseKey, databaseKeyContext(old.storeId));
    auto sealedIndex = privacy::sealKey(*root, indexKey, indexKeyContext(old.storeId));
    auto sealedAudit = privacy::sealKey(*root, auditSeed, auditKeyContext(old.storeId));
    if (!sealedDb) return fail(sealedDb.error());
    if (!sealedIndex) return fail(sealedIndex.error());
    if (!sealedAudit) return fail(sealedAudit.error());
    next.databaseKey = std::move(*sealedDb);
    next.indexKey = std::move(*sealedIndex);
    next.auditKey = std::move(*sealedAudit);
    if (auto s = writeRootKeyFile(rootKeyFile, old.storeId, *root); !s) return fail(s.error());
    if (auto s = saveSlotFile(slotsPath, next, *root); !s) return fail(s.error());
    out.rootKey = std::move(*root);
    return out;
}

core::Status checkNewCredential(const privacy::KeySlotFile& file, const std::string& userName,
                                const SecretBytes& password, const privacy::KdfParams& kdf) {
    // Training stores hold synthetic data only; test stores are marked at creation, for good, under the MAC.
    if (file.training || file.attribute(kTestStoreAttribute)) return {};
    if (auto s = privacy::checkKdfCost(kdf); !s) return s;
    // Read at every password change (a fraction of a second): an administrator's updated list counts at once.
    auto common = privacy::CommonPasswords::load(privacy::kCommonPasswordsPath);
    if (!common) return fail(common.error());
    return privacy::checkPassword(password, userName, *common);
}

Result<SecretBytes> databaseKeyOf(const privacy::KeySlotFile& file, const SecretBytes& storeKey) {
    if (file.databaseKey) return privacy::openSealedKey(storeKey, *file.databaseKey, databaseKeyContext(file.storeId));
    auto view = storeKey.read();
    return SecretBytes::copyOf(view.bytes());
}

Result<std::string> readSlotFileText(const std::string& slotsPath, const SecretBytes& storeKey) {
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    if (auto s = privacy::verifyKeySlotFile(*text, storeKey); !s) return fail(s.error());
    return text;
}

Result<privacy::KeySlotFile> loadSlotFile(const std::string& slotsPath, const SecretBytes& storeKey) {
    auto text = readSlotFileText(slotsPath, storeKey);
    if (!text) return fail(text.error());
    return privacy::decodeKeySlotFile(*text);
}

Status saveSlotFile(const std::string& slotsPath, const privacy::KeySlotFile& file, const SecretBytes& storeKey) {
    auto encoded = privacy::encodeKeySlotFile(file, storeKey);
    if (!encoded) return fail(encoded.error());
    return detail::writeFileAtomically(slotsPath, *encoded);
}

} // namespace detail

} // namespace secondline::storage
