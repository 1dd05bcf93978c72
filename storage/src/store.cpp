#include <secondline/storage/store.h>

#include "atomic_file.h"
#include "document_codec.h"
#include "sqlite.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/digest.h>
#include <secondline/storage/env.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace {

constexpr std::size_t kMaxKeySlotFileBytes = 4u << 20;

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    created_utc TEXT NOT NULL,
    officer_id INTEGER NOT NULL REFERENCES users(id),
    source TEXT NOT NULL,
    purpose TEXT NOT NULL,
    format TEXT NOT NULL,
    valid INTEGER NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX records_officer ON records(officer_id, id);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    time_utc TEXT NOT NULL,
    user_name TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id INTEGER,
    purpose TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
)sql";

/// What a migration step may use besides the database.
struct MigrationContext {
    const core::SecretBytes& indexKey;
    const privacy::AuditSigner* signer = nullptr; ///< signs the entries of steps to schema 4 and later
    std::string user{};                           ///< who runs the migration
    std::string nowUtc{};                         ///< when (from the store's clock)
};

/// v1 -> v2: blind index columns for lookups by document and by name and birth date, backfilled.
Status migrateToV2(Database& db, const MigrationContext& ctx) {
    for (const char* sql :
         {"ALTER TABLE records ADD COLUMN idx_document TEXT;", "ALTER TABLE records ADD COLUMN idx_name_birth TEXT;",
          "CREATE INDEX records_idx_document ON records(idx_document);",
          "CREATE INDEX records_idx_name_birth ON records(idx_name_birth);"})
        if (auto s = db.exec(sql); !s) return s;
    std::vector<std::pair<std::int64_t, std::string>> rows;
    {
        auto q = db.prepare("SELECT id, document FROM records;");
        if (!q) return fail(q.error());
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            rows.emplace_back(q->int64(0), q->text(1));
        }
    }
    auto update = db.prepare("UPDATE records SET idx_document = ?, idx_name_birth = ? WHERE id = ?;");
    if (!update) return fail(update.error());
    for (const auto& [id, text] : rows) {
        auto doc = detail::decodeDocument(text);
        if (!doc) return fail(doc.error());
        const auto indexes = detail::blindIndexesOf(ctx.indexKey, *doc);
        update->bindOptional(1, indexes.document);
        update->bindOptional(2, indexes.nameBirth);
        update->bind(3, id);
        if (auto s = update->run(); !s) return s;
        update->reset();
    }
    return {};
}

