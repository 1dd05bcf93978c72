// secondline-desk: the Qt 6 workstation. Opens (or on first run creates) the store, signs the user in,
// and shows the desk window.

#include "desk_window.h"
#include "login_dialog.h"
#include "screenshots.h"

#include <secondline/core/process.h>

#include <paths.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMessageBox>

using namespace secondline;

int main(int argc, char** argv) {
    core::ignoreResult(core::hardenProcess(), "best effort: a kernel that refuses still lets the officer work");
    QApplication app(argc, argv);
    QApplication::setApplicationName("secondline-desk");
    QApplication::setOrganizationName("SecondLine");

    QCommandLineParser parser;
    parser.setApplicationDescription("SecondLine desk: secondary-inspection data capture");
    parser.addHelpOption();
    QCommandLineOption trainingOption("training", "Use a training store (synthetic data only).");
    QCommandLineOption storeOption("store", "Store database file.", "path");
    QCommandLineOption screenshotsOption(
        "screenshots", "Save a screenshot of each main screen (generated data in a throw-away store) and quit.", "dir");
    parser.addOption(trainingOption);
    parser.addOption(storeOption);
    parser.addOption(screenshotsOption);
    parser.process(app);
    if (parser.isSet(screenshotsOption)) return desk::saveScreenshots(parser.value(screenshotsOption));
    const bool training = parser.isSet(trainingOption);
    const std::string path =
        parser.isSet(storeOption) ? parser.value(storeOption).toStdString() : app::defaultStorePath(training);

    static const core::SystemClock clock;
    const bool exists = QFileInfo::exists(QString::fromStdString(path));
    if (!exists) {
        desk::LoginDialog create(desk::LoginDialog::Mode::CreateStore, training);
        for (;;) {
            if (create.exec() != QDialog::Accepted) return 0;
            storage::CreateOptions options;
            options.training = training;
            options.firstUserRole = training ? privacy::Role::Trainer : privacy::Role::Administrator;
            const auto password = create.takePassword();
            if (auto s = storage::Store::create(path, create.userName().toStdString(), password, options, clock); !s) {
                create.showError(QString::fromStdString(s.error().message));
                continue;
            }
            break;
        }
    }
    desk::LoginDialog login(desk::LoginDialog::Mode::Login, training);
    for (;;) {
        if (login.exec() != QDialog::Accepted) return 0;
        const auto password = login.takePassword();
        storage::OpenOptions options;
        options.mode = training ? storage::OpenOptions::Mode::Training : storage::OpenOptions::Mode::Any;
        auto store = storage::Store::open(path, login.userName().toStdString(), password, options, clock);
        if (!store) {
            login.showError(QString::fromStdString(store.error().message));
            continue;
        }
        desk::DeskOptions deskOptions;
        deskOptions.storePath = path;
        desk::DeskWindow window(std::move(*store), clock, deskOptions);
        window.show();
        return QApplication::exec();
    }
}
