#include <secondline/storage/store.h>

#include "atomic_file.h"
#include "root_key.h"
#include "schema.h"
#include "sqlite.h"
#include "store_files.h"
#include "store_impl.h"

#include <secondline/privacy/blind_index.h>
#include <secondline/privacy/password_rule.h>
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
using detail::auditKeyContext;
using detail::checkNewStorePath;
using detail::Database;
using detail::databaseKeyContext;
using detail::databaseKeyOf;
using detail::indexKeyContext;
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

/// What a sign-in with an unknown user name spends on Argon2id: the store's highest slot cost, and at least
/// the production floor in a production store, so that it cannot be told from a wrong password by its time.
privacy::KdfParams dummyCost(const privacy::KeySlotFile& file) {
    privacy::KdfParams cost = privacy::KdfParams::fastForTests();
    for (const auto& slot : file.slots) {
        cost.opsLimit = std::max(cost.opsLimit, slot.kdf.opsLimit);
        cost.memLimitBytes = std::max(cost.memLimitBytes, slot.kdf.memLimitBytes);
    }
    if (!file.training && !file.attribute(detail::kTestStoreAttribute)) {
        cost.opsLimit = std::max(cost.opsLimit, privacy::kProductionKdfFloor.opsLimit);
        cost.memLimitBytes = std::max(cost.memLimitBytes, privacy::kProductionKdfFloor.memLimitBytes);
    }
    return cost;
}

std::string rootKeyFileOf(const std::string& path, const std::string& given) {
    return given.empty() ? rootKeyPath(path) : given;
}

} // namespace

struct StoreLock::Holder {
    detail::FileLock lock;
};
StoreLock::StoreLock(std::unique_ptr<Holder> holder) : m_holder(std::move(holder)) {}
StoreLock::StoreLock(StoreLock&&) noexcept = default;
StoreLock& StoreLock::operator=(StoreLock&&) noexcept = default;
StoreLock::~StoreLock() = default;

Result<StoreLock> Store::lockForService(const std::string& path) {
    auto lock = detail::FileLock::acquire(path + ".lock");
    if (!lock) return fail(lock.error());
    return StoreLock(std::make_unique<StoreLock::Holder>(StoreLock::Holder{std::move(*lock)}));
}

std::string keySlotPath(const std::string& databasePath) {
    return databasePath + ".keys";
}