/// v2 -> v3: encounters (one per existing record, back-filled from it), document and portrait images,
/// flags and referrals with their history.
Status migrateToV3(Database& db, const MigrationContext&) {
    return db.exec(R"sql(
CREATE TABLE encounters (
    id INTEGER PRIMARY KEY,
    started_utc TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    desk TEXT NOT NULL DEFAULT '',
    officer_id INTEGER NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'open',
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX encounters_officer ON encounters(officer_id, id);
ALTER TABLE records ADD COLUMN encounter_id INTEGER REFERENCES encounters(id);
INSERT INTO encounters (id, started_utc, officer_id, purpose, outcome)
    SELECT id, created_utc, officer_id, purpose, 'unrecorded' FROM records ORDER BY id;
UPDATE records SET encounter_id = id;
CREATE INDEX records_encounter ON records(encounter_id);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    kind TEXT NOT NULL CHECK (kind IN ('document', 'portrait')),
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX images_record ON images(record_id);
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    kind TEXT NOT NULL CHECK (kind IN ('review', 'referral')),
    reason TEXT NOT NULL,
    referred_to TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
    created_utc TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX flags_record ON flags(record_id);
CREATE INDEX flags_status ON flags(status, id);
CREATE TABLE flag_history (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags(id),
    time_utc TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flag_history_flag ON flag_history(flag_id, id);
)sql");
}

/// v3 -> v4 (issue 7): the policy pack in force (the default pack to begin with), encounter closing times,
/// legal holds, rectification history, disclosures, break-glass grants, and signed audit entries with a
/// justification. Entries from here on are signed by the workstation key.
Status migrateToV4(Database& db, const MigrationContext& ctx) {
    if (!ctx.signer) return fail(ErrorCode::Internal, "schema 4 needs the workstation signing key");
    if (auto s = db.exec(R"sql(
CREATE TABLE policy (
    id INTEGER PRIMARY KEY,
    loaded_utc TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    hash TEXT NOT NULL,
    text TEXT NOT NULL
);
ALTER TABLE encounters ADD COLUMN closed_utc TEXT;
ALTER TABLE records ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
CREATE TABLE record_history (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id),
    time_utc TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX record_history_record ON record_history(record_id, id);
CREATE TABLE disclosures (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL,
    time_utc TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    agreement TEXT NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    legal_reference TEXT NOT NULL,
    fields TEXT NOT NULL
);
CREATE INDEX disclosures_record ON disclosures(record_id, id);
CREATE TABLE breakglass (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    started_utc TEXT NOT NULL,
    expires_utc TEXT NOT NULL,
    reason TEXT NOT NULL
);
ALTER TABLE audit ADD COLUMN justification TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN signature TEXT NOT NULL DEFAULT '';
INSERT INTO meta (key, value) SELECT 'audit_signed_from', CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM audit;
)sql");
        !s)
        return s;
    auto key = db.prepare("INSERT INTO meta (key, value) VALUES ('audit_public_key', ?);");
    if (!key) return fail(key.error());
    key->bind(1, ctx.signer->publicKeyHex());
    if (auto s = key->run(); !s) return s;
    const auto& pack = privacy::Policy::defaults();
    auto ins = db.prepare("INSERT INTO policy (loaded_utc, loaded_by, name, version, hash, text) "
                          "VALUES (?, ?, ?, ?, ?, ?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, ctx.nowUtc)
        .bind(2, ctx.user)
        .bind(3, pack.name())
        .bind(4, pack.version())
        .bind(5, pack.hash())
        .bind(6, pack.text());
    return ins->run();
}

/// v4 -> v5: trainees' scored exercise answers (training stores use it; production stores keep it empty).
Status migrateToV5(Database& db, const MigrationContext&) {
    return db.exec(R"sql(
CREATE TABLE exercise_results (
    id INTEGER PRIMARY KEY,
    time_utc TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    pack TEXT NOT NULL,
    exercise INTEGER NOT NULL,
    problem TEXT NOT NULL,
    fields_right INTEGER NOT NULL,
    fields_total INTEGER NOT NULL,
    problems_caught INTEGER NOT NULL,
    problems_planted INTEGER NOT NULL,
    false_alarms INTEGER NOT NULL,
    milliseconds INTEGER NOT NULL
);
)sql");
}

/// v5 -> v6: a statistics row per record (no identity: age bands, codes, quality), filled for old records.
Status migrateToV6(Database& db, const MigrationContext&) {
    if (auto s = db.exec(R"sql(
CREATE TABLE record_facts (
    record_id INTEGER PRIMARY KEY REFERENCES records(id),
    encounter_id INTEGER NOT NULL,
    time_utc TEXT NOT NULL,
    desk TEXT NOT NULL,
    source TEXT NOT NULL,
    document_code TEXT NOT NULL,
    issuing_state TEXT NOT NULL,
    nationality TEXT NOT NULL,
    sex TEXT NOT NULL,
    age_band TEXT NOT NULL,
    check_failed INTEGER NOT NULL,
    missing_fields INTEGER NOT NULL,
    min_confidence INTEGER NOT NULL,
    corrections INTEGER NOT NULL DEFAULT 0,
    flagged INTEGER NOT NULL DEFAULT 0,
    basis TEXT NOT NULL DEFAULT ''
);
CREATE INDEX record_facts_time ON record_facts(time_utc);
)sql");
        !s)
        return s;
    return detail::backfillFacts(db);
}

/// v6 -> v7: a referral's basis is a column of its own. Before, the desk wrote it as a prefix of the reason
/// ("fact: ", "assessment: "), which the command line never did; old flags are typed from that prefix once,
/// here, and the reason is kept as it was written.
Status migrateToV7(Database& db, const MigrationContext&) {
    return db.exec(R"sql(
ALTER TABLE flags ADD COLUMN basis TEXT NOT NULL DEFAULT 'none';
UPDATE flags SET basis = 'fact' WHERE reason LIKE 'fact: %';
UPDATE flags SET basis = 'assessment' WHERE reason LIKE 'assessment: %';
)sql");
}

struct Migration {
    int to;
    Status (*apply)(Database&, const MigrationContext&);
};

/// Forward-only, in order. A store is created at version 1 and brought up through every step, so each
/// step runs on every new store as well as on old ones.
constexpr Migration kMigrations[] = {
    {2, migrateToV2}, {3, migrateToV3}, {4, migrateToV4}, {5, migrateToV5}, {6, migrateToV6}, {7, migrateToV7},
};

/// Runs the steps above `from`, each in its own transaction with its meta update and audit entry.
Status migrate(Database& db, int from, const MigrationContext& ctx, const core::Clock& clock, const std::string& user,
               privacy::Role role);

[[maybe_unused]] bool isPlainSqlite(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::memcmp(header, "SQLite format 3", 16) == 0;
}

Status appendAudit(Database& db, const core::Clock& clock, const std::string& user, privacy::Role role,
                   std::string action, std::optional<std::int64_t> recordId, std::string purpose, std::string detail,
                   const privacy::AuditSigner* signer = nullptr, std::string justification = {}) {
    return detail::appendAudit(db, clock, user, privacy::roleName(role), std::move(action), recordId,
                               std::move(purpose), std::move(detail), signer, std::move(justification));
}

Status migrate(Database& db, int from, const MigrationContext& ctx, const core::Clock& clock, const std::string& user,
               privacy::Role role) {
    for (const Migration& m : kMigrations) {
        if (m.to <= from) continue;
        auto tx = Transaction::begin(db);
        if (!tx) return fail(tx.error());
        if (auto s = m.apply(db, ctx); !s) return s;
        auto meta = db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version';");
        if (!meta) return fail(meta.error());
        meta->bind(1, std::to_string(m.to));
        if (auto s = meta->run(); !s) return s;
        const privacy::AuditSigner* signer = m.to >= 4 ? ctx.signer : nullptr;
        if (auto s = appendAudit(db, clock, user, role, "store.migrate", std::nullopt, "administration",
                                 "schema " + std::to_string(m.to - 1) + " to " + std::to_string(m.to), signer);
            !s)
            return s;
        if (m.to == 4)
            if (auto s = appendAudit(db, clock, user, role, "policy.load", std::nullopt, "administration",
                                     "policy " + privacy::Policy::defaults().name() + " " +
                                         privacy::Policy::defaults().version() + " hash " +
                                         privacy::Policy::defaults().hash(),
                                     signer);
                !s)
                return s;
        if (auto s = tx->commit(); !s) return s;
    }
    return {};
}

Result<std::string> metaValue(Database& db, const char* key) {
    auto q = db.prepare("SELECT value FROM meta WHERE key = ?;");
    if (!q) return fail(q.error());
    q->bind(1, std::string_view(key));
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::StoreNotAStore, std::string("store database has no ") + key);
    return q->text(0);
}

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
            for (int c = 0; c < q->columnCount(); ++c) digest.updateField(q->isNull(c) ? "N" : "V" + q->text(c));
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

std::string backupKeyContext(std::string_view what, const std::string& storeId) {
    return "secondline backup " + std::string(what) + " " + storeId;
}

/// Removes a database file and SQLite's companions of it (journal, WAL, shared memory), if present.
/// Best effort: used on failure paths, where the first error is the one to report.
void removeDatabaseFiles(const std::string& path) {
    Env& env = Env::current();
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) (void)env.removeFile(path + suffix);
}

/// The folder a file is in, for Env::syncFolder().
std::string folderOf(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

/// Moves a new store's database, built under `building`, to `path` (beside its slot file, already written)
/// and makes the move durable. On failure neither the database nor the slot file is left at `path`.
Status moveNewStoreIntoPlace(const std::string& building, const std::string& path) {
    Env& env = Env::current();
    if (auto s = env.renameFile(building, path); !s) {
        (void)env.removeFile(keySlotPath(path)); // best effort; the rename's error is the one to report
        return s;
    }
    if (auto s = env.syncFolder(folderOf(path)); !s) {
        // Not durable: take it back rather than report a failure and leave a store that may not survive.
        removeDatabaseFiles(path);
        (void)env.removeFile(keySlotPath(path)); // best effort, as above
        return s;
    }
    return {};
}

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

/// Associated data that binds a sealed database key to its store.
std::string databaseKeyContext(const std::string& storeId) {
    return "secondline database key " + storeId;
}

/// The database key in force: sealed under the store key, or (format-1 slot files) the store key itself.
Result<SecretBytes> databaseKeyOf(const privacy::KeySlotFile& file, const SecretBytes& storeKey) {
    if (file.databaseKey) return privacy::openSealedKey(storeKey, *file.databaseKey, databaseKeyContext(file.storeId));
    auto view = storeKey.read();
    return SecretBytes::copyOf(view.bytes());
}

/// Reads and authenticates the slot file of an open store.
Result<std::string> readSlotFileText(const std::string& slotsPath, const SecretBytes& storeKey) {
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    if (auto s = privacy::verifyKeySlotFile(*text, storeKey); !s) return fail(s.error());
    return text;
}

/// Reads, authenticates and parses the slot file of an open store.
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

} // namespace

bool validUserName(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    return true;
}

std::string keySlotPath(const std::string& databasePath) {
    return databasePath + ".keys";
}

Status StoreImpl::session(std::optional<privacy::Action> action, Use use) {
    if (!open) return fail(ErrorCode::InvalidArgument, "store is closed");
    if (schema < kSchemaVersion && action != privacy::Action::BackupStore)
        return fail(ErrorCode::StoreNeedsMigration,
                    "the store was opened without migrating its schema; only a backup is possible");
    if (use == Use::ScheduledDuty) return {};
    const auto now = clock->now();
    if (schema >= 4 && now - lastActivity > std::chrono::minutes{pack().sessions().idleMinutes}) {
        // The session ends whether or not its ending can be written: a store that cannot take the entry
        // (disk full) must not stay unlocked for that reason.
        if (auto tx = Transaction::begin(db))
            if (audit("session.idle_timeout", std::nullopt, "session", ""))
                core::ignoreResult(tx->commit(), "the session is ended below whether or not its entry commits");
        shutdown();
        return fail(ErrorCode::SessionExpired, "the session was idle too long and has been locked; sign in again");
    }
    lastActivity = now;
    return {};
}

Status StoreImpl::allowed(privacy::Action action) {
    if (auto s = session(action, Use::Activity); !s) return s;
    const auto d = privacy::decide(pack(), role, action, context());
    if (!d.allowed) {
        if (schema >= 4)
            if (auto tx = Transaction::begin(db))
                if (audit("access.denied", std::nullopt, "", std::string(privacy::actionName(action))))
                    core::ignoreResult(tx->commit(), "the refusal stands whether or not its entry commits");
        return fail(ErrorCode::PermissionDenied, d.reason);
    }
    return {};
}

bool StoreImpl::viaBreakGlass(privacy::Action action) const {
    return !pack().permits(role, action) && breakGlassActive();
}

Status StoreImpl::audit(std::string action, std::optional<std::int64_t> recordId, std::string purpose,
                        std::string detail, std::string justification) {
    return appendAudit(db, *clock, user, role, std::move(action), recordId, std::move(purpose), std::move(detail),
                       signer ? &*signer : nullptr, std::move(justification));
}

bool StoreImpl::readsAny() const {
    return privacy::decide(pack(), role, privacy::Action::ReadAnyRecord, context()).allowed;
}

Status StoreImpl::requireVisible(std::int64_t id) {
    auto q = db.prepare(std::string("SELECT 1 FROM records r LEFT JOIN encounters e ON e.id = r.encounter_id "
                                    "WHERE r.id = ? AND ") +
                        kVisibleRecord + ";");
    if (!q) return fail(q.error());
    q->bind(1, id).bind(2, std::int64_t{readsAny() ? 1 : 0}).bind(3, userId);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row) return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
    return {};
}

