// The Maintenance facet (key rotation, backup, checks, cipher settings) and Store::restore: whole-database
// copies, each checked against a manifest of every table's rows.

#include <secondline/storage/maintenance.h>

#include "atomic_file.h"
#include "document_codec.h"
#include "erasure_ledger.h"
#include "root_key.h"
#include "schema.h"
#include "store_files.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/digest.h>
#include <secondline/privacy/escrow.h>
#include <secondline/storage/env.h>

#include <charconv>
#include <functional>
#include <unordered_map>
#include <cstdlib>
#include <filesystem>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;
using detail::appendAudit;
using detail::checkNewStorePath;
using detail::Database;
using detail::databaseKeyContext;
using detail::folderOf;
using detail::kMaxKeySlotFileBytes;
using detail::loadSlotFile;
using detail::metaValue;
using detail::moveNewStoreIntoPlace;
using detail::readSlotFileText;
using detail::removeDatabaseFiles;
using detail::RemoveOnExit;
using detail::saveSlotFile;
using detail::Transaction;

namespace {

/// What a backup or a restore checks a database copy against: the rows of every table and one digest over
/// all of their values. Every table's first column is its primary key, so "ORDER BY 1" is a total order.
struct Manifest {
    std::string digest;
    std::vector<std::pair<std::string, std::int64_t>> rows; // table name, row count
};

} // namespace

Result<std::vector<std::string>> detail::firstColumn(Database& db, std::string_view sql) {
    auto q = db.prepare(sql);
    if (!q) return fail(q.error());
    std::vector<std::string> rows;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        rows.push_back(q->text(0));
    }
    return rows;
}

namespace {

using detail::firstColumn;

Result<Manifest> manifestOf(Database& db) {
    auto tables = firstColumn(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                  "ORDER BY name;");
    if (!tables) return fail(tables.error());
    Manifest m;
    privacy::ContentDigest digest;
    for (const auto& table : *tables) {
        auto q = db.prepare("SELECT * FROM \"" + table + "\" ORDER BY 1;");
        if (!q) return fail(q.error());
        digest.updateField(table);
        std::int64_t rows = 0;
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            ++rows;
// GCC 12 at -O2 and above: bogus -Wrestrict in std::string from a short literal (GCC bug 105329).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
            for (int c = 0; c < q->columnCount(); ++c) digest.updateField(q->isNull(c) ? "N" : "V" + q->text(c));
#pragma GCC diagnostic pop
        }
        digest.updateField(std::to_string(rows));
        m.rows.emplace_back(table, rows);
    }
    m.digest = digest.finishHex();
    return m;
}

/// What SQLite's integrity_check and SQLCipher's cipher_integrity_check report.
struct Integrity {
    std::size_t structureProblems = 0; ///< integrity_check rows other than a single "ok"
    std::size_t failingPages = 0;      ///< cipher_integrity_check lists failing pages, nothing when all pass
    [[nodiscard]] bool ok() const { return structureProblems == 0 && failingPages == 0; }
};

Result<Integrity> checkIntegrity(Database& db) {
    auto structure = firstColumn(db, "PRAGMA integrity_check;");
    if (!structure) return fail(structure.error());
    auto pages = firstColumn(db, "PRAGMA cipher_integrity_check;");
    if (!pages) return fail(pages.error());
    const bool structureOk = structure->size() == 1 && (*structure)[0] == "ok";
    return Integrity{structureOk ? 0 : structure->size(), pages->size()};
}

constexpr std::string_view kBackupMagic = "SECONDLINE-BACKUP 1\n";
constexpr std::string_view kBackupKind = "secondline-backup";
constexpr std::string_view kBackupSlotUser = "backup";
// Escrow backups: the backup's key sealed to an X25519 public key, the key and its fingerprint (attributes).
constexpr std::string_view kEscrowSealedKey = "escrow_sealed_key";
constexpr std::string_view kEscrowPublicKey = "escrow_public_key";
constexpr std::string_view kEscrowFingerprint = "escrow_fingerprint";
// The erasure ledger when the backup was taken: its lines and its chain value.
constexpr std::string_view kLedgerEntries = "erasure_ledger_entries";
constexpr std::string_view kLedgerHead = "erasure_ledger_head";

std::string backupKeyContext(std::string_view what, const std::string& storeId) {
    return "secondline backup " + std::string(what) + " " + storeId;
}

/// Writes a copy of what `db` reads to a new file `target` under `key` (sqlcipher_export), checks that it
/// holds the same rows, and leaves it closed, synced, in rollback-journal mode. On failure nothing is left at
/// `target`. How the store re-encrypts: SQLCipher's in-place PRAGMA rekey was found (by the fault-injection
/// matrix) to report success after a failed page write, and to leave a file under both keys when a write
/// failed and was rolled back in the same process; a failed copy spoils only the copy.
Status copyUnderKey(Database& db, const std::string& target, const SecretBytes& key) {
    removeDatabaseFiles(target);
    RemoveOnExit cleanup(target);
    if (auto s = db.exportTo(target, key); !s) return s;
    auto live = manifestOf(db);
    if (!live) return fail(live.error());
    {
        auto copy = Database::open(target, key, Database::OpenMode::ReadWrite);
        if (!copy) return fail(copy.error());
        auto copied = manifestOf(*copy);
        if (!copied) return fail(copied.error());
        if (copied->digest != live->digest) return fail(ErrorCode::Internal, "the re-encrypted copy differs");
        if (auto s = copy->exec("PRAGMA journal_mode = DELETE;"); !s) return s;
    }
    cleanup.release();
    return {};
}

} // namespace

