#include "sqlite.h"

#include "atomic_file.h"

#include <secondline/storage/env.h>

#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>

namespace secondline::storage::detail {

using core::ErrorCode;
using core::fail;

namespace {
/// An I/O error whose OS cause is a full disk or a file size limit is a full disk to the caller.
core::Error withOsCause(int rc, std::string_view what, sqlite3* db) {
    if (db != nullptr && (rc & 0xff) == SQLITE_IOERR) {
        const int err = sqlite3_system_errno(db);
        if (err == ENOSPC || err == EFBIG || err == EDQUOT)
            return {core::ErrorCode::DiskFull, std::string(what) + ": no space left (or file size limit reached)"};
    }
    return sqliteError(rc, what);
}
} // namespace

core::Error sqliteError(int rc, std::string_view what) {
    const int primary = rc & 0xff;
    std::string message = std::string(what) + ": " + sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_FULL: return {ErrorCode::DiskFull, std::move(message)};
    case SQLITE_READONLY: return {ErrorCode::ReadOnly, std::move(message)};
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return {ErrorCode::StoreBusy, std::move(message)};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return {ErrorCode::StoreCorrupt, std::move(message)};
    case SQLITE_CANTOPEN: return {ErrorCode::Io, std::move(message)};
    case SQLITE_IOERR: return {ErrorCode::Io, std::move(message)};
    case SQLITE_PERM: return {ErrorCode::ReadOnly, std::move(message)};
    default: return {ErrorCode::Database, std::move(message)};
    }
}

// ----- Statement -----

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_bindError(std::exchange(other.m_bindError, SQLITE_OK)), m_bindIndex(other.m_bindIndex) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (m_stmt) sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_bindError = std::exchange(other.m_bindError, SQLITE_OK);
        m_bindIndex = other.m_bindIndex;
    }
    return *this;
}

Statement::~Statement() {
    if (m_stmt) sqlite3_finalize(m_stmt);
}

void Statement::noteBind(int rc, int index) {
    // The first failure is kept: step() reports it instead of running with a parameter left NULL.
    if (rc != SQLITE_OK && m_bindError == SQLITE_OK) {
        m_bindError = rc;
        m_bindIndex = index;
    }
}

