// How a command of the command-line tool gets its session: through the service, or on a store it opens itself
// (cli.h, openSession). Every command that works for a signed-in user is written against client::Session only,
// so both ways print the same JSON from the same code.

#include "cli.h"

#include <secondline/client/address.h>
#include <secondline/client/service_session.h>

#include <local_session.h>
#include <password.h>

#include <fmt/core.h>

#include <cstdlib>

namespace secondline::cli {

namespace {

/// The option's value, else the environment variable's.
std::string orEnvironment(const std::string& value, const char* variable) {
    if (!value.empty()) return value;
    const char* set = std::getenv(variable);
    return set ? std::string(set) : std::string();
}

/// The help footer of every session command: how the service or the store is chosen, and exit 5.
constexpr const char* kSessionFooter =
    "Where the command runs: with --service ADDRESS, through the service at ADDRESS; else with --store PATH, on a "
    "store this process opens itself (only where the OS lets you read the store and its root key: the service's own "
    "account with the service stopped, training and test stores); else through $SECONDLINE_SERVICE, else the "
    "per-user socket $XDG_RUNTIME_DIR/secondline/service.sock, else unix:/run/secondline/service.sock. The output "
    "is the same either way. Exit status 5 (service_unavailable) when the service cannot be reached.\n";

} // namespace

client::ClientOptions clientOptions(const ServiceAddress& s) {
    return {.name = "secondline-cli 0.1.0",
            .tlsCert = orEnvironment(s.tlsCert, "SECONDLINE_TLS_CERT"),
            .tlsKey = orEnvironment(s.tlsKey, "SECONDLINE_TLS_KEY"),
            .serverCa = orEnvironment(s.serverCa, "SECONDLINE_SERVER_CA")};
}

CLI::Option* addServiceOptions(CLI::App& cmd, ServiceAddress& service, std::string description) {
    auto* option = cmd.add_option("--service", service.address, std::move(description));
    cmd.add_option("--tls-cert", service.tlsCert,
                   "With tls:HOST:PORT: this desk's certificate, PEM (else $SECONDLINE_TLS_CERT)");
    cmd.add_option("--tls-key", service.tlsKey,
                   "With tls:HOST:PORT: its private key, PEM, mode 0600 (else $SECONDLINE_TLS_KEY)");
    cmd.add_option("--server-ca", service.serverCa,
                   "With tls:HOST:PORT: the CA the service's certificate must chain to, PEM (else "
                   "$SECONDLINE_SERVER_CA)");
    return option;
}

void addSessionOptions(CLI::App& cmd, StoreOptions& options, bool userRequired) {
    auto* service = addServiceOptions(
        cmd, options.service,
        "Work through the service at ADDRESS: unix:PATH or tls:HOST:PORT (default: $SECONDLINE_SERVICE, else the "
        "per-user socket, else the system service's; see below)");
    auto* store = cmd.add_option("--store", options.store,
                                 "Open this store file yourself instead of going through the service: only where the "
                                 "OS lets you read the store and its root key (the service's account with the service "
                                 "stopped, training and test stores)");
    store->excludes(service);
    auto* user = cmd.add_option("--user", options.user, "Your user name");
    if (userRequired) user->required();
    cmd.add_flag("--password-stdin", options.passwordStdin,
                 "Read passwords from standard input, one line each, instead of a hidden prompt");
    cmd.add_flag("--training", options.training, "Refuse unless the store is a training store");
    cmd.add_option("--root-key", options.rootKey,
                   "With --store: the store's root key file (default: beside the store; a production store keeps it "
                   "elsewhere, readable by the service's account only)")
        ->excludes(service);
    cmd.footer(kSessionFooter);
}

void announceSignIn(std::optional<core::TimePoint> breakGlassUntil, const core::Status& purgeAtOpen) {
    if (breakGlassUntil)
        fmt::print(stderr, "secondline: BREAK-GLASS session until {} (UTC): every access is audited with its reason\n",
                   core::formatUtc(*breakGlassUntil));
    // The command still runs; the purge is tried again at the next sign-in.
    if (!purgeAtOpen)
        fmt::print(stderr, "secondline: warning: the retention purge at sign-in failed: {}: {}\n",
                   core::errorCodeName(purgeAtOpen.error().code), purgeAtOpen.error().message);
}

std::unique_ptr<client::Session> openSession(const StoreOptions& o, int& rc) {
    if (o.service.address.empty() && !o.store.empty()) {
        auto store = openStore(o, rc);
        if (!store) return nullptr;
        return std::make_unique<app::LocalSession>(std::move(*store));
    }
    if (!o.rootKey.empty()) {
        rc = report({core::ErrorCode::InvalidArgument, "--root-key goes with --store (the service reads its own key)"});
        return nullptr;
    }
    // Connecting is lazy: a malformed address or unusable TLS files fail here, an absent service at sign-in.
    auto connection =
        client::Client::connect(client::resolveServiceAddress(o.service.address), clientOptions(o.service));
    if (!connection) {
        rc = report(connection.error());
        return nullptr;
    }
    auto password = app::readPassword(fmt::format("Password for {}: ", o.user), o.passwordStdin);
    if (!password) {
        printError(password.error());
        rc = kUsage;
        return nullptr;
    }
    auto session = client::ServiceSession::signIn(std::move(*connection), o.user, *password);
    if (!session) {
        rc = report(session.error());
        return nullptr;
    }
    if (o.training && !(*session)->training()) {
        rc = report({core::ErrorCode::StoreModeMismatch, "--training: the service's store is not a training store"});
        return nullptr;
    }
    announceSignIn((*session)->breakGlassUntil(), (*session)->purgeAtOpen());
    return std::move(*session);
}

} // namespace secondline::cli