Status Maintenance::rekey() {
    auto& im = *m_impl;
    // The re-encrypting copy is whole-database work: the connection, without a transaction. No user's
    // password is involved: the root key and the database key are renewed with what the session holds.
    auto access = im.connection(privacy::Action::RotateKeys);
    if (!access) return fail(access.error());
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.rootKey);
    if (!file) return fail(file.error());
    if (file->version < 3)
        return fail(ErrorCode::StoreNeedsMigration, "the key slots are of an older format; sign in with migration");
    auto nextRoot = privacy::newDatabaseKey();
    auto next = privacy::newDatabaseKey();
    if (!nextRoot) return fail(nextRoot.error());
    if (!next) return fail(next.error());
    // 1. The next root key joins the current one in the root key file: whichever authenticates the slot file
    //    is in force (open() tries both), so a failure from here on leaves a store that opens.
    if (auto s = detail::writeRootKeyFile(im.rootKeyFile, im.storeId, im.rootKey, &*nextRoot); !s) return s;
    // 2. The slot file moves under the next root key, with the next database key recorded as pending before
    //    any page changes (the current database key, the blind-index key and the audit seed re-sealed).
    auto sealedDb = privacy::sealKey(*nextRoot, im.key, databaseKeyContext(im.storeId));
    auto sealedNext = privacy::sealKey(*nextRoot, *next, databaseKeyContext(im.storeId));
    auto sealedIndex = privacy::sealKey(*nextRoot, im.indexKey, detail::indexKeyContext(im.storeId));
    auto sealedAudit = privacy::sealKey(*nextRoot, im.auditSeed, detail::auditKeyContext(im.storeId));
    if (!sealedDb || !sealedNext || !sealedIndex || !sealedAudit)
        return fail(ErrorCode::Crypto, "cannot seal the store's keys under the next root key");
    file->databaseKey = std::move(*sealedDb);
    file->pendingDatabaseKey = std::move(*sealedNext);
    file->indexKey = std::move(*sealedIndex);
    file->auditKey = std::move(*sealedAudit);
    if (auto s = saveSlotFile(slotsPath, *file, *nextRoot); !s) return s;
    im.rootKey = std::move(*nextRoot);
    // 3. A copy under the next key (see copyUnderKey()) replaces the database file in one rename, so the file
    //    at the path is always wholly under one key or the other. The WAL is emptied into the file first, so
    //    that removing it loses nothing. A failure before the rename leaves the session as it was; after
    //    the old connection is closed, it ends the session: which key is in force is then decided by the next
    //    open(), which tries the current key and then the pending one.
    Env& env = Env::current();
    const std::string rekeying = im.path + ".rekeying";
    if (auto s = access->db().exec("PRAGMA wal_checkpoint(TRUNCATE);"); !s) return s;
    if (auto s = copyUnderKey(access->db(), rekeying, *next); !s) return s;
    im.disconnect();
    auto replaced = env.removeFile(im.path + "-wal");
    if (replaced) replaced = env.removeFile(im.path + "-shm");
    if (replaced) replaced = env.renameFile(rekeying, im.path);
    if (replaced) replaced = env.syncFolder(folderOf(im.path));
    if (!replaced) {
        removeDatabaseFiles(rekeying);
        im.shutdown();
        return replaced;
    }
    auto reopened = Database::open(im.path, *next, Database::OpenMode::ReadWrite);
    if (!reopened) {
        im.shutdown();
        return fail(reopened.error());
    }
    im.connect(std::move(*reopened));
    im.key = std::move(*next);
    // 4. The pending key is promoted, then 5. the old root key leaves the root key file. A crash before
    //    either is finished by the next open(); from 5 on, a copy of the old root key file opens nothing.
    file->databaseKey = std::move(file->pendingDatabaseKey);
    file->pendingDatabaseKey.reset();
    auto saved = saveSlotFile(slotsPath, *file, im.rootKey);
    if (saved) saved = detail::writeRootKeyFile(im.rootKeyFile, im.storeId, im.rootKey);
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.audit(privacy::AuditAction::StoreRekey, std::nullopt, "administration",
                          saved ? "root key and database key rotated"
                                : "root key and database key rotated; key file update pending");
        !s)
        return s;
    if (auto s = im.commit(*tx); !s) return s;
    return saved;
}

