#include "service_process.h"

#include "wait_until.h"

#include <secondline/client/client.h>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace secondline::test {

ServiceProcess::ServiceProcess(std::string cli, std::string store, std::string socket, std::string logFile,
                               std::vector<std::string> extraArgs)
    : m_cli(std::move(cli)), m_store(std::move(store)), m_socket(std::move(socket)), m_logFile(std::move(logFile)),
      m_extraArgs(std::move(extraArgs)) {}

ServiceProcess::~ServiceProcess() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    int status = 0;
    while (::waitpid(m_pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
}

bool ServiceProcess::start(std::chrono::seconds wait) {
    if (m_pid > 0) return false;
    std::vector<std::string> args = {m_cli, "service", "run", "--store", m_store, "--socket", m_socket};
    args.insert(args.end(), m_extraArgs.begin(), m_extraArgs.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, m_logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int spawned = ::posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        m_pid = -1;
        return false;
    }
    // Each attempt on a fresh client: a fresh channel has no reconnection back-off to wait out.
    const bool up = waitUntil(
        [&] {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;
                return true; // exited: stop waiting
            }
            auto c = client::Client::connect(address(), {.deadline = std::chrono::milliseconds{500}});
            return c && c->hello().has_value();
        },
        wait);
    return up && m_pid > 0;
}

bool ServiceProcess::stop() {
    if (m_pid <= 0) return false;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void ServiceProcess::kill() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
}

std::string ServiceProcess::log() const {
    std::ifstream in(m_logFile);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace secondline::test
