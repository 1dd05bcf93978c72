#include <secondline/storage/store.h>

#include "atomic_file.h"
#include "document_codec.h"
#include "sqlite.h"

#include <secondline/privacy/blind_index.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

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

/// The blind-index values stored beside a document (see privacy/blind_index.h). Used at ingest and by the
/// migration that back-fills old records, so both index exactly the same way.
std::string documentIndex(const core::SecretBytes& key, const validation::TravelDocument& doc) {
    return privacy::blindIndex(key, "document", privacy::documentLookupValue(doc.issuingState(), doc.documentNumber()));
}

std::string nameBirthIndex(const core::SecretBytes& key, const validation::TravelDocument& doc) {
    return privacy::blindIndex(key, "name_birth", privacy::nameBirthLookupValue(doc.surname(), doc.birthDate.iso()));
}

/// What a migration step may use besides the database.
struct MigrationContext {
    const core::SecretBytes& indexKey;
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
        update->bind(1, documentIndex(ctx.indexKey, *doc));
        update->bind(2, nameBirthIndex(ctx.indexKey, *doc));
        update->bind(3, id);
        if (auto s = update->run(); !s) return s;
        update->reset();
    }
    return {};
}

struct Migration {
    int to;
    Status (*apply)(Database&, const MigrationContext&);
};

/// Forward-only, in order. A store is created at version 1 and brought up through every step, so each
/// step runs on every new store as well as on old ones.
constexpr Migration kMigrations[] = {
    {2, migrateToV2},
};

/// Runs the steps above `from`, each in its own transaction with its meta update and audit entry.
Status migrate(Database& db, int from, const MigrationContext& ctx, const core::Clock& clock, const std::string& user,
               privacy::Role role);

bool isPlainSqlite(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::memcmp(header, "SQLite format 3", 16) == 0;
}