namespace {

/// How a backup's own random key is kept: wrapped by a slot under a password, or sealed to an escrow public key.
struct BackupSeal {
    const SecretBytes* password = nullptr; ///< password backups
    privacy::KdfParams kdf{};
    std::string escrowPublicKey{}; ///< escrow backups: 64 hex digits, checked after the session gate
};

Result<BackupReport> writeBackup(StoreImpl& im, const std::string& backupPath, const BackupSeal& seal) {
    // The export is whole-database work: the connection, without a transaction.
    auto access = im.connection(privacy::Action::BackupStore);
    if (!access) return fail(access.error());
    if (seal.password && seal.password->empty())
        return fail(ErrorCode::InvalidArgument, "the backup password must not be empty");
    std::string escrowKey;
    if (!seal.password) {
        auto parsed = privacy::parseEscrowPublicKey(seal.escrowPublicKey);
        if (!parsed) return fail(parsed.error());
        escrowKey = std::move(*parsed);
    }
    std::error_code ec;
    if (std::filesystem::exists(backupPath, ec))
        return fail(ErrorCode::StoreExists, "a file already exists at the backup path");
    const auto parent = std::filesystem::path(backupPath).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::FileNotFound, "the folder for the backup does not exist");

    auto slotsText = readSlotFileText(keySlotPath(im.path), im.rootKey);
    if (!slotsText) return fail(slotsText.error());
    // A production store's backups are sealed to an escrow key: a backup password is one more secret that
    // opens every record, known to whoever took the backup. Training and test stores may still use one.
    if (seal.password) {
        auto slots = privacy::decodeKeySlotFile(*slotsText);
        if (!slots) return fail(slots.error());
        if (!slots->training && !slots->attribute(detail::kTestStoreAttribute))
            return fail(ErrorCode::PolicyForbids,
                        "a production store's backups are sealed to an escrow key (--escrow-key), not a password");
    }
    // The ledger as it stands: what the backup already reflects. A restore checks that the ledger it is given
    // continues this one (erasure_ledger.h).
    auto ledger = detail::currentErasureLedger(erasureLedgerPath(im.path), im.indexKey, im.storeId);
    if (!ledger) return fail(ledger.error());
    auto backupKey = privacy::newDatabaseKey();
    auto exportKey = privacy::newDatabaseKey();
    if (!backupKey || !exportKey) return fail(ErrorCode::Crypto, "cannot make the backup keys");

    // The copy is made while this session holds the store's lock, so no other process writes meanwhile.
    const std::string exportPath = backupPath + ".export";
    removeDatabaseFiles(exportPath);
    RemoveOnExit cleanup(exportPath);
    if (auto s = access->db().exportTo(exportPath, *exportKey); !s) return fail(s.error());
    auto live = manifestOf(access->db());
    if (!live) return fail(live.error());
    {
        auto copy = Database::open(exportPath, *exportKey, Database::OpenMode::ReadWrite);
        if (!copy) return fail(copy.error());
        auto copied = manifestOf(*copy);
        if (!copied) return fail(copied.error());
        if (copied->digest != live->digest) return fail(ErrorCode::Internal, "the backup copy differs from the store");
        if (auto s = copy->exec("PRAGMA journal_mode = DELETE;"); !s) return fail(s.error());
    }
    const auto bytes = std::filesystem::file_size(exportPath, ec);
    if (ec) return fail(ErrorCode::Io, "cannot size the backup copy");
    privacy::ContentDigest fileDigest;
    if (auto s = detail::readFileChunks(exportPath, 0, bytes, [&](std::string_view c) { fileDigest.update(c); }); !s)
        return fail(s.error());