void StoreImpl::shutdown() {
    db.close();
    key = SecretBytes{};
    storeKey = SecretBytes{};
    indexKey = SecretBytes{};
    signer.reset();
    lock = detail::FileLock{};
    open = false;
}

Store::Store(std::unique_ptr<StoreImpl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() {
    // Signing out is recorded whichever way the session ends: explicitly, or by the object going away.
    logout();
}

bool Store::training() const noexcept {
    return m_impl->training;
}
const std::string& Store::userName() const noexcept {
    return m_impl->user;
}
privacy::Role Store::role() const noexcept {
    return m_impl->role;
}
const core::Status& Store::purgeAtOpen() const noexcept {
    return m_impl->purgeAtOpen;
}

void Store::close() {
    if (!m_impl) return;
    m_impl->shutdown();
}

void Store::logout() {
    if (!m_impl) return;
    auto& im = *m_impl;
    if (im.open && im.schema >= 4)
        if (auto tx = Transaction::begin(im.db)) {
            if (im.audit("session.logout", std::nullopt, "session", "")) (void)tx->commit();
        }
    im.shutdown();
}

Status Store::create(const std::string& path, const std::string& firstUser, const SecretBytes& password,
                     const CreateOptions& options, const core::Clock& clock) {
    if (!validUserName(firstUser))
        return fail(ErrorCode::InvalidArgument, "user name must be 1-64 of a-z A-Z 0-9 . _ -");
    if (password.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    if (options.firstUserRole != privacy::Role::Administrator &&
        !(options.training && options.firstUserRole == privacy::Role::Trainer))
        return fail(ErrorCode::InvalidArgument,
                    "the first user must be an administrator (or a trainer in a training store)");
    if (auto s = checkNewStorePath(path); !s) return s;
    const std::string slots = keySlotPath(path);

    auto storeKey = privacy::newDatabaseKey();
    auto key = privacy::newDatabaseKey();
    if (!storeKey) return fail(storeKey.error());
    if (!key) return fail(key.error());
    auto slot = privacy::wrapKey(*storeKey, firstUser, password, options.kdf);
    if (!slot) return fail(slot.error());
    privacy::KeySlotFile file;
    file.storeId = privacy::newStoreId();
    file.training = options.training;
    file.slots.push_back(std::move(*slot));
    auto sealed = privacy::sealKey(*storeKey, *key, databaseKeyContext(file.storeId));
    if (!sealed) return fail(sealed.error());
    file.databaseKey = std::move(*sealed);

    // The database is built under a temporary name and renamed into place last, so a crash leaves either
    // no store or a complete one (plus, at worst, an orphan slot file that blocks a second init).
    const std::string building = path + ".creating";
    removeDatabaseFiles(building); // a crashed attempt's
    // Owner-only from the first byte; SQLite gives its WAL and shared-memory files the same mode.
    if (auto s = detail::createEmptyPrivateFile(building); !s) return s;
    // Every failure from here on removes the partial database with its journal, WAL and shared memory.
    RemoveOnExit cleanup(building);
    {
        auto db = Database::open(building, *key, Database::OpenMode::Create);
        if (!db) return fail(db.error());
        auto tx = Transaction::begin(*db);
        if (!tx) return fail(tx.error());
        if (auto s = db->exec(kSchemaV1); !s) return s;
        const std::string now = core::formatUtc(clock.now());
        for (const auto& [k, v] :
             std::vector<std::pair<std::string, std::string>>{{"schema_version", "1"},
                                                              {"store_id", file.storeId},
                                                              {"mode", options.training ? "training" : "production"},
                                                              {"created_utc", now}}) {
            auto ins = db->prepare("INSERT INTO meta (key, value) VALUES (?, ?);");
            if (!ins) return fail(ins.error());
            ins->bind(1, k).bind(2, v);
            if (auto s = ins->run(); !s) return s;
        }
        auto user = db->prepare("INSERT INTO users (name, role, created_utc) VALUES (?, ?, ?);");
        if (!user) return fail(user.error());
        user->bind(1, firstUser).bind(2, privacy::roleName(options.firstUserRole)).bind(3, now);
        if (auto s = user->run(); !s) return s;
        if (auto s = appendAudit(*db, clock, firstUser, options.firstUserRole, "store.create", std::nullopt,
                                 "administration", options.training ? "training store" : "production store");
            !s)
            return s;
        if (auto s = tx->commit(); !s) return s;
        auto indexKey = privacy::deriveBlindIndexKey(*storeKey);
        if (!indexKey) return fail(indexKey.error());
        auto signer = privacy::AuditSigner::fromStoreKey(*storeKey);
        if (!signer) return fail(signer.error());
        if (auto s = migrate(*db, 1, MigrationContext{*indexKey, &*signer, firstUser, now}, clock, firstUser,
                             options.firstUserRole);
            !s)
            return s;
        if (auto s = db->exec("PRAGMA wal_checkpoint(TRUNCATE);"); !s) return s;
        if (auto s = db->exec("PRAGMA journal_mode = DELETE;"); !s) return s;
    }
    auto encoded = privacy::encodeKeySlotFile(file, *storeKey);
    if (!encoded) return fail(encoded.error());
    if (auto s = detail::writeFileAtomically(slots, *encoded); !s) {
        // There was no slot file (checkNewStorePath): one left by a failure after the rename goes too.
        (void)Env::current().removeFile(slots); // best effort; the write's error is the one to report
        return s;
    }
    if (auto s = moveNewStoreIntoPlace(building, path); !s) return s;
    cleanup.release();
    return {};
}

Result<Store> Store::open(const std::string& path, const std::string& user, const SecretBytes& password,
                          const OpenOptions& options, const core::Clock& clock) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail(ErrorCode::StoreNotFound, "no store at that path");
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::StoreNotAStore, "the store path is not a file");
#ifndef SECONDLINE_UNENCRYPTED_BENCHMARK_ONLY
    if (isPlainSqlite(path))
        return fail(ErrorCode::StoreNotAStore, "the file is an unencrypted SQLite database, not a SecondLine store");
#endif
    const std::string slotsPath = keySlotPath(path);
    if (!std::filesystem::exists(slotsPath, ec))
        return fail(ErrorCode::KeySlotMissing, "the store's key slot file is missing");
    auto lock = detail::FileLock::acquire(path + ".lock");
    if (!lock) return fail(lock.error());
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    auto file = privacy::decodeKeySlotFile(*text);
    if (!file) return fail(file.error());
    // A locked account is refused before its password is tried, so a guesser gets nothing from trying.
    if (auto s = detail::checkLockout(path, user, clock.now()); !s) return fail(s.error());
    const privacy::KeySlot* slot = privacy::findSlot(*file, user);
    if (!slot) {
        detail::recordFailedLogin(path, user, false, clock.now());
        return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
    }
    auto storeKey = privacy::unwrapKey(*slot, password);
    if (!storeKey) {
        if (storeKey.error().code == ErrorCode::AuthenticationFailed)
            detail::recordFailedLogin(path, user, true, clock.now());
        return fail(storeKey.error());
    }
    if (auto s = privacy::verifyKeySlotFile(*text, *storeKey); !s) return fail(s.error());
    if (options.mode == OpenOptions::Mode::Production && file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a training store; it cannot be opened as production");
    if (options.mode == OpenOptions::Mode::Training && !file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a production store; it cannot be opened for training");

    auto key = databaseKeyOf(*file, *storeKey);
    if (!key) return fail(key.error());
    auto db = Database::open(path, *key, Database::OpenMode::ReadWrite);
    // An interrupted rotation (see rekey()): the pending key is in force if, and only if, the database no
    // longer opens with the current one. Either way the slot file is brought back to a single key.
    if (file->pendingDatabaseKey) {
        if (!db && db.error().code == ErrorCode::StoreCorrupt) {
            auto next = privacy::openSealedKey(*storeKey, *file->pendingDatabaseKey, databaseKeyContext(file->storeId));
            if (!next) return fail(next.error());
            db = Database::open(path, *next, Database::OpenMode::ReadWrite);
            if (db) {
                key = std::move(next);
                file->databaseKey = std::move(file->pendingDatabaseKey);
            }
        }
        if (db) {
            file->pendingDatabaseKey.reset();
            if (auto s = saveSlotFile(slotsPath, *file, *storeKey); !s) return fail(s.error());
            removeDatabaseFiles(path + ".rekeying"); // the interrupted rotation's copy, if any
        }
    }
    if (!db) return fail(db.error());
    auto version = metaValue(*db, "schema_version");
    if (!version) return fail(version.error());
    int schema = 0;
    if (std::from_chars(version->data(), version->data() + version->size(), schema).ec != std::errc{} || schema < 1)
        return fail(ErrorCode::StoreCorrupt, "the store's schema version is unreadable");
    if (schema > kSchemaVersion)
        return fail(ErrorCode::StoreVersionTooNew, "the store was written by a newer version of SecondLine");
    auto storeId = metaValue(*db, "store_id");
    if (!storeId) return fail(storeId.error());
    if (*storeId != file->storeId) return fail(ErrorCode::KeySlotCorrupt, "the key slot file belongs to another store");
    auto mode = metaValue(*db, "mode");
    if (!mode) return fail(mode.error());
    if ((*mode == "training") != file->training)
        return fail(ErrorCode::StoreCorrupt, "the store's mode and its key slot file disagree");

    auto impl = std::make_unique<StoreImpl>();
    {
        auto q = db->prepare("SELECT id, role FROM users WHERE name = ? AND active = 1;");
        if (!q) return fail(q.error());
        q->bind(1, user);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
        impl->userId = q->int64(0);
        const auto role = privacy::roleFromName(q->text(1));
        if (!role) return fail(ErrorCode::StoreCorrupt, "a user has an unknown role");
        impl->role = *role;
    }
    auto indexKey = privacy::deriveBlindIndexKey(*storeKey);
    if (!indexKey) return fail(indexKey.error());
    auto signer = privacy::AuditSigner::fromStoreKey(*storeKey);
    if (!signer) return fail(signer.error());
    if (schema < kSchemaVersion && options.migrate) {
        if (auto s = migrate(*db, schema, MigrationContext{*indexKey, &*signer, user, core::formatUtc(clock.now())},
                             clock, user, impl->role);
            !s)
            return fail(s.error());
        schema = kSchemaVersion;
    }
    if (schema >= 4) {
        auto loaded = detail::loadPolicyInForce(*db);
        if (!loaded) return fail(loaded.error());
        impl->policy = std::move(*loaded);
        auto signedFrom = metaValue(*db, "audit_signed_from");
        auto publicKey = metaValue(*db, "audit_public_key");
        if (!signedFrom || !publicKey) return fail(ErrorCode::StoreCorrupt, "the store's audit key is missing");
        if (*publicKey != signer->publicKeyHex())
            return fail(ErrorCode::StoreCorrupt, "the store's audit key does not match its store key");
        if (std::from_chars(signedFrom->data(), signedFrom->data() + signedFrom->size(), impl->signedFrom).ec !=
            std::errc{})
            return fail(ErrorCode::StoreCorrupt, "the store's audit metadata is unreadable");
        impl->signer = std::move(*signer);
    }
    impl->lock = std::move(*lock);
    impl->db = std::move(*db);
    impl->key = std::move(*key);
    impl->storeKey = std::move(*storeKey);
    impl->indexKey = std::move(*indexKey);
    impl->clock = &clock;
    impl->path = path;
    impl->storeId = file->storeId;
    impl->user = user;
    impl->training = file->training;
    impl->schema = schema;
    impl->open = true;
    impl->lastActivity = clock.now();
    if (schema >= 4)
        if (auto s = detail::loadBreakGlass(*impl); !s) return fail(s.error());
    {
        auto tx = Transaction::begin(impl->db);
        if (!tx) return fail(tx.error());
        // Failed sign-ins since the last successful one (any user's) go into the trail now.
        if (schema >= 4)
            for (const auto& failed : detail::pendingFailedLogins(path))
                if (auto s = detail::appendAudit(
                        impl->db, clock, failed.user, "-", failed.locked ? "session.locked" : "session.login_failed",
                        std::nullopt, "session", "at " + core::formatUtc(failed.time), &*impl->signer);
                    !s)
                    return fail(s.error());
        if (auto s = impl->audit("session.login", std::nullopt, "session",
                                 schema >= 4 ? "policy " + impl->pack().name() + " " + impl->pack().version() : "");
            !s)
            return fail(s.error());
        if (auto s = tx->commit(); !s) return fail(s.error());
    }
    if (schema >= 4) {
        detail::clearLoginFailures(path, user, impl->pack().sessions());
        // Retention at start: expired records go before anyone works with the store.
        if (impl->pack().purgeOnOpen()) {
            auto purged = detail::purgeExpired(*impl, false, true);
            if (!purged) impl->purgeAtOpen = core::fail(purged.error());
        }
    }
    return Store(std::move(impl));
}

Status Users::add(const std::string& name, privacy::Role role, const SecretBytes& password,
                  const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (!validUserName(name)) return fail(ErrorCode::InvalidArgument, "user name must be 1-64 of a-z A-Z 0-9 . _ -");
    if (password.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    if (role == privacy::Role::Trainer && !im.training)
        return fail(ErrorCode::InvalidArgument, "trainers belong in training stores");
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.storeKey);
    if (!file) return fail(file.error());
    if (privacy::findSlot(*file, name))
        return fail(ErrorCode::UserExists, "a user with that name exists or once existed (names are not reused)");
    auto slot = privacy::wrapKey(im.storeKey, name, password, kdf);
    if (!slot) return fail(slot.error());
    file->slots.push_back(std::move(*slot));
    auto encoded = privacy::encodeKeySlotFile(*file, im.storeKey);
    if (!encoded) return fail(encoded.error());

    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO users (name, role, created_utc) VALUES (?, ?, ?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, name).bind(2, privacy::roleName(role)).bind(3, core::formatUtc(im.clock->now()));
    if (auto s = ins->run(); !s) {
        if (s.error().code == ErrorCode::Database)
            return fail(ErrorCode::UserExists, "a user with that name exists or once existed (names are not reused)");
        return s;
    }
    if (auto s = im.audit("user.add", std::nullopt, "administration", "role " + std::string(privacy::roleName(role)));
        !s)
        return s;
    // The slot file is replaced before the commit: if the commit then fails, the extra slot names a user the
    // database does not know, and opening with it fails cleanly (AuthenticationFailed).
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return tx->commit();
}

Status Users::remove(const std::string& name) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (name == im.user) return fail(ErrorCode::InvalidArgument, "you cannot remove yourself");
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.storeKey);
    if (!file) return fail(file.error());
    const auto before = file->slots.size();
    std::erase_if(file->slots, [&](const privacy::KeySlot& slot) { return slot.userName == name; });
    auto encoded = privacy::encodeKeySlotFile(*file, im.storeKey);
    if (!encoded) return fail(encoded.error());

    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto q = im.db.prepare("UPDATE users SET active = 0 WHERE name = ? AND active = 1 RETURNING role;");
    if (!q) return fail(q.error());
    q->bind(1, name);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row && file->slots.size() == before) return fail(ErrorCode::UserNotFound, "no active user with that name");
    const std::string role = *row ? q->text(0) : std::string("unknown");
    q = {};
    if (auto s = im.audit("user.remove", std::nullopt, "administration", "role " + role); !s) return s;
    // The slot goes first: if the commit then fails, the user can no longer sign in, which is what was asked.
    if (file->slots.size() != before)
        if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return tx->commit();
}