Status appendAudit(Database& db, const core::Clock& clock, const std::string& user, privacy::Role role,
                   std::string action, std::optional<std::int64_t> recordId, std::string purpose, std::string detail) {
    privacy::AuditEntry e;
    e.previousHash = privacy::genesisHash();
    e.sequence = 1;
    {
        auto last = db.prepare("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1;");
        if (!last) return fail(last.error());
        auto row = last->step();
        if (!row) return fail(row.error());
        if (*row) {
            e.sequence = last->int64(0) + 1;
            e.previousHash = last->text(1);
        }
    }
    e.time = clock.now();
    e.userName = user;
    e.role = std::string(privacy::roleName(role));
    e.action = std::move(action);
    e.recordId = recordId;
    e.purpose = std::move(purpose);
    e.detail = std::move(detail);
    e.hash = privacy::computeAuditHash(e);
    auto ins = db.prepare("INSERT INTO audit (seq, time_utc, user_name, role, action, record_id, purpose, detail, "
                          "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, e.sequence).bind(2, core::formatUtc(e.time)).bind(3, e.userName).bind(4, e.role).bind(5, e.action);
    ins->bind(6, e.recordId).bind(7, e.purpose).bind(8, e.detail).bind(9, e.previousHash).bind(10, e.hash);
    return ins->run();
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
        if (auto s = appendAudit(db, clock, user, role, "store.migrate", std::nullopt, "administration",
                                 "schema " + std::to_string(m.to - 1) + " to " + std::to_string(m.to));
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

struct Store::Impl {
    detail::FileLock lock; // released last: members are destroyed in reverse order
    Database db;
    SecretBytes key;
    SecretBytes indexKey;
    const core::Clock* clock = nullptr;
    std::string path;
    std::string user;
    std::int64_t userId = 0;
    privacy::Role role = privacy::Role::Officer;
    bool training = false;
    bool open = false;

    Status allowed(privacy::Action action) {
        if (!open) return fail(ErrorCode::InvalidArgument, "store is closed");
        const auto d = privacy::decide(role, action, {training});
        if (!d.allowed) return fail(ErrorCode::PermissionDenied, d.reason);
        return {};
    }

    /// Whether this session sees every officer's records, or only its own.
    [[nodiscard]] bool readsAny() const {
        return privacy::decide(role, privacy::Action::ReadAnyRecord, {training}).allowed;
    }
};

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

bool Store::training() const noexcept {
    return m_impl->training;
}
const std::string& Store::userName() const noexcept {
    return m_impl->user;
}
privacy::Role Store::role() const noexcept {
    return m_impl->role;
}

void Store::close() {
    if (!m_impl) return;
    m_impl->db.close();
    m_impl->key = SecretBytes{};
    m_impl->indexKey = SecretBytes{};
    m_impl->lock = detail::FileLock{};
    m_impl->open = false;
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
    std::error_code ec;
    const std::string slots = keySlotPath(path);
    if (std::filesystem::exists(path, ec) || std::filesystem::exists(slots, ec))
        return fail(ErrorCode::StoreExists, "a store already exists at that path");
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::FileNotFound, "the folder for the store does not exist");

    auto key = privacy::newDatabaseKey();
    if (!key) return fail(key.error());
    auto slot = privacy::wrapKey(*key, firstUser, password, options.kdf);
    if (!slot) return fail(slot.error());
    privacy::KeySlotFile file{privacy::newStoreId(), options.training, {std::move(*slot)}};

    // The database is built under a temporary name and renamed into place last, so a crash leaves either
    // no store or a complete one (plus, at worst, an orphan slot file that blocks a second init).
    const std::string building = path + ".creating";
    std::filesystem::remove(building, ec);
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
        auto indexKey = privacy::deriveBlindIndexKey(*key);
        if (!indexKey) return fail(indexKey.error());
        if (auto s = migrate(*db, 1, MigrationContext{*indexKey}, clock, firstUser, options.firstUserRole); !s)
            return s;
        if (auto s = db->exec("PRAGMA wal_checkpoint(TRUNCATE);"); !s) return s;
        if (auto s = db->exec("PRAGMA journal_mode = DELETE;"); !s) return s;
    }
    auto encoded = privacy::encodeKeySlotFile(file, *key);
    if (!encoded) return fail(encoded.error());
    if (auto s = detail::writeFileAtomically(slots, *encoded); !s) {
        std::filesystem::remove(building, ec);
        return s;
    }
    std::filesystem::rename(building, path, ec);
    if (ec) {
        std::filesystem::remove(building, ec);
        std::filesystem::remove(slots, ec);
        return fail(ErrorCode::Io, "cannot move the new store into place");
    }
    return {};
}

Result<Store> Store::open(const std::string& path, const std::string& user, const SecretBytes& password,
                          const OpenOptions& options, const core::Clock& clock) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return fail(ErrorCode::StoreNotFound, "no store at that path");
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorCode::StoreNotAStore, "the store path is not a file");
    if (isPlainSqlite(path))
        return fail(ErrorCode::StoreNotAStore, "the file is an unencrypted SQLite database, not a SecondLine store");
    const std::string slotsPath = keySlotPath(path);
    if (!std::filesystem::exists(slotsPath, ec))
        return fail(ErrorCode::KeySlotMissing, "the store's key slot file is missing");
    auto lock = detail::FileLock::acquire(path + ".lock");
    if (!lock) return fail(lock.error());
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    auto file = privacy::decodeKeySlotFile(*text);
    if (!file) return fail(file.error());
    const privacy::KeySlot* slot = privacy::findSlot(*file, user);
    if (!slot) return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
    auto key = privacy::unwrapKey(*slot, password);
    if (!key) return fail(key.error());
    if (auto s = privacy::verifyKeySlotFile(*text, *key); !s) return fail(s.error());
    if (options.mode == OpenOptions::Mode::Production && file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a training store; it cannot be opened as production");
    if (options.mode == OpenOptions::Mode::Training && !file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a production store; it cannot be opened for training");

    auto db = Database::open(path, *key, Database::OpenMode::ReadWrite);
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

    auto impl = std::make_unique<Impl>();
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
    auto indexKey = privacy::deriveBlindIndexKey(*key);
    if (!indexKey) return fail(indexKey.error());
    if (schema < kSchemaVersion) {
        if (auto s = migrate(*db, schema, MigrationContext{*indexKey}, clock, user, impl->role); !s)
            return fail(s.error());
    }
    impl->lock = std::move(*lock);
    impl->db = std::move(*db);
    impl->key = std::move(*key);
    impl->indexKey = std::move(*indexKey);
    impl->clock = &clock;
    impl->path = path;
    impl->user = user;
    impl->training = file->training;
    impl->open = true;
    {
        auto tx = Transaction::begin(impl->db);
        if (!tx) return fail(tx.error());
        if (auto s = appendAudit(impl->db, clock, user, impl->role, "session.login", std::nullopt, "session", ""); !s)
            return fail(s.error());
        if (auto s = tx->commit(); !s) return fail(s.error());
    }
    return Store(std::move(impl));
}

Result<std::int64_t> Store::addRecord(const validation::TravelDocument& document, const EncounterInfo& encounter) {
    auto ids = addRecords({&document, 1}, encounter);
    if (!ids) return fail(ids.error());
    return ids->front();
}

Result<std::vector<std::int64_t>> Store::addRecords(std::span<const validation::TravelDocument> documents,
                                                    const EncounterInfo& encounter) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::CreateRecord); !s) return fail(s.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO records (created_utc, officer_id, source, purpose, format, valid, document, "
                             "idx_document, idx_name_birth) VALUES (?,?,?,?,?,?,?,?,?);");
    if (!ins) return fail(ins.error());
    const std::string now = core::formatUtc(im.clock->now());
    const std::string action(privacy::actionName(privacy::Action::CreateRecord));
    std::vector<std::int64_t> ids;
    ids.reserve(documents.size());
    for (const auto& document : documents) {
        ins->bind(1, now).bind(2, im.userId).bind(3, encounter.source).bind(4, encounter.purpose);
        ins->bind(5, validation::formatName(document.format)).bind(6, std::int64_t{document.valid() ? 1 : 0});
        ins->bind(7, detail::encodeDocument(document));
        ins->bind(8, documentIndex(im.indexKey, document));
        ins->bind(9, nameBirthIndex(im.indexKey, document));
        if (auto s = ins->run(); !s) return fail(s.error());
        ins->reset();
        const std::int64_t id = im.db.lastInsertId();
        if (auto s = appendAudit(im.db, *im.clock, im.user, im.role, action, id, encounter.purpose, ""); !s)
            return fail(s.error());
        ids.push_back(id);
    }
    // One commit for the batch: all of it is stored with its audit entries, or none of it.
    if (auto s = tx->commit(); !s) return fail(s.error());
    return ids;
}