    privacy::KeySlotFile header;
    header.kind = std::string(kBackupKind);
    header.storeId = im.storeId;
    header.training = im.training;
    std::string fingerprint;
    if (seal.password) {
        auto slot = privacy::wrapKey(*backupKey, kBackupSlotUser, *seal.password, seal.kdf);
        if (!slot) return fail(slot.error());
        header.slots.push_back(std::move(*slot));
    } else {
        // No slot: the key is sealed to the escrow key, and the header's MAC under it covers the sealed key and
        // the public key's fingerprint like every other attribute.
        auto sealed = privacy::sealToEscrow(*backupKey, escrowKey);
        if (!sealed) return fail(sealed.error());
        fingerprint = privacy::escrowFingerprint(escrowKey);
        header.attributes.emplace_back(std::string(kEscrowSealedKey), std::move(*sealed));
        header.attributes.emplace_back(std::string(kEscrowPublicKey), escrowKey);
        header.attributes.emplace_back(std::string(kEscrowFingerprint), fingerprint);
    }
    auto sealedDb = privacy::sealKey(*backupKey, *exportKey, backupKeyContext("database key", im.storeId));
    // The root key (the store key of a store not yet migrated from format 2): what the slot file's keys are
    // sealed under, so that a restore gets the blind-index and audit keys back.
    auto sealedStore = privacy::sealKey(*backupKey, im.rootKey, backupKeyContext("store key", im.storeId));
    if (!sealedDb || !sealedStore) return fail(ErrorCode::Crypto, "cannot seal the backup keys");
    header.databaseKey = std::move(*sealedDb);
    header.storeKey = std::move(*sealedStore);
    std::int64_t records = 0;
    const auto ledgerEntries = static_cast<std::int64_t>(ledger->entries());
    for (auto& attribute :
         std::vector<std::pair<std::string, std::string>>{{"schema", std::to_string(im.schema)},
                                                          {"created_utc", core::formatUtc(im.clock->now())},
                                                          {"database_bytes", std::to_string(bytes)},
                                                          {"database_digest", fileDigest.finishHex()},
                                                          {"manifest", live->digest},
                                                          {"store_slots", *slotsText},
                                                          {std::string(kLedgerEntries), std::to_string(ledgerEntries)},
                                                          {std::string(kLedgerHead), ledger->head()}})
        header.attributes.push_back(std::move(attribute));
    for (const auto& [table, rows] : live->rows) {
        header.attributes.emplace_back("rows." + table, std::to_string(rows));
        if (table == "records") records = rows;
    }
    auto encoded = privacy::encodeKeySlotFile(header, *backupKey);
    if (!encoded) return fail(encoded.error());
    const std::string head = std::string(kBackupMagic) + std::to_string(encoded->size()) + "\n" + *encoded;
    // Nothing was at backupPath (checked above): a backup whose writing or audit fails is removed, so that a
    // file there is always a whole, audited backup.
    RemoveOnExit removeBackup(backupPath);
    if (auto s = detail::writeFileAtomicallyFrom(backupPath, head, exportPath, 0, bytes, {}); !s)
        return fail(s.error());

    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    std::string detail = std::to_string(records) + " records";
    if (!fingerprint.empty()) detail += ", sealed to escrow key " + fingerprint;
    detail += ", erasure ledger " + std::to_string(ledgerEntries) + " entries";
    if (auto s = im.audit(privacy::AuditAction::StoreBackup, std::nullopt, "administration", detail); !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    removeBackup.release();
    return BackupReport{im.schema, records, static_cast<std::uint64_t>(head.size()) + bytes, fingerprint,
                        ledgerEntries};
}

} // namespace

Result<BackupReport> Maintenance::backup(const std::string& backupPath, const SecretBytes& backupPassword,
                                         const privacy::KdfParams& kdf) {
    return writeBackup(*m_impl, backupPath, BackupSeal{&backupPassword, kdf, {}});
}

Result<BackupReport> Maintenance::backupToEscrow(const std::string& backupPath, std::string_view escrowPublicKeyHex) {
    return writeBackup(*m_impl, backupPath, BackupSeal{nullptr, {}, std::string(escrowPublicKeyHex)});
}

namespace {

core::Error backupCorrupt(const std::string& why) {
    return {ErrorCode::BackupCorrupt, "the backup file is damaged or not a SecondLine backup (" + why + ")"};
}

std::optional<std::uint64_t> parseCount(const std::string* text) {
    if (!text) return std::nullopt;
    std::uint64_t v = 0;
    if (std::from_chars(text->data(), text->data() + text->size(), v).ec != std::errc{}) return std::nullopt;
    return v;
}

/// Gives the backup's own key from its (not yet authenticated) header: a password's slot, or an escrow key.
using BackupUnlock = std::function<Result<SecretBytes>(const privacy::KeySlotFile& header)>;

/// Which records of a restored database the erasure ledger names, with the ledger line (from 1) that does.
struct LedgerMatch {
    core::RecordId id;
    std::size_t line = 0;
    std::string kind;
};

Result<std::vector<LedgerMatch>> recordsNamedBy(Database& db, const detail::ErasureLedger& ledger,
                                                const SecretBytes& indexKey) {
    std::unordered_map<std::string, std::size_t> lines; // tag -> first line naming it
    for (std::size_t i = 0; i < ledger.entries(); ++i) lines.emplace(ledger.tags[i], i);
    std::vector<LedgerMatch> out;
    auto q = db.prepare("SELECT id, created_utc FROM records ORDER BY id;");
    if (!q) return fail(q.error());
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        const auto id = q->id<core::RecordId>(0);
        const auto it = lines.find(detail::erasureTag(indexKey, ledger.storeId, id, q->text(1)));
        if (it != lines.end()) out.push_back({id, it->second + 1, ledger.kinds[it->second]});
    }
    return out;
}

