#pragma once
// A thin RAII layer over SQLCipher. Private to storage; sqlite.cpp is the one file that includes the
// SQLCipher header.

#include <secondline/core/ids.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace secondline::storage::detail {

/// Maps an SQLite result code to an Error with a stable code. `what` says what was being done.
[[nodiscard]] core::Error sqliteError(int rc, std::string_view what);

/// Whether T is a strong id (core/ids.h): bound as its integer, read back with Statement::id<T>().
template <class T>
inline constexpr bool kIsStrongId = false;
template <class Tag>
inline constexpr bool kIsStrongId<core::StrongId<Tag>> = true;

class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bindNull(int index);
    Statement& bindBlob(int index, std::span<const std::uint8_t> bytes);
    /// Binds without copying (so no copy of a key is left in SQLite's heap); `text` must stay alive until
    /// the statement is reset or destroyed.
    Statement& bindSecret(int index, std::string_view text);
    Statement& bind(int index, const std::optional<std::int64_t>& value);
    Statement& bindOptional(int index, const std::optional<std::string>& value);
    /// Binds a strong id (core/ids.h) as its integer.
    template <class Tag>
    Statement& bind(int index, core::StrongId<Tag> id) {
        return bind(index, id.value());
    }

    /// Steps once: true when a row is ready, false when done. Errors map through sqliteError(); a bind that
    /// failed since the last reset (an index out of range, a value too big) is reported here, and nothing runs.
    [[nodiscard]] core::Result<bool> step();
    /// Steps to the end (for statements without rows).
    [[nodiscard]] core::Status run();
    /// Resets for another run with new bindings.
    void reset();

    [[nodiscard]] std::int64_t int64(int column) const;
    /// The integer in `column` as a strong id, e.g. `q->id<core::RecordId>(0)`.
    template <class Id>
    requires kIsStrongId<Id>
    [[nodiscard]] Id id(int column) const { return Id{int64(column)}; }
    [[nodiscard]] std::string text(int column) const;
    /// The text without a copy: valid until the next step, reset or column call on this row.
    [[nodiscard]] std::string_view textView(int column) const;
    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] int columnCount() const;
    [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;

private:
    void noteBind(int rc, int index);

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    int m_bindError = 0; ///< the first bind's SQLite error (SQLITE_OK = 0: none); step() reports it
    int m_bindIndex = 0;
};

namespace bound {
template <class T>
void bindValue(Statement& q, int index, const T& value) {
    if constexpr (std::is_same_v<T, std::nullopt_t>)
        q.bindNull(index);
    else if constexpr (std::is_same_v<T, bool>)
        q.bind(index, std::int64_t{value ? 1 : 0});
    else if constexpr (std::is_integral_v<T>)
        q.bind(index, static_cast<std::int64_t>(value));
    else if constexpr (kIsStrongId<T>)
        q.bind(index, value);
    else if constexpr (std::is_convertible_v<const T&, std::string_view>)
        q.bind(index, std::string_view(value));
    else if constexpr (std::is_convertible_v<const T&, std::span<const std::uint8_t>>)
        q.bindBlob(index, std::span<const std::uint8_t>(value));
    else {
        // an optional of one of the above
        if (value)
            bindValue(q, index, *value);
        else
            q.bindNull(index);
    }
}
} // namespace bound

class Database {
public:
    enum class OpenMode { ReadWrite, Create };

    /// Opens (or creates) the file and applies the raw 256-bit key, then checks the key reads the file.
    /// Errors: StoreNotFound, StoreCorrupt (key does not decrypt it), ReadOnly, Io, Database.
    [[nodiscard]] static core::Result<Database> open(const std::string& path, const core::SecretBytes& key,
                                                     OpenMode mode);

    /// An empty, unencrypted database in memory (the schema check replays the schema in one).
    [[nodiscard]] static core::Result<Database> openInMemory();

    Database() = default;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    [[nodiscard]] core::Result<Statement> prepare(std::string_view sql);
    [[nodiscard]] core::Status exec(std::string_view sql);

    /// Prepares `sql` and binds `args` to its parameters in order (integers, bools and strong ids as integers,
    /// text, byte spans as blobs, std::nullopt or an empty optional as NULL). A failed bind is reported by the
    /// first step(), so one `if (!q)` and the step's check cover every failure.
    template <class... Args>
    [[nodiscard]] core::Result<Statement> query(std::string_view sql, const Args&... args) {
        auto q = prepare(sql);
        if (q) {
            int index = 0;
            (bindValue(*q, ++index, args), ...);
        }
        return q;
    }
    /// query() for a statement without rows, run to its end.
    template <class... Args>
    [[nodiscard]] core::Status run(std::string_view sql, const Args&... args) {
        auto q = query(sql, args...);
        if (!q) return core::fail(q.error());
        return q->run();
    }
    [[nodiscard]] std::int64_t lastInsertId() const;
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    [[nodiscard]] std::int64_t changes() const;

    /// Writes a consistent copy of the whole database to a new file at `path`, encrypted under `key`
    /// (sqlcipher_export into an attached database). Errors: DiskFull, Io, ReadOnly, Database.
    [[nodiscard]] core::Status exportTo(const std::string& path, const core::SecretBytes& key);

    void close();

private:
    template <class T>
    static void bindValue(Statement& q, int index, const T& value) {
        bound::bindValue(q, index, value);
    }
    explicit Database(sqlite3* db) : m_db(db) {}
    sqlite3* m_db = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolls back on destruction unless committed.
class Transaction {
public:
    [[nodiscard]] static core::Result<Transaction> begin(Database& db);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    [[nodiscard]] core::Status commit();

private:
    explicit Transaction(Database& db) : m_db(&db) {}
    Database* m_db = nullptr;
    bool m_done = false;
};

} // namespace secondline::storage::detail