Result<StoredRecord> Store::record(std::int64_t id) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadOwnRecord); !s) return fail(s.error());
    const bool any = im.readsAny();
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto q = im.db.prepare("SELECT r.id, r.created_utc, u.name, r.source, r.purpose, r.document, r.officer_id "
                           "FROM records r JOIN users u ON u.id = r.officer_id WHERE r.id = ?;");
    if (!q) return fail(q.error());
    q->bind(1, id);
    auto row = q->step();
    if (!row) return fail(row.error());
    if (!*row || (!any && q->int64(6) != im.userId))
        return fail(ErrorCode::RecordNotFound, "no record with that id is visible to this user");
    StoredRecord rec;
    rec.id = q->int64(0);
    rec.created = core::parseUtc(q->text(1)).value_or(core::TimePoint{});
    rec.officer = q->text(2);
    rec.encounter.source = q->text(3);
    rec.encounter.purpose = q->text(4);
    auto doc = detail::decodeDocument(q->text(5));
    if (!doc) return fail(doc.error());
    rec.document = std::move(*doc);
    if (auto s = appendAudit(im.db, *im.clock, im.user, im.role, "record.read", id, rec.encounter.purpose, ""); !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return rec;
}

namespace {

/// Summaries visible to the session, optionally filtered by one blind-index column; audited.
Result<std::vector<RecordSummary>> listRecords(Database& db, const core::Clock& clock, const std::string& user,
                                               std::int64_t userId, privacy::Role role, bool any,
                                               const char* indexColumn, const std::string& indexValue,
                                               const char* action) {
    auto tx = Transaction::begin(db);
    if (!tx) return fail(tx.error());
    std::string sql = "SELECT r.id, r.created_utc, u.name, r.format, r.valid FROM records r "
                      "JOIN users u ON u.id = r.officer_id WHERE (? OR r.officer_id = ?)";
    if (indexColumn) sql += std::string(" AND r.") + indexColumn + " = ?";
    sql += " ORDER BY r.id DESC;";
    auto q = db.prepare(sql);
    if (!q) return fail(q.error());
    q->bind(1, std::int64_t{any ? 1 : 0}).bind(2, userId);
    if (indexColumn) q->bind(3, indexValue);
    std::vector<RecordSummary> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.push_back({q->int64(0), core::parseUtc(q->text(1)).value_or(core::TimePoint{}), q->text(2), q->text(3),
                       q->int64(4) != 0});
    }
    if (auto s = appendAudit(db, clock, user, role, action, std::nullopt, "secondary_inspection",
                             std::to_string(out.size()) + " records");
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return out;
}

} // namespace

