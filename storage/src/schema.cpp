// The store's schema: version 1 as created, the forward-only migrations up to kSchemaVersion, and the
// meta table.

#include "schema.h"

#include "document_codec.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>

#include <set>
#include <tuple>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using core::Result;
using core::SecretBytes;
using core::Status;
using detail::Database;
using detail::Transaction;

namespace detail {

const char* const kSchemaV1 = R"sql(
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

namespace {

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

} // namespace

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
        if (auto s =
                appendAudit(db, clock, user, role, privacy::AuditAction::StoreMigrate, std::nullopt, "administration",
                            "schema " + std::to_string(m.to - 1) + " to " + std::to_string(m.to), signer);
            !s)
            return s;
        if (m.to == 4)
            if (auto s = appendAudit(
                    db, clock, user, role, privacy::AuditAction::PolicyLoad, std::nullopt, "administration",
                    "policy " + privacy::Policy::defaults().name() + " " + privacy::Policy::defaults().version() +
                        " hash " + privacy::Policy::defaults().hash(),
                    signer);
                !s)
                return s;
        if (auto s = tx->commit(); !s) return s;
    }
    return {};
}

namespace {

/// One row of sqlite_master: type, name, table and the SQL that created it (empty for automatic indexes).
using SchemaObject = std::tuple<std::string, std::string, std::string, std::string>;

Result<std::set<SchemaObject>> schemaObjects(Database& db) {
    auto q = db.prepare("SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master;");
    if (!q) return fail(q.error());
    std::set<SchemaObject> out;
    for (;;) {
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row) break;
        out.emplace(q->text(0), q->text(1), q->text(2), q->text(3));
    }
    return out;
}

/// What the creation script and the migrations up to `version` leave in an empty database.
Result<std::set<SchemaObject>> expectedSchema(int version) {
    auto db = Database::openInMemory();
    if (!db) return fail(db.error());
    if (auto s = db->exec(kSchemaV1); !s) return fail(s.error());
    // The steps' data parts run on empty tables; the keys they would use are throwaway ones.
    auto indexKey = SecretBytes::random(32);
    auto storeKey = SecretBytes::random(32);
    if (!indexKey || !storeKey) return fail(ErrorCode::Crypto, "cannot make the schema check's throwaway keys");
    auto signer = privacy::AuditSigner::fromStoreKey(*storeKey);
    if (!signer) return fail(signer.error());
    const MigrationContext ctx{*indexKey, &*signer, "schema-check", "1970-01-01T00:00:00Z"};
    for (const Migration& m : kMigrations) {
        if (m.to > version) break;
        if (auto s = m.apply(*db, ctx); !s) return fail(s.error());
    }
    return schemaObjects(*db);
}

} // namespace

Status checkSchema(Database& db, int version) {
    auto expected = expectedSchema(version);
    if (!expected) return fail(expected.error());
    auto actual = schemaObjects(db);
    if (!actual) return fail(actual.error());
    for (const auto& object : *actual)
        if (!expected->contains(object))
            return fail(ErrorCode::StoreTampered, "the store's schema holds a " + std::get<0>(object) + " named '" +
                                                      std::get<1>(object) +
                                                      "' that SecondLine did not create (or altered); refusing it");
    for (const auto& object : *expected)
        if (!actual->contains(object))
            return fail(ErrorCode::StoreTampered, "the store's schema lacks the " + std::get<0>(object) + " named '" +
                                                      std::get<1>(object) + "'; refusing it");
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

} // namespace detail

} // namespace secondline::storage