Result<RestoreReport> restoreBackup(const std::string& backupPath, const BackupUnlock& unlock, const std::string& path,
                                    const core::Clock& clock, const RestoreOptions& options) {
    const std::string& rootKeyFile = options.rootKeyFile;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(backupPath, ec)) return fail(ErrorCode::FileNotFound, "no backup file there");
    if (auto s = checkNewStorePath(path); !s) return fail(s.error());
    const std::string rootFile = rootKeyFile.empty() ? rootKeyPath(path) : rootKeyFile;
    if (std::filesystem::exists(rootFile, ec))
        return fail(ErrorCode::StoreExists, "a root key file already exists at that path");
    const auto fileSize = std::filesystem::file_size(backupPath, ec);
    if (ec) return fail(ErrorCode::Io, "cannot size the backup file");

    // Header: magic line, decimal length line, then the authenticated header itself.
    std::string prefix;
    const std::uint64_t prefixLength = std::min<std::uint64_t>(fileSize, kMaxKeySlotFileBytes + 64);
    if (auto s = detail::readFileChunks(backupPath, 0, prefixLength, [&](std::string_view c) { prefix.append(c); }); !s)
        return fail(s.error());
    if (prefix.compare(0, kBackupMagic.size(), kBackupMagic) != 0) return fail(backupCorrupt("no backup header"));
    const auto lengthEnd = prefix.find('\n', kBackupMagic.size());
    std::uint64_t headerLength = 0;
    if (lengthEnd == std::string::npos || lengthEnd - kBackupMagic.size() > 8 ||
        std::from_chars(prefix.data() + kBackupMagic.size(), prefix.data() + lengthEnd, headerLength).ec !=
            std::errc{} ||
        lengthEnd + 1 + headerLength > prefix.size())
        return fail(backupCorrupt("header length"));
    const std::string headerText = prefix.substr(lengthEnd + 1, headerLength);
    const std::uint64_t databaseOffset = lengthEnd + 1 + headerLength;
    auto header = privacy::decodeKeySlotFile(headerText, kBackupKind);
    if (!header) return fail(backupCorrupt("header"));
    auto backupKey = unlock(*header);
    if (!backupKey) return fail(backupKey.error());
    if (!privacy::verifyKeySlotFile(headerText, *backupKey)) return fail(backupCorrupt("header MAC"));
    if (!header->databaseKey || !header->storeKey) return fail(backupCorrupt("keys missing"));
    auto exportKey =
        privacy::openSealedKey(*backupKey, *header->databaseKey, backupKeyContext("database key", header->storeId));
    auto storeKey =
        privacy::openSealedKey(*backupKey, *header->storeKey, backupKeyContext("store key", header->storeId));
    if (!exportKey || !storeKey) return fail(backupCorrupt("sealed keys"));
    const auto schema = parseCount(header->attribute("schema"));
    const auto bytes = parseCount(header->attribute("database_bytes"));
    const std::string* fileDigestWanted = header->attribute("database_digest");
    const std::string* manifestWanted = header->attribute("manifest");
    const std::string* slotsText = header->attribute("store_slots");
    if (!schema || !bytes || !fileDigestWanted || !manifestWanted || !slotsText || *schema < 1)
        return fail(backupCorrupt("attributes"));
    if (*schema > static_cast<std::uint64_t>(kSchemaVersion))
        return fail(ErrorCode::StoreVersionTooNew, "the backup was written by a newer version of SecondLine");
    if (databaseOffset + *bytes != fileSize) return fail(backupCorrupt("truncated or extended"));
    auto storeSlots = privacy::decodeKeySlotFile(*slotsText);
    if (!storeSlots || !privacy::verifyKeySlotFile(*slotsText, *storeKey) || storeSlots->storeId != header->storeId)
        return fail(backupCorrupt("store key slots"));
    // Format 3: the audit seed and the blind-index key come back sealed under the old root key, and go under a
    // new one; a format-2 store's slot file is restored as it was and migrated at its first sign-in.
    const bool legacy = storeSlots->version < 3;
    auto auditSeed = legacy                 ? privacy::AuditSigner::seedFromStoreKey(*storeKey)
                     : storeSlots->auditKey ? privacy::openSealedKey(*storeKey, *storeSlots->auditKey,
                                                                     detail::auditKeyContext(storeSlots->storeId))
                                            : Result<SecretBytes>(fail(backupCorrupt("audit key missing")));
    if (!auditSeed) return fail(backupCorrupt("store keys"));
    std::optional<SecretBytes> indexKey;
    if (!legacy) {
        if (!storeSlots->indexKey) return fail(backupCorrupt("index key missing"));
        auto opened =
            privacy::openSealedKey(*storeKey, *storeSlots->indexKey, detail::indexKeyContext(storeSlots->storeId));
        if (!opened) return fail(backupCorrupt("store keys"));
        indexKey = std::move(*opened);
    }

    // The erasure ledger (erasure_ledger.h), checked before any file is written. Its key is the blind-index
    // key, which a format-2 store derived from its database key.
    RestoreReport report;
    SecretBytes derivedIndexKey;
    if (!indexKey) {
        auto databaseKey = detail::databaseKeyOf(*storeSlots, *storeKey);
        if (!databaseKey) return fail(backupCorrupt("store keys"));
        auto derived = privacy::deriveBlindIndexKey(*databaseKey);
        if (!derived) return fail(derived.error());
        derivedIndexKey = std::move(*derived);
    }
    const SecretBytes& ledgerKey = indexKey ? *indexKey : derivedIndexKey;
    const std::string ledgerPath = options.erasureLedger.empty() ? erasureLedgerPath(path) : options.erasureLedger;
    const bool ledgerElsewhere =
        ledgerPath != erasureLedgerPath(path) && !std::filesystem::equivalent(ledgerPath, erasureLedgerPath(path), ec);
    if (ledgerElsewhere && std::filesystem::exists(erasureLedgerPath(path), ec))
        return fail(ErrorCode::StoreExists, "an erasure ledger already exists beside the restore target");
    const auto recordedEntries = parseCount(header->attribute(kLedgerEntries)); // absent: an older backup
    const std::string* recordedHead = header->attribute(kLedgerHead);
    if (recordedEntries.has_value() != (recordedHead != nullptr)) return fail(backupCorrupt("erasure ledger"));
    std::optional<detail::ErasureLedger> ledger;
    std::string ledgerNote;
    if (auto read = detail::readErasureLedger(ledgerPath, ledgerKey, header->storeId); read) {
        if (recordedEntries && (read->entries() < *recordedEntries || read->chain[*recordedEntries] != *recordedHead))
            return fail(ErrorCode::ErasureLedgerInvalid,
                        "the erasure ledger does not continue the one recorded in the backup (older, cut short "
                        "or of another history)");
        ledger = std::move(*read);
        report.erasureLedgerFound = true;
        report.erasureLedgerEntries = static_cast<std::int64_t>(ledger->entries());
    } else if (read.error().code != ErrorCode::FileNotFound) {
        return fail(read.error());
    } else if (recordedEntries && *recordedEntries > 0) {
        if (!options.erasureLedgerLost)
            return fail(ErrorCode::ErasureLedgerInvalid,
                        "no erasure ledger found, and the backup recorded one with " +
                            std::to_string(*recordedEntries) +
                            " entries: give it, or restore without it only if it is truly lost");
        ledgerNote = ", erasure ledger LOST (the backup recorded " + std::to_string(*recordedEntries) + " entries)";
    } else {
        ledgerNote = ", no erasure ledger";
    }

    auto lock = detail::FileLock::acquire(path + ".lock");
    if (!lock) return fail(lock.error());
    const std::string building = path + ".restoring";
    const std::string rekeyed = building + ".new";
    removeDatabaseFiles(building);
    RemoveOnExit cleanup(building);
    RemoveOnExit cleanupRekeyed(rekeyed);
    privacy::ContentDigest fileDigest;
    if (auto s = detail::writeFileAtomicallyFrom(building, "", backupPath, databaseOffset, *bytes,
                                                 [&](std::string_view c) { fileDigest.update(c); });
        !s)
        return fail(s.error());
    if (fileDigest.finishHex() != *fileDigestWanted) return fail(backupCorrupt("database digest"));

    report.schema = static_cast<int>(*schema);
    report.training = header->training;
    auto newKey = privacy::newDatabaseKey();
    if (!newKey) return fail(newKey.error());
    {
        auto db = Database::open(building, *exportKey, Database::OpenMode::ReadWrite);
        if (!db && db.error().code == ErrorCode::StoreCorrupt) return fail(backupCorrupt("database does not decrypt"));
        if (!db) return fail(db.error()); // a full disk is not a damaged backup
        auto intact = checkIntegrity(*db);
        if (!intact || !intact->ok()) return fail(backupCorrupt("integrity check"));
        auto manifest = manifestOf(*db);
        if (!manifest) return fail(manifest.error());
        if (manifest->digest != *manifestWanted) return fail(backupCorrupt("manifest"));
        for (const auto& [table, rows] : manifest->rows) {
            const auto wanted = parseCount(header->attribute("rows." + table));
            if (!wanted || *wanted != static_cast<std::uint64_t>(rows)) return fail(backupCorrupt("row counts"));
            if (table == "records") report.records = rows;
        }
        auto storeId = metaValue(*db, "store_id");
        if (!storeId || *storeId != header->storeId) return fail(backupCorrupt("store id"));
        // Record by record: every stored document decodes.
        auto q = db->prepare("SELECT document FROM records ORDER BY id;");
        if (!q) return fail(q.error());
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            if (!detail::decodeDocument(q->text(0))) return fail(backupCorrupt("a record does not decode"));
        }
        q = {};
        {
            // The trail says where this store came from; no user is signed in, so the entry names none.
            auto tx = Transaction::begin(*db);
            if (!tx) return fail(tx.error());
            auto signer = privacy::AuditSigner::fromSeed(*auditSeed);
            if (!signer) return fail(signer.error());
            const privacy::AuditSigner* signs = report.schema >= 4 ? &*signer : nullptr;
            std::vector<LedgerMatch> again;
            if (ledger) {
                auto named = recordsNamedBy(*db, *ledger, ledgerKey);
                if (!named) return fail(named.error());
                again = std::move(*named);
                ledgerNote = ", erasure ledger " + std::to_string(ledger->entries()) + " entries, " +
                             std::to_string(again.size()) + " records erased again";
            }
            if (auto s = appendAudit(*db, clock, "(restore)", privacy::Role::Administrator,
                                     privacy::AuditAction::StoreRestore, std::nullopt, "administration",
                                     "schema " + std::to_string(report.schema) + ", " + std::to_string(report.records) +
                                         " records" + ledgerNote,
                                     signs);
                !s)
                return fail(s.error());
            // Erased since the backup was taken (on request or by retention): erased again, each audited, in
            // the transaction of the restore's own entry.
            if (!again.empty()) {
                std::vector<core::RecordId> ids;
                for (const auto& m : again) ids.push_back(m.id);
                auto erased = detail::eraseRecords(*db, ids);
                if (!erased) return fail(erased.error());
                for (const auto& m : again)
                    if (auto s = appendAudit(
                            *db, clock, "(restore)", privacy::Role::Administrator, privacy::AuditAction::RecordErase,
                            m.id, m.kind == "request" ? "subject_rights" : "retention",
                            "erased again after restore, erasure ledger entry " + std::to_string(m.line), signs,
                            "erased since the backup was taken");
                        !s)
                        return fail(s.error());
                report.erasedAgain = static_cast<std::int64_t>(again.size());
                report.records -= report.erasedAgain;
            }
            if (auto s = tx->commit(); !s) return fail(s.error());
        }
        // A restored store never shares a database key with the store it came from: a copy under a new key
        // becomes the store (see copyUnderKey()).
        if (auto s = copyUnderKey(*db, rekeyed, *newKey); !s) return fail(s.error());
    }
    // A restored store gets its own root key (format 3): the old one stays with the backup.
    const SecretBytes* slotKey = &*storeKey;
    Result<SecretBytes> newRoot = fail(ErrorCode::Internal, "unused");
    if (!legacy) {
        newRoot = privacy::newDatabaseKey();
        if (!newRoot) return fail(newRoot.error());
        auto sealedIndex = privacy::sealKey(*newRoot, *indexKey, detail::indexKeyContext(storeSlots->storeId));
        auto sealedAudit = privacy::sealKey(*newRoot, *auditSeed, detail::auditKeyContext(storeSlots->storeId));
        if (!sealedIndex || !sealedAudit) return fail(ErrorCode::Crypto, "cannot seal the restored store's keys");
        storeSlots->indexKey = std::move(*sealedIndex);
        storeSlots->auditKey = std::move(*sealedAudit);
        slotKey = &*newRoot;
    }
    auto sealed = privacy::sealKey(*slotKey, *newKey, databaseKeyContext(storeSlots->storeId));
    if (!sealed) return fail(sealed.error());
    storeSlots->databaseKey = std::move(*sealed);
    storeSlots->pendingDatabaseKey.reset();
    auto removeRootKeyFile = [&] {
        if (!legacy)
            core::ignoreResult(Env::current().removeFile(rootFile), "best effort; the first error is reported");
    };
    if (!legacy)
        if (auto s = detail::writeRootKeyFile(rootFile, storeSlots->storeId, *newRoot); !s) {
            removeRootKeyFile();
            return fail(s.error());
        }
    // A ledger read from elsewhere goes beside the restored store, which goes on with it.
    auto removeLedgerCopy = [&] {
        if (ledger && ledgerElsewhere)
            core::ignoreResult(Env::current().removeFile(erasureLedgerPath(path)),
                               "best effort; the first error is reported");
    };
    if (ledger && ledgerElsewhere)
        if (auto s = detail::writeFileAtomically(erasureLedgerPath(path), detail::encodeErasureLedger(*ledger)); !s) {
            removeLedgerCopy();
            removeRootKeyFile();
            return fail(s.error());
        }
    if (auto s = saveSlotFile(keySlotPath(path), *storeSlots, *slotKey); !s) {
        // There was no slot file (checkNewStorePath): one left by a failure after the rename goes too.
        core::ignoreResult(Env::current().removeFile(keySlotPath(path)), "best effort; the write's error is reported");
        removeLedgerCopy();
        removeRootKeyFile();
        return fail(s.error());
    }
    if (auto s = moveNewStoreIntoPlace(rekeyed, path); !s) {
        removeLedgerCopy();
        removeRootKeyFile();
        return fail(s.error());
    }
    cleanupRekeyed.release();
    return report; // `cleanup` removes the copy under the backup's key
}

} // namespace

