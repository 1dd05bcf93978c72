#pragma once
// How the desk signs a user in: at start (main.cpp's login dialog) and again after the idle lock. Two ways,
// the same client::Session either way:
//
//   serviceSignIn("unix:/run/user/1000/secondline/service.sock")  through the SecondLine service: the normal
//                                                                 case, the only one on a production desk;
//   localSignIn(path, options, clock)                             over a store this process opens itself
//                                                                 (app::LocalSession): tests, the screenshot
//                                                                 tool, the store's own account.
//
//   desk::SignIn signIn = desk::serviceSignIn(client::resolveServiceAddress(""));
//   auto session = signIn("o1", password); // ServiceUnavailable when nothing answers there

#include <secondline/client/client.h>
#include <secondline/client/session.h>
#include <secondline/core/clock.h>
#include <secondline/core/result.h>
#include <secondline/core/secret_bytes.h>
#include <secondline/storage/store.h>

#include <QString>

#include <functional>
#include <memory>
#include <string>

namespace secondline::desk {

class LoginDialog;

/// Signs `user` in with `password`. May run off the UI thread (the unlock does), one call at a time.
/// Errors: those of ServiceSession::signIn (AuthenticationFailed, AccountLocked, ServiceUnavailable, ...) or
/// of storage::Store::open.
using SignIn = std::function<core::Result<std::unique_ptr<client::Session>>(const std::string& user,
                                                                            const core::SecretBytes& password)>;

/// Through the service at `address` ("unix:PATH" or "tls:HOST:PORT"): a new connection for each sign-in, so
/// a service restarted while the desk was locked is reached again. Errors: also InvalidArgument (the address
/// or the TLS files), as client::Client::connect.
[[nodiscard]] SignIn serviceSignIn(std::string address, client::ClientOptions options = {});

/// `signIn`, refusing (and signing out) a session on a store that is not a training store: StoreModeMismatch.
[[nodiscard]] SignIn trainingOnly(SignIn signIn);

/// Whether the service at `address` answers (Hello): ServiceUnavailable when it does not, InvalidArgument for
/// a malformed address or TLS files; with `training`, StoreModeMismatch when its store is not a training store.
[[nodiscard]] core::Status checkService(const std::string& address, const client::ClientOptions& options,
                                        bool training);

/// Over the store file at `path`, opened by this process with `options`. `clock` must outlive the function.
[[nodiscard]] SignIn localSignIn(std::string path, storage::OpenOptions options, const core::Clock& clock);

/// The desk's exit status when it cannot go on because the service cannot be reached (as the command-line
/// tool's for service_unavailable).
inline constexpr int kExitServiceUnavailable = 5;

/// Where the login dialog led.
struct LoginOutcome {
    std::unique_ptr<client::Session> session; ///< null: the user cancelled
    /// When cancelled: 0, or kExitServiceUnavailable when the last attempt could not reach the service.
    int exitCode = 0;
};

/// Shows `dialog` (Mode::Login) until `signIn` succeeds or the user cancels. Every failure is shown in the
/// dialog in plain words with its stable code; an unreachable service (service_unavailable) says what to do
/// about it. `firstError`, when given, is shown at once (e.g. the service did not answer a first hello).
[[nodiscard]] LoginOutcome signInWithDialog(LoginDialog& dialog, const SignIn& signIn,
                                            const core::Status& firstError = {});

/// The text the login dialog shows for `error`.
[[nodiscard]] QString loginErrorText(const core::Error& error);

} // namespace secondline::desk