Statement& Statement::bind(int index, std::int64_t value) {
    noteBind(sqlite3_bind_int64(m_stmt, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    // A default string_view has no data pointer, which SQLite would bind as NULL: bind "" instead.
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        noteBind(SQLITE_TOOBIG, index);
        return *this;
    }
    noteBind(sqlite3_bind_text(m_stmt, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                               SQLITE_TRANSIENT),
             index);
    return *this;
}

Statement& Statement::bindSecret(int index, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        noteBind(SQLITE_TOOBIG, index);
        return *this;
    }
    noteBind(sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC), index);
    return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> bytes) {
    noteBind(sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
    return *this;
}

std::vector<std::uint8_t> Statement::blob(int column) const {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>{};
}

Statement& Statement::bindNull(int index) {
    noteBind(sqlite3_bind_null(m_stmt, index), index);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindOptional(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bindNull(index);
}

core::Result<bool> Statement::step() {
    if (m_bindError != SQLITE_OK)
        return fail(sqliteError(m_bindError, "binding statement parameter " + std::to_string(m_bindIndex)));
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return fail(withOsCause(rc, "database statement failed", m_db));
}

core::Status Statement::run() {
    for (;;) {
        auto more = step();
        if (!more) return fail(more.error());
        if (!*more) return {};
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bindError = SQLITE_OK;
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

std::string_view Statement::textView(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string_view{};
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string{};
}

int Statement::columnCount() const {
    return sqlite3_column_count(m_stmt);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

// ----- Database -----

Database::Database(Database&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

Database::~Database() {
    close();
}

void Database::close() {
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

namespace {

/// A raw key as SQLCipher takes it: the 256-bit key used as is (no PBKDF2), written as the blob literal
/// x'..' and NUL-terminated. Assembled in guarded memory; SQLCipher keeps its own copy in memory it wipes.
core::Result<core::SecretBytes> rawKeyLiteral(const core::SecretBytes& key) {
    if (key.size() != 32) return fail(ErrorCode::InvalidArgument, "database keys are 256-bit");
    auto literal = core::SecretBytes::allocate(3 + 64 + 1);
    if (!literal) return fail(literal.error());
    auto out = literal->write();
    auto k = key.read();
    static constexpr char kHex[] = "0123456789abcdef";
    auto* p = out.bytes().data();
    *p++ = 'x';
    *p++ = '\'';
    for (std::uint8_t b : k.bytes()) {
        *p++ = static_cast<std::uint8_t>(kHex[b >> 4]);
        *p++ = static_cast<std::uint8_t>(kHex[b & 0xf]);
    }
    *p++ = '\'';
    *p = 0;
    return literal;
}

} // namespace

/// The fault-injecting VFS's name when the Env in force routes database I/O, else nullptr (the default
/// VFS). Defined at the end of this file.
const char* databaseVfsName();

core::Result<Database> Database::open(const std::string& path, const core::SecretBytes& key, OpenMode mode) {
    if (key.size() != 32) return fail(ErrorCode::InvalidArgument, "database key must be 32 bytes");
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW |
                      (mode == OpenMode::Create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, databaseVfsName());
    Database db(raw);
    if (rc != SQLITE_OK) return fail(sqliteError(rc, "cannot open the store database"));

#ifndef SECONDLINE_UNENCRYPTED_BENCHMARK_ONLY
    auto literal = rawKeyLiteral(key);
    if (!literal) return fail(literal.error());
    {
        auto lit = literal->read();
        rc = sqlite3_key_v2(db.m_db, "main", lit.bytes().data(), static_cast<int>(lit.bytes().size() - 1));
    }
    if (rc != SQLITE_OK) return fail(sqliteError(rc, "cannot key the store database"));
#else
    // Benchmark-only build (storage/CMakeLists.txt): the same store on plain SQLite, to measure what page
    // encryption costs. Never part of the product.
    (void)key;
#endif

    // SQLCipher 4 defaults (AES-256-CBC, HMAC-SHA512 per page, 4096-byte pages) are kept and pinned by a
    // test. cipher_memory_security (locking and wiping every SQLite allocation) stays off, as in SQLCipher's
    // own default since 4.5: on, it cut batch ingest from 10,400 to 1,200 records/s and pushed lookups past
    // 1.6 ms p99. Key material is still wiped (SQLCipher always wipes its key; ours lives in guarded
    // libsodium memory) and the process is non-dumpable; see README "Security notes".
    if (auto s = db.exec("PRAGMA cipher_memory_security = OFF;"); !s) return fail(s.error());
    // The key is checked by reading the schema: a wrong key or a damaged header fails here.
    rc = sqlite3_exec(db.m_db, "SELECT count(*) FROM sqlite_master;", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_NOTADB)
            return fail(ErrorCode::StoreCorrupt,
                        "the store database cannot be decrypted with its key (damaged or replaced)");
        return fail(sqliteError(rc, "cannot read the store database"));
    }
    for (const char* pragma :
         {"PRAGMA foreign_keys = ON;", "PRAGMA secure_delete = ON;", "PRAGMA temp_store = MEMORY;",
          "PRAGMA journal_mode = WAL;", "PRAGMA synchronous = FULL;", "PRAGMA busy_timeout = 5000;"}) {
        if (auto s = db.exec(pragma); !s) return fail(s.error());
    }
    return db;
}

core::Result<Database> Database::openInMemory() {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr);
    Database db(raw);
    if (rc != SQLITE_OK) return fail(sqliteError(rc, "cannot open an in-memory database"));
    return db;
}

core::Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return fail(sqliteError(rc, "cannot prepare a database statement"));
    return Statement(m_db, stmt);
}

core::Status Database::exec(std::string_view sql) {
    const std::string s(sql);
    const int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(withOsCause(rc, "database command failed", m_db));
    return {};
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(m_db);
}

std::int64_t Database::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_db);
}

core::Status Database::exportTo(const std::string& path, const core::SecretBytes& key) {
    auto literal = rawKeyLiteral(key);
    if (!literal) return fail(literal.error());
    // ATTACH opens with the main connection's flags, which do not include CREATE: the new file is made
    // here, empty (an empty file is an empty database) and private to the user.
    if (auto s = createEmptyPrivateFile(path); !s) return s;
    {
        auto attach = prepare("ATTACH DATABASE ? AS export KEY ?;");
        if (!attach) return fail(attach.error());
        auto lit = literal->read();
        attach->bind(1, path);
        attach->bindSecret(2,
                           std::string_view(reinterpret_cast<const char*>(lit.bytes().data()), lit.bytes().size() - 1));
        if (auto s = attach->run(); !s) return s;
    }
    auto exported = exec("SELECT sqlcipher_export('export');");
    auto detached = exec("DETACH DATABASE export;");
    if (!exported) return exported;
    return detached;
}

// ----- Transaction -----

core::Result<Transaction> Transaction::begin(Database& db) {
    if (auto s = db.exec("BEGIN IMMEDIATE;"); !s) return fail(s.error());
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_done(std::exchange(other.m_done, true)) {}

Transaction::~Transaction() {
    if (m_db && !m_done)
        core::ignoreResult(m_db->exec("ROLLBACK;"),
                           "a failed rollback leaves the transaction to SQLite, which rolls it back on close");
}

core::Status Transaction::commit() {
    auto s = m_db->exec("COMMIT;");
    if (!s) return s;
    m_done = true;
    return {};
}

// ----- The routing VFS (tests: see Env::routesDatabaseIo()) -----

namespace {

// SQLite's "unix" VFS with every write, truncation and sync asked of the Env in force first. Pages reach
// it already encrypted (SQLCipher works above the VFS), so it sees what the disk would.
struct RoutedFile {
    sqlite3_file base;  // pMethods: kRoutedMethods
    sqlite3_file* real; // the unix VFS's file, allocated right after this struct
};

sqlite3_vfs* unixVfs() {
    static sqlite3_vfs* const vfs = sqlite3_vfs_find("unix");
    return vfs;
}

sqlite3_file* realOf(sqlite3_file* file) {
    return reinterpret_cast<RoutedFile*>(file)->real;
}

/// SQLITE_OK, or the failure the Env asks for: a full disk as SQLITE_FULL, anything else as `ioError`.
int routed(DatabaseIo op, int ioError) {
    const int err = Env::current().beforeDatabaseIo(op);
    if (err == 0) return SQLITE_OK;
    return err == ENOSPC || err == EFBIG || err == EDQUOT ? SQLITE_FULL : ioError;
}

int routedClose(sqlite3_file* file) {
    sqlite3_file* real = realOf(file);
    return real->pMethods ? real->pMethods->xClose(real) : SQLITE_OK;
}
int routedRead(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xRead(real, buf, amount, offset);
}
int routedWrite(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
    if (const int rc = routed(DatabaseIo::Write, SQLITE_IOERR_WRITE)) return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xWrite(real, buf, amount, offset);
}
int routedTruncate(sqlite3_file* file, sqlite3_int64 size) {
    if (const int rc = routed(DatabaseIo::Truncate, SQLITE_IOERR_TRUNCATE)) return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xTruncate(real, size);
}
int routedSync(sqlite3_file* file, int flags) {
    if (const int rc = routed(DatabaseIo::Sync, SQLITE_IOERR_FSYNC)) return rc;
    sqlite3_file* real = realOf(file);
    return real->pMethods->xSync(real, flags);
}
int routedFileSize(sqlite3_file* file, sqlite3_int64* size) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xFileSize(real, size);
}
int routedLock(sqlite3_file* file, int level) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xLock(real, level);
}
int routedUnlock(sqlite3_file* file, int level) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xUnlock(real, level);
}
int routedCheckReservedLock(sqlite3_file* file, int* out) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xCheckReservedLock(real, out);
}
int routedFileControl(sqlite3_file* file, int op, void* arg) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xFileControl(real, op, arg);
}
int routedSectorSize(sqlite3_file* file) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xSectorSize(real);
}
int routedDeviceCharacteristics(sqlite3_file* file) {
    sqlite3_file* real = realOf(file);
    return real->pMethods->xDeviceCharacteristics(real);
}
int routedShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMMAP;
    return real->pMethods->xShmMap(real, region, size, extend, out);
}
int routedShmLock(sqlite3_file* file, int offset, int n, int flags) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 2) return SQLITE_IOERR_SHMLOCK;
    return real->pMethods->xShmLock(real, offset, n, flags);
}
void routedShmBarrier(sqlite3_file* file) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion >= 2) real->pMethods->xShmBarrier(real);
}
int routedShmUnmap(sqlite3_file* file, int deleteFlag) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 2) return SQLITE_OK;
    return real->pMethods->xShmUnmap(real, deleteFlag);
}
int routedFetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 3) {
        *out = nullptr;
        return SQLITE_OK;
    }
    return real->pMethods->xFetch(real, offset, amount, out);
}
int routedUnfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    sqlite3_file* real = realOf(file);
    if (real->pMethods->iVersion < 3) return SQLITE_OK;
    return real->pMethods->xUnfetch(real, offset, page);
}