Result<std::vector<RecordSummary>> Store::records() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    return listRecords(im.db, *im.clock, im.user, im.userId, im.role, im.readsAny(), nullptr, {}, "record.list");
}

Result<std::vector<RecordSummary>> Store::findByDocument(std::string_view issuingState,
                                                         std::string_view documentNumber) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    const std::string idx =
        privacy::blindIndex(im.indexKey, "document", privacy::documentLookupValue(issuingState, documentNumber));
    return listRecords(im.db, *im.clock, im.user, im.userId, im.role, im.readsAny(), "idx_document", idx,
                       "record.find");
}

Result<std::vector<RecordSummary>> Store::findByNameAndBirth(std::string_view surname, std::string_view birthIso) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ListRecords); !s) return fail(s.error());
    const std::string idx =
        privacy::blindIndex(im.indexKey, "name_birth", privacy::nameBirthLookupValue(surname, birthIso));
    return listRecords(im.db, *im.clock, im.user, im.userId, im.role, im.readsAny(), "idx_name_birth", idx,
                       "record.find");
}

Status Store::addUser(const std::string& name, privacy::Role role, const SecretBytes& password,
                      const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ManageUsers); !s) return s;
    if (!validUserName(name)) return fail(ErrorCode::InvalidArgument, "user name must be 1-64 of a-z A-Z 0-9 . _ -");
    if (password.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    if (role == privacy::Role::Trainer && !im.training)
        return fail(ErrorCode::InvalidArgument, "trainers belong in training stores");
    const std::string slotsPath = keySlotPath(im.path);
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    if (auto s = privacy::verifyKeySlotFile(*text, im.key); !s) return s;
    auto file = privacy::decodeKeySlotFile(*text);
    if (!file) return fail(file.error());
    if (privacy::findSlot(*file, name)) return fail(ErrorCode::UserExists, "a user with that name already exists");
    auto slot = privacy::wrapKey(im.key, name, password, kdf);
    if (!slot) return fail(slot.error());
    file->slots.push_back(std::move(*slot));
    auto encoded = privacy::encodeKeySlotFile(*file, im.key);
    if (!encoded) return fail(encoded.error());

    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    auto ins = im.db.prepare("INSERT INTO users (name, role, created_utc) VALUES (?, ?, ?);");
    if (!ins) return fail(ins.error());
    ins->bind(1, name).bind(2, privacy::roleName(role)).bind(3, core::formatUtc(im.clock->now()));
    if (auto s = ins->run(); !s) {
        if (s.error().code == ErrorCode::Database)
            return fail(ErrorCode::UserExists, "a user with that name already exists");
        return s;
    }
    if (auto s = appendAudit(im.db, *im.clock, im.user, im.role, "user.add", std::nullopt, "administration",
                             "role " + std::string(privacy::roleName(role)));
        !s)
        return s;
    // The slot file is replaced before the commit: if the commit then fails, the extra slot names a user the
    // database does not know, and opening with it fails cleanly (AuthenticationFailed).
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return tx->commit();
}

