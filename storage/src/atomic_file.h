#pragma once
// Whole-file reads and atomic replacement (write to a temporary file in the same folder, fsync, rename,
// fsync the folder), through the Env in force (secondline/storage/env.h). Private to storage.

#include <secondline/core/result.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace secondline::storage::detail {

/// An errno as an Error: ENOSPC, EFBIG, EDQUOT as DiskFull; EROFS, EACCES, EPERM as ReadOnly; ENOENT as
/// FileNotFound; anything else as Io. `what` says what was being done.
[[nodiscard]] core::Error errnoError(int err, const std::string& what);

/// An exclusive advisory lock (flock) on a lock file, held for the object's lifetime.
class FileLock {
public:
    /// Errors: StoreBusy when another process (or another open in this one) holds it; Io, ReadOnly.
    [[nodiscard]] static core::Result<FileLock> acquire(const std::string& lockPath);
    FileLock() = default;
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

[[nodiscard]] core::Result<std::string> readWholeFile(const std::string& path, std::size_t maxBytes);
/// Replaces `path` with `content` atomically and durably (a temporary file beside it, fsync, rename, fsync of
/// the folder). On failure before the rename nothing is left behind and `path` is untouched; a failure to
/// sync the folder after the rename is reported (Io) with `path` already replaced. Errors: DiskFull,
/// ReadOnly, FileNotFound, Io.
[[nodiscard]] core::Status writeFileAtomically(const std::string& path, const std::string& content);

/// Creates a new empty file, mode 0600, refusing to follow a link. Errors: StoreExists (the file exists),
/// DiskFull, ReadOnly, FileNotFound (no such folder), Io.
[[nodiscard]] core::Status createEmptyPrivateFile(const std::string& path);

/// Calls `observe` on successive chunks of `length` bytes of `path` from `offset`. Errors: Io (also when the
/// file is shorter), FileNotFound.
[[nodiscard]] core::Status readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                          const std::function<void(std::string_view)>& observe);

/// As writeFileAtomically, with content `head` followed by `length` bytes of `source` from `offset`, passing
/// the copied bytes to `observe` (which may be empty). The target is created mode 0600.
[[nodiscard]] core::Status writeFileAtomicallyFrom(const std::string& path, const std::string& head,
                                                   const std::string& source, std::uint64_t offset,
                                                   std::uint64_t length,
                                                   const std::function<void(std::string_view)>& observe);

} // namespace secondline::storage::detail