const sqlite3_io_methods kRoutedMethods = {
    3,
    routedClose,
    routedRead,
    routedWrite,
    routedTruncate,
    routedSync,
    routedFileSize,
    routedLock,
    routedUnlock,
    routedCheckReservedLock,
    routedFileControl,
    routedSectorSize,
    routedDeviceCharacteristics,
    routedShmMap,
    routedShmLock,
    routedShmBarrier,
    routedShmUnmap,
    routedFetch,
    routedUnfetch,
};

int routedOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* outFlags) {
    auto* routedFile = reinterpret_cast<RoutedFile*>(file);
    routedFile->base.pMethods = nullptr;
    routedFile->real = reinterpret_cast<sqlite3_file*>(routedFile + 1);
    routedFile->real->pMethods = nullptr;
    const int rc = unixVfs()->xOpen(unixVfs(), name, routedFile->real, flags, outFlags);
    // SQLite calls xClose whenever pMethods is set, also after a failed open: mirror the real file's.
    if (routedFile->real->pMethods) routedFile->base.pMethods = &kRoutedMethods;
    return rc;
}
int routedDelete(sqlite3_vfs*, const char* name, int syncDir) {
    return unixVfs()->xDelete(unixVfs(), name, syncDir);
}
int routedAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    return unixVfs()->xAccess(unixVfs(), name, flags, out);
}
int routedFullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return unixVfs()->xFullPathname(unixVfs(), name, size, out);
}
void* routedDlOpen(sqlite3_vfs*, const char* name) {
    return unixVfs()->xDlOpen(unixVfs(), name);
}
void routedDlError(sqlite3_vfs*, int size, char* out) {
    unixVfs()->xDlError(unixVfs(), size, out);
}
void (*routedDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return unixVfs()->xDlSym(unixVfs(), handle, symbol);
}
void routedDlClose(sqlite3_vfs*, void* handle) {
    unixVfs()->xDlClose(unixVfs(), handle);
}
int routedRandomness(sqlite3_vfs*, int size, char* out) {
    return unixVfs()->xRandomness(unixVfs(), size, out);
}
int routedSleep(sqlite3_vfs*, int microseconds) {
    return unixVfs()->xSleep(unixVfs(), microseconds);
}
int routedCurrentTime(sqlite3_vfs*, double* out) {
    return unixVfs()->xCurrentTime(unixVfs(), out);
}
int routedGetLastError(sqlite3_vfs*, int size, char* out) {
    return unixVfs()->xGetLastError(unixVfs(), size, out);
}
int routedCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
    return unixVfs()->xCurrentTimeInt64(unixVfs(), out);
}

