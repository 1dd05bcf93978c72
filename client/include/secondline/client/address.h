#pragma once
// Which service a client talks to when the user does not say: the explicit address, else the environment
// variable SECONDLINE_SERVICE, else the per-user socket of the training service that scripts/start.sh runs
// ("unix:$XDG_RUNTIME_DIR/secondline/service.sock"), else the system service's socket
// ("unix:/run/secondline/service.sock", from the systemd unit in dist/).
//
//   auto address = client::resolveServiceAddress(flagValue); // "" when the flag was not given

#include <string>
#include <string_view>

namespace secondline::client {

/// The environment variable that names the service when no --service is given.
inline constexpr const char* kServiceEnvironmentVariable = "SECONDLINE_SERVICE";

/// The system service's socket (dist/systemd/secondline.service, RuntimeDirectory=secondline).
inline constexpr const char* kSystemServiceAddress = "unix:/run/secondline/service.sock";

/// The per-user service socket under `runtimeDir` (XDG_RUNTIME_DIR), e.g. "/run/user/1000".
[[nodiscard]] std::string perUserServiceSocket(std::string_view runtimeDir);

/// `explicitAddress` when not empty; else SECONDLINE_SERVICE when set and not empty; else the per-user
/// socket when XDG_RUNTIME_DIR is set (an absolute path); else the system service's socket.
[[nodiscard]] std::string resolveServiceAddress(std::string_view explicitAddress);

} // namespace secondline::client
