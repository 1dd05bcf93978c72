#include "cli_fixture.h"

#include <secondline/capture/synthetic.h>
#include <secondline/privacy/policy.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace secondline::test {

using nlohmann::json;

std::vector<json> CliRun::jsonLines() const {
    std::vector<json> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(json::parse(line));
    return lines;
}

namespace {

/// Waits for the child `pid` to end, at most `timeout`: true when it ended (its status in `status`). The wait
/// is on a process file descriptor, which becomes readable when the process exits: no polling, no sleep.
bool waitForExit(pid_t pid, std::chrono::seconds timeout, int& status) {
    // Through syscall(): Debian 12's <sys/pidfd.h> declares pidfd_open without C linkage for C++.
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd < 0) throw std::runtime_error("pidfd_open failed");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool ended = false;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60'000)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        if (n > 0) {
            ended = true;
            break;
        }
    }
    ::close(fd);
    if (ended) ::waitpid(pid, &status, 0);
    return ended;
}

} // namespace

CliRun CliTest::run(const std::vector<std::string>& args, const std::string& input, std::chrono::seconds timeout) {
    return runLimited(args, input, timeout, 0);
}

CliRun CliTest::runWithMemoryLimit(const std::vector<std::string>& args, std::uint64_t bytes) {
#if defined(__SANITIZE_ADDRESS__)
    bytes = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    bytes = 0;
#endif
#endif
    return runLimited(args, "", std::chrono::seconds{600}, bytes);
}

CliRun CliTest::runLimited(const std::vector<std::string>& args, const std::string& input, std::chrono::seconds timeout,
                           std::uint64_t addressSpace) {
    const std::string in = dir.file("stdin"), out = dir.file("stdout"), err = dir.file("stderr");
    test::writeFile(in, input);
    const std::string home = "HOME=" + dir.path().string();
    const std::string xdg = "XDG_DATA_HOME=" + dir.file("data");
    // The binary's temporary files, if it made any, land where the leak search looks.
    std::filesystem::create_directories(dir.file("tmp"));
    const std::string tmp = "TMPDIR=" + dir.file("tmp");
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fi = ::open(in.c_str(), O_RDONLY);
        const int fo = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fi, 0);
        ::dup2(fo, 1);
        ::dup2(fe, 2);
        if (addressSpace > 0) {
            const rlimit limit{addressSpace, addressSpace};
            if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(126);
        }
        std::vector<char*> argv{const_cast<char*>(SECONDLINE_CLI)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        // The SANE test backend is the only scanner the tests see (a test-only SANE configuration folder).
        const std::string sane = "SANE_CONFIG_DIR=" SECONDLINE_TEST_DATA "/sane";
        // The sanitizers' settings (and LeakSanitizer's suppressions) reach the binary under test too.
        std::vector<std::string> sanitizers;
        for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"})
            if (const char* value = std::getenv(name)) sanitizers.push_back(std::string(name) + "=" + value);
        std::vector<char*> envp{const_cast<char*>(home.c_str()), const_cast<char*>(xdg.c_str()),
                                const_cast<char*>(sane.c_str()), const_cast<char*>(tmp.c_str())};
        for (auto& v : sanitizers) envp.push_back(v.data());
        for (auto& v : environment) envp.push_back(v.data());
        envp.push_back(nullptr);
        ::execve(SECONDLINE_CLI, argv.data(), envp.data());
        ::_exit(127);
    }
    int status = 0;
    bool killed = false;
    if (!waitForExit(pid, timeout, status)) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        killed = true;
    }
    CliRun r;
    r.exitCode = killed ? -2 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = test::readFile(out);
    r.err = test::readFile(err);
    return r;
}

std::string CliTest::renderImage(std::uint64_t seed, validation::MrzFormat format, std::vector<std::string>* mrz) {
    auto renderer = capture::SyntheticRenderer::create();
    if (!renderer) throw std::runtime_error(renderer.error().message);
    auto doc = renderer->render(capture::randomFields(seed, format, test::testDate()), {.dpi = 300, .seed = seed});
    if (!doc) throw std::runtime_error(doc.error().message);
    const std::string path = dir.file("doc" + std::to_string(seed) + ".png");
    if (!capture::savePng(doc->image, path)) throw std::runtime_error("cannot save");
    if (mrz) *mrz = doc->mrz;
    return path;
}

std::string packWithAgreement(const std::string& recipientKey) {
    auto j = json::parse(secondline::privacy::Policy::presetText("default"));
    j["sharing"] = {{{"name", "liaison"},
                     {"recipient", "Specimen Liaison Office"},
                     {"purpose", "secondary_inspection"},
                     {"legal_reference", "Specimen Agreement art. 1"},
                     {"fields", {"surname", "nationality"}},
                     {"recipient_public_key", recipientKey}}};
    return j.dump(2);
}

std::vector<std::string> PrivacyCli::as(const std::string& user, std::vector<std::string> args) {
    for (const std::string& a :
         {std::string("--store"), store, std::string("--user"), user, std::string("--password-stdin")})
        args.push_back(a);
    return args;
}

void PrivacyCli::build(const std::string& name, bool training, int records) {
    store = dir.file(name);
    std::vector<std::string> init = as("admin", {"store", "init"});
    if (training) init.push_back("--training");
    init.insert(init.end(), kFastTestStore.begin(), kFastTestStore.end());
    ASSERT_EQ(run(init, pw("admin")).exitCode, 0);
    const std::vector<std::pair<std::string, std::string>> users =
        training ? std::vector<std::pair<std::string, std::string>>{{"o1", "officer"}, {"t1", "trainer"}}
                 : std::vector<std::pair<std::string, std::string>>{
                       {"o1", "officer"}, {"s1", "supervisor"}, {"au1", "auditor"}};
    for (const auto& [user, role] : users) {
        auto args = as("admin", {"user", "add", user, "--role", role});
        args.insert(args.end(), kFast.begin(), kFast.end());
        ASSERT_EQ(run(args, pw("admin") + pw(user)).exitCode, 0) << user;
    }
    if (image.empty()) {
        image = renderImage(4242, validation::MrzFormat::TD3, &mrz);
        documentKey = mrz[0].substr(2, 3) + ":" + mrz[1].substr(0, 9);
        while (documentKey.back() == '<') documentKey.pop_back();
        keyFile = dir.file("recipient.key");
        auto keygen = run({"share", "keygen", "--out", keyFile});
        ASSERT_EQ(keygen.exitCode, 0) << keygen.err;
        policyFile = dir.file("pack.json");
        test::writeFile(policyFile, packWithAgreement(json::parse(keygen.out)["public_key"]));
    }
    auto load = run(as("admin", {"policy", "load", policyFile}), pw("admin"));
    ASSERT_EQ(load.exitCode, 0) << load.err;
    std::vector<std::string> ingest = as("o1", {"ingest"});
    for (int i = 0; i < records; ++i) ingest.push_back(image);
    auto r = run(ingest, pw("o1"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_EQ(run(as("o1", {"records", "flag", "1", "--reason", "photo mismatch"}), pw("o1")).exitCode, 0);
}

} // namespace secondline::test
