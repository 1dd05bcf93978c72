#include "atomic_file.h"

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

namespace {
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

bool writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}
} // namespace

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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return fail(errnoError(errno, "cannot open file"));
    std::string out;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            return fail(errnoError(err, "cannot read file"));
        }
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > maxBytes) {
            ::close(fd);
            return fail(ErrorCode::Io, "file is larger than expected");
        }
    }
    ::close(fd);
    return out;
}

core::Status createEmptyPrivateFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        const int err = errno;
        if (err == EEXIST) return fail(ErrorCode::StoreExists, "cannot create file: it already exists");
        return fail(errnoError(err, "cannot create file"));
    }
    ::close(fd);
    return {};
}

core::Status readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                            const std::function<void(std::string_view)>& observe) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return fail(errnoError(errno, "cannot open file"));
    std::vector<char> buf(1u << 20);
    std::uint64_t done = 0;
    while (done < length) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), length - done));
        const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : 0;
            ::close(fd);
            return err ? fail(errnoError(err, "cannot read file")) : fail(ErrorCode::Io, "file ends early");
        }
        if (observe) observe(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        done += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    return {};
}

namespace {

/// Writes a temporary file beside `path` through `fill`, fsyncs it, renames it over `path` and fsyncs the
/// folder. Nothing is left behind on failure.
core::Status replaceAtomically(const std::string& path, const std::function<core::Status(int fd)>& fill) {
    const std::filesystem::path target(path);
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
    std::string tmpl = (std::filesystem::path(dir) / (target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0) return fail(errnoError(errno, "cannot create a temporary file beside the target"));
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    if (auto s = fill(fd); !s) {
        ::close(fd);
        ::unlink(tmpl.c_str());
        return s;
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmpl.c_str());
        return fail(errnoError(err, "cannot write file"));
    }
    ::close(fd);
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmpl.c_str());
        return fail(errnoError(err, "cannot replace file"));
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

} // namespace

core::Status writeFileAtomically(const std::string& path, const std::string& content) {
    return replaceAtomically(path, [&](int fd) -> core::Status {
        if (!writeAll(fd, content.data(), content.size())) return fail(errnoError(errno, "cannot write file"));
        return {};
    });
}

core::Status writeFileAtomicallyFrom(const std::string& path, const std::string& head, const std::string& source,
                                     std::uint64_t offset, std::uint64_t length,
                                     const std::function<void(std::string_view)>& observe) {
    return replaceAtomically(path, [&](int fd) -> core::Status {
        if (!writeAll(fd, head.data(), head.size())) return fail(errnoError(errno, "cannot write file"));
        bool written = true;
        int err = 0;
        auto s = readFileChunks(source, offset, length, [&](std::string_view chunk) {
            if (!written) return;
            if (observe) observe(chunk);
            if (!writeAll(fd, chunk.data(), chunk.size())) {
                written = false;
                err = errno;
            }
        });
        if (!s) return s;
        if (!written) return fail(errnoError(err, "cannot write file"));
        return {};
    });
}

} // namespace secondline::storage::detail
