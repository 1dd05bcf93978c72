#include <secondline/service/service.h>

#include "checkpoints.h"
#include "handlers.h"
#include "sessions.h"
#include "unix_listener.h"

#include <secondline/privacy/key_slot.h>
#include <secondline/storage/store.h>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_posix.h>

#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace secondline::service {

using core::ErrorCode;
using core::fail;
using detail::Session;

struct Service::Impl {
    Impl(detail::StoreFacts store, const core::Clock& clock, std::chrono::minutes idle)
        : sessions(clock, idle), handlers(std::move(store), sessions, clock) {}
    detail::Sessions sessions;
    detail::Handlers handlers;
    std::unique_ptr<detail::UnixListener> listener;
    std::unique_ptr<grpc::Server> server;
    std::thread acceptor;
    bool stopped = false;

    // Automatic checkpoints (options.checkpointFolder).
    std::string checkpointFolder;
    std::atomic<std::size_t> checkpoints{0};
    std::thread checkpointer;
    std::mutex stopMutex;
    std::condition_variable stopSignal;
    bool stopping = false; ///< under stopMutex

    /// One checkpoint of `session`'s store (under the sessions' lock); a failure is logged by its code only.
    void checkpoint(Session& session, const char* why) {
        if (auto s = detail::writeCheckpoint(session.store, checkpointFolder); !s) {
            std::fprintf(stderr, "secondline: checkpoint at %s failed (%s)\n", why,
                         std::string(core::errorCodeName(s.error().code)).c_str());
            return;
        }
        ++checkpoints;
    }
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
    if (!options.checkpointFolder.empty())
        if (auto s = detail::checkCheckpointFolder(options.checkpointFolder); !s) return fail(s.error());
    auto impl = std::make_unique<Impl>(std::move(*facts), clock, options.sessionIdle);
    auto listener = detail::UnixListener::open(options.socketPath);
    if (!listener) return fail(listener.error());
    impl->listener = std::move(*listener);

    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(static_cast<int>(kMaxRequestBytes));
    builder.RegisterService(&impl->handlers);
    // No listening port: connections arrive through the listener, with their peer credentials.
    impl->server = builder.BuildAndStart();
    if (!impl->server) return fail(ErrorCode::Internal, "gRPC failed to start the server");

    auto* raw = impl.get();
    if (!options.checkpointFolder.empty()) {
        impl->checkpointFolder = options.checkpointFolder;
        impl->sessions.onSignOut([raw](Session& session) { raw->checkpoint(session, "sign-out"); });
        impl->checkpointer =
            std::thread([raw, &clock, interval = options.checkpointInterval, tick = options.checkpointTick] {
                detail::CheckpointTimer timer(interval);
                std::unique_lock stop(raw->stopMutex);
                while (!raw->stopSignal.wait_for(stop, tick, [raw] { return raw->stopping; })) {
                    auto lock = raw->sessions.lock();
                    if (!timer.due(clock.now(), raw->sessions.anyOpen(lock))) continue;
                    raw->sessions.forEach(lock, [raw](Session& session) { raw->checkpoint(session, "interval"); });
                }
            });
    }
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
    {
        std::lock_guard stop(m_impl->stopMutex);
        m_impl->stopping = true;
    }
    m_impl->stopSignal.notify_all();
    if (m_impl->checkpointer.joinable()) m_impl->checkpointer.join();
    m_impl->listener->stop();
    if (m_impl->acceptor.joinable()) m_impl->acceptor.join();
    m_impl->server->Shutdown(std::chrono::system_clock::now() + grace);
    m_impl->server->Wait();
    m_impl->sessions.clear();
    m_impl->listener.reset(); // closes and removes the socket
}

std::size_t Service::checkpointsWritten() const {
    return m_impl->checkpoints;
}

std::size_t Service::sessionCount() const {
    return m_impl->sessions.count();
}

} // namespace secondline::service