Result<std::vector<UserInfo>> Users::list() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return fail(s.error());
    auto file = loadSlotFile(keySlotPath(im.path), im.storeKey);
    if (!file) return fail(file.error());
    auto q = im.db.prepare("SELECT name, role, created_utc, active FROM users ORDER BY id;");
    if (!q) return fail(q.error());
    std::vector<UserInfo> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        UserInfo u;
        u.name = q->text(0);
        const auto role = privacy::roleFromName(q->text(1));
        if (!role) return fail(ErrorCode::StoreCorrupt, "a user has an unknown role");
        u.role = *role;
        u.created = core::parseUtc(q->text(2)).value_or(core::TimePoint{});
        u.active = q->int64(3) != 0 && privacy::findSlot(*file, u.name) != nullptr;
        out.push_back(std::move(u));
    }
    return out;
}

Status Users::changePassword(const SecretBytes& newPassword, const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    // Every user may change their own password: the session is checked (idle rule included), no permission.
    if (auto s = im.session(std::nullopt, StoreImpl::Use::Activity); !s) return s;
    if (newPassword.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.storeKey);
    if (!file) return fail(file.error());
    auto slot = privacy::wrapKey(im.storeKey, im.user, newPassword, kdf);
    if (!slot) return fail(slot.error());
    bool replaced = false;
    for (auto& existing : file->slots)
        if (existing.userName == im.user) {
            existing = std::move(*slot);
            replaced = true;
        }
    if (!replaced) return fail(ErrorCode::KeySlotCorrupt, "the signed-in user has no key slot");
    auto encoded = privacy::encodeKeySlotFile(*file, im.storeKey);
    if (!encoded) return fail(encoded.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit("user.passwd", std::nullopt, "administration", ""); !s) return s;
    // The slot file is replaced first; if the commit then fails, the new password works and the audit entry
    // is missing, which is the lesser harm than a user locked out.
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return tx->commit();
}

