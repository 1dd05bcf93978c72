#include <secondline/service/service.h>

#include "handlers.h"
#include "sessions.h"
#include "store_folder.h"
#include "tls_credentials.h"
#include "unix_listener.h"

#include <secondline/privacy/key_slot.h>
#include <secondline/storage/store.h>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_posix.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace secondline::service {

using core::ErrorCode;
using core::fail;

struct Service::Impl {
    Impl(detail::StoreFacts store, const core::Clock& clock, std::chrono::minutes idle)
        : sessions(clock, idle), handlers(std::move(store), sessions, clock) {}
    detail::Sessions sessions;
    detail::Handlers handlers;
    std::unique_ptr<detail::UnixListener> listener;
    std::unique_ptr<grpc::Server> server;
    std::thread acceptor;
    int tlsPort = 0;
    bool stopped = false;
};

namespace {

/// The store's id and mode, from its key slot file (not authenticated without a key: for Hello only).
core::Result<detail::StoreFacts> storeFacts(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return fail(ErrorCode::StoreNotFound, "no store at the path");
    std::ifstream in(storage::keySlotPath(path), std::ios::binary);
    if (!in) return fail(ErrorCode::KeySlotMissing, "the store's key slot file is missing");
    std::ostringstream text;
    text << in.rdbuf();
    auto file = privacy::decodeKeySlotFile(text.str());
    if (!file) return fail(file.error());
    return detail::StoreFacts{path, file->storeId, file->training};
}

} // namespace

core::Result<std::unique_ptr<Service>> Service::start(const ServiceOptions& options, const core::Clock& clock) {
    auto facts = storeFacts(options.storePath);
    if (!facts) return fail(facts.error());
    if (auto s = detail::checkStoreFolder(options.storePath); !s) return fail(s.error());
    std::shared_ptr<grpc::ServerCredentials> tls;
    if (options.tls) {
        auto credentials = detail::serverCredentials(*options.tls);
        if (!credentials) return fail(credentials.error());
        tls = std::move(*credentials);
    }
    auto impl = std::make_unique<Impl>(std::move(*facts), clock, options.sessionIdle);
    auto listener = detail::UnixListener::open(options.socketPath);
    if (!listener) return fail(listener.error());
    impl->listener = std::move(*listener);

    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(static_cast<int>(kMaxRequestBytes));
    builder.RegisterService(&impl->handlers);
    // No Unix listening port: those connections arrive through the listener, with their peer credentials.
    if (tls) {
        builder.AddListeningPort(options.tls->address, tls, &impl->tlsPort);
        // A TCP peer that never finishes its handshake holds a connection for 10 s, not gRPC's default 120 s.
        builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, 10000);
    }
    impl->server = builder.BuildAndStart();
    if (tls && (!impl->server || impl->tlsPort == 0))
        return fail(ErrorCode::Io, "cannot listen on the TLS address (in use, or not an address of this machine)");
    if (!impl->server) return fail(ErrorCode::Internal, "gRPC failed to start the server");

    auto* raw = impl.get();
    impl->acceptor = std::thread([raw] {
        raw->listener->run(
            [raw](const detail::Peer& peer) {
                raw->sessions.connectionOpened(peer);
                grpc::AddInsecureChannelFromFd(raw->server.get(), peer.fd); // gRPC owns the descriptor now
            },
            [raw](const detail::Peer& peer) { raw->sessions.connectionClosed(peer); });
    });
    return std::unique_ptr<Service>(new Service(std::move(impl)));
}

Service::Service(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Service::~Service() {
    shutdown();
}

void Service::shutdown(std::chrono::milliseconds grace) {
    if (!m_impl || m_impl->stopped) return;
    m_impl->stopped = true;
    m_impl->listener->stop();
    if (m_impl->acceptor.joinable()) m_impl->acceptor.join();
    m_impl->server->Shutdown(std::chrono::system_clock::now() + grace);
    m_impl->server->Wait();
    m_impl->sessions.clear();
    m_impl->listener.reset(); // closes and removes the socket
}

std::size_t Service::sessionCount() const {
    return m_impl->sessions.count();
}

int Service::tlsPort() const {
    return m_impl->tlsPort;
}

} // namespace secondline::service
