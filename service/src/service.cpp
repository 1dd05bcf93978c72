#include <secondline/service/service.h>

#include "checkpoints.h"
#include "admin_handlers.h"
#include "handlers.h"
#include "records_handlers.h"
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

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace secondline::service {

using core::ErrorCode;
using core::fail;
using detail::Session;

struct Service::Impl {
    Impl(detail::StoreFacts store, core::SecretBytes key, storage::StoreLock held, const core::Clock& clock,
         std::chrono::minutes idle)
        : rootKey(std::move(key)), storeLock(std::move(held)), sessions(clock, idle),
          handlers(withKey(std::move(store), &rootKey), sessions, clock), records(handlers.store(), sessions, clock),
          admin(handlers.store(), sessions, clock, rootKey) {}
    static detail::StoreFacts withKey(detail::StoreFacts facts, const core::SecretBytes* key) {
        facts.rootKey = key;
        return facts;
    }
    // Declared first: every session's Store uses them, so they go last.
    /// The store's root key, guarded memory, for the service's whole life; replaced (under the sessions'
    /// lock) by a key rotation through the service (AdminHandlers::Rekey).
    core::SecretBytes rootKey;
    storage::StoreLock storeLock; ///< no other process opens the store while the service runs
    detail::Sessions sessions;
    detail::Handlers handlers;
    detail::RecordsHandlers records;
    detail::AdminHandlers admin;
    std::unique_ptr<detail::UnixListener> listener;
    std::unique_ptr<grpc::Server> server;
    std::thread acceptor;
    int tlsPort = 0;
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
    detail::StoreFacts facts;
    facts.path = path;
    facts.storeId = file->storeId;
    facts.training = file->training;
    facts.testStore = file->attribute("test_store") != nullptr;
    return facts;
}

/// A production store's root key must not sit in the store's folder (nor the folder of any of its files): a
/// copy of that folder, with every user's password, must decrypt nothing.
core::Status checkRootKeyPlace(const detail::StoreFacts& facts, const std::string& keyFile) {
    if (facts.training || facts.testStore) return {};
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto keyFolder = fs::weakly_canonical(fs::absolute(keyFile), ec).parent_path();
    const auto storeFolder = fs::weakly_canonical(fs::absolute(facts.path), ec).parent_path();
    if (ec || keyFolder == storeFolder)
        return fail(ErrorCode::StoreFolderUnsafe, "a production store's root key must be kept outside the store's "
                                                  "folder (give --root-key a file elsewhere)");
    return {};
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
    if (!options.checkpointFolder.empty())
        if (auto s = detail::checkCheckpointFolder(options.checkpointFolder); !s) return fail(s.error());
    const std::string keyFile =
        options.rootKeyFile.empty() ? storage::rootKeyPath(options.storePath) : options.rootKeyFile;
    if (auto s = checkRootKeyPlace(*facts, keyFile); !s) return fail(s.error());
    auto held = storage::Store::lockForService(options.storePath);
    if (!held) return fail(held.error());
    // Under the store's lock: the key that authenticates the slot file (a rotation interrupted in its last
    // step is finished here, as a direct open would).
    auto rootKey = storage::loadRootKey(options.storePath, keyFile);
    if (!rootKey) return fail(rootKey.error());
    facts->checkpointFolder = options.checkpointFolder;
    facts->rootKeyFile = keyFile;
    auto impl =
        std::make_unique<Impl>(std::move(*facts), std::move(*rootKey), std::move(*held), clock, options.sessionIdle);
    auto listener = detail::UnixListener::open(options.socketPath);
    if (!listener) return fail(listener.error());
    impl->listener = std::move(*listener);

    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(static_cast<int>(kMaxRequestBytes));
    builder.RegisterService(&impl->handlers);
    builder.RegisterService(&impl->records);
    builder.RegisterService(&impl->admin);
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

int Service::tlsPort() const {
    return m_impl->tlsPort;
}

} // namespace secondline::service
