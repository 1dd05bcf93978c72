#pragma once
// The real `secondline service run` process for a test: started with posix_spawn, its standard error in a
// log file, waited for until it answers Hello, stopped with SIGTERM (or killed) and reaped.
//
//   ServiceProcess service(SECONDLINE_CLI, store, socket, dir.file("service.log"));
//   ASSERT_TRUE(service.start()) << service.log();
//   auto client = client::Client::connect(service.address());
//   ...
//   EXPECT_TRUE(service.stop()); // exited 0

#include <chrono>
#include <string>
#include <vector>

#include <sys/types.h>

namespace secondline::test {

class ServiceProcess {
public:
    /// `cli`: the secondline binary; `socket`: the Unix socket's path; `extraArgs` after the others (e.g.
    /// "--root-key", FILE).
    ServiceProcess(std::string cli, std::string store, std::string socket, std::string logFile,
                   std::vector<std::string> extraArgs = {});
    ServiceProcess(const ServiceProcess&) = delete;
    ServiceProcess& operator=(const ServiceProcess&) = delete;
    /// Stops a service still running (SIGTERM, then SIGKILL after 20 s).
    ~ServiceProcess();

    /// Starts the service and waits (up to `wait`) until it answers Hello. False when it did not start or
    /// exited: the log says why.
    [[nodiscard]] bool start(std::chrono::seconds wait = std::chrono::seconds{20});
    /// SIGTERM and wait: true when it exited with status 0.
    [[nodiscard]] bool stop();
    /// SIGKILL and wait.
    void kill();
    [[nodiscard]] bool running() const noexcept { return m_pid > 0; }
    [[nodiscard]] pid_t pid() const noexcept { return m_pid; }
    /// "unix:<socket>"
    [[nodiscard]] std::string address() const { return "unix:" + m_socket; }
    /// What the service wrote to standard error so far.
    [[nodiscard]] std::string log() const;

private:
    std::string m_cli, m_store, m_socket, m_logFile;
    std::vector<std::string> m_extraArgs;
    pid_t m_pid = -1;
};

} // namespace secondline::test