constexpr const char* kRoutedVfsName = "secondline-routed";

/// Registers the routing VFS once (not as the default). False when the unix VFS is missing.
bool registerRoutedVfs() {
    static const bool registered = [] {
        sqlite3_vfs* base = unixVfs();
        if (base == nullptr) return false;
        static sqlite3_vfs vfs{};
        vfs.iVersion = 2;
        vfs.szOsFile = static_cast<int>(sizeof(RoutedFile)) + base->szOsFile;
        vfs.mxPathname = base->mxPathname;
        vfs.zName = kRoutedVfsName;
        vfs.xOpen = routedOpen;
        vfs.xDelete = routedDelete;
        vfs.xAccess = routedAccess;
        vfs.xFullPathname = routedFullPathname;
        vfs.xDlOpen = routedDlOpen;
        vfs.xDlError = routedDlError;
        vfs.xDlSym = routedDlSym;
        vfs.xDlClose = routedDlClose;
        vfs.xRandomness = routedRandomness;
        vfs.xSleep = routedSleep;
        vfs.xCurrentTime = routedCurrentTime;
        vfs.xGetLastError = routedGetLastError;
        vfs.xCurrentTimeInt64 = routedCurrentTimeInt64;
        return sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
    }();
    return registered;
}

} // namespace

const char* databaseVfsName() {
    if (!Env::current().routesDatabaseIo()) return nullptr;
    return registerRoutedVfs() ? kRoutedVfsName : nullptr;
}

} // namespace secondline::storage::detail