Status Maintenance::rekey() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::RotateKeys); !s) return s;
    const std::string slotsPath = keySlotPath(im.path);
    auto file = loadSlotFile(slotsPath, im.storeKey);
    if (!file) return fail(file.error());
    auto next = privacy::newDatabaseKey();
    if (!next) return fail(next.error());
    auto sealed = privacy::sealKey(im.storeKey, *next, databaseKeyContext(im.storeId));
    if (!sealed) return fail(sealed.error());
    // 1. The next key is recorded as pending before any page changes.
    file->pendingDatabaseKey = std::move(*sealed);
    if (auto s = saveSlotFile(slotsPath, *file, im.storeKey); !s) return s;
    // 2. A copy under the next key (see copyUnderKey()) replaces the database file in one rename, so the file
    //    at the path is always wholly under one key or the other. The WAL is emptied into the file first, so
    //    that removing it loses nothing. A failure before the rename leaves the session as it was; after
    //    the old connection is closed, it ends the session: which key is in force is then decided by the next
    //    open(), which tries the current key and then the pending one.
    Env& env = Env::current();
    const std::string rekeying = im.path + ".rekeying";
    if (auto s = im.db.exec("PRAGMA wal_checkpoint(TRUNCATE);"); !s) return s;
    if (auto s = copyUnderKey(im.db, rekeying, *next); !s) return s;
    im.db.close();
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
    im.db = std::move(*reopened);
    im.key = std::move(*next);
    // 3. The pending key is promoted. A crash before this is finished by the next open().
    file->databaseKey = std::move(file->pendingDatabaseKey);
    file->pendingDatabaseKey.reset();
    auto saved = saveSlotFile(slotsPath, *file, im.storeKey);
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit("store.rekey", std::nullopt, "administration",
                          saved ? "database key rotated" : "database key rotated; slot file update pending");
        !s)
        return s;
    if (auto s = tx->commit(); !s) return s;
    return saved;
}

