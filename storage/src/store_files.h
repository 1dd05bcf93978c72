#pragma once
// The files beside a store's database (SQLite's companions, the key slot file) and how a new store's database
// is moved into place. Private to storage; used by create, open, the Users facet and maintenance.

#include "sqlite.h"

#include <secondline/privacy/key_slot.h>

#include <cstddef>
#include <string>

namespace secondline::storage::detail {

/// The largest key slot file (or backup header) the store reads.
inline constexpr std::size_t kMaxKeySlotFileBytes = 4u << 20;

/// Removes a database file and SQLite's companions of it (journal, WAL, shared memory), if present. Best
/// effort: used on failure paths, where the first error is the one to report.
void removeDatabaseFiles(const std::string& path);

/// The folder a file is in, for Env::syncFolder().
[[nodiscard]] std::string folderOf(const std::string& path);

/// Moves a new store's database, built under `building`, to `path` (beside its slot file, already written)
/// and makes the move durable. On failure neither the database nor the slot file is left at `path`.
[[nodiscard]] core::Status moveNewStoreIntoPlace(const std::string& building, const std::string& path);

/// Removes a database file and its companions when the scope ends, unless released.
class RemoveOnExit {
public:
    explicit RemoveOnExit(std::string path) : m_path(std::move(path)) {}
    RemoveOnExit(const RemoveOnExit&) = delete;
    RemoveOnExit& operator=(const RemoveOnExit&) = delete;
    ~RemoveOnExit() {
        if (!m_path.empty()) removeDatabaseFiles(m_path);
    }
    void release() { m_path.clear(); }

private:
    std::string m_path;
};

/// Where a new store (created or restored) may go: nothing of a store there yet, and an existing folder.
/// Errors: StoreExists, FileNotFound, ReadOnly.
[[nodiscard]] core::Status checkNewStorePath(const std::string& path);

/// Associated data that binds a sealed database key to its store.
[[nodiscard]] std::string databaseKeyContext(const std::string& storeId);
/// Associated data of the sealed blind-index key and audit signing seed (slot file format 3).
[[nodiscard]] std::string indexKeyContext(const std::string& storeId);
[[nodiscard]] std::string auditKeyContext(const std::string& storeId);

/// Issue 18, item 3: a format-1/2 slot file becomes format 3 at the first successful sign-in. A new root key
/// is written to `rootKeyFile` first (a file there of another store is refused: KeySlotCorrupt), then the
/// slot file: the database key, the blind-index key and the audit seed (all as they were, so the database,
/// its blind indexes and the trail's key stay valid) sealed under the root key; `user`'s slot becomes a
/// verifier of `password` at its old cost, every other user's one no password passes (reset required).
/// A failure before the slot file is replaced leaves the old slot file in force (the next sign-in tries again).
struct MigratedKeys {
    core::SecretBytes rootKey;
    std::size_t resetsRequired = 0;
};
[[nodiscard]] core::Result<MigratedKeys>
migrateKeySlots(const privacy::KeySlotFile& old, const std::string& user, const core::SecretBytes& password,
                const core::SecretBytes& databaseKey, const core::SecretBytes& indexKey,
                const core::SecretBytes& auditSeed, const std::string& slotsPath, const std::string& rootKeyFile);

/// The slot file's attribute that marks a production store made for automated tests (CreateOptions::testStore).
inline constexpr const char* kTestStoreAttribute = "test_store";

/// Issue 18, item 6: a password set in a production store (not training, not a test store) must pass
/// privacy::checkPassword against Debian's word list, and its key slot must cost at least
/// privacy::kProductionKdfFloor. Errors: PasswordWeak; FileNotFound when the word list is missing (fails closed).
[[nodiscard]] core::Status checkNewCredential(const privacy::KeySlotFile& file, const std::string& userName,
                                              const core::SecretBytes& password, const privacy::KdfParams& kdf);

/// The database key in force: sealed under the store key, or (format-1 slot files) the store key itself.
[[nodiscard]] core::Result<core::SecretBytes> databaseKeyOf(const privacy::KeySlotFile& file,
                                                            const core::SecretBytes& storeKey);

/// Reads and authenticates the slot file of an open store. Errors: KeySlotCorrupt, or verifyKeySlotFile()'s.
[[nodiscard]] core::Result<std::string> readSlotFileText(const std::string& slotsPath,
                                                         const core::SecretBytes& storeKey);

/// Reads, authenticates and parses the slot file of an open store.
[[nodiscard]] core::Result<privacy::KeySlotFile> loadSlotFile(const std::string& slotsPath,
                                                              const core::SecretBytes& storeKey);

/// Encodes `file` with its MAC under `storeKey` and replaces the slot file atomically.
[[nodiscard]] core::Status saveSlotFile(const std::string& slotsPath, const privacy::KeySlotFile& file,
                                        const core::SecretBytes& storeKey);

} // namespace secondline::storage::detail
