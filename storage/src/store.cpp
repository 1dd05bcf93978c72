#include <secondline/storage/store.h>

#include "atomic_file.h"
#include "schema.h"
#include "sqlite.h"
#include "store_files.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/storage/env.h>
#include <secondline/storage/users.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

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
using detail::databaseKeyOf;
using detail::kMaxKeySlotFileBytes;
using detail::kSchemaV1;
using detail::metaValue;
using detail::migrate;
using detail::MigrationContext;
using detail::moveNewStoreIntoPlace;
using detail::removeDatabaseFiles;
using detail::RemoveOnExit;
using detail::saveSlotFile;
using detail::Transaction;

namespace {

[[maybe_unused]] bool isPlainSqlite(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::memcmp(header, "SQLite format 3", 16) == 0;
}

} // namespace

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
        if (auto tx = Transaction::begin(m_db))
            if (audit(privacy::AuditAction::SessionIdleTimeout, std::nullopt, "session", ""))
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
            if (auto tx = Transaction::begin(m_db))
                if (audit(privacy::AuditAction::AccessDenied, std::nullopt, "",
                          std::string(privacy::actionName(action))))
                    core::ignoreResult(tx->commit(), "the refusal stands whether or not its entry commits");
        return fail(ErrorCode::PermissionDenied, d.reason);
    }
    return {};
}

bool StoreImpl::viaBreakGlass(privacy::Action action) const {
    return !pack().permits(role, action) && breakGlassActive();
}

Result<Access> StoreImpl::begin(privacy::Action action) {
    if (auto s = allowed(action); !s) return fail(s.error());
    return transaction();
}

Result<Access> StoreImpl::transaction() {
    if (!open) return fail(ErrorCode::InvalidArgument, "store is closed");
    auto tx = Transaction::begin(m_db);
    if (!tx) return fail(tx.error());
    auditsAtBegin = auditsWritten;
    return Access(m_db, std::move(*tx));
}

Result<Access> StoreImpl::connection(std::optional<privacy::Action> action) {
    if (auto s = action ? allowed(*action) : session(std::nullopt, Use::Activity); !s) return fail(s.error());
    return Access(m_db, std::nullopt);
}

Status StoreImpl::commit(Access& access, AfterCommit after) {
    if (!access.m_tx) return fail(ErrorCode::Internal, "an operation tried to commit outside a transaction");
    if (auditsWritten == auditsAtBegin)
        return fail(ErrorCode::Internal, "an operation tried to commit without its audit entry");
    if (auto s = access.m_tx->commit(); !s) return s;
    access.m_tx.reset();
    if (after == AfterCommit::Compact) return detail::compact(m_db);
    return {};
}

Status StoreImpl::audit(privacy::AuditAction action, std::optional<core::RecordId> recordId, std::string purpose,
                        std::string detail, std::string justification) {
    auto written = appendAudit(m_db, *clock, user, role, std::move(action), recordId, std::move(purpose),
                               std::move(detail), signer ? &*signer : nullptr, std::move(justification));
    if (written) ++auditsWritten;
    return written;
}

bool StoreImpl::readsAny() const {
    return privacy::decide(pack(), role, privacy::Action::ReadAnyRecord, context()).allowed;
}

Status StoreImpl::requireVisible(Access& access, core::RecordId id) {
    auto q = access.db().prepare(std::string("SELECT 1 FROM records r LEFT JOIN encounters e ON e.id = r.encounter_id "
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
    m_db.close();
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
        if (auto tx = Transaction::begin(im.m_db)) {
            if (im.audit(privacy::AuditAction::SessionLogout, std::nullopt, "session", ""))
                core::ignoreResult(tx->commit(), "signing out wipes the keys below whether or not its entry commits");
        }
    im.shutdown();
}

const std::string& Store::storeId() const {
    return m_impl->storeId;
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
    privacy::KeySlotFile file;
    file.storeId = privacy::newStoreId();
    file.training = options.training;
    if (options.testStore) file.attributes.emplace_back(detail::kTestStoreAttribute, "yes");
    if (auto s = detail::checkNewCredential(file, firstUser, password, options.kdf); !s) return s;
    auto slot = privacy::wrapKey(*storeKey, firstUser, password, options.kdf);
    if (!slot) return fail(slot.error());
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
        if (auto s =
                appendAudit(*db, clock, firstUser, options.firstUserRole, privacy::AuditAction::StoreCreate,
                            std::nullopt, "administration", options.training ? "training store" : "production store");
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
        core::ignoreResult(Env::current().removeFile(slots), "best effort; the write's error is the one to report");
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
    // Before anything runs on it (a migration, the sign-in's entries): a trigger that drops audit entries, a
    // view or a redefined table is refused, not obeyed.
    if (auto s = checkSchema(*db, schema); !s) return fail(s.error());
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
    impl->connect(std::move(*db));
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
    if (schema >= 4) {
        auto access = impl->connection(std::nullopt);
        if (!access) return fail(access.error());
        if (auto s = detail::loadBreakGlass(*impl, *access); !s) return fail(s.error());
    }
    {
        auto tx = Transaction::begin(impl->m_db);
        if (!tx) return fail(tx.error());
        // Failed sign-ins since the last successful one (any user's) go into the trail now.
        if (schema >= 4)
            for (const auto& failed : detail::pendingFailedLogins(path))
                if (auto s = detail::appendAudit(
                        impl->m_db, clock, failed.user, "-",
                        failed.locked ? privacy::AuditAction::SessionLocked : privacy::AuditAction::SessionLoginFailed,
                        std::nullopt, "session", "at " + core::formatUtc(failed.time), &*impl->signer);
                    !s)
                    return fail(s.error());
        if (auto s = impl->audit(privacy::AuditAction::SessionLogin, std::nullopt, "session",
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

} // namespace secondline::storage
