// Which service a client talks to when the user does not name one (client/address.h).

#include <secondline/client/address.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace secondline::client {
namespace {

/// Sets (or unsets) an environment variable for one test and puts the old value back.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

TEST(ServiceAddress, TheFlagWinsOverEverything) {
    ScopedEnv service(kServiceEnvironmentVariable, "unix:/from/env.sock");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(resolveServiceAddress("tls:desk-3.post:7443"), "tls:desk-3.post:7443");
}

TEST(ServiceAddress, TheEnvironmentVariableComesNext) {
    ScopedEnv service(kServiceEnvironmentVariable, "unix:/from/env.sock");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(resolveServiceAddress(""), "unix:/from/env.sock");
}

TEST(ServiceAddress, AnEmptyEnvironmentVariableIsNotAnAddress) {
    ScopedEnv service(kServiceEnvironmentVariable, "");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(resolveServiceAddress(""), "unix:/run/user/1000/secondline/service.sock");
}

TEST(ServiceAddress, ThePerUserSocketIsTheDefault) {
    ScopedEnv service(kServiceEnvironmentVariable, std::nullopt);
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000/");
    EXPECT_EQ(resolveServiceAddress(""), "unix:/run/user/1000/secondline/service.sock");
}

TEST(ServiceAddress, WithoutARuntimeFolderTheSystemServiceAnswers) {
    ScopedEnv service(kServiceEnvironmentVariable, std::nullopt);
    ScopedEnv runtime("XDG_RUNTIME_DIR", std::nullopt);
    EXPECT_EQ(resolveServiceAddress(""), kSystemServiceAddress);
}

TEST(ServiceAddress, ARelativeRuntimeFolderIsIgnored) {
    ScopedEnv service(kServiceEnvironmentVariable, std::nullopt);
    ScopedEnv runtime("XDG_RUNTIME_DIR", "run/user/1000");
    EXPECT_EQ(resolveServiceAddress(""), kSystemServiceAddress);
}

} // namespace
} // namespace secondline::client