Result<RestoreReport> Store::restore(const std::string& backupPath, const SecretBytes& backupPassword,
                                     const std::string& path, const core::Clock& clock,
                                     const std::string& rootKeyFile) {
    return restoreWith(backupPath, backupPassword, path, clock, RestoreOptions{.rootKeyFile = rootKeyFile});
}

Result<RestoreReport> Store::restoreWith(const std::string& backupPath, const SecretBytes& backupPassword,
                                         const std::string& path, const core::Clock& clock,
                                         const RestoreOptions& options) {
    auto unlock = [&](const privacy::KeySlotFile& header) -> Result<SecretBytes> {
        const privacy::KeySlot* slot = privacy::findSlot(header, kBackupSlotUser);
        if (!slot && header.attribute(kEscrowSealedKey))
            return fail(ErrorCode::InvalidArgument,
                        "this backup is sealed to an escrow key: restore it with the escrow secret key");
        if (!slot) return fail(backupCorrupt("no backup key slot"));
        auto backupKey = privacy::unwrapKey(*slot, backupPassword);
        if (!backupKey && backupKey.error().code == ErrorCode::AuthenticationFailed)
            return fail(ErrorCode::AuthenticationFailed, "the backup password is not correct");
        return backupKey;
    };
    return restoreBackup(backupPath, unlock, path, clock, options);
}