Status StoreImpl::session(std::optional<privacy::Action> action, Use use) {
    if (!open) return fail(ErrorCode::InvalidArgument, "store is closed");
    if (schema < kSchemaVersion && action != privacy::Action::BackupStore)
        return fail(ErrorCode::StoreNeedsMigration,
                    "the store was opened without migrating its schema; only a backup is possible");
    // Issue 18: removing a user or changing their role takes effect at once, in every session already open
    // (other Store objects of a service included): the account is read again at every operation.
    if (schema >= 1) {
        auto q = m_db.prepare("SELECT role, active FROM users WHERE id = ?;");
        if (!q) return fail(q.error());
        q->bind(1, userId);
        auto row = q->step();
        if (!row) return fail(row.error());
        if (!*row || q->int64(1) == 0) {
            q = {};
            shutdown();
            return fail(ErrorCode::AuthenticationFailed, "the signed-in user was removed; the session has ended");
        }
        const auto current = privacy::roleFromName(q->text(0));
        if (!current) return fail(ErrorCode::StoreCorrupt, "a user has an unknown role");
        role = *current;
    }
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
    rootKey = SecretBytes{};
    indexKey = SecretBytes{};
    auditSeed = SecretBytes{};
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
    if (im.open && im.schema >= 4) {
        if (auto tx = Transaction::begin(im.m_db)) {
            if (im.audit(privacy::AuditAction::SessionLogout, std::nullopt, "session", ""))
                core::ignoreResult(tx->commit(), "signing out wipes the keys below whether or not its entry commits");
        }
        if (!im.checkpointFolder.empty())
            core::ignoreResult(m_audit.writeCheckpointFile(im.checkpointFolder),
                               "signing out goes on; the next sign-in or sign-out writes the next checkpoint");
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
    const std::string rootFile = rootKeyFileOf(path, options.rootKeyFile);
    std::error_code ec;
    if (std::filesystem::exists(rootFile, ec))
        return fail(ErrorCode::StoreExists, "a root key file already exists at that path");

    // Four independent random keys: the root key (its own file) seals the other three in the slot file.
    auto rootKey = privacy::newDatabaseKey();
    auto key = privacy::newDatabaseKey();
    auto indexKey = privacy::newDatabaseKey();
    auto auditSeed = privacy::newDatabaseKey();
    if (!rootKey) return fail(rootKey.error());
    if (!key) return fail(key.error());
    if (!indexKey) return fail(indexKey.error());
    if (!auditSeed) return fail(auditSeed.error());
    privacy::KeySlotFile file;
    file.storeId = privacy::newStoreId();
    file.training = options.training;
    if (options.testStore) file.attributes.emplace_back(detail::kTestStoreAttribute, "yes");
    if (auto s = detail::checkNewCredential(file, firstUser, password, options.kdf); !s) return s;
    auto slot = privacy::makeVerifier(firstUser, password, options.kdf);
    if (!slot) return fail(slot.error());
    file.slots.push_back(std::move(*slot));
    auto sealed = privacy::sealKey(*rootKey, *key, databaseKeyContext(file.storeId));
    auto sealedIndex = privacy::sealKey(*rootKey, *indexKey, indexKeyContext(file.storeId));
    auto sealedAudit = privacy::sealKey(*rootKey, *auditSeed, auditKeyContext(file.storeId));
    if (!sealed) return fail(sealed.error());
    if (!sealedIndex) return fail(sealedIndex.error());
    if (!sealedAudit) return fail(sealedAudit.error());
    file.databaseKey = std::move(*sealed);
    file.indexKey = std::move(*sealedIndex);
    file.auditKey = std::move(*sealedAudit);

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
        auto signer = privacy::AuditSigner::fromSeed(*auditSeed);
        if (!signer) return fail(signer.error());
        if (auto s = migrate(*db, 1, MigrationContext{*indexKey, &*signer, firstUser, now}, clock, firstUser,
                             options.firstUserRole);
            !s)
            return s;
        if (auto s = db->exec("PRAGMA wal_checkpoint(TRUNCATE);"); !s) return s;
        if (auto s = db->exec("PRAGMA journal_mode = DELETE;"); !s) return s;
    }
    auto encoded = privacy::encodeKeySlotFile(file, *rootKey);
    if (!encoded) return fail(encoded.error());
    // The root key file first, then the slot file, then the database: on failure all three go again.
    auto removeRootKeyFile = [&] {
        core::ignoreResult(Env::current().removeFile(rootFile), "best effort; the first error is the one to report");
    };
    if (auto s = detail::writeRootKeyFile(rootFile, file.storeId, *rootKey); !s) {
        removeRootKeyFile();
        return s;
    }
    if (auto s = detail::writeFileAtomically(slots, *encoded); !s) {
        // There was no slot file (checkNewStorePath): one left by a failure after the rename goes too.
        core::ignoreResult(Env::current().removeFile(slots), "best effort; the write's error is the one to report");
        removeRootKeyFile();
        return s;
    }
    if (auto s = moveNewStoreIntoPlace(building, path); !s) {
        removeRootKeyFile();
        return s;
    }
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
    detail::FileLock lock;
    if (!options.sharedLock) {
        auto acquired = detail::FileLock::acquire(path + ".lock");
        if (!acquired) return fail(acquired.error());
        lock = std::move(*acquired);
    }
    auto text = detail::readWholeFile(slotsPath, kMaxKeySlotFileBytes);
    if (!text) return fail(ErrorCode::KeySlotCorrupt, "the store's key slot file cannot be read");
    auto file = privacy::decodeKeySlotFile(*text);
    if (!file) return fail(file.error());
    const std::string rootFile = rootKeyFileOf(path, options.rootKeyFile);
    // Format 3: the root key, then the slot file's MAC under it, before any password is looked at. Formats 1
    // and 2 (not migrated yet): the store key the user's wrapped slot gives up. `fileKey` is the key the slot
    // file is authenticated and its keys sealed under.
    const bool legacy = file->version < 3;
    SecretBytes fileKey;
    if (!legacy) {
        if (options.rootKey) {
            auto given = options.rootKey->read();
            auto copy = SecretBytes::copyOf(given.bytes());
            if (!copy) return fail(copy.error());
            if (auto s = privacy::verifyKeySlotFile(*text, *copy); !s) return fail(s.error());
            fileKey = std::move(*copy);
        } else {
            auto keyFile = detail::readRootKeyFile(rootFile);
            if (!keyFile) return fail(keyFile.error());
            const bool hadNext = keyFile->next.has_value();
            auto inForce = detail::rootKeyInForce(*keyFile, file->storeId, *text);
            if (!inForce) return fail(inForce.error());
            // A rotation stopped after the slot file moved to the next root key: finish its last step. Stopped
            // before: the next key never protected anything, and goes.
            if (hadNext)
                if (auto s = detail::writeRootKeyFile(rootFile, file->storeId, inForce->key); !s)
                    return fail(s.error());
            fileKey = std::move(inForce->key);
        }
    }
    // A locked account is refused before its password is tried, so a guesser gets nothing from trying.
    if (auto s = detail::checkLockout(path, user, clock.now()); !s) return fail(s.error());
    const privacy::KeySlot* slot = privacy::findSlot(*file, user);
    if (!slot) {
        // An unknown user costs the Argon2id time of a wrong password.
        core::ignoreResult(privacy::spendPasswordHash(password, dummyCost(*file)),
                           "the refusal below is the answer whatever the dummy hash did");
        detail::recordFailedLogin(path, user, false, clock.now());
        return fail(ErrorCode::AuthenticationFailed, "user name or password is not correct");
    }
    if (legacy) {
        auto storeKey = privacy::unwrapKey(*slot, password);
        if (!storeKey) {
            if (storeKey.error().code == ErrorCode::AuthenticationFailed)
                detail::recordFailedLogin(path, user, true, clock.now());
            return fail(storeKey.error());
        }
        if (auto s = privacy::verifyKeySlotFile(*text, *storeKey); !s) return fail(s.error());
        fileKey = std::move(*storeKey);
    } else if (auto s = privacy::checkVerifier(*slot, password); !s) {
        if (s.error().code == ErrorCode::AuthenticationFailed) detail::recordFailedLogin(path, user, true, clock.now());
        return fail(s.error());
    }
    if (options.mode == OpenOptions::Mode::Production && file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a training store; it cannot be opened as production");
    if (options.mode == OpenOptions::Mode::Training && !file->training)
        return fail(ErrorCode::StoreModeMismatch, "this is a production store; it cannot be opened for training");

    auto key = databaseKeyOf(*file, fileKey);
    if (!key) return fail(key.error());
    auto db = Database::open(path, *key, Database::OpenMode::ReadWrite);
    // An interrupted rotation (see rekey()): the pending key is in force if, and only if, the database no
    // longer opens with the current one. Either way the slot file is brought back to a single key.
    if (file->pendingDatabaseKey) {
        if (!db && db.error().code == ErrorCode::StoreCorrupt) {
            auto next = privacy::openSealedKey(fileKey, *file->pendingDatabaseKey, databaseKeyContext(file->storeId));
            if (!next) return fail(next.error());
            db = Database::open(path, *next, Database::OpenMode::ReadWrite);
            if (db) {
                key = std::move(next);
                file->databaseKey = std::move(file->pendingDatabaseKey);
            }
        }
        if (db) {
            file->pendingDatabaseKey.reset();
            if (auto s = saveSlotFile(slotsPath, *file, fileKey); !s) return fail(s.error());
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
    // The blind-index key and the audit signing seed: sealed under the root key, or (formats 1 and 2) derived
    // from the store key as they always were, and carried over sealed when the slot file is migrated.
    auto indexKey = legacy ? privacy::deriveBlindIndexKey(fileKey)
                    : file->indexKey
                        ? privacy::openSealedKey(fileKey, *file->indexKey, indexKeyContext(file->storeId))
                        : Result<SecretBytes>(fail(ErrorCode::KeySlotCorrupt, "the blind-index key is missing"));
    if (!indexKey) return fail(indexKey.error());
    auto auditSeed = legacy ? privacy::AuditSigner::seedFromStoreKey(fileKey)
                     : file->auditKey
                         ? privacy::openSealedKey(fileKey, *file->auditKey, auditKeyContext(file->storeId))
                         : Result<SecretBytes>(fail(ErrorCode::KeySlotCorrupt, "the audit signing key is missing"));
    if (!auditSeed) return fail(auditSeed.error());
    auto signer = privacy::AuditSigner::fromSeed(*auditSeed);
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
    // Formats 1 and 2: the keys move under a new root key file at the first successful sign-in of a user who
    // may manage users (not when the store is opened without migrating, for a backup before an upgrade). Every
    // other user's slot then needs a new password, which only such a user can set: were an officer's sign-in
    // to migrate, the store would be left with no one able to set the administrators' passwords. Until then
    // other users sign in with their wrapped slots as before.
    std::optional<std::size_t> resetsRequired;
    const bool managesUsers =
        privacy::decide(impl->pack(), impl->role, privacy::Action::ManageUsers, {file->training, false}).allowed;
    if (legacy && options.migrate && schema >= kSchemaVersion && managesUsers) {
        auto migrated =
            detail::migrateKeySlots(*file, user, password, *key, *indexKey, *auditSeed, slotsPath, rootFile);
        if (!migrated) return fail(migrated.error());
        resetsRequired = migrated->resetsRequired;
        fileKey = std::move(migrated->rootKey);
    }
    impl->lock = std::move(lock);
    impl->connect(std::move(*db));
    impl->key = std::move(*key);
    impl->rootKey = std::move(fileKey);
    impl->rootKeyFile = rootFile;
    impl->checkpointFolder = options.checkpointFolder;
    impl->indexKey = std::move(*indexKey);
    impl->auditSeed = std::move(*auditSeed);
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
        if (resetsRequired)
            if (auto s = impl->audit(privacy::AuditAction::StoreKeysMigrate, std::nullopt, "administration",
                                     "key slots format 3 under a new root key file; " +
                                         std::to_string(*resetsRequired) + " users need a new password");
                !s)
                return fail(s.error());
        std::string detail = schema >= 4 ? "policy " + impl->pack().name() + " " + impl->pack().version() : "";
        if (!options.origin.empty()) detail += (detail.empty() ? "from " : "; from ") + options.origin;
        if (auto s = impl->audit(privacy::AuditAction::SessionLogin, std::nullopt, "session", std::move(detail)); !s)
            return fail(s.error());
        if (auto s = tx->commit(); !s) return fail(s.error());
    }
    Store store(std::move(impl));
    auto& im = *store.m_impl;
    if (schema >= 4) {
        detail::clearLoginFailures(path, user, im.pack().sessions());
        // The witness first: a checkpoint of the trail as it stands, before the purge erases anything. Without
        // it the purge waits for the next sign-in (its error is what purgeAtOpen() says).
        Status witnessed{};
        if (!options.checkpointFolder.empty()) witnessed = store.audit().writeCheckpointFile(options.checkpointFolder);
        // Retention at start: expired records go before anyone works with the store.
        if (!witnessed) {
            im.purgeAtOpen = witnessed;
        } else if (im.pack().purgeOnOpen()) {
            auto purged = detail::purgeExpired(im, false, true);
            if (!purged) im.purgeAtOpen = core::fail(purged.error());
        }
    }
    return store;
}

} // namespace secondline::storage
