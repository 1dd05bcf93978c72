#pragma once
// The store's file-system seam (after LevelDB's Env). Every file operation the store makes itself goes
// through the Env in force: creating and writing files (slot files, backups, the sign-in file, the files a
// store is built or restored in), fsyncing them and their folder, renaming, removing and reading them. The
// database file itself is written by SQLite; with an Env that asks for it (routesDatabaseIo()), SQLite's
// writes, truncations and syncs go through a VFS shim that asks the Env first, so a test can fail either
// side of a "slot file, then database commit" step.
//
// The product never replaces the Env: Env::posix() is in force unless a test installs another with
// ScopedEnvForTesting, and the layering check refuses this header anywhere but storage/ and the tests. The
// POSIX Env is the only one that touches the disk; the fault-injecting one wraps another Env and can only
// make operations fail, never succeed where they would not.
//
// Example (a test):
//
//   storage::FaultInjectionEnv faults;                  // counts, fails nothing yet
//   storage::ScopedEnvForTesting use(faults);           // every store operation in the process now uses it
//   auto store = Store::open(path, "admin", pw, {}, clock);
//   faults.reset({.op = FaultInjectionEnv::Op::Rename, .nth = 1, .error = ENOSPC});
//   EXPECT_ERROR_CODE(store->addUser(...), ErrorCode::DiskFull);

#include <secondline/core/result.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace secondline::storage {

/// A file open for writing, from Env::newFile() or Env::newTempFile(). Destruction closes it without
/// syncing. Not thread-safe.
class WritableFile {
public:
    virtual ~WritableFile() = default;
    /// Appends all of `data`. Errors: DiskFull, Io.
    [[nodiscard]] virtual core::Status append(std::string_view data) = 0;
    /// Flushes the file's content to stable storage (fsync). Errors: DiskFull, Io.
    [[nodiscard]] virtual core::Status sync() = 0;
};

/// What SQLite is about to do to a database, journal or WAL file (see Env::beforeDatabaseIo()).
enum class DatabaseIo { Write, Truncate, Sync };

/// File operations of the store. Implementations must be thread-safe: a store may be used from several
/// threads, and several stores may be open.
class Env {
public:
    virtual ~Env() = default;

    /// Creates `path`, which must not exist (never following a link), mode 0600, and opens it for writing.
    /// Errors: StoreExists (the file exists), DiskFull, ReadOnly, FileNotFound (no such folder), Io.
    [[nodiscard]] virtual core::Result<std::unique_ptr<WritableFile>> newFile(const std::string& path) = 0;
    /// Creates a new file named `prefix` followed by six unique characters (mkstemp), mode 0600, opens it
    /// for writing and sets `created` to its name. Errors as newFile().
    [[nodiscard]] virtual core::Result<std::unique_ptr<WritableFile>> newTempFile(const std::string& prefix,
                                                                                  std::string& created) = 0;
    /// Renames `from` to `to` atomically, replacing `to` if it exists. Errors: FileNotFound, ReadOnly,
    /// DiskFull, Io.
    [[nodiscard]] virtual core::Status renameFile(const std::string& from, const std::string& to) = 0;
    /// Removes a file; one that does not exist is not an error. Errors: ReadOnly, Io.
    [[nodiscard]] virtual core::Status removeFile(const std::string& path) = 0;
    /// Flushes a folder's entries (renames and creations in it) to stable storage. Errors: Io.
    [[nodiscard]] virtual core::Status syncFolder(const std::string& folder) = 0;
    /// Reads a whole file (not following a link). Errors: FileNotFound, Io (also when it is larger than
    /// `maxBytes`).
    [[nodiscard]] virtual core::Result<std::string> readWholeFile(const std::string& path, std::size_t maxBytes) = 0;
    /// Calls `observe` on successive chunks of the `length` bytes of `path` from `offset` (not following a
    /// link). Errors: FileNotFound, Io (also when the file is shorter).
    [[nodiscard]] virtual core::Status readFileChunks(const std::string& path, std::uint64_t offset,
                                                      std::uint64_t length,
                                                      const std::function<void(std::string_view)>& observe) = 0;