Result<RestoreReport> Store::restoreFromEscrow(const std::string& backupPath, const privacy::EscrowKeyPair& escrowKey,
                                               const std::string& path, const core::Clock& clock,
                                               const RestoreOptions& options) {
    const std::string fingerprint = privacy::escrowFingerprint(escrowKey.publicKeyHex);
    auto unlock = [&](const privacy::KeySlotFile& header) -> Result<SecretBytes> {
        const std::string* sealed = header.attribute(kEscrowSealedKey);
        const std::string* sealedTo = header.attribute(kEscrowFingerprint);
        if (!sealed && privacy::findSlot(header, kBackupSlotUser))
            return fail(ErrorCode::InvalidArgument,
                        "this backup is protected by a backup password, not sealed to an escrow key");
        if (!sealed || !sealedTo) return fail(backupCorrupt("no escrow sealed key"));
        // The fingerprint tells a wrong key from an altered backup (a sealed box cannot); the header's MAC,
        // checked next under the key this opens, covers the fingerprint too.
        if (*sealedTo != fingerprint)
            return fail(ErrorCode::AuthenticationFailed, "the backup is sealed to another escrow key");
        auto backupKey = privacy::openFromEscrow(*sealed, escrowKey);
        if (!backupKey) return fail(backupCorrupt("escrow sealed key"));
        return backupKey;
    };
    auto report = restoreBackup(backupPath, unlock, path, clock, options);
    if (report) report->escrowFingerprint = fingerprint;
    return report;
}

