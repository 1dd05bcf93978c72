#include "unix_listener.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <vector>

namespace secondline::service::detail {

using core::ErrorCode;
using core::fail;

namespace {

/// True when something accepts connections on the socket at `path`.
bool answers(const sockaddr_un& address) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

core::Status checkFolder(const std::string& path) {
    auto folder = std::filesystem::path(path).parent_path();
    if (folder.empty()) folder = ".";
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(ErrorCode::InvalidArgument, "the socket's folder does not exist");
    // Anyone who may write the folder may replace the socket with their own.
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return fail(ErrorCode::InvalidArgument, "the socket's folder is writable by group or others (make it 0750 "
                                                "or stricter)");
    if (st.st_uid != ::geteuid() && st.st_uid != 0)
        return fail(ErrorCode::InvalidArgument, "the socket's folder belongs to another user");
    return {};
}

} // namespace

core::Result<std::unique_ptr<UnixListener>> UnixListener::open(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof address.sun_path)
        return fail(ErrorCode::InvalidArgument, "the socket path is empty or too long");
    std::memcpy(address.sun_path, path.data(), path.size());
    if (auto folder = checkFolder(path); !folder) return fail(folder.error());

    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) return fail(ErrorCode::InvalidArgument, "a file that is not a socket is in the way");
        if (answers(address)) return fail(ErrorCode::StoreBusy, "another service answers on the socket");
        if (::unlink(path.c_str()) != 0) return fail(ErrorCode::Io, "cannot remove the stale socket");
    }

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fail(ErrorCode::Io, "cannot create the socket");
    // Linux gives the socket file the mode of the socket's inode (minus the umask): set before bind, so that
    // the file never exists with a wider mode; checked after.
    if (::fchmod(fd, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP) != 0 ||
        ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return fail(ErrorCode::Io, "cannot bind the socket");
    }
    if (::chmod(path.c_str(), S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        ::unlink(path.c_str());
        return fail(ErrorCode::Io, "cannot listen on the socket");
    }
    const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake < 0) {
        ::close(fd);
        ::unlink(path.c_str());
        return fail(ErrorCode::Io, "cannot create the listener's wake-up descriptor");
    }
    return std::unique_ptr<UnixListener>(new UnixListener(path, fd, wake));
}

UnixListener::UnixListener(std::string path, int fd, int wake) : m_path(std::move(path)), m_fd(fd), m_wake(wake) {}

UnixListener::~UnixListener() {
    ::close(m_fd);
    ::close(m_wake);
    ::unlink(m_path.c_str());
}

void UnixListener::stop() {
    const std::uint64_t one = 1;
    // A full eventfd counter (impossible here) would mean a wake-up is already pending.
    if (::write(m_wake, &one, sizeof one) < 0) return;
}

void UnixListener::run(const std::function<void(const Peer&)>& accepted,
                       const std::function<void(const Peer&)>& closed) {
    std::uint64_t serial = 0;
    std::map<int, Peer> watched; // our duplicate of each connection -> its peer
    auto drop = [&](std::map<int, Peer>::iterator it) {
        closed(it->second);
        ::close(it->first);
        return watched.erase(it);
    };
    for (;;) {
        std::vector<pollfd> fds{{m_wake, POLLIN, 0}, {m_fd, POLLIN, 0}};
        for (const auto& [dup, peer] : watched) fds.push_back({dup, POLLRDHUP, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[0].revents != 0) break;
        for (std::size_t i = 2; i < fds.size(); ++i)
            if (fds[i].revents != 0)
                if (auto it = watched.find(fds[i].fd); it != watched.end()) drop(it);
        if ((fds[1].revents & POLLIN) == 0) continue;
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) continue; // EAGAIN, a client that gave up, or out of descriptors: keep serving the others
        ucred cred{};
        socklen_t length = sizeof cred;
        const int watch = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length != sizeof cred || watch < 0) {
            if (watch >= 0) ::close(watch);
            ::close(fd);
            continue;
        }
        // A descriptor number gRPC has closed may come back for this connection: the old one is over.
        for (auto it = watched.begin(); it != watched.end();) it = it->second.fd == fd ? drop(it) : std::next(it);
        const Peer peer{++serial, fd, cred.uid, cred.gid, cred.pid, {}};
        watched.emplace(watch, peer);
        accepted(peer);
    }
    for (auto it = watched.begin(); it != watched.end();) it = drop(it);
}

} // namespace secondline::service::detail
