// secondline service run, hello, and the commands that go through the service (records show --service)

#include "cli.h"

#include <secondline/client/client.h>
#include <secondline/service/service.h>

#include <password.h>
#include <document_json.h>

#include <fmt/core.h>

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <memory>

namespace secondline::cli {

namespace {

const core::SystemClock kClock;

struct RunArgs {
    std::string store;
    std::string socket;
    std::string checkpointFolder;
};

int runService(const RunArgs& a) {
    // SIGTERM and SIGINT are taken by sigwait below, never by a handler: blocked before gRPC starts its
    // threads, which inherit the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    auto service = service::Service::start(
        {.storePath = a.store, .socketPath = a.socket, .checkpointFolder = a.checkpointFolder}, kClock);
    if (!service) return report(service.error());
    fmt::print(stderr, "secondline: service listening on {}\n", a.socket);
    int received = 0;
    while (sigwait(&stopSignals, &received) != 0) {
    }
    fmt::print(stderr, "secondline: stopping ({})\n", received == SIGTERM ? "SIGTERM" : "SIGINT");
    (*service)->shutdown();
    return kOk;
}

struct HelloArgs {
    std::string service;
    bool json = false;
};

int runHello(const HelloArgs& a) {
    auto client = client::Client::connect(a.service, {.name = "secondline-cli 0.1.0"});
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

/// `records show`'s JSON for a record read through the service (same names, so scripts see no difference):
/// the document by the same helper as in-process reads (app::documentJson).
nlohmann::json recordJson(const client::Record& r) {
    app::DocumentJsonParts parts;
    parts.format = r.format;
    parts.lines = r.lines;
    for (const auto& f : r.fields)
        parts.fields.push_back({.name = f.name,
                                .raw = f.raw,
                                .value = f.value,
                                .description = f.description,
                                .line = f.line,
                                .position = f.position,
                                .verified = f.checkDigitVerified,
                                .confidence = f.confidence});
    for (const auto& c : r.checks)
        parts.checks.push_back({.name = c.name, .status = c.status, .line = c.line, .position = c.position});
    for (const auto& f : r.findings)
        parts.findings.push_back({.field = f.field, .code = f.code, .severity = f.severity, .message = f.message});
    parts.valid = r.valid;
    parts.ageAtInspection = r.ageAtInspection;
    parts.daysToExpiry = r.daysToExpiry;
    nlohmann::json j = {
        {"id", r.id}, {"created", r.created}, {"officer", r.officer}, {"source", r.source}, {"purpose", r.purpose}};
    if (r.encounterId != core::EncounterId{})
        j["encounter"] = {{"id", r.encounterId},
                          {"location", r.location},
                          {"desk", r.desk},
                          {"outcome", r.outcome},
                          {"notes", r.notes}};
    j["document"] = app::documentJson(parts);
    return j;
}

} // namespace

int runRecordsShowViaService(const std::string& address, const std::string& user, bool passwordStdin, std::int64_t id) {
    auto client = client::Client::connect(address, {.name = "secondline-cli 0.1.0"});
    if (!client) return report(client.error());
    auto password = app::readPassword(fmt::format("Password for {}: ", user), passwordStdin);
    if (!password) return report(password.error());
    auto session = client->signIn(user, *password);
    if (!session) return report(session.error());
    auto record = client->getRecord(core::RecordId{id});
    core::ignoreResult(client->signOut(), "the service also ends the session when this connection closes");
    if (!record) {
        printError(record.error());
        return record.error().code == core::ErrorCode::RecordNotFound ? kInvalid : exitFor(record.error());
    }
    std::cout << recordJson(*record).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return kOk;
}

void registerServiceCommands(CLI::App& app, Context& ctx) {
    auto* service = app.add_subcommand("service", "The service that alone opens the store (clients use --service)");
    service->require_subcommand(1);
    auto run = std::make_shared<RunArgs>();
    auto* runCmd = service->add_subcommand("run", "Serve the store on a Unix socket until SIGTERM or SIGINT");
    runCmd->add_option("--store", run->store, "Store database file")->required();
    runCmd
        ->add_option("--socket", run->socket,
                     "Unix socket to create (its folder must not be writable by group or others)")
        ->required();
    runCmd->add_option("--checkpoint-dir", run->checkpointFolder,
                       "Write audit checkpoints here at every sign-out and hourly while sessions are open (an "
                       "existing folder not writable by group or others)");
    runCmd->callback([run, &ctx] { ctx.exitCode = runService(*run); });

    auto hello = std::make_shared<HelloArgs>();
    auto* helloCmd = app.add_subcommand("hello", "Ask the service who it is: version, protocol, store id, training "
                                                 "(exit 5 when it cannot be reached)");
    helloCmd->add_option("--service", hello->service, "Service address: unix:PATH")->required();
    helloCmd->add_flag("--json", hello->json, "One JSON line");
    helloCmd->callback([hello, &ctx] { ctx.exitCode = runHello(*hello); });
}

} // namespace secondline::cli