Result<CipherSettings> Maintenance::cipherSettings() {
    auto& im = *m_impl;
    // Every signed-in user may read them (the session is checked, no permission); nothing is written.
    auto access = im.connection(std::nullopt);
    if (!access) return fail(access.error());
    auto value = [&](const char* pragma) -> Result<std::string> {
        auto q = access->db().prepare(pragma);
        if (!q) return fail(q.error());
        auto row = q->step();
        if (!row) return fail(row.error());
        return *row ? q->text(0) : std::string{};
    };
    CipherSettings out;
    for (auto [pragma, target] :
         std::vector<std::pair<const char*, std::string*>>{{"PRAGMA cipher_version;", &out.version},
                                                           {"PRAGMA cipher_hmac_algorithm;", &out.hmacAlgorithm},
                                                           {"PRAGMA cipher_kdf_algorithm;", &out.kdfAlgorithm}}) {
        auto v = value(pragma);
        if (!v) return fail(v.error());
        *target = *v;
    }
    auto page = value("PRAGMA cipher_page_size;");
    auto header = value("PRAGMA cipher_plaintext_header_size;");
    auto memory = value("PRAGMA cipher_memory_security;");
    if (!page || !header || !memory) return fail(ErrorCode::Database, "cannot read the cipher settings");
    out.pageSize = std::atoi(page->c_str());
    out.plaintextHeaderSize = std::atoi(header->c_str());
    out.memorySecurity = *memory == "1";
    return out;
}

Result<CheckReport> Maintenance::check() {
    auto& im = *m_impl;
    // The integrity checks are whole-database work: the connection, without a transaction.
    auto access = im.connection(privacy::Action::CheckStore);
    if (!access) return fail(access.error());
    CheckReport report;
    auto integrity = checkIntegrity(access->db());
    if (!integrity) return fail(integrity.error());
    report.integrityOk = integrity->structureProblems == 0;
    if (!report.integrityOk)
        report.problems += "integrity_check reported " + std::to_string(integrity->structureProblems) + " problems; ";
    report.cipherIntegrityOk = integrity->failingPages == 0;
    if (!report.cipherIntegrityOk)
        report.problems += std::to_string(integrity->failingPages) + " pages fail their HMAC; ";
    if (auto schema = detail::checkSchema(access->db(), im.schema); schema)
        report.schemaOk = true;
    else if (schema.error().code == ErrorCode::StoreTampered)
        report.problems += schema.error().message + "; ";
    else
        return fail(schema.error());
    auto trail = detail::readAuditTrail(im, *access);
    if (!trail) return fail(trail.error());
    const auto chain =
        privacy::verifyTrail(*trail, {im.signer ? im.signer->publicKeyHex() : std::string{},
                                      im.signer ? im.signedFrom : static_cast<std::int64_t>(trail->size()) + 1});
    report.auditChainOk = chain.ok;
    if (!chain.ok)
        report.problems += "audit trail fails at entry " + std::to_string(chain.firstBadSequence.value_or(0)) + " (" +
                           chain.problem + "); ";
    auto tx = im.transaction();
    if (!tx) return fail(tx.error());
    if (auto s = im.audit(privacy::AuditAction::StoreCheck, std::nullopt, "administration",
                          report.ok() ? "ok" : "problems found");
        !s)
        return fail(s.error());
    if (auto s = im.commit(*tx); !s) return fail(s.error());
    return report;
}

} // namespace secondline::storage
