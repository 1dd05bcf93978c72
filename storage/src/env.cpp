#include <secondline/storage/env.h>

#include "atomic_file.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace secondline::storage {

using core::ErrorCode;
using core::fail;
using detail::errnoError;

namespace {

class PosixFile final : public WritableFile {
public:
    explicit PosixFile(int fd) : m_fd(fd) {}
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;
    ~PosixFile() override { ::close(m_fd); }

    core::Status append(std::string_view data) override {
        const char* p = data.data();
        std::size_t size = data.size();
        while (size > 0) {
            const ssize_t n = ::write(m_fd, p, size);
            if (n < 0) {
                if (errno == EINTR) continue;
                return fail(errnoError(errno, "cannot write file"));
            }
            p += n;
            size -= static_cast<std::size_t>(n);
        }
        return {};
    }

    core::Status sync() override {
        if (::fsync(m_fd) != 0) return fail(errnoError(errno, "cannot write file"));
        return {};
    }

private:
    int m_fd;
};

class PosixEnv final : public Env {
public:
    core::Result<std::unique_ptr<WritableFile>> newFile(const std::string& path) override {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
        if (fd < 0) {
            const int err = errno;
            if (err == EEXIST) return fail(ErrorCode::StoreExists, "cannot create file: it already exists");
            return fail(errnoError(err, "cannot create file"));
        }
        return std::make_unique<PosixFile>(fd);
    }

    core::Result<std::unique_ptr<WritableFile>> newTempFile(const std::string& prefix, std::string& created) override {
        std::string name = prefix + "XXXXXX";
        const int fd = ::mkstemp(name.data());
        if (fd < 0) return fail(errnoError(errno, "cannot create a temporary file beside the target"));
        // mkstemp makes it 0600 already; said again in case a libc does otherwise.
        if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(name.c_str());
            return fail(errnoError(err, "cannot restrict a temporary file"));
        }
        created = std::move(name);
        return std::make_unique<PosixFile>(fd);
    }

    core::Status renameFile(const std::string& from, const std::string& to) override {
        if (::rename(from.c_str(), to.c_str()) != 0) return fail(errnoError(errno, "cannot rename file"));
        return {};
    }

    core::Status removeFile(const std::string& path) override {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fail(errnoError(errno, "cannot remove file"));
        return {};
    }

    core::Status syncFolder(const std::string& folder) override {
        const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return fail(errnoError(errno, "cannot open a folder to sync it"));
        const int rc = ::fsync(fd);
        const int err = errno;
        ::close(fd);
        if (rc != 0) return fail(errnoError(err, "cannot sync a folder"));
        return {};
    }

    core::Result<std::string> readWholeFile(const std::string& path, std::size_t maxBytes) override {
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

    core::Status readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                const std::function<void(std::string_view)>& observe) override {
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
};

std::atomic<Env*> g_current{nullptr};

/// A file of a FaultInjectionEnv: counts (and may fail) each append and sync before forwarding it.
class FaultFile final : public WritableFile {
public:
    FaultFile(FaultInjectionEnv& env, std::unique_ptr<WritableFile> base) : m_env(env), m_base(std::move(base)) {}

    core::Status append(std::string_view data) override {
        if (const int err = m_env.tick(FaultInjectionEnv::Op::Write)) return fail(errnoError(err, "cannot write file"));
        return m_base->append(data);
    }

    core::Status sync() override {
        if (const int err = m_env.tick(FaultInjectionEnv::Op::Sync)) return fail(errnoError(err, "cannot write file"));
        return m_base->sync();
    }

private:
    FaultInjectionEnv& m_env;
    std::unique_ptr<WritableFile> m_base;
};

} // namespace

Env& Env::posix() {
    static PosixEnv env;
    return env;
}

Env& Env::current() {
    Env* env = g_current.load(std::memory_order_acquire);
    return env ? *env : posix();
}

ScopedEnvForTesting::ScopedEnvForTesting(Env& env) : m_previous(g_current.exchange(&env, std::memory_order_acq_rel)) {}

ScopedEnvForTesting::~ScopedEnvForTesting() {
    g_current.store(m_previous, std::memory_order_release);
}

// ----- FaultInjectionEnv -----

FaultInjectionEnv::FaultInjectionEnv(Env& base) : m_base(base) {}

void FaultInjectionEnv::reset(std::optional<Fault> fault) {
    const std::lock_guard lock(m_mutex);
    m_counts.fill(0);
    m_injected = 0;
    m_fault = fault;
}

std::uint64_t FaultInjectionEnv::count(Op op) const {
    const std::lock_guard lock(m_mutex);
    return m_counts[static_cast<std::size_t>(op)];
}

std::uint64_t FaultInjectionEnv::injected() const {
    const std::lock_guard lock(m_mutex);
    return m_injected;
}

int FaultInjectionEnv::tick(Op op) {
    const std::lock_guard lock(m_mutex);
    const std::uint64_t n = ++m_counts[static_cast<std::size_t>(op)];
    if (!m_fault || m_fault->op != op) return 0;
    if (n == m_fault->nth || (m_fault->sticky && n > m_fault->nth)) {
        ++m_injected;
        return m_fault->error;
    }
    return 0;
}

core::Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::newFile(const std::string& path) {
    if (const int err = tick(Op::Write)) return fail(errnoError(err, "cannot create file"));
    auto file = m_base.newFile(path);
    if (!file) return fail(file.error());
    return std::make_unique<FaultFile>(*this, std::move(*file));
}

core::Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::newTempFile(const std::string& prefix,
                                                                           std::string& created) {
    if (const int err = tick(Op::Write))
        return fail(errnoError(err, "cannot create a temporary file beside the target"));
    auto file = m_base.newTempFile(prefix, created);
    if (!file) return fail(file.error());
    return std::make_unique<FaultFile>(*this, std::move(*file));
}

core::Status FaultInjectionEnv::renameFile(const std::string& from, const std::string& to) {
    if (const int err = tick(Op::Rename)) return fail(errnoError(err, "cannot rename file"));
    return m_base.renameFile(from, to);
}

core::Status FaultInjectionEnv::removeFile(const std::string& path) {
    if (const int err = tick(Op::Remove)) return fail(errnoError(err, "cannot remove file"));
    return m_base.removeFile(path);
}

core::Status FaultInjectionEnv::syncFolder(const std::string& folder) {
    if (const int err = tick(Op::Sync)) return fail(errnoError(err, "cannot sync a folder"));
    return m_base.syncFolder(folder);
}

core::Result<std::string> FaultInjectionEnv::readWholeFile(const std::string& path, std::size_t maxBytes) {
    return m_base.readWholeFile(path, maxBytes);
}

core::Status FaultInjectionEnv::readFileChunks(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                               const std::function<void(std::string_view)>& observe) {
    return m_base.readFileChunks(path, offset, length, observe);
}

int FaultInjectionEnv::beforeDatabaseIo(DatabaseIo op) {
    return tick(op == DatabaseIo::Sync ? Op::DatabaseSync : Op::DatabaseWrite);
}

} // namespace secondline::storage