Result<BackupReport> Maintenance::backup(const std::string& backupPath, const SecretBytes& backupPassword,
                                         const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::BackupStore); !s) return fail(s.error());
    if (backupPassword.empty()) return fail(ErrorCode::InvalidArgument, "the backup password must not be empty");
    std::error_code ec;
    if (std::filesystem::exists(backupPath, ec))
        return fail(ErrorCode::StoreExists, "a file already exists at the backup path");
    const auto parent = std::filesystem::path(backupPath).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::FileNotFound, "the folder for the backup does not exist");

    auto slotsText = readSlotFileText(keySlotPath(im.path), im.storeKey);
    if (!slotsText) return fail(slotsText.error());
    auto backupKey = privacy::newDatabaseKey();
    auto exportKey = privacy::newDatabaseKey();
    if (!backupKey || !exportKey) return fail(ErrorCode::Crypto, "cannot make the backup keys");

    // The copy is made while this session holds the store's lock, so no other process writes meanwhile.
    const std::string exportPath = backupPath + ".export";
    removeDatabaseFiles(exportPath);
    RemoveOnExit cleanup(exportPath);
    if (auto s = im.db.exportTo(exportPath, *exportKey); !s) return fail(s.error());
    auto live = manifestOf(im.db);
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
    auto slot = privacy::wrapKey(*backupKey, kBackupSlotUser, backupPassword, kdf);
    if (!slot) return fail(slot.error());
    header.slots.push_back(std::move(*slot));
    auto sealedDb = privacy::sealKey(*backupKey, *exportKey, backupKeyContext("database key", im.storeId));
    auto sealedStore = privacy::sealKey(*backupKey, im.storeKey, backupKeyContext("store key", im.storeId));
    if (!sealedDb || !sealedStore) return fail(ErrorCode::Crypto, "cannot seal the backup keys");
    header.databaseKey = std::move(*sealedDb);
    header.storeKey = std::move(*sealedStore);
    std::int64_t records = 0;
    header.attributes = {{"schema", std::to_string(im.schema)},
                         {"created_utc", core::formatUtc(im.clock->now())},
                         {"database_bytes", std::to_string(bytes)},
                         {"database_digest", fileDigest.finishHex()},
                         {"manifest", live->digest},
                         {"store_slots", *slotsText}};
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

    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit("store.backup", std::nullopt, "administration", std::to_string(records) + " records"); !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    removeBackup.release();
    return BackupReport{im.schema, records, static_cast<std::uint64_t>(head.size()) + bytes};
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

} // namespace

