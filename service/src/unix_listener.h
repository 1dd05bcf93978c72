#pragma once
// The service's Unix socket: creating it safely, accepting connections with their peer credentials, and
// noticing when a connection's client hangs up.
//
// gRPC 1.51 does not tell a handler who is on the other end of a Unix socket. So the service accepts
// connections itself: accept4(), getsockopt(SO_PEERCRED), then the connected socket is handed to gRPC
// (grpc::AddInsecureChannelFromFd), which names the peer "fd:<n>" for it. The listener keeps a duplicate of
// each connected socket to watch for the client hanging up (POLLRDHUP), so that the sessions of a closed
// connection end at once and a reused descriptor number never carries an old connection's identity.

#include <secondline/core/result.h>

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace secondline::service::detail {

/// Who is on the other end of one accepted connection.
struct Peer {
    std::uint64_t connection = 0; ///< serial number, unique for the life of the service
    int fd = -1;                  ///< the descriptor gRPC owns (its peer string is "fd:<fd>")
    uid_t uid = 0;
    gid_t gid = 0;
    pid_t pid = 0;
    std::string tlsIdentity; ///< TLS peers only: the client certificate's CN and the connection's address
};

class UnixListener {
public:
    /// Creates the socket at `path`: its folder must exist and must not be writable by group or others; a
    /// socket left by a stopped service is replaced, anything else (or a live service) refused. The socket
    /// is created 0660. Errors: InvalidArgument, Io.
    [[nodiscard]] static core::Result<std::unique_ptr<UnixListener>> open(const std::string& path);

    UnixListener(const UnixListener&) = delete;
    UnixListener& operator=(const UnixListener&) = delete;
    ~UnixListener();

    /// Accepts until stop(): for each connection `accepted` is called with its peer (the descriptor is then
    /// owned by whoever `accepted` hands it to), and `closed` when the client hangs up. Runs on the caller's
    /// thread.
    void run(const std::function<void(const Peer&)>& accepted, const std::function<void(const Peer&)>& closed);
    /// Makes run() return (from any thread); further connections are refused by the kernel once the socket is
    /// closed at destruction.
    void stop();

    [[nodiscard]] const std::string& path() const noexcept { return m_path; }

private:
    UnixListener(std::string path, int fd, int wake);
    std::string m_path;
    int m_fd = -1;
    int m_wake = -1; ///< eventfd that stop() signals
};

} // namespace secondline::service::detail
