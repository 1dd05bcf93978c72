#pragma once
// The SecondLine service: the one process that opens the store, answering the desk and the command-line
// tool over gRPC (service/proto/secondline/v1/secondline.proto) on a Unix socket, and to the other desks of a
// post over TCP with mutual TLS when ServiceOptions::tls is set (tls_listen.h).
//
//   auto service = Service::start({.storePath = store, .socketPath = socket}, clock);
//   ...                     // until SIGTERM
//   service->shutdown();    // refuses new connections, lets running calls finish, closes every session
//
// Connections: the service accepts on its Unix socket itself, reads each connection's peer credentials
// (SO_PEERCRED: the client's OS user id) and only then hands the connection to gRPC. A session made by
// SignIn is bound to that user id: the same token sent over a connection of another OS user is refused.
//
// Every request is bounded (kMaxRequestBytes; each string against its own limit) and re-validated (the MRZ
// re-parsed, corrected field values checked by validation's field rules). Calls without a deadline are
// refused (InvalidArgument).
//
// Threads: gRPC runs handlers on its own threads; the store, which is not thread-safe, is used under one lock.
// A Service is not copyable or movable; shutdown() is idempotent and also runs at destruction. The Clock must
// outlive the Service.

#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/service/tls_listen.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace secondline::service {

/// Largest request the service reads (gRPC's receive limit). Requests over it fail before any handler runs.
/// 65 MiB: two images of the store's largest size (storage::kMaxImageBytes, 32 MiB) and the rest of an
/// encounter. Only requests that carry images (Records.Save, SaveBatch, AddImage) come near it: the others are
/// held below it by their own fields' limits, checked by their handlers (records.proto says how far).
inline constexpr std::size_t kMaxRequestBytes = (65u << 20);

/// Name of the contract's package: the protocol version a client talks.
inline constexpr const char* kProtocol = "secondline.v1";

struct ServiceOptions {
    std::string storePath{};  ///< the store's database file (its key slot file beside it)
    std::string socketPath{}; ///< the Unix socket to create; its folder must exist and not be writable by others
    /// The store's root key file (empty: storage::rootKeyPath(storePath), beside the store, which only a
    /// training or test store may use: a production store's key is kept outside its folder, so that a copy of
    /// the folder and every password decrypt nothing). Read once at start into guarded memory.
    std::string rootKeyFile{};
    /// Sessions idle longer than this are ended by the service (the store's own idle rule also applies).
    std::chrono::minutes sessionIdle{30};
    /// Also answer on TCP with mutual TLS; none: the Unix socket only.
    std::optional<TlsListen> tls{};
    /// Automatic audit checkpoints (empty: none): a folder that exists and is not writable by group or others
    /// (refused otherwise). A checkpoint is written at every sign-out and every checkpointInterval (by the
    /// Clock) while sessions are open; the Clock is read every checkpointTick.
    std::string checkpointFolder{};
    std::chrono::seconds checkpointInterval{3600};
    std::chrono::milliseconds checkpointTick{std::chrono::seconds{30}};
};

class Service {
public:
    /// Checks the store exists and that its folder and every file in it are this process's account's alone
    /// (owner, no group or other access), checks the checkpoint folder when given (FileNotFound,
    /// InvalidArgument), creates the socket (mode 0660 at most; refused when its folder is writable by others
    /// or a non-socket file is in the way; a stale socket is replaced) and starts serving. Errors:
    /// StoreNotFound, StoreFolderUnsafe (also: a production store's root key inside its folder), KeySlotMissing,
    /// KeySlotCorrupt, RootKeyUnavailable, StoreBusy (another process has the store open), InvalidArgument
    /// (socket path too long, unsafe folder), Io (bind, listen), Internal (gRPC failed to start). With `tls`:
    /// InvalidArgument (a file not given, a malformed address, PEM that does not parse, a key that is not the
    /// certificate's or that group or others may read), FileNotFound (a file missing), Io (the TLS address cannot be
    /// listened on).
    [[nodiscard]] static core::Result<std::unique_ptr<Service>> start(const ServiceOptions& options,
                                                                      const core::Clock& clock);

    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;
    ~Service();

    /// Stops accepting, waits up to `grace` for running calls, cancels the rest, signs every session out and
    /// removes the socket file.
    void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds{5000});

    /// Number of open sessions (tests, status).
    [[nodiscard]] std::size_t sessionCount() const;
    /// The TCP port the mutual TLS listener took (the one asked for, or the free one chosen for port 0); 0 when
    /// the service does not listen with TLS.
    [[nodiscard]] int tlsPort() const;
    /// Checkpoints written since start, at sign-out and periodic (tests, status).
    [[nodiscard]] std::size_t checkpointsWritten() const;

    struct Impl;

private:
    explicit Service(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace secondline::service