Result<RestoreReport> Store::restore(const std::string& backupPath, const SecretBytes& backupPassword,
                                     const std::string& path, const core::Clock& clock) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(backupPath, ec)) return fail(ErrorCode::FileNotFound, "no backup file there");
    if (auto s = checkNewStorePath(path); !s) return fail(s.error());
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
    const privacy::KeySlot* slot = privacy::findSlot(*header, kBackupSlotUser);
    if (!slot) return fail(backupCorrupt("no backup key slot"));
    auto backupKey = privacy::unwrapKey(*slot, backupPassword);
    if (!backupKey) {
        if (backupKey.error().code == ErrorCode::AuthenticationFailed)
            return fail(ErrorCode::AuthenticationFailed, "the backup password is not correct");
        return fail(backupKey.error());
    }
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

    RestoreReport report;
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
            auto signer = privacy::AuditSigner::fromStoreKey(*storeKey);
            if (!signer) return fail(signer.error());
            if (auto s = appendAudit(*db, clock, "(restore)", privacy::Role::Administrator, "store.restore",
                                     std::nullopt, "administration",
                                     "schema " + std::to_string(report.schema) + ", " + std::to_string(report.records) +
                                         " records",
                                     report.schema >= 4 ? &*signer : nullptr);
                !s)
                return fail(s.error());
            if (auto s = tx->commit(); !s) return fail(s.error());
        }
        // A restored store never shares a database key with the store it came from: a copy under a new key
        // becomes the store (see copyUnderKey()).
        if (auto s = copyUnderKey(*db, rekeyed, *newKey); !s) return fail(s.error());
    }
    auto sealed = privacy::sealKey(*storeKey, *newKey, databaseKeyContext(storeSlots->storeId));
    if (!sealed) return fail(sealed.error());
    storeSlots->databaseKey = std::move(*sealed);
    storeSlots->pendingDatabaseKey.reset();
    if (auto s = saveSlotFile(keySlotPath(path), *storeSlots, *storeKey); !s) {
        // There was no slot file (checkNewStorePath): one left by a failure after the rename goes too.
        (void)Env::current().removeFile(keySlotPath(path)); // best effort; the write's error is reported
        return fail(s.error());
    }
    if (auto s = moveNewStoreIntoPlace(rekeyed, path); !s) return fail(s.error());
    cleanupRekeyed.release();
    return report; // `cleanup` removes the copy under the backup's key
}

