// secondline-desk: the Qt 6 workstation. Signs the user in through the SecondLine service (which alone opens
// the store) and shows the desk window. With --store it opens a store itself instead (local mode: where the
// OS lets this user read the store and its root key, i.e. the service's own account and training stores), and
// on first run creates it.

#include "desk_window.h"
#include "login_dialog.h"
#include "screenshots.h"
#include "sign_in.h"

#include <secondline/client/address.h>
#include <secondline/core/process.h>

#include <paths.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>
#include <cstdlib>

using namespace secondline;

namespace {

/// Exit status for a usage error (as the command-line tool's).
constexpr int kExitUsage = 2;

/// The option's value, else the environment variable's.
std::string orEnvironment(const QCommandLineParser& parser, const QCommandLineOption& option, const char* variable) {
    if (parser.isSet(option)) return parser.value(option).toStdString();
    const char* value = std::getenv(variable);
    return value ? value : "";
}

/// First run of local mode: asks for the first user and creates the store at `path`. False when cancelled.
bool createStore(const std::string& path, bool training, const core::Clock& clock) {
    desk::LoginDialog create(desk::LoginDialog::Mode::CreateStore, training);
    for (;;) {
        if (create.exec() != QDialog::Accepted) return false;
        storage::CreateOptions options;
        options.training = training;
        options.firstUserRole = training ? privacy::Role::Trainer : privacy::Role::Administrator;
        const auto password = create.takePassword();
        if (auto s = storage::Store::create(path, create.userName().toStdString(), password, options, clock); !s) {
            create.showError(desk::loginErrorText(s.error()));
            continue;
        }
        return true;
    }
}

} // namespace

int main(int argc, char** argv) {
    core::ignoreResult(core::hardenProcess(), "best effort: a kernel that refuses still lets the officer work");
    QApplication app(argc, argv);
    QApplication::setApplicationName("secondline-desk");
    QApplication::setOrganizationName("SecondLine");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "SecondLine desk: secondary-inspection data capture.\n"
        "Signs in through the SecondLine service: --service, else $SECONDLINE_SERVICE, else the per-user socket "
        "$XDG_RUNTIME_DIR/secondline/service.sock, else unix:/run/secondline/service.sock. Exit status 5 when the "
        "service cannot be reached.");
    parser.addHelpOption();
    QCommandLineOption serviceOption("service", "Service address: unix:PATH or tls:HOST:PORT.", "address");
    QCommandLineOption tlsCertOption("tls-cert",
                                     "With tls:HOST:PORT: this desk's certificate, PEM (else "
                                     "$SECONDLINE_TLS_CERT).",
                                     "file");
    QCommandLineOption tlsKeyOption("tls-key",
                                    "With tls:HOST:PORT: its private key, PEM, 0600 (else "
                                    "$SECONDLINE_TLS_KEY).",
                                    "file");
    QCommandLineOption serverCaOption("server-ca",
                                      "With tls:HOST:PORT: the CA the service's certificate must "
                                      "chain to, PEM (else $SECONDLINE_SERVER_CA).",
                                      "file");
    QCommandLineOption trainingOption("training", "Training only: refuse a store that is not a training store.");
    QCommandLineOption storeOption("store",
                                   "Local mode: open this store file in this process instead of through the service "
                                   "(only where this user may read the store and its root key: the service's "
                                   "account, training stores). Created on first run.",
                                   "path");
    QCommandLineOption createOption("create-store", "Local mode: create the store (--store, else the default "
                                                    "training store with --training) if it does not exist yet, "
                                                    "then exit.");
    QCommandLineOption screenshotsOption(
        "screenshots", "Save a screenshot of each main screen (generated data in a throw-away store) and quit.", "dir");
    parser.addOptions({serviceOption, tlsCertOption, tlsKeyOption, serverCaOption, trainingOption, storeOption,
                       createOption, screenshotsOption});
    parser.process(app);
    if (parser.isSet(screenshotsOption)) return desk::saveScreenshots(parser.value(screenshotsOption));
    const bool training = parser.isSet(trainingOption);
    const bool local = parser.isSet(storeOption) || parser.isSet(createOption);
    if (local && parser.isSet(serviceOption)) {
        std::fprintf(stderr, "secondline-desk: --service and --store exclude each other\n");
        return kExitUsage;
    }

    static const core::SystemClock clock;
    desk::SignIn signIn;
    core::Status firstError{};
    if (local) {
        const std::string path =
            parser.isSet(storeOption) ? parser.value(storeOption).toStdString() : app::defaultStorePath(training);
        if (!QFileInfo::exists(QString::fromStdString(path)) && !createStore(path, training, clock)) return 1;
        if (parser.isSet(createOption)) return 0;
        storage::OpenOptions options;
        options.mode = training ? storage::OpenOptions::Mode::Training : storage::OpenOptions::Mode::Any;
        signIn = desk::localSignIn(path, options, clock);
    } else {
        const std::string address = client::resolveServiceAddress(parser.value(serviceOption).toStdString());
        client::ClientOptions options{.name = "secondline-desk",
                                      .tlsCert = orEnvironment(parser, tlsCertOption, "SECONDLINE_TLS_CERT"),
                                      .tlsKey = orEnvironment(parser, tlsKeyOption, "SECONDLINE_TLS_KEY"),
                                      .serverCa = orEnvironment(parser, serverCaOption, "SECONDLINE_SERVER_CA")};
        // Asked at once, so an unreachable service shows before anyone types a password.
        firstError = desk::checkService(address, options, training);
        if (!firstError && firstError.error().code == core::ErrorCode::InvalidArgument) {
            std::fprintf(stderr, "secondline-desk: %s\n", firstError.error().message.c_str());
            return kExitUsage;
        }
        signIn = desk::serviceSignIn(address, options);
        if (training) signIn = desk::trainingOnly(std::move(signIn));
    }

    desk::LoginDialog login(desk::LoginDialog::Mode::Login, training);
    auto outcome = desk::signInWithDialog(login, signIn, firstError);
    if (!outcome.session) return outcome.exitCode;
    desk::DeskOptions deskOptions;
    deskOptions.signIn = std::move(signIn);
    desk::DeskWindow window(std::move(outcome.session), clock, deskOptions);
    window.show();
    return QApplication::exec();
}
