// Issue 18: the insider's attacks, run as the insider would run them — under their own OS account, with their
// own password and a shell — against the real service running under its own account. Creating the accounts
// needs root (CI runs as root); elsewhere the suite is skipped and says why.
//
// Accounts (created once, kept: system accounts without a login shell or home):
//   sltest-svc       the service's account; owns the store folder (0700) and everything in it
//   sltest-officer   a desk user: member of sltest-desk, the group that may reach the socket
//   sltest-outsider  another local account, not in the group
//
// Every attack step runs in a child process that has dropped to the attacker's uid, gid and groups before it
// does anything; the parent never uses gRPC before forking.

#include "test_support.h"
#include "wait_until.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace secondline::test {
namespace {

namespace fs = std::filesystem;

struct Account {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
};

/// Runs a command (as root), its output discarded; its exit status.
int system(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());
}

std::optional<Account> account(const char* name) {
    const passwd* pw = ::getpwnam(name);
    if (pw == nullptr) return std::nullopt;
    Account a{pw->pw_uid, pw->pw_gid, {}};
    int count = 32;
    a.groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(name, pw->pw_gid, a.groups.data(), &count) < 0) return std::nullopt;
    a.groups.resize(static_cast<std::size_t>(count));
    return a;
}

/// In a child (after fork): become `a` for good. Any failure ends the child with 99.
void become(const Account& a) {
    if (::setgroups(a.groups.size(), a.groups.data()) != 0 || ::setresgid(a.gid, a.gid, a.gid) != 0 ||
        ::setresuid(a.uid, a.uid, a.uid) != 0 || ::getuid() != a.uid)
        ::_exit(99);
}

/// What a command run as another account did.
struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// The CLI binary as the accounts can run it: the build's own, or (when the build tree sits where other accounts
/// cannot reach it, e.g. under root's home) a copy in a folder they can.
std::string& cliBinary() {
    static std::string path = SECONDLINE_CLI;
    return path;
}

/// Runs the CLI as `a`, `input` on stdin, output captured through files in `scratch` (root-owned).
Run runAs(const Account& a, const std::vector<std::string>& args, const std::string& input, const fs::path& scratch) {
    const std::string in = (scratch / "stdin").string();
    const std::string out = (scratch / "stdout").string();
    const std::string err = (scratch / "stderr").string();
    writeFile(in, input);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int i = ::open(in.c_str(), O_RDONLY);
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (i < 0 || o < 0 || e < 0) ::_exit(98);
        ::dup2(i, 0);
        ::dup2(o, 1);
        ::dup2(e, 2);
        become(a);
        std::vector<std::string> all = {cliBinary()};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& s : all) argv.push_back(s.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(97);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(out), readFile(err)};
}

