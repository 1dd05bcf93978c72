#include "atomic_file.h"

#include <secondline/storage/env.h>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <algorithm>
#include <filesystem>
#include <vector>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace secondline::storage::detail {

using core::ErrorCode;
using core::fail;

core::Error errnoError(int err, const std::string& what) {
    switch (err) {
    case ENOSPC:
    case EFBIG:
    case EDQUOT: return {ErrorCode::DiskFull, what + ": no space left"};
    case EROFS:
    case EACCES:
    case EPERM: return {ErrorCode::ReadOnly, what + ": not writable"};
    case ENOENT: return {ErrorCode::FileNotFound, what + ": does not exist"};
    default: return {ErrorCode::Io, what + ": I/O error"};
    }
}

core::Result<FileLock> FileLock::acquire(const std::string& lockPath) {
    const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
    if (fd < 0) return fail(errnoError(errno, "cannot open the store's lock file"));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK) return fail(ErrorCode::StoreBusy, "the store is open in another SecondLine process");
        return fail(errnoError(err, "cannot lock the store"));
    }
    return FileLock(fd);
}

FileLock::FileLock(FileLock&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    if (m_fd >= 0) ::close(m_fd); // closing releases the flock
}

core::Result<std::string> readWholeFile(const std::string& path, std::size_t maxBytes) {
    return Env::current().readWholeFile(path, maxBytes);
}

core::Status createEmptyPrivateFile(const std::string& path) {
    auto file = Env::current().newFile(path);
    if (!file) return fail(file.error());
    return {};
}

core::Status readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                            const std::function<void(std::string_view)>& observe) {
    return Env::current().readFileChunks(path, offset, length, observe);
}

namespace {

/// Writes a temporary file beside `path` through `fill`, fsyncs it, renames it over `path` and fsyncs the
/// folder. Nothing is left behind on a failure before the rename.
core::Status replaceAtomically(const std::string& path, const std::function<core::Status(WritableFile&)>& fill) {
    Env& env = Env::current();
    const std::filesystem::path target(path);
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
    const std::string prefix = (std::filesystem::path(dir) / (target.filename().string() + ".tmp-")).string();
    std::string tmp;
    auto file = env.newTempFile(prefix, tmp);
    if (!file) return fail(file.error());
    auto written = fill(**file);
    if (written) written = (*file)->sync();
    file->reset(); // closes it
    if (written) written = env.renameFile(tmp, path);
    if (!written) {
        // The first error is the one to report; a temporary file that cannot be removed either is left
        // beside the target, where nothing reads it.
        core::ignoreResult(env.removeFile(tmp), "best effort: the write's own error is the one reported");
        return written;
    }
    return env.syncFolder(dir);
}

} // namespace

core::Status writeFileAtomically(const std::string& path, const std::string& content) {
    return replaceAtomically(path, [&](WritableFile& file) { return file.append(content); });
}

core::Status writeFileAtomicallyFrom(const std::string& path, const std::string& head, const std::string& source,
                                     std::uint64_t offset, std::uint64_t length,
                                     const std::function<void(std::string_view)>& observe) {
    return replaceAtomically(path, [&](WritableFile& file) -> core::Status {
        if (!head.empty())
            if (auto s = file.append(head); !s) return s;
        core::Status written;
        auto s = readFileChunks(source, offset, length, [&](std::string_view chunk) {
            if (!written) return;
            if (observe) observe(chunk);
            written = file.append(chunk);
        });
        if (!s) return s;
        return written;
    });
}

} // namespace secondline::storage::detail
