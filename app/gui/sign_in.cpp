#include "sign_in.h"

#include "gui_util.h"
#include "login_dialog.h"

#include <local_session.h>
#include <secondline/client/service_session.h>

namespace secondline::desk {

SignIn serviceSignIn(std::string address, client::ClientOptions options) {
    return [address = std::move(address), options = std::move(options)](
               const std::string& user,
               const core::SecretBytes& password) -> core::Result<std::unique_ptr<client::Session>> {
        auto connection = client::Client::connect(address, options);
        if (!connection) return core::fail(connection.error());
        auto session = client::ServiceSession::signIn(std::move(*connection), user, password);
        if (!session) return core::fail(session.error());
        return std::unique_ptr<client::Session>(std::move(*session));
    };
}

SignIn trainingOnly(SignIn signIn) {
    return [signIn = std::move(signIn)](
               const std::string& user,
               const core::SecretBytes& password) -> core::Result<std::unique_ptr<client::Session>> {
        auto session = signIn(user, password);
        if (session && !(*session)->training()) {
            (*session)->signOut();
            return core::fail(core::ErrorCode::StoreModeMismatch,
                              "this desk was started for training and the store is not a training store");
        }
        return session;
    };
}

core::Status checkService(const std::string& address, const client::ClientOptions& options, bool training) {
    auto connection = client::Client::connect(address, options);
    if (!connection) return core::fail(connection.error());
    auto info = connection->hello();
    if (!info) return core::fail(info.error());
    if (training && !info->training)
        return core::fail(core::ErrorCode::StoreModeMismatch,
                          "this desk was started for training and the service holds a store that is not a training "
                          "store");
    return {};
}

SignIn localSignIn(std::string path, storage::OpenOptions options, const core::Clock& clock) {
    return [path = std::move(path), options = std::move(options),
            &clock](const std::string& user,
                    const core::SecretBytes& password) -> core::Result<std::unique_ptr<client::Session>> {
        auto store = storage::Store::open(path, user, password, options, clock);
        if (!store) return core::fail(store.error());
        return std::unique_ptr<client::Session>(std::make_unique<app::LocalSession>(std::move(*store)));
    };
}

QString loginErrorText(const core::Error& error) {
    QString text = plainError(error);
    if (error.code == core::ErrorCode::ServiceUnavailable)
        text += LoginDialog::tr("\nThe SecondLine service holds the store; this desk cannot sign in without it. "
                                "Start it (scripts/start.sh does for the training store, an administrator for a "
                                "post's store), then press OK again.");
    return text;
}

LoginOutcome signInWithDialog(LoginDialog& dialog, const SignIn& signIn, const core::Status& firstError) {
    bool unreachable = false;
    if (!firstError) {
        dialog.showError(loginErrorText(firstError.error()));
        unreachable = firstError.error().code == core::ErrorCode::ServiceUnavailable;
    }
    for (;;) {
        if (dialog.exec() != QDialog::Accepted) return {nullptr, unreachable ? kExitServiceUnavailable : 0};
        const auto password = dialog.takePassword();
        auto session = signIn(toStd(dialog.userName()), password);
        if (session) return {std::move(*session), 0};
        unreachable = session.error().code == core::ErrorCode::ServiceUnavailable;
        dialog.showError(loginErrorText(session.error()));
    }
}

} // namespace secondline::desk