Result<CipherSettings> Maintenance::cipherSettings() {
    auto& im = *m_impl;
    if (auto s = im.session(std::nullopt, StoreImpl::Use::Activity); !s) return fail(s.error());
    auto value = [&](const char* pragma) -> Result<std::string> {
        auto q = im.db.prepare(pragma);
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
    if (auto s = im.allowed(privacy::Action::CheckStore); !s) return fail(s.error());
    CheckReport report;
    auto integrity = checkIntegrity(im.db);
    if (!integrity) return fail(integrity.error());
    report.integrityOk = integrity->structureProblems == 0;
    if (!report.integrityOk)
        report.problems += "integrity_check reported " + std::to_string(integrity->structureProblems) + " problems; ";
    report.cipherIntegrityOk = integrity->failingPages == 0;
    if (!report.cipherIntegrityOk)
        report.problems += std::to_string(integrity->failingPages) + " pages fail their HMAC; ";
    auto trail = detail::readAuditTrail(im);
    if (!trail) return fail(trail.error());
    const auto chain =
        privacy::verifyTrail(*trail, {im.signer ? im.signer->publicKeyHex() : std::string{},
                                      im.signer ? im.signedFrom : static_cast<std::int64_t>(trail->size()) + 1});
    report.auditChainOk = chain.ok;
    if (!chain.ok)
        report.problems += "audit trail fails at entry " + std::to_string(chain.firstBadSequence.value_or(0)) + " (" +
                           chain.problem + "); ";
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = im.audit("store.check", std::nullopt, "administration", report.ok() ? "ok" : "problems found"); !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return report;
}

Result<std::vector<privacy::AuditEntry>> AuditTrail::entries() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadAudit); !s) return fail(s.error());
    return detail::readAuditTrail(im);
}

Result<std::vector<privacy::AuditEntry>> detail::readAuditTrail(StoreImpl& im) {
    auto q =
        im.db.prepare(im.schema >= 4 ? "SELECT seq, time_utc, user_name, role, action, record_id, purpose, detail, "
                                       "prev_hash, hash, justification, signature FROM audit ORDER BY seq;"
                                     : "SELECT seq, time_utc, user_name, role, action, record_id, purpose, detail, "
                                       "prev_hash, hash FROM audit ORDER BY seq;");
    if (!q) return fail(q.error());
    std::vector<privacy::AuditEntry> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        privacy::AuditEntry e;
        e.sequence = q->int64(0);
        e.time = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
        e.userName = q->text(2);
        e.role = q->text(3);
        e.action = q->text(4);
        if (!q->isNull(5)) e.recordId = q->int64(5);
        e.purpose = q->text(6);
        e.detail = q->text(7);
        e.previousHash = q->text(8);
        e.hash = q->text(9);
        if (im.schema >= 4) {
            e.justification = q->text(10);
            e.signature = q->text(11);
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace secondline::storage
