// secondline service run, hello

#include "cli.h"

#include <secondline/client/address.h>
#include <secondline/client/client.h>
#include <secondline/service/service.h>

#include <document_json.h>

#include <fmt/core.h>

#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

namespace secondline::cli {

namespace {

const core::SystemClock kClock;

struct RunArgs {
    std::string store;
    std::string socket;
    std::string listen;
    std::string tlsCert;
    std::string tlsKey;
    std::string clientCa;
    std::string checkpointFolder;
    std::string rootKey;
};

/// --listen and its files as the service's TLS options (the service checks them); none without --listen.
core::Result<std::optional<service::TlsListen>> tlsListen(const RunArgs& a) {
    if (a.listen.empty()) {
        if (!a.tlsCert.empty() || !a.tlsKey.empty() || !a.clientCa.empty())
            return core::fail(core::ErrorCode::InvalidArgument, "--tls-cert, --tls-key and --client-ca need --listen");
        return std::nullopt;
    }
    return service::TlsListen{
        .address = a.listen, .certFile = a.tlsCert, .keyFile = a.tlsKey, .clientCaFile = a.clientCa};
}

int runService(const RunArgs& a) {
    // SIGTERM and SIGINT are taken by sigwait below, never by a handler: blocked before gRPC starts its
    // threads, which inherit the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    auto tls = tlsListen(a);
    if (!tls) return report(tls.error());
    auto service = service::Service::start({.storePath = a.store,
                                            .socketPath = a.socket,
                                            .rootKeyFile = a.rootKey,
                                            .tls = *tls,
                                            .checkpointFolder = a.checkpointFolder},
                                           kClock);
    if (!service) return report(service.error());
    fmt::print(stderr, "secondline: service listening on {}\n", a.socket);
    if (*tls)
        fmt::print(stderr, "secondline: service also listening on {}:{} (mutual TLS)\n",
                   a.listen.substr(0, a.listen.rfind(':')), (*service)->tlsPort());
    int received = 0;
    while (sigwait(&stopSignals, &received) != 0) {
    }
    fmt::print(stderr, "secondline: stopping ({})\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
    (*service)->shutdown();
    return kOk;
}

struct HelloArgs {
    ServiceAddress service;
    bool json = false;
};

int runHello(const HelloArgs& a) {
    auto client = client::Client::connect(client::resolveServiceAddress(a.service.address), clientOptions(a.service));
    if (!client) return report(client.error());
    auto info = client->hello();
    if (!info) return report(info.error());
    if (a.json) {
        std::cout << app::dumpLine({{"server_version", info->serverVersion},
                                    {"protocol", info->protocol},
                                    {"store_id", info->storeId},
                                    {"training", info->training}})
                  << '\n';
    } else {
        fmt::print("service {} ({}), store {}{}\n", info->serverVersion, info->protocol, info->storeId,
                   info->training ? " (training)" : "");
    }
    return kOk;
}

} // namespace

void registerServiceCommands(CLI::App& app, Context& ctx) {
    auto* service = app.add_subcommand("service", "The service that alone opens the store (clients use --service)");
    service->require_subcommand(1);
    auto run = std::make_shared<RunArgs>();
    auto* runCmd = service->add_subcommand(
        "run", "Serve the store on a Unix socket (and with --listen over mutual TLS) until SIGTERM or SIGINT");
    runCmd->add_option("--store", run->store, "Store database file")->required();
    runCmd
        ->add_option("--socket", run->socket,
                     "Unix socket to create (its folder must not be writable by group or others)")
        ->required();
    runCmd->add_option("--listen", run->listen,
                       "Also answer the desks of the post on HOST:PORT over mutual TLS (port 0: any free port)");
    runCmd->add_option("--tls-cert", run->tlsCert, "With --listen: the service's certificate, PEM");
    runCmd->add_option("--tls-key", run->tlsKey,
                       "With --listen: its private key, PEM, readable by the service's account only (0600)");
    runCmd->add_option("--client-ca", run->clientCa,
                       "With --listen: the CA a desk's client certificate must chain to, PEM");
    runCmd->add_option("--root-key", run->rootKey,
                       "The store's root key file, read once at start (default: beside the store, for training and "
                       "test stores only; a production store's key is kept outside its folder)");
    runCmd->add_option("--checkpoint-dir", run->checkpointFolder,
                       "Write audit checkpoints here at every sign-out and hourly while sessions are open (an "
                       "existing folder not writable by group or others)");
    runCmd->callback([run, &ctx] { ctx.exitCode = runService(*run); });

    auto hello = std::make_shared<HelloArgs>();
    auto* helloCmd = app.add_subcommand("hello", "Ask the service who it is: version, protocol, store id, training "
                                                 "(exit 5 when it cannot be reached)");
    addServiceOptions(*helloCmd, hello->service,
                      "Service address: unix:PATH or tls:HOST:PORT (default: $SECONDLINE_SERVICE, else the per-user "
                      "socket $XDG_RUNTIME_DIR/secondline/service.sock, else unix:/run/secondline/service.sock)");
    helloCmd->add_flag("--json", hello->json, "One JSON line");
    helloCmd->callback([hello, &ctx] { ctx.exitCode = runHello(*hello); });
}

} // namespace secondline::cli