    /// Whether databases opened while this Env is in force route SQLite's writes, truncations and syncs
    /// through beforeDatabaseIo() (a VFS shim over SQLite's "unix" VFS). Default: false.
    [[nodiscard]] virtual bool routesDatabaseIo() const { return false; }
    /// Asked before each routed SQLite write, truncation or sync: 0 lets it happen; an errno fails it
    /// (ENOSPC, EFBIG, EDQUOT as SQLITE_FULL, anything else as SQLite's I/O error for that operation).
    /// Default: 0.
    [[nodiscard]] virtual int beforeDatabaseIo(DatabaseIo op) {
        (void)op; // the default lets every operation through
        return 0;
    }

    /// The real one: POSIX calls, as the product uses. Lives for the whole process.
    [[nodiscard]] static Env& posix();
    /// The Env in force: posix() unless a ScopedEnvForTesting is alive.
    [[nodiscard]] static Env& current();
};

/// Tests only. Puts `env` in force for every store operation in the process for this object's lifetime,
/// then puts back the one before. Install it before opening a store and end it after the store is closed;
/// not for use while another thread runs store operations. `env` must outlive this object.
class ScopedEnvForTesting {
public:
    explicit ScopedEnvForTesting(Env& env);
    ScopedEnvForTesting(const ScopedEnvForTesting&) = delete;
    ScopedEnvForTesting& operator=(const ScopedEnvForTesting&) = delete;
    ~ScopedEnvForTesting();

private:
    Env* m_previous;
};

/// Tests only. Forwards to another Env, counts operations by kind and fails the Nth of one kind, as a full
/// disk or a failing one would. Database operations are counted (and routed) too. Thread-safe.
class FaultInjectionEnv final : public Env {
public:
    /// Kinds of operations counted. Write: each append and each file creation; Sync: file and folder
    /// fsyncs; Rename; Remove; DatabaseWrite: SQLite's writes and truncations; DatabaseSync: SQLite's syncs.
    /// Reads are forwarded but not counted.
    enum class Op { Write, Sync, Rename, Remove, DatabaseWrite, DatabaseSync };
    static constexpr std::size_t kOpCount = 6;

    struct Fault {
        Op op = Op::Write;
        std::uint64_t nth = 1; ///< the ordinal (from 1, counted from the last reset()) of the operation to fail
        int error = EIO;       ///< errno it fails with: EIO as Io, ENOSPC as DiskFull
        bool sticky = false;   ///< fail every operation of that kind from the Nth on (a disk that stays full)
    };

    /// Forwards to `base` (default: the POSIX Env).
    explicit FaultInjectionEnv(Env& base = Env::posix());

    /// Zeroes the counts and sets the fault to inject (none: only count).
    void reset(std::optional<Fault> fault = std::nullopt);
    /// Operations of kind `op` since the last reset().
    [[nodiscard]] std::uint64_t count(Op op) const;
    /// How many operations were failed since the last reset().
    [[nodiscard]] std::uint64_t injected() const;

    [[nodiscard]] core::Result<std::unique_ptr<WritableFile>> newFile(const std::string& path) override;
    [[nodiscard]] core::Result<std::unique_ptr<WritableFile>> newTempFile(const std::string& prefix,
                                                                          std::string& created) override;
    [[nodiscard]] core::Status renameFile(const std::string& from, const std::string& to) override;
    [[nodiscard]] core::Status removeFile(const std::string& path) override;
    [[nodiscard]] core::Status syncFolder(const std::string& folder) override;
    [[nodiscard]] core::Result<std::string> readWholeFile(const std::string& path, std::size_t maxBytes) override;
    [[nodiscard]] core::Status readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                              const std::function<void(std::string_view)>& observe) override;
    [[nodiscard]] bool routesDatabaseIo() const override { return true; }
    [[nodiscard]] int beforeDatabaseIo(DatabaseIo op) override;

    /// Counts one operation of kind `op`: 0 to let it happen, or the errno to fail it with. For the files
    /// this Env opens; tests need not call it.
    [[nodiscard]] int tick(Op op);

private:
    Env& m_base;
    mutable std::mutex m_mutex;
    std::array<std::uint64_t, kOpCount> m_counts{};
    std::uint64_t m_injected = 0;
    std::optional<Fault> m_fault;
};

} // namespace secondline::storage