Status Store::changePassword(const SecretBytes& newPassword, const privacy::KdfParams& kdf) {
    auto& im = *m_impl;
    if (!im.open) return fail(ErrorCode::InvalidArgument, "store is closed");
    if (newPassword.empty()) return fail(ErrorCode::InvalidArgument, "password must not be empty");
    const std::string slotsPath = keySlotPath(im.path);
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    if (auto s = privacy::verifyKeySlotFile(*text, im.key); !s) return s;
    auto file = privacy::decodeKeySlotFile(*text);
    if (!file) return fail(file.error());
    auto slot = privacy::wrapKey(im.key, im.user, newPassword, kdf);
    if (!slot) return fail(slot.error());
    bool replaced = false;
    for (auto& existing : file->slots)
        if (existing.userName == im.user) {
            existing = std::move(*slot);
            replaced = true;
        }
    if (!replaced) return fail(ErrorCode::KeySlotCorrupt, "the signed-in user has no key slot");
    auto encoded = privacy::encodeKeySlotFile(*file, im.key);
    if (!encoded) return fail(encoded.error());
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = appendAudit(im.db, *im.clock, im.user, im.role, "user.passwd", std::nullopt, "administration", ""); !s)
        return s;
    // The slot file is replaced first; if the commit then fails, the new password works and the audit entry
    // is missing, which is the lesser harm than a user locked out.
    if (auto s = detail::writeFileAtomically(slotsPath, *encoded); !s) return s;
    return tx->commit();
}

Result<Store::CipherSettings> Store::cipherSettings() {
    auto& im = *m_impl;
    if (!im.open) return fail(ErrorCode::InvalidArgument, "store is closed");
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

Result<Store::CheckReport> Store::check() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadAudit); !s) return fail(s.error());
    CheckReport report;
    auto pragmaRows = [&](const char* sql, std::vector<std::string>& rows) -> Status {
        auto q = im.db.prepare(sql);
        if (!q) return fail(q.error());
        for (;;) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            rows.push_back(q->text(0));
        }
        return {};
    };
    std::vector<std::string> integrity, cipher;
    if (auto s = pragmaRows("PRAGMA integrity_check;", integrity); !s) return fail(s.error());
    report.integrityOk = integrity.size() == 1 && integrity[0] == "ok";
    if (!report.integrityOk)
        report.problems += "integrity_check reported " + std::to_string(integrity.size()) + " problems; ";
    if (auto s = pragmaRows("PRAGMA cipher_integrity_check;", cipher); !s) return fail(s.error());
    report.cipherIntegrityOk = cipher.empty(); // SQLCipher lists failing pages, nothing when all pass
    if (!report.cipherIntegrityOk) report.problems += std::to_string(cipher.size()) + " pages fail their HMAC; ";
    auto trail = auditTrail();
    if (!trail) return fail(trail.error());
    const auto chain = privacy::verifyAuditChain(*trail);
    report.auditChainOk = chain.intact;
    if (!chain.intact)
        report.problems += "audit chain breaks at entry " + std::to_string(chain.firstBadSequence.value_or(0)) + " (" +
                           chain.problem + "); ";
    auto tx = Transaction::begin(im.db);
    if (!tx) return fail(tx.error());
    if (auto s = appendAudit(im.db, *im.clock, im.user, im.role, "store.check", std::nullopt, "administration",
                             report.ok() ? "ok" : "problems found");
        !s)
        return fail(s.error());
    if (auto s = tx->commit(); !s) return fail(s.error());
    return report;
}

Result<std::vector<privacy::AuditEntry>> Store::auditTrail() {
    auto& im = *m_impl;
    if (auto s = im.allowed(privacy::Action::ReadAudit); !s) return fail(s.error());
    auto q = im.db.prepare("SELECT seq, time_utc, user_name, role, action, record_id, purpose, detail, prev_hash, hash "
                           "FROM audit ORDER BY seq;");
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
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace secondline::storage
