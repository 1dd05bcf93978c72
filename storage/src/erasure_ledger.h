#pragma once
// The erasure ledger (issue 18, item 9: erased stays erased): a file beside the store ("<path>.erasures")
// naming every record erased on request or purged by retention, so that restoring a backup taken before
// an erasure erases that record again. Private to storage.
//
//   secondline-erasures 1
//   store <store id>
//   <kind> <tag> <chain>          one line per erased record, oldest first
//
// kind is "request" (SubjectRights::erase) or "retention" (a purge). tag is a keyed hash (the store's
// blind-index key, which rotation and restore keep) of the store id, the record id and the record's
// creation time: it names one record of one store and holds no personal data (a record id alone would not
// do: SQLite reuses the highest id after it is deleted). chain is a keyed hash of the previous line's chain
// and this line (the first line's "previous" is a value derived from the store id), so a line cannot be
// added, changed, reordered or removed from the middle without the key; the tail can be cut, which only the
// audit trail (each erasure's entry names its ledger position) and its witnessed checkpoints reveal.

#include "sqlite.h"

#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <cstdint>
#include <string>
#include <vector>

namespace secondline::storage::detail {

/// The largest ledger read (about 400 000 erasures).
inline constexpr std::size_t kMaxErasureLedgerBytes = 64u << 20;

enum class ErasureKind { Request, Retention };

struct ErasureLedger {
    std::string storeId;
    std::vector<std::string> kinds; ///< one per line, oldest first: "request" or "retention"
    std::vector<std::string> tags;  ///< one per line, oldest first
    std::vector<std::string> chain; ///< chain[i]: the chain value after i lines (chain[0] from the store id)
    [[nodiscard]] std::size_t entries() const { return tags.size(); }
    [[nodiscard]] const std::string& head() const { return chain.back(); }
};

/// An empty ledger of a store (nothing erased yet).
[[nodiscard]] ErasureLedger emptyErasureLedger(const core::SecretBytes& indexKey, const std::string& storeId);

/// The tag of one record (see above).
[[nodiscard]] std::string erasureTag(const core::SecretBytes& indexKey, const std::string& storeId,
                                     core::RecordId recordId, const std::string& createdUtc);

/// The tags of records about to be erased, read from the database (inside the caller's transaction).
[[nodiscard]] core::Result<std::vector<std::string>> erasureTagsOf(Database& db, const core::SecretBytes& indexKey,
                                                                   const std::string& storeId,
                                                                   const std::vector<core::RecordId>& ids);

/// Reads and verifies a ledger. A missing file is FileNotFound; a ledger that does not parse, belongs to
/// another store or whose chain does not verify under the key is ErasureLedgerInvalid. Errors also Io.
[[nodiscard]] core::Result<ErasureLedger>
readErasureLedger(const std::string& ledgerPath, const core::SecretBytes& indexKey, const std::string& storeId);

/// The ledger of an open store: readErasureLedger(), or an empty one when there is no file yet.
[[nodiscard]] core::Result<ErasureLedger>
currentErasureLedger(const std::string& ledgerPath, const core::SecretBytes& indexKey, const std::string& storeId);

/// Appends `tags` to the store's ledger (created when missing) and replaces the file atomically and durably
/// (mode 0600). Called inside the erasure's transaction (BEGIN IMMEDIATE: sessions of the service append one
/// at a time) and before it commits (write-ahead): a ledger that cannot be written stops the
/// erasure; an erasure that fails after it leaves a line whose only effect is that a later restore erases
/// that record, which had passed every check. Returns the ledger's new number of lines. Errors:
/// ErasureLedgerInvalid (the existing ledger does not verify: nothing is erased until an administrator looks),
/// DiskFull, ReadOnly, Io.
[[nodiscard]] core::Result<std::size_t> appendErasures(const std::string& ledgerPath, const core::SecretBytes& indexKey,
                                                       const std::string& storeId, ErasureKind kind,
                                                       const std::vector<std::string>& tags);

/// The ledger's text.
[[nodiscard]] std::string encodeErasureLedger(const ErasureLedger& ledger);

} // namespace secondline::storage::detail
