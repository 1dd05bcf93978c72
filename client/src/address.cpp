#include <secondline/client/address.h>

#include <cstdlib>

namespace secondline::client {

std::string perUserServiceSocket(std::string_view runtimeDir) {
    std::string path(runtimeDir);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path + "/secondline/service.sock";
}

std::string resolveServiceAddress(std::string_view explicitAddress) {
    if (!explicitAddress.empty()) return std::string(explicitAddress);
    if (const char* env = std::getenv(kServiceEnvironmentVariable); env != nullptr && *env != '\0') return env;
    // A relative XDG_RUNTIME_DIR is invalid by the XDG specification and is ignored, not resolved against
    // whatever the current folder happens to be.
    if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime != nullptr && runtime[0] == '/')
        return "unix:" + perUserServiceSocket(runtime);
    return kSystemServiceAddress;
}

} // namespace secondline::client