/// Runs `step` in a child that has become `a`; the errno it ends with (0: the step succeeded).
template <typename Step>
int errnoAs(const Account& a, Step step) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        become(a);
        errno = 0;
        const bool ok = step();
        ::_exit(ok ? 0 : (errno == 0 ? 96 : (errno & 0x7f)));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ServiceAccounts : public ::testing::Test {
protected:
    static inline std::optional<Account> svc, officer, outsider;

    static void SetUpTestSuite() {
        if (::geteuid() != 0) return;
        system("groupadd -f sltest-desk");
        system("useradd -r -M -d /nonexistent -s /usr/sbin/nologin -g sltest-desk sltest-svc");
        system("useradd -r -M -d /nonexistent -s /usr/sbin/nologin -G sltest-desk sltest-officer");
        system("useradd -r -M -d /nonexistent -s /usr/sbin/nologin sltest-outsider");
        svc = account("sltest-svc");
        officer = account("sltest-officer");
        outsider = account("sltest-outsider");
        if (svc && errnoAs(*svc, [] { return ::access(SECONDLINE_CLI, X_OK) == 0; }) != 0) {
            char folder[] = "/tmp/sltest-bin-XXXXXX";
            if (::mkdtemp(folder) == nullptr) return;
            ::chmod(folder, 0755);
            s_copiedBinaryFolder = folder;
            const auto copy = fs::path(folder) / "secondline";
            fs::copy_file(SECONDLINE_CLI, copy);
            fs::permissions(copy, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
            cliBinary() = copy.string();
        }
    }

    static void TearDownTestSuite() {
        if (s_copiedBinaryFolder.empty()) return;
        std::error_code ec;
        fs::remove_all(s_copiedBinaryFolder, ec);
        cliBinary() = SECONDLINE_CLI;
    }

    static inline std::string s_copiedBinaryFolder;

    TempDir dir;
    fs::path storeDir, keyDir, runDir, scratch;
    std::string store, socket, address, rootKey;
    pid_t service = -1;

    void SetUp() override {
        if (::geteuid() != 0)
            GTEST_SKIP() << "needs root to create the service's and the attackers' accounts (CI runs as root)";
        ASSERT_TRUE(svc && officer && outsider) << "useradd failed";
        // The temp folder is root's 0700; the accounts must be able to reach their folders inside it.
        fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
        storeDir = dir.path() / "store";
        keyDir = dir.path() / "keys";
        runDir = dir.path() / "run";
        scratch = dir.path() / "scratch";
        for (const auto& d : {storeDir, keyDir, runDir, scratch}) fs::create_directory(d);
        store = (storeDir / "store.db").string();
        socket = (runDir / "service.sock").string();
        address = "unix:" + socket;

        // The administrator creates the store (as root, as the install does), then hands it to the service.
        const Account root{0, 0, {0}};
        rootKey = (keyDir / "root-key").string();
        std::vector<std::string> init = {
            "store",     "init", "--store",       store,  "--user",       "admin",      "--password-stdin",
            "--kdf-ops", "1",    "--kdf-mem-kib", "8192", "--test-store", "--root-key", rootKey};
        auto made = runAs(root, init, "pw-admin-long-enough\n", scratch);
        ASSERT_EQ(made.exitCode, 0) << made.err;
        for (const auto& [name, role] : {std::pair{"o1", "officer"}, std::pair{"au1", "auditor"}}) {
            auto added = runAs(root,
                               {"user", "add", name, "--role", role, "--store", store, "--user", "admin",
                                "--password-stdin", "--kdf-ops", "1", "--kdf-mem-kib", "8192", "--root-key", rootKey},
                               "pw-admin-long-enough\npw-" + std::string(name) + "-long-enough\n", scratch);
            ASSERT_EQ(added.exitCode, 0) << added.err;
        }
        for (const auto& d : {storeDir, keyDir}) {
            ASSERT_EQ(system("chown -R sltest-svc: '" + d.string() + "'"), 0);
            fs::permissions(d, fs::perms::owner_all);
        }
        ASSERT_EQ(system("chown sltest-svc:sltest-desk '" + runDir.string() + "'"), 0);
        fs::permissions(runDir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
        startService();
    }

    void TearDown() override {
        if (service > 0) {
            ::kill(service, SIGTERM);
            int status = 0;
            ::waitpid(service, &status, 0);
        }
    }

    void startService() {
        const std::string log = (dir.path() / "service.log").string();
        service = ::fork();
        if (service == 0) {
            const int e = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (e >= 0) ::dup2(e, 2);
            become(*svc);
            std::vector<std::string> args = {cliBinary(), "service", "run",        "--store", store,
                                             "--socket",  socket,    "--root-key", rootKey};
            std::vector<char*> argv;
            for (auto& s : args) argv.push_back(s.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(97);
        }
        ASSERT_GT(service, 0);
        const bool up = waitUntil([&] { return fs::exists(socket); }, std::chrono::seconds{20});
        ASSERT_TRUE(up) << readFile(log);
    }
};

TEST_F(ServiceAccounts, TheStoreFolderIsTheServicesAlone) {
    struct stat st {};
    ASSERT_EQ(::stat(storeDir.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, svc->uid);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    for (const auto& entry : fs::directory_iterator(storeDir)) {
        ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, svc->uid) << entry.path().filename();
        EXPECT_EQ(st.st_mode & 077, 0u) << entry.path().filename() << " is readable by others";
    }
}

TEST_F(ServiceAccounts, TheServiceRefusesAStoreFolderOthersCanReach) {
    // A careless install (a folder left group-readable, a file another account owns) is refused at start, not
    // served: the account boundary is checked, not assumed.
    const std::string log = (dir.path() / "refused.log").string();
    auto startAndWait = [&] {
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int e = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (e >= 0) ::dup2(e, 2);
            become(*svc);
            std::vector<std::string> args = {
                cliBinary(),  "service", "run", "--store", store, "--socket", (runDir / "second.sock").string(),
                "--root-key", rootKey};
            std::vector<char*> argv;
            for (auto& s : args) argv.push_back(s.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(97);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    fs::permissions(storeDir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    EXPECT_EQ(startAndWait(), 2);
    EXPECT_NE(readFile(log).find("store_folder_unsafe"), std::string::npos) << readFile(log);
    fs::permissions(storeDir, fs::perms::owner_all);

    const std::string planted = (storeDir / "planted").string();
    writeFile(planted, "x");
    ::chmod(planted.c_str(), 0600); // root's own file, in the service's folder
    EXPECT_EQ(startAndWait(), 2);
    EXPECT_NE(readFile(log).find("store_folder_unsafe"), std::string::npos) << readFile(log);
}

TEST_F(ServiceAccounts, AnOfficerWithAShellCannotReachTheStoreFiles) {
    const std::string db = store;
    const std::string slots = store + ".keys";
    const std::string logins = store + ".logins";
    // Read the encrypted database, or copy it away to attack it at leisure.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(db.c_str(), O_RDONLY) >= 0; }), EACCES);
    // Edit the users table (their own role), plant a trigger, rewrite the audit trail.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(db.c_str(), O_RDWR) >= 0; }), EACCES);
    // Add a key slot of their own.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(slots.c_str(), O_RDWR) >= 0; }), EACCES);
    // Reset their lockout by deleting or freezing the sign-in file.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::unlink(logins.c_str()) == 0; }), EACCES);
    EXPECT_EQ(errnoAs(*officer, [&] { return ::chmod(logins.c_str(), 0400) == 0; }), EACCES);
    // Take the root key, which alone opens everything above.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(rootKey.c_str(), O_RDONLY) >= 0; }), EACCES);
    // Even list what is there.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::opendir(storeDir.c_str()) != nullptr; }), EACCES);
    // Put a file of their own in the folder (a forged slot file, a planted checkpoint).
    const std::string planted = (storeDir / "planted").string();
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(planted.c_str(), O_WRONLY | O_CREAT, 0600) >= 0; }), EACCES);
}

TEST_F(ServiceAccounts, AnOfficerCannotReadTheServicesMemoryNorStopIt) {
    const pid_t pid = service;
    const std::string mem = "/proc/" + std::to_string(pid) + "/mem";
    EXPECT_EQ(errnoAs(*officer, [&] { return ::ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) == 0; }), EPERM);
    EXPECT_EQ(errnoAs(*officer, [&] { return ::open(mem.c_str(), O_RDONLY) >= 0; }), EACCES);
    EXPECT_EQ(errnoAs(*officer, [&] { return ::kill(pid, SIGKILL) == 0; }), EPERM);
}

TEST_F(ServiceAccounts, AnOfficerCannotReplaceTheSocket) {
    // A fake service on the real socket's name would collect passwords.
    EXPECT_EQ(errnoAs(*officer, [&] { return ::unlink(socket.c_str()) == 0; }), EACCES);
    const std::string beside = (runDir / "fake.sock").string();
    EXPECT_EQ(errnoAs(*officer,
                      [&] {
                          const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
                          sockaddr_un addr{};
                          addr.sun_family = AF_UNIX;
                          std::strncpy(addr.sun_path, beside.c_str(), sizeof addr.sun_path - 1);
                          return ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
                      }),
              EACCES);
}

TEST_F(ServiceAccounts, TheDeskGroupReachesTheServiceAndNobodyElse) {
    auto desk = runAs(*officer, {"hello", "--service", address, "--json"}, "", scratch);
    EXPECT_EQ(desk.exitCode, 0) << desk.err;
    EXPECT_NE(desk.out.find("\"store_id\""), std::string::npos);
    auto other = runAs(*outsider, {"hello", "--service", address, "--json"}, "", scratch);
    EXPECT_EQ(other.exitCode, 5) << "an account outside the desk group must not reach the service: " << other.out;
}

TEST_F(ServiceAccounts, AnOfficerSignsInThroughTheServiceOnly) {
    // Through the service, the officer's own password works (the account is a legitimate user) ...
    auto via = runAs(*officer, {"records", "show", "1", "--service", address, "--user", "o1", "--password-stdin"},
                     "pw-o1-long-enough\n", scratch);
    EXPECT_EQ(via.exitCode, 1) << "signed in, and no record 1 exists: " << via.err;
    EXPECT_NE(via.err.find("record_not_found"), std::string::npos) << via.err;
    // ... and the same password opening the store directly, as a script would, gets nowhere.
    auto direct = runAs(*officer, {"records", "list", "--store", store, "--user", "o1", "--password-stdin"},
                        "pw-o1-long-enough\n", scratch);
    EXPECT_NE(direct.exitCode, 0);
    EXPECT_EQ(direct.out, "");

    // The trail names where the sign-in came from: the officer's OS account, as the kernel reported it on the
    // socket, not anything the client said. (Read by an auditor once the service has stopped.)
    ::kill(service, SIGTERM);
    int status = 0;
    ::waitpid(service, &status, 0);
    service = -1;
    const Account root{0, 0, {0}};
    auto trail =
        runAs(root, {"audit", "export", "--store", store, "--user", "au1", "--password-stdin", "--root-key", rootKey},
              "pw-au1-long-enough\n", scratch);
    ASSERT_EQ(trail.exitCode, 0) << trail.err;
    EXPECT_NE(trail.out.find("from unix uid " + std::to_string(officer->uid) + " pid"), std::string::npos)
        << "the officer's sign-in through the service carries their uid";
}

} // namespace
} // namespace secondline::test
